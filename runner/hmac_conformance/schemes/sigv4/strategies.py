"""How ``hmac-conformance fuzz`` generates ``sigv4`` cases (docs/fuzz.md).

Signers get requests whose canonical form is easy to get wrong: paths with empty, dot and dot-dot segments,
reserved, non-ASCII and already-escaped bytes (under both URI encodings, normalised or not), query strings with
repeated, empty, valueless, ``+`` and escaped parameters, header values with runs of white space, tabs, obsolete
folds and repeated names in any case, bodies empty or binary, every payload option, session tokens signed or
added after signing, presigned URLs with expiries at and past their bounds.

Verifiers get a request signed by the reference in header or query mode and then changed in one way a lenient
verifier forgives or a careless one misreads: white space and name case in signed headers (still valid), the
query reordered (valid), the right key second in the store (valid), the clock at and past the allowed skew or
expiry, an unsigned ``x-amz-*`` header added, a signed header dropped, a header, the body or the query changed
after signing, an unknown key, the signature in upper case.
"""

from __future__ import annotations

import calendar
import time
from typing import Any

from hypothesis import strategies as st

from hmac_conformance.schemes import Fuzzing, Generated
from hmac_conformance.schemes.sigv4 import compare, features, reference

EXAMPLE = {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
EXAMPLE2 = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
TOKEN = "FQoGZXIvYXdzE+/gEXAMPLE+token/with==/slashes+plus="  # noqa: S105 - a sample token
HOST = "example.amazonaws.com"
SKEW = 900
TIMES = ("20150830T123600Z", "20240229T235959Z", "20231231T000000Z", "20380119T031408Z")

SEGMENTS = ("", ".", "..", "v1", "items", "a b", "caf\u00e9", "%2F", "%41", "%7e", "a+b", "~user", "*", "%", "%zz",
            "a=b", "(x)", "a;b", "\u00fc%C3%BC", "-._~")  # fmt: skip
QUERY_PIECES = ("a=1", "b=2", "a=0", "a", "a=", "=b", "A=1", "%41=1", "a%20b=c", "a+b=c", "x=%2B", "y=%7E",
                "z=a/b", "e=caf%C3%A9", "s=a b", "emoji=%F0%9F%92%B3", "", "b=1", "n=%ZZ")  # fmt: skip
HEADER_NAMES = ("My-Header1", "my-header1", "X-Amz-Meta-Color", "x-amz-meta-color", "Content-Type", "Zz", "a_b")
HEADER_VALUES = ("value1", "  padded  ", "a   b", "\tt\tab\t", "", "a\r\n b", "caf\u00e9", "a,b", " ", '"q  u"')
BODIES = (b"", b'{"name":"pen","qty":3}', b"\x00\xff\xfe", b"a" * 1000, "caf\u00e9\n".encode())


def _amz(seconds: int) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


@st.composite
def targets(draw: st.DrawFn) -> tuple[str, str]:
    path = "/" + "/".join(draw(st.lists(st.sampled_from(SEGMENTS), max_size=4)))
    pieces = draw(st.lists(st.sampled_from(QUERY_PIECES), max_size=4))
    if not pieces:
        return path, f"path {path!r}"
    query = "&".join(pieces)
    return f"{path}?{query}", f"path {path!r}, query {query!r}"


@st.composite
def requests(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    target, target_how = draw(targets())
    headers = [["Host", draw(st.sampled_from([HOST, "EXAMPLE.amazonaws.com", "example.amazonaws.com:443"]))]]
    extra = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_VALUES)), max_size=3))
    headers += [[name, value] for name, value in extra]
    if draw(st.booleans()):
        headers = draw(st.permutations(headers))
    request = {
        "method": draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "get"])),
        "target": target,
        "headers": headers,
        "body": draw(st.sampled_from(BODIES) | st.binary(max_size=64)),
    }
    how = [target_how, f"headers {headers!r}"]
    return request, how


