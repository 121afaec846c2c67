"""The ``hmac`` scheme: the HMAC primitive (RFC 2104) over MD5, SHA-1, SHA-2 and SHA-3 (docs/spec/hmac.md)."""

from __future__ import annotations

from pathlib import Path

from hmac_conformance import _paths as paths
from hmac_conformance.schemes import Fuzzing, Operation, Scheme, missing
from hmac_conformance.schemes.hmac import compare, lint, mutants, reference

_KEY_AND_MESSAGE = (("key",), ("message",))


def fuzzing() -> Fuzzing:
    """How ``fuzz`` generates cases (imported when asked for: it needs Hypothesis)."""
    from hmac_conformance.schemes.hmac import strategies  # noqa: PLC0415 - Hypothesis only when fuzzing

    return strategies.FUZZING


SCHEME = Scheme(
    name="hmac",
    title="the HMAC primitive",
    rule_prefix="MAC",
    spec=paths.SPEC / "hmac.md",
    schema_dir=Path(__file__).parent / "schema",
    operations={
        "mac": Operation(
            "mac",
            byte_inputs=_KEY_AND_MESSAGE,
            byte_expected=(("tag",),),
            byte_outputs=("tag",),
            shapes=({"tag": bytes},),
            judge=compare.mac,
            check=lint.check,
            secrets=(("key",),),
        ),
        "mac-verify": Operation(
            "mac-verify",
            byte_inputs=(*_KEY_AND_MESSAGE, ("tag",)),
            byte_expected=(),
            byte_outputs=(),
            shapes=({"valid": bool},),
            judge=compare.mac_verify,
            check=lint.check,
            secrets=(("key",),),
        ),
    },
    reference=reference.run_case,
    reference_supports={"operations": ["mac", "mac-verify"], "algorithms": sorted(reference.ALGORITHMS)},
    features=lambda v: frozenset({v.unexpanded_input()["algorithm"]}),
    feature_names=tuple(reference.ALGORITHMS),
    unsupported=lambda entry, v: missing(entry, {v.unexpanded_input()["algorithm"]}, "algorithms"),
    strategies=fuzzing,
    mutants=mutants.catalogue,
)
