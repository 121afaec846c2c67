"""What a run produces per vector: an outcome and the evidence behind it, as immutable values; and the one
definition of what each status means for a verdict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "fail", "error", "unsupported", "skip", "xfail", "xpass"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "error", "unsupported", "skip", "xfail", "xpass")
#: Outcomes that fail a run (exit status 1). Errors are reported apart from failures, but still fail it.
FAILING: frozenset[str] = frozenset({"fail", "error", "xpass"})
#: Outcomes whose answer was judged against the expected value: evidence, one way or the other.
EXECUTED: frozenset[str] = frozenset({"pass", "fail", "xfail", "xpass"})
#: Outcomes that say nothing about conformance: the vector was not tested.
UNTESTED: tuple[Status, ...] = ("unsupported", "skip")
#: Outcomes whose evidence (input, expected, got, diagnostic, stderr) reports keep in full.
EVIDENCE: frozenset[str] = frozenset({"fail", "error", "xfail", "xpass"})


@dataclass(frozen=True)
class Response:
    """What an adapter got back for one case, before comparison with the expected value."""

    kind: Literal["output", "skip", "error", "unsupported"]
    output: dict[str, Any] | None = None
    message: str = ""
    link: str | None = None
    stderr: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Result:
    """The single outcome of one vector for one implementation."""

    vector_id: str
    scheme: str
    operation: str
    tags: tuple[str, ...]
    status: Status
    message: str = ""
    diagnostic: str = ""
    expected: dict[str, Any] = field(default_factory=dict)
    got: dict[str, Any] | None = None
    stderr: str = ""
    seconds: float = 0.0
    link: str | None = None
    #: The vector's input, reported for results that did not pass (None: not reported).
    input: dict[str, Any] | None = None


def counts(results: Iterable[Result]) -> dict[str, int]:
    """How many results have each status (every status present, in STATUSES order)."""
    counted = Counter(r.status for r in results)
    return {status: counted.get(status, 0) for status in STATUSES}


def by_group(results: Iterable[Result]) -> dict[tuple[str, str], dict[str, int]]:
    """Status counts per ``(scheme, operation)``, sorted: the table every report shows."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.scheme, r.operation), []).append(r)
    return {key: counts(group) for key, group in sorted(groups.items())}
