"""Load vector files: strict YAML -> schema check -> materialised Vector objects, with every problem located."""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from hmac_conformance import _cache as cache
from hmac_conformance import _collector as collector
from hmac_conformance import _fastschema, _parallel, _schemas, schemes
from hmac_conformance import _paths as paths
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._exceptions import BytesError, UsageError, YamlError
from hmac_conformance._model import (
    DEFER_ABOVE,
    Deferred,
    Outline,
    Problem,
    Vector,
    byte_size,
    expand,
    fresh_copy,
    materialise,
    set_at,
)


@dataclass
class LoadResult:
    vectors: list[Vector] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def vector_files(targets: Iterable[Path]) -> list[Path]:
    """Expand directories into their *.yaml files, sorted; a missing path is a usage error."""
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files.extend(sorted(Path(p) for p in _yaml_files_under(str(target))))
        elif target.is_file():
            files.append(target)
        else:
            raise UsageError(f"no such file or directory: {target}")
    return files


def _yaml_files_under(folder: str) -> Iterator[str]:
    """The files (or links to files) named *.yaml in ``folder`` and its sub-folders, links to folders not
    followed: what ``Path.rglob("*.yaml")`` and ``is_file()`` select, from the folder listings alone (a system
    call per folder, not one per file: 0.09 -> 0.04 s for a corpus of 2,715 files)."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return  # an unreadable folder holds nothing, as for rglob
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _yaml_files_under(entry.path)
            elif entry.name.endswith(".yaml") and entry.is_file():
                yield entry.path
        except OSError:
            continue  # gone, or a broken link: not a file


_YAML_TYPES = {bool: "boolean", int: "number", float: "number", type(None): "null", datetime.date: "date"}


def _describe(error: ValidationError) -> str:
    """A message that says what to write, not only what is wrong."""
    inst = error.instance
    if error.validator == "type" and error.validator_value == "string" and not isinstance(inst, dict | list):
        kind = next((name for t, name in _YAML_TYPES.items() if isinstance(inst, t)), type(inst).__name__)
        return f"must be a string, but YAML read this unquoted value as a {kind} ({inst!r}); put it in quotes"
    if error.validator == "oneOf" and isinstance(inst, dict) and "x-branch-keys" in error.schema:
        meant, index = _meant_branch(error)
        if meant is not None:
            return f"{error.schema['x-branch-names'][index]}: {_describe(meant)}"
        return f"{error.schema['x-no-branch']}; got keys {sorted(inst)}"
    if error.validator == "const" and error.validator_value == 1 and list(error.path) == ["format"]:
        return f"unsupported format version {inst!r}; this runner reads format 1"
    return error.message


def _meant_branch(error: ValidationError) -> tuple[ValidationError | None, int]:
    """For a value that matches no branch of a oneOf: the error inside the branch its keys say it meant (the
    schema's ``x-branch-keys`` annotation maps keys to branches; the first key present wins)."""
    keys = set(error.instance) if isinstance(error.instance, dict) else set()
    for key, index in error.schema.get("x-branch-keys", {}).items():
        if key in keys:
            inner = [e for e in error.context or () if e.relative_schema_path and e.relative_schema_path[0] == index]
            return (best_match(inner) if inner else None), index
    return None, -1


def _error_path(error: ValidationError) -> tuple[str | int, ...]:
    if error.validator == "oneOf":
        meant, _ = _meant_branch(error)
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


def _build(doc: yamlsafe.Document, index: int, raw: dict[str, Any], problems: list[Problem]) -> Vector | None:
    """The vector ``raw`` (the document's ``index``-th) describes. Its input and expected value become the
    vector's, their byte strings set in place: a caller that keeps the document afterwards passes a copy."""
    data = {"input": raw["input"], "expected": raw["expected"]}
    operation = schemes.operation(doc.value["scheme"], raw["operation"])
    byte_paths = [("input", *p) for p in operation.byte_inputs] + [("expected", *p) for p in operation.byte_expected]
    found = [(at, spec) for field_path in byte_paths for at, spec in expand(field_path, data)]
    defer = sum(byte_size(spec) for _, spec in found) > DEFER_ABOVE
    expanded = fresh_copy(data) if defer else data
    ok = True
    for at, spec in found:
        try:
            set_at(expanded, at, materialise(spec))
        except BytesError as exc:
            where = ("vectors", index, *at, *exc.at)
            problems.append(Problem(doc.path, doc.line_of(where), f"{'.'.join(map(str, at))}: {exc}", raw["id"]))
            ok = False
    if not ok:
        return None
    if defer:  # every byte string checked above; the vector keeps them as written, and expands them on access
        data = {
            part: Deferred(data[part], tuple(at[1:] for at, _ in found if at[0] == part))
            for part in ("input", "expected")
        }
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
        superseded_by=raw.get("superseded_by"),
    )


