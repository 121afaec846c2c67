"""Every file the tool writes goes through here: checked before any work starts, written atomically after.

A report path under a missing folder or over a directory is a usage error found before the first case runs,
not a traceback after a long run; a reader never sees half a file, and nothing is created where the user did
not ask (no folders made on the way).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from hmac_conformance._exceptions import UsageError


def check_writable(label: str, path: Path) -> None:
    """Raise UsageError unless ``path`` can be (over)written as a file; ``label`` is the option and its value
    as the user wrote them (``--report json:out/r.json``)."""
    if path.is_dir():
        raise UsageError(f"{label}: {path} is a directory")
    parent = path.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise UsageError(f"{label}: folder {parent} {what} (create it first)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{label}: folder {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{label}: {path} is not writable")


def check_distinct(outputs: list[tuple[str, Path]]) -> None:
    """Two outputs to one file would silently keep only the last; ``outputs`` are (label, path) pairs."""
    seen: dict[Path, str] = {}
    for label, path in outputs:
        key = path.resolve()
        if key in seen:
            raise UsageError(f"{label}: the same file as {seen[key]}")
        seen[key] = label


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename it into place (permissions as open() gives)."""
    write_chunks(path, (text,))


def write_chunks(path: Path, chunks: Iterable[str], end: str = "") -> None:
    """``write_text`` of text produced piece by piece (then ``end``): a large output is never held whole, and a
    failure while producing it leaves the old file, never half a new one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.writelines(chunks)
            stream.write(end)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
