"""Every JSON Schema the tool applies, loaded once: the common ones under schema/, each scheme's fragments, and
the validators composed from them (the envelope restricted to what the registry holds).

The fragments are plain 2020-12 schemas with absolute ``$id`` s; composition is a few ``$ref`` s, so an error
points into the vector (or message) exactly as a single hand-written schema would.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from hmac_conformance import _paths as paths
from hmac_conformance import schemes

BASE = "https://hmac-conformance.invalid/schema/"
Validator = jsonschema.Draft202012Validator


def _files() -> Iterator[Path]:
    yield from sorted(paths.SCHEMA.rglob("*.schema.json"))
    for scheme in schemes.all_schemes().values():
        yield from sorted(scheme.schema_dir.glob("*.schema.json"))


def _shipped(path: Path) -> bool:
    """A schema file of the suite itself (schema/ or a built-in scheme's folder), not of a plug-in."""
    return path.is_relative_to(paths.SCHEMA) or path.is_relative_to(Path(schemes.__file__).resolve().parent)


@functools.cache
def _registry(registered: tuple[str, ...]) -> Registry:  # keyed by the registered schemes' names
    del registered
    registry: Registry = Registry()
    for path in _files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        if not _shipped(path):  # a plug-in's schema; the shipped ones are checked by the tests, not at every start
            Validator.check_schema(schema)
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return registry


def registry() -> Registry:
    return _registry(tuple(schemes.all_schemes()))


def validator(schema: dict[str, Any] | str) -> Validator:
    """A validator for a schema (or the ``$id`` / file name under schema/ of one) that resolves every ``$ref``."""
    if isinstance(schema, str):
        schema = {"$ref": schema if schema.startswith("https:") else BASE + schema}
    return Validator(schema, registry=registry(), format_checker=jsonschema.FormatChecker())


@functools.cache
def _vector_file(scheme_name: str | None, registered: tuple[str, ...]) -> Validator:
    del registered
    if scheme_name is None:  # the file names no registered scheme: check the envelope and say which are known
        return validator({"$ref": BASE + "vector-file.schema.json", "properties": {"scheme": {"enum": list(
            schemes.all_schemes())}}})  # fmt: skip
    scheme = schemes.get(scheme_name)
    ops = list(scheme.operations)
    by_operation = [
        {
            "if": {"properties": {"operation": {"const": op}}, "required": ["operation"]},
            "then": {"properties": {"input": {"$ref": scheme.schema_id(f"{op}.input")},
                                    "expected": {"$ref": scheme.schema_id(f"{op}.expected")}}},
        }
        for op in ops
    ]  # fmt: skip
    return validator({
        "$ref": BASE + "vector-file.schema.json",
        "properties": {
            "scheme": {"const": scheme_name},
            "vectors": {"items": {
                "properties": {
                    "operation": {"enum": ops},
                    "rules": {"items": {"pattern": f"^{schemes.rule_pattern().pattern}$"}},
                },
                "allOf": by_operation,
            }},
        },
    })  # fmt: skip


def vector_file(scheme_name: str | None) -> Validator:
    """The vector-file schema for one scheme's files (None: a file whose scheme is not registered)."""
    return _vector_file(scheme_name if scheme_name in schemes.all_schemes() else None, tuple(schemes.all_schemes()))


@functools.cache
def _message(definition: str, scheme_name: str | None, operation: str | None, registered: tuple[str, ...]) -> Validator:
    del registered
    ref = {"$ref": f"{BASE}protocol/v1.schema.json#/$defs/{definition}"}
    if definition == "hello-response":
        entries = {name: {"$ref": s.schema_id("supports")} for name, s in schemes.all_schemes().items()}
        return validator({**ref, "properties": {"supports": {"properties": entries, "additionalProperties": False}}})
    if definition == "case" and scheme_name is not None and operation is not None:
        scheme = schemes.get(scheme_name)
        return validator({**ref, "properties": {
            "scheme": {"const": scheme_name}, "operation": {"const": operation},
            "input": {"$ref": scheme.schema_id(f"{operation}.wire-input")}}})  # fmt: skip
    if definition == "output" and scheme_name is not None and operation is not None:
        return validator(schemes.get(scheme_name).schema_id(f"{operation}.output"))
    return validator(ref)


def message(definition: str, scheme_name: str | None = None, operation: str | None = None) -> Validator:
    """A protocol message's validator: ``hello-response``, ``result``, ``case`` or an ``output`` (these two of
    one scheme's operation)."""
    return _message(definition, scheme_name, operation, tuple(schemes.all_schemes()))


def export() -> Validator:
    """The export document's schema, with every registered operation's wire input and expected value."""
    by_operation = [
        {
            "if": {"properties": {"scheme": {"const": name}, "operation": {"const": op}}},
            "then": {"properties": {"input": {"$ref": scheme.schema_id(f"{op}.wire-input")},
                                    "expected": {"$ref": scheme.schema_id(f"{op}.wire-expected")}}},
        }
        for name, scheme in schemes.all_schemes().items()
        for op in scheme.operations
    ]  # fmt: skip
    return validator({
        "$ref": BASE + "export.schema.json",
        "properties": {"vectors": {"items": {
            "properties": {"scheme": {"enum": list(schemes.all_schemes())}},
            "allOf": by_operation,
        }}},
    })  # fmt: skip


def export_group(scheme_name: str, operation: str) -> Validator:
    """One ``export --split`` file's schema, with the operation's wire input and expected value."""
    scheme = schemes.get(scheme_name)
    return validator({
        "$ref": BASE + "export-group.schema.json",
        "properties": {"scheme": {"const": scheme_name}, "operation": {"const": operation}, "vectors": {"items": {
            "properties": {"input": {"$ref": scheme.schema_id(f"{operation}.wire-input")},
                           "expected": {"$ref": scheme.schema_id(f"{operation}.wire-expected")}}}}},
    })  # fmt: skip
