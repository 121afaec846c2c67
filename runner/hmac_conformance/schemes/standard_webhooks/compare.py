"""Judge a ``standard-webhooks`` output: a signature entry (byte for byte, the signed content's first differing
byte when returned, the diagnosis catalogue), a signer's refusal (SW-10), a verifier's decision and reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hmac_conformance.schemes import Hints, Judgement, Span, Vector, decision, diff_bytes
from hmac_conformance.schemes.standard_webhooks import diagnose

#: What a verifier most likely got wrong when it accepts a request that must be rejected for this reason, and
#: the rules the hint is about: it is shown only for a vector that cites one of them.
HINTS: Hints = {
    "missing-header": (
        ("SW-1", "SW-2", "SW-3"),
        "webhook-id, -timestamp and -signature must each be present with a non-empty value; names fold the 26 "
        "ASCII letters only, and '_' is not '-'",
    ),
    "duplicate-header": (("SW-4",), "a repeated webhook-* field is rejected: never pick a copy or join them"),
    "malformed-timestamp": (
        ("SW-6",),
        "check webhook-timestamp with ^[1-9][0-9]{0,10}$ over ASCII and sign the header text, not a number "
        "parsed and written back",
    ),
    "stale": (("SW-15",), "is the window checked in whole seconds, inclusive at 300 s, against the case's now?"),
    "future": (("SW-15",), "the window applies to timestamps ahead of the clock too"),
    "no-signature": (
        ("SW-11", "SW-12"),
        "only a 'v1' entry whose value is the canonical padded Base64 of 32 bytes is checked; split at spaces only",
    ),
    "signature-mismatch": (
        ("SW-7", "SW-8", "SW-9", "SW-13"),
        "the MAC covers id '.' timestamp '.' payload exactly as received, keyed with the secret's decoded bytes",
    ),
}

#: A sign refusal's reason -> (the input it is about, its key in the vector's input, the rule, what to do).
REFUSALS = {
    "malformed-secret": (
        "the secret", "secret", "SW-7",
        "'whsec_' optional, then standard Base64 of 24..64 bytes, padding absent or exact; never decode leniently",
    ),
    "malformed-id": (
        "webhook-id", "msg_id", "SW-5", "non-empty printable ASCII, no space at either end; never trim or repair it",
    ),
    "malformed-timestamp": (
        "webhook-timestamp", "timestamp", "SW-6", "^[1-9][0-9]{0,10}$ over ASCII; never parse and re-serialise it",
    ),
}  # fmt: skip


def content_fields(vector: Vector) -> list[Span]:
    """The parts of the expected signed content as (name, start, end) byte ranges (SW-8)."""
    spans, start = [], 0
    parts = (("webhook-id", vector.input["msg_id"].encode("utf-8")), ("separator '.'", b"."),
             ("webhook-timestamp", vector.input["timestamp"].encode("utf-8")), ("separator '.'", b"."))  # fmt: skip
    for name, value in parts:
        spans.append((name, start, start + len(value)))
        start += len(value)
    spans.append(("payload", start, start + len(vector.input["payload"])))
    return spans


def _refusal(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    """A sign vector that expects a refusal, or a signer that refused (SW-10)."""
    want, got = vector.expected.get("refused"), output.get("refused")
    if want is None:
        hint = "hint: a signer refuses only a secret, id or timestamp that breaks SW-7, SW-5 or SW-6 (SW-10)"
        return "fail", f"refused to sign valid inputs (said {got!r})", hint
    if got is None:
        what, key, rule, how = REFUSALS[want]
        # The secret is text, which --redact-keys replaces in the reported input but cannot find in messages.
        given = "see the input" if key == "secret" else repr(vector.input[key])
        detail = f"{what} given: {given}\nhint: {how} ({rule})"
        return "fail", f"signed although {what} is malformed; a signer must refuse ({rule}, SW-10)", detail
    if got != want:
        note = f"refused for reason {got!r}; the spec's reason is {want!r}"
        return ("fail" if strict_reasons else "pass"), note, ""
    return "pass", "", ""


def sign(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    if "refused" in vector.expected or "refused" in output:
        return _refusal(vector, output, strict_reasons)
    want, got = vector.expected, output
    problems: list[str] = []
    details: list[str] = []
    content = got.get("signed_content")
    if isinstance(content, bytes) and content != want["signed_content"]:
        problems.append("signed content differs")
        details.append(diff_bytes(want["signed_content"], content, content_fields(vector)))
    if got["signature"] != want["signature"]:
        finding = diagnose.signature(vector, got["signature"])
        problems.append(f"signature differs: {finding.summary}")
        details.append(
            f"signature: expected {want['signature']!r}\n           got      {got['signature']!r}"
            f"\n           looks like: {diagnose.describe(got['signature'])}"
        )
        details.extend(finding.lines)
        if content is None and not finding.entries:
            details.append("(return signed_content from sign to see the first differing byte of the signed content)")
        elif content == want["signed_content"] and not finding.entries:
            details.append("the signed content is right: the key or the form of the entry is not (SW-7, SW-9)")
    if problems:
        return "fail", "; ".join(problems), "\n".join(details)
    return "pass", "", ""


def verify(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    return decision(vector, output, strict_reasons, HINTS)  # type: ignore[return-value]
