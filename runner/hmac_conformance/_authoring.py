"""Authoring vectors: a skeleton in the right file (``vectors new``), and the expected values filled in (``vectors
fill``), both written as text into the file so that every other byte — comments, key order, quoting — stays.

No round-trip YAML library is needed: the strict loader already knows the line of every key, a vector ends where
the next one begins, and what is added is a block of new lines. Each edit is checked by loading the new text
with the strict loader and comparing it with the old: nothing but the new vector (or the new ``expected``) may
differ, or nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance import schemes
from hmac_conformance._exceptions import UsageError, YamlError
from hmac_conformance._load import _build, vector_files
from hmac_conformance._model import Problem, Vector, fresh_copy
from hmac_conformance._outputs import write_text

#: A file a tool writes says so in its first lines; it is regenerated, never edited.
GENERATED_MARK = re.compile(r"^#.*\b(?:do not edit by hand|[Gg]enerated by|[Ww]ritten by) ", re.MULTILINE)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)+")
TODO = "TODO: the one bug this vector catches"


# -- reading a file as text and as data --------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One vector file: its text (as lines, each with its end) and the strict loader's reading of it."""

    path: Path
    lines: tuple[str, ...]
    doc: yamlsafe.Document

    @classmethod
    def read(cls, path: Path) -> Source:
        raw = path.read_bytes()
        try:
            doc = yamlsafe.load(path, raw)
        except YamlError as exc:
            raise UsageError(str(exc.problem)) from None
        if not isinstance(doc.value, dict) or not isinstance(doc.value.get("vectors"), list):
            raise UsageError(f"{path}: not a vector file (no vectors: list)")
        return cls(path, tuple(raw.decode("utf-8").splitlines(keepends=True)), doc)

    @property
    def vectors(self) -> list[dict[str, Any]]:
        return self.doc.value["vectors"]

    def generated_by(self) -> str | None:
        return generated_by("".join(self.lines[:5]))

    def indent(self, index: int) -> int:
        """The column of the keys of vector ``index`` (0-based)."""
        return self.doc.marks[("vectors", index)][1] - 1

    def end(self, index: int) -> int:
        """The number of the last line of vector ``index`` (1-based): before the next vector or top-level key,
        without the blank and comment lines that lead into it."""
        start = self.doc.marks[("vectors", index)][0]
        boundaries = [line for at, (line, _) in self.doc.marks.items() if len(at) == 1 and line > start]
        if ("vectors", index + 1) in self.doc.marks:
            boundaries.append(self.doc.marks[("vectors", index + 1)][0])
        end = min(boundaries) - 1 if boundaries else len(self.lines)
        last_key = max(line for at, (line, _) in self.doc.marks.items() if at[:2] == ("vectors", index))
        while end > last_key and (not self.lines[end - 1].strip() or self.lines[end - 1].lstrip().startswith("#")):
            end -= 1
        return end

    def block(self, index: int, key: str) -> list[str]:
        """The lines of one key of vector ``index`` and its value, as written."""
        at = ("vectors", index, key)
        first = self.doc.marks[at][0]
        siblings = [line for k, (line, _) in self.doc.marks.items() if len(k) == 3 and k[:2] == at[:2]]
        following = [line for line in siblings if line > first]
        last = min(following) - 1 if following else self.end(index)
        while last > first and not self.lines[last - 1].strip():
            last -= 1
        return list(self.lines[first - 1 : last])


def generated_by(head: str) -> str | None:
    """The tool a file's first lines say wrote it, or None for a hand-written file."""
    match = GENERATED_MARK.search(head)
    return head[match.start() : head.index("\n", match.start())].lstrip("# ").strip() if match else None


def _head(path: Path) -> str:
    """A file's first lines, without parsing it: enough to see whether a tool wrote it."""
    with path.open(encoding="utf-8") as stream:
        return "".join(stream.readline() for _ in range(5))


def _reread(path: Path, text: str) -> yamlsafe.Document:
    try:
        return yamlsafe.load(path, text.encode("utf-8"))
    except YamlError as exc:  # the edit made the file unreadable: a defect here, never written
        raise UsageError(f"{path}: the edit would not load ({exc.problem}); nothing written") from None


# -- writing YAML values ----------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def quoted(text: str) -> str:
    """A YAML double-quoted scalar for ``text``: printable characters as they are, the rest escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable() and ch != "\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def byte_string(data: bytes) -> str:
    """``{utf8: "…"}`` for text a reader can check by eye, ``{hex: "…"}`` for everything else."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return f'{{hex: "{data.hex()}"}}'
    readable = all(ch.isprintable() or ch in "\n\r\t" for ch in text) and "\ufeff" not in text
    return f"{{utf8: {quoted(text)}}}" if readable else f'{{hex: "{data.hex()}"}}'


def flow(value: Any) -> str:
    """A value in YAML flow style, as the vector files write nested values."""
    if isinstance(value, bytes):
        return byte_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} in a vector file")


