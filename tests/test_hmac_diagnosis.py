"""The hmac diagnosis, called directly: for each mistaken way to compute a tag, the exact finding (summary, lines,
entries), including the boundaries where a key is exactly one block long, and the tag verdict built from it."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from hmac_conformance._judging import Finding
from hmac_conformance._load import load
from hmac_conformance.schemes.hmac import compare, diagnose
from hmac_conformance.schemes.hmac.reference import full_mac

VECTORS = {v.id: v for v in load().vectors}
CASE1 = VECTORS["hmac/rfc4231/sha256/case-1"]  # 20-byte key, tag_length 32


def vector(key: bytes = b"k" * 20, message: bytes = b"message", algorithm: str = "sha256", tag_length: int = 32):
    inp = {"algorithm": algorithm, "key": key, "message": message, "tag_length": tag_length}
    tag = full_mac(algorithm, key, message)[:tag_length]
    return dataclasses.replace(CASE1, input=inp, expected={"tag": tag})


def hmac_block(key: bytes, message: bytes, block: int, name: str = "sha256") -> bytes:
    """HMAC written out with an explicit block length (the key is hashed only when longer than the block)."""
    if len(key) > block:
        key = hashlib.new(name, key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.new(name, bytes(b ^ 0x36 for b in key) + message).digest()
    return hashlib.new(name, bytes(b ^ 0x5C for b in key) + inner).digest()


def named(ident: str, title: str) -> Finding:
    return Finding(ident, (f"diagnosis: reproduced exactly with {title} [{ident}]",), (ident,))


def test_the_full_mac_instead_of_the_truncated_tag():
    v = vector(tag_length=16)
    assert diagnose.tag(v, full_mac("sha256", v.input["key"], v.input["message"])) == Finding(
        "the full MAC; not truncated",
        ("diagnosis: the full 32-byte MAC, not truncated to tag_length 16 [not-truncated] (MAC-4)",),
        ("not-truncated",),
    )


def test_the_rightmost_bytes_instead_of_the_leftmost():
    v = vector(tag_length=20)  # not half the MAC: the rightmost 20 bytes are not full[20:]
    full = full_mac("sha256", v.input["key"], v.input["message"])
    assert diagnose.tag(v, full[-20:]) == Finding(
        "the rightmost bytes of the MAC",
        ("diagnosis: the rightmost 20 bytes of the MAC; truncation keeps the leftmost [truncated-rightmost] (MAC-4)",),
        ("truncated-rightmost",),
    )


@pytest.mark.parametrize(("algorithm", "other", "title"), [
    ("sha256", "sha512", "HMAC-SHA512 instead of HMAC-SHA256"),
    ("sha3-256", "sha256", "HMAC-SHA256 instead of HMAC-SHA3-256"),
])  # fmt: skip
def test_another_algorithm_is_named_in_upper_case(algorithm, other, title):
    v = vector(algorithm=algorithm)
    got = full_mac(other, v.input["key"], v.input["message"])
    assert diagnose.tag(v, got) == named(f"other-algorithm-{other}", title)


def test_a_key_of_exactly_one_block_is_not_hashed_so_hashing_it_is_a_mistake():
    key = bytes(range(64))  # sha256's block is 64 bytes
    v = vector(key=key)
    got = hmac_block(hashlib.sha256(key).digest(), b"message", 64)
    assert diagnose.tag(v, got) == named("key-always-hashed", "the key hashed although it fits the block (MAC-2)")


def test_a_key_longer_than_the_block_cut_instead_of_hashed():
    key = bytes(range(65))
    v = vector(key=key)
    got = hmac_block(key[:64], b"message", 64)
    assert diagnose.tag(v, got) == named(
        "long-key-not-hashed", "a key longer than the block (64 bytes) cut to it instead of hashed (MAC-2)"
    )


@pytest.mark.parametrize("length", [72, 80])  # a key of exactly the wrong block's length, and a longer one
def test_a_wrong_block_length_hashes_only_keys_longer_than_that_block(length):
    key = bytes(range(length))
    v = vector(key=key)
    got = hmac_block(key, b"message", 72)
    assert diagnose.tag(v, got) == named("block-length-72", "block length 72 instead of 64 bytes (MAC-2, MAC-3)")


def test_hmac_with_hashes_a_long_key_unless_told_not_to():
    key, message = bytes(range(100)), b"m"
    assert diagnose.hmac_with("sha256", key, message, 64) == full_mac("sha256", key, message)
    assert diagnose.hmac_with("sha256", key, message, 64, hash_long_key=False) == hmac_block(key[:64], message, 64)
    assert diagnose.hmac_with("sha256", key[:64], message, 64) == full_mac("sha256", key[:64], message)


def test_plain_hashes_and_a_tag_that_is_a_prefix_of_one():
    v = vector(key=b"K" * 20, message=b"M")
    first = hashlib.sha256(b"K" * 20 + b"M").digest()
    last = hashlib.sha256(b"M" + b"K" * 20).digest()
    assert diagnose.tag(v, first) == named("plain-hash-key-first", "a plain hash H(key ‖ message), not HMAC (MAC-1)")
    assert diagnose.tag(v, last) == named("plain-hash-key-last", "a plain hash H(message ‖ key), not HMAC (MAC-1)")
    assert diagnose.tag(v, first[:12]).entries == ("plain-hash-key-first",), "a shorter prefix is the same mistake"


def test_several_explanations_are_all_named():
    same = b"same-bytes"  # key == message: H(key ‖ message) == H(message ‖ key)
    v = vector(key=same, message=same)
    got = hashlib.sha256(same + same).digest()
    assert diagnose.tag(v, got) == Finding(
        "plain-hash-key-first; or plain-hash-key-last",
        (
            "diagnosis: reproduced exactly with a plain hash H(key ‖ message), not HMAC (MAC-1) [plain-hash-key-first]",
            "diagnosis: reproduced exactly with a plain hash H(message ‖ key), not HMAC (MAC-1) [plain-hash-key-last]",
        ),
        ("plain-hash-key-first", "plain-hash-key-last"),
    )


def test_nothing_reproduces_it():
    assert diagnose.tag(vector(), bytes(32)) == Finding(
        "different MAC", ("diagnosis: no catalogue entry reproduces this tag (docs/diagnosis.md)",), ()
    )


def test_the_mac_verdict():
    v = vector(tag_length=16)
    right = v.expected["tag"]
    assert compare.mac(v, {"tag": right}, False) == ("pass", "", "")
    status, message, detail = compare.mac(v, {"tag": bytes(17)}, True)
    assert (status, message) == ("fail", "tag differs: different MAC")
    assert detail == (
        f"expected {right.hex()}\ngot      {bytes(17).hex()}\n"
        "(got 17 bytes, tag_length is 16; truncation keeps the leftmost bytes, MAC-4)\n"
        "diagnosis: no catalogue entry reproduces this tag (docs/diagnosis.md)"
    )
    status, message, detail = compare.mac(v, {"tag": bytes(16)}, False)
    assert detail == f"expected {right.hex()}\ngot      {bytes(16).hex()}\n" + (
        "diagnosis: no catalogue entry reproduces this tag (docs/diagnosis.md)"
    )


def test_the_verify_verdict_uses_the_hmac_hints():
    tagged = dataclasses.replace(
        vector(), operation="mac-verify", rules=("MAC-5",), expected={"valid": False, "reason": "wrong-tag-length"}
    )
    assert compare.mac_verify(tagged, {"valid": True}, False) == (
        "fail",
        "accepted; must be rejected with 'wrong-tag-length'",
        f"vector: {tagged.description} (MAC-5)\n"
        "hint: reject tags whose length differs from the configured length before comparing (MAC-5)",
    )
    other_reason = {"valid": False, "reason": "tag-mismatch"}
    note = "rejected for reason 'tag-mismatch'; the spec's reason is 'wrong-tag-length'"
    assert compare.mac_verify(tagged, other_reason, True) == ("fail", note, f"vector: {tagged.description} (MAC-5)")
    assert compare.mac_verify(tagged, other_reason, False) == ("pass", note, "")
