"""The in-memory form of a vector, and the explicit byte-string forms of the vector format."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A single byte string may not expand beyond this (a repeat count is checked before anything is allocated).
MAX_MATERIALISED_BYTES = 64 * 1024 * 1024

_HEX_DIGITS = re.compile(r"[0-9a-fA-F]*")

#: Where a byte string is due in each operation's input and expected value (JSON paths; "*" = every item).
BYTE_FIELDS: dict[str, tuple[tuple[str | int, ...], ...]] = {
    "mac": (("input", "key"), ("input", "message"), ("expected", "tag")),
    "mac-verify": (("input", "key"), ("input", "message"), ("input", "tag")),
    "sign": (("input", "secret"), ("input", "body"), ("expected", "string_to_sign")),
    "verify": (("input", "request", "body"), ("input", "keys", "*", "secret")),
}


class BytesError(ValueError):
    """A byte string that cannot be materialised; ``at`` is its path inside the byte-string value."""

    def __init__(self, message: str, at: tuple[str | int, ...] = ()):
        self.at = at
        super().__init__(message)


def byte_size(spec: dict[str, Any]) -> int:
    """The length a byte-string spec expands to, computed without allocating it."""
    if "utf8" in spec:
        return len(spec["utf8"].encode("utf-8", "surrogatepass"))
    if "hex" in spec:
        return len(spec["hex"]) // 2
    if "base64" in spec:
        return len(spec["base64"]) * 3 // 4
    if "repeat" in spec:
        return byte_size(spec["repeat"]) * spec["count"]
    return sum(byte_size(part) for part in spec["concat"])


def materialise(spec: dict[str, Any], at: tuple[str | int, ...] = ()) -> bytes:
    """Turn a schema-valid byte-string spec into bytes, or raise BytesError saying what is wrong."""
    # Checked at every level, not only the outermost: {repeat: {repeat: X, count: 10**12}, count: 0} is 0 bytes
    # in all, but materialising its inner part would still allocate terabytes.
    size = byte_size(spec)
    if size > MAX_MATERIALISED_BYTES:
        raise BytesError(f"expands to {size} bytes; the limit is {MAX_MATERIALISED_BYTES}", at)
    if "utf8" in spec:
        try:
            return spec["utf8"].encode("utf-8")
        except UnicodeEncodeError:
            raise BytesError("utf8 text contains a lone surrogate; use {hex: ...}", (*at, "utf8")) from None
    if "hex" in spec:
        text = spec["hex"]
        if not _HEX_DIGITS.fullmatch(text):  # the schema's pattern ends in "$", which lets a final newline through
            raise BytesError("hex may contain only the digits 0-9 and a-f", (*at, "hex"))
        if len(text) % 2:
            raise BytesError(f"hex has an odd number of digits ({len(text)})", (*at, "hex"))
        if text != text.lower():
            raise BytesError("hex must be lowercase", (*at, "hex"))
        return bytes.fromhex(text)
    if "base64" in spec:
        text = spec["base64"]
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise BytesError(f"not valid padded Base64: {text[:40]!r}", (*at, "base64")) from None
        if base64.b64encode(raw).decode("ascii") != text:
            raise BytesError("Base64 is not canonical (padding or trailing bits)", (*at, "base64"))
        return raw
    if "repeat" in spec:
        return materialise(spec["repeat"], (*at, "repeat")) * spec["count"]
    return b"".join(materialise(part, (*at, "concat", i)) for i, part in enumerate(spec["concat"]))


@dataclass(frozen=True)
class Vector:
    """One test vector with its byte strings materialised, and where it was written."""

    id: str
    scheme: str
    operation: str
    description: str
    rules: tuple[str, ...]
    tags: tuple[str, ...]
    since: str
    source: str
    input: dict[str, Any]
    expected: dict[str, Any]
    path: Path = field(compare=False)
    line: int | None = field(compare=False, default=None)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


def to_wire(value: Any) -> Any:
    """Materialised value -> JSON value: bytes become Base64 text, tuples become lists."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
