"""In-process verifiers with one leniency each, for checking what a verify failure reports.

Used as ``--impl python:tests.impls.lenient:<name>``.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from hmac_conformance import _reference as reference
from hmac_conformance.schemes.firstvision import reference as firstvision


class _Verifier:
    def __init__(self, name: str) -> None:
        self.name = name

    def run_case(self, scheme: str, operation: str, inp: dict[str, Any]) -> dict[str, Any]:
        if self.name == "unicode_fold":  # str.lower() folds the Kelvin sign into 'k' (FV-2)
            with mock.patch.object(firstvision, "ascii_lower", str.lower):
                return reference.run_case(scheme, operation, inp)
        if self.name == "int_timestamp":  # int() as the Timestamp syntax check (FV-7)
            pattern = mock.Mock(fullmatch=lambda text: text.strip().lstrip("+").isdigit() or None)
            with mock.patch.object(firstvision, "TIMESTAMP", pattern):
                return reference.run_case(scheme, operation, inp)
        raise NotImplementedError(self.name)


def __getattr__(name: str) -> _Verifier:
    if name.startswith("__"):
        raise AttributeError(name)
    return _Verifier(name)
