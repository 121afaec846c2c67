"""The compiled schema check answers exactly as jsonschema does: on every vector file of the suite, on thousands
of mutations of them (a key dropped or added, a value of another type, a list emptied or doubled), and on schemas
drawn from every keyword it compiles, nested in each other."""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hmac_conformance import _fastschema, _schemas, schemes
from hmac_conformance import _yamlsafe as yamlsafe
from tests.conftest import ROOT

VECTORS = Path(__file__).parents[1] / "vectors"
FILES = sorted(VECTORS.rglob("*.yaml"))
#: Values a mutation puts in place of another: every JSON type, YAML's extras, and near-misses of the schemas'.
REPLACEMENTS = [None, True, False, 0, 1, -1, 1.0, 2.5, "", "x", "sha256", "0755", "ff", [], [1], {}, {"hex": "zz"},
                {"utf8": "a", "hex": "61"}, {"repeat": {"utf8": "a"}, "count": -1}, {"concat": []}, "FV-1"]  # fmt: skip


def _documents() -> list[tuple[str, Any]]:
    return [(doc.value["scheme"], doc.value) for doc in map(yamlsafe.load, FILES)]


DOCUMENTS = _documents()


def _paths(value: Any, at: tuple = ()) -> list[tuple]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += _paths(item, (*at, index))
    return found


def _mutate(value: Any, at: tuple, how: int, replacement: Any) -> Any:
    value = copy.deepcopy(value)
    if not at:
        return replacement
    parent = value
    for step in at[:-1]:
        parent = parent[step]
    last = at[-1]
    if how == 0:
        parent[last] = copy.deepcopy(replacement)
    elif how == 1:
        del parent[last]
    elif how == 2 and isinstance(parent, dict):
        parent["unexpected"] = replacement
    elif how == 2:
        parent.append(copy.deepcopy(parent[last]))
    return value


def _agree(validator: jsonschema.Draft202012Validator, instance: Any) -> None:
    assert _fastschema.check(validator)(instance) == validator.is_valid(instance)


def test_every_shipped_schema_is_valid_2020_12():
    """The runner checks only plug-ins' schemas against the metaschema when it starts; the suite's are here."""
    shipped = [p for p in _schemas._files() if _schemas._shipped(p)]
    assert len(shipped) > 40
    for path in shipped:
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_the_suite_schemas_compile():
    for name in schemes.all_schemes():
        assert _fastschema.check(_schemas.vector_file(name)) != _schemas.vector_file(name).is_valid


@pytest.mark.parametrize(("scheme", "value"), DOCUMENTS, ids=[p.name for p in FILES])
def test_every_vector_file_is_valid_both_ways(scheme, value):
    assert _fastschema.check(_schemas.vector_file(scheme))(value)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_vector_files_agree(data):
    scheme, value = data.draw(st.sampled_from(DOCUMENTS))
    small = {**value, "vectors": value["vectors"][:2]}
    at = data.draw(st.sampled_from(_paths(small)))
    mutated = _mutate(small, at, data.draw(st.integers(0, 2)), data.draw(st.sampled_from(REPLACEMENTS)))
    _agree(_schemas.vector_file(scheme), mutated)
    _agree(_schemas.vector_file(None), mutated)


