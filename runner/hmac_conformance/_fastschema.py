"""A yes/no answer to "is this valid?" for the suite's JSON Schemas, compiled once into Python closures.

jsonschema walks the schema for every instance, building a validator object per keyword and subschema: about
half a millisecond per vector, and the same again for each protocol message on the persistent hot path. What
the schemas use is a small subset of JSON Schema 2020-12, which compiles to plain closures that answer the
same question tens of times faster. jsonschema stays the authority: a ``False`` here (or any keyword this
module does not compile) hands the instance to jsonschema, which finds and words the errors. So the answer is
exact: each keyword below follows jsonschema's own definition (its equality and uniqueness helpers are
reused), and a schema with a validation keyword outside the subset is never compiled at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema
from referencing.jsonschema import DRAFT202012

try:  # jsonschema's own equality and uniqueness: private, so a release without them means no compiling
    from jsonschema._utils import equal, uniq
except ImportError:  # pragma: no cover - depends on the installed jsonschema
    equal = uniq = None  # type: ignore[assignment]

Check = Callable[[Any], bool]


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement: validate with jsonschema instead."""


#: Keywords that jsonschema validates and this module implements; any other of jsonschema's validation
#: keywords makes the schema Unsupported (keywords jsonschema ignores, such as annotations, are ignored here too).
_IMPLEMENTED = frozenset({
    "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
    "minProperties", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength",
    "pattern", "format", "minimum", "maximum", "allOf", "oneOf", "anyOf", "not", "if",
})  # fmt: skip
_VALIDATION = frozenset(jsonschema.Draft202012Validator.VALIDATORS)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


_TYPES: dict[str, Check] = {
    "null": lambda x: x is None,
    "boolean": lambda x: isinstance(x, bool),
    "integer": lambda x: (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer()),
    "number": _is_number,
    "string": lambda x: isinstance(x, str),
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
}


#: Padded Base64 as the common schema writes it. Python's re steps through its repeated four-character group one
#: group at a time; one run of the alphabet and a length check decide the same, several times faster on long text.
BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
_BASE64_RUN = re.compile("[A-Za-z0-9+/]*={0,2}").fullmatch


def _padded_base64(x: str) -> bool:
    """``re.search(BASE64_PATTERN, x) is not None`` (its "$" also matches before a final newline)."""
    text = x[:-1] if x.endswith("\n") else x
    return len(text) % 4 == 0 and _BASE64_RUN(text) is not None


#: Patterns with an equivalent check that is faster than re on them (each proven equal by tests/test_fastschema.py).
_EQUIVALENT: dict[str, Check] = {BASE64_PATTERN: _padded_base64}


