"""An implementation independent of the reference, used only to confirm expected values.

The reference computes HMAC with Python's ``hmac``/``hashlib`` (OpenSSL underneath). This module uses
PyCryptodome, whose hash and HMAC code is its own C, and re-derives everything else it needs (string to sign,
Base64, field lookup) without calling the reference. A value both agree on is not one code base's opinion.
"""

from __future__ import annotations

import base64
from typing import Any

from Crypto.Hash import HMAC, MD5, SHA1, SHA3_224, SHA3_256, SHA3_384, SHA3_512, SHA224, SHA256, SHA384, SHA512

_HASHES = {
    "md5": MD5,
    "sha1": SHA1,
    "sha224": SHA224,
    "sha256": SHA256,
    "sha384": SHA384,
    "sha512": SHA512,
    "sha3-224": SHA3_224,
    "sha3-256": SHA3_256,
    "sha3-384": SHA3_384,
    "sha3-512": SHA3_512,
}


def mac(algorithm: str, key: bytes, message: bytes) -> bytes:
    return HMAC.new(key, message, digestmod=_HASHES[algorithm]).digest()


def signed_bytes(api_key: str, request_id: str, timestamp: str, body: bytes) -> bytes:
    return b"".join(part.encode("utf-8") for part in (api_key, request_id, timestamp)) + body


def signature(algorithm: str, secret: bytes, signed: bytes, encoding: str) -> str:
    tag = mac(algorithm, secret, signed)
    if encoding == "legacy-hex-base64":
        tag = "".join(f"{b:02x}" for b in tag).encode("ascii")
    return base64.b64encode(tag).decode("ascii")


def first_header(headers: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.encode("ascii").lower()
    for key, value in headers:
        if key.encode("utf-8").lower() == wanted:  # bytes.lower() folds ASCII only (FV-2)
            return value.strip(" \t")
    return None


def request_signature_ok(input: dict[str, Any]) -> bool | None:  # noqa: A002
    """Does the request carry the right signature for its (first) fields? None when that cannot be computed."""
    headers = input["request"]["headers"]
    names = ("Api-Key", "Client-Request-Id", "Timestamp", "Authorization")
    api_key, request_id, timestamp, sent = (first_header(headers, n) for n in names)
    if None in (api_key, request_id, timestamp, sent):
        return None
    key = next((k for k in input["keys"] if k["api_key"] == api_key), None)
    if key is None:
        return None
    signed = signed_bytes(api_key, request_id, timestamp, input["request"]["body"])  # type: ignore[arg-type]
    encodings = ["base64", "legacy-hex-base64"] if input["legacy_hex_base64"] else ["base64"]
    return any(sent == signature(key["algorithm"], key["secret"], signed, enc) for enc in encodings)
