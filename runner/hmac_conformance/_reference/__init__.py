"""The suite's own implementation of every scheme: one module per scheme, standard library only.

It is also the simplest in-process implementation: ``hello()`` and ``run_case()`` are the interface that
``--impl python:MODULE:ATTR`` expects (see hmac_conformance._adapters.inprocess).
"""

from __future__ import annotations

from typing import Any

from hmac_conformance import __version__
from hmac_conformance._reference import firstvision, hmac

SCHEMES = {"hmac": hmac.OPERATIONS, "firstvision": firstvision.OPERATIONS}


def hello() -> dict[str, Any]:
    return {
        "implementation": {"name": "hmac-conformance-reference", "version": __version__, "language": "python"},
        "supports": {
            "hmac": {"operations": ["mac", "mac-verify"], "algorithms": sorted(hmac.ALGORITHMS)},
            "firstvision": {
                "operations": ["sign", "verify"],
                "algorithms": list(firstvision.ALGORITHM_NAMES),
                "legacy_hex_base64": True,
            },
        },
    }


def run_case(scheme: str, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    return SCHEMES[scheme][operation](**input)