def expected_block(expected: Mapping[str, Any], indent: int) -> str:
    pad = " " * indent
    return f"{pad}expected:\n" + "".join(f"{pad}  {key}: {flow(value)}\n" for key, value in expected.items())


# -- vectors fill -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filled:
    """One vector's outcome: the expected value written, or why not."""

    id: str
    path: Path
    line: int
    expected: Mapping[str, Any] | None
    problems: tuple[str, ...]

    def describe(self) -> str:
        if self.problems:
            return "; ".join(self.problems)
        assert self.expected is not None
        if self.expected.get("valid") is False:
            return f"rejected for {self.expected.get('reason')}: the one defect, confirmed independently"
        if "refused" in self.expected:
            return f"refused: {self.expected['refused']}, confirmed independently"
        return "computed by the reference, confirmed by the independent implementation"


def _unfilled(source: Source) -> list[int]:
    return [i for i, raw in enumerate(source.vectors) if isinstance(raw, dict) and "expected" not in raw]


def _compute(source: Source, index: int) -> Filled:
    """The reference's expected value for one vector without one, held to the scheme's own checks (the
    independent implementation, the one-defect rule) exactly as ``validate`` will hold it."""
    raw = source.vectors[index]
    ident = str(raw.get("id", f"vector {index + 1}"))
    line = source.doc.marks[("vectors", index)][0]
    scheme = source.doc.value.get("scheme")
    try:
        operation = schemes.operation(scheme, raw.get("operation"))
    except KeyError:
        return Filled(ident, source.path, line, None, (f"no operation {raw.get('operation')!r} in scheme {scheme!r}",))
    problems: list[Problem] = []
    vector = _build(source.doc, index, fresh_copy({**raw, "expected": {}}), problems)  # the document is kept
    if vector is None:
        return Filled(ident, source.path, line, None, tuple(p.message for p in problems))
    try:
        expected = schemes.get(scheme).reference(vector.operation, vector.input)
    except Exception as exc:  # noqa: BLE001 - an input the reference cannot take is reported, not raised
        return Filled(ident, source.path, line, None, (f"the reference cannot compute it: {exc}",))
    checked = replace(vector, expected=expected)
    found = tuple(operation.check(checked))
    return Filled(ident, source.path, line, None if found else expected, found)


def _with_expected(doc: yamlsafe.Document, index: int, expected: dict[str, Any]) -> Any:
    value = dict(doc.value)
    value["vectors"] = [dict(v) if isinstance(v, dict) else v for v in value["vectors"]]
    value["vectors"][index]["expected"] = expected
    return value


def fill_file(path: Path) -> list[Filled]:
    """Fill every vector of ``path`` that has no ``expected``; write the file (atomically) if any was filled."""
    source = Source.read(path)
    outcomes = [_compute(source, i) for i in _unfilled(source)]
    done = {o.line: o for o in outcomes if o.expected is not None}
    if not done:
        return outcomes
    insert: dict[int, str] = {}
    for index in _unfilled(source):
        outcome = done.get(source.doc.marks[("vectors", index)][0])
        if outcome is not None:
            assert outcome.expected is not None
            insert[source.end(index)] = expected_block(outcome.expected, source.indent(index))
    text = "".join(line + insert.get(number, "") for number, line in enumerate(_ended(source.lines), start=1))
    after = _reread(path, text)
    want = source.doc.value
    for index in _unfilled(source):
        outcome = done.get(source.doc.marks[("vectors", index)][0])
        if outcome is not None:
            want = _with_expected(yamlsafe.Document(path, want), index, after.value["vectors"][index].get("expected"))
    if after.value != want:
        raise UsageError(f"{path}: filling would change more than the expected values; nothing written")
    write_text(path, text)
    return outcomes


def _ended(lines: Sequence[str]) -> list[str]:
    """The lines, the last one ended too, so that a block can follow it."""
    return [*lines[:-1], lines[-1] if lines[-1].endswith("\n") else lines[-1] + "\n"] if lines else []


def fill(targets: Sequence[Path] | None) -> list[Filled]:
    outcomes: list[Filled] = []
    for path in vector_files(list(targets) if targets else [paths.VECTORS]):
        outcomes += fill_file(path)
    return outcomes


# -- vectors new ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skeleton:
    path: Path
    line: int
    template: str | None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        n += 1
    return n


def next_since() -> str:
    """The version a new vector is dated with: the suite version being prepared (vectors/VERSION), which must
    not be released yet."""
    version = paths.suite_version()
    manifest, _ = released.read_manifest(released.manifest_path(paths.VECTORS))
    dated, current = released.version_in_preparation(version, manifest)
    if not current:
        raise UsageError(
            f"vectors/VERSION {version} is released; start the next version first (set vectors/VERSION, the package "
            f"version and a CHANGELOG section to it, e.g. {dated})"
        )
    return version


