"""In-process adapter (``reference`` and ``python:MODULE:ATTR``): Python code called directly.

The target is any object or module with ``run_case(scheme, operation, input) -> output`` taking and returning
byte strings as ``bytes``, and optionally ``hello() -> {"implementation": ..., "supports": ...}``. Raising
NotImplementedError skips a case; any other exception is an adapter error. Nothing is serialised, so the
overhead per vector is a function call and a comparison. In-process code shares the runner's process: use
``cmd:`` or ``jsonl:`` for code that may hang or crash.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable, Iterator
from typing import Any

from hmac_conformance._adapters.base import Adapter, unsupported_reason
from hmac_conformance._exceptions import AdapterError
from hmac_conformance._model import Vector, fresh_copy
from hmac_conformance._outcome import Response


def load_target(spec: str) -> Any:
    """Import ``MODULE:ATTR`` (or just ``MODULE``)."""
    module_name, _, attr = spec.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - any import failure is the same user-facing problem
        raise AdapterError(f"cannot import {module_name!r}: {type(exc).__name__}: {exc}") from None
    for part in filter(None, attr.split(".")):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise AdapterError(f"{module_name!r} has no attribute {attr!r}") from None
    if not callable(getattr(target, "run_case", None)):
        raise AdapterError(f"{spec!r} has no run_case(scheme, operation, input) function")
    return target


class InProcessAdapter(Adapter):
    def __init__(self, spec: str, target: Any, *, fork_safe: bool = False) -> None:
        self.spec = spec
        self.target = target
        self.fork_safe = fork_safe
        self.identity = {"name": spec, "version": "unknown", "language": "python"}

    def start(self) -> None:
        hello = getattr(self.target, "hello", None)
        if callable(hello):
            info = hello()
            self.identity = info.get("implementation", self.identity)
            self.supports = info.get("supports")

    def run(self, vectors: Iterable[Vector]) -> Iterator[tuple[Vector, Response]]:
        run_case = self.target.run_case
        supports = self.supports
        clock = time.perf_counter
        for vector in vectors:
            why = unsupported_reason(supports, vector) if supports is not None else None
            if why:
                yield vector, Response("unsupported", message=why)
                continue
            started = clock()
            try:
                output = run_case(vector.scheme, vector.operation, fresh_copy(vector.input))
            except NotImplementedError as exc:
                yield vector, Response("skip", message=str(exc) or "not implemented")
                continue
            except Exception as exc:  # noqa: BLE001 - the implementation's failure is the result
                yield vector, Response("error", message=f"raised {type(exc).__name__}: {exc}")
                continue
            yield vector, Response("output", output=output, seconds=clock() - started)
