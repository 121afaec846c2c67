"""The one small interface every adapter implements, and what all of them share."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from typing import Any

from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response


class AdapterError(Exception):
    """The implementation could not be started or spoke the protocol wrongly at start-up."""


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


def algorithms_needed(vector: Vector) -> set[str]:
    if vector.operation == "verify":
        return {k["algorithm"] for k in vector.input["keys"]}
    return {vector.input["algorithm"]}


def needs_legacy(vector: Vector) -> bool:
    return (
        vector.input.get("signature_encoding") == "legacy-hex-base64" or vector.input.get("legacy_hex_base64") is True
    )


def features_needed(vector: Vector) -> set[str]:
    """The capabilities a vector needs beyond its scheme and operation: algorithms, and the legacy encoding."""
    features = algorithms_needed(vector)
    if vector.scheme == "firstvision" and needs_legacy(vector):
        features.add("legacy-hex-base64")
    return features


def unsupported_reason(supports: dict[str, Any] | None, vector: Vector) -> str | None:
    """Why the implementation's declared capabilities exclude this vector, or None if they do not."""
    if supports is None:
        return None
    scheme = supports.get(vector.scheme)
    if scheme is None:
        return f"scheme {vector.scheme} not supported"
    if vector.operation not in scheme.get("operations", ()):
        return f"operation {vector.operation} not supported"
    missing = sorted(algorithms_needed(vector) - set(scheme.get("algorithms", ())))
    if missing:
        return f"algorithm {', '.join(missing)} not supported"
    if vector.scheme == "firstvision" and needs_legacy(vector) and not scheme.get("legacy_hex_base64"):
        return "legacy-hex-base64 encoding not supported"
    return None