@st.composite
def signing_inputs(draw: st.DrawFn) -> Generated:
    mode = draw(st.sampled_from(["header", "query"]))
    request, how = draw(requests())
    credentials = dict(EXAMPLE)
    inp: dict[str, Any] = {
        "request": request,
        "credentials": credentials,
        "region": draw(st.sampled_from(["us-east-1", "eu-west-2"])),
        "service": draw(st.sampled_from(["service", "s3", "execute-api"])),
        "time": draw(st.sampled_from(TIMES)),
        "mode": mode,
    }
    if mode == "query":
        inp["expires"] = draw(st.sampled_from([3600, 1, 604800, 0, 604801]))
        how.append(f"presigned, expires {inp['expires']}")
    inp["uri_encoding"] = draw(st.sampled_from(["double", "single"]))
    inp["normalize_path"] = draw(st.booleans())
    payloads = ["hash", "unsigned"] if mode == "query" else ["hash", "hash-header", "unsigned", "unsigned-header"]
    inp["payload"] = draw(st.sampled_from(payloads))
    if draw(st.integers(0, 3)) == 3:  # a token now and then (shrinks to none)
        credentials["session_token"] = TOKEN
        inp["session_token"] = draw(st.sampled_from(["signed", "unsigned"]))
        how.append(f"session token {inp['session_token']}")
    how.append(f"{inp['uri_encoding']} encoding, normalize_path {inp['normalize_path']}, payload {inp['payload']}")
    return Generated(inp, tuple(how))


# -- verification: a signed request, changed once -------------------------------------------------------------


def _signed(inp: dict[str, Any]) -> dict[str, Any]:
    """The request as the reference signs it (header mode: headers added; query mode: parameters appended)."""
    added = reference.sign(inp)["added"]
    request = dict(inp["request"])
    if inp["mode"] == "header":
        request["headers"] = [*request["headers"], *added]
        return request
    encoded = "&".join(
        f"{reference.uri_encode(n.encode(), keep_slash=False)}={reference.uri_encode(v.encode(), keep_slash=False)}"
        for n, v in added
    )
    request["target"] += ("&" if "?" in request["target"] else "?") + encoded
    return request


def _header_index(headers: list[list[str]], lower: str) -> int | None:
    return next((i for i, (n, _) in enumerate(headers) if reference.ascii_lower(n) == lower), None)


CHANGES = ("none", "value-white-space", "name-case", "query-reordered", "right-key-second", "clock-edge",
           "clock-past", "unsigned-amz-header", "drop-signed-header", "header-changed", "body-changed",
           "query-changed", "unknown-key", "upper-case-signature")  # fmt: skip


def _change(change: str, request: dict[str, Any], v: dict[str, Any], when: int, expires: int, query: bool) -> str:
    """Apply one change to a signed request and its verify input; what was done, in words."""
    headers = request["headers"]
    if change == "value-white-space":
        i = _header_index(headers, "my-header1") or 0
        headers[i] = [headers[i][0], f" \t{headers[i][1]}  "]
        return f"header {headers[i][0]!r} padded with white space after signing"
    if change == "name-case":
        headers[0] = [headers[0][0].swapcase(), headers[0][1]]
        return f"header name sent as {headers[0][0]!r}"
    if change == "query-reordered":
        path, _, query = request["target"].partition("?")
        request["target"] = path + "?" + "&".join(reversed(query.split("&"))) if query else request["target"]
        return "query parameters sent in reverse order"
    if change == "right-key-second":
        v["credentials"] = [EXAMPLE2, EXAMPLE]
        return "the signing key second in the store"
    if change in ("clock-edge", "clock-past"):
        past = 1 if change == "clock-past" else 0
        later = expires if query else SKEW
        v["now"] = _amz(when + later + past) if past or when % 2 else _amz(when - SKEW - past)
        return f"verifier clock {v['now']} (request {_amz(when)})"
    if change == "unsigned-amz-header":
        headers.append(["X-Amz-Meta-Late", "added"])
        return "X-Amz-Meta-Late added after signing"
    if change == "drop-signed-header":
        i = _header_index(headers, "host")
        if i is not None:
            del headers[i]
        return "Host left out after signing"
    if change == "header-changed":
        headers[0] = [headers[0][0], headers[0][1] + "x"]
        return f"header {headers[0][0]!r} changed after signing"
    if change == "body-changed":
        request["body"] = request["body"] + b" "
        return "body changed after signing"
    if change == "query-changed":
        request["target"] += ("&" if "?" in request["target"] else "?") + "late=1"
        return "query parameter late=1 added after signing"
    if change == "unknown-key":
        v["credentials"] = [EXAMPLE2]
        return "the store lacks the signing key"
    if change == "upper-case-signature":
        if query:
            path, _, rest = request["target"].partition("X-Amz-Signature=")
            request["target"] = path + "X-Amz-Signature=" + rest.upper()
        else:
            i = _header_index(headers, "authorization")
            assert i is not None
            name, value = headers[i]
            before, _, sig = value.rpartition("Signature=")
            headers[i] = [name, before + "Signature=" + sig.upper()]
        return "signature sent in upper-case hex"
    return "sent as signed"


