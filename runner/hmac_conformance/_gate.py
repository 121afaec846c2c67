"""What a CI gate may conclude from a run: requirements (--require) and baselines (--baseline).

A gate must never go green without evidence: an implementation that declares a capability away, or skips
what it cannot do, or dies before it says who it is, must not look like one that passed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hmac_conformance import _schemas, schemes
from hmac_conformance._exceptions import UsageError
from hmac_conformance._model import Vector
from hmac_conformance._outcome import EXECUTED, UNTESTED, Result, counts


@dataclass(frozen=True)
class Requirement:
    """``SCHEME[/OPERATION][:FEATURE]``: every selected vector it matches must be executed."""

    text: str
    scheme: str
    operation: str | None = None
    feature: str | None = None

    @classmethod
    def parse(cls, text: str) -> Requirement:
        head, _, feature = text.partition(":")
        scheme, _, operation = head.partition("/")
        registered = schemes.all_schemes()
        if scheme not in registered:
            raise UsageError(f"--require {text!r}: unknown scheme {scheme!r} (one of {', '.join(registered)})")
        operations, features = registered[scheme].operations, registered[scheme].feature_names
        if operation and operation not in operations:
            known = ", ".join(operations)
            raise UsageError(f"--require {text!r}: scheme {scheme} has no operation {operation!r} (one of {known})")
        if (feature or text.endswith(":")) and feature not in features:
            known = ", ".join(features)
            raise UsageError(f"--require {text!r}: unknown feature {feature!r} for {scheme} (one of {known})")
        if "/" in head and not operation:
            raise UsageError(f"--require {text!r}: empty operation after '/'")
        return cls(text, scheme, operation or None, feature or None)

    def matches(self, vector: Vector) -> bool:
        if vector.scheme != self.scheme or (self.operation and vector.operation != self.operation):
            return False
        return self.feature is None or self.feature in schemes.get(vector.scheme).features(vector)


def check_requirements(requirements: Sequence[Requirement], vectors: Sequence[Vector]) -> None:
    """A requirement that matches no selected vector is a mistake (a typo, or a selection that excludes it)."""
    for req in requirements:
        if not any(req.matches(v) for v in vectors):
            raise UsageError(f"--require {req.text!r} matches no selected vector")


def unmet(requirements: Sequence[Requirement], vectors: Sequence[Vector], results: Sequence[Result]) -> list[str]:
    """One line per requirement whose vectors came back unsupported or skipped."""
    status = {r.vector_id: r for r in results}
    lines = []
    for req in requirements:
        matched = [v for v in vectors if req.matches(v)]
        missing = [status[v.id] for v in matched if v.id in status and status[v.id].status in UNTESTED]
        if missing:
            why = missing[0].message or missing[0].status
            lines.append(f"required {req.text}: {len(missing)} of {len(matched)} vectors not tested ({why})")
    return lines


# -- baselines ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The vectors that passed in an earlier JSON report, per ``--impl`` spec."""

    path: Path
    passed: Mapping[str, frozenset[str]]

    def for_impl(self, spec: str) -> frozenset[str]:
        """The ids that passed for this --impl; a spec the baseline has no run for is a configuration error."""
        if spec not in self.passed:
            have = ", ".join(repr(s) for s in self.passed) or "none"
            raise UsageError(f"--baseline {self.path}: no run for --impl {spec!r} (the report has runs for: {have})")
        return self.passed[spec]


def load_baseline(path: Path) -> Baseline:
    """Read a JSON report (schema/report.schema.json) as a baseline; an unreadable one is a usage error."""
    try:
        report: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"--baseline {path}: cannot read the report: {exc}") from None
    errors = list(_schemas.validator("report.schema.json").iter_errors(report))
    if errors:
        raise UsageError(f"--baseline {path}: not a hmac-conformance JSON report: {errors[0].message[:200]}")
    passed: dict[str, frozenset[str]] = {}
    for run in report["runs"]:
        if run["impl"] in passed:
            raise UsageError(f"--baseline {path}: two runs for --impl {run['impl']!r}; which one applies is unclear")
        passed[run["impl"]] = frozenset(r["id"] for r in run["results"] if r["status"] == "pass")
    return Baseline(path, passed)


def regressions(passed_before: Iterable[str], results: Sequence[Result]) -> list[Result]:
    """Results of vectors that passed in the baseline and do not pass now (failing, erroring, xfail, unsupported
    or skipped): losing a capability is a regression too."""
    before = set(passed_before)
    return [r for r in results if r.vector_id in before and r.status not in ("pass", "xpass")]


# -- a run's verdict ---------------------------------------------------------------------------------------------


def executed(results: Iterable[Result]) -> int:
    """Vectors whose answer was judged (an error or a vector not sent is not evidence either way)."""
    return sum(r.status in EXECUTED for r in results)


def untested(results: Iterable[Result]) -> dict[str, dict[str, int]]:
    """Unsupported and skipped vectors per ``scheme/operation``: what a run says nothing about."""
    out: dict[str, dict[str, int]] = {}
    for r in results:
        if r.status in UNTESTED:
            group = out.setdefault(f"{r.scheme}/{r.operation}", dict.fromkeys(UNTESTED, 0))
            group[r.status] += 1
    return dict(sorted(out.items()))


def broken(results: Sequence[Result], startup_error: str | None) -> bool:
    """Every vector it was given errored: the adapter is broken, which says nothing about conformance."""
    attempted = [r for r in results if r.status not in UNTESTED]
    return bool(startup_error) or (bool(attempted) and all(r.status == "error" for r in attempted))


def problems(
    results: Sequence[Result], violations: Sequence[str], unmet_lines: Sequence[str], baseline: frozenset[str] | None
) -> list[str]:
    """Why a run fails a gate, one line each; empty when it passes."""
    c = counts(results)
    out = [f"protocol violation: {v}" for v in violations]
    if baseline is not None:
        lost = regressions(baseline, results)
        if lost:
            out.append(f"{len(lost)} regression(s) against the baseline")
    else:
        out += [f"{c[s]} {word}" for s, word in (("fail", "failed"), ("error", "errors")) if c[s]]
    if c["xpass"]:
        out.append(f"{c['xpass']} listed as expected failures but passing")
    if results and not executed(results):
        not_run = ", ".join(f"{c[s]} {s}" for s in UNTESTED if c[s])
        out.append(f"no selected vector was executed ({not_run or 'every vector errored'})")
    out += unmet_lines
    return out
