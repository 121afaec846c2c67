"""Where the suite's data lives: beside the package in a checkout, or inside it in an installed wheel."""

from __future__ import annotations

import functools
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: runner/hmac_conformance/ in a checkout: the data is two levels up, at the repository root.
DATA_ROOT = _PACKAGE / "_data" if (_PACKAGE / "_data").is_dir() else _PACKAGE.parent.parent

VECTORS = DATA_ROOT / "vectors"
SCHEMA = DATA_ROOT / "schema"
SPEC = DATA_ROOT / "docs" / "spec"


def suite_version() -> str:
    """The released suite version recorded in vectors/VERSION."""
    return (VECTORS / "VERSION").read_text(encoding="utf-8").strip()


def in_suite(path: Path) -> bool:
    """Whether ``path`` is one of the suite's own files (under ``VECTORS``, however either is spelled). Its
    folder is resolved once per process (resolving is a system call per part of the path: 30 µs, asked several
    times of every file); a file that is itself a link is resolved every time."""
    if path.name in ("", ".", "..") or path.is_symlink():
        return path.resolve().is_relative_to(_resolved(VECTORS))
    folder = path.parent if path.is_absolute() else Path.cwd() / path.parent  # the folder it names now
    return _folder_in_suite(folder, VECTORS)


@functools.lru_cache(maxsize=1024)
def _folder_in_suite(folder: Path, vectors: Path) -> bool:
    return folder.resolve().is_relative_to(_resolved(vectors))


@functools.lru_cache(maxsize=8)
def _resolved(path: Path) -> Path:
    return path.resolve()
