"""A strict, bounded YAML reader that keeps the line of every value.

PyYAML's loaders silently keep the last of duplicate keys, expand aliases (billion laughs), honour merge keys
and build arbitrary objects from tags. Vector files are data written by many hands, so this reader builds
plain values straight from the parser's event stream and refuses everything a data file does not need:
anchors and aliases, explicit tags, merge keys, duplicate keys, tabs, a BOM, NUL and non-UTF-8 bytes, and
nesting or size beyond fixed limits. Plain (unquoted) scalars keep YAML's implicit typing (``yes`` is a
boolean, ``0755`` an integer, ``2024-01-01`` a date) so that the schema can reject them where a string is
required.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.reader import Reader
from yaml.resolver import Resolver

from hmac_conformance._exceptions import YamlError
from hmac_conformance._model import Problem

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 100_000
MAX_NUMBER_CHARS = 100

JsonPath = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed file: its value and the (line, column) of every node, keyed by JSON path (of the nodes at most
    ``depth`` deep, when it is set: the others are found, by parsing the text again, when first asked for)."""

    path: Path
    value: Any
    marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    depth: int | None = None
    text: str = field(default="", repr=False)

    def line_of(self, at: JsonPath) -> int | None:
        """The line of the nearest node at or above ``at``."""
        at = tuple(at)
        if self.depth is not None and len(at) > self.depth:
            self.marks, self.depth = _parse(self.path, self.text, WITH_LIBYAML, None).marks, None
        while True:
            if at in self.marks:
                return self.marks[at][0]
            if not at:
                return None
            at = at[:-1]


#: Characters YAML does not allow in a stream (PyYAML would refuse them without a line number).
_NON_PRINTABLE = Reader.NON_PRINTABLE

#: libyaml's event parser (C) when PyYAML has it, five times faster than the pure-Python one; the events are
#: the same, and this module builds and checks values from them either way.
WITH_LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))
_resolver = Resolver()
_constructor = SafeConstructor()


def _parser(text: str, libyaml: bool) -> Any:
    """An event source with ``get_event()`` (None after the stream's end)."""
    if libyaml:
        from yaml._yaml import CParser  # noqa: PLC0415 - present exactly when WITH_LIBYAML

        return CParser(text)
    return yaml.SafeLoader(text)


@functools.lru_cache(maxsize=4096)
def _plain_value(text: str) -> Any:
    """The value of a plain scalar (cached: keys and small values repeat in every vector; each is immutable)."""
    tag = _resolver.resolve(ScalarNode, text, (True, False))
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
        return text
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(text) > MAX_NUMBER_CHARS:
        # PyYAML builds 1:59:59:... (base 60) and 0b/0x/0o integers in quadratic time, and an integer of more
        # than 4300 digits cannot even be printed in an error message.
        raise ValueError(f"a number of {len(text)} characters; put it in quotes if it is text")
    value = _constructor.construct_object(ScalarNode(tag, text))
    return value  # int, float, bool, None or a date: the schema rejects each where a string is due


