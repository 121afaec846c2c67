"""Judge an ``hmac`` output: a tag byte for byte (and name the bug), a verifier's decision and reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hmac_conformance.schemes import Hints, Judgement, Vector, decision
from hmac_conformance.schemes.hmac import diagnose

HINTS: Hints = {
    "wrong-tag-length": (("MAC-5",), "reject tags whose length differs from the configured length before comparing"),
    "tag-mismatch": (("MAC-5", "MAC-6"), "compare every byte of the tag, in constant time"),
}


def mac(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    want, got = vector.expected["tag"], output["tag"]
    if got == want:
        return "pass", "", ""
    finding = diagnose.tag(vector, got)
    detail = f"expected {want.hex()}\ngot      {got.hex()}"
    if len(got) != len(want):
        detail += f"\n(got {len(got)} bytes, tag_length is {len(want)}; truncation keeps the leftmost bytes, MAC-4)"
    detail = "\n".join([detail, *finding.lines])
    return "fail", f"tag differs: {finding.summary}", detail


def mac_verify(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    return decision(vector, output, strict_reasons, HINTS)  # type: ignore[return-value]
