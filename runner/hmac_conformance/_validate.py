"""Lint: what the schema cannot say about vector files, including recomputing every expected value twice."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hmac_conformance import _crosscheck as crosscheck
from hmac_conformance import _paths as paths
from hmac_conformance import _reference as reference
from hmac_conformance._errors import Problem
from hmac_conformance._load import LoadResult, load
from hmac_conformance._model import Vector, version_key
from hmac_conformance._reference.hmac import ALGORITHMS, MIN_TAG_LENGTH

ID_FORMAT = re.compile(r"(hmac|firstvision)(/[a-z0-9][a-z0-9._-]*)+")
SINCE_FORMAT = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
TAG_FORMAT = re.compile(r"[a-z0-9][a-z0-9-]*")
OPERATIONS_OF = {"hmac": ("mac", "mac-verify"), "firstvision": ("sign", "verify")}
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


@functools.cache
def known_rules(spec_dir: Path = paths.SPEC) -> frozenset[str]:
    """Rule ids defined in the spec (lines such as ``**FV-7 — Timestamp syntax.**``)."""
    found: set[str] = set()
    for doc in spec_dir.glob("*.md"):
        found.update(re.findall(r"^\*\*((?:MAC|FV)-\d+) —", doc.read_text(encoding="utf-8"), re.MULTILINE))
    return frozenset(found)


def _short(value: Any) -> str:
    text = value.hex() if isinstance(value, bytes) else repr(value)
    return text if len(text) <= 80 else f"{text[:60]}…({len(text)} chars)"


def _check_mac(v: Vector, problem: Callable[[str], None]) -> None:
    inp = v.input
    if not MIN_TAG_LENGTH <= inp["tag_length"] <= ALGORITHMS[inp["algorithm"]][1]:
        problem(f"tag_length {inp['tag_length']} outside {MIN_TAG_LENGTH}..{ALGORITHMS[inp['algorithm']][1]} (MAC-4)")
        return
    independent = crosscheck.mac(inp["algorithm"], inp["key"], inp["message"])[: inp["tag_length"]]
    ours = reference.run_case(v.scheme, v.operation, inp)
    if v.operation == "mac":
        want = v.expected["tag"]
        if not want == ours["tag"] == independent:
            problem(
                f"expected tag {_short(want)}; reference computes {_short(ours['tag'])}, "
                f"independent computes {_short(independent)}"
            )
        return
    tag, want_valid = inp["tag"], v.expected
    truth = (
        {"valid": True}
        if tag == independent
        else {"valid": False, "reason": "wrong-tag-length" if len(tag) != inp["tag_length"] else "tag-mismatch"}
    )
    if not want_valid == ours == truth:
        problem(f"expected {want_valid}; reference says {ours}, independent says {truth}")


def _check_sign(v: Vector, problem: Callable[[str], None]) -> None:
    inp = v.input
    ours = reference.run_case(v.scheme, v.operation, inp)
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
            f"expected string_to_sign {_short(v.expected['string_to_sign'])}; "
            f"reference builds {_short(ours['string_to_sign'])}, independent builds {_short(signed)}"
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
    ours = reference.run_case(v.scheme, v.operation, v.input)
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


CHECKS = {"mac": _check_mac, "mac-verify": _check_mac, "sign": _check_sign, "verify": _check_verify}


def lint(result: LoadResult, suite_version: str | None = None) -> list[Problem]:
    """Every problem of meaning in the loaded vectors (the schema has already passed them)."""
    problems: list[Problem] = []
    rules = known_rules()
    version = suite_version or paths.suite_version()
    first_seen: dict[str, Vector] = {}
    for v in result.vectors:

        def problem(message: str, v: Vector = v) -> None:
            problems.append(Problem(v.path, v.line, message, v.id))

        if not ID_FORMAT.fullmatch(v.id) or not v.id.startswith(v.scheme + "/"):
            problem(f"id must look like '{v.scheme}/<group>/<name>' (lowercase letters, digits, '.', '_', '-')")
        if v.id in first_seen:
            other = first_seen[v.id]
            problem(f"duplicate id (first used at {other.where})")
        first_seen.setdefault(v.id, v)
        if v.operation not in OPERATIONS_OF[v.scheme]:
            problem(f"operation {v.operation!r} does not belong to scheme {v.scheme!r}")
            continue
        for tag in v.tags:
            if not TAG_FORMAT.fullmatch(tag):
                problem(f"tag {tag!r} must be lowercase letters, digits and '-'")
        for rule in v.rules:
            if rule not in rules:
                problem(f"cites rule {rule}, which the spec (docs/spec/) does not define")
        # The schema's patterns end in "$", which Python's re also matches before a final newline.
        if not SINCE_FORMAT.fullmatch(v.since):
            problem(f"since {v.since!r} must be a version such as '1.0.0'")
        elif version_key(v.since) > version_key(version):
            problem(f"since {v.since} is later than the suite version {version}")
        try:
            CHECKS[v.operation](v, problem)
        except Exception as exc:  # noqa: BLE001 - a vector that crashes a check is itself the problem
            problem(f"cannot be recomputed: {type(exc).__name__}: {exc}")
    return problems


def validate(targets: Iterable[Path] | None = None) -> tuple[LoadResult, list[Problem]]:
    """Load, schema-check and lint; return the vectors and every problem, sorted by file and line."""
    result = load(targets)
    problems = result.problems + lint(result)
    problems.sort(key=lambda p: (str(p.path), p.line or 0))
    return result, problems
