"""What the schema cannot say about ``sigv4`` vectors, and every expected value recomputed twice.

``check(vector)`` returns one message per problem (empty: the vector is sound); ``problems(operation, input,
expected, tags)`` is the same on plain values (the body as ``bytes``), for the vector generator. Checks:

- the expected value equals what ``reference`` computes **and** what ``crosscheck`` computes; on a
  disagreement every field that differs is shown with all three values, in full, so that a maintainer can
  paste the agreeing value into a new vector (``added`` is compared as a multiset, SIGV4-22/24);
- signing inputs respect SIGV4-13 and SIGV4-24 (no header the signer adds, no header SDKs refuse to sign,
  no presigned parameter in a request to presign) and carry a real date (SIGV4-16);
- the tags name every feature the vector needs (``features.required``), so ``--tag`` can select them;
- ``verify``: the key store lists each access key once; a request is accepted only if the cross-check finds
  no defect and a right signature; a rejection that is not tagged ``order`` has **exactly one defect** — the
  cross-check, which evaluates every check instead of stopping at the first, finds only the expected one —
  and for the reasons in CONFIRMED the cross-check also confirms that the signature is right, so a verifier
  that lacks the check under test accepts the request; an ``order`` vector has at least two defects.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from hmac_conformance.schemes import Vector
from hmac_conformance.schemes.sigv4 import crosscheck, features, reference

#: Rejections whose vectors must carry a correct signature: a verifier without the check would accept them.
CONFIRMED = frozenset({"bad-expires", "wrong-scope", "unsigned-header", "clock-skew", "expired"})
#: Headers a signer adds itself (SIGV4-22) or that SDKs commonly refuse to sign (SIGV4-13).
FORBIDDEN_SIGNING_HEADERS = frozenset(
    {
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "user-agent",
        "x-amzn-trace-id",
        "expect",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "upgrade",
        "proxy-authorization",
    }
)
PRESIGN_PARAMETERS = frozenset(
    {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Security-Token",
        "X-Amz-Signature",
    }
)
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BARE_BREAK = re.compile(r"\r(?!\n)|(?<!\r)\n(?![ \t])|\r\n(?![ \t])")


def _added_multiset(added: list[list[str]], mode: str) -> Counter:
    """SIGV4-22/24: header names compare case-insensitively, query names exactly; the order does not matter."""
    if mode == "header":
        return Counter((reference.ascii_lower(name), value) for name, value in added)
    return Counter((name, value) for name, value in added)


def _same_field(key: str, mode: str, a: Any, b: Any) -> bool:
    if key == "added" and isinstance(a, list) and isinstance(b, list):
        return _added_multiset(a, mode) == _added_multiset(b, mode)
    return bool(a == b)


def _disagreements(mode: str, expected: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """One message per field on which the expected value, the reference and the cross-check do not all agree,
    with the three values in full (a maintainer pastes the agreeing one into a new vector)."""
    if not expected.keys() == ours.keys() == theirs.keys():
        return [f"expected {expected!r}; reference computes {ours!r}; cross-check computes {theirs!r}"]
    return [
        f"expected {key} {expected[key]!r}; reference computes {ours[key]!r}; cross-check computes {theirs[key]!r}"
        for key in expected
        if not (_same_field(key, mode, expected[key], ours[key]) and _same_field(key, mode, expected[key], theirs[key]))
    ]


def _header_value_problems(headers: list[Any]) -> list[str]:
    found = []
    for name, value in headers:
        if _BAD_CONTROL.search(value):
            found.append(f"header {name!r}: a control character in the value (HTTP forbids it)")
        if _BARE_BREAK.search(value):
            found.append(f"header {name!r}: a line break not followed by SP/HTAB is not an obsolete fold (SIGV4-11)")
    return found


def _signing_input_problems(inp: dict[str, Any]) -> list[str]:
    found = []
    if reference.parse_amz_date(inp["time"]) is None:
        found.append(f"time {inp['time']!r} is not a SIGV4-16 date-time")
    for name, _ in inp["request"]["headers"]:
        if reference.ascii_lower(name) in FORBIDDEN_SIGNING_HEADERS:
            found.append(f"header {name!r} must not be in a request to sign (SIGV4-13)")
    found += _header_value_problems(inp["request"]["headers"])
    if inp["mode"] == "query":
        _, query = reference.split_target(inp["request"]["target"])
        for name, _ in reference.parse_query(query):
            if name.decode("utf-8", "replace") in PRESIGN_PARAMETERS:
                found.append(f"query parameter {name!r} must not be in a request to presign (SIGV4-24)")
    if "#" in inp["request"]["target"]:
        found.append("a request-target has no fragment")
    return found


def _verify_problems(inp: dict[str, Any], expected: dict[str, Any], tags: tuple[str, ...]) -> list[str]:
    found = []
    ids = [c["access_key_id"] for c in inp["credentials"]]
    if len(ids) != len(set(ids)):
        found.append("the key store lists the same access_key_id twice; which secret applies would be undefined")
    if reference.parse_amz_date(inp["now"]) is None:
        found.append(f"now {inp['now']!r} is not a SIGV4-16 date-time")
    found += _header_value_problems(inp["request"]["headers"])
    seen = crosscheck.inspect(inp)
    defects, good = seen["defects"], seen["signature"]
    reason = expected.get("reason")
    if expected["valid"]:
        if defects or good is not True:
            found.append(f"expected valid, but the cross-check finds defects {sorted(defects)}, signature {good}")
    elif "order" in tags:
        if len(defects) < 2:
            found.append(f"an 'order' vector must combine defects; the cross-check finds only {sorted(defects)}")
        elif reason not in defects:
            found.append(f"expected reason {reason!r} is not among the cross-check's defects {sorted(defects)}")
    else:
        if defects != {reason}:
            found.append(
                f"a '{reason}' rejection must have exactly that one defect (or a verifier lacking the check "
                f"would still reject it for another reason); the cross-check finds {sorted(defects)}"
            )
        if reason in CONFIRMED and good is not True:
            found.append(
                f"a '{reason}' rejection must be correctly signed otherwise, so that a verifier lacking the "
                f"check accepts it; the cross-check finds the signature {'wrong' if good is False else 'not computable'}"
            )
    return found


def problems(operation: str, input: dict[str, Any], expected: dict[str, Any], tags: tuple[str, ...]) -> list[str]:  # noqa: A002
    """Every problem of meaning in one vector (the schema has already passed it)."""
    found: list[str] = []
    try:
        if operation == "verify":
            found += _verify_problems(input, expected, tags)
        else:
            found += _signing_input_problems(input)
        missing = sorted(features.required(operation, input) - set(tags))
        if missing:
            found.append(f"tags must name the features the vector needs: add {missing}")
        ours = reference.run_case(operation, input)
        theirs = crosscheck.run_case(operation, input)
        found += _disagreements(input.get("mode", "header"), expected, ours, theirs)
    except Exception as exc:  # noqa: BLE001 - a vector that crashes a check is itself the problem
        found.append(f"cannot be recomputed: {type(exc).__name__}: {exc}")
    return found


def check(v: Vector) -> list[str]:
    """The lint of one loaded vector (the runner's ``Operation.check``)."""
    return problems(v.operation, v.input, v.expected, v.tags)
