"""Load vector files: strict YAML -> schema check -> materialised Vector objects, with every problem located."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from hmac_conformance import _paths as paths
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._errors import Problem, UsageError
from hmac_conformance._model import BYTE_FIELDS, BytesError, Vector, materialise


@dataclass
class LoadResult:
    vectors: list[Vector] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@functools.cache
def schema_validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((paths.SCHEMA / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def vector_files(targets: Iterable[Path]) -> list[Path]:
    """Expand directories into their *.yaml files, sorted; a missing path is a usage error."""
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files.extend(sorted(p for p in target.rglob("*.yaml") if p.is_file()))
        elif target.is_file():
            files.append(target)
        else:
            raise UsageError(f"no such file or directory: {target}")
    return files


_YAML_TYPES = {bool: "boolean", int: "number", float: "number", type(None): "null", datetime.date: "date"}


def _describe(error: ValidationError) -> str:
    """A message that says what to write, not only what is wrong."""
    inst = error.instance
    if error.validator == "type" and error.validator_value == "string" and not isinstance(inst, dict | list):
        kind = next((name for t, name in _YAML_TYPES.items() if isinstance(inst, t)), type(inst).__name__)
        return f"must be a string, but YAML read this unquoted value as a {kind} ({inst!r}); put it in quotes"
    if error.validator == "oneOf" and isinstance(inst, dict) and _branches(error) is BYTE_BRANCHES:
        meant = _meant_branch(error)
        if meant is not None:
            return f"byte string: {_describe(meant)}"
        return (
            "expected a byte string: {utf8: text}, {hex: digits}, {base64: text}, "
            f"{{repeat: bytes, count: n}} or {{concat: [bytes, ...]}}; got keys {sorted(inst)}"
        )
    if error.validator == "oneOf" and isinstance(inst, dict) and _branches(error) is SIGN_EXPECTED_BRANCHES:
        meant = _meant_branch(error)
        if meant is not None:
            kind = "a refusal" if "refused" in inst else "a signature"
            return f"{kind}: {_describe(meant)}"
        return f"expected {{string_to_sign, signature, headers}} or {{refused: reason}}; got keys {sorted(inst)}"
    if error.validator == "const" and error.validator_value == 1 and list(error.path) == ["format"]:
        return f"unsupported format version {inst!r}; this runner reads format 1"
    return error.message


BYTE_FORMS = ("utf8", "hex", "base64", "repeat", "concat")
#: For each oneOf whose branch a key names: (key, branch index) pairs, the first key present wins.
BYTE_BRANCHES = tuple((form, index) for index, form in enumerate(BYTE_FORMS))
#: A sign vector's expected value: a refusal (FV-17, branch 1) or a signature (branch 0).
SIGN_EXPECTED_BRANCHES = (("refused", 1), ("string_to_sign", 0), ("signature", 0), ("headers", 0))


def _branches(error: ValidationError) -> tuple[tuple[str, int], ...] | None:
    text = str(error.schema)
    if "'utf8'" in text:
        return BYTE_BRANCHES
    if "'refused'" in text:
        return SIGN_EXPECTED_BRANCHES
    return None


def _meant_branch(error: ValidationError) -> ValidationError | None:
    """For a value that matches no branch of a oneOf: the error inside the branch its keys say it meant."""
    keys = set(error.instance) if isinstance(error.instance, dict) else set()
    for key, index in _branches(error) or ():
        if key in keys:
            inner = [e for e in error.context or () if e.relative_schema_path and e.relative_schema_path[0] == index]
            return best_match(inner) if inner else None
    return None


def _error_path(error: ValidationError) -> tuple[str | int, ...]:
    if error.validator == "oneOf":
        meant = _meant_branch(error)
        if meant is not None:
            return _error_path(meant)
    return tuple(error.absolute_path)


def _vector_id(doc: yamlsafe.Document, at: tuple[str | int, ...]) -> str | None:
    if len(at) >= 2 and at[0] == "vectors" and isinstance(doc.value, dict):
        vectors = doc.value.get("vectors")
        if isinstance(vectors, list) and isinstance(at[1], int) and at[1] < len(vectors):
            item = vectors[at[1]]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                return item["id"]
    return None


def _expand(path: tuple[str | int, ...], value: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (concrete path, value) that a BYTE_FIELDS path with '*' denotes."""
    if not path:
        yield (), value
        return
    head, rest = path[0], path[1:]
    if isinstance(value, dict) and head not in value:
        return  # an optional field, absent (e.g. a sign vector's expected refusal has no string_to_sign)
    if head == "*":
        for i, item in enumerate(value):
            for sub, v in _expand(rest, item):
                yield (i, *sub), v
    else:
        for sub, v in _expand(rest, value[head]):
            yield (head, *sub), v