#: The order in which a schema's keywords are tried: the result is their conjunction whatever the order, so the
#: cheap ones that most often decide (the shape of an object) go first.
_CHEAP_FIRST = {name: rank for rank, name in enumerate(["type", "required", "additionalProperties", "const", "enum"])}


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)

    def every(x: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a plain loop: all() over a generator costs a frame per call
            if not check(x):
                return False
        return True

    return every


#: The keywords that ``_Compiler._object`` and ``_Compiler._string`` check in one call when a schema is of their
#: form.
_OBJECT_KEYWORDS = frozenset({"type", "required", "additionalProperties", "properties"})
_STRING_KEYWORDS = frozenset({"type", "minLength", "maxLength", "pattern"})


def _matcher(pattern: str) -> Check:
    """``re.search(pattern, x) is not None`` for a string ``x``, by the faster equivalent check where there is one."""
    fast = _EQUIVALENT.get(pattern)
    if fast is not None:
        return fast
    search = re.compile(pattern).search
    return lambda x: search(x) is not None


def _unique(x: Any) -> bool:
    """``uniqueItems: true``: for a list of strings (rules, tags), a set says what jsonschema's ``uniq`` says."""
    if not isinstance(x, list):
        return True
    if all(item.__class__ is str for item in x):
        return len(set(x)) == len(x)
    return bool(uniq(x))


def _exclusive_keys(branches: list[Any]) -> list[str] | None:
    """For ``oneOf`` branches of which no object can satisfy two: a key that each branch requires, else None.

    Each branch must be closed (``additionalProperties: false``, no ``patternProperties``) and require a key that
    every other branch does not allow. An object valid under two would then hold a key that one of them forbids.
    So for an object, "exactly one branch" is "some branch", and only a branch whose key the object holds can be
    it: the byte strings' five forms are told apart by one lookup, not five checks."""
    allowed, needed = [], []
    for branch in branches:
        if (
            not isinstance(branch, dict)
            or branch.get("additionalProperties", True) is not False
            or "patternProperties" in branch
            or not isinstance(branch.get("required"), list)
            or not branch["required"]
        ):
            return None
        allowed.append(frozenset(branch.get("properties", {})))
        needed.append(frozenset(branch["required"]))
    for i, allows in enumerate(allowed):
        if any(j != i and required <= allows for j, required in enumerate(needed)):
            return None
    return [branch["required"][0] for branch in branches]


class _Compiler:
    def __init__(self, formats: jsonschema.FormatChecker | None) -> None:
        self.formats = formats
        self.done: dict[tuple[int, str], Check] = {}
        self.keep: list[Any] = []  # the schemas keyed by id() stay alive as long as the compiled checks

    def compile(self, schema: Any, resolver: Any) -> Check:
        if schema is True:
            return lambda x: True
        if schema is False:
            return lambda x: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if "$id" in schema:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        key = (id(schema), str(resolver._base_uri))
        if key in self.done:
            return self.done[key]
        cell: list[Check] = []
        self.done[key] = lambda x: cell[0](x)  # noqa: PLW0108 - a recursive "$ref" meets this first
        self.keep.append(schema)
        unknown = (set(schema) & _VALIDATION) - _IMPLEMENTED
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        names = sorted(schema, key=lambda name: _CHEAP_FIRST.get(name, len(_CHEAP_FIRST)))
        fused = []
        for fuse, keywords in ((self._object, _OBJECT_KEYWORDS), (self._string, _STRING_KEYWORDS)):
            if (check := fuse(schema, resolver)) is not None:
                fused.append(check)
                names = [name for name in names if name not in keywords]
        checks = [*fused, *(check for name in names if (check := self._keyword(name, schema, resolver)) is not None)]
        compiled = _all(checks)
        cell.append(compiled)
        self.done[key] = compiled
        return compiled

    def _object(self, schema: dict[str, Any], resolver: Any) -> Check | None:
        """An object's usual keywords (type object or none, required, additionalProperties false or absent,
        properties) as one check, or None when the schema is not of that form: a call for each keyword, each
        testing again that the value is a dict, was most of the time spent on the vectors' objects."""
        closed = schema.get("additionalProperties", True)
        if (
            schema.get("type", "object") != "object"  # without "type", a value that is no dict passes them all
            or "patternProperties" in schema
            or not (_OBJECT_KEYWORDS - {"type"}) & schema.keys()
            or closed not in (True, False)
            or not isinstance(schema.get("required", []), list)
        ):
            return None
        is_object = "type" in schema
        needed = frozenset(schema.get("required", ()))
        known = frozenset(schema.get("properties", {})) if closed is False else None
        props = [(key, self.compile(sub, resolver)) for key, sub in schema.get("properties", {}).items()]

        def fused(x: Any) -> bool:
            if not isinstance(x, dict):
                return not is_object
            keys = x.keys()
            if not needed <= keys or (known is not None and not keys <= known):
                return False
            for key, check in props:  # noqa: SIM110 - a plain loop: all() over a generator costs a frame per call
                if key in x and not check(x[key]):
                    return False
            return True

        return fused

    def _string(self, schema: dict[str, Any], resolver: Any) -> Check | None:
        """A string's keywords (type string or none, minLength, maxLength, pattern) as one check, when there are
        at least two of them: ids, versions, tags, descriptions and byte strings are most of a vector's values."""
        del resolver
        if schema.get("type", "string") != "string" or len(_STRING_KEYWORDS & schema.keys()) < 2:
            return None
        is_string = "type" in schema
        shortest, longest = schema.get("minLength", 0), schema.get("maxLength")
        pattern = schema.get("pattern")
        matches = None if pattern is None else _matcher(pattern)

        def fused(x: Any) -> bool:
            if not isinstance(x, str):
                return not is_string
            if len(x) < shortest or (longest is not None and len(x) > longest):
                return False
            return matches is None or matches(x)

        return fused

    def _keyword(self, name: str, schema: dict[str, Any], resolver: Any) -> Check | None:
        value = schema[name]
        sub = self.compile
        if name == "$ref":
            resolved = resolver.lookup(value)
            return sub(resolved.contents, resolved.resolver)
        if name == "type":
            names = [value] if isinstance(value, str) else value
            if not set(names) <= set(_TYPES):
                raise Unsupported(f"type {value!r}")
            kinds = [_TYPES[t] for t in names]
            return kinds[0] if len(kinds) == 1 else lambda x: any(k(x) for k in kinds)
        if name == "enum":
            if all(isinstance(e, str) for e in value):
                texts = frozenset(value)
                return lambda x: isinstance(x, str) and x in texts
            return lambda x: any(equal(e, x) for e in value)
        if name == "const":
            if isinstance(value, str):
                return lambda x: isinstance(x, str) and x == value
            return lambda x: equal(x, value)
        if name == "properties":
            props = [(k, sub(s, resolver)) for k, s in value.items()]

            def properties(x: Any) -> bool:
                if isinstance(x, dict):
                    for k, c in props:  # a plain loop: all() over a generator costs a frame per call
                        if k in x and not c(x[k]):
                            return False
                return True

            return properties
        if name == "required":
            needed = frozenset(value)
            return lambda x: not isinstance(x, dict) or needed <= x.keys()
        if name == "additionalProperties":
            known = frozenset(schema.get("properties", {}))
            patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
            if value is False and not patterns:
                return lambda x: not isinstance(x, dict) or x.keys() <= known
            extra = sub(value, resolver)

            def additional(x: Any) -> bool:
                if not isinstance(x, dict):
                    return True
                return all(extra(v) for k, v in x.items() if k not in known and not any(p.search(k) for p in patterns))

            return additional
        if name == "patternProperties":
            pairs = [(re.compile(p), sub(s, resolver)) for p, s in value.items()]
            return lambda x: not isinstance(x, dict) or all(c(v) for p, c in pairs for k, v in x.items() if p.search(k))
        if name == "minProperties":
            return lambda x: not isinstance(x, dict) or len(x) >= value
        if name == "prefixItems":
            firsts = [sub(s, resolver) for s in value]
            return lambda x: not isinstance(x, list) or all(c(v) for c, v in zip(firsts, x, strict=False))
        if name == "items":
            skip = len(schema.get("prefixItems", ()))
            each = sub(value, resolver)
            if skip:
                return lambda x: not isinstance(x, list) or all(each(v) for v in x[skip:])

            def every_item(x: Any) -> bool:
                if isinstance(x, list):
                    for item in x:  # a plain loop: all() over a generator costs a frame per call
                        if not each(item):
                            return False
                return True

            return every_item
        if name == "minItems":
            return lambda x: not isinstance(x, list) or len(x) >= value
        if name == "maxItems":
            return lambda x: not isinstance(x, list) or len(x) <= value
        if name == "uniqueItems":
            return _unique if value else None
        if name == "minLength":
            return lambda x: not isinstance(x, str) or len(x) >= value
        if name == "maxLength":
            return lambda x: not isinstance(x, str) or len(x) <= value
        if name == "pattern":
            matches = _matcher(value)
            return lambda x: not isinstance(x, str) or matches(x)
        if name == "format":
            formats = self.formats
            return None if formats is None else lambda x: formats.conforms(x, value)
        if name == "minimum":
            return lambda x: not _is_number(x) or x >= value
        if name == "maximum":
            return lambda x: not _is_number(x) or x <= value
        if name == "allOf":
            return _all([sub(s, resolver) for s in value])
        if name == "anyOf":
            parts = [sub(s, resolver) for s in value]
            return lambda x: any(c(x) for c in parts)
        if name == "oneOf":
            parts = [sub(s, resolver) for s in value]

            def one_of(x: Any) -> bool:
                found = 0
                for part in parts:
                    if part(x):
                        found += 1
                        if found > 1:
                            return False
                return found == 1

            keys = _exclusive_keys(value)
            if keys is None:
                return one_of
            keyed = list(zip(keys, parts, strict=True))

            def one_of_exclusive(x: Any) -> bool:
                if not isinstance(x, dict):
                    return one_of(x)
                for key, part in keyed:  # noqa: SIM110 - a plain loop: any() over a generator costs a frame per call
                    if key in x and part(x):
                        return True
                return False

            return one_of_exclusive
        if name == "not":
            inner = sub(value, resolver)
            return lambda x: not inner(x)
        if name == "if":
            condition = sub(value, resolver)
            then = sub(schema.get("then", True), resolver)
            otherwise = sub(schema.get("else", True), resolver)
            return lambda x: then(x) if condition(x) else otherwise(x)
        return None  # an annotation, "then"/"else" (with "if"), or a keyword jsonschema ignores as well


_compiled: dict[int, tuple[Any, Check]] = {}


def check(validator: jsonschema.Draft202012Validator) -> Check:
    """A function answering ``validator.is_valid(x)``, compiled on first use (jsonschema's own ``is_valid``
    where the schema uses a keyword outside the compiled subset)."""
    entry = _compiled.get(id(validator))
    if entry is None or entry[0] is not validator:
        try:
            if equal is None:
                raise Unsupported("jsonschema without its _utils helpers")
            compiled = _Compiler(validator.format_checker).compile(validator.schema, validator._resolver)
        except (Unsupported, AttributeError):  # AttributeError: a jsonschema whose private parts moved
            compiled = validator.is_valid
        entry = _compiled[id(validator)] = (validator, compiled)
    return entry[1]
