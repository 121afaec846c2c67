"""The ``sigv4`` scheme: AWS Signature Version 4 with HMAC-SHA256 (docs/spec/sigv4.md)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hmac_conformance import _paths as paths
from hmac_conformance.schemes import Comparator, Fuzzing, Operation, Scheme, Vector, missing
from hmac_conformance.schemes.sigv4 import compare, features, lint, mutants, reference

_BODY = (("request", "body"),)
_SIGNER_SECRET = (("credentials", "secret_access_key"),)
_VERIFIER_SECRETS = (("credentials", "*", "secret_access_key"),)


def needs(vector: Vector) -> frozenset[str]:
    """The ``supports.sigv4.features`` a vector needs (query mode, session tokens, S3 paths, payload options)."""
    return features.required(vector.operation, vector.unexpanded_input())


def unsupported(entry: Mapping[str, Any], vector: Vector) -> str | None:
    return missing(entry, needs(vector))


def _signing(name: str, shapes: tuple[Mapping[str, type], ...], judge: Comparator) -> Operation:
    """canonical-request, string-to-sign and sign take the same input and may answer with a refusal."""
    return Operation(
        name,
        byte_inputs=_BODY,
        byte_expected=(),
        byte_outputs=(),
        shapes=(*shapes, {"refused": str}),
        judge=judge,
        check=lint.check,
        secrets=_SIGNER_SECRET,
    )


def fuzzing() -> Fuzzing:
    """How ``fuzz`` generates cases (imported when asked for: it needs Hypothesis)."""
    from hmac_conformance.schemes.sigv4 import strategies  # noqa: PLC0415 - Hypothesis only when fuzzing

    return strategies.FUZZING


SCHEME = Scheme(
    name="sigv4",
    title="AWS Signature Version 4 (HMAC-SHA256)",
    rule_prefix="SIGV4",
    spec=paths.SPEC / "sigv4.md",
    schema_dir=Path(__file__).parent / "schema",
    operations={
        "canonical-request": _signing("canonical-request", ({"canonical_request": str},), compare.canonical_request),
        "string-to-sign": _signing("string-to-sign", ({"string_to_sign": str},), compare.string_to_sign),
        "sign": _signing(
            "sign",
            ({"signature": str, "added": list, "canonical_request": object, "string_to_sign": object},),
            compare.sign,
        ),
        "verify": Operation(
            "verify",
            byte_inputs=_BODY,
            byte_expected=(),
            byte_outputs=(),
            shapes=({"valid": bool},),
            judge=compare.verify,
            check=lint.check,
            secrets=_VERIFIER_SECRETS,
        ),
    },
    reference=reference.run_case,
    reference_supports={"operations": list(reference.OPERATIONS), "features": list(features.FEATURES)},
    features=needs,
    feature_names=features.FEATURES,
    unsupported=unsupported,
    strategies=fuzzing,
    mutants=mutants.catalogue,
)
