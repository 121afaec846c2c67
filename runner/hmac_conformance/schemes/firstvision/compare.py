"""Judge a ``firstvision`` output: a signature (the byte diff of the string to sign, the diagnosis catalogue,
the headers), a signer's refusal, a verifier's decision and reason."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from hmac_conformance.schemes import Hints, Judgement, Span, Vector, decision, diff_bytes
from hmac_conformance.schemes.firstvision import diagnose
from hmac_conformance.schemes.hmac.reference import ALGORITHMS

#: What a verifier most likely got wrong when it accepts a request that must be rejected for this reason, and
#: the rules the hint is about: it is shown only for a vector that cites one of them (otherwise the vector's own
#: description says more than a generic hint about its reason code).
HINTS: Hints = {
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
}

_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_HEX = re.compile(r"[0-9a-fA-F]+")


def sts_fields(vector: Vector) -> list[Span]:
    """The fields of the expected string to sign as (name, start, end) byte ranges."""
    spans, start = [], 0
    for name, key in (("Api-Key", "api_key"), ("Client-Request-Id", "client_request_id"), ("Timestamp", "timestamp")):
        end = start + len(vector.input[key].encode("utf-8"))
        spans.append((name, start, end))
        start = end
    spans.append(("body", start, start + len(vector.input["body"])))
    return spans


def describe_signature(text: str, mac_length: int, other_lengths: tuple[int, ...] = (32, 64)) -> str:
    """What a signature text looks like, so an encoding bug is named rather than just shown."""
    lengths = {mac_length, *other_lengths}
    if not text:
        return "empty"
    if _HEX.fullmatch(text) and len(text) // 2 in lengths and len(text) % 2 == 0:
        return f"hex of a {len(text) // 2}-byte MAC, not Base64 (FV-10)"
    if _B64.fullmatch(text) and len(text) % 4 == 0:
        raw = base64.b64decode(text)  # always valid: 0..2 trailing '=' that make the length a multiple of 4
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


def _refusal(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
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


def sign(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
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


def verify(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    return decision(vector, output, strict_reasons, HINTS)  # type: ignore[return-value]
