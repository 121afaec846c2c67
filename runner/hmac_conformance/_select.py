"""Choose which vectors run: id globs (to include and to exclude), scheme, operation, tag and suite version;
superseded vectors (errata) only when asked for."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from hmac_conformance._model import Vector, version_key


@dataclass(frozen=True)
class Selection:
    patterns: Sequence[str] = ()
    schemes: Sequence[str] = ()
    operations: Sequence[str] = ()
    tags: Sequence[str] = ()
    suite_version: str | None = None
    #: Id globs to leave out, applied after everything else selected a vector.
    excludes: Sequence[str] = ()
    #: Keep vectors that a newer one supersedes (wrong as released, kept for the record).
    include_superseded: bool = False

    def __call__(self, vector: Vector) -> bool:
        if vector.superseded_by is not None and not self.include_superseded:
            return False
        if self.patterns and not any(fnmatch.fnmatchcase(vector.id, p) for p in self.patterns):
            return False
        if any(fnmatch.fnmatchcase(vector.id, p) for p in self.excludes):
            return False
        if self.schemes and vector.scheme not in self.schemes:
            return False
        if self.operations and vector.operation not in self.operations:
            return False
        if self.tags and not set(self.tags) & set(vector.tags):
            return False
        return not (self.suite_version and version_key(vector.since) > version_key(self.suite_version))


def select(vectors: Iterable[Vector], selection: Selection) -> Iterator[Vector]:
    return (v for v in vectors if selection(v))
