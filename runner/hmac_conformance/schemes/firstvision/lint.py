"""What the schema cannot say about ``firstvision`` vectors, and every expected value recomputed twice."""

from __future__ import annotations

from collections.abc import Callable

from hmac_conformance.schemes import Vector, short
from hmac_conformance.schemes.firstvision import crosscheck, reference

#: Rejections that must be the vector's only defect: the request is otherwise correctly signed, so a verifier
#: that skips the check under test accepts it and the vector catches that verifier. Vectors tagged ``order``
#: combine defects on purpose, to show which reason FV-16 reports first.
ONLY_DEFECT = {
    "duplicate-header",
    "bad-auth-type",
    "malformed-api-key",
    "malformed-request-id",
    "malformed-timestamp",
    "stale",
    "future",
    "replay",
}


def check(v: Vector) -> list[str]:
    problems: list[str] = []
    (_check_sign if v.operation == "sign" else _check_verify)(v, problems.append)
    return problems


def _check_sign(v: Vector, problem: Callable[[str], None]) -> None:
    inp = v.input
    ours = reference.run_case(v.operation, inp)
    # FV-17: the reason to refuse, by the reference (inside its sign) and by the independent syntax checks.
    invalid = crosscheck.field_problems(inp["api_key"], inp["client_request_id"], inp["timestamp"])
    if "refused" in v.expected:
        want, theirs = v.expected["refused"], invalid[0] if invalid else None
        if not want == ours.get("refused") == theirs:
            said = f"refuses with {ours['refused']!r}" if "refused" in ours else "signs"
            problem(f"expected refused {want!r}; reference {said}, independent check finds {theirs!r}")
        elif len(invalid) > 1 and "order" not in v.tags:
            problem(
                f"a refusal vector must have one malformed field, unless tagged 'order' (the independent check "
                f"finds {', '.join(invalid)})"
            )
        return
    if invalid or "refused" in ours:
        problem(
            f"expected a signature, but the inputs break FV-5..7 (reference: {ours.get('refused')!r}, "
            f"independent check: {', '.join(invalid) or None!r}); a signer must refuse them (FV-17)"
        )
        return
    signed = crosscheck.signed_bytes(inp["api_key"], inp["client_request_id"], inp["timestamp"], inp["body"])
    independent = crosscheck.signature(inp["algorithm"], inp["secret"], signed, inp["signature_encoding"])
    if not v.expected["string_to_sign"] == ours["string_to_sign"] == signed:
        problem(
            f"expected string_to_sign {short(v.expected['string_to_sign'])}; "
            f"reference builds {short(ours['string_to_sign'])}, independent builds {short(signed)}"
        )
    if not v.expected["signature"] == ours["signature"] == independent:
        problem(
            f"expected signature {v.expected['signature']!r}; reference computes {ours['signature']!r}, "
            f"independent computes {independent!r}"
        )
    if v.expected["headers"] != ours["headers"]:
        problem(f"expected headers {v.expected['headers']}; reference sends {ours['headers']}")


def _check_verify(v: Vector, problem: Callable[[str], None]) -> None:
    api_keys = [k["api_key"] for k in v.input["keys"]]
    if len(api_keys) != len(set(api_keys)):
        problem("the key store lists the same api_key twice; which secret applies would be undefined")
    ours = reference.run_case(v.operation, v.input)
    if ours != v.expected:
        problem(f"expected {v.expected}; reference says {ours}")
    if "lenient-trim" in v.tags:
        _check_lenient_trim(v, problem)
        return
    correct = crosscheck.request_signature_ok(v.input)
    reason = v.expected.get("reason")
    if v.expected["valid"] and correct is not True:
        problem("expected valid, but the independent implementation finds the signature wrong")
    elif reason == "signature-mismatch" and correct is not False:
        problem("expected signature-mismatch, but the independent implementation finds the signature right")
    elif reason in ONLY_DEFECT and "order" not in v.tags and correct is not True:
        problem(
            f"a '{reason}' vector must be correctly signed otherwise (the independent implementation "
            "finds the signature wrong), or a verifier lacking the check under test would still reject it"
        )


def _check_lenient_trim(v: Vector, problem: Callable[[str], None]) -> None:
    """A ``lenient-trim`` vector is rejected per FV-3 but valid as a verifier that trims too much reads it."""
    if v.expected["valid"]:
        problem("a 'lenient-trim' vector must expect a rejection: it is there to catch a verifier that trims too much")
        return
    strict, lenient = crosscheck.signed_fields(v.input), crosscheck.signed_fields(v.input, lenient=True)
    if strict == lenient:
        problem(
            "tagged 'lenient-trim', but no signed header value has a character around it that a lenient trim "
            "removes and FV-3 keeps"
        )
        return
    api_key, request_id, timestamp, auth_type, _ = lenient
    flaws = [] if None in lenient else crosscheck.field_problems(api_key, request_id, timestamp)  # type: ignore[arg-type]
    if auth_type != "HMAC":
        flaws.append("bad-auth-type")
    if crosscheck.request_signature_ok(v.input, lenient=True) is not True:
        flaws.append("signature wrong or key unknown")
    if flaws:
        problem(
            "a 'lenient-trim' vector must be valid as a verifier that trims Unicode white space and U+FEFF reads "
            f"it, or such a verifier would reject it anyway and not be caught; the independent implementation "
            f"finds, under that reading: {', '.join(flaws)}"
        )
