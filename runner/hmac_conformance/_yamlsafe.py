"""A strict, bounded YAML reader that keeps the line of every value.

PyYAML's loaders silently keep the last of duplicate keys, expand aliases (billion laughs), honour merge keys
and build arbitrary objects from tags. Vector files are data written by many hands, so this reader builds
plain values straight from the parser's event stream and refuses everything a data file does not need:
anchors and aliases, explicit tags, merge keys, duplicate keys, tabs, a BOM, NUL and non-UTF-8 bytes, and
nesting or size beyond fixed limits. Plain (unquoted) scalars keep YAML's implicit typing (``yes`` is a
boolean, ``0755`` an integer, ``2024-01-01`` a date) so that the schema can reject them where a string is
required.

The optional C composer (runner/native/) builds the same values from the same libyaml events, three times
faster; it hands back every file this module would refuse or treat specially, so every error is worded here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
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
_PRINTABLE_ASCII = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])

#: libyaml's event parser (C) when PyYAML has it, five times faster than the pure-Python one; the events are
#: the same, and this module builds and checks values from them either way.
WITH_LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))
_resolver = Resolver()
_constructor = SafeConstructor()


def _typed_first(resolvers: dict[Any, Any]) -> bytes | None:
    """The characters that may begin a plain scalar of another type than text: the resolver tries its implicit
    types (numbers, booleans, null...) by the scalar's first character, so a plain scalar that begins with any
    other is text. None where that cannot be said of one ASCII character (a resolver for every scalar, or one
    keyed by a character beyond ASCII): then every plain scalar is resolved."""
    first = [key for key in resolvers if key != ""]
    if not all(isinstance(key, str) and len(key) == 1 and key.isascii() for key in first):
        return None
    return "".join(sorted(first)).encode("ascii")


#: What the C composer asks ``_plain_value`` about: it composes a plain scalar that begins otherwise as text.
_TYPED_FIRST = _typed_first(_resolver.yaml_implicit_resolvers)

try:  # the optional accelerator (runner/native/): this module's composer in C, over the same libyaml events
    import _hmac_conformance_native as NATIVE
except ImportError:  # pragma: no cover - the native composer is not installed: compose in Python
    NATIVE = None


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
    # Nearly every file is ASCII: then deleting the printable bytes leaves nothing, ten times faster than the
    # search, which runs only to find what is left (the same set: every other character is beyond ASCII).
    special = None if text.isascii() and not raw.translate(None, _PRINTABLE_ASCII) else _NON_PRINTABLE.search(text)
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
    limit = depth if depth is not None else MAX_DEPTH + 1  # a path is one longer than its container's
    if libyaml and NATIVE is not None:
        # The C composer answers exactly as the loop below for a file that loop accepts, and None for any other
        # (an error, an anchor, a tag, an odd key...), which the loop then refuses in its own words.
        composed = NATIVE.compose(text, limit, MAX_DEPTH, MAX_NODES, _plain_value, _TYPED_FIRST)
        if composed is not None:
            return Document(path=path, value=composed[0], marks=composed[1], depth=depth)
    doc = Document(path=path, value=None, depth=depth)
    marks = doc.marks
    # The container under construction is held in locals (the hot loop reads them for every value): ``top``
    # (None at the root), whether it is a mapping, its pending key (None: the next scalar is a key), its JSON
    # path and whether its items' positions are recorded. ``enclosing`` keeps the frames of those around it.
    top: Any = None
    top_is_dict = False
    pending: str | None = None
    top_path: JsonPath = ()
    record = False
    enclosing: list[tuple[Any, bool, str | None, JsonPath, bool]] = []
    root_set = False
    nodes = 0

    def fail(mark: Any, message: str) -> YamlError:
        line = mark.line + 1 if mark is not None else 1  # every problem names a line: 1 for the whole file
        col = mark.column + 1 if mark is not None else None
        return YamlError(Problem(path, line, message, column=col))

    parser = _parser(text, libyaml)
    get_event = parser.get_event
    try:
        while (event := get_event()) is not None:
            kind = event.__class__
            if kind is _MAPPING_END or kind is _SEQUENCE_END:
                top, top_is_dict, pending, top_path, record = enclosing.pop()
                continue
            if kind is _ALIAS:
                raise fail(event.start_mark, "YAML aliases (*name) are not allowed in vector files")
            if kind is not _SCALAR and kind is not _MAPPING_START and kind is not _SEQUENCE_START:
                continue  # stream and document boundaries
            if event.anchor is not None:
                raise fail(event.start_mark, f"YAML anchors (&{event.anchor}) are not allowed in vector files")
            if event.tag is not None:
                raise fail(event.start_mark, f"explicit YAML tag {event.tag} is not allowed in vector files")
            nodes += 1
            if nodes > MAX_NODES:
                raise fail(event.start_mark, f"more than {MAX_NODES} values in one file")
            if kind is _SCALAR:
                if not event.style:  # plain: None from the Python parser, "" from libyaml
                    try:
                        value = _plain_value(event.value)
                    except (ValueError, OverflowError) as exc:  # e.g. an impossible date "2024-02-30"
                        shown = event.value if len(event.value) <= 60 else event.value[:50] + "…"
                        raise fail(event.start_mark, f"invalid YAML value {shown!r}: {exc}") from None
                else:
                    value = event.value
                if top_is_dict:
                    if pending is not None:
                        top[pending] = value
                        pending = None
                        continue
                    mark = event.start_mark
                    if value.__class__ is str:  # nearly every key: one test (a union built per key cost 0.15 µs)
                        key = value
                    elif isinstance(value, _KEY_TYPES):
                        key = str(value).lower() if isinstance(value, bool) else str(value)
                    else:
                        raise fail(mark, "mapping keys must be plain strings")
                    if key == "<<":
                        raise fail(mark, "merge keys (<<) are not allowed in vector files")
                    if key in top:
                        first = marks.get((*top_path, key))
                        where = f" (first at line {first[0]})" if first else ""
                        raise fail(mark, f"duplicate key {key!r}{where}")
                    pending = key
                    if record:
                        marks[(*top_path, key)] = (mark.line + 1, mark.column + 1)
                elif top is not None:
                    if record:
                        mark = event.start_mark
                        marks[(*top_path, len(top))] = (mark.line + 1, mark.column + 1)
                    top.append(value)
                else:
                    _set_root(doc, value, event.start_mark, root_set, fail)
                    root_set = True
                continue
            # the start of a mapping or a sequence
            if len(enclosing) >= MAX_DEPTH:
                raise fail(event.start_mark, f"data nested deeper than {MAX_DEPTH} levels")
            if top_is_dict and pending is None:
                raise fail(event.start_mark, "mapping keys must be plain strings")
            container: Any = {} if kind is _MAPPING_START else []
            if top_is_dict:
                top[pending] = container
                path_of = (*top_path, pending)
            elif top is not None:
                path_of = (*top_path, len(top))
                if record:
                    mark = event.start_mark
                    marks[path_of] = (mark.line + 1, mark.column + 1)
                top.append(container)
            else:
                _set_root(doc, container, event.start_mark, root_set, fail)
                root_set = True
                path_of = ()
            enclosing.append((top, top_is_dict, None, top_path, record))
            top, top_is_dict, pending, top_path, record = (
                container, kind is _MAPPING_START, None, path_of, len(path_of) < limit
            )  # fmt: skip
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise fail(mark, f"invalid YAML: {message}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlError(Problem(path, 1, f"invalid YAML: {exc}")) from None
    if not root_set:
        raise YamlError(Problem(path, 1, "file is empty"))
    return doc


def _set_root(doc: Document, value: Any, mark: Any, root_set: bool, fail: Callable[[Any, str], YamlError]) -> None:
    """The file's one value, at the root; a second root value is a second document."""
    if root_set:
        raise fail(mark, "more than one YAML document in the file")
    doc.value = value
    doc.marks[()] = (mark.line + 1, mark.column + 1)


#: What a plain scalar may be to serve as a key (as its text): a string, or a number, boolean or null written plainly.
_KEY_TYPES = (str, int, bool, type(None))
_SCALAR = yaml.ScalarEvent
_ALIAS = yaml.AliasEvent
_MAPPING_START = yaml.MappingStartEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent
