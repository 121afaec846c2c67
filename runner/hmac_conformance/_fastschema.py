"""A yes/no answer to "is this valid?" for the suite's JSON Schemas, compiled once into Python functions.

jsonschema walks the schema for every instance, building a validator object per keyword and subschema: about
half a millisecond per vector, and the same again for each protocol message on the persistent hot path. What
the schemas use is a small subset of JSON Schema 2020-12, which compiles to Python source: the keywords of a
schema become one expression, inlined where the schema is used, so that checking a vector is a few calls
instead of one per keyword and subschema (a closure per keyword took 1.7 times as long). jsonschema stays the authority: a ``False`` here (or any keyword this
module does not compile) hands the instance to jsonschema, which finds and words the errors. So the answer is
exact: each keyword below follows jsonschema's own definition (its equality and uniqueness helpers are
reused), and a schema with a validation keyword outside the subset is never compiled at all.
"""

from __future__ import annotations

import itertools
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


def _unique(x: Any) -> bool:
    """``uniqueItems: true``: for a list of strings (rules, tags), a set says what jsonschema's ``uniq`` says."""
    if not isinstance(x, list) or len(x) < 2:
        return True
    for item in x:
        if item.__class__ is not str:
            return bool(uniq(x))
    return len(set(x)) == len(x)


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


def _closed(schema: dict[str, Any]) -> bool:
    """Whether an object's keys must all be among the schema's "properties"."""
    return schema.get("additionalProperties") is False and "patternProperties" not in schema


def _is_integer(x: Any) -> bool:
    return (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer())


def _in_enum(x: Any, values: tuple[Any, ...]) -> bool:
    return any(equal(value, x) for value in values)


#: Each JSON type as an expression on ``{}``, the value checked.
_TYPES: dict[str, str] = {
    "null": "{} is None",
    "boolean": "isinstance({}, bool)",
    "integer": "_is_integer({})",
    "number": "_is_number({})",
    "string": "isinstance({}, str)",
    "array": "isinstance({}, list)",
    "object": "isinstance({}, dict)",
}
#: The type each keyword applies to (a value of another type passes it), and the "type" values that imply it.
#: A keyword is guarded by its type's check unless the schema's "type" (or the code around it) has checked it.
_APPLIES_TO = {"object": ("object",), "array": ("array",), "string": ("string",), "number": ("number", "integer")}
_KEYWORD_TYPE = {
    **dict.fromkeys(("required", "additionalProperties", "patternProperties", "properties", "minProperties"), "object"),
    **dict.fromkeys(("items", "prefixItems", "minItems", "maxItems", "uniqueItems"), "array"),
    **dict.fromkeys(("minLength", "maxLength", "pattern"), "string"),
    **dict.fromkeys(("minimum", "maximum"), "number"),
}


