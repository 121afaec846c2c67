"""Name the bug behind a wrong HMAC tag: each mistaken way to compute it, run through the reference's hashes.

The catalogue is documented in docs/diagnosis.md; every entry has a test with a one-bug implementation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from hmac_conformance.schemes import Finding, Vector
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, full_mac


def hmac_with(algorithm: str, key: bytes, message: bytes, block: int, hash_long_key: bool = True) -> bytes:
    """HMAC (RFC 2104) with an explicit block length: the construction that a wrong block length gets wrong."""
    name = ALGORITHMS[algorithm][0]
    if len(key) > block and hash_long_key:
        key = hashlib.new(name, key).digest()
    key = key[:block].ljust(block, b"\0")
    inner = hashlib.new(name, bytes(k ^ 0x36 for k in key) + message).digest()
    return hashlib.new(name, bytes(k ^ 0x5C for k in key) + inner).digest()


def _mac_alternatives(algorithm: str, key: bytes, message: bytes) -> Iterator[tuple[str, str, bytes]]:
    """(id, title, full output) of each mistaken way to compute the MAC that applies to these inputs."""
    name, _, block = ALGORITHMS[algorithm]
    for other in ALGORITHMS:
        if other != algorithm:
            yield (
                f"other-algorithm-{other}",
                f"HMAC-{other.upper()} instead of HMAC-{algorithm.upper()}",
                full_mac(other, key, message),
            )
    if len(key) > block:
        yield (
            "long-key-not-hashed",
            f"a key longer than the block ({block} bytes) cut to it instead of hashed (MAC-2)",
            (hmac_with(algorithm, key, message, block, hash_long_key=False)),
        )
    else:
        yield (
            "key-always-hashed",
            "the key hashed although it fits the block (MAC-2)",
            hmac_with(algorithm, hashlib.new(name, key).digest(), message, block),
        )
    for other_block in sorted({b for _, _, b in ALGORITHMS.values()} - {block}):
        yield (
            f"block-length-{other_block}",
            f"block length {other_block} instead of {block} bytes (MAC-2, MAC-3)",
            (hmac_with(algorithm, key, message, other_block)),
        )
    yield (
        "plain-hash-key-first",
        "a plain hash H(key ‖ message), not HMAC (MAC-1)",
        hashlib.new(name, key + message).digest(),
    )
    yield (
        "plain-hash-key-last",
        "a plain hash H(message ‖ key), not HMAC (MAC-1)",
        hashlib.new(name, message + key).digest(),
    )


def tag(vector: Vector, got: bytes) -> Finding:
    """Why an HMAC tag differs from the expected one."""
    inp = vector.input
    full = full_mac(inp["algorithm"], inp["key"], inp["message"])
    t = inp["tag_length"]
    if got == full and t < len(full):
        return Finding(
            "the full MAC; not truncated",
            (f"diagnosis: the full {len(full)}-byte MAC, not truncated to tag_length {t} [not-truncated] (MAC-4)",),
            ("not-truncated",),
        )
    if len(got) == t and got == full[-t:]:
        return Finding(
            "the rightmost bytes of the MAC",
            (
                f"diagnosis: the rightmost {t} bytes of the MAC; truncation keeps the leftmost [truncated-rightmost] (MAC-4)",
            ),
            ("truncated-rightmost",),
        )
    names, lines = [], []
    for ident, title, output in _mac_alternatives(inp["algorithm"], inp["key"], inp["message"]):
        if got in (output[:t], output) or (len(got) < len(output) and got == output[: len(got)]):
            names.append(ident)
            lines.append(f"diagnosis: reproduced exactly with {title} [{ident}]")
    if not names:
        return Finding("different MAC", ("diagnosis: no catalogue entry reproduces this tag (docs/diagnosis.md)",))
    return Finding("; or ".join(names), tuple(lines), tuple(names))
