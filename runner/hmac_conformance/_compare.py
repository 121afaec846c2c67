"""Compare an implementation's output with the expected value: the generic part of judging.

The scheme's operation says what an output may look like and how to compare and explain it (byte diffs, the
diagnosis catalogue, reason hints); this stage turns that into the one Result of a vector.
"""

from __future__ import annotations

from typing import Any

from hmac_conformance import schemes
from hmac_conformance._judging import shape_problem
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response, Result


def judge(vector: Vector, response: Response, strict_reasons: bool = False, *, evidence: bool = True) -> Result:
    """The outcome of one vector (before expected-failure lists are applied). ``evidence=False``: a pass is made
    without its evidence (expected and got), as reports keep it, rather than made twice."""
    # The input is reported only for results that did not pass, and read only for them: a large one is expanded
    # on each read (a 1 MiB message costs half a millisecond).
    if response.kind != "output":  # error, skip or unsupported
        return _with_evidence(vector, response, response.kind, response.message, "", None)
    operation = schemes.operation(vector.scheme, vector.operation)
    output = response.output
    bad = shape_problem(output, operation.shapes) or _not_bytes(output, operation.byte_outputs)
    if bad:
        return _with_evidence(vector, response, "error", f"invalid output: {bad}", "", None)
    assert output is not None
    status, message, diagnostic = operation.judge(vector, output, strict_reasons)
    if status == "pass" and not evidence:
        return Result(
            vector.id, vector.scheme, vector.operation, vector.tags, "pass", message, diagnostic,
            stderr=response.stderr, seconds=response.seconds, link=response.link,
        )  # fmt: skip
    return _with_evidence(vector, response, status, message, diagnostic, output)


def _with_evidence(
    vector: Vector, response: Response, status: str, message: str, diagnostic: str, got: dict[str, Any] | None
) -> Result:
    return Result(
        vector.id, vector.scheme, vector.operation, vector.tags, status, message, diagnostic,  # type: ignore[arg-type]
        expected=vector.expected, got=got, stderr=response.stderr, seconds=response.seconds, link=response.link,
        input=None if status == "pass" else vector.input,
    )  # fmt: skip


def _not_bytes(output: dict[str, object] | None, fields: tuple[str, ...]) -> str | None:
    """A byte-string output field, when present, must be bytes (the wire decodes it from Base64)."""
    wrong = [name for name in fields if output is not None and name in output and not isinstance(output[name], bytes)]
    return f"output field {wrong[0]!r} is not bytes" if wrong else None
