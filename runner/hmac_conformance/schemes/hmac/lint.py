"""What the schema cannot say about ``hmac`` vectors, and every expected value recomputed twice."""

from __future__ import annotations

from hmac_conformance.schemes import Vector, short
from hmac_conformance.schemes.hmac import crosscheck, reference
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, MIN_TAG_LENGTH


def check(v: Vector) -> list[str]:
    inp = v.input
    longest = ALGORITHMS[inp["algorithm"]][1]
    if not MIN_TAG_LENGTH <= inp["tag_length"] <= longest:
        return [f"tag_length {inp['tag_length']} outside {MIN_TAG_LENGTH}..{longest} (MAC-4)"]
    independent = crosscheck.mac(inp["algorithm"], inp["key"], inp["message"])[: inp["tag_length"]]
    ours = reference.run_case(v.operation, inp)
    if v.operation == "mac":
        want = v.expected["tag"]
        if not want == ours["tag"] == independent:
            return [
                f"expected tag {short(want)}; reference computes {short(ours['tag'])}, "
                f"independent computes {short(independent)}"
            ]
        return []
    tag, want_valid = inp["tag"], v.expected
    truth = (
        {"valid": True}
        if tag == independent
        else {"valid": False, "reason": "wrong-tag-length" if len(tag) != inp["tag_length"] else "tag-mismatch"}
    )
    if not want_valid == ours == truth:
        return [f"expected {want_valid}; reference says {ours}, independent says {truth}"]
    return []
