"""The adapter protocol v1 on the wire: building requests, and parsing and validating responses strictly.

The JSON Schemas are normative (schema/protocol/v1.schema.json for the envelope, each scheme's fragments for
what a case and an output hold); this module only applies them.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

import jsonschema

from hmac_conformance import _fastschema, _schemas, schemes
from hmac_conformance._exceptions import ProtocolError
from hmac_conformance._jsontext import dumps_with
from hmac_conformance._model import Base64Text, Vector, to_wire

VERSION = 1


def _check(validator: jsonschema.Draft202012Validator, label: str, message: Any) -> None:
    if _fastschema.check(validator)(message):  # the hot path: a valid message, answered by compiled closures
        return
    errors = list(validator.iter_errors(message))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        where = "/".join(map(str, error.absolute_path)) or "message"
        raise ProtocolError(f"invalid {label} ({where}): {error.message[:300]}")


def encode(message: dict[str, Any]) -> bytes:
    """One JSON line: compact, ASCII-only (so any reader copes), newline-terminated."""
    return _compact(message).encode("ascii") + b"\n"


#: The pieces of ``encode``: json.dumps's own escaping of text (C), and its compact form of everything else.
_ascii_text = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]
_compact = dumps_with(ensure_ascii=True, separators=(",", ":"))


def case_line(seq: int, vector: Vector) -> bytes:
    """``encode(case_message(seq, vector))``, byte for byte."""
    return b"".join(case_pieces(seq, vector))


def case_pieces(seq: int, vector: Vector) -> list[bytes]:
    """``case_line(seq, vector)`` in pieces, written directly: the persistent hot path. A byte string goes out as
    its Base64 text without first becoming a ``str`` that json would scan for characters to escape (Base64 has
    none), which halved the cost of a case. A large input's byte strings are never expanded
    (``Vector.wire_input``), and their text is a piece of its own: a megabyte is never copied into a line."""
    out: list[Any] = ['{"type":"case","seq":', str(seq), ',"id":', _ascii_text(vector.id), ',"scheme":',
           _ascii_text(vector.scheme), ',"operation":', _ascii_text(vector.operation), ',"input":']  # fmt: skip
    _json_text(vector.wire_input(), out)
    out.append("}\n")
    try:
        return ["".join(out).encode("ascii")]
    except TypeError:  # a Base64Text among the text pieces
        pieces: list[bytes] = []
        run: list[str] = []
        for piece in out:
            if piece.__class__ is Base64Text:
                pieces += ("".join(run).encode("ascii"), *piece.pieces)
                run = []
            else:
                run.append(piece)
        pieces.append("".join(run).encode("ascii"))
        return pieces


def _json_text(value: Any, out: list[Any]) -> None:
    """Append what ``_compact(to_wire(value))`` gives, in pieces: text, and each Base64Text as it is (made into
    bytes by case_pieces). Text and byte strings inside a mapping are written in its own loop (a call per leaf
    was a fifth of the cost of a case)."""
    kind = value.__class__
    if kind is dict:
        mark = len(out)
        out.append("{")
        for key, item in value.items():
            if key.__class__ is not str:  # json.dumps converts such keys: let it write the whole mapping
                del out[mark:]
                out.append(_compact(to_wire(value)))
                return
            leaf = item.__class__
            if leaf is str:
                out += (_ascii_text(key), ":", _ascii_text(item), ",")
            elif leaf is bytes:
                out += (_ascii_text(key), ':"', binascii.b2a_base64(item, newline=False).decode("ascii"), '"', ",")
            else:
                out += (_ascii_text(key), ":")
                _json_text(item, out)
                out.append(",")
        out[-1] = "}" if value else "{}"
    elif kind is str:
        out.append(_ascii_text(value))
    elif kind is bytes:
        out += ('"', binascii.b2a_base64(value, newline=False).decode("ascii"), '"')
    elif kind is Base64Text:
        out += ('"', value, '"')
    elif kind is list or kind is tuple:
        out.append("[")
        for item in value:
            _json_text(item, out)
            out.append(",")
        out[-1] = "]" if value else "[]"
    else:  # numbers, true, false, null
        out.append(_compact(to_wire(value)))


def case_message(seq: int, vector: Vector) -> dict[str, Any]:
    return {
        "type": "case",
        "seq": seq,
        "id": vector.id,
        "scheme": vector.scheme,
        "operation": vector.operation,
        "input": to_wire(vector.input),
    }


HELLO = {"type": "hello", "protocol": VERSION}
STOP = {"type": "stop"}


#: The largest seq a response may carry: integers beyond 2**53 - 1 lose precision in many JSON readers.
MAX_SEQ = 2**53 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON leaves duplicate keys undefined and most readers keep the last: a response must not have any."""
    obj = dict(pairs)
    if len(obj) != len(pairs):  # the first key seen twice, named
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ProtocolError(f"duplicate key {key!r} in a JSON object")
            seen.add(key)
    return obj


