"""What the schema cannot say about ``standard-webhooks`` vectors, and every expected value recomputed twice.

``check(vector)`` returns every problem of one vector as a sentence (an empty list: the vector is sound). It

1. recomputes the expected value with the reference and with the independent cross-check and reports any
   disagreement with all three values;
2. checks the tags that carry meaning (``valid``, ``refused``, ``order``, ``signed-as-reserialised``);
3. enforces the single-defect rule: a rejection for a reason found before the signature check must be the
   request's only defect — the request is otherwise correctly signed, so a verifier that lacks the check
   under test (a "lenient verifier", defined per reason below) accepts it and the vector catches that
   verifier. The cross-check decides what the lenient verifier would do. Vectors tagged ``order`` combine
   defects on purpose (to pin down the verification order, SW-17) and must really have a second defect.

Lenient verifiers, per reason:
- ``stale`` / ``future``: one without the window check: the request must show no other defect.
- ``duplicate-header``: one that reads the first copy of each repeated field, one that reads the last copy,
  and (for ``webhook-signature``) one that joins the copies with a space; at least one of them must accept.
- ``missing-header`` where every field is present but one is empty: one that uses the empty value as it is.
  (An absent field, or an empty ``webhook-signature``, leaves such a verifier nothing to accept: exempt.)
- ``malformed-timestamp``: one that reads the timestamp with a lenient number parser (``lenient_integer``)
  for the window check, and signs either the header text exactly as received (untagged vectors) or — tag
  ``signed-as-reserialised`` — the canonical decimal text of the integer it parsed, as the libraries that
  parse and re-serialise the timestamp do. Its window check must pass, and the signature must match.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from hmac_conformance.schemes import Vector
from hmac_conformance.schemes.standard_webhooks import crosscheck, reference

#: Reasons that must be the vector's only defect (unless tagged ``order``).
ONLY_DEFECT = {"missing-header", "duplicate-header", "malformed-timestamp", "stale", "future"}
#: Every vector of suite 1.2.0 uses the spec's default window (SW-15), which the libraries hard-code.
TOLERANCE = 300
_NUMBER_PREFIX = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SLOTS = {"webhook-id": "id", "webhook-timestamp": "ts", "webhook-signature": "sig"}


def lenient_integer(text: str) -> int | None:
    """The integer a lenient parser reads from a timestamp text, or None if it reads none.

    Lenient means the union of what the libraries' number parsers accept: compatibility forms of digits
    (NFKC: fullwidth digits), surrounding whitespace, '_' between digits, a sign, leading zeros, a fraction
    (truncated toward zero), an exponent, and anything after the longest numeric prefix.
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = re.sub(r"(?<=[0-9])_(?=[0-9])", "", folded)
    match = _NUMBER_PREFIX.match(folded)
    if match is None:
        return None
    try:
        return int(Decimal(match.group(0)))
    except (InvalidOperation, ValueError, OverflowError):
        return None


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        text = repr(value)
        return text if len(text) <= 100 else f"{text[:80]}…({len(value)} bytes)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _copies(headers: list[list[str]]) -> dict[str, list[str]]:
    return crosscheck.field_copies(headers)


def _without_signed_fields(headers: list[list[str]]) -> list[list[str]]:
    return [[n, v] for n, v in headers if n.encode("utf-8").lower() not in crosscheck.WANTED]


def _signature_ok(inp: dict[str, Any], msg_id: str, ts_signed: str, sig: str) -> bool:
    key = crosscheck.key_from_secret(inp["secret"])
    assert key is not None
    return crosscheck.header_accepts(key, crosscheck.content(msg_id, ts_signed, inp["payload"]), sig)


def _in_window(inp: dict[str, Any], value: int) -> bool:
    return abs(inp["now"] - value) <= inp["tolerance"]


