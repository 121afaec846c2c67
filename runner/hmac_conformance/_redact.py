"""--redact-keys: keep keys and secrets out of everything a run reports.

Vector keys are public test data, but a partner may run private vectors with real secrets, and an
implementation's stderr may echo them. Redaction replaces the key fields of reported inputs and scrubs every
selected vector's key bytes — as text, hex and Base64 — from every result's message, diagnostic and stderr
(stderr of a persistent process is attributed to answers as they arrive, so it may carry a neighbouring
case's key).
"""

from __future__ import annotations

import base64
import contextlib
import copy
from collections.abc import Iterable
from typing import Any

from hmac_conformance._model import Vector
from hmac_conformance._outcome import Result

MARK = "<redacted>"


def secrets_of(vector: Vector) -> list[bytes]:
    inp = vector.input
    if vector.operation == "verify":
        return [k["secret"] for k in inp["keys"]]
    return [inp["secret"] if "secret" in inp else inp["key"]]


def redacted_input(vector: Vector) -> dict[str, Any]:
    inp = copy.copy(vector.input)
    if vector.operation == "verify":
        inp["keys"] = [{**k, "secret": MARK} for k in inp["keys"]]
    else:
        inp["secret" if "secret" in inp else "key"] = MARK
    return inp


def _forms(secret: bytes) -> set[str]:
    forms = {secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode("ascii")}
    with contextlib.suppress(UnicodeDecodeError):
        forms.add(secret.decode("utf-8"))
    return {f for f in forms if len(f) >= 4}  # a shorter form would scrub ordinary text


class Redactor:
    """Scrubs the keys of a set of vectors from results."""

    def __init__(self, vectors: Iterable[Vector]) -> None:
        forms = {form for v in vectors for secret in secrets_of(v) for form in _forms(secret)}
        self.forms = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers

    def scrub(self, text: str) -> str:
        if not text:
            return text
        for form in self.forms:
            if form in text:
                text = text.replace(form, MARK)
        return text

    def __call__(self, result: Result, vector: Vector) -> Result:
        if result.input is not None:
            result.input = redacted_input(vector)
        result.message = self.scrub(result.message)
        result.diagnostic = self.scrub(result.diagnostic)
        result.stderr = self.scrub(result.stderr)
        return result
