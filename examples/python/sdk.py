"""A model SDK for the FirstVision request signature and the HMAC primitive.

Plain functions a partner SDK author would write, using only the Python standard
library (Python >= 3.10):

- ``mac()`` / ``mac_verify()``  -- HMAC, spec ``docs/spec/hmac.md`` (rules MAC-1..6)
- ``sign()`` / ``verify()``     -- FirstVision, spec ``docs/spec/firstvision.md`` (FV-1..17)

``adapter.py`` next to this file connects these functions to the conformance runner.
"""

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

# MAC-3: the suite's algorithm identifiers and the hashlib names behind them.
# hashlib reports the right block length for each (for SHA-3, the sponge rate),
# and hmac.new() uses it for the key preparation of MAC-2.
HASHLIB_NAMES: dict[str, str] = {
    "md5": "md5",
    "sha1": "sha1",
    "sha224": "sha224",
    "sha256": "sha256",
    "sha384": "sha384",
    "sha512": "sha512",
    "sha512-224": "sha512_224",  # SHA-512/t: its own initial values, not sha512 cut short
    "sha512-256": "sha512_256",
    "sha3-224": "sha3_224",
    "sha3-256": "sha3_256",
    "sha3-384": "sha3_384",
    "sha3-512": "sha3_512",
}
FIRSTVISION_ALGORITHMS = ("sha256", "sha512")  # FV-9
MIN_TAG_LENGTH = 10  # MAC-4: at least 80 bits
DEFAULT_WINDOW_MS = 300_000  # FV-14: 5 minutes

# FV-5..7. Explicit ASCII classes with re.fullmatch: "\d" would accept Unicode
# digits, and "$" would accept a trailing newline.
API_KEY_RE = re.compile(r"[A-Za-z0-9]{1,128}")
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9-]{1,128}")
TIMESTAMP_RE = re.compile(r"[1-9][0-9]{0,15}")
BASE64_RE = re.compile(r"[A-Za-z0-9+/]*={0,2}")
LOWER_HEX_RE = re.compile(rb"[0-9a-f]*")

# FV-1: the signed header fields, and the order of FV-16 step 1.
SIGNED_HEADERS = (
    "Api-Key",
    "Client-Request-Id",
    "Timestamp",
    "Auth-Token-Type",
    "Authorization",
)


class Verdict(NamedTuple):
    """The decision of a verifier: ``reason`` is a spec reason code when not valid."""

    valid: bool
    reason: str | None = None


class SignedRequest(NamedTuple):
    """What a signer produces: the Authorization value, the bytes signed, the headers to send."""

    signature: str
    string_to_sign: bytes
    headers: dict[str, str]


class Refused(ValueError):
    """``sign()`` refuses its inputs (FV-17): ``reason`` is the code a verifier would reject them with."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"refusing to sign: {reason}")
        self.reason = reason


class Key(NamedTuple):
    """A verifier's key entry for one Api-Key: the secret (UTF-8 bytes as issued, FV-9) and algorithm."""

    secret: bytes
    algorithm: str


# --- HMAC primitive (hmac.md) ------------------------------------------------------------


def mac_length(algorithm: str) -> int:
    """Return the output length L in bytes of ``algorithm`` (MAC-3); ValueError if unknown."""
    if algorithm not in HASHLIB_NAMES:
        raise ValueError(f"unknown algorithm {algorithm!r}")
    return hashlib.new(HASHLIB_NAMES[algorithm]).digest_size


def is_available(algorithm: str) -> bool:
    """Tell whether this Python's hashlib provides ``algorithm`` (MD5 may be off in FIPS mode)."""
    try:
        hmac.new(b"key", b"", HASHLIB_NAMES[algorithm])
    except (KeyError, ValueError):
        return False
    return True


def mac(algorithm: str, key: bytes, message: bytes, tag_length: int | None = None) -> bytes:
    """Compute HMAC (MAC-1, MAC-2) truncated to its leftmost ``tag_length`` bytes (MAC-4)."""
    full_length = mac_length(algorithm)
    if tag_length is None:
        tag_length = full_length
    if not MIN_TAG_LENGTH <= tag_length <= full_length:  # MAC-4
        raise ValueError(f"tag length {tag_length} not in [{MIN_TAG_LENGTH}, {full_length}]")
    return hmac.new(key, message, HASHLIB_NAMES[algorithm]).digest()[:tag_length]


def mac_verify(algorithm: str, key: bytes, message: bytes, tag: bytes, tag_length: int) -> Verdict:
    """Check a received tag against the configured algorithm and tag length (MAC-5, MAC-6)."""
    expected = mac(algorithm, key, message, tag_length)
    if len(tag) != tag_length:  # MAC-5: the length is configured, never taken from the tag
        return Verdict(False, "wrong-tag-length")
    if not hmac.compare_digest(tag, expected):  # MAC-6: constant time
        return Verdict(False, "tag-mismatch")
    return Verdict(True)


# --- FirstVision (firstvision.md) -------------------------------------------------------


def strict_b64decode(text: str) -> bytes:
    """Decode standard, padded Base64 strictly (FV-11); raise ValueError on anything else.

    b64decode(validate=True) rejects foreign characters; the re-encoding round trip also
    rejects missing padding and non-zero unused bits, so each byte string has one text.
    """
    if not BASE64_RE.fullmatch(text) or len(text) % 4 != 0:
        raise ValueError("not canonical Base64")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError("not canonical Base64") from exc
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError("not canonical Base64")
    return data


def _trim(value: str) -> str:
    """FV-3 (receiving side only): remove leading and trailing spaces and horizontal tabs, nothing else.

    Not str.strip(): with no argument it also removes NBSP, VT, FF, CR and U+3000.
    """
    return value.strip(" \t")


