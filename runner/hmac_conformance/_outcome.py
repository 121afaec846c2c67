"""What a run produces per vector: an outcome and the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "fail", "error", "unsupported", "skip", "xfail", "xpass"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "error", "unsupported", "skip", "xfail", "xpass")
#: Outcomes that fail a run (exit code 1). Errors are reported apart from failures, but still fail it.
FAILING: frozenset[str] = frozenset({"fail", "error", "xpass"})


@dataclass
class Response:
    """What an adapter got back for one case, before comparison with the expected value."""

    kind: Literal["output", "skip", "error", "unsupported"]
    output: dict[str, Any] | None = None
    message: str = ""
    link: str | None = None
    #: The vector's input, reported for results that did not pass (None: not reported).
    input: dict[str, Any] | None = None
    stderr: str = ""
    seconds: float = 0.0


@dataclass
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
