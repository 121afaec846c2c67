"""An HMAC and hashes independent of the references, used only to confirm expected values. Every scheme's
cross-check takes its HMAC and hashes from here.

The references compute with Python's ``hmac``/``hashlib`` (OpenSSL underneath). This module uses neither, and
imports nothing of any reference. It has two implementations, which tests/test_independent.py holds to each other
on every algorithm:

- GNU Nettle, through the thin glue of the optional native package (runner/native/, module
  ``_hmac_conformance_nettle``), where that is installed: about a microsecond a call;
- PyCryptodome otherwise, whose hash and HMAC code is its own C: about 20 µs a call, most of it ctypes.

A value that the reference and this module agree on is not one code base's opinion.
"""

from __future__ import annotations

from types import ModuleType

from Crypto.Hash import HMAC, MD5, SHA1, SHA3_224, SHA3_256, SHA3_384, SHA3_512, SHA224, SHA256, SHA384, SHA512

NETTLE: ModuleType | None
try:
    import _hmac_conformance_nettle as NETTLE
except ImportError:  # not installed (it needs a C compiler and Nettle's headers): PyCryptodome answers alike
    NETTLE = None

_HASHES = {
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

#: The algorithms both implementations compute (the suite's names, docs/spec/hmac.md).
ALGORITHMS = tuple(_HASHES)


def mac(algorithm: str, key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) of ``message`` under ``key``; KeyError for an algorithm not in ALGORITHMS."""
    if NETTLE is not None:
        return NETTLE.mac(algorithm, key, message)
    return HMAC.new(key, message, digestmod=_HASHES[algorithm]).digest()


def digest(algorithm: str, data: bytes) -> bytes:
    """The hash of ``data``; KeyError for an algorithm not in ALGORITHMS."""
    if NETTLE is not None:
        return NETTLE.digest(algorithm, data)
    return _HASHES[algorithm].new(data).digest()
