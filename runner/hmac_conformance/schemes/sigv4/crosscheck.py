"""A second, independent implementation of the ``sigv4`` scheme, used only to confirm expected values.

It shares no code with ``reference.py`` and imports nothing from it. Hashing and HMAC come from the ``hmac``
scheme's cross-check (Nettle or PyCryptodome), instead of ``hashlib``/``hmac`` (OpenSSL). The text handling is
written another way on purpose: a 256-entry escape table instead of a per-byte test, a token scanner for the
S3 path, ``urllib.parse.unquote_to_bytes`` for query decoding, ``str.split`` for header whitespace,
``itertools.groupby`` for repeated headers, a comparator for the query sort, ``datetime`` for dates.

Verification is done differently too: instead of stopping at the first failing check, ``inspect`` evaluates
every check it can (parsing leniently where a strict parse fails) and returns the full set of defects plus
whether the signature itself is right. The verdict is the first defect in SPEC_ORDER. ``lint.py`` uses the
defect set to enforce that a rejection vector has exactly one defect.
"""

from __future__ import annotations

import functools
import itertools
import re
import string
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote_to_bytes

from hmac_conformance.schemes.hmac.crosscheck import digest, mac

# ----------------------------------------------------------------------------------------------- tables

_SAFE = (string.ascii_uppercase + string.ascii_lowercase + string.digits + "-._~").encode("ascii")
_ESCAPE_TABLE = tuple(chr(b) if b in _SAFE else "%" + format(b, "02X") for b in range(256))
_PATH_TOKENS = re.compile(rb"%[0-9A-Fa-f]{2}|.", re.DOTALL)
_LOWER = {ord(c): ord(c) + 32 for c in string.ascii_uppercase}
_TCHAR_LOWER = set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+.^_`|~-")
_HEXDIGITS_LOWER = set("0123456789abcdef")
_LENIENT_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})[Tt](\d{2}):?(\d{2}):?(\d{2})[Zz]?")

SPEC_ORDER = (
    "missing-authorization",
    "malformed-authorization",
    "unsupported-algorithm",
    "malformed-authorization@components",
    "malformed-date",
    "bad-expires",
    "unknown-access-key",
    "wrong-scope",
    "unsigned-header",
    "missing-signed-header",
    "clock-skew",
    "expired",
    "signature-mismatch",
)

# ------------------------------------------------------------------------------------------- primitives


def _digest_hex(data: bytes) -> str:
    return digest("sha256", data).hex()


def _mac(key: bytes, message: bytes) -> bytes:
    return mac("sha256", key, message)


def _escape(data: bytes) -> str:
    return "".join(_ESCAPE_TABLE[b] for b in data)


def _lower(name: str) -> str:
    return name.translate(_LOWER)


# ------------------------------------------------------------------------------------------------ paths


def _dot_segments(path: bytes) -> bytes:
    pieces = path.split(b"/")
    stack: list[bytes] = []
    for piece in pieces:
        if piece == b"..":
            stack = stack[:-1]
        elif piece and piece != b".":
            stack = [*stack, piece]
    text = b"/".join([b"", *stack])
    if not text:
        text = b"/"
    if stack and pieces[-1] == b"":
        text = text + b"/"
    return text


def _encode_segment(segment: bytes, keep_escapes: bool) -> str:
    if not keep_escapes:
        return _escape(segment)
    return "".join(t.decode("ascii") if len(t) == 3 else _escape(t) for t in _PATH_TOKENS.findall(segment))


def _uri_path(path: bytes, encoding: str, normalize: bool) -> str:
    if normalize:
        path = _dot_segments(path)
    if path == b"":
        path = b"/"
    return "/".join(_encode_segment(seg, encoding == "single") for seg in path.split(b"/"))


# ------------------------------------------------------------------------------------------------ query


def _query_pairs(raw_query: bytes) -> list[tuple[bytes, bytes]]:
    pairs = []
    for match in re.finditer(rb"[^&]+", raw_query):
        piece = match.group(0)
        if b"=" in piece:
            at = piece.index(b"=")
            name, value = piece[:at], piece[at + 1 :]
        else:
            name, value = piece, b""
        pairs.append((unquote_to_bytes(name), unquote_to_bytes(value)))
    return pairs


def _compare(a: tuple[str, str], b: tuple[str, str]) -> int:
    for x, y in zip(a, b, strict=False):
        bx, by = x.encode("ascii"), y.encode("ascii")
        if bx != by:
            return -1 if bx < by else 1
    return 0


def _query_string(pairs: list[tuple[bytes, bytes]]) -> str:
    escaped = [(_escape(k), _escape(v)) for k, v in pairs]
    escaped.sort(key=functools.cmp_to_key(_compare))
    return "&".join(k + "=" + v for k, v in escaped)


def _target(target: str) -> tuple[bytes, bytes]:
    raw = target.encode("utf-8")
    if b"?" in raw:
        at = raw.index(b"?")
        return raw[:at], raw[at + 1 :]
    return raw, b""


# ---------------------------------------------------------------------------------------------- headers


def _trimall(value: str) -> str:
    words = [w for w in re.split(r"[\t\n\r ]", value) if w != ""]
    return " ".join(words)


def _header_lines(headers: list[tuple[str, str]], names: list[str] | None = None) -> tuple[str, str]:
    decorated = [(_lower(n).encode("utf-8"), i, _trimall(v)) for i, (n, v) in enumerate(headers)]
    decorated.sort()
    merged = {
        k.decode("utf-8"): ",".join(v for _, _, v in grp) for k, grp in itertools.groupby(decorated, lambda t: t[0])
    }
    order = list(merged) if names is None else names
    lines = "".join(name + ":" + merged.get(name, "") + "\n" for name in order)
    return lines, ";".join(order)


# ------------------------------------------------------------------------------------------------- sign


@functools.lru_cache(maxsize=256)
def _key(secret: str, day: str, region: str, service: str, terminator: str = "aws4_request") -> bytes:
    """The signing key: four HMACs that depend only on the credential and the scope, as every vector signed
    with one credential on one day shares them (SDKs keep it for the day too)."""
    k = ("AWS4" + secret).encode("utf-8")
    for part in (day, region, service, terminator):
        k = _mac(k, part.encode("utf-8"))
    return k


def _assemble(method: str, uri: str, query: str, lines: str, signed: str, payload: str) -> str:
    return method + "\n" + uri + "\n" + query + "\n" + lines + "\n" + signed + "\n" + payload


def _sts(algorithm: str, stamp: str, scope: str, canonical: str) -> str:
    return algorithm + "\n" + stamp + "\n" + scope + "\n" + _digest_hex(canonical.encode("utf-8"))


def _sign(inp: dict[str, Any]) -> dict[str, Any]:
    req = inp["request"]
    cred = inp["credentials"]
    stamp = inp["time"]
    day = stamp[0:8]
    is_query = inp["mode"] == "query"
    if is_query and (inp["expires"] < 1 or inp["expires"] > 7 * 24 * 3600):
        return {"refused": "bad-expires"}
    token = cred.get("session_token")
    sign_token = token is not None and inp.get("session_token") != "unsigned"
    payload = {
        "hash": _digest_hex,
        "hash-header": _digest_hex,
        "unsigned": lambda _: "UNSIGNED-PAYLOAD",
        "unsigned-header": lambda _: "UNSIGNED-PAYLOAD",
    }[inp["payload"]](req["body"])  # the body hashed only when it is signed
    scope = "/".join((day, inp["region"], inp["service"], "aws4_request"))

    extra_headers = []
    if not is_query:
        extra_headers.append(("X-Amz-Date", stamp))
        if sign_token:
            extra_headers.append(("X-Amz-Security-Token", token))
        if inp["payload"].endswith("-header"):
            extra_headers.append(("X-Amz-Content-Sha256", payload))
    lines, signed = _header_lines([(h[0], h[1]) for h in req["headers"]] + extra_headers)

    path, raw_query = _target(req["target"])
    pairs = _query_pairs(raw_query)
    extra_params: list[tuple[str, str]] = []
    if is_query:
        extra_params = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", cred["access_key_id"] + "/" + scope),
            ("X-Amz-Date", stamp),
            ("X-Amz-Expires", str(int(inp["expires"]))),
            ("X-Amz-SignedHeaders", signed),
        ]
        if sign_token:
            extra_params.append(("X-Amz-Security-Token", token))
    pairs += [(a.encode("utf-8"), b.encode("utf-8")) for a, b in extra_params]

    canonical = _assemble(
        req["method"],
        _uri_path(path, inp["uri_encoding"], inp["normalize_path"]),
        _query_string(pairs),
        lines,
        signed,
        payload,
    )
    sts = _sts("AWS4-HMAC-SHA256", stamp, scope, canonical)
    sig = _mac(_key(cred["secret_access_key"], day, inp["region"], inp["service"]), sts.encode("utf-8")).hex()

    if is_query:
        added = extra_params + ([("X-Amz-Security-Token", token)] if token is not None and not sign_token else [])
        added.append(("X-Amz-Signature", sig))
    else:
        added = extra_headers + ([("X-Amz-Security-Token", token)] if token is not None and not sign_token else [])
        added.append(
            (
                "Authorization",
                f"AWS4-HMAC-SHA256 Credential={cred['access_key_id']}/{scope}, SignedHeaders={signed}, Signature={sig}",
            )
        )
    return {"canonical_request": canonical, "string_to_sign": sts, "signature": sig, "added": [list(a) for a in added]}


# ----------------------------------------------------------------------------------------------- verify


def _strict_date(text: str) -> datetime | None:
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        return None
    digits = text[0:8] + text[9:15]
    if not all(c in string.digits for c in digits):
        return None
    try:
        return datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None


def _lenient_date(text: str) -> datetime | None:
    m = _LENIENT_DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return datetime(*(int(g) for g in m.groups()), tzinfo=timezone.utc)  # type: ignore[misc]
    except ValueError:
        return None


def _strict_signed_headers(text: str) -> bool:
    names = text.split(";")
    for name in names:
        if name == "" or any(ch not in _TCHAR_LOWER for ch in name):
            return False
    encoded = [n.encode("ascii") for n in names]
    return all(encoded[i] < encoded[i + 1] for i in range(len(encoded) - 1))


def _strict_credential(text: str) -> bool:
    parts = text.split("/")
    if len(parts) != 5 or "" in parts:
        return False
    return len(parts[1]) == 8 and all(c in string.digits for c in parts[1])


_COMPONENTS = ("Credential", "SignedHeaders", "Signature")


def _strict_components(rest: str) -> dict[str, str | None] | None:
    """The three components in order, ',' then optional SP/HTAB between them; None if that is not the shape."""
    chunks = rest.split(",")
    if len(chunks) != 3:
        return None
    found: dict[str, str | None] = {}
    for index, (chunk, name) in enumerate(zip(chunks, _COMPONENTS, strict=False)):
        body = chunk if index == 0 else chunk.lstrip(" \t")
        if not body.startswith(name + "="):
            return None
        found[name] = body[len(name) + 1 :]
    return found


def _lenient_components(rest: str) -> dict[str, str | None]:
    """Whatever components can be found, in any order and spacing (to keep checking past a syntax error)."""
    found: dict[str, str | None] = dict.fromkeys(_COMPONENTS)
    for chunk in rest.split(","):
        name, eq, value = chunk.strip(" \t").partition("=")
        if eq and name in found and found[name] is None:
            found[name] = value.strip(" \t")
    return found


def inspect(inp: dict[str, Any]) -> dict[str, Any]:
    """Every defect this implementation finds in a received request, and whether its signature is right.

    ``signature`` is True (right), False (wrong) or None (cannot be computed: no signature, unknown key or
    algorithm, a listed header absent, no date). The signature is computed the way a verifier that skips
    every other check would: from the raw values the request carries.
    """
    req = inp["request"]
    defects: set[str] = set()
    headers = [(h[0], h[1]) for h in req["headers"]]
    lowered: dict[str, list[str]] = {}
    for n, v in headers:
        lowered.setdefault(_lower(n), []).append(v)
    path, raw_query = _target(req["target"])
    pairs = _query_pairs(raw_query)
    params: dict[str, list[str]] = {}
    for k, v in pairs:
        params.setdefault(k.decode("utf-8", "surrogateescape"), []).append(v.decode("utf-8", "surrogateescape"))

    authorization = lowered.get("authorization", [])
    is_query = "X-Amz-Algorithm" in params
    if not authorization and not is_query:
        return {"defects": {"missing-authorization"}, "signature": None}
    if authorization and is_query:
        defects.add("malformed-authorization")
    is_query = is_query and not authorization  # lenient: the header wins

    computable = True
    if is_query:
        for name in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature"):
            if len(params.get(name, [])) > 1:
                defects.add("malformed-authorization")
        algorithm = params["X-Amz-Algorithm"][0]
        fields = {
            "Credential": params.get("X-Amz-Credential", [None])[0],
            "SignedHeaders": params.get("X-Amz-SignedHeaders", [None])[0],
            "Signature": params.get("X-Amz-Signature", [None])[0],
        }
        if None in fields.values():
            defects.add("malformed-authorization")
    else:
        if len(authorization) > 1:
            defects.add("malformed-authorization")
        text = authorization[0].strip(" \t")
        algorithm, _, rest = text.partition(" ")
        fields = _strict_components(rest.lstrip(" "))
        if fields is None:
            defects.add("malformed-authorization")
            fields = _lenient_components(rest)
    if algorithm != "AWS4-HMAC-SHA256":
        defects.add("unsupported-algorithm")
        computable = False

    credential, signed_text, sent = fields["Credential"], fields["SignedHeaders"], fields["Signature"]
    if credential is None or not _strict_credential(credential):
        defects.add("malformed-authorization")
    if signed_text is None or not _strict_signed_headers(signed_text):
        defects.add("malformed-authorization")
    if sent is None or len(sent) != 64 or not set(sent) <= _HEXDIGITS_LOWER:
        defects.add("malformed-authorization")
    sent_ok = sent is not None and len(sent) == 64 and all(c in string.hexdigits for c in sent)
    scope_parts = credential.split("/") if credential is not None else []
    if len(scope_parts) != 5 or signed_text is None or not sent_ok:
        computable = False

    # date
    if is_query:
        stamp_values = params.get("X-Amz-Date", [])
        stamp = stamp_values[0] if stamp_values else None
        if len(stamp_values) != 1:
            defects.add("malformed-date")
    else:
        values = lowered.get("x-amz-date", [])
        stamp = ",".join(_trimall(v) for v in values) if values else None
    when = _strict_date(stamp) if stamp is not None else None
    if when is None:
        defects.add("malformed-date")
        when = _lenient_date(stamp) if stamp is not None else None
    if stamp is None:
        computable = False

    # expires
    lifetime = None
    if is_query:
        given = params.get("X-Amz-Expires", [])
        text = given[0] if len(given) == 1 else ""
        canonical_int = text.isascii() and text.isdigit() and not text.startswith("0")
        if not canonical_int or not 1 <= int(text) <= 604800:
            defects.add("bad-expires")
        try:
            lifetime = int(text)
        except ValueError:
            lifetime = None

    # key and scope
    secret = None
    if len(scope_parts) == 5:
        store = {c["access_key_id"]: c["secret_access_key"] for c in inp["credentials"]}
        if scope_parts[0] not in store:
            defects.add("unknown-access-key")
            computable = False
        else:
            secret = store[scope_parts[0]]
        same_day = True  # without a date there is nothing to compare the scope's date with
        if stamp is not None:
            same_day = scope_parts[1] == stamp[:8] or (when is not None and scope_parts[1] == when.strftime("%Y%m%d"))
        if (
            not same_day
            or scope_parts[2] != inp["region"]
            or scope_parts[3] != inp["service"]
            or scope_parts[4] != "aws4_request"
        ):
            defects.add("wrong-scope")

    # signed headers
    listed = signed_text.split(";") if signed_text is not None else []
    listed_lower = [_lower(n) for n in listed]
    if signed_text is not None:
        if "host" not in listed_lower:
            defects.add("unsigned-header")
        for name in lowered:
            if name[:6] == "x-amz-" and name != "x-amz-security-token" and name not in listed_lower:
                defects.add("unsigned-header")
        if any(n not in lowered for n in listed_lower):
            defects.add("missing-signed-header")
            computable = False

    # time
    now = _strict_date(inp["now"])
    assert now is not None, "the verifier's clock must be a valid date"
    if when is not None:
        delta = (now - when).total_seconds()
        skew = inp["max_skew_seconds"]
        if is_query:
            if delta < -skew or (lifetime is not None and delta > lifetime):
                defects.add("expired")
        elif abs(delta) > skew:
            defects.add("clock-skew")

    # signature, from the raw values
    good = None
    if computable and secret is not None and stamp is not None and signed_text is not None and sent is not None:
        lines = "".join(n + ":" + ",".join(_trimall(v) for v in lowered[n]) + "\n" for n in listed_lower)
        kept = [(k, v) for k, v in pairs if not (is_query and k == b"X-Amz-Signature")]
        content = [_trimall(v) for v in lowered.get("x-amz-content-sha256", [])]
        if content == ["UNSIGNED-PAYLOAD"] or (not content and is_query and inp["presigned_payload"] == "unsigned"):
            payload = "UNSIGNED-PAYLOAD"
        else:
            payload = _digest_hex(req["body"])
        canonical = _assemble(
            req["method"],
            _uri_path(path, inp["uri_encoding"], inp["normalize_path"]),
            _query_string(kept),
            lines,
            signed_text,
            payload,
        )
        sts = _sts("AWS4-HMAC-SHA256", stamp, "/".join(scope_parts[1:]), canonical)
        key = _key(secret, scope_parts[1], scope_parts[2], scope_parts[3], scope_parts[4])
        computed = _mac(key, sts.encode("utf-8")).hex()
        good = computed == sent.lower()
        if not good:
            defects.add("signature-mismatch")
    return {"defects": defects, "signature": good}


def _verdict(inp: dict[str, Any]) -> dict[str, Any]:
    defects = inspect(inp)["defects"]
    if not defects:
        return {"valid": True}
    first = _first(inp, defects)
    return {"valid": False, "reason": first}


def _first(inp: dict[str, Any], defects: set[str]) -> str:
    # malformed-authorization has two places in the order (SIGV4-37 steps 2 and 4); step 2 (both mechanisms,
    # repeated fields) comes before unsupported-algorithm, step 4 (component syntax) after it.
    if "malformed-authorization" in defects and _mechanism_defect(inp):
        return "malformed-authorization"
    for reason in SPEC_ORDER:
        name = reason.split("@")[0]
        if name == "malformed-authorization" and "@" not in reason:
            continue
        if name in defects:
            return name
    raise AssertionError("unreachable")


def _mechanism_defect(inp: dict[str, Any]) -> bool:
    headers = inp["request"]["headers"]
    fields = [v for n, v in headers if _lower(n) == "authorization"]
    _, raw_query = _target(inp["request"]["target"])
    names = [k for k, _ in _query_pairs(raw_query)]
    presigned = b"X-Amz-Algorithm" in names
    if fields and presigned:
        return True
    if presigned:
        return any(
            names.count(p) > 1
            for p in (b"X-Amz-Algorithm", b"X-Amz-Credential", b"X-Amz-SignedHeaders", b"X-Amz-Signature")
        )
    return len(fields) > 1


def run_case(operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002 - the plug-in contract's name
    if operation == "verify":
        return _verdict(input)
    result = _sign(input)
    if "refused" in result:
        return result
    if operation == "canonical-request":
        return {"canonical_request": result["canonical_request"]}
    if operation == "string-to-sign":
        return {"string_to_sign": result["string_to_sign"]}
    if operation == "sign":
        return result
    raise ValueError("unknown operation " + repr(operation))
