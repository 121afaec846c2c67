"""The reference implementation of the ``firstvision`` request signature (spec: docs/spec/firstvision.md)."""

from __future__ import annotations

import base64
import binascii
import hmac as _hmac
import re
from typing import Any

from hmac_conformance.schemes.hmac.reference import ALGORITHMS, full_mac

#: The algorithms of FV-9 (HMAC-SHA256, and the platform's SHA-512 variant).
ALGORITHM_NAMES = ("sha256", "sha512")
SIGNED_FIELDS = ("Api-Key", "Client-Request-Id", "Timestamp", "Auth-Token-Type", "Authorization")

API_KEY = re.compile(r"[A-Za-z0-9]{1,128}")  # FV-5
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,128}")  # FV-6
TIMESTAMP = re.compile(r"[1-9][0-9]{0,15}")  # FV-7; fullmatch on str: [0-9] is ASCII-only
LOWER_HEX = re.compile(rb"[0-9a-f]+")
OWS = " \t"  # FV-3
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(name: str) -> str:
    """FV-2 folds ASCII letters only: str.lower() would also turn the Kelvin sign U+212A into 'k'."""
    return name.translate(_ASCII_LOWER)


def string_to_sign(api_key: str, client_request_id: str, timestamp: str, body: bytes) -> bytes:
    """FV-8: the three fields and the raw body, concatenated without separators."""
    return (api_key + client_request_id + timestamp).encode("utf-8") + body


def encode_signature(mac: bytes, encoding: str) -> str:
    """FV-10 (canonical) or FV-12 (legacy: Base64 of the lowercase hex text)."""
    raw = mac.hex().encode("ascii") if encoding == "legacy-hex-base64" else mac
    return base64.b64encode(raw).decode("ascii")


def sign(
    *,
    algorithm: str,
    secret: bytes,
    api_key: str,
    client_request_id: str,
    timestamp: str,
    method: str,
    path: str,
    body: bytes,
    signature_encoding: str,
) -> dict[str, Any]:
    """The headers a client sends, with the string it signed (method and path are not signed).

    FV-17: the values are signed exactly as given, never trimmed; if one breaks FV-5, FV-6 or FV-7 (checked in
    that order) the signer refuses, with the reason a verifier would give.
    """
    del method, path
    for syntax, value, reason in (
        (API_KEY, api_key, "malformed-api-key"),
        (REQUEST_ID, client_request_id, "malformed-request-id"),
        (TIMESTAMP, timestamp, "malformed-timestamp"),
    ):
        if syntax.fullmatch(value) is None:
            return {"refused": reason}
    signed = string_to_sign(api_key, client_request_id, timestamp, body)
    signature = encode_signature(full_mac(algorithm, secret, signed), signature_encoding)
    headers = {
        "Api-Key": api_key,
        "Client-Request-Id": client_request_id,
        "Timestamp": timestamp,
        "Auth-Token-Type": "HMAC",
        "Authorization": signature,
    }
    if body:
        headers["Content-Type"] = "application/json"
    return {"signature": signature, "string_to_sign": signed, "headers": headers}


def strict_b64decode(text: str) -> bytes | None:
    """FV-11: standard alphabet, padded, nothing inside, canonical trailing bits; None if not."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def decode_signature(text: str, algorithm: str, legacy: bool) -> bytes | None:
    """The MAC a signature text carries, or None if it is malformed (FV-11, FV-12)."""
    length = ALGORITHMS[algorithm][1]
    raw = strict_b64decode(text)
    if raw is None:
        return None
    if len(raw) == length:
        return raw
    if legacy and len(raw) == 2 * length and LOWER_HEX.fullmatch(raw):
        return bytes.fromhex(raw.decode("ascii"))
    return None


def _fields(headers: list[tuple[str, str]] | list[list[str]]) -> tuple[dict[str, str], str | None]:
    """FV-2..4: the signed fields by canonical name, trimmed; and the first problem, if any."""
    seen: dict[str, list[str]] = {ascii_lower(name): [] for name in SIGNED_FIELDS}
    for name, value in headers:
        if ascii_lower(name) in seen:
            seen[ascii_lower(name)].append(value.strip(OWS))
    if any(not values for values in seen.values()):
        return {}, "missing-header"
    if any(len(values) > 1 for values in seen.values()):
        return {}, "duplicate-header"
    return {name: seen[ascii_lower(name)][0] for name in SIGNED_FIELDS}, None


def verify(
    *,
    request: dict[str, Any],
    keys: list[dict[str, Any]],
    now_ms: int,
    window_ms: int,
    seen_request_ids: list[str],
    legacy_hex_base64: bool,
) -> dict[str, Any]:
    """Check a received request in the order of FV-16; the first failing step names the reason."""
    fields, problem = _fields(request["headers"])
    if problem:
        return {"valid": False, "reason": problem}
    api_key, request_id = fields["Api-Key"], fields["Client-Request-Id"]
    timestamp, signature = fields["Timestamp"], fields["Authorization"]
    checks = (
        (fields["Auth-Token-Type"] == "HMAC", "bad-auth-type"),
        (API_KEY.fullmatch(api_key) is not None, "malformed-api-key"),
        (REQUEST_ID.fullmatch(request_id) is not None, "malformed-request-id"),
        (TIMESTAMP.fullmatch(timestamp) is not None, "malformed-timestamp"),
    )
    for ok, reason in checks:
        if not ok:
            return {"valid": False, "reason": reason}
    ts = int(timestamp)
    if now_ms - ts > window_ms:
        return {"valid": False, "reason": "stale"}
    if ts - now_ms > window_ms:
        return {"valid": False, "reason": "future"}
    key = next((k for k in keys if k["api_key"] == api_key), None)
    if key is None:
        return {"valid": False, "reason": "unknown-api-key"}
    received = decode_signature(signature, key["algorithm"], legacy_hex_base64)
    if received is None:
        return {"valid": False, "reason": "malformed-signature"}
    expected = full_mac(
        key["algorithm"], key["secret"], string_to_sign(api_key, request_id, timestamp, request["body"])
    )
    if not _hmac.compare_digest(received, expected):
        return {"valid": False, "reason": "signature-mismatch"}
    if request_id in seen_request_ids:
        return {"valid": False, "reason": "replay"}
    return {"valid": True}


OPERATIONS = {"sign": sign, "verify": verify}


def run_case(operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    return OPERATIONS[operation](**input)
