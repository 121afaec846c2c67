"""The in-memory form of a vector, and the explicit byte-string forms of the vector format."""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from hmac_conformance._exceptions import BytesError

#: A single byte string may not expand beyond this (a repeat count is checked before anything is allocated).
MAX_MATERIALISED_BYTES = 64 * 1024 * 1024

_HEX_DIGITS = re.compile(r"[0-9a-fA-F]*")

#: A path into a JSON value; ``"*"`` stands for every item of a list.
JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a vector file, located as precisely as the stage that found it can."""

    path: Path | str
    line: int | None
    message: str
    vector_id: str | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        vid = f" [{self.vector_id}]" if self.vector_id else ""
        return f"{where}:{vid} {self.message}"


def byte_size(spec: dict[str, Any]) -> int:
    """The length a byte-string spec expands to, computed without allocating it."""
    if "utf8" in spec:
        text = spec["utf8"]
        return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
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
class Base64Text:
    """The Base64 text of a byte string, as ASCII bytes ready to go into JSON as they are (the alphabet needs no
    escaping), in pieces that may repeat one buffer: a large repeated message is written to an implementation
    from a few kilobytes, never copied into a megabyte of text (each fresh megabyte cost a millisecond)."""

    pieces: tuple[bytes, ...]


#: The size of the buffer a repeated text is made of (what one write to a pipe takes).
_PIECE_BYTES = 64 * 1024


def base64_text(spec: dict[str, Any]) -> Base64Text:
    """The Base64 of what ``spec`` expands to. A repeat is encoded a few units at a time and that text repeated
    (units that fill whole three-byte groups encode alike wherever they stand), so a 1 MiB repeated message costs
    microseconds, never a megabyte expanded and encoded."""
    if "repeat" not in spec:
        return Base64Text((_base64(materialise(spec)),))
    unit = materialise(spec["repeat"])
    group = 3 // math.gcd(len(unit), 3)  # this many units end on a three-byte boundary
    whole, rest = divmod(spec["count"], group)
    text = _base64(unit * group)
    per_piece = max(1, _PIECE_BYTES // max(1, len(text)))
    full, last = divmod(whole, per_piece)
    return Base64Text((text * per_piece,) * full + (text * last, _base64(unit * rest)))


def _base64(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False)


#: A vector whose byte strings expand to more than this in all keeps them as written and expands them on each
#: access (``Deferred``): a corpus with many 1 MiB messages then holds each as its few-byte spec, not a megabyte.
DEFER_ABOVE = 64 * 1024


@dataclass(frozen=True)
class Deferred:
    """An input or expected value as written (schema-valid, its byte strings checked when loaded), whose byte
    strings are expanded on each access rather than held."""

    data: Any
    byte_paths: tuple[JsonPath, ...]

    def value(self) -> Any:
        """A fresh value with every byte string expanded (a copy: no caller can change what the next one gets)."""
        return self._each_byte_string(materialise)

    def wire(self) -> Any:
        """A fresh value with every byte string as its Base64 text, made from its spec (never expanded)."""
        return self._each_byte_string(base64_text)

    def _each_byte_string(self, made: Callable[[dict[str, Any]], Any]) -> Any:
        data = fresh_copy(self.data)
        for at in self.byte_paths:
            set_at(data, at, made(_get_at(self.data, at)))
        return data


class _Expanded:
    """A Vector field that holds either its value or a Deferred one, and always gives the value."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot = name, f"_{name}"

    def __get__(self, vector: Any, owner: type | None = None) -> Any:
        if vector is None:
            raise AttributeError(self.name)  # a dataclass field without a default
        held = vector.__dict__[self.slot]
        return held.value() if held.__class__ is Deferred else held

    def __set__(self, vector: Any, value: Any) -> None:
        vector.__dict__[self.slot] = value


