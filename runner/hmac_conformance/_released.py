"""Released vectors are immutable: the manifest of every published suite version, and the check against it.

Users put vector ids in expected-failure lists, baselines and bug reports, and pin suite versions in CI; a
released vector whose meaning changed under its id would silently move their gates. So each release appends one
line per new vector to ``vectors/MANIFEST`` — its id, the version that released it and the digest of its
content — and ``validate`` refuses a released vector that changed, disappeared, or whose id a new vector took.

The digest covers what an implementation is judged on: scheme, operation, input and expected value, with byte
strings as bytes (so rewriting ``{utf8: "a"}`` as ``{hex: "61"}`` is no change). Description, rules, tags,
source and ``superseded_by`` are documentation and may be corrected. Errata: a new vector supersedes the
wrong one (docs/releasing.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hmac_conformance._model import Outline, Problem, Vector, to_wire, version_key

NAME = "MANIFEST"
HEADER = (
    "# hmac-conformance: every released vector, one line each: id, the suite version that released it, and the\n"
    "# SHA-256 of its canonical content (docs/releasing.md). Written by `hmac-conformance release`; never edit.\n"
)
_LINE = re.compile(r"(?P<id>\S+) (?P<version>[0-9]+\.[0-9]+\.[0-9]+) (?P<digest>sha256:[0-9a-f]{64})")


@dataclass(frozen=True)
class Released:
    """One manifest line: a vector as it was released."""

    id: str
    version: str
    digest: str
    line: int


@dataclass(frozen=True)
class Manifest:
    path: Path
    entries: Mapping[str, Released]

    @property
    def versions(self) -> tuple[str, ...]:
        """The released suite versions, oldest first."""
        return tuple(sorted({e.version for e in self.entries.values()}, key=version_key))

    @property
    def newest(self) -> str | None:
        return self.versions[-1] if self.entries else None


def canonical_content(vector: Vector) -> bytes:
    """What the digest covers, as bytes: the case an adapter receives (bytes as Base64) plus the expected value,
    as JSON with sorted keys, no spaces, ASCII only (every other character escaped)."""
    document = {"scheme": vector.scheme, "operation": vector.operation, "input": vector.input}
    document["expected"] = vector.expected
    return json.dumps(to_wire(document), sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def digest(vector: Vector) -> str:
    return "sha256:" + hashlib.sha256(canonical_content(vector)).hexdigest()


def outline(vector: Vector, *, in_suite: bool) -> Outline:
    """The vector's outline; with its digest when it is one of the suite's own (``in_suite``): computing it costs
    more than the rest of the outline, and only the suite's vectors are held to the manifest."""
    return Outline(
        vector.id,
        vector.scheme,
        vector.operation,
        vector.description,
        vector.rules,
        vector.tags,
        vector.since,
        vector.superseded_by,
        vector.path,
        vector.line,
        digest(vector) if in_suite else None,
    )


def next_minor(version: str) -> str:
    major, minor, _ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"


def version_in_preparation(suite_version: str, manifest: Manifest) -> tuple[str, bool]:
    """The version new vectors are dated with, and whether ``vectors/VERSION`` already names it: the suite
    version while it is not released, else the next minor version (a released version takes no new vector)."""
    if suite_version in manifest.versions:
        return next_minor(suite_version), False
    return suite_version, True


def manifest_path(vectors_dir: Path) -> Path:
    return vectors_dir / NAME


def read_manifest(path: Path) -> tuple[Manifest, list[Problem]]:
    """The manifest at ``path`` (empty if there is none yet: nothing released), and every malformed line."""
    entries: dict[str, Released] = {}
    problems: list[Problem] = []
    if not path.is_file():
        return Manifest(path, entries), problems
    previous = (0,)
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.startswith("#"):
            continue
        match = _LINE.fullmatch(text)
        if match is None:
            problems.append(Problem(path, number, "a manifest line is '<id> <X.Y.Z> sha256:<64 hex digits>'"))
            continue
        entry = Released(match["id"], match["version"], match["digest"], number)
        if entry.id in entries:
            problems.append(
                Problem(path, number, f"{entry.id} is listed twice (first at line {entries[entry.id].line})")
            )
            continue
        if version_key(entry.version) < previous:
            problems.append(Problem(path, number, f"version {entry.version} after a later one: releases are appended"))
        previous = max(previous, version_key(entry.version))
        entries[entry.id] = entry
    return Manifest(path, entries), problems


def check(vectors: Sequence[Vector | Outline], manifest: Manifest, *, complete: bool) -> list[Problem]:
    """Every released vector in ``vectors`` (outlines with their digest, or vectors) unchanged and its id not
    taken by a new one; with ``complete`` (the whole suite was loaded), none missing; and every vector not yet
    released dated after the newest release."""
    problems: list[Problem] = []
    newest = manifest.newest
    present: set[str] = set()
    for v in vectors:
        released = manifest.entries.get(v.id)
        if released is None:
            if v.superseded_by is not None:
                problems.append(
                    Problem(v.path, v.line, "superseded_by on a vector never released: correct it in place", v.id)
                )
            if newest is not None and version_key(v.since) <= version_key(newest):
                problems.append(
                    Problem(
                        v.path,
                        v.line,
                        f"since {v.since}, but {newest} is released and this vector is not in it (vectors/{NAME}): "
                        f"a new vector is dated with the next release",
                        v.id,
                    )
                )
            continue
        present.add(v.id)
        if _digest_of(v) == released.digest:
            if v.since != released.version:
                problems.append(
                    Problem(v.path, v.line, f"since {v.since}, but it was released in {released.version}", v.id)
                )
            continue
        if version_key(v.since) > version_key(released.version):
            message = (
                f"id already used by a vector released in {released.version}: ids are never reused; choose a new one"
            )
        else:
            message = (
                f"released in {released.version} and changed since (its scheme, operation, input or expected value): "
                f"a released vector never changes; leave it as released and supersede it (docs/releasing.md#errata)"
            )
        problems.append(Problem(v.path, v.line, message, v.id))
    if complete:
        for entry in manifest.entries.values():
            if entry.id not in present:
                problems.append(
                    Problem(
                        manifest.path,
                        entry.line,
                        f"released in {entry.version} but no vector file holds it any more: released vectors are "
                        f"never removed; mark a wrong one superseded_by its replacement (docs/releasing.md#errata)",
                        entry.id,
                    )
                )
    return problems


def lines(vectors: Sequence[Vector | Outline], version: str) -> list[str]:
    """The manifest lines a release of ``version`` appends for these (new) vectors, sorted by id."""
    return [f"{v.id} {version} {_digest_of(v)}" for v in sorted(vectors, key=lambda v: v.id)]


def _digest_of(vector: Vector | Outline) -> str:
    if isinstance(vector, Vector):
        return digest(vector)
    if vector.digest is None:  # a manifest line without its digest would pin nothing
        raise ValueError(f"{vector.id}: no digest, not outlined as one of the suite's vectors")
    return vector.digest
