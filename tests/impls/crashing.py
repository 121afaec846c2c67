"""The reference, except that it raises on an HMAC key longer than the hash's block (a fixed-size key buffer):
a crash the fuzzer must report as a finding, never a crash of its own."""

from __future__ import annotations

from typing import Any

from hmac_conformance import _reference as reference
from hmac_conformance.schemes.hmac.reference import ALGORITHMS

hello = reference.hello


def run_case(scheme: str, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002 - the contract
    if scheme == "hmac" and len(input["key"]) > ALGORITHMS[input["algorithm"]][2]:
        raise RuntimeError("key buffer overflow")
    return reference.run_case(scheme, operation, input)
