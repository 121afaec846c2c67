"""Reference implementation of AWS Signature Version 4 with HMAC-SHA256 (the ``sigv4`` scheme).

Spec: ``docs/spec/sigv4.md`` (rules SIGV4-n). Python standard library only. Every function is pure: the same input
gives the same output, there is no clock and no randomness.

``run_case(operation, input)`` is the entry point. Operations ``canonical-request``, ``string-to-sign`` and
``sign`` take a request and a signing configuration; ``verify`` takes a received request and a verifier's
configuration. Byte fields (the request body) are ``bytes``; everything else is ``str``, ``int`` or ``bool``.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import itertools
import re
from typing import Any

ALGORITHM = "AWS4-HMAC-SHA256"  # SIGV4-1
TERMINATOR = "aws4_request"  # SIGV4-17
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"  # SIGV4-15
MIN_EXPIRES, MAX_EXPIRES = 1, 604800  # SIGV4-25
#: SIGV4-5: the bytes that are never percent-encoded.
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset(b"0123456789ABCDEFabcdef")
#: SIGV4-10: header-value whitespace (SP, HTAB, and the CR/LF of an obsolete line fold).
_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_AMZ_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z")  # SIGV4-16
_SCOPE_DATE = re.compile(r"[0-9]{8}")
_LOWER_HEX_64 = re.compile(r"[0-9a-f]{64}")
_HEADER_NAME = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+")  # a lowercase RFC 9110 token
_EXPIRES = re.compile(r"[1-9][0-9]{0,5}")  # canonical decimal, at most 6 digits (604800)
_AUTH_PARAMS = re.compile(r"Credential=([^,]*),[ \t]*SignedHeaders=([^,]*),[ \t]*Signature=([^,]*)")
_OWS = " \t"

#: Query parameters a presigned URL carries (SIGV4-24); X-Amz-Signature is not part of the canonical query.
P_ALGORITHM, P_CREDENTIAL, P_DATE = "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date"
P_EXPIRES, P_SIGNED_HEADERS = "X-Amz-Expires", "X-Amz-SignedHeaders"
P_TOKEN, P_SIGNATURE = "X-Amz-Security-Token", "X-Amz-Signature"
H_DATE, H_TOKEN, H_CONTENT = "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"
H_AUTHORIZATION = "Authorization"


class Refused(Exception):
    """A signer must not produce this request (SIGV4-25)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------------------------- primitives


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    return hmac.digest(key, data, "sha256")


def ascii_lower(text: str) -> str:
    """Header names fold ASCII letters only (SIGV4-10)."""
    return text.translate(_ASCII_LOWER)


def uri_encode(data: bytes, *, keep_slash: bool, keep_escapes: bool = False) -> str:
    """SIGV4-5: every byte outside UNRESERVED as %XY (upper-case hex).

    ``keep_slash`` keeps '/' (paths). ``keep_escapes`` copies a valid ``%XY`` escape unchanged (the S3 path,
    SIGV4-8); any other '%' is encoded as %25.
    """
    out: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte in UNRESERVED or (keep_slash and byte == 0x2F):
            out.append(chr(byte))
        elif keep_escapes and _is_escape(data, i):
            out.append(data[i : i + 3].decode("ascii"))
            i += 3
            continue
        else:
            out.append(f"%{byte:02X}")
        i += 1
    return "".join(out)


def _is_escape(data: bytes, i: int) -> bool:
    """A '%' at ``i`` followed by two hex digits."""
    return data[i] == 0x25 and i + 2 < len(data) and data[i + 1] in _HEX and data[i + 2] in _HEX


def percent_decode(data: bytes) -> bytes:
    """SIGV4-9: decode every valid %XY escape; '+' is a plus sign, not a space; a stray '%' stays."""
    out = bytearray()
    i = 0
    while i < len(data):
        if _is_escape(data, i):
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


# ------------------------------------------------------------------------------------ canonical request


def split_target(target: str) -> tuple[bytes, bytes | None]:
    """The request-target's path and query (None when there is no '?'), as UTF-8 bytes (SIGV4-2)."""
    raw = target.encode("utf-8")
    path, sep, query = raw.partition(b"?")
    return path, (query if sep else None)


def normalize_path(path: bytes) -> bytes:
    """SIGV4-6: drop empty and '.' segments, let '..' remove the segment before it; keep a final '/'."""
    kept: list[bytes] = []
    for segment in path.split(b"/"):
        if segment in (b"", b"."):
            continue
        if segment == b"..":
            if kept:
                kept.pop()
            continue
        kept.append(segment)
    result = b"/" + b"/".join(kept)
    if kept and path.endswith(b"/"):
        result += b"/"
    return result


