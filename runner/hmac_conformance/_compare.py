"""Compare an implementation's output with the expected value: the generic part of judging.

The scheme's operation says what an output may look like and how to compare and explain it (byte diffs, the
diagnosis catalogue, reason hints); this stage turns that into the one Result of a vector.
"""

from __future__ import annotations

from hmac_conformance import schemes
from hmac_conformance._judging import shape_problem
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response, Result


def judge(vector: Vector, response: Response, strict_reasons: bool = False) -> Result:
    """The outcome of one vector (before expected-failure lists are applied)."""
    common = {
        "vector_id": vector.id,
        "scheme": vector.scheme,
        "operation": vector.operation,
        "tags": vector.tags,
        "expected": vector.expected,
        "stderr": response.stderr,
        "seconds": response.seconds,
        "link": response.link,
    }
    # The input is reported only for results that did not pass, and read only for them: a large one is expanded
    # on each read (a 1 MiB message costs half a millisecond).
    if response.kind != "output":  # error, skip or unsupported
        return Result(status=response.kind, message=response.message, input=vector.input, **common)  # type: ignore[arg-type]
    operation = schemes.operation(vector.scheme, vector.operation)
    bad = shape_problem(response.output, operation.shapes) or _not_bytes(response.output, operation.byte_outputs)
    if bad:
        return Result(status="error", message=f"invalid output: {bad}", input=vector.input, **common)  # type: ignore[arg-type]
    assert response.output is not None
    status, message, diagnostic = operation.judge(vector, response.output, strict_reasons)
    return Result(
        status=status,  # type: ignore[arg-type]
        message=message,
        diagnostic=diagnostic,
        got=response.output,
        input=None if status == "pass" else vector.input,
        **common,  # type: ignore[arg-type]
    )


def _not_bytes(output: dict[str, object] | None, fields: tuple[str, ...]) -> str | None:
    """A byte-string output field, when present, must be bytes (the wire decodes it from Base64)."""
    wrong = [name for name in fields if output is not None and name in output and not isinstance(output[name], bytes)]
    return f"output field {wrong[0]!r} is not bytes" if wrong else None
