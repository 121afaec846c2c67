"""In-process implementations that are correct where they answer, but test less than everything: each must
fail a gate that requires what it leaves out, and none may pass a run in which nothing was executed.

Used as ``--impl python:tests.impls.capabilities:<name>``.
"""

from __future__ import annotations

import copy
from typing import Any

from hmac_conformance import _reference as reference


class _Impl:
    def __init__(self, name: str) -> None:
        self.name = name

    def hello(self) -> dict[str, Any]:
        info = copy.deepcopy(reference.hello())
        info["implementation"] = {"name": f"capabilities-{self.name}", "version": "0", "language": "python"}
        supports = info["supports"]
        if self.name == "nothing":
            info["supports"] = {}
        elif self.name == "drop_sha512":  # silently drops an algorithm from its hello
            supports["hmac"]["algorithms"].remove("sha512")
        elif self.name == "no_legacy":
            supports["firstvision"]["legacy_hex_base64"] = False
        elif self.name == "no_verify":
            supports["firstvision"]["operations"] = ["sign"]
        return info

    def run_case(self, scheme: str, operation: str, inp: dict[str, Any]) -> dict[str, Any]:
        if self.name == "skips_firstvision" and scheme == "firstvision":
            # A vendor sample whose Client-Request-Id is typed as an integer cannot take any vector's id.
            raise NotImplementedError("Client-Request-Id must be an integer in this SDK")
        return reference.run_case(scheme, operation, inp)


def __getattr__(name: str) -> _Impl:
    if name.startswith("__"):
        raise AttributeError(name)
    return _Impl(name)