def canonical_uri(path: bytes, uri_encoding: str, normalize: bool) -> str:
    """SIGV4-7 (double: encode the wire path once more) and SIGV4-8 (single: keep its escapes)."""
    if normalize:
        path = normalize_path(path)
    if not path:
        path = b"/"
    return uri_encode(path, keep_slash=True, keep_escapes=(uri_encoding == "single"))


def parse_query(query: bytes | None) -> list[tuple[bytes, bytes]]:
    """SIGV4-9: the decoded (name, value) pairs in wire order; empty components are ignored."""
    if not query:
        return []
    pairs = []
    for component in query.split(b"&"):
        if not component:
            continue
        name, _, value = component.partition(b"=")
        pairs.append((percent_decode(name), percent_decode(value)))
    return pairs


def canonical_query(pairs: list[tuple[bytes, bytes]]) -> str:
    """SIGV4-9: encode names and values, sort by encoded name then encoded value, join with '&'."""
    encoded = sorted((uri_encode(n, keep_slash=False), uri_encode(v, keep_slash=False)) for n, v in pairs)
    return "&".join(f"{name}={value}" for name, value in encoded)


def canonical_header_value(value: str) -> str:
    """SIGV4-10, SIGV4-11: trim, and turn each run of SP/HTAB/CR/LF into one SP."""
    return _WHITESPACE_RUN.sub(" ", value).strip(" ")


def canonical_headers(headers: list[tuple[str, str]], only: list[str] | None = None) -> tuple[str, str]:
    """SIGV4-10..12, SIGV4-14: the canonical header block (each line ends in LF) and the signed-headers line.

    ``only`` restricts the block to these lowercase names (a verifier's SignedHeaders list).
    """
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(ascii_lower(name), []).append(canonical_header_value(value))
    names = sorted(values, key=lambda n: n.encode("utf-8"))
    if only is not None:
        names = [n for n in only if n in values]
    block = "".join(f"{name}:{','.join(values[name])}\n" for name in names)
    return block, ";".join(names)


def canonical_request(
    method: str, uri: str, query: str, header_block: str, signed_headers: str, payload_hash: str
) -> str:
    """SIGV4-3: six items joined with LF, no LF at the end (the header block ends with its own LF)."""
    return "\n".join((method, uri, query, header_block, signed_headers, payload_hash))


# ------------------------------------------------------------------------------ string to sign, signing


def credential_scope(amz_date: str, region: str, service: str, terminator: str = TERMINATOR) -> str:
    """SIGV4-17."""
    return f"{amz_date[:8]}/{region}/{service}/{terminator}"


def string_to_sign(amz_date: str, scope: str, canonical: str, algorithm: str = ALGORITHM) -> str:
    """SIGV4-18."""
    return "\n".join((algorithm, amz_date, scope, sha256_hex(canonical.encode("utf-8"))))


def signing_key(secret: str, date: str, region: str, service: str, terminator: str = TERMINATOR) -> bytes:
    """SIGV4-19."""
    key = hmac_sha256(("AWS4" + secret).encode("utf-8"), date.encode("utf-8"))
    for part in (region, service, terminator):
        key = hmac_sha256(key, part.encode("utf-8"))
    return key


def signature(key: bytes, sts: str) -> str:
    """SIGV4-20."""
    return hmac_sha256(key, sts.encode("utf-8")).hex()


def authorization_value(access_key_id: str, scope: str, signed_headers: str, sig: str) -> str:
    """SIGV4-21."""
    return f"{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={signed_headers}, Signature={sig}"


