"""Drive one implementation through the selected vectors: execute -> compare -> expected failures."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hmac_conformance._adapters.base import Adapter, AdapterError
from hmac_conformance._compare import judge
from hmac_conformance._expectations import ExpectedFailure, apply_xfail
from hmac_conformance._gate import UNTESTED, Requirement, regressions, unmet
from hmac_conformance._model import Vector
from hmac_conformance._outcome import STATUSES, Result
from hmac_conformance._redact import Redactor

#: Statuses whose answer was judged against the expected value.
EXECUTED = frozenset({"pass", "fail", "xfail", "xpass"})


@dataclass
class Run:
    """Everything one implementation produced in one run, and the verdict a gate draws from it."""

    spec: str
    identity: dict[str, Any]
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    startup_error: str | None = None
    violations: list[str] = field(default_factory=list)
    #: One line per --require whose vectors came back unsupported or skipped.
    unmet: list[str] = field(default_factory=list)
    #: With --baseline: the ids that passed in the baseline for this --impl (None: no baseline).
    baseline: frozenset[str] | None = None

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.status for r in self.results)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def executed(self) -> int:
        """Vectors whose answer was judged (an error or a vector not sent is not evidence either way)."""
        return sum(r.status in EXECUTED for r in self.results)

    @property
    def untested(self) -> dict[str, dict[str, int]]:
        """Unsupported and skipped vectors per ``scheme/operation``: what this run says nothing about."""
        out: dict[str, dict[str, int]] = {}
        for r in self.results:
            if r.status in UNTESTED:
                group = out.setdefault(f"{r.scheme}/{r.operation}", dict.fromkeys(UNTESTED, 0))
                group[r.status] += 1
        return dict(sorted(out.items()))

    @property
    def broken(self) -> bool:
        """Every vector it was given errored: the adapter is broken, which says nothing about conformance."""
        attempted = [r for r in self.results if r.status not in UNTESTED]
        return bool(self.startup_error) or (bool(attempted) and all(r.status == "error" for r in attempted))

    @property
    def regressions(self) -> list[Result]:
        return [] if self.baseline is None else regressions(self.baseline, self.results)

    @property
    def problems(self) -> list[str]:
        """Why this run fails a gate, one line each; empty when it passes."""
        c = self.counts
        out = [f"protocol violation: {v}" for v in self.violations]
        if self.baseline is not None:
            if self.regressions:
                out.append(f"{len(self.regressions)} regression(s) against the baseline")
        else:
            out += [f"{c[s]} {word}" for s, word in (("fail", "failed"), ("error", "errors")) if c[s]]
        if c["xpass"]:
            out.append(f"{c['xpass']} listed as expected failures but passing")
        if self.results and not self.executed:
            untested = ", ".join(f"{c[s]} {s}" for s in UNTESTED if c[s])
            out.append(f"no selected vector was executed ({untested or 'every vector errored'})")
        out += self.unmet
        return out

    @property
    def ok(self) -> bool:
        return not self.problems


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
    requirements: Sequence[Requirement] = (),
    baseline: frozenset[str] | None = None,
) -> Run:
    """Run every vector once; each gets exactly one Result, reported in the order of ``vectors``."""
    run = Run(adapter.spec, adapter.identity, baseline=baseline)
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
    run.unmet = unmet(requirements, vectors, run.results)
    run.seconds = time.monotonic() - started
    return run
