"""Compare an implementation's output with the expected value, and explain any difference at byte level."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from hmac_conformance import _diagnose as diagnose
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response, Result
from hmac_conformance._reference.hmac import ALGORITHMS

#: What a verifier most likely got wrong when it accepts a request that must be rejected for this reason, and
#: the rules the hint is about: it is shown only for a vector that cites one of them (otherwise the vector's own
#: description says more than a generic hint about its reason code).
HINTS: dict[str, tuple[tuple[str, ...], str]] = {
    "missing-header": (("FV-1",), "a required header is absent; the verifier must not default it"),
    "duplicate-header": (("FV-4",), "a signed header appears twice; the verifier must reject, not pick one"),
    "bad-auth-type": (("FV-1",), "Auth-Token-Type must be exactly 'HMAC' (FV-16 step 3)"),
    "malformed-api-key": (("FV-5",), "Api-Key syntax is ^[A-Za-z0-9]{1,128}$ over ASCII"),
    "malformed-request-id": (("FV-6",), "Client-Request-Id syntax is ^[A-Za-z0-9-]{1,128}$ over ASCII"),
    "malformed-timestamp": (
        ("FV-7",),
        "check Timestamp with ^[1-9][0-9]{0,15}$ over ASCII, not a lenient integer parser",
    ),
    "stale": (("FV-14",), "is the window checked, inclusive at 300000 ms, and are both clocks in milliseconds?"),
    "future": (("FV-14",), "the window applies to timestamps ahead of the clock too"),
    "unknown-api-key": (("FV-9",), "the secret must be looked up by the exact Api-Key; no default key"),
    "malformed-signature": (
        ("FV-11", "FV-12"),
        "decode Base64 strictly: standard alphabet, padding, canonical bits, exact MAC length",
    ),
    "signature-mismatch": (
        ("FV-8", "FV-13"),
        "the MAC must cover Api-Key‖Client-Request-Id‖Timestamp‖body as received",
    ),
    "replay": (("FV-15",), "the Client-Request-Id cache must be consulted after the signature check"),
    "wrong-tag-length": (("MAC-5",), "reject tags whose length differs from the configured length before comparing"),
    "tag-mismatch": (("MAC-5", "MAC-6"), "compare every byte of the tag, in constant time"),
}

_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_HEX = re.compile(r"[0-9a-fA-F]+")


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


def sts_fields(vector: Vector) -> list[tuple[str, int, int]]:
    """The fields of the expected string to sign as (name, start, end) byte ranges."""
    spans, start = [], 0
    for name, key in (("Api-Key", "api_key"), ("Client-Request-Id", "client_request_id"), ("Timestamp", "timestamp")):
        end = start + len(vector.input[key].encode("utf-8"))
        spans.append((name, start, end))
        start = end
    spans.append(("body", start, start + len(vector.input["body"])))
    return spans


def field_at(spans: list[tuple[str, int, int]], offset: int) -> str:
    for name, start, end in spans:
        if start <= offset < end:
            return f"{name} (byte {offset - start} of the field)"
    return "past the end of the expected string"


def _end_change(want: bytes, got: bytes, spans: list[tuple[str, int, int]]) -> str:
    """For strings that differ only by bytes added or lost at the end: which field, in plain words."""
    last = spans[-1][0] if spans else "the string"
    if len(got) > len(want):
        extra = len(got) - len(want)
        return f"{last} gained {extra} byte{'s' if extra > 1 else ''} at its end: {visible(got[len(want) :][:24])}"
    lost = len(want) - len(got)
    return f"{last} lost {lost} byte{'s' if lost > 1 else ''} at its end: {visible(want[len(got) :][:24])}"


def diff_bytes(want: bytes, got: bytes, spans: list[tuple[str, int, int]] | None = None, context: int = 24) -> str:
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


def describe_signature(text: str, mac_length: int, other_lengths: tuple[int, ...] = (32, 64)) -> str:
    """What a signature text looks like, so an encoding bug is named rather than just shown."""
    lengths = {mac_length, *other_lengths}
    if not text:
        return "empty"
    if _HEX.fullmatch(text) and len(text) // 2 in lengths and len(text) % 2 == 0:
        return f"hex of a {len(text) // 2}-byte MAC, not Base64 (FV-10)"
    if _B64.fullmatch(text) and len(text) % 4 == 0:
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error:
            return "not valid Base64"
        if len(raw) // 2 in lengths and len(raw) % 2 == 0 and re.fullmatch(rb"[0-9a-fA-F]+", raw):
            return f"Base64 of the hex text of a {len(raw) // 2}-byte MAC: the legacy encoding (FV-12), not canonical"
        if len(raw) != mac_length:
            return f"Base64 of {len(raw)} bytes; the MAC has {mac_length}"
        return f"Base64 of {mac_length} bytes (right shape, different MAC)"
    if _B64URL.fullmatch(text):
        return "URL-safe Base64 alphabet ('-', '_') instead of the standard one (FV-10)"
    if _B64.fullmatch(text.rstrip("=")):
        return "Base64 without correct '=' padding (FV-10)"
    return "not Base64"


def _bad_output(output: Any, fields: dict[str, type], instead: dict[str, type] | None = None) -> str | None:
    """What is wrong with an output's shape; ``instead`` is an alternative shape (a signer's refusal, FV-17)."""
    if not isinstance(output, dict):
        return f"output is {type(output).__name__}, not an object"
    if instead and instead.keys() & output.keys():
        if fields.keys() & output.keys():
            return f"output has both {sorted(instead)} and {sorted(fields)}"
        fields = instead
    for name, kind in fields.items():
        if not isinstance(output.get(name), kind):
            return f"output field {name!r} missing or not {kind.__name__}"
    return None


def _about(vector: Vector) -> str:
    return f"vector: {vector.description} ({', '.join(vector.rules)})"


def _hint(vector: Vector, reason: str | None) -> str:
    rules, text = HINTS.get(reason or "", ((), ""))
    return f"hint: {text} ({', '.join(rules)})" if set(rules) & set(vector.rules) else ""


def _decision(vector: Vector, output: dict[str, Any], strict_reasons: bool) -> tuple[str, str, str]:
    want_valid, want_reason = vector.expected["valid"], vector.expected.get("reason")
    got_valid, got_reason = output["valid"], output.get("reason")
    if got_valid != want_valid:
        if want_valid:
            said = f" (said {got_reason!r})" if got_reason else ""
            return "fail", f"rejected a request/tag that must be accepted{said}", _about(vector)
        detail = "\n".join(x for x in (_about(vector), _hint(vector, want_reason)) if x)
        return "fail", f"accepted; must be rejected with {want_reason!r}", detail
    if not want_valid and got_reason != want_reason:
        note = f"rejected for reason {got_reason!r}; the spec's reason is {want_reason!r}"
        return ("fail" if strict_reasons else "pass"), note, _about(vector) if strict_reasons else ""
    return "pass", "", ""


def _refusal(vector: Vector, output: dict[str, Any], strict_reasons: bool) -> tuple[str, str, str]:
    """A sign vector that expects a refusal, or a signer that refused (FV-17)."""
    want, got = vector.expected.get("refused"), output.get("refused")
    if want is None:
        hint = "hint: a signer refuses only an Api-Key, Client-Request-Id or Timestamp that breaks FV-5..7 (FV-17)"
        return "fail", f"refused to sign valid inputs (said {got!r})", hint
    if got is None:
        field, key = {
            "malformed-api-key": ("Api-Key", "api_key"),
            "malformed-request-id": ("Client-Request-Id", "client_request_id"),
            "malformed-timestamp": ("Timestamp", "timestamp"),
        }[want]
        detail = f"{field} given: {vector.input[key]!r}\nhint: {HINTS[want][1]}; never trim or repair it, refuse"
        return "fail", f"signed although {field} is malformed; a signer must refuse (FV-17)", detail
    if got != want:
        note = f"refused for reason {got!r}; the spec's reason is {want!r}"
        return ("fail" if strict_reasons else "pass"), note, ""
    return "pass", "", ""


def _sign(vector: Vector, output: dict[str, Any], strict_reasons: bool = False) -> tuple[str, str, str]:
    if "refused" in vector.expected or "refused" in output:
        return _refusal(vector, output, strict_reasons)
    want, got = vector.expected, output
    problems: list[str] = []
    details: list[str] = []
    sts = got.get("string_to_sign")
    if isinstance(sts, bytes) and sts != want["string_to_sign"]:
        problems.append("string to sign differs")
        details.append(diff_bytes(want["string_to_sign"], sts, sts_fields(vector)))
    if got["signature"] != want["signature"]:
        finding = diagnose.signature(vector, got["signature"])
        problems.append(f"signature differs: {finding.summary}")
        mac_length = ALGORITHMS[vector.input["algorithm"]][1]
        details.append(
            f"signature: expected {want['signature']!r}\n           got      {got['signature']!r}"
            f"\n           looks like: {describe_signature(got['signature'], mac_length)}"
        )
        details.extend(finding.lines)
        if sts is None and not finding.entries:
            details.append("(return string_to_sign from sign to see the first differing byte of the signed string)")
        elif sts == want["string_to_sign"] and not finding.entries:
            details.append("the string to sign is right: the key, the algorithm or the encoding is not")
    headers = got.get("headers")
    if isinstance(headers, dict):
        lower = {str(k).lower(): v for k, v in headers.items()}
        for name, value in want["headers"].items():
            if name == "Authorization" and got["signature"] != want["signature"]:
                continue  # already explained above
            if name.lower() in lower and lower[name.lower()] != value:
                problems.append(f"header {name} differs")
                details.append(f"header {name}: expected {value!r}, got {lower[name.lower()]!r}")
            elif name.lower() not in lower and name != "Content-Type":
                problems.append(f"header {name} missing")
    if problems:
        return "fail", "; ".join(problems), "\n".join(details)
    return "pass", "", ""


def _mac(vector: Vector, output: dict[str, Any]) -> tuple[str, str, str]:
    want, got = vector.expected["tag"], output["tag"]
    if got == want:
        return "pass", "", ""
    finding = diagnose.tag(vector, got)
    detail = f"expected {want.hex()}\ngot      {got.hex()}"
    if len(got) != len(want):
        detail += f"\n(got {len(got)} bytes, tag_length is {len(want)}; truncation keeps the leftmost bytes, MAC-4)"
    detail = "\n".join([detail, *finding.lines])
    return "fail", f"tag differs: {finding.summary}", detail


_OUTPUT_FIELDS: dict[str, dict[str, type]] = {
    "mac": {"tag": bytes},
    "mac-verify": {"valid": bool},
    "verify": {"valid": bool},
    "sign": {"signature": str},
}
#: An output shape that replaces the one above: a signer's refusal of its inputs (FV-17).
_REFUSAL_FIELDS: dict[str, dict[str, type]] = {"sign": {"refused": str}}


def judge(vector: Vector, response: Response, strict_reasons: bool = False) -> Result:
    """The outcome of one vector (before expected-failure lists are applied)."""
    result = Result(
        vector.id,
        vector.scheme,
        vector.operation,
        vector.tags,
        "error",
        expected=vector.expected,
        stderr=response.stderr,
        seconds=response.seconds,
        link=response.link,
    )
    if response.kind != "output":
        result.status = response.kind  # error, skip or unsupported
        result.message = response.message
        return result
    output = response.output
    bad = _bad_output(output, _OUTPUT_FIELDS[vector.operation], _REFUSAL_FIELDS.get(vector.operation))
    if bad:
        result.message = f"invalid output: {bad}"
        return result
    assert output is not None
    result.got = output
    if vector.operation == "mac":
        result.status, result.message, result.diagnostic = _mac(vector, output)  # type: ignore[assignment]
    elif vector.operation == "sign":
        result.status, result.message, result.diagnostic = _sign(vector, output, strict_reasons)  # type: ignore[assignment]
    else:
        result.status, result.message, result.diagnostic = _decision(vector, output, strict_reasons)  # type: ignore[assignment]
    return result