def _no_constant(name: str) -> Any:
    raise ProtocolError(f"{name} is not JSON (RFC 8259 has no NaN or Infinity)")


def _no_fraction(text: str) -> Any:
    raise ProtocolError(f"number {text[:40]} is not an integer; every number in protocol v1 is an integer")


def _check_strings(value: Any) -> None:
    """A lone surrogate (\\ud800) is valid JSON syntax but no Unicode text: it cannot be compared or reported."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise ProtocolError(f"string with a lone surrogate: {item[:60]!r}")
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


#: The decoder json.loads(line, ...) would build on every call, built once.
_STRICT = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_no_fraction)


def _text(line: bytes | str) -> str:
    """What json.loads decodes before parsing: bytes in the encoding their first bytes show, a str without a BOM."""
    if isinstance(line, bytes):
        # An answer starts with "{" then a byte that is not NUL: json.detect_encoding says UTF-8 without a look.
        utf8 = line[:1] == b"{" and line[1:2] != b"\x00"
        return line.decode("utf-8" if utf8 else json.detect_encoding(line), "surrogatepass")
    if line.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", line, 0)
    return line


def parse_json(line: bytes | str) -> Any:
    """Strict JSON: no duplicate keys, no NaN/Infinity, no fractional numbers, no lone surrogates, no BOM."""
    if isinstance(line, bytes) and line.startswith(b"\xef\xbb\xbf"):
        raise ProtocolError("not JSON: the line starts with a byte order mark (RFC 8259 §8.1)")
    try:
        value = _STRICT.decode(_text(line))
    except (ValueError, RecursionError) as exc:
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        raise ProtocolError(f"not JSON: {text[:200]!r} ({exc})") from None
    if not _cannot_hold_surrogates(line):
        _check_strings(value)
    return value


def _cannot_hold_surrogates(line: bytes | str) -> bool:
    """True when parsing ``line`` cannot have produced a lone surrogate, which would take a ``\\u`` escape, a
    UTF-8-encoded surrogate (json decodes with surrogatepass: bytes ED A0..BF) or UTF-16/32 (NUL bytes)."""
    return isinstance(line, bytes) and b"\\u" not in line and b"\xed" not in line and b"\x00" not in line


def parse_hello(line: bytes | str) -> dict[str, Any]:
    message = parse_json(line)
    _check(_schemas.message("hello-response"), "hello-response", message)
    return message  # type: ignore[no-any-return]


def parse_result(line: bytes | str) -> dict[str, Any]:
    """A result message with its envelope validated (the output is checked by decode_output)."""
    message = parse_json(line)
    if not _plain_answer(message):
        _check(_schemas.message("result"), "result", message)
    return message  # type: ignore[no-any-return]


def _plain_answer(message: Any) -> bool:
    """The usual answer, ``{"type": "result", "seq": N, "output": {...}}``, recognised without the schema: every
    condition here is one of the envelope schema's, so True means valid (tests/test_protocol.py holds it to the
    schema); anything else goes to the schema, which also words what is wrong."""
    return (
        message.__class__ is dict
        and len(message) == 3
        and message.get("type") == "result"
        and message.get("seq").__class__ is int
        and 0 <= message["seq"] <= MAX_SEQ
        and message.get("output").__class__ is dict
    )


def decode_output(scheme: str, operation: str, output: Any) -> dict[str, Any]:
    """Validate an output against its operation's schema and turn its Base64 fields into bytes."""
    label, validator, byte_outputs = _output_rules(scheme, operation)
    _check(validator, label, output)
    decoded = dict(output)
    for name in byte_outputs:
        if name in decoded:
            try:
                decoded[name] = base64.b64decode(decoded[name], validate=True)
            except (binascii.Error, ValueError):  # the schema's pattern lets a final newline through ("$")
                raise ProtocolError(f"invalid {label} ({name}): not padded Base64: {decoded[name][:100]!r}") from None
    return decoded


_OutputRules = tuple[str, jsonschema.Draft202012Validator, tuple[str, ...]]
_output_rules_seen: dict[tuple[str, str], tuple[object, _OutputRules]] = {}


def _output_rules(scheme: str, operation: str) -> _OutputRules:
    """What decoding one operation's output needs, looked up once per registry rather than once per answer (the
    entry holds the registry it was made from, so a rediscovered registry is never answered from an old one)."""
    registry = schemes.all_schemes()
    entry = _output_rules_seen.get((scheme, operation))
    if entry is None or entry[0] is not registry:
        rules = (
            f"{scheme} {operation} output",
            _schemas.message("output", scheme, operation),
            tuple(schemes.operation(scheme, operation).byte_outputs),
        )
        entry = _output_rules_seen[(scheme, operation)] = (registry, rules)
    return entry[1]
