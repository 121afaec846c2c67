"""Synthetic corpora for the benchmark: the suite's own vectors, copied under new ids, spread over many files.

A corpus of N vectors is made of *units*: runs of up to ``PER_FILE`` consecutive vectors of one vector file,
written as a file of their own under the file's header. Each copy of the suite is every unit once, in an
order shuffled with a fixed seed, so a small corpus is a realistic sample of every scheme, operation and size
(1 MiB messages included) and a large one holds each real vector about N / 6000 times. A copy's vectors get
``.c<copy>`` appended to their ids, so ids stay unique and keep the ``scheme/group/name`` shape the schemes'
lints check; nothing else is changed, so every copy is as valid as the original.

The text is copied, not re-serialised: quoting styles, comments and flow mappings stay what people write.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

#: Vectors per corpus file (the suite averages about 100; a corpus of many small files is the harder case).
PER_FILE = 50
SEED = 20240601
_ID_LINE = re.compile(r"^  - id: ([a-z0-9][a-z0-9./_-]*)$", re.MULTILINE)


@dataclass(frozen=True)
class Unit:
    """Up to PER_FILE vectors of one source file, as text ready to be re-id'd."""

    scheme: str
    stem: str
    header: str
    chunks: tuple[str, ...]


@dataclass(frozen=True)
class Corpus:
    root: Path
    vectors: int
    files: int
    bytes: int


def _split(path: Path) -> tuple[str, str, list[str]]:
    """(scheme, header up to ``vectors:``, one text chunk per vector) of a vector file."""
    text = path.read_text(encoding="utf-8")
    head_end = text.index("\nvectors:\n") + len("\nvectors:\n")
    header, body = text[:head_end], text[head_end:]
    scheme = re.search(r"^scheme: (\S+)$", header, re.MULTILINE)
    if scheme is None:
        raise ValueError(f"{path}: no scheme line")
    starts = [m.start() for m in _ID_LINE.finditer(body)]
    return scheme.group(1), header, [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]


def units(source: Path) -> list[Unit]:
    """Every unit of the vector files under ``source``, in file order."""
    out = []
    for path in sorted(source.rglob("*.yaml")):
        scheme, header, chunks = _split(path)
        for start in range(0, len(chunks), PER_FILE):
            out.append(Unit(scheme, path.stem, header, tuple(chunks[start : start + PER_FILE])))
    return out


def _reid(chunk: str, copy: int) -> str:
    return _ID_LINE.sub(lambda m: f"  - id: {m.group(1)}.c{copy}", chunk, count=1)


def write(source: Path, dest: Path, count: int, seed: int = SEED) -> Corpus:
    """Write a corpus of exactly ``count`` vectors under ``dest`` (which must be empty or absent)."""
    pool = units(source)
    if not pool:
        raise ValueError(f"no vector files under {source}")
    written = files = size = 0
    copy = 0
    while written < count:
        order = list(range(len(pool)))
        random.Random(seed + copy).shuffle(order)  # noqa: S311 - a reproducible order, not a secret
        for index in order:
            if written >= count:
                break
            unit = pool[index]
            chunks = unit.chunks[: count - written]
            # One folder per unit: a Standard Webhooks file must be named after its group, so names repeat.
            folder = dest / f"c{copy:03d}" / unit.scheme / f"u{index:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            text = unit.header + "".join(_reid(c, copy) for c in chunks)
            (folder / f"{unit.stem}.yaml").write_text(text, encoding="utf-8")
            written += len(chunks)
            files += 1
            size += len(text.encode("utf-8"))
        copy += 1
    return Corpus(dest, written, files, size)
