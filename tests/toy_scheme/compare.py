"""The toy scheme's comparators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hmac_conformance.schemes import Hints, Judgement, Vector, decision

HINTS: Hints = {"malformed-tag": (("TOY-2",), "a tag is exactly 64 lowercase hex digits")}


def tag(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    if output["tag"] == vector.expected["tag"]:
        return "pass", "", ""
    upper = output["tag"] == vector.expected["tag"].upper()
    return "fail", "tag differs" + (": upper-case hex (TOY-1)" if upper else ""), f"expected {vector.expected['tag']}"


def check(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    return decision(vector, output, strict_reasons, HINTS)  # type: ignore[return-value]
