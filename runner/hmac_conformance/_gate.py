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

from hmac_conformance._adapters.base import features_needed
from hmac_conformance._errors import UsageError
from hmac_conformance._load import schema_validator
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Result
from hmac_conformance._reference import firstvision
from hmac_conformance._reference.hmac import ALGORITHMS

#: What --require may name: each scheme's operations, and the features a vector of that scheme can need.
OPERATIONS = {"hmac": ("mac", "mac-verify"), "firstvision": ("sign", "verify")}
FEATURES = {"hmac": tuple(ALGORITHMS), "firstvision": (*firstvision.ALGORITHM_NAMES, "legacy-hex-base64")}
#: Statuses that mean "not tested": a required vector with one of these fails the run.
UNTESTED = ("unsupported", "skip")


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
        if scheme not in OPERATIONS:
            raise UsageError(f"--require {text!r}: unknown scheme {scheme!r} (one of {', '.join(OPERATIONS)})")
        if operation and operation not in OPERATIONS[scheme]:
            known = ", ".join(OPERATIONS[scheme])
            raise UsageError(f"--require {text!r}: scheme {scheme} has no operation {operation!r} (one of {known})")
        if (feature or text.endswith(":")) and feature not in FEATURES[scheme]:
            known = ", ".join(FEATURES[scheme])
            raise UsageError(f"--require {text!r}: unknown feature {feature!r} for {scheme} (one of {known})")
        if "/" in head and not operation:
            raise UsageError(f"--require {text!r}: empty operation after '/'")
        return cls(text, scheme, operation or None, feature or None)

    def matches(self, vector: Vector) -> bool:
        if vector.scheme != self.scheme or (self.operation and vector.operation != self.operation):
            return False
        return self.feature is None or self.feature in features_needed(vector)


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
    errors = list(schema_validator("report.schema.json").iter_errors(report))
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
