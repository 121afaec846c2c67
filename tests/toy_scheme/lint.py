"""The toy scheme's lint: every expected value recomputed by the reference and by the cross-check."""

from __future__ import annotations

from hmac_conformance.schemes import Vector
from tests.toy_scheme import crosscheck, reference


def check(v: Vector) -> list[str]:
    inp = v.input
    ours = reference.run_case(v.operation, inp)
    if v.operation == "tag":
        theirs = {"tag": crosscheck.tag(inp["key"], inp["text"])}
    elif not crosscheck.well_formed(inp["tag"]):
        theirs = {"valid": False, "reason": "malformed-tag"}
    else:
        right = inp["tag"] == crosscheck.tag(inp["key"], inp["text"])
        theirs = {"valid": True} if right else {"valid": False, "reason": "tag-mismatch"}
    if not v.expected == ours == theirs:
        return [f"expected {v.expected}; reference says {ours}, independent says {theirs}"]
    return []
