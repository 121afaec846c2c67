"""The reference implementation of the ``hmac`` scheme (spec: docs/spec/hmac.md), standard library only."""

from __future__ import annotations

import hmac as _hmac
from typing import Any

#: MAC-3: identifier -> (hashlib name, output length L, block length B), all in bytes.
ALGORITHMS: dict[str, tuple[str, int, int]] = {
    "md5": ("md5", 16, 64),
    "sha1": ("sha1", 20, 64),
    "sha224": ("sha224", 28, 64),
    "sha256": ("sha256", 32, 64),
    "sha384": ("sha384", 48, 128),
    "sha512": ("sha512", 64, 128),
    "sha512-224": ("sha512_224", 28, 128),
    "sha512-256": ("sha512_256", 32, 128),
    "sha3-224": ("sha3_224", 28, 144),
    "sha3-256": ("sha3_256", 32, 136),
    "sha3-384": ("sha3_384", 48, 104),
    "sha3-512": ("sha3_512", 64, 72),
}

#: MAC-4: the shortest tag a conforming implementation produces or accepts.
MIN_TAG_LENGTH = 10


def full_mac(algorithm: str, key: bytes, message: bytes) -> bytes:
    """HMAC with the full output length (MAC-1, MAC-2)."""
    return _hmac.digest(key, message, ALGORITHMS[algorithm][0])  # the one-shot form: no HMAC object per call


def mac(*, algorithm: str, key: bytes, message: bytes, tag_length: int) -> dict[str, Any]:
    """The tag: the leftmost ``tag_length`` bytes of the HMAC (MAC-4)."""
    if not MIN_TAG_LENGTH <= tag_length <= ALGORITHMS[algorithm][1]:
        raise ValueError(f"tag_length {tag_length} outside {MIN_TAG_LENGTH}..{ALGORITHMS[algorithm][1]} (MAC-4)")
    return {"tag": full_mac(algorithm, key, message)[:tag_length]}


def mac_verify(*, algorithm: str, key: bytes, message: bytes, tag: bytes, tag_length: int) -> dict[str, Any]:
    """Accept only a tag of exactly the configured length that matches, compared in constant time (MAC-5/6)."""
    expected = mac(algorithm=algorithm, key=key, message=message, tag_length=tag_length)["tag"]
    if len(tag) != tag_length:
        return {"valid": False, "reason": "wrong-tag-length"}
    if not _hmac.compare_digest(tag, expected):
        return {"valid": False, "reason": "tag-mismatch"}
    return {"valid": True}


OPERATIONS = {"mac": mac, "mac-verify": mac_verify}


def run_case(operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    return OPERATIONS[operation](**input)
