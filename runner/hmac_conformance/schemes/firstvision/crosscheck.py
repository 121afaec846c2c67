"""A ``firstvision`` implementation independent of the reference, used only to confirm expected values.

The reference computes HMAC with Python's ``hmac``/``hashlib`` (OpenSSL underneath). This module uses
PyCryptodome, whose hash and HMAC code is its own C, and re-derives everything else it needs (string to sign,
Base64, field lookup, field syntax, trimming) without calling the reference: the syntax checks are character
loops over explicit character sets, not the reference's regular expressions. A value both agree on is not one
code base's opinion.
"""

from __future__ import annotations

import base64
from typing import Any

from hmac_conformance.schemes.hmac.crosscheck import mac


def signed_bytes(api_key: str, request_id: str, timestamp: str, body: bytes) -> bytes:
    return b"".join(part.encode("utf-8") for part in (api_key, request_id, timestamp)) + body


def signature(algorithm: str, secret: bytes, signed: bytes, encoding: str) -> str:
    tag = mac(algorithm, secret, signed)
    if encoding == "legacy-hex-base64":
        tag = "".join(f"{b:02x}" for b in tag).encode("ascii")
    return base64.b64encode(tag).decode("ascii")


_DIGITS = frozenset("0123456789")
_LETTERS_DIGITS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") | _DIGITS
_ID_CHARACTERS = _LETTERS_DIGITS | {"-"}


def _made_of(value: str, allowed: frozenset[str], longest: int) -> bool:
    if not 1 <= len(value) <= longest:
        return False
    return all(ch in allowed for ch in value)


def field_problems(api_key: str, request_id: str, timestamp: str) -> list[str]:
    """Every syntax problem of the three signed values, in the order FV-5, FV-6, FV-7 (empty: all valid).

    The first is the reason a signer refuses them (FV-17) and a verifier rejects them (FV-16 steps 4-6).
    """
    problems = []
    if not _made_of(api_key, _LETTERS_DIGITS, 128):
        problems.append("malformed-api-key")
    if not _made_of(request_id, _ID_CHARACTERS, 128):
        problems.append("malformed-request-id")
    if not (_made_of(timestamp, _DIGITS, 16) and timestamp[0] != "0"):
        problems.append("malformed-timestamp")
    return problems


#: FV-3: what a header value loses at each end.
_OWS = frozenset(" \t")
#: What a lenient trimmer removes instead (vectors tagged ``lenient-trim``): the Unicode ``White_Space``
#: property (PropList.txt, written out here rather than taken from ``str.isspace``) and U+FEFF, which
#: JavaScript's trim() also removes.
_LENIENT = frozenset(
    chr(code)
    for code in (
        *range(0x0009, 0x000E),  # HT, LF, VT, FF, CR
        0x0020,
        0x0085,
        0x00A0,
        0x1680,
        *range(0x2000, 0x200B),  # EN QUAD .. HAIR SPACE
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
        0xFEFF,
    )
)


def _trim(value: str, remove: frozenset[str]) -> str:
    start, end = 0, len(value)
    while start < end and value[start] in remove:
        start += 1
    while end > start and value[end - 1] in remove:
        end -= 1
    return value[start:end]


SIGNED = ("Api-Key", "Client-Request-Id", "Timestamp", "Auth-Token-Type", "Authorization")


def first_header(headers: list[tuple[str, str]], name: str, lenient: bool = False) -> str | None:
    """The first value of a header field, trimmed per FV-3 (or as a lenient trimmer would trim it)."""
    wanted = name.encode("ascii").lower()
    for key, value in headers:
        if key.encode("utf-8").lower() == wanted:  # bytes.lower() folds ASCII only (FV-2)
            return _trim(value, _LENIENT if lenient else _OWS)
    return None


def signed_fields(input: dict[str, Any], lenient: bool = False) -> tuple[str | None, ...]:  # noqa: A002
    """The (first) values of the five signed header fields of a verify input, in the order of ``SIGNED``."""
    return tuple(first_header(input["request"]["headers"], name, lenient) for name in SIGNED)


def request_signature_ok(input: dict[str, Any], lenient: bool = False) -> bool | None:  # noqa: A002
    """Does the request carry the right signature for its (first) fields? None when that cannot be computed.

    With ``lenient``, the fields are read as a verifier that trims too much reads them (tag ``lenient-trim``).
    """
    api_key, request_id, timestamp, _, sent = signed_fields(input, lenient)
    if api_key is None or request_id is None or timestamp is None or sent is None:
        return None
    key = next((k for k in input["keys"] if k["api_key"] == api_key), None)
    if key is None:
        return None
    signed = signed_bytes(api_key, request_id, timestamp, input["request"]["body"])  # type: ignore[arg-type]
    encodings = ["base64", "legacy-hex-base64"] if input["legacy_hex_base64"] else ["base64"]
    return any(sent == signature(key["algorithm"], key["secret"], signed, enc) for enc in encodings)
