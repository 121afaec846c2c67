"""Reference implementation of the Standard Webhooks signature (spec: docs/spec/standard-webhooks.md, rules SW-n).

Python standard library only. ``run_case(operation, input)`` takes a vector's input with byte fields as
``bytes`` and returns the expected value in the same form:

- ``sign``   -> ``{"signed_content": bytes, "signature": "v1,<base64>"}`` or ``{"refused": <reason>}``
- ``verify`` -> ``{"valid": True}`` or ``{"valid": False, "reason": <reason>}``
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from typing import Any

#: SW-1: the three signed header fields, by their lowercase names.
ID, TIMESTAMP, SIGNATURE = "webhook-id", "webhook-timestamp", "webhook-signature"
FIELDS = (ID, TIMESTAMP, SIGNATURE)

SECRET_PREFIX = "whsec_"  # noqa: S105 - SW-7: a format marker, not a secret
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64  # SW-7
VERSION = "v1"  # SW-9, SW-12
MAC_BYTES = 32  # HMAC-SHA256

#: SW-6: a positive integer in canonical ASCII decimal, at most 11 digits. fullmatch on str; [0-9] is ASCII only.
TIMESTAMP_TEXT = re.compile(r"[1-9][0-9]{0,10}")
#: SW-5 (signing): visible ASCII, inner spaces allowed, none at either end.
ID_TEXT = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
#: SW-7: standard alphabet, then at most two '=' (whether they are the right padding is checked separately).
SECRET_TEXT = re.compile(r"([A-Za-z0-9+/]*)(=*)")
#: SW-12: a v1 value is the padded standard Base64 of 32 bytes: 43 characters and one '='.
V1_VALUE = re.compile(r"[A-Za-z0-9+/]{43}=")

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(name: str) -> str:
    """SW-2 folds the 26 ASCII letters only (str.lower would map the Kelvin sign U+212A to 'k')."""
    return name.translate(_ASCII_LOWER)


def decode_secret(text: str) -> bytes | None:
    """SW-7: the key bytes of a secret text, or None if the text is not a well-formed secret."""
    body = text[len(SECRET_PREFIX) :] if text.startswith(SECRET_PREFIX) else text
    match = SECRET_TEXT.fullmatch(body)
    if match is None:
        return None
    data, padding = match.groups()
    if len(data) % 4 == 1:  # no byte string encodes to 4k+1 characters
        return None
    if padding and (len(padding) != -len(data) % 4):  # padding, when present, must be exactly right
        return None
    try:
        key = base64.b64decode(data + "=" * (-len(data) % 4), validate=True)  # pad bits are not checked (SW-7)
    except binascii.Error:  # pragma: no cover - excluded by the checks above
        return None
    return key if MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES else None


def signed_content(msg_id: str, timestamp: str, payload: bytes) -> bytes:
    """SW-8: id '.' timestamp '.' payload, the two texts exactly as sent, the payload byte for byte."""
    return msg_id.encode("utf-8") + b"." + timestamp.encode("utf-8") + b"." + payload


def mac(key: bytes, content: bytes) -> bytes:
    """SW-9: HMAC-SHA256."""
    return hmac.digest(key, content, "sha256")


def sign(*, secret: str, msg_id: str, timestamp: str, payload: bytes) -> dict[str, Any]:
    """SW-10: check the inputs in order (secret, id, timestamp), then sign."""
    key = decode_secret(secret)
    if key is None:
        return {"refused": "malformed-secret"}
    if ID_TEXT.fullmatch(msg_id) is None:
        return {"refused": "malformed-id"}
    if TIMESTAMP_TEXT.fullmatch(timestamp) is None:
        return {"refused": "malformed-timestamp"}
    content = signed_content(msg_id, timestamp, payload)
    return {"signed_content": content, "signature": VERSION + "," + base64.b64encode(mac(key, content)).decode("ascii")}


def header_fields(headers: list[list[str]] | list[tuple[str, str]]) -> tuple[dict[str, str], str | None]:
    """SW-2..SW-4: the value of each signed field, and the first problem (missing before duplicate)."""
    seen: dict[str, list[str]] = {name: [] for name in FIELDS}
    for name, value in headers:
        folded = ascii_lower(name)
        if folded in seen:
            seen[folded].append(value)
    if any(not values or values == [""] for values in seen.values()):
        return {}, "missing-header"
    if any(len(values) > 1 for values in seen.values()):
        return {}, "duplicate-header"
    return {name: values[0] for name, values in seen.items()}, None


def v1_signatures(header: str) -> list[bytes]:
    """SW-11, SW-12: the MACs carried by well-formed v1 entries; every other entry is skipped."""
    found = []
    for entry in header.split(" "):
        version, comma, value = entry.partition(",")
        if not comma or version != VERSION or V1_VALUE.fullmatch(value) is None:
            continue
        raw = base64.b64decode(value, validate=True)
        if base64.b64encode(raw).decode("ascii") != value:  # non-zero pad bits: not the canonical text
            continue
        found.append(raw)
    return found


def verify(*, secret: str, headers: list[list[str]], payload: bytes, now: int, tolerance: int) -> dict[str, Any]:
    """SW-17: check in order; the first failing step names the reason."""
    key = decode_secret(secret)
    if key is None:
        raise ValueError("the verifier's secret is malformed (SW-7): a configuration error, not a decision")
    fields, problem = header_fields(headers)
    if problem:
        return {"valid": False, "reason": problem}
    msg_id, timestamp, signature = fields[ID], fields[TIMESTAMP], fields[SIGNATURE]
    if TIMESTAMP_TEXT.fullmatch(timestamp) is None:
        return {"valid": False, "reason": "malformed-timestamp"}
    if now - int(timestamp) > tolerance:
        return {"valid": False, "reason": "stale"}
    if int(timestamp) - now > tolerance:
        return {"valid": False, "reason": "future"}
    received = v1_signatures(signature)
    if not received:
        return {"valid": False, "reason": "no-signature"}
    expected = mac(key, signed_content(msg_id, timestamp, payload))
    matched = False
    for candidate in received:  # SW-13, SW-14: every entry is compared, each in constant time
        matched |= hmac.compare_digest(candidate, expected)
    if not matched:
        return {"valid": False, "reason": "signature-mismatch"}
    return {"valid": True}


OPERATIONS = {"sign": sign, "verify": verify}


def run_case(operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    """One vector's input (byte fields as bytes) -> its expected value (byte fields as bytes)."""
    return OPERATIONS[operation](**input)