def _set(container: Any, at: tuple[str | int, ...], value: Any) -> None:
    for step in at[:-1]:
        container = container[step]
    container[at[-1]] = value


def _build(doc: yamlsafe.Document, index: int, raw: dict[str, Any], problems: list[Problem]) -> Vector | None:
    data = json.loads(json.dumps({"input": raw["input"], "expected": raw["expected"]}))  # a deep copy
    ok = True
    for field_path in BYTE_FIELDS[raw["operation"]]:
        for at, spec in _expand(field_path, data):
            try:
                _set(data, at, materialise(spec))
            except BytesError as exc:
                where = ("vectors", index, *at, *exc.at)
                problems.append(Problem(doc.path, doc.line_of(where), f"{'.'.join(map(str, at))}: {exc}", raw["id"]))
                ok = False
    if not ok:
        return None
    if raw["operation"] == "verify":
        data["input"]["request"]["headers"] = [tuple(h) for h in data["input"]["request"]["headers"]]
    return Vector(
        id=raw["id"],
        scheme=doc.value["scheme"],
        operation=raw["operation"],
        description=raw["description"],
        rules=tuple(raw["rules"]),
        tags=tuple(raw["tags"]),
        since=raw["since"],
        source=raw["source"],
        input=data["input"],
        expected=data["expected"],
        path=doc.path,
        line=doc.line_of(("vectors", index)),
    )


def load_file(path: Path, result: LoadResult) -> None:
    """Add the vectors of one file to ``result``, or the problems that prevent it (all of them)."""
    try:
        doc = yamlsafe.load(path)
    except yamlsafe.YamlError as exc:
        result.problems.append(exc.problem)
        return
    except OSError as exc:
        result.problems.append(Problem(path, None, f"cannot read: {exc.strerror}"))
        return
    errors = sorted(
        schema_validator("vector-file.schema.json").iter_errors(doc.value),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    bad_vectors: set[int] = set()
    file_level = False
    for error in errors:
        at = _error_path(error)
        if len(at) >= 2 and at[0] == "vectors" and isinstance(at[1], int):
            bad_vectors.add(at[1])
        else:
            file_level = True
        in_vector = len(at) >= 2 and at[0] == "vectors"
        where = ".".join(map(str, at[2:] if in_vector else at)) or ("vector" if in_vector else "file")
        result.problems.append(Problem(path, doc.line_of(at), f"{where}: {_describe(error)}", _vector_id(doc, at)))
    if file_level:
        return  # the file's own structure (scheme, format, ...) is wrong: nothing to build safely
    for index, raw in enumerate(doc.value.get("vectors", [])):
        if index not in bad_vectors:
            vector = _build(doc, index, raw, result.problems)
            if vector is not None:
                result.vectors.append(vector)


def load(targets: Iterable[Path] | None = None) -> LoadResult:
    """Load every vector file under ``targets`` (default: the suite's vectors/ folder)."""
    result = LoadResult()
    for path in vector_files(list(targets) if targets else [paths.VECTORS]):
        load_file(path, result)
    return result