MESSAGES = [
    ("result", None, None, {"type": "result", "seq": 1, "output": {"signature": "AA=="}}),
    ("result", None, None, {"type": "result", "seq": 2, "skip": {"reason": "no", "link": "https://x"}}),
    ("result", None, None, {"type": "result", "seq": 3, "error": {"message": "boom"}}),
    ("hello-response", None, None, {"type": "hello", "protocol": 1,
                                    "implementation": {"name": "x", "version": "1", "language": "c"},
                                    "supports": {"hmac": {"operations": ["mac"], "algorithms": ["sha256"]}}}),
    ("output", "firstvision", "verify", {"valid": False, "reason": "bad-signature"}),
    ("output", "hmac", "mac", {"tag": "AAAA"}),
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_mutated_protocol_messages_agree(data):
    """Each message above is valid as written (asserted below), so a mutation tests both answers."""
    definition, scheme, operation, message = data.draw(st.sampled_from(MESSAGES))
    at = data.draw(st.sampled_from(_paths(message)))
    mutated = _mutate(message, at, data.draw(st.integers(0, 2)), data.draw(st.sampled_from(REPLACEMENTS)))
    _agree(_schemas.message(definition, scheme, operation), mutated)
    assert _fastschema.check(_schemas.message(definition, scheme, operation))(message)


def _closed(required: list[str], *allowed: str, **properties: object) -> dict:
    return {
        "additionalProperties": False,
        "required": required,
        "properties": {**{key: {} for key in allowed}, **properties},
    }


#: oneOf branches no object can satisfy two of: each is closed and requires a key the others forbid.
EXCLUSIVE_ONE_OF = [
    {"oneOf": [_closed(["a"], a={"type": "string"}), _closed(["b"], "b", "c")]},
    {"type": "object", "oneOf": [_closed(["a"], "a"), _closed(["b", "c"], "b", "c", "x"), _closed(["xa"], "xa")]},
    {"oneOf": [_closed(["a"], "a"), _closed(["b"], "a", "b")]},  # exclusive in fact, not by the rule: not keyed
]
#: oneOf branches that an object can satisfy two of (or not closed): every branch is tried.
OVERLAPPING_ONE_OF = [
    {"oneOf": [_closed(["a"], "a", "b"), _closed(["b"], "a", "b")]},
    {"oneOf": [_closed(["a"], "a"), {"required": ["b"]}]},
    {"oneOf": [_closed(["a"], "a"), _closed(["a"], "a", b={"type": "integer"})]},
    {"oneOf": [_closed(["a"], "a"), _closed(["a"], a={"type": "string"})]},  # one requires all the other allows
]


OBJECT_SCHEMAS = [
    {"type": "object", "required": ["a"], "additionalProperties": False, "properties": {"a": {"type": "string"}}},
    {"required": ["a"], "properties": {"a": {"type": "string"}}},  # no "type": a value that is no object passes
    {"additionalProperties": False, "properties": {"a": {}}},
    {"type": "object", "properties": {"a": {"const": 1}}, "minProperties": 2},
    {"type": "object", "additionalProperties": {"type": "integer"}, "properties": {"a": {}}},  # not fused
    {"type": "object", "patternProperties": {"^x": {"type": "string"}}, "additionalProperties": False},  # not fused
    {"type": "object"},
    {"type": ["object", "null"], "required": ["a"]},  # not fused
    {"required": ["a"], "oneOf": [{"required": ["b"]}, {"required": ["c"]}]},
    *EXCLUSIVE_ONE_OF,
    *OVERLAPPING_ONE_OF,
]
OBJECT_INSTANCES = [None, 1, "a", [], ["a"], {}, {"a": "x"}, {"a": 1}, {"a": "x", "b": 1}, {"b": 1}, {"a": 1, "x": "y"},
                    {"a": "x", "b": 1, "c": 2}, {"xa": "s"}, {"xa": 1}, {"b": 1, "c": 2}, {"b": 1, "c": 2, "x": 3},
                    {"c": 2}, {"a": "x", "xa": 1}]  # fmt: skip


STRING_SCHEMAS = [
    {"type": "string", "minLength": 2, "maxLength": 3},
    {"type": "string", "pattern": "^[a-z]+$"},
    {"minLength": 1, "pattern": "b"},  # no "type": a value that is no string passes
    {"type": "string", "pattern": _fastschema.BASE64_PATTERN, "maxLength": 8},
    {"type": "string", "minLength": 1},
    {"maxLength": 0, "minLength": 0},
    {"type": "string", "pattern": "^x$", "format": "date"},
    {"type": ["string", "null"], "minLength": 1},  # not fused
]
STRING_INSTANCES = [None, 1, True, [], {}, "", "a", "ab", "abc", "abcd", "AB", "b", "x", "x\n", "QUJD", "QUJDRA==",
                    "QUJDRA=", "é", "ééé", "2024-01-01"]  # fmt: skip


@pytest.mark.parametrize("schema", OBJECT_SCHEMAS + STRING_SCHEMAS, ids=range(len(OBJECT_SCHEMAS + STRING_SCHEMAS)))
def test_keywords_checked_in_one_call_agree_with_jsonschema(schema):
    """An object's or a string's keywords, fused or not, with "type" or without (then a value of another type
    passes them all), on values of every type, objects and strings alike, and lists of them."""
    validator = _schemas.validator(schema)
    compiled = _fastschema.check(validator)
    assert compiled != validator.is_valid, "compiled, not handed to jsonschema"
    instances = [*OBJECT_INSTANCES, *STRING_INSTANCES, *([x] for x in OBJECT_INSTANCES[:4])]
    assert [compiled(x) for x in instances] == [validator.is_valid(x) for x in instances]


def test_one_of_is_keyed_only_where_no_object_can_satisfy_two_branches():
    """Where it is keyed, an object is checked against the branch its key names: the agreement with jsonschema
    is tested above on every schema of both lists."""
    assert [_fastschema._exclusive_keys(s["oneOf"]) for s in EXCLUSIVE_ONE_OF] == [["a", "b"], ["a", "b", "xa"], None]
    assert [_fastschema._exclusive_keys(s["oneOf"]) for s in OVERLAPPING_ONE_OF] == [None] * len(OVERLAPPING_ONE_OF)
    common = json.loads((ROOT / "schema" / "common.schema.json").read_text(encoding="utf-8"))
    assert _fastschema._exclusive_keys(common["$defs"]["bytes"]["oneOf"]) == [
        "utf8",
        "hex",
        "base64",
        "repeat",
        "concat",
    ]


@pytest.mark.parametrize("items", [["a", "b"], ["a", "a"], [], [1, True], [1, 1.0], [[1], [1]], ["1", 1], [{}, {}]])
def test_unique_items_agree_with_jsonschema(items):
    validator = _schemas.validator({"uniqueItems": True})
    assert _fastschema.check(validator)(items) is validator.is_valid(items)


def test_a_keyword_outside_the_subset_falls_back_to_jsonschema():
    validator = _schemas.validator({"contains": {"const": 1}})
    assert _fastschema.check(validator) == validator.is_valid
    assert not _fastschema.check(validator)([2]) and _fastschema.check(validator)([2, 1])


def _b64_text(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_BASE64_EDGES = st.text(alphabet="AZaz09+/=\n\r -_é\x00", max_size=14)


@given(st.one_of(_BASE64_EDGES, _BASE64_EDGES.map(lambda t: t + "\n"), st.binary(max_size=12).map(_b64_text)))
def test_the_base64_check_is_the_pattern(text):
    """The faster check of padded Base64 answers exactly what re.search with the schema's pattern answers: every
    length, padding in and out of place, characters outside the alphabet, a final newline, two of them."""
    assert _fastschema._padded_base64(text) is (re.search(_fastschema.BASE64_PATTERN, text) is not None)


def test_the_common_schema_writes_base64_as_the_fast_check_knows_it():
    common = json.loads((ROOT / "schema" / "common.schema.json").read_text(encoding="utf-8"))
    assert common["$defs"]["b64"]["pattern"] == _fastschema.BASE64_PATTERN, "else the faster check is never used"


# -- every keyword of the subset, nested in every way, against jsonschema ------------------------------------------

_KEYS = st.sampled_from(["a", "b", "ab"])
_TEXTS = st.sampled_from(["", "a", "ab", "abc", "b", "QUJD", "2024-01-01", "2024-13-01", "x\n"])
_NUMBERS = st.sampled_from([0, 1, -1, 2, 1.0, 1.5, True, False])
_LEAF_SCHEMAS = st.one_of(
    st.booleans(),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])}
    ),
    st.fixed_dictionaries({"type": st.lists(st.sampled_from(["integer", "string", "null", "object"]), max_size=2)}),
    st.fixed_dictionaries({"enum": st.lists(st.one_of(_TEXTS, _NUMBERS, st.none()), min_size=1, max_size=3)}),
    st.fixed_dictionaries({"enum": st.lists(_TEXTS, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"const": st.one_of(_TEXTS, _NUMBERS, st.none(), st.just([1]))}),
    st.fixed_dictionaries(
        {},
        optional={
            "minLength": st.integers(0, 3),
            "maxLength": st.integers(0, 3),
            "pattern": st.sampled_from(["^a", "b$", _fastschema.BASE64_PATTERN]),
            "format": st.just("date"),
            "type": st.just("string"),
        },
    ),
    st.fixed_dictionaries(
        {}, optional={"minimum": _NUMBERS, "maximum": _NUMBERS, "type": st.sampled_from(["integer", "number"])}
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "minItems": st.integers(0, 2),
            "maxItems": st.integers(0, 2),
            "uniqueItems": st.booleans(),
            "type": st.just("array"),
        },
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "required": st.lists(_KEYS, unique=True, max_size=2),
            "minProperties": st.integers(0, 2),
            "type": st.just("object"),
            "additionalProperties": st.just(False),
        },
    ),
    st.just({"properties": {"a": {"$ref": "#"}}}),  # recursive, one level of the value down each time
    st.just({"items": {"$ref": "#"}}),
)