@dataclass(frozen=True)
class Vector:
    """One test vector with its byte strings materialised (on access, for a large one: ``Deferred``), and where
    it was written."""

    id: str
    scheme: str
    operation: str
    description: str
    rules: tuple[str, ...]
    tags: tuple[str, ...]
    since: str
    source: str
    input: dict[str, Any] = _Expanded()  # type: ignore[assignment]
    expected: dict[str, Any] = _Expanded()  # type: ignore[assignment]
    path: Path = field(compare=False)
    line: int | None = field(compare=False, default=None)
    #: Errata: the id of the vector that replaces this one. A superseded vector stays, as released, and is left
    #: out of runs unless asked for (docs/releasing.md).
    superseded_by: str | None = None

    def wire_input(self) -> Any:
        """The input for the wire, not to be changed: byte strings as bytes or, in a large input, as their Base64
        text (``Base64Text``, made from the specs without expanding them)."""
        held = self.__dict__["_input"]
        return held.wire() if held.__class__ is Deferred else held

    def unexpanded_input(self) -> dict[str, Any]:
        """The input as held, to read the fields that are not byte strings (an algorithm, a header), not to be
        changed: a large input's byte strings stay their specs (``{"repeat": ...}``) instead of being expanded,
        which cost a millisecond for each capability check of a 1 MiB case."""
        held = self.__dict__["_input"]
        return held.data if held.__class__ is Deferred else held  # type: ignore[no-any-return]

    @property
    def where(self) -> str:
        return _where(self.path, self.line)


class Outline(NamedTuple):
    """What ``validate`` keeps of a vector once its scheme has checked it: the fields that the rules across files
    read (ids, versions, errata, the release manifest), without the input and expected value, which are most of
    a vector. A worker sends these back instead of the vectors, so a large ``validate`` holds no vector. A named
    tuple: it pickles and unpickles in a third of a frozen dataclass's time, twice for each vector."""

    id: str
    scheme: str
    operation: str
    description: str
    rules: tuple[str, ...]
    tags: tuple[str, ...]
    since: str
    superseded_by: str | None
    path: Path
    line: int | None
    #: The SHA-256 of the vector's canonical content (the release manifest's), set exactly for the suite's own
    #: vectors, which are the only ones held to the manifest.
    digest: str | None = None

    @property
    def where(self) -> str:
        return _where(self.path, self.line)


def _where(path: Path, line: int | None) -> str:
    """``file:line``, or the file alone when the line is unknown."""
    return f"{path}:{line}" if line else str(path)


def to_wire(value: Any) -> Any:
    """Materialised value -> JSON value: bytes become Base64 text, tuples become lists."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value


@functools.lru_cache(maxsize=1024)
def version_key(version: str) -> tuple[int, ...]:
    """``"1.10.0"`` -> ``(1, 10, 0)``, which compares as versions do (cached: a corpus repeats a few versions)."""
    return tuple(int(part) for part in version.split("."))


def expand(path: JsonPath, value: Any) -> Iterator[tuple[JsonPath, Any]]:
    """Every (concrete path, value) that a path with ``"*"`` items denotes; an absent key yields nothing (an
    optional field, such as a refusal's missing ``string_to_sign``)."""
    if "*" not in path:  # most paths: one value or none, found without a generator at each step
        for step in path:
            if isinstance(value, dict) and step not in value:
                return
            value = value[step]
        yield path, value
        return
    head, rest = path[0], path[1:]
    if isinstance(value, dict) and head not in value:
        return
    if head == "*":
        for i, item in enumerate(value):
            for sub, v in expand(rest, item):
                yield (i, *sub), v
    else:
        for sub, v in expand(rest, value[head]):
            yield (head, *sub), v


_IMMUTABLE = frozenset({str, bytes, int, bool, float, type(None)})


def fresh_copy(value: Any) -> Any:
    """What ``copy.deepcopy`` gives for a vector's values, several times faster: dicts and lists are copied,
    text, bytes and numbers are immutable and shared, and anything else is deep-copied."""
    kind = value.__class__
    if kind is dict:  # leaves are shared in the comprehension: a call per leaf was most of the cost
        return {key: item if item.__class__ in _IMMUTABLE else fresh_copy(item) for key, item in value.items()}
    if kind is list:
        return [item if item.__class__ in _IMMUTABLE else fresh_copy(item) for item in value]
    return value if kind in _IMMUTABLE else copy.deepcopy(value)


def _get_at(container: Any, at: JsonPath) -> Any:
    for step in at:
        container = container[step]
    return container


def set_at(container: Any, at: JsonPath, value: Any) -> None:
    for step in at[:-1]:
        container = container[step]
    container[at[-1]] = value