def sign(inp: dict[str, Any]) -> dict[str, Any]:
    """Sign a request (SIGV4-3..25): the canonical request, string to sign, signature and what is added."""
    request, creds = inp["request"], inp["credentials"]
    mode, payload = inp["mode"], inp["payload"]
    amz_date, region, service = inp["time"], inp["region"], inp["service"]
    token = creds.get("session_token")
    token_signed = token is not None and inp.get("session_token", "signed") == "signed"
    if mode == "query" and not MIN_EXPIRES <= inp["expires"] <= MAX_EXPIRES:
        raise Refused("bad-expires")

    body_hash = sha256_hex(request["body"])
    payload_value = UNSIGNED_PAYLOAD if payload in ("unsigned", "unsigned-header") else body_hash  # SIGV4-15
    scope = credential_scope(amz_date, region, service)
    headers = [tuple(h) for h in request["headers"]]
    added_headers: list[tuple[str, str]] = []
    if mode == "header":  # SIGV4-22
        added_headers.append((H_DATE, amz_date))
        if token_signed:
            added_headers.append((H_TOKEN, token))
        if payload in ("hash-header", "unsigned-header"):
            added_headers.append((H_CONTENT, payload_value))
    header_block, signed_headers = canonical_headers(headers + added_headers)

    path, query = split_target(request["target"])
    pairs = parse_query(query)
    auth_params: list[tuple[str, str]] = []
    if mode == "query":  # SIGV4-24
        auth_params = [
            (P_ALGORITHM, ALGORITHM),
            (P_CREDENTIAL, f"{creds['access_key_id']}/{scope}"),
            (P_DATE, amz_date),
            (P_EXPIRES, str(inp["expires"])),
            (P_SIGNED_HEADERS, signed_headers),
        ]
        if token_signed:
            auth_params.append((P_TOKEN, token))
        pairs = pairs + [(n.encode("utf-8"), v.encode("utf-8")) for n, v in auth_params]

    canonical = canonical_request(
        request["method"],
        canonical_uri(path, inp["uri_encoding"], inp["normalize_path"]),
        canonical_query(pairs),
        header_block,
        signed_headers,
        payload_value,
    )
    sts = string_to_sign(amz_date, scope, canonical)
    sig = signature(signing_key(creds["secret_access_key"], amz_date[:8], region, service), sts)

    if mode == "header":
        added = list(added_headers)
        if token is not None and not token_signed:  # SIGV4-23: added after signing
            added.append((H_TOKEN, token))
        added.append((H_AUTHORIZATION, authorization_value(creds["access_key_id"], scope, signed_headers, sig)))
    else:
        added = list(auth_params)
        if token is not None and not token_signed:
            added.append((P_TOKEN, token))
        added.append((P_SIGNATURE, sig))
    return {
        "canonical_request": canonical,
        "string_to_sign": sts,
        "signature": sig,
        "added": [[name, value] for name, value in added],
    }


# ------------------------------------------------------------------------------------------ verification


