"""The one small interface every adapter implements, and what all of them share."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from hmac_conformance import schemes
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response


class Adapter(abc.ABC):
    """Runs vectors against one implementation and yields a Response per vector, in any order."""

    #: The hello response's ``implementation`` object (name, version, language, homepage).
    identity: dict[str, Any]
    #: The hello response's ``supports`` object, or None when the implementation does not say (one-shot).
    supports: dict[str, Any] | None = None
    #: The text the user gave after --impl.
    spec: str
    #: Protocol violations that no single case can be blamed for (they fail the run).
    violations: list[str] | tuple[()] = ()
    #: Whether a large run may run its cases in worker processes forked from this one, once started. Only for
    #: code the runner owns (the reference): other code may hold threads, locks or connections a fork breaks.
    fork_safe: bool = False

    def start(self) -> None:  # noqa: B027 - optional hook
        """Start the implementation and learn what it is; raise AdapterError if it cannot start."""

    @abc.abstractmethod
    def run(self, vectors: Iterable[Vector]) -> Iterator[tuple[Vector, Response]]:
        """Execute each vector once; every vector given yields exactly one Response."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop the implementation and release everything it holds (processes, threads)."""

    def __enter__(self) -> Adapter:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def unsupported_reason(supports: Mapping[str, Any] | None, vector: Vector) -> str | None:
    """Why the implementation's declared capabilities exclude this vector, or None if they do not (or if it
    declared none: a one-shot program without a hello is sent everything)."""
    if supports is None:
        return None
    entry = supports.get(vector.scheme)
    if entry is None:
        return f"scheme {vector.scheme} not supported"
    if vector.operation not in entry.get("operations", ()):
        return f"operation {vector.operation} not supported"
    return schemes.get(vector.scheme).unsupported(entry, vector)