def _keyed_branch(key: str, inner: st.SearchStrategy) -> st.SearchStrategy:
    """A branch that requires ``key`` and allows it, maybe "ab" too, and nothing else: branches made with other
    keys are exclusive, and their oneOf is keyed."""
    return st.fixed_dictionaries(
        {
            "required": st.just([key]),
            "additionalProperties": st.just(False),
            "properties": st.fixed_dictionaries({key: st.one_of(st.just(True), inner)}, optional={"ab": inner}),
        }
    )


def _compound(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                "properties": st.dictionaries(_KEYS, inner, max_size=3),
                "required": st.lists(_KEYS, unique=True, max_size=2),
                "additionalProperties": st.one_of(st.booleans(), inner),
                "patternProperties": st.dictionaries(st.just("^a"), inner),
                "type": st.just("object"),
            },
        ),
        st.fixed_dictionaries(
            {}, optional={"items": inner, "prefixItems": st.lists(inner, max_size=2), "type": st.just("array")}
        ),
        st.fixed_dictionaries({"allOf": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"anyOf": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"oneOf": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries(
            {
                "oneOf": st.lists(
                    st.fixed_dictionaries(
                        {
                            "required": st.lists(_KEYS, min_size=1, max_size=1),
                            "properties": st.dictionaries(_KEYS, inner, max_size=2),
                            "additionalProperties": st.just(False),
                        }
                    ),
                    min_size=1,
                    max_size=3,
                )
            },
            optional={"type": st.just("object")},
        ),
        st.fixed_dictionaries(
            {"oneOf": st.tuples(_keyed_branch("a", inner), _keyed_branch("b", inner)).map(list)},
            optional={"type": st.just("object")},
        ),
        st.fixed_dictionaries({"not": inner}),
        st.fixed_dictionaries({"if": inner}, optional={"then": inner, "else": inner}),
    )


_NESTED = st.recursive(_LEAF_SCHEMAS, _compound, max_leaves=8)
_SCHEMAS = st.one_of(_LEAF_SCHEMAS, _NESTED, _NESTED.map(lambda schema: {"$defs": {"d": schema}, "$ref": "#/$defs/d"}))
_SCALARS = st.one_of(st.none(), _NUMBERS, _TEXTS)
_INSTANCES = st.one_of(
    _SCALARS,
    st.dictionaries(_KEYS, _SCALARS, min_size=1, max_size=2),  # most schemas are about objects: many of them
    st.recursive(
        _SCALARS,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, min_size=1, max_size=3)),
        max_leaves=6,
    ),
)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SCHEMAS, st.lists(_INSTANCES, min_size=8, max_size=8))
def test_generated_schemas_agree_with_jsonschema(schema, instances):
    """Schemas drawn from every keyword the compiler writes code for, nested in each other (an object's keywords
    inside a oneOf branch, a recursive "$ref", an if without then), on values of every type: the compiled check
    answers what jsonschema answers, every time."""
    validator = _schemas.validator(schema)
    compiled = _fastschema.check(validator)
    assert compiled != validator.is_valid, "compiled, not handed to jsonschema"
    assert [compiled(x) for x in instances] == [validator.is_valid(x) for x in instances]