def _check_bytes(path: Path, raw: bytes) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise YamlError(Problem(path, 1, f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlError(Problem(path, 1, "file starts with a byte order mark; save it as UTF-8 without BOM"))
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise YamlError(Problem(path, line, "NUL byte in file; write bytes as {hex: ...} instead"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlError(Problem(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")) from None
    tab = text.find("\t")
    if tab >= 0:
        line = text.count("\n", 0, tab) + 1
        raise YamlError(
            Problem(path, line, "tab character; indent with spaces, write a tab in data as \\t in double quotes")
        )
    special = _NON_PRINTABLE.search(text)
    if special:
        line = text.count("\n", 0, special.start()) + 1
        code = ord(special.group())
        message = f"non-printable character U+{code:04X}; YAML does not allow it: write bytes as {{hex: ...}}"
        raise YamlError(Problem(path, line, message))
    return text


def load(path: Path, raw: bytes | None = None, *, libyaml: bool | None = None, depth: int | None = None) -> Document:
    """Parse one YAML file into a Document, or raise YamlError naming the line. ``libyaml`` chooses the event
    parser (default: the C one when PyYAML has it); both give the same Document or the same error. ``depth``:
    record the position of the nodes at most this deep only (the others cost nearly half the parse, and a
    valid file's deeper lines are seldom asked for); the Document finds the rest when asked, and an error is
    the same as without it."""
    if raw is None:
        raw = path.read_bytes()
    text = _check_bytes(path, raw)
    chosen = WITH_LIBYAML if libyaml is None else libyaml
    if depth is None:
        return _parse(path, text, chosen, None)
    try:
        doc = _parse(path, text, chosen, depth)
    except YamlError:
        return _parse(path, text, chosen, None)  # raises the same error, its message complete (a first line)
    doc.text = text
    return doc


def _parse(path: Path, text: str, libyaml: bool, depth: int | None) -> Document:
    doc = Document(path=path, value=None, depth=depth)
    marks = doc.marks
    limit = depth if depth is not None else MAX_DEPTH + 1  # a path is one longer than its container's
    # Stack of containers under construction: (container, json path, pending mapping key or None, whether the
    # positions of its items are recorded).
    stack: list[list[Any]] = []
    root_set = False
    nodes = 0

    def fail(mark: Any, message: str) -> YamlError:
        line = mark.line + 1 if mark is not None else 1  # every problem names a line: 1 for the whole file
        col = mark.column + 1 if mark is not None else None
        return YamlError(Problem(path, line, message, column=col))

    def attach(value: Any, mark: Any, is_key_candidate: bool) -> None:
        nonlocal root_set
        if not stack:
            if root_set:
                raise fail(mark, "more than one YAML document in the file")
            doc.value = value
            marks[()] = (mark.line + 1, mark.column + 1)
            root_set = True
            return
        frame = stack[-1]
        container, cpath = frame[0], frame[1]
        if container.__class__ is list:
            if frame[3]:
                marks[(*cpath, len(container))] = (mark.line + 1, mark.column + 1)
            container.append(value)
            return
        if frame[2] is None:  # this value is a key
            if not is_key_candidate or not isinstance(value, str | int | bool | type(None)):
                raise fail(mark, "mapping keys must be plain strings")
            key = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
            if key == "<<":
                raise fail(mark, "merge keys (<<) are not allowed in vector files")
            if key in container:
                first = marks.get((*cpath, key))
                where = f" (first at line {first[0]})" if first else ""
                raise fail(mark, f"duplicate key {key!r}{where}")
            frame[2] = key
            if frame[3]:
                marks[(*cpath, key)] = (mark.line + 1, mark.column + 1)
            return
        container[frame[2]] = value
        frame[2] = None

    parser = _parser(text, libyaml)
    get_event = parser.get_event
    try:
        while (event := get_event()) is not None:
            kind = event.__class__
            if kind is _SCALAR or kind is _MAPPING_START or kind is _SEQUENCE_START:
                if event.anchor is not None:
                    raise fail(event.start_mark, f"YAML anchors (&{event.anchor}) are not allowed in vector files")
                if event.tag is not None:
                    raise fail(event.start_mark, f"explicit YAML tag {event.tag} is not allowed in vector files")
                nodes += 1
                if nodes > MAX_NODES:
                    raise fail(event.start_mark, f"more than {MAX_NODES} values in one file")
            elif kind is _ALIAS:
                raise fail(event.start_mark, "YAML aliases (*name) are not allowed in vector files")
            if kind is _SCALAR:
                if not event.style:  # plain: None from the Python parser, "" from libyaml
                    try:
                        value = _plain_value(event.value)
                    except (ValueError, OverflowError) as exc:  # e.g. an impossible date "2024-02-30"
                        shown = event.value if len(event.value) <= 60 else event.value[:50] + "…"
                        raise fail(event.start_mark, f"invalid YAML value {shown!r}: {exc}") from None
                else:
                    value = event.value
                in_key = bool(stack) and stack[-1][0].__class__ is dict and stack[-1][2] is None
                attach(value, event.start_mark, is_key_candidate=in_key)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                if len(stack) >= MAX_DEPTH:
                    raise fail(event.start_mark, f"data nested deeper than {MAX_DEPTH} levels")
                if stack and stack[-1][0].__class__ is dict and stack[-1][2] is None:
                    raise fail(event.start_mark, "mapping keys must be plain strings")
                container: Any = {} if kind is _MAPPING_START else []
                attach(container, event.start_mark, is_key_candidate=False)
                if stack:
                    parent = stack[-1]
                    if parent[0].__class__ is list:
                        cpath = (*parent[1], len(parent[0]) - 1)
                    else:
                        cpath = (*parent[1], _last_key(parent[0]))
                else:
                    cpath = ()
                stack.append([container, cpath, None, len(cpath) < limit])
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise fail(mark, f"invalid YAML: {message}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlError(Problem(path, 1, f"invalid YAML: {exc}")) from None
    if not root_set:
        raise YamlError(Problem(path, 1, "file is empty"))
    return doc


_SCALAR = yaml.ScalarEvent
_ALIAS = yaml.AliasEvent
_MAPPING_START = yaml.MappingStartEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent


def _last_key(mapping: dict[str, Any]) -> str:
    return next(reversed(mapping))
