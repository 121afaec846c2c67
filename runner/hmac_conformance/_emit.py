"""Write vectors as a vector file in the suite's own format (docs/vector-format.md), for a vector made by a tool.

Every text is a double-quoted YAML scalar in ASCII (each control and non-ASCII character escaped, so invisible
bytes stay reviewable); byte strings become ``{utf8: ...}`` when they are UTF-8, ``{hex: ...}`` otherwise, and a
long run of one repeated unit ``{repeat: ..., count: N}``. What this writes is read back by the strict loader
before anyone relies on it, so a mistake here is a validation error, never a wrong vector.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from typing import Any

from hmac_conformance import schemes
from hmac_conformance._model import Vector, expand, set_at

_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*")
#: Keys YAML 1.1 would read as something other than a string if written plain.
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_BYTE_FORMS = frozenset({"utf8", "hex", "base64", "repeat", "concat"})
#: A byte string this long or longer made of one repeated unit is written as a repeat.
_REPEAT_FROM = 32


def quote(text: str) -> str:
    """A YAML double-quoted scalar in ASCII: escapes for '"', '\\', every control and every non-ASCII character."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif code < 0x20 or 0x7F <= code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        elif code > 0xFFFF:
            out.append(f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def byte_spec(data: bytes) -> dict[str, Any]:
    """The explicit form of a byte string that reads best: a repeat, UTF-8 text, or hex."""
    if len(data) >= _REPEAT_FROM:
        for unit in range(1, 17):
            count, rest = divmod(len(data), unit)
            if not rest and count >= 4 and data == data[:unit] * count:
                return {"repeat": byte_spec(data[:unit]), "count": count}
    try:
        return {"utf8": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"hex": data.hex()}


def _specs(value: dict[str, Any], paths: Iterable[tuple[str | int, ...]]) -> dict[str, Any]:
    """A copy of an input or expected value with its byte strings (at the operation's paths) as explicit forms."""
    out = copy.deepcopy(value)
    for path in paths:
        for at, data in list(expand(path, out)):
            if isinstance(data, bytes):
                set_at(out, at, byte_spec(data))
    return out


def _key(name: str) -> str:
    return name if _PLAIN_KEY.fullmatch(name) and name not in _YAML_WORDS else quote(name)


def flow(value: Any) -> str:
    """A value on one line: flow mappings and sequences, quoted texts."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    return quote(str(value))


def _is_leaf(value: Any) -> bool:
    """Written on the key's own line: a scalar, a byte string, or a mapping or list holding only scalars."""
    if isinstance(value, dict):
        return bool(value.keys() & _BYTE_FORMS) or all(not isinstance(v, dict | list) for v in value.values())
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) for v in value)
    return True


def block(name: str, value: Any, indent: int) -> list[str]:
    """``name: value`` as block YAML at ``indent`` spaces; a list of mappings or lists has one item per line."""
    pad = " " * indent
    if _is_leaf(value):
        return [f"{pad}{_key(name)}: {flow(value)}"]
    lines = [f"{pad}{_key(name)}:"]
    if isinstance(value, dict):
        for key, item in value.items():
            lines += block(key, item, indent + 2)
    else:
        lines += [f"{pad}  - {flow(item)}" for item in value]
    return lines


def render_vector(vector: Vector, comments: Sequence[str] = ()) -> list[str]:
    """One vector as the lines of a ``vectors:`` item, preceded by comment lines."""
    operation = schemes.operation(vector.scheme, vector.operation)
    lines = ["", *(f"  # {line}" for line in comments)]
    lines += [
        f"  - id: {vector.id}",
        f"    description: {quote(vector.description)}",
        f"    operation: {vector.operation}",
        f"    rules: [{', '.join(vector.rules)}]",
        f"    tags: [{', '.join(vector.tags)}]",
        f"    since: {quote(vector.since)}",
        f"    source: {quote(vector.source)}",
    ]
    lines += block("input", _specs(vector.input, operation.byte_inputs), 4)
    lines += block("expected", _specs(vector.expected, operation.byte_expected), 4)
    return lines


def render_file(scheme: str, description: str, vectors: Sequence[tuple[Vector, Sequence[str]]],
                header: Sequence[str] = ()) -> str:  # fmt: skip
    """A whole vector file: header comments, the envelope, and each vector after its own comments."""
    spec = schemes.get(scheme).spec.name
    lines = [f"# hmac-conformance test vectors. Format: docs/vector-format.md. Spec: docs/spec/{spec}."]
    lines += [f"# {line}" for line in header]
    lines += ["format: 1", f"scheme: {scheme}", f"description: {quote(description)}", "vectors:"]
    for vector, comments in vectors:
        lines += render_vector(vector, comments)
    return "\n".join(lines) + "\n"


def comment_text(text: str) -> str:
    """Text made safe for one comment line: ASCII, controls and line breaks escaped."""
    return quote(text)[1:-1]