def _lenient_accepts(reason: str, inp: dict[str, Any], tags: tuple[str, ...]) -> bool | None:
    """Would a verifier lacking the check for ``reason`` accept the request? None: no such verifier exists."""
    copies = _copies(inp["headers"])
    if reason in ("stale", "future"):
        return crosscheck.defects(**inp) == [reason]
    if reason == "duplicate-header":
        readings = [
            {slot: values[0] for slot, values in copies.items() if values},
            {slot: values[-1] for slot, values in copies.items() if values},
        ]
        if len(copies["sig"]) > 1:
            readings.append({**readings[0], "sig": " ".join(copies["sig"])})
        for reading in readings:
            rebuilt = _without_signed_fields(inp["headers"]) + [
                [name, reading[slot]] for name, slot in _SLOTS.items() if slot in reading
            ]
            if crosscheck.defects(**{**inp, "headers": rebuilt}) == []:
                return True
        return False
    if reason == "missing-header":
        if any(len(values) != 1 for values in copies.values()) or copies["sig"] == [""]:
            return None
        msg_id, ts, sig = copies["id"][0], copies["ts"][0], copies["sig"][0]
        value = lenient_integer(ts)
        return (value is None or _in_window(inp, value)) and _signature_ok(inp, msg_id, ts, sig)
    if reason == "malformed-timestamp":
        if any(len(values) != 1 or values == [""] for values in copies.values()):
            return False
        msg_id, ts, sig = copies["id"][0], copies["ts"][0], copies["sig"][0]
        value = lenient_integer(ts)
        if "signed-as-reserialised" in tags:
            return value is not None and _in_window(inp, value) and _signature_ok(inp, msg_id, str(value), sig)
        return (value is None or _in_window(inp, value)) and _signature_ok(inp, msg_id, ts, sig)
    return None


def _check_tags(operation: str, expected: dict[str, Any], tags: tuple[str, ...], out: list[str]) -> None:
    if operation == "verify":
        if ("valid" in tags) != (expected.get("valid") is True):
            out.append("tag 'valid' must be present exactly when the vector expects {valid: true}")
        if "refused" in tags:
            out.append("tag 'refused' belongs to sign vectors")
        if "order" in tags and expected.get("valid") is not False:
            out.append("tag 'order' marks a rejection that combines defects; this vector expects acceptance")
        if "signed-as-reserialised" in tags and expected.get("reason") != "malformed-timestamp":
            out.append("tag 'signed-as-reserialised' is only meaningful on malformed-timestamp vectors")
    else:
        if ("refused" in tags) != ("refused" in expected):
            out.append("tag 'refused' must be present exactly when the vector expects a refusal")
        for wrong in ("valid", "order", "signed-as-reserialised"):
            if wrong in tags:
                out.append(f"tag {wrong!r} belongs to verify vectors")


def _check_verify(inp: dict[str, Any], expected: dict[str, Any], tags: tuple[str, ...], out: list[str]) -> None:
    if reference.decode_secret(inp["secret"]) is None or crosscheck.key_from_secret(inp["secret"]) is None:
        out.append("the verifier's secret must be well-formed (SW-7); secret parsing is tested through sign")
        return
    if inp["tolerance"] != TOLERANCE:
        out.append(f"tolerance {inp['tolerance']}: suite 1.2.0 vectors use the default window of {TOLERANCE} s")
    reason = expected.get("reason")
    if reason not in ONLY_DEFECT:
        if "order" in tags and len(crosscheck.defects(**inp)) < 2:
            out.append(f"tagged 'order', but the cross-check finds only one defect: {crosscheck.defects(**inp)}")
        return
    lenient = _lenient_accepts(reason, inp, tags)
    if "order" in tags:
        if lenient is True:
            out.append(
                f"tagged 'order', but its only defect is '{reason}': a verifier lacking that check accepts it "
                "(the cross-check says so); drop the tag"
            )
        elif lenient is None and len(crosscheck.defects(**inp)) < 2:
            out.append(f"tagged 'order', but the cross-check finds only one defect: {crosscheck.defects(**inp)}")
    elif lenient is False:
        how = " (signed over the re-serialised integer)" if "signed-as-reserialised" in tags else ""
        out.append(
            f"a '{reason}' vector must be otherwise correctly signed{how}: the cross-check finds that a verifier "
            "lacking the check under test would still reject it, so the vector could not catch that verifier"
        )


