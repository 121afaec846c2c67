"""A toy scheme that lives only here, to prove that a scheme is a plug-in: registering it (the environment
variable HMAC_CONFORMANCE_SCHEMES=tests.toy_scheme) is all it takes for validate, export, run and every report
to handle it — no generic module names it. See docs/adding-a-scheme.md, which walks through this folder.

The scheme: ``tag`` is the lowercase hex HMAC-SHA256 of a text under a key; ``check`` accepts a tag of exactly
64 lowercase hex digits that matches.
"""

from __future__ import annotations

from pathlib import Path

from hmac_conformance.schemes import Operation, Scheme, missing
from tests.toy_scheme import compare, lint, reference

HERE = Path(__file__).parent

SCHEME = Scheme(
    name="toy",
    title="a toy HMAC tag, for the plug-in tests",
    rule_prefix="TOY",
    spec=HERE / "spec.md",
    schema_dir=HERE / "schema",
    operations={
        "tag": Operation(
            "tag",
            byte_inputs=(("key",),),
            byte_expected=(),
            byte_outputs=(),
            shapes=({"tag": str},),
            judge=compare.tag,
            check=lint.check,
            secrets=(("key",),),
        ),
        "check": Operation(
            "check",
            byte_inputs=(("key",),),
            byte_expected=(),
            byte_outputs=(),
            shapes=({"valid": bool},),
            judge=compare.check,
            check=lint.check,
            secrets=(("key",),),
        ),
    },
    reference=reference.run_case,
    reference_supports={"operations": ["tag", "check"], "features": ["unicode"]},
    features=lambda v: frozenset({"unicode"} if not v.input["text"].isascii() else set()),
    feature_names=("unicode",),
    unsupported=lambda entry, v: missing(entry, {"unicode"} if not v.input["text"].isascii() else set()),
)