def _scheme_of(value: Any) -> str | None:
    scheme = value.get("scheme") if isinstance(value, dict) else None
    return scheme if isinstance(scheme, str) else None


def load_file(path: Path, result: LoadResult) -> None:
    """Add the vectors of one file to ``result``, or the problems that prevent it (all of them)."""
    vectors, problems = _load_path(path)
    result.vectors.extend(vectors)
    result.problems.extend(problems)


def _load_path(path: Path) -> tuple[tuple[Vector, ...], tuple[Problem, ...]]:
    _, vectors, problems = read_and_load(path)
    return vectors, problems


def read_and_load(path: Path) -> tuple[bytes | None, tuple[Vector, ...], tuple[Problem, ...]]:
    """One file's bytes (None: unreadable), vectors and problems: what depends only on those bytes can be
    cached by them."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, (), (Problem(path, None, f"cannot read: {exc.strerror}"),)
    registered = tuple((name, id(scheme)) for name, scheme in schemes.all_schemes().items())
    return raw, *_load_bytes(str(path), raw, registered)


@functools.lru_cache(maxsize=64)
def _load_bytes(
    name: str, raw: bytes, registered: tuple[tuple[str, int], ...]
) -> tuple[tuple[Vector, ...], tuple[Problem, ...]]:
    """One file's vectors and problems. Cached by the file's path and exact bytes and the registered schemes:
    loading the same unchanged file again in one process (every CLI call of a test suite) costs nothing, and a
    changed byte is a different key, so the cache can never return a stale answer. Vectors are frozen values.
    Across processes, a file that loaded without problems is kept in the content-hash cache (_cache.py)."""
    del registered
    hit = cached(name, raw)
    if hit is not None:
        return hit.vectors, hit.problems
    vectors, problems = load_bytes_uncached(name, raw)
    remember(name, raw, CachedFile.of(vectors, problems))
    return vectors, problems


@dataclass(frozen=True)
class CachedFile:
    """A file's entry in the content-hash cache: its vectors and problems and, once ``validate``'s scheme checks
    (every expected value recomputed twice) found nothing wrong in them, their outlines. The vectors are kept
    pickled apart, so that ``validate`` reads the outlines without unpickling them. One entry per file: on this
    kind of disk, creating a file costs about as much as pickling the vectors it holds."""

    pickled_vectors: bytes
    problems: tuple[Problem, ...]
    outlines: tuple[Outline, ...] | None = None

    @classmethod
    def of(
        cls, vectors: tuple[Vector, ...], problems: tuple[Problem, ...], outlines: tuple[Outline, ...] | None = None
    ) -> CachedFile:
        return cls(pickle.dumps(vectors, protocol=pickle.HIGHEST_PROTOCOL), problems, outlines)

    @property
    def vectors(self) -> tuple[Vector, ...]:
        # An entry is read only from a folder that only this user can write, its digest checked (_cache).
        return pickle.loads(self.pickled_vectors)  # type: ignore[no-any-return]  # noqa: S301

    @property
    def checked_clean(self) -> bool:
        return self.outlines is not None


def _entries(name: str, raw: bytes) -> tuple[str, str]:
    """The file's entry names when its vectors checked clean and when only loaded (from one hash of its bytes):
    two names, so that ``validate`` can ask for the first without reading and unpickling the second. The first
    also says whether the file is one of the suite's, whose outlines carry their manifest digest."""
    content = hashlib.sha256(raw).digest()
    suite = b"suite" if paths.in_suite(Path(name)) else b"other"
    return cache.key("load-checked", name.encode(), content, suite), cache.key("load", name.encode(), content)