def _check_sign(inp: dict[str, Any], expected: dict[str, Any], out: list[str]) -> None:
    refused = expected.get("refused")
    if refused is None:
        return
    fine = {
        "malformed-secret": crosscheck.key_from_secret(inp["secret"]) is not None,
        "malformed-id": crosscheck.id_ok(inp["msg_id"]),
        "malformed-timestamp": crosscheck.timestamp_ok(inp["timestamp"]),
    }
    others = [r for r, ok in fine.items() if r != refused and not ok]
    if others:
        out.append(f"a '{refused}' refusal must be the input's only defect; the cross-check also finds {others}")


def problems(operation: str, input: dict[str, Any], expected: dict[str, Any], tags: tuple[str, ...]) -> list[str]:  # noqa: A002
    """Every problem of one vector (byte fields as bytes)."""
    out: list[str] = []
    tags = tuple(tags)
    if operation not in ("sign", "verify"):
        return [f"operation {operation!r} does not belong to standard-webhooks (sign, verify)"]
    try:
        ours: Any = reference.run_case(operation, input)
    except Exception as exc:  # noqa: BLE001 - a vector that crashes the reference is itself the problem
        ours = f"<{type(exc).__name__}: {exc}>"
    try:
        theirs: Any = crosscheck.run_case(operation, input)
    except Exception as exc:  # noqa: BLE001
        theirs = f"<{type(exc).__name__}: {exc}>"
    if not expected == ours == theirs:
        out.append(
            f"expected {_show(expected)}; reference computes {_show(ours)}; cross-check computes {_show(theirs)}"
        )
    _check_tags(operation, expected, tags, out)
    if operation == "verify":
        _check_verify(input, expected, tags, out)
    else:
        _check_sign(input, expected, out)
    return out


#: ``<owner>/<repo> <path> @ <short commit> (<tests>)``: how a source cites upstream values.
CITATION = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+ [^ ;]+ @ [0-9a-f]{7,40}(?: \([^;]+\))?")
#: The scheme's first suite version: no vector of it can be older.
FIRST_VERSION = (1, 2, 0)


def _source_problems(source: str, tags: tuple[str, ...]) -> list[str]:
    """``published`` and ``derived`` go with a citation of upstream tests; ``generated`` with neither."""
    if source == "generated":
        if "published" in tags or "derived" in tags:
            return ["source 'generated' cannot carry the tag 'published' or 'derived'"]
        return []
    out = []
    derived = source.startswith("derived from ")
    if derived != ("derived" in tags):
        out.append("a source 'derived from …' and the tag 'derived' go together")
    if (not derived) != ("published" in tags):
        out.append("a citation of published values and the tag 'published' go together")
    body = source.removeprefix("derived from ")
    citations = CITATION.findall(body)
    if not citations:
        out.append("source must cite '<owner>/<repo> <path> @ <short commit> (<test>)'")
    elif not derived and "; ".join(citations) != body:
        out.append("a published source is only citations, separated by '; '")
    return out


def check(v: Vector) -> list[str]:
    """Every problem of one vector: its place and provenance, then ``problems`` (recomputation, one defect)."""
    out: list[str] = []
    group = v.id.split("/")[1] if v.id.count("/") == 2 else None
    if group is None:
        out.append("id must be 'standard-webhooks/<group>/<name>'")
    elif group != v.path.stem:
        out.append(f"the id's group {group!r} is not the file's name {v.path.stem!r}: one file per group")
    if v.operation not in v.tags:
        out.append(f"tags must include the operation {v.operation!r}")
    try:
        since = tuple(int(part) for part in v.since.split("."))
    except ValueError:
        since = FIRST_VERSION  # the generic lint reports the format
    if since < FIRST_VERSION:
        out.append(f"since {v.since}: the scheme's first vectors are in {'.'.join(map(str, FIRST_VERSION))}")
    out += _source_problems(v.source, v.tags)
    out += problems(v.operation, v.input, v.expected, v.tags)
    return out
