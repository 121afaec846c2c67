"""Drive one implementation through the selected vectors: execute -> compare -> expected failures."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from runner.adapters.base import Adapter, AdapterError
from runner.compare import judge
from runner.expectations import ExpectedFailure, apply_xfail
from runner.model import Vector
from runner.outcome import FAILING, STATUSES, Result
from runner.redact import Redactor


@dataclass
class Run:
    """Everything one implementation produced in one run."""

    spec: str
    identity: dict[str, Any]
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    startup_error: str | None = None
    violations: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.status for r in self.results)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def broken(self) -> bool:
        """Every vector it was given errored: the adapter is broken, which says nothing about conformance."""
        attempted = [r for r in self.results if r.status not in ("unsupported", "skip")]
        return bool(self.startup_error) or (bool(attempted) and all(r.status == "error" for r in attempted))

    @property
    def ok(self) -> bool:
        return not self.violations and not any(r.status in FAILING for r in self.results)


def _error(vector: Vector, message: str) -> Result:
    return Result(vector.id, vector.scheme, vector.operation, vector.tags, "error", message, expected=vector.expected)


def execute(
    adapter: Adapter,
    vectors: Sequence[Vector],
    *,
    strict_reasons: bool = False,
    xfail: Sequence[ExpectedFailure] = (),
    redact_keys: bool = False,
    on_result: Callable[[Result, int, int], None] | None = None,
) -> Run:
    """Run every vector once; each gets exactly one Result, reported in the order of ``vectors``."""
    run = Run(adapter.spec, adapter.identity)
    redact = Redactor(vectors) if redact_keys else None
    started = time.monotonic()
    by_id: dict[str, Result] = {}
    total = len(vectors)

    def record(result: Result) -> None:
        result = apply_xfail(result, list(xfail))
        by_id[result.vector_id] = result
        if on_result:
            on_result(result, len(by_id), total)

    try:
        adapter.start()
    except AdapterError as exc:
        run.startup_error = str(exc)
        for vector in vectors:
            record(_error(vector, f"implementation did not start: {exc}"))
    else:
        run.identity = adapter.identity
        try:
            for vector, response in adapter.run(vectors):
                result = judge(vector, response, strict_reasons)
                if result.status != "pass":
                    result.input = vector.input
                record(redact(result, vector) if redact else result)
        finally:
            adapter.close()
        run.violations = list(adapter.violations)
    missing = [v for v in vectors if v.id not in by_id]
    for vector in missing:  # an adapter bug must not lose a vector silently
        record(_error(vector, "no outcome was produced for this vector"))
    run.results = [by_id[v.id] for v in vectors]
    run.seconds = time.monotonic() - started
    return run
