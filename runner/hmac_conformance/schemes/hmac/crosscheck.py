"""An HMAC independent of the reference, used only to confirm expected values.

The reference computes HMAC with Python's ``hmac``/``hashlib`` (OpenSSL underneath); this module uses
PyCryptodome, whose hash and HMAC code is its own C, and imports nothing of the reference. A value both agree
on is not one code base's opinion.
"""

from __future__ import annotations

from Crypto.Hash import HMAC, MD5, SHA1, SHA3_224, SHA3_256, SHA3_384, SHA3_512, SHA224, SHA256, SHA384, SHA512

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


def mac(algorithm: str, key: bytes, message: bytes) -> bytes:
    return HMAC.new(key, message, digestmod=_HASHES[algorithm]).digest()
