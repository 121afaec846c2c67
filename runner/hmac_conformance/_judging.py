"""What every scheme's comparators share: shape checks, accept/reject decisions, byte diffs in plain words.

Schemes use these through ``hmac_conformance.schemes``; nothing here knows a scheme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hmac_conformance._model import Vector

#: ``reason code -> (rule ids, hint)``: what a verifier most likely got wrong when it accepts a request that must
#: be rejected for this reason. A hint is shown only for a vector that cites one of its rules: otherwise the
#: vector's own description says more than a generic hint about its reason code.
Hints = Mapping[str, tuple[tuple[str, ...], str]]
#: A byte range of an expected string that has a name: ``(name, start, end)``.
Span = tuple[str, int, int]


def shape_problem(output: Any, shapes: Sequence[Mapping[str, type]]) -> str | None:
    """What is wrong with an in-process output's shape, or None. The first shape is the usual one; a later one
    applies when the output has one of its fields (a signer's refusal, say). A field typed ``object`` is
    optional."""
    if not isinstance(output, dict):
        return f"output is {type(output).__name__}, not an object"
    fields = shapes[0]
    for other in shapes[1:]:
        if other.keys() & output.keys():
            if {k for k, t in fields.items() if t is not object} & output.keys():
                return f"output has both {sorted(other)} and {sorted(fields)}"
            fields = other
    for name, kind in fields.items():
        if kind is not object and not isinstance(output.get(name), kind):
            return f"output field {name!r} missing or not {kind.__name__}"
    return None


def about(vector: Vector) -> str:
    return f"vector: {vector.description} ({', '.join(vector.rules)})"


def hint(vector: Vector, reason: str | None, hints: Hints) -> str:
    rules, text = hints.get(reason or "", ((), ""))
    return f"hint: {text} ({', '.join(rules)})" if set(rules) & set(vector.rules) else ""


def decision(vector: Vector, output: Mapping[str, Any], strict_reasons: bool, hints: Hints) -> tuple[str, str, str]:
    """Judge an accept/reject answer (``{valid, reason?}``): the decision must match; the reason too when strict."""
    want_valid, want_reason = vector.expected["valid"], vector.expected.get("reason")
    got_valid, got_reason = output["valid"], output.get("reason")
    if got_valid != want_valid:
        if want_valid:
            said = f" (said {got_reason!r})" if got_reason else ""
            return "fail", f"rejected a request/tag that must be accepted{said}", about(vector)
        detail = "\n".join(x for x in (about(vector), hint(vector, want_reason, hints)) if x)
        return "fail", f"accepted; must be rejected with {want_reason!r}", detail
    if not want_valid and got_reason != want_reason:
        note = f"rejected for reason {got_reason!r}; the spec's reason is {want_reason!r}"
        return ("fail" if strict_reasons else "pass"), note, about(vector) if strict_reasons else ""
    return "pass", "", ""


def visible(data: bytes) -> str:
    """Bytes as text with every invisible or non-ASCII byte spelled out, and spaces shown as '·'."""
    out = []
    for byte in data:
        ch = chr(byte)
        if ch == " ":
            out.append("·")
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ch == "\\":
            out.append("\\\\")
        elif 0x21 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def first_difference(a: bytes, b: bytes) -> int | None:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def field_at(spans: Sequence[Span], offset: int) -> str:
    for name, start, end in spans:
        if start <= offset < end:
            return f"{name} (byte {offset - start} of the field)"
    return "past the end of the expected string"


def _end_change(want: bytes, got: bytes, spans: Sequence[Span]) -> str:
    """For strings that differ only by bytes added or lost at the end: which field, in plain words."""
    last = spans[-1][0] if spans else "the string"
    if len(got) > len(want):
        extra = len(got) - len(want)
        return f"{last} gained {extra} byte{'s' if extra > 1 else ''} at its end: {visible(got[len(want) :][:24])}"
    lost = len(want) - len(got)
    return f"{last} lost {lost} byte{'s' if lost > 1 else ''} at its end: {visible(want[len(got) :][:24])}"


def diff_bytes(want: bytes, got: bytes, spans: Sequence[Span] | None = None, context: int = 24) -> str:
    """Where two byte strings first differ, both shown around that point with invisible bytes made visible."""
    at = first_difference(want, got)
    if at is None:
        return "identical"
    lo = max(0, at - context)
    lines = [f"first difference at byte {at} (expected {len(want)} bytes, got {len(got)})"]
    if at == min(len(want), len(got)):
        lines[0] += f": {_end_change(want, got, spans or [])}"
    elif spans:
        lines[0] += f", in {field_at(spans, at)}"
    prefix = "…" if lo else ""
    head_w = visible(want[lo:at])
    lines.append(
        f"  expected: {prefix}{head_w}{visible(want[at : at + context])}{'…' if at + context < len(want) else ''}"
    )
    lines.append(
        f"  got:      {prefix}{visible(got[lo:at])}{visible(got[at : at + context])}{'…' if at + context < len(got) else ''}"
    )
    lines.append("            " + " " * (len(prefix) + len(head_w)) + "^")
    return "\n".join(lines)


def short(value: Any) -> str:
    """A value for a lint message: bytes in hex, anything else as repr, cut to a readable length."""
    text = value.hex() if isinstance(value, bytes) else repr(value)
    return text if len(text) <= 80 else f"{text[:60]}…({len(text)} chars)"


@dataclass(frozen=True)
class Finding:
    """What a diagnosis concluded: a one-line summary, detail lines, and the catalogue entries it named."""

    summary: str
    lines: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
