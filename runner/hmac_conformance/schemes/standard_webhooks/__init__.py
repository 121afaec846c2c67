"""The ``standard-webhooks`` scheme: the Standard Webhooks signature, ``v1`` entries (HMAC-SHA256) in
``webhook-signature`` over ``webhook-id.webhook-timestamp.payload`` (docs/spec/standard-webhooks.md)."""

from __future__ import annotations

from pathlib import Path

from hmac_conformance import _paths as paths
from hmac_conformance.schemes import Fuzzing, Operation, Scheme, Vector, missing
from hmac_conformance.schemes.standard_webhooks import compare, lint, mutants, reference

CLOCK = "clock"


def features(vector: Vector) -> frozenset[str]:
    """A verifier must take its clock from the case to be told ``stale`` or ``future`` (SW-15)."""
    expired = vector.operation == "verify" and vector.expected.get("reason") in ("stale", "future")
    return frozenset({CLOCK} if expired else set())


def fuzzing() -> Fuzzing:
    """How ``fuzz`` generates cases (imported when asked for: it needs Hypothesis)."""
    from hmac_conformance.schemes.standard_webhooks import strategies  # noqa: PLC0415 - Hypothesis only when fuzzing

    return strategies.FUZZING


SCHEME = Scheme(
    name="standard-webhooks",
    title="the Standard Webhooks signature",
    rule_prefix="SW",
    spec=paths.SPEC / "standard-webhooks.md",
    schema_dir=Path(__file__).parent / "schema",
    operations={
        "sign": Operation(
            "sign",
            byte_inputs=(("payload",),),
            byte_expected=(("signed_content",),),
            byte_outputs=("signed_content",),
            shapes=({"signature": str}, {"refused": str}),
            judge=compare.sign,
            check=lint.check,
            secrets=(("secret",),),
        ),
        "verify": Operation(
            "verify",
            byte_inputs=(("payload",),),
            byte_expected=(),
            byte_outputs=(),
            shapes=({"valid": bool},),
            judge=compare.verify,
            check=lint.check,
            secrets=(("secret",),),
        ),
    },
    reference=reference.run_case,
    reference_supports={"operations": ["sign", "verify"], "features": [CLOCK]},
    features=features,
    feature_names=(CLOCK,),
    unsupported=lambda entry, v: missing(entry, features(v)),
    strategies=fuzzing,
    mutants=mutants.catalogue,
)
