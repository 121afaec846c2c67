"""An HMAC and hashes independent of the references, used only to confirm expected values. Every scheme's
cross-check takes its HMAC and hashes from here.

The references compute with Python's ``hmac``/``hashlib`` (OpenSSL underneath). This module uses neither, and
imports nothing of any reference. It has two implementations, which tests/test_independent.py holds to each other
on every algorithm:

- GNU Nettle, through the thin glue of the optional native package (runner/native/, module
  ``_hmac_conformance_nettle``), where that is installed: 0.5–2 µs a call on a short message;
- PyCryptodome otherwise, whose hash and HMAC code is its own C: 17–19 µs a call, most of it ctypes.

A value that the reference and this module agree on is not one code base's opinion.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

NETTLE: ModuleType | None
try:
    import _hmac_conformance_nettle as NETTLE
except ImportError:  # not installed (it needs a C compiler and Nettle's headers): PyCryptodome answers alike
    NETTLE = None

#: The algorithms both implementations compute (the suite's names, docs/spec/hmac.md).
ALGORITHMS = (
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256",
    "sha3-224", "sha3-256", "sha3-384", "sha3-512",
)  # fmt: skip


@functools.cache
def _pycryptodome() -> tuple[Any, dict[str, Any]]:
    """PyCryptodome's HMAC and its hashes by the suite's names, imported only where Nettle's glue is missing:
    loading PyCryptodome's C through ctypes takes about 40 ms, which every command would otherwise pay."""
    from Crypto.Hash import HMAC, MD5, SHA1, SHA3_224, SHA3_256, SHA3_384, SHA3_512, SHA224, SHA256, SHA384, SHA512  # noqa: PLC0415

    hashes = {
        "md5": MD5,
        "sha1": SHA1,
        "sha224": SHA224,
        "sha256": SHA256,
        "sha384": SHA384,
        "sha512": SHA512,
        # SHA-512/t (FIPS 180-4 §5.3.6): SHA-512 with its own initial values, not SHA-512's output cut short.
        # HMAC.new() takes a hash object here and derives every inner and outer hash from it with .new().
        "sha512-224": SHA512.new(truncate="224"),
        "sha512-256": SHA512.new(truncate="256"),
        "sha3-224": SHA3_224,
        "sha3-256": SHA3_256,
        "sha3-384": SHA3_384,
        "sha3-512": SHA3_512,
    }
    return HMAC, hashes


def mac(algorithm: str, key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) of ``message`` under ``key``; KeyError for an algorithm not in ALGORITHMS."""
    if NETTLE is not None:
        return NETTLE.mac(algorithm, key, message)
    hmac, hashes = _pycryptodome()
    return hmac.new(key, message, digestmod=hashes[algorithm]).digest()


def digest(algorithm: str, data: bytes) -> bytes:
    """The hash of ``data``; KeyError for an algorithm not in ALGORITHMS."""
    if NETTLE is not None:
        return NETTLE.digest(algorithm, data)
    return _pycryptodome()[1][algorithm].new(data).digest()
