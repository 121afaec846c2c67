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
    """A parsed file: its value and the (line, column) of every node, keyed by JSON path."""

    path: Path
    value: Any
    marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

    def line_of(self, at: JsonPath) -> int | None:
        """The line of the nearest node at or above ``at``."""
        at = tuple(at)
        while True:
            if at in self.marks:
                return self.marks[at][0]
            if not at:
                return None
            at = at[:-1]


#: Characters YAML does not allow in a stream (PyYAML would refuse them without a line number).
_NON_PRINTABLE = Reader.NON_PRINTABLE

#: libyaml's event parser (C) when PyYAML has it, twenty times faster than the pure-Python one; the events are
#: the same, and this module builds and checks values from them either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = Resolver()
_constructor = SafeConstructor()


def _plain_value(node: ScalarNode) -> Any:
    tag = _resolver.resolve(ScalarNode, node.value, (True, False))
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
        return node.value
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(node.value) > MAX_NUMBER_CHARS:
        # PyYAML builds 1:59:59:... (base 60) and 0b/0x/0o integers in quadratic time, and an integer of more
        # than 4300 digits cannot even be printed in an error message.
        raise ValueError(f"a number of {len(node.value)} characters; put it in quotes if it is text")
    value = _constructor.construct_object(ScalarNode(tag, node.value))
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


def load(path: Path, raw: bytes | None = None) -> Document:
    """Parse one YAML file into a Document, or raise YamlError naming the line."""
    if raw is None:
        raw = path.read_bytes()
    text = _check_bytes(path, raw)
    doc = Document(path=path, value=None)
    # Stack of containers under construction: (container, json path, pending mapping key or None).
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
            doc.marks[()] = (mark.line + 1, mark.column + 1)
            root_set = True
            return
        frame = stack[-1]
        container, cpath = frame[0], frame[1]
        if isinstance(container, list):
            child = (*cpath, len(container))
            container.append(value)
            doc.marks[child] = (mark.line + 1, mark.column + 1)
            return
        if frame[2] is None:  # this value is a key
            if not is_key_candidate or not isinstance(value, str | int | bool | type(None)):
                raise fail(mark, "mapping keys must be plain strings")
            key = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
            if key == "<<":
                raise fail(mark, "merge keys (<<) are not allowed in vector files")
            if key in container:
                first = doc.marks.get((*cpath, key))
                where = f" (first at line {first[0]})" if first else ""
                raise fail(mark, f"duplicate key {key!r}{where}")
            frame[2] = key
            doc.marks[(*cpath, key)] = (mark.line + 1, mark.column + 1)
            return
        container[frame[2]] = value
        frame[2] = None

    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise fail(event.start_mark, "YAML aliases (*name) are not allowed in vector files")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise fail(event.start_mark, f"YAML anchors (&{anchor}) are not allowed in vector files")
            if getattr(event, "tag", None) is not None:
                raise fail(event.start_mark, f"explicit YAML tag {event.tag} is not allowed in vector files")
            if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise fail(event.start_mark, f"more than {MAX_NODES} values in one file")
            if isinstance(event, yaml.ScalarEvent):
                if not event.style:  # plain: None from the Python parser, "" from libyaml
                    try:
                        value = _plain_value(ScalarNode("", event.value))
                    except (ValueError, OverflowError) as exc:  # e.g. an impossible date "2024-02-30"
                        shown = event.value if len(event.value) <= 60 else event.value[:50] + "…"
                        raise fail(event.start_mark, f"invalid YAML value {shown!r}: {exc}") from None
                else:
                    value = event.value
                in_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None
                attach(value, event.start_mark, is_key_candidate=in_key)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise fail(event.start_mark, f"data nested deeper than {MAX_DEPTH} levels")
                if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                    raise fail(event.start_mark, "mapping keys must be plain strings")
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                attach(container, event.start_mark, is_key_candidate=False)
                if stack:
                    parent = stack[-1]
                    if isinstance(parent[0], list):
                        cpath = (*parent[1], len(parent[0]) - 1)
                    else:
                        cpath = (*parent[1], _last_key(parent[0]))
                else:
                    cpath = ()
                stack.append([container, cpath, None])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
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


def _last_key(mapping: dict[str, Any]) -> str:
    return next(reversed(mapping))
