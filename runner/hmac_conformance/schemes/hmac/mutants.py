"""One-bug mutants of the ``hmac`` reference (docs/mutants.md): each a mistake real HMAC code makes.

``Reference`` is reference.py step by step — ``mac`` and ``mac_verify`` calling each step through ``self`` — and
answers exactly as the reference does (tests/test_mutants.py checks it on every vector). A mutant overrides one
step, or replaces one function with a patched copy; nothing here changes the reference module.
"""

from __future__ import annotations

import hashlib
import hmac as _hmac
from typing import Any

from hmac_conformance.schemes import Catalogue, OneBug
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, MIN_TAG_LENGTH

mutant = Catalogue("hmac")


def construction(name: str, key: bytes, message: bytes, block: int, hash_long_key: bool = True) -> bytes:
    """RFC 2104 written out (MAC-1, MAC-2), as hand-made HMAC code does it: the place most of its bugs live."""
    if len(key) > block and hash_long_key:
        key = hashlib.new(name, key).digest()
    key = key[:block].ljust(block, b"\0")
    inner = hashlib.new(name, bytes(k ^ 0x36 for k in key) + message).digest()
    return hashlib.new(name, bytes(k ^ 0x5C for k in key) + inner).digest()


class Reference(OneBug):
    """The reference, one step per method."""

    scheme = "hmac"

    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        return _hmac.new(key, message, ALGORITHMS[algorithm][0]).digest()

    def truncate(self, full: bytes, tag_length: int) -> bytes:
        return full[:tag_length]

    def equal(self, a: bytes, b: bytes) -> bool:
        return _hmac.compare_digest(a, b)

    def mac(self, *, algorithm: str, key: bytes, message: bytes, tag_length: int) -> dict[str, Any]:
        if not MIN_TAG_LENGTH <= tag_length <= ALGORITHMS[algorithm][1]:
            raise ValueError(f"tag_length {tag_length} outside MAC-4")
        return {"tag": self.truncate(self.full_mac(algorithm, key, message), tag_length)}

    def mac_verify(self, *, algorithm: str, key: bytes, message: bytes, tag: bytes, tag_length: int) -> dict[str, Any]:
        expected = self.mac(algorithm=algorithm, key=key, message=message, tag_length=tag_length)["tag"]
        if len(tag) != tag_length:
            return {"valid": False, "reason": "wrong-tag-length"}
        if not self.equal(tag, expected):
            return {"valid": False, "reason": "tag-mismatch"}
        return {"valid": True}

    def answer(self, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        return self.mac(**input) if operation == "mac" else self.mac_verify(**input)


# -- the MAC -----------------------------------------------------------------------------------------------------


@mutant("plain-hash", "a plain hash H(key ‖ message) instead of HMAC", "MAC-1")
class PlainHash(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        return hashlib.new(ALGORITHMS[algorithm][0], key + message).digest()


@mutant("pads-swapped", "ipad (0x36) and opad (0x5c) swapped in a hand-written HMAC", "MAC-1")
class PadsSwapped(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        name, _, block = ALGORITHMS[algorithm]
        if len(key) > block:
            key = hashlib.new(name, key).digest()
        key = key.ljust(block, b"\0")
        inner = hashlib.new(name, bytes(k ^ 0x5C for k in key) + message).digest()
        return hashlib.new(name, bytes(k ^ 0x36 for k in key) + inner).digest()


@mutant("long-key-truncated", "a key longer than the block cut to the block length instead of hashed", "MAC-2")
class LongKeyTruncated(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        name, _, block = ALGORITHMS[algorithm]
        return construction(name, key, message, block, hash_long_key=False)


@mutant("key-always-hashed", "the key hashed first whatever its length", "MAC-2")
class KeyAlwaysHashed(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        name, _, block = ALGORITHMS[algorithm]
        return construction(name, hashlib.new(name, key).digest(), message, block)


@mutant("block-sized-key-hashed", "a key of exactly the block length hashed too (>= instead of >)", "MAC-2")
class BlockSizedKeyHashed(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        name, _, block = ALGORITHMS[algorithm]
        if len(key) >= block:
            key = hashlib.new(name, key).digest()
        return construction(name, key, message, block)


@mutant("key-nul-terminated", "the key read as a C string: cut at its first zero byte", "MAC-2")
class KeyNulTerminated(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        return super().full_mac(algorithm, key.split(b"\0", 1)[0], message)


@mutant("message-nul-terminated", "the message read as a C string: cut at its first zero byte", "MAC-1")
class MessageNulTerminated(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        return super().full_mac(algorithm, key, message.split(b"\0", 1)[0])


@mutant(
    "block-length-64",
    "a block length of 64 bytes for every hash (right for MD5, SHA-1, SHA-256 only)",
    "MAC-2",
    "MAC-3",
)
class BlockLength64(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        return construction(ALGORITHMS[algorithm][0], key, message, 64)


@mutant(
    "sha512t-as-truncated-sha512",
    "HMAC-SHA-512/224 and /256 computed as HMAC-SHA-512 cut to 28 or 32 bytes",
    "MAC-3",
)
class Sha512tAsTruncated(Reference):
    def full_mac(self, algorithm: str, key: bytes, message: bytes) -> bytes:
        if algorithm in ("sha512-224", "sha512-256"):
            return _hmac.new(key, message, "sha512").digest()[: ALGORITHMS[algorithm][1]]
        return super().full_mac(algorithm, key, message)


# -- truncation --------------------------------------------------------------------------------------------------


@mutant("truncate-rightmost", "a truncated tag keeps the rightmost bytes of the MAC instead of the leftmost", "MAC-4")
class TruncateRightmost(Reference):
    def truncate(self, full: bytes, tag_length: int) -> bytes:
        return full[-tag_length:]


@mutant("no-truncation", "tag_length ignored: the full MAC is the tag", "MAC-4")
class NoTruncation(Reference):
    def truncate(self, full: bytes, tag_length: int) -> bytes:
        return full


# -- verification ------------------------------------------------------------------------------------------------


@mutant(
    "prefix-compare", "the verifier compares only min(len(received), len(expected)) bytes, no length check", "MAC-5"
)
class PrefixCompare(Reference):
    def mac_verify(self, *, algorithm: str, key: bytes, message: bytes, tag: bytes, tag_length: int) -> dict[str, Any]:
        expected = self.mac(algorithm=algorithm, key=key, message=message, tag_length=tag_length)["tag"]
        n = min(len(tag), len(expected))
        if not self.equal(tag[:n], expected[:n]):
            return {"valid": False, "reason": "tag-mismatch"}
        return {"valid": True}


@mutant(
    "tag-length-from-tag",
    "the verifier takes the tag length from the received tag, not its configuration",
    "MAC-4",
    "MAC-5",
)
class TagLengthFromTag(Reference):
    def mac_verify(self, *, algorithm: str, key: bytes, message: bytes, tag: bytes, tag_length: int) -> dict[str, Any]:
        expected = self.full_mac(algorithm, key, message)[: len(tag)]
        if not self.equal(tag, expected):
            return {"valid": False, "reason": "tag-mismatch"}
        return {"valid": True}


@mutant(
    "full-mac-also-accepted", "a verifier configured for a truncated tag also accepts the full MAC", "MAC-4", "MAC-5"
)
class FullMacAlsoAccepted(Reference):
    def mac_verify(self, *, algorithm: str, key: bytes, message: bytes, tag: bytes, tag_length: int) -> dict[str, Any]:
        if self.equal(tag, self.full_mac(algorithm, key, message)):
            return {"valid": True}
        return super().mac_verify(algorithm=algorithm, key=key, message=message, tag=tag, tag_length=tag_length)


@mutant("no-length-check", "no length check before comparing: a tag of the wrong length is a mismatch", "MAC-5")
class NoLengthCheck(Reference):
    def mac_verify(self, *, algorithm: str, key: bytes, message: bytes, tag: bytes, tag_length: int) -> dict[str, Any]:
        expected = self.mac(algorithm=algorithm, key=key, message=message, tag_length=tag_length)["tag"]
        if not self.equal(tag, expected):
            return {"valid": False, "reason": "tag-mismatch"}
        return {"valid": True}


def catalogue() -> tuple:
    return mutant.all()