class Reject(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check(ok: bool, reason: str) -> None:
    if not ok:
        raise Reject(reason)


def parse_amz_date(text: str) -> int | None:
    """SIGV4-16: seconds since the epoch of a basic ISO 8601 UTC date-time, or None if it is not one."""
    m = _AMZ_DATE.fullmatch(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


def _credential_ok(credential: str) -> bool:
    parts = credential.split("/")
    return len(parts) == 5 and all(parts) and _SCOPE_DATE.fullmatch(parts[1]) is not None


def _signed_headers_ok(text: str) -> bool:
    names = text.split(";")
    if not all(_HEADER_NAME.fullmatch(n) for n in names):
        return False
    return all(a.encode() < b.encode() for a, b in itertools.pairwise(names))


def _params(pairs: list[tuple[bytes, bytes]], name: str) -> list[str]:
    key = name.encode("utf-8")
    return [v.decode("utf-8", "surrogateescape") for n, v in pairs if n == key]


def verify(inp: dict[str, Any]) -> dict[str, Any]:
    try:
        _verify(inp)
    except Reject as rejection:
        return {"valid": False, "reason": rejection.reason}
    return {"valid": True}


def _verify(inp: dict[str, Any]) -> None:
    """SIGV4-37: the checks in order; the first failing one names the reason."""
    request = inp["request"]
    headers = [tuple(h) for h in request["headers"]]
    by_name: dict[str, list[str]] = {}
    for name, value in headers:
        by_name.setdefault(ascii_lower(name), []).append(value)
    path, query = split_target(request["target"])
    pairs = parse_query(query)

    # 1-2. SIGV4-26: exactly one mechanism, each field once.
    auth_fields = by_name.get("authorization", [])
    presigned = bool(_params(pairs, P_ALGORITHM))
    _check(bool(auth_fields) or presigned, "missing-authorization")
    _check(not (auth_fields and presigned), "malformed-authorization")
    if presigned:
        for name in (P_ALGORITHM, P_CREDENTIAL, P_SIGNED_HEADERS, P_SIGNATURE):
            _check(len(_params(pairs, name)) <= 1, "malformed-authorization")
    else:
        _check(len(auth_fields) == 1, "malformed-authorization")

    # 3-4. SIGV4-27, SIGV4-28: algorithm, then the three components.
    if presigned:
        _check(_params(pairs, P_ALGORITHM)[0] == ALGORITHM, "unsupported-algorithm")
        found = [_params(pairs, n) for n in (P_CREDENTIAL, P_SIGNED_HEADERS, P_SIGNATURE)]
        _check(all(found), "malformed-authorization")
        credential, signed_text, sent = (f[0] for f in found)
    else:
        value = auth_fields[0].strip(_OWS)
        algorithm, _, rest = value.partition(" ")
        _check(algorithm == ALGORITHM, "unsupported-algorithm")
        m = _AUTH_PARAMS.fullmatch(rest.lstrip(" "))
        _check(m is not None, "malformed-authorization")
        credential, signed_text, sent = m.groups()  # type: ignore[union-attr]
    _check(_credential_ok(credential), "malformed-authorization")
    _check(_signed_headers_ok(signed_text), "malformed-authorization")
    _check(_LOWER_HEX_64.fullmatch(sent) is not None, "malformed-authorization")

    # 5. SIGV4-29: the request date.
    if presigned:
        dates = _params(pairs, P_DATE)
        amz_date = dates[0] if len(dates) == 1 else ""
    else:
        amz_date = ",".join(canonical_header_value(v) for v in by_name.get("x-amz-date", []))
    when = parse_amz_date(amz_date)
    _check(when is not None, "malformed-date")

    # 6. SIGV4-30: X-Amz-Expires (presigned only).
    expires = 0
    if presigned:
        given = _params(pairs, P_EXPIRES)
        _check(len(given) == 1 and _EXPIRES.fullmatch(given[0]) is not None, "bad-expires")
        expires = int(given[0])
        _check(MIN_EXPIRES <= expires <= MAX_EXPIRES, "bad-expires")

    # 7-8. SIGV4-31: the key, then the scope.
    access_key_id, date, region, service, terminator = credential.split("/")
    secret = next((c["secret_access_key"] for c in inp["credentials"] if c["access_key_id"] == access_key_id), None)
    _check(secret is not None, "unknown-access-key")
    _check(
        date == amz_date[:8] and region == inp["region"] and service == inp["service"] and terminator == TERMINATOR,
        "wrong-scope",
    )

    # 9-10. SIGV4-32, SIGV4-33: what must be signed, and what is signed must be there.
    signed = signed_text.split(";")
    _check("host" in signed, "unsigned-header")
    for name in by_name:
        if name.startswith("x-amz-") and name != "x-amz-security-token":
            _check(name in signed, "unsigned-header")
    _check(all(name in by_name for name in signed), "missing-signed-header")

    # 11-12. SIGV4-34, SIGV4-35: time.
    now = parse_amz_date(inp["now"])
    assert now is not None and when is not None
    skew = inp["max_skew_seconds"]
    if presigned:
        _check(when - skew <= now <= when + expires, "expired")
    else:
        _check(abs(now - when) <= skew, "clock-skew")

    # 13. SIGV4-36: recompute and compare in constant time.
    header_block, _ = canonical_headers(headers, only=signed)
    kept = [(n, v) for n, v in pairs if n != P_SIGNATURE.encode("utf-8")] if presigned else pairs
    content = [canonical_header_value(v) for v in by_name.get("x-amz-content-sha256", [])]
    if content == [UNSIGNED_PAYLOAD] or (not content and presigned and inp["presigned_payload"] == "unsigned"):
        payload_value = UNSIGNED_PAYLOAD
    else:
        payload_value = sha256_hex(request["body"])
    canonical = canonical_request(
        request["method"],
        canonical_uri(path, inp["uri_encoding"], inp["normalize_path"]),
        canonical_query(kept),
        header_block,
        signed_text,
        payload_value,
    )
    sts = string_to_sign(amz_date, f"{date}/{region}/{service}/{terminator}", canonical)
    expected = signature(signing_key(secret, date, region, service), sts)
    _check(hmac.compare_digest(expected.encode("ascii"), sent.encode("ascii")), "signature-mismatch")


# ------------------------------------------------------------------------------------------- entry point

SIGNING_OPERATIONS = ("canonical-request", "string-to-sign", "sign")
OPERATIONS = (*SIGNING_OPERATIONS, "verify")


def run_case(operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002 - the plug-in contract's name
    """The reference's answer for one case (the shape of the vector's ``expected``)."""
    if operation == "verify":
        return verify(input)
    if operation not in SIGNING_OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}")
    try:
        result = sign(input)
    except Refused as refusal:
        return {"refused": refusal.reason}
    if operation == "canonical-request":
        return {"canonical_request": result["canonical_request"]}
    if operation == "string-to-sign":
        return {"string_to_sign": result["string_to_sign"]}
    return result
