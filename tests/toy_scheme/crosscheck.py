"""The toy scheme, computed independently of its reference (PyCryptodome; no import of reference.py)."""

from __future__ import annotations

from Crypto.Hash import HMAC, SHA256


def tag(key: bytes, text: str) -> str:
    return HMAC.new(key, text.encode("utf-8"), digestmod=SHA256).hexdigest()


def well_formed(value: str) -> bool:
    return len(value) == 64 and all(ch in "0123456789abcdef" for ch in value)
