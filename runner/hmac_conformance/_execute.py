"""Drive one implementation through the selected vectors: execute -> compare -> expected failures -> redact."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields
from typing import Any

from hmac_conformance import _collector as collector
from hmac_conformance import _gate as gate
from hmac_conformance import _parallel, schemes
from hmac_conformance._adapters.base import Adapter
from hmac_conformance._compare import judge
from hmac_conformance._exceptions import AdapterError
from hmac_conformance._expectations import ExpectedFailure, apply_xfail
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Result, counts
from hmac_conformance._redact import Redactor


@dataclass(frozen=True)
class Run:
    """Everything one implementation produced in one run, and the verdict a gate draws from it."""

    spec: str
    identity: dict[str, Any]
    results: tuple[Result, ...] = ()
    seconds: float = 0.0
    startup_error: str | None = None
    violations: tuple[str, ...] = ()
    #: One line per --require whose vectors came back unsupported or skipped.
    unmet: tuple[str, ...] = ()
    #: With --baseline: the ids that passed in the baseline for this --impl (None: no baseline).
    baseline: frozenset[str] | None = None
    #: The vector files or folders given (empty: the suite's own), so a failure can be reproduced.
    vector_paths: tuple[str, ...] = ()

    # Each verdict is a module function below: mutation testing (mutmut) does not mutate a property's body.
    @property
    def counts(self) -> dict[str, int]:
        return run_counts(self)

    @property
    def executed(self) -> int:
        return run_executed(self)

    @property
    def untested(self) -> dict[str, dict[str, int]]:
        return run_untested(self)

    @property
    def broken(self) -> bool:
        return run_broken(self)

    @property
    def regressions(self) -> list[Result]:
        return run_regressions(self)

    @property
    def problems(self) -> list[str]:
        return run_problems(self)

    @property
    def ok(self) -> bool:
        return run_ok(self)


def run_counts(run: Run) -> dict[str, int]:
    return counts(run.results)


def run_executed(run: Run) -> int:
    return gate.executed(run.results)


def run_untested(run: Run) -> dict[str, dict[str, int]]:
    return gate.untested(run.results)


def run_broken(run: Run) -> bool:
    return gate.broken(run.results, run.startup_error)


def run_regressions(run: Run) -> list[Result]:
    return [] if run.baseline is None else gate.regressions(run.baseline, run.results)


def run_problems(run: Run) -> list[str]:
    return gate.problems(run.results, run.violations, run.unmet, run.baseline)


def run_ok(run: Run) -> bool:
    return not run_problems(run)


def _without_evidence(result: Result) -> Result:
    """A pass as reports keep it (built directly: dataclasses.replace costs microseconds per vector)."""
    return Result(
        result.vector_id, result.scheme, result.operation, result.tags, result.status, result.message,
        result.diagnostic, seconds=result.seconds, link=result.link, stderr=result.stderr, input=result.input,
    )  # fmt: skip


def _error(vector: Vector, message: str) -> Result:
    return Result(vector.id, vector.scheme, vector.operation, vector.tags, "error", message, expected=vector.expected)


#: A run of at least this many cases, through an adapter whose cases may run in forked workers (the reference),
#: runs on every core: below it, starting the workers costs more than they save.
PARALLEL_CASES = 10_000
#: Cases a worker runs at a time: each batch's results come back as it ends.
_PER_TASK = 2_000
#: A Result's fields after the four that its vector gives (id, scheme, operation, tags): what a worker sends back,
#: so that the results this process keeps share the vector's strings and tuples instead of holding copies.
_CARRIED = tuple(f.name for f in fields(Result))[4:]


def _judged_range(state: tuple[Adapter, Sequence[Vector], bool, bool], start: int, stop: int) -> list[tuple | None]:
    """In a worker: the vectors ``start:stop`` run and judged, each as the fields ``_CARRIED`` of its Result
    (None where the adapter produced nothing for it)."""
    adapter, vectors, strict_reasons, evidence = state
    batch = vectors[start:stop]
    carried = {}
    for vector, response in adapter.run(batch):
        result = judge(vector, response, strict_reasons, evidence=evidence)
        carried[vector.id] = tuple(getattr(result, name) for name in _CARRIED)
    return [carried.get(vector.id) for vector in batch]


def _judged(
    adapter: Adapter, vectors: Sequence[Vector], strict_reasons: bool, evidence: bool
) -> Iterator[tuple[Vector, Result]]:
    """Each vector with its Result, in order: on every core where the adapter allows it and the run is large, else
    in this process. If a worker dies, the vectors it had not answered run here."""
    done = 0
    if adapter.fork_safe and len(vectors) >= PARALLEL_CASES and _parallel.cores() > 1:
        state = (adapter, vectors, strict_reasons, evidence)
        try:
            for batch in _parallel.map_ranges(_judged_range, state, len(vectors), _PER_TASK):
                for vector, carried in zip(vectors[done : done + len(batch)], batch, strict=True):
                    if carried is not None:
                        yield vector, Result(vector.id, vector.scheme, vector.operation, vector.tags, *carried)
                done += len(batch)
            return
        except BrokenProcessPool:
            pass
    for vector, response in adapter.run(vectors[done:]):
        yield vector, judge(vector, response, strict_reasons, evidence=evidence)


def execute(
    adapter: Adapter,
    vectors: Sequence[Vector],
    *,
    strict_reasons: bool = False,
    xfail: Sequence[ExpectedFailure] = (),
    redact_keys: bool = False,
    on_result: Callable[[Result, int, int], None] | None = None,
    requirements: Sequence[gate.Requirement] = (),
    baseline: frozenset[str] | None = None,
) -> Run:
    """Run every vector once; each gets exactly one Result, reported in the order of ``vectors``."""
    redact = Redactor(vectors) if redact_keys else None
    # Passes are judged without evidence, unless a listed one may become an xpass, reported with its evidence.
    evidence = bool(xfail)
    started = time.monotonic()
    by_id: dict[str, Result] = {}
    total = len(vectors)

    def record(result: Result, vector: Vector) -> None:
        result = apply_xfail(result, xfail)
        if redact:
            result = redact(result, vector)
        if evidence and result.status == "pass":  # no report shows a pass's evidence: a run need not hold it
            result = _without_evidence(result)
        by_id[result.vector_id] = result
        if on_result:
            on_result(result, len(by_id), total)

    startup_error, violations = None, ()
    identity = adapter.identity
    try:
        adapter.start()
    except AdapterError as exc:
        startup_error = str(exc)
        for vector in vectors:
            record(_error(vector, f"implementation did not start: {exc}"), vector)
    else:
        identity = adapter.identity
        try:
            with schemes.held(), collector.paused():  # no cycles; collections took a tenth of a run
                for vector, result in _judged(adapter, vectors, strict_reasons, evidence):
                    record(result, vector)
        finally:
            adapter.close()
        violations = tuple(adapter.violations)
    for vector in vectors:  # an adapter bug must not lose a vector silently
        if vector.id not in by_id:
            record(_error(vector, "no outcome was produced for this vector"), vector)
    results = tuple(by_id[v.id] for v in vectors)
    return Run(
        adapter.spec,
        identity,
        results,
        seconds=time.monotonic() - started,
        startup_error=startup_error,
        violations=violations,
        unmet=tuple(gate.unmet(requirements, vectors, results)),
        baseline=baseline,
    )