def new(kind: str, ident: str, file: Path | None, load_all: Callable[[], Sequence[Vector]]) -> Skeleton:
    """Append a skeleton vector ``ident`` of ``kind`` (SCHEME/OPERATION) to the right file of the suite."""
    scheme_name, _, op_name = kind.partition("/")
    registered = schemes.all_schemes()
    if scheme_name not in registered or op_name not in registered[scheme_name].operations:
        known = ", ".join(f"{s}/{o}" for s, sch in registered.items() for o in sch.operations)
        raise UsageError(f"vectors new: {kind!r} is not SCHEME/OPERATION; one of {known}")
    if not ID_PATTERN.fullmatch(ident) or not ident.startswith(scheme_name + "/"):
        raise UsageError(f"vectors new: --id {ident!r}: expected {scheme_name}/<group>/<name> in lowercase")
    suite = load_all()
    if any(v.id == ident for v in suite):
        raise UsageError(f"vectors new: --id {ident}: a vector has this id already")
    manifest, _ = released.read_manifest(released.manifest_path(paths.VECTORS))
    if ident in manifest.entries:
        raise UsageError(
            f"vectors new: --id {ident}: released in {manifest.entries[ident].version}; ids are never reused"
        )
    since = next_since()
    same = [v for v in suite if (v.scheme, v.operation) == (scheme_name, op_name)]
    target = file or _choose_file(ident, same)
    if target.exists():
        source = Source.read(target)
        generator = source.generated_by()
        if generator:
            raise UsageError(f"vectors new: {target} is generated ({generator}); give --file a hand-written file")
        if source.doc.value.get("scheme") != scheme_name:
            raise UsageError(f"vectors new: {target} holds {source.doc.value.get('scheme')} vectors, not {scheme_name}")
    templates = sorted(
        (v for v in same if "published" not in v.tags and v.superseded_by is None),
        key=lambda v: (_common_prefix(v.id, ident), v.path.resolve() == target.resolve(), v.line),
    )
    template = templates[-1] if templates else None
    text = _skeleton(ident, op_name, since, template)
    if target.exists():
        existing = Source.read(target)
        before = "".join(_ended(existing.lines))
        doc_before = existing.doc.value
    else:
        before = (
            "# hmac-conformance test vectors. Format: docs/vector-format.md. "
            f"Spec: docs/spec/{scheme_name}.md.\nformat: 1\nscheme: {scheme_name}\n"
            f'description: "{TODO}."\nvectors:\n'
        )
        doc_before = {"format": 1, "scheme": scheme_name, "description": f"{TODO}.", "vectors": []}
    after = _reread(target, before + text)
    if after.value["vectors"][:-1] != doc_before["vectors"] or after.value["vectors"][-1].get("id") != ident:
        raise UsageError(f"vectors new: {target}: the skeleton does not land at the end of its vectors; add it by hand")
    write_text(target, before + text)
    return Skeleton(target, after.marks[("vectors", len(after.value["vectors"]) - 1)][0], template and template.id)


def _choose_file(ident: str, same: Sequence[Vector]) -> Path:
    """The hand-written file whose vectors of this operation share the longest id prefix with the new id."""
    score: dict[Path, int] = {}
    for v in same:
        score[v.path] = max(score.get(v.path, 0), _common_prefix(v.id, ident))
    editable = {p: s for p, s in score.items() if generated_by(_head(p)) is None}
    if not editable:
        raise UsageError(
            "vectors new: every file of this operation is generated; give --file PATH (a new file is made)"
        )
    best = max(editable.values())
    chosen = sorted(p for p, s in editable.items() if s == best)
    if len(chosen) > 1:
        names = ", ".join(str(p) for p in chosen)
        raise UsageError(f"vectors new: {ident} fits {names} equally; choose one with --file")
    return chosen[0]


def _skeleton(ident: str, operation: str, since: str, template: Vector | None) -> str:
    pad = "    "
    lines = [
        "\n",
        f"  - id: {ident}\n",
        f'{pad}description: "{TODO}."\n',
        f"{pad}operation: {operation}\n",
        f"{pad}rules: [{', '.join(template.rules) if template else ''}]\n",
        f"{pad}tags: [{', '.join(t for t in template.tags) if template else ''}]\n",
        f'{pad}since: "{since}"\n',
        f"{pad}source: generated\n",
    ]
    if template is None:
        return "".join([*lines, f"{pad}input: {{}}\n"])
    source = Source.read(template.path)
    index = next(i for i, raw in enumerate(source.vectors) if raw.get("id") == template.id)
    block = source.block(index, "input")
    shift = source.indent(index) - len(pad)
    block = [line[shift:] if shift > 0 and line[:shift].isspace() else (" " * -shift + line) for line in block]
    block[0] = block[0].rstrip("\n") + f"  # from {template.id}: edit\n"
    return "".join(lines + block)


def fill_report(outcomes: Sequence[Filled]) -> str:
    return "".join(f"{o.path}:{o.line}: [{o.id}] {o.describe()}\n" for o in outcomes)