class _Compiler:
    """Writes one Python function per schema that is the target of a "$ref" (the root included) and one per
    keyword that needs a loop; every other keyword is an expression inlined where its schema is used. The source
    is compiled once: a vector's check is then a few calls, not a call per keyword and subschema."""

    def __init__(self, formats: jsonschema.FormatChecker | None) -> None:
        self.formats = formats
        self.functions: dict[tuple[int, str], str] = {}
        self.source: list[str] = []
        self.names = itertools.count()
        # Every value taken from a schema is a name in this namespace, never text in the source.
        self.namespace: dict[str, Any] = {
            "_is_number": _is_number, "_is_integer": _is_integer, "_in_enum": _in_enum, "_unique": _unique,
            "equal": equal,
        }  # fmt: skip
        self.keep: list[Any] = []  # the schemas keyed by id() stay alive while compiling

    def compiled(self, schema: Any, resolver: Any) -> Check:
        name = self.function(schema, resolver)
        exec("\n".join(self.source), self.namespace)  # noqa: S102 - source written above from the schema alone
        return self.namespace[name]  # type: ignore[no-any-return]

    def constant(self, value: Any) -> str:
        name = f"c{next(self.names)}"
        self.namespace[name] = value
        return name

    def define(self, lines: list[str], name: str | None = None) -> str:
        """A function of ``x`` with the body ``lines``; its name."""
        name = name or f"g{next(self.names)}"
        self.source.append(f"def {name}(x):\n" + "".join(f"    {line}\n" for line in lines))
        return name

    def function(self, schema: Any, resolver: Any) -> str:
        """The name of a function that checks ``schema`` (made once: a recursive "$ref" meets the name first)."""
        key = (id(schema), str(resolver._base_uri))
        if key not in self.functions:
            self.keep.append(schema)
            name = self.functions[key] = f"f{next(self.names)}"
            self.define([f"return {self.expression(schema, resolver, 'x')}"], name)
        return self.functions[key]

    def expression(self, schema: Any, resolver: Any, var: str, known: str | None = None) -> str:
        """A Python expression, true exactly when the value named ``var`` is valid under ``schema``; ``known`` is
        the value's type where the code around the expression has checked it."""
        if schema is True:
            return "True"
        if schema is False:
            return "False"
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if "$id" in schema:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        unknown = (set(schema) & _VALIDATION) - _IMPLEMENTED
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        kind = schema.get("type")
        known = kind if isinstance(kind, str) else known  # after "type", which is checked first
        names = sorted(schema, key=lambda name: _CHEAP_FIRST.get(name, len(_CHEAP_FIRST)))
        if "required" in schema and _closed(schema):
            names.remove("additionalProperties")  # checked with "required", in one comparison of the keys
        parts = []
        for name in names:
            part = self.keyword(name, schema, resolver, var, known)
            if part is None:
                continue
            applies = _KEYWORD_TYPE.get(name)
            if applies is not None and known not in _APPLIES_TO[applies]:  # no check says the value is of its type
                part = f"(not {_TYPES[applies].format(var)} or {part})"
            parts.append(part)
        return "(" + " and ".join(parts) + ")" if parts else "True"

    def keyword(self, name: str, schema: dict[str, Any], resolver: Any, var: str, known: str | None) -> str | None:
        value = schema[name]
        if name == "$ref":
            resolved = resolver.lookup(value)
            return f"{self.function(resolved.contents, resolved.resolver)}({var})"
        if name == "type":
            names = [value] if isinstance(value, str) else value
            if not set(names) <= set(_TYPES):
                raise Unsupported(f"type {value!r}")
            return "(" + " or ".join(_TYPES[t].format(var) for t in names) + ")" if names else "False"
        if name == "enum":
            if all(isinstance(e, str) for e in value):
                return f"(isinstance({var}, str) and {var} in {self.constant(frozenset(value))})"
            return f"_in_enum({var}, {self.constant(tuple(value))})"
        if name == "const":
            if isinstance(value, str):
                return f"(isinstance({var}, str) and {var} == {self.constant(value)})"
            return f"equal({var}, {self.constant(value)})"
        if name == "required":
            needed = self.constant(frozenset(value))
            if _closed(schema):
                return f"{needed} <= {var}.keys() <= {self.constant(frozenset(schema.get('properties', {})))}"
            return f"{needed} <= {var}.keys()"
        if name == "additionalProperties":
            known = self.constant(frozenset(schema.get("properties", {})))
            patterns = [self.constant(re.compile(p).search) for p in schema.get("patternProperties", {})]
            if value is False and not patterns:
                return f"{var}.keys() <= {known}"
            skip = " or ".join([f"k in {known}", *(f"{p}(k) is not None" for p in patterns)])
            lines = ["for k, v in x.items():", f"    if {skip}:", "        continue",
                     f"    if not {self.expression(value, resolver, 'v')}:", "        return False", "return True"]  # fmt: skip
            return f"{self.define(lines)}({var})"
        if name == "patternProperties":
            if not value:
                return None
            lines = ["for k, v in x.items():"]
            for pattern, sub in value.items():
                search = self.constant(re.compile(pattern).search)
                lines += [f"    if {search}(k) is not None and not {self.expression(sub, resolver, 'v')}:",
                          "        return False"]  # fmt: skip
            return f"{self.define([*lines, 'return True'])}({var})"
        if name == "properties":
            checked = [(self.constant(key), sub) for key, sub in value.items() if sub is not True]
            if len(checked) == 1:  # one key (an operation's name, say): inline, not a call
                key, sub = checked[0]
                return f"({key} not in {var} or {self.expression(sub, resolver, f'{var}[{key}]')})"
            lines = []
            for key, sub in checked:
                lines += [f"if {key} in x:", f"    v = x[{key}]", f"    if not {self.expression(sub, resolver, 'v')}:",
                          "        return False"]  # fmt: skip
            return f"{self.define([*lines, 'return True'])}({var})" if lines else None
        if name == "minProperties":
            return f"len({var}) >= {self.constant(value)}"
        if name == "items":
            skip = len(schema.get("prefixItems", ()))
            check = self.expression(value, resolver, "i")
            lines = [f"for i in {f'x[{skip}:]' if skip else 'x'}:", f"    if not {check}:", "        return False"]
            return f"{self.define([*lines, 'return True'])}({var})"
        if name == "prefixItems":
            lines = ["n = len(x)"]
            for index, sub in enumerate(value):
                lines += [
                    f"if n > {index} and not {self.expression(sub, resolver, f'x[{index}]')}:",
                    "    return False",
                ]
            return f"{self.define([*lines, 'return True'])}({var})"
        if name in ("minItems", "minLength"):
            return f"len({var}) >= {self.constant(value)}"
        if name in ("maxItems", "maxLength"):
            return f"len({var}) <= {self.constant(value)}"
        if name == "uniqueItems":
            return f"_unique({var})" if value else None
        if name == "pattern":
            fast = _EQUIVALENT.get(value)
            if fast is not None:
                return f"{self.constant(fast)}({var})"
            return f"{self.constant(re.compile(value).search)}({var}) is not None"
        if name == "format":
            if self.formats is None:
                return None
            return f"{self.constant(self.formats)}.conforms({var}, {self.constant(value)})"
        if name == "minimum":
            return f"{var} >= {self.constant(value)}"
        if name == "maximum":
            return f"{var} <= {self.constant(value)}"
        if name == "allOf":
            return "(" + " and ".join(self.expression(s, resolver, var, known) for s in value) + ")"
        if name == "anyOf":
            return "(" + " or ".join(self.expression(s, resolver, var, known) for s in value) + ")"
        if name == "oneOf":
            return f"{self.one_of(value, resolver, known)}({var})"
        if name == "not":
            return f"not {self.expression(value, resolver, var, known)}"
        if name == "if":
            condition = self.expression(value, resolver, var, known)
            then = self.expression(schema.get("then", True), resolver, var, known)
            otherwise = self.expression(schema.get("else", True), resolver, var, known)
            return f"({then} if {condition} else {otherwise})"
        return None  # an annotation, "then"/"else" (with "if"), or a keyword jsonschema ignores as well

    def one_of(self, branches: list[Any], resolver: Any, known: str | None) -> str:
        """A function answering "exactly one branch": for an object, by the branch its key names where no
        object can satisfy two of them (``_exclusive_keys``)."""
        lines = []
        keys = _exclusive_keys(branches)
        if keys is not None:
            keyed = []
            for key, branch in zip(keys, branches, strict=True):
                check = self.expression(branch, resolver, "x", "object")
                keyed += [f"if {self.constant(key)} in x and {check}:", "    return True"]
            if known == "object":
                return self.define([*keyed, "return False"])
            lines += ["if isinstance(x, dict):", *(f"    {line}" for line in keyed), "    return False"]
        lines.append("found = 0")
        for check in (self.expression(branch, resolver, "x", known) for branch in branches):
            lines += [f"if {check}:", "    found += 1", "    if found > 1:", "        return False"]
        return self.define([*lines, "return found == 1"])


_compiled: dict[int, tuple[Any, Check]] = {}


def check(validator: jsonschema.Draft202012Validator) -> Check:
    """A function answering ``validator.is_valid(x)``, compiled on first use (jsonschema's own ``is_valid``
    where the schema uses a keyword outside the compiled subset)."""
    entry = _compiled.get(id(validator))
    if entry is None or entry[0] is not validator:
        try:
            if equal is None:
                raise Unsupported("jsonschema without its _utils helpers")
            compiled = _Compiler(validator.format_checker).compiled(validator.schema, validator._resolver)
        except (Unsupported, AttributeError):  # AttributeError: a jsonschema whose private parts moved
            compiled = validator.is_valid
        entry = _compiled[id(validator)] = (validator, compiled)
    return entry[1]
