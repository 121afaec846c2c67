"""The ``firstvision`` scheme: the FirstVision LATAM platform's request signature (docs/spec/firstvision.md)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hmac_conformance import _paths as paths
from hmac_conformance.schemes import Fuzzing, Operation, Scheme, Vector, missing
from hmac_conformance.schemes.firstvision import compare, lint, mutants, reference

LEGACY = "legacy-hex-base64"


def features(vector: Vector) -> frozenset[str]:
    """The algorithms a vector needs (each key's, for a verifier), and the legacy encoding if it asks for it."""
    inp = vector.unexpanded_input()
    if vector.operation == "verify":
        needed = {k["algorithm"] for k in inp["keys"]} | ({LEGACY} if inp["legacy_hex_base64"] else set())
    else:
        needed = {inp["algorithm"]} | ({LEGACY} if inp["signature_encoding"] == LEGACY else set())
    return frozenset(needed)


def unsupported(entry: Mapping[str, Any], vector: Vector) -> str | None:
    needed = features(vector)
    lacking = missing(entry, needed - {LEGACY}, "algorithms")
    if lacking:
        return lacking
    if LEGACY in needed and not entry.get("legacy_hex_base64"):
        return "legacy-hex-base64 encoding not supported"
    return None


def fuzzing() -> Fuzzing:
    """How ``fuzz`` generates cases (imported when asked for: it needs Hypothesis)."""
    from hmac_conformance.schemes.firstvision import strategies  # noqa: PLC0415 - Hypothesis only when fuzzing

    return strategies.FUZZING


SCHEME = Scheme(
    name="firstvision",
    title="the FirstVision LATAM request signature",
    rule_prefix="FV",
    spec=paths.SPEC / "firstvision.md",
    schema_dir=Path(__file__).parent / "schema",
    operations={
        "sign": Operation(
            "sign",
            byte_inputs=(("secret",), ("body",)),
            byte_expected=(("string_to_sign",),),
            byte_outputs=("string_to_sign",),
            shapes=({"signature": str}, {"refused": str}),
            judge=compare.sign,
            check=lint.check,
            secrets=(("secret",),),
        ),
        "verify": Operation(
            "verify",
            byte_inputs=(("request", "body"), ("keys", "*", "secret")),
            byte_expected=(),
            byte_outputs=(),
            shapes=({"valid": bool},),
            judge=compare.verify,
            check=lint.check,
            secrets=(("keys", "*", "secret"),),
        ),
    },
    reference=reference.run_case,
    reference_supports={
        "operations": ["sign", "verify"],
        "algorithms": list(reference.ALGORITHM_NAMES),
        "legacy_hex_base64": True,
    },
    features=features,
    feature_names=(*reference.ALGORITHM_NAMES, LEGACY),
    unsupported=unsupported,
    strategies=fuzzing,
    mutants=mutants.catalogue,
)
