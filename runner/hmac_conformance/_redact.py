"""--redact-keys: keep keys and secrets out of everything a run reports.

Vector keys are public test data, but a partner may run private vectors with real secrets, and an
implementation's stderr may echo them. Redaction replaces the key fields of reported inputs (each scheme's
operation says where its secrets are) and scrubs every selected vector's key bytes — as text, hex (both cases)
and Base64 — from every result's message, diagnostic and stderr (stderr of a persistent process is attributed
to answers as they arrive, so it may carry a neighbouring case's key).
"""

from __future__ import annotations

import base64
import contextlib
import copy
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from hmac_conformance import schemes
from hmac_conformance._model import Vector, expand, set_at
from hmac_conformance._outcome import Result

MARK = "<redacted>"


def secrets_of(vector: Vector) -> list[bytes]:
    """The key material of a vector, as bytes (a secret given as text is scrubbed as its UTF-8 bytes' forms)."""
    paths = schemes.operation(vector.scheme, vector.operation).secrets
    values = [value for path in paths for _, value in expand(path, vector.input)]
    return [v.encode("utf-8") if isinstance(v, str) else v for v in values if isinstance(v, bytes | str)]


def redacted_input(vector: Vector) -> dict[str, Any]:
    inp = copy.deepcopy(vector.input)
    for path in schemes.operation(vector.scheme, vector.operation).secrets:
        for at, _ in list(expand(path, inp)):
            set_at(inp, at, MARK)
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
        return replace(
            result,
            input=redacted_input(vector) if result.input is not None else None,
            message=self.scrub(result.message),
            diagnostic=self.scrub(result.diagnostic),
            stderr=self.scrub(result.stderr),
        )