@st.composite
def verify_inputs(draw: st.DrawFn) -> Generated:
    base = draw(signing_inputs())
    inp = base.input
    query = inp["mode"] == "query"
    if query:
        inp["expires"] = draw(st.sampled_from([3600, 1, 604800]))
    inp["credentials"].pop("session_token", None)
    inp.pop("session_token", None)
    if not query and inp["payload"] == "unsigned":
        inp["payload"] = "unsigned-header"
    request = _signed(inp)
    when = calendar.timegm(time.strptime(inp["time"], "%Y%m%dT%H%M%SZ"))
    v: dict[str, Any] = {
        "request": request,
        "credentials": [EXAMPLE, EXAMPLE2],
        "region": inp["region"],
        "service": inp["service"],
        "now": inp["time"],
        "max_skew_seconds": SKEW,
        "uri_encoding": inp["uri_encoding"],
        "normalize_path": inp["normalize_path"],
        "presigned_payload": "unsigned" if query and inp["payload"] == "unsigned" else "hash",
    }
    change = draw(st.sampled_from(CHANGES))
    request["headers"] = [list(h) for h in request["headers"]]
    done = _change(change, request, v, when, inp.get("expires", 0), query)
    return Generated(v, (*base.how, f"signed in {inp['mode']} mode", done))


# -- what a found vector cites --------------------------------------------------------------------------------

OP_RULES = {"canonical-request": (3,), "string-to-sign": (1, 3, 16, 17, 18), "sign": (1, 3, 16, 17, 18, 19, 20)}


def _rule_ids(numbers: set[int]) -> tuple[str, ...]:
    return tuple(f"SIGV4-{n}" for n in sorted(numbers))


def rules(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> tuple[str, ...]:
    if operation == "verify":
        if expected["valid"]:
            return _rule_ids({36, 37})
        return tuple(sorted({*compare.HINTS[expected["reason"]][0], "SIGV4-37"}, key=lambda r: int(r.split("-")[1])))
    if "refused" in expected:
        return _rule_ids({24, 25})
    numbers = {*OP_RULES[operation], 5, 9, 10, 14, 15}
    numbers |= {24} if inp["mode"] == "query" else {22}
    if operation == "sign":
        numbers |= {25} if inp["mode"] == "query" else {21}
    if "session_token" in inp["credentials"]:
        numbers.add(23)
    return _rule_ids(numbers)


def tags(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> list[tuple[str, ...]]:
    needed = tuple(sorted(features.required(operation, inp)))
    if operation == "verify":
        return [("verify", *needed), ("verify", "order", *needed)]
    return [(operation, *needed)]


FUZZING = Fuzzing(
    inputs={
        "canonical-request": signing_inputs(),
        "string-to-sign": signing_inputs(),
        "sign": signing_inputs(),
        "verify": verify_inputs(),
    },
    rules=rules,
    tags=tags,
)