def field_problem(api_key: str, client_request_id: str, timestamp: str) -> str | None:
    """The reason code for the first of the three values that breaks its syntax (FV-5, FV-6, FV-7), or None."""
    if not API_KEY_RE.fullmatch(api_key):
        return "malformed-api-key"  # FV-5
    if not REQUEST_ID_RE.fullmatch(client_request_id):
        return "malformed-request-id"  # FV-6
    if not TIMESTAMP_RE.fullmatch(timestamp):
        return "malformed-timestamp"  # FV-7
    return None


def _ascii_lower(name: str) -> str:
    """FV-2: ASCII case folding only (str.lower() would fold e.g. KELVIN SIGN to 'k')."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)


def string_to_sign(api_key: str, client_request_id: str, timestamp: str, body: bytes) -> bytes:
    """FV-8: Api-Key || Client-Request-Id || Timestamp || body, with no separators."""
    return (api_key + client_request_id + timestamp).encode("ascii") + body


def sign(
    secret: bytes,
    api_key: str,
    client_request_id: str,
    timestamp: str,
    body: bytes = b"",
    algorithm: str = "sha256",
    legacy_hex_base64: bool = False,
) -> SignedRequest:
    """Sign a request (FV-8..10). ``body`` is the exact bytes that will be sent.

    ``legacy_hex_base64`` produces the legacy FV-12 encoding; never use it unless a
    verifier demands it. The three values are signed and sent exactly as given, never
    trimmed (FV-17); one that breaks FV-5..7 raises Refused, since no conforming
    verifier would accept the request.
    """
    if algorithm not in FIRSTVISION_ALGORITHMS:
        raise ValueError(f"algorithm {algorithm!r} is not a FirstVision algorithm")
    reason = field_problem(api_key, client_request_id, timestamp)  # FV-17: refuse, do not repair
    if reason:
        raise Refused(reason)
    data = string_to_sign(api_key, client_request_id, timestamp, body)
    digest = mac(algorithm, secret, data)  # FV-9: full output, no truncation
    if legacy_hex_base64:  # FV-12: Base64 of the lowercase hex text
        signature = base64.b64encode(digest.hex().encode("ascii")).decode("ascii")
    else:  # FV-10: Base64 of the raw MAC
        signature = base64.b64encode(digest).decode("ascii")
    headers = {
        "Api-Key": api_key,
        "Client-Request-Id": client_request_id,
        "Timestamp": timestamp,
        "Auth-Token-Type": "HMAC",
        "Authorization": signature,
    }
    if body:  # FV-1: not signed, not checked
        headers["Content-Type"] = "application/json"
    return SignedRequest(signature, data, headers)


def _decode_signature(text: str, algorithm: str, legacy_hex_base64: bool) -> bytes | None:
    """Decode an Authorization value to MAC bytes (FV-11, FV-12); None if malformed."""
    length = mac_length(algorithm)
    try:
        decoded = strict_b64decode(text)
    except ValueError:
        return None
    if len(decoded) == length:
        return decoded
    if legacy_hex_base64 and len(decoded) == 2 * length and LOWER_HEX_RE.fullmatch(decoded):
        return bytes.fromhex(decoded.decode("ascii"))
    return None


def verify(
    headers: Iterable[tuple[str, str]],
    body: bytes,
    keys: Mapping[str, Key],
    now_ms: int,
    window_ms: int = DEFAULT_WINDOW_MS,
    seen_request_ids: Collection[str] = (),
    legacy_hex_base64: bool = False,
) -> Verdict:
    """Verify a received request in the order of FV-16; stop at the first failure.

    ``headers`` are (name, value) pairs as received, ``body`` the exact bytes received,
    ``keys`` maps Api-Key to its Key, ``seen_request_ids`` the replay cache (FV-15).
    The caller adds the Client-Request-Id of every accepted request to that cache.
    """
    found: dict[str, list[str]] = {_ascii_lower(name): [] for name in SIGNED_HEADERS}
    for name, value in headers:
        folded = _ascii_lower(name)  # FV-2
        if folded in found:
            found[folded].append(_trim(value))  # FV-3
    if any(not values for values in found.values()):
        return Verdict(False, "missing-header")  # step 1, FV-1
    if any(len(values) > 1 for values in found.values()):
        return Verdict(False, "duplicate-header")  # step 2, FV-4
    api_key, request_id, timestamp, auth_type, authorization = (found[_ascii_lower(name)][0] for name in SIGNED_HEADERS)
    if auth_type != "HMAC":
        return Verdict(False, "bad-auth-type")  # step 3, FV-1
    reason = field_problem(api_key, request_id, timestamp)
    if reason:
        return Verdict(False, reason)  # steps 4-6, FV-5..7
    ts = int(timestamp)  # safe now: ASCII digits only
    if now_ms - ts > window_ms:
        return Verdict(False, "stale")  # step 7, FV-14 (edge inclusive)
    if ts - now_ms > window_ms:
        return Verdict(False, "future")  # step 8, FV-14 (edge inclusive)
    key = keys.get(api_key)
    if key is None:
        return Verdict(False, "unknown-api-key")  # step 9, FV-9
    received = _decode_signature(authorization, key.algorithm, legacy_hex_base64)
    if received is None:
        return Verdict(False, "malformed-signature")  # step 10, FV-11, FV-12
    expected = mac(key.algorithm, key.secret, string_to_sign(api_key, request_id, timestamp, body))
    if not hmac.compare_digest(received, expected):
        return Verdict(False, "signature-mismatch")  # step 11, FV-13 (constant time)
    if request_id in seen_request_ids:
        return Verdict(False, "replay")  # step 12, FV-15 (case-sensitive)
    return Verdict(True)