def cached(name: str, raw: bytes, *, checked_only: bool = False) -> CachedFile | None:
    """The cached answer for the file ``name`` holding ``raw``: checked clean if there is one, else only loaded
    (unless ``checked_only``), else None (nothing is computed; nothing is read either while a first run loads
    its files, ``cache.loading_files``)."""
    if cache.first_run():
        return None
    checked, loaded = _entries(name, raw)
    hit = cache.get(checked)
    if hit is None and not checked_only:
        hit = cache.get(loaded)
    return hit if isinstance(hit, CachedFile) else None


def remember(name: str, raw: bytes, entry: CachedFile) -> None:
    """Keep a file that loaded without problems (one with problems is loaded again, to report them again). Its
    entry once checked clean replaces the one it had when only loaded: one entry per file."""
    if not entry.problems:
        checked, loaded = _entries(name, raw)
        cache.put(checked if entry.checked_clean else loaded, entry)
        if entry.checked_clean:
            cache.discard(loaded)


def cached_file(path: Path, *, checked_only: bool = False) -> CachedFile | None:
    """The file's cached answer (as ``cached``), or None when the cache has none (nothing is computed; an
    unreadable file is read_and_load's to report): cheap enough to ask in the main process before handing the
    files that miss to worker processes."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return cached(str(path), raw, checked_only=checked_only)


def _cached_path(path: Path) -> tuple[tuple[Vector, ...], tuple[Problem, ...]] | None:
    hit = cached_file(path)
    return None if hit is None else (hit.vectors, hit.problems)


def load_bytes_uncached(name: str, raw: bytes) -> tuple[tuple[Vector, ...], tuple[Problem, ...]]:
    path = Path(name)
    vectors: list[Vector] = []
    problems: list[Problem] = []
    try:
        doc = yamlsafe.load(path, raw, depth=2)  # a vector's line; deeper lines are found when a problem needs one
    except YamlError as exc:
        return (), (exc.problem,)
    validator = _schemas.vector_file(_scheme_of(doc.value))
    # The compiled check answers for a valid file; jsonschema finds and words the errors of one that is not.
    errors = [] if _fastschema.check(validator)(doc.value) else sorted(
        validator.iter_errors(doc.value), key=lambda e: list(map(str, e.absolute_path))
    )  # fmt: skip
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
        problems.append(Problem(path, doc.line_of(at), f"{where}: {_describe(error)}", _vector_id(doc, at)))
    if not file_level:  # the file's own structure (scheme, format, ...) is wrong: nothing to build safely
        with schemes.held():  # each vector looks its operation up: not in the environment each time
            for index, raw_vector in enumerate(doc.value.get("vectors", [])):
                if index not in bad_vectors:
                    vector = _build(doc, index, raw_vector, problems)
                    if vector is not None:
                        vectors.append(vector)
    return tuple(vectors), tuple(problems)


def load(targets: Iterable[Path] | None = None) -> LoadResult:
    """Load every vector file under ``targets`` (default: the suite's vectors/ folder)."""
    result = LoadResult()
    with cache.loading_files() as some_cached:
        for vectors, problems in _parallel.map_in_order(
            _load_path,
            vector_files(list(targets) if targets else [paths.VECTORS]),
            answered=_cached_path if some_cached else None,
        ):
            result.vectors.extend(vectors)
            result.problems.extend(problems)
    return result


@contextlib.contextmanager
def held_for_the_command() -> Iterator[None]:
    """Around a command's load of the vectors it keeps to its end. Python's cycle collector is paused while they
    are built (a warm load of 100,000 vectors spent a fifth of its time in collections that found nothing), and
    what exists then is frozen out of later collections, each of which would otherwise scan every vector again
    while the cases run. The command unfreezes it when it ends (``gc.unfreeze``), so a process that runs many
    commands (a test suite) collects as before."""
    with collector.paused():
        try:
            yield
        finally:
            gc.freeze()  # before the collector resumes
