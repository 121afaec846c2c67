"""A content-hash cache of work whose answer depends only on bytes: a loaded and checked vector file, the
cross-checks of a file's vectors. It can never return a stale answer, because the key is a SHA-256 of
everything the answer depends on: the input's own bytes, the tool's version, the bytes of the runner's source
files, of every registered scheme's source and schema files and of the C composer if installed, the schemas,
and the versions of Python and of the libraries the runner depends on. A changed byte anywhere is a different
key.

Entries live in ``$HMAC_CONFORMANCE_CACHE`` (``off`` disables the cache), else ``$XDG_CACHE_HOME/hmac-conformance``
or ``~/.cache/hmac-conformance``, in one folder per version of the code (the GENERATIONS most recently used are
kept, so the cache does not grow with every edit or upgrade). Each is written atomically and carries a digest
of its payload: an entry that is corrupt, truncated or unreadable is ignored (and rewritten by the caller); a
cache folder that cannot be written only costs the time it would have saved. Unpickling runs code, so a folder
that another user owns or can write to is not used at all, and stderr says so once.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import inspect
import os
import pickle
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from hmac_conformance import _paths as paths
from hmac_conformance import schemes
from hmac_conformance._version import __version__

ENVIRONMENT = "HMAC_CONFORMANCE_CACHE"
_MAGIC = b"hmac-conformance cache 1\n"
_PACKAGE = Path(__file__).resolve().parent


def folder() -> Path | None:
    """Where entries live, or None when the cache is off."""
    chosen = os.environ.get(ENVIRONMENT, "")
    if chosen.strip().lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hmac-conformance"


def _files_under(root: Path) -> Iterable[Path]:
    if root.is_file():
        yield root
    elif root.is_dir():
        yield from (p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _scheme_roots() -> set[Path]:
    """The folders of every registered scheme's code (in-tree or a plug-in elsewhere), its schemas and spec."""
    roots: set[Path] = set()
    for scheme in schemes.all_schemes().values():
        roots.update({scheme.schema_dir, scheme.spec})
        functions = [scheme.reference, scheme.features, scheme.unsupported]
        functions += [value for op in scheme.operations.values() for value in vars(op).values() if callable(value)]
        for function in functions:
            try:
                source = inspect.getsourcefile(function)
            except TypeError:
                continue
            if source:
                roots.add(Path(source).resolve().parent)
    return roots


def _dependency_versions() -> list[str]:
    names = ["hmac-conformance"]
    try:
        names += [r.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
                  for r in metadata.requires("hmac-conformance") or ()]  # fmt: skip
    except metadata.PackageNotFoundError:
        names += ["PyYAML", "jsonschema", "pycryptodome"]
    out = []
    for name in names:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} absent")
    return out


#: The optional native package's modules (runner/native/): the C composer of YAML and Nettle's HMAC. Each answers
#: as the Python code it stands in for, but is code an answer depends on all the same.
NATIVE_MODULES = ("_hmac_conformance_native", "_hmac_conformance_nettle")


def _native_files() -> set[Path]:
    """The files the native modules would be imported from (found, not imported: the key must not depend on
    which of them this process has imported yet)."""
    files = set()
    for name in NATIVE_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.origin and Path(spec.origin).is_file():
            files.add(Path(spec.origin).resolve())
    return files


@functools.cache
def _code_digest(registered: str) -> bytes:
    del registered  # part of the cache key only: another set of schemes is another digest
    digest = hashlib.sha256()
    digest.update(f"{__version__}\n{sys.version}\n{sys.implementation.cache_tag}\n".encode())
    digest.update("\n".join(_dependency_versions()).encode())
    files = _native_files()
    for root in {_PACKAGE, paths.SCHEMA, *_scheme_roots()}:
        files.update(p.resolve() for p in _files_under(root))
    for path in sorted(files):
        digest.update(str(path).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def code_digest() -> bytes:
    """A digest of everything but the input that a cached answer depends on (computed once per process and
    set of registered schemes)."""
    return _code_digest(os.environ.get(schemes.ENVIRONMENT, ""))


#: Generations of entries kept: one per version of the runner's and the schemes' code, the most recently used.
#: An entry is only ever hit by the code that wrote it, so without this bound every edit of the code (or every
#: upgrade) would leave a full set of dead entries behind, and a developer's cache would grow without end.
GENERATIONS = 4
_GENERATION = re.compile(r"[0-9a-f]{16}")
_SHARD = re.compile(r"[0-9a-f]{2}")  # the sub-folders of earlier layouts (in a generation, or in the cache folder)
_ENTRY = re.compile(r"[0-9a-f]{64}|\.[0-9a-f]{16}\..+\.tmp")  # an entry, or a temporary file put() left


def _generation() -> str:
    return code_digest().hex()[:16]


def _entry_path(where: Path, name: str) -> Path:
    """Entries lie directly in their generation's folder: on this kind of disk, making a folder costs more than
    the file put in it, and shard folders were made for most of the files of a cold run."""
    return where / _generation() / name


def start() -> None:
    """Once per command, in the main process before any worker is forked: the code digest is computed (workers
    inherit it), this code's generation is marked as used, and all but the GENERATIONS most recently used
    generations are removed."""
    code_digest()
    where = _usable_folder()
    if where is None:
        return
    current = where / _generation()
    with contextlib.suppress(OSError):  # not made yet: the first put makes it
        os.utime(current)
    _prune(where, current)


#: True while a command that found no entry of this code's loads its files (``loading_files``).
_first_run = False


@contextlib.contextmanager
def loading_files() -> Iterator[bool]:
    """Around a command's loading of its files, its workers forked inside: starts the cache (``start``, whose
    digest the workers inherit) and yields whether this code's generation holds any entry. If it holds none (a first run), no file is looked up until the block ends, in this process
    or a worker: every lookup would miss, at two failed opens and a hash of the file each. Only another command
    writing entries at the same moment could have answered one, and missing that costs time, never a wrong
    answer."""
    global _first_run  # noqa: PLW0603 - the workers forked in the block inherit it
    start()
    found = has_entries()
    _first_run = not found
    try:
        yield found
    finally:
        _first_run = False


def first_run() -> bool:
    """Whether files are being loaded by a command that found no entry of this code's (nothing to look up)."""
    return _first_run


def _prune(where: Path, current: Path) -> None:
    """Keep ``current`` (made by the first put if it is not there yet) and the most recently used other
    generations, GENERATIONS in all; remove the rest, and the shard folders of the earlier layout (without
    generations). Only folders that hold nothing but entries are removed: the cache folder is the user's
    choice, and anything else in it is left alone."""
    try:
        with os.scandir(where) as found:
            folders = [
                (e.stat(follow_symlinks=False).st_mtime, Path(e.path)) for e in found if e.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return
    others = sorted(((t, p) for t, p in folders if _GENERATION.fullmatch(p.name) and p != current), reverse=True)
    doomed = [p for _, p in others[GENERATIONS - 1 :] if _holds_only_entries(p, shards=True)]
    doomed += [p for _, p in folders if _SHARD.fullmatch(p.name) and _holds_only_entries(p, shards=False)]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)  # another command may be removing it too


def _holds_only_entries(folder: Path, *, shards: bool) -> bool:
    """Whether ``folder`` holds only entries: directly, or (``shards``: a generation of an earlier layout) in
    shard folders."""
    try:
        with os.scandir(folder) as found:
            children = list(found)
        for child in children:
            if _ENTRY.fullmatch(child.name) and child.is_file(follow_symlinks=False):
                continue
            if not (shards and _SHARD.fullmatch(child.name) and child.is_dir(follow_symlinks=False)):
                return False
            if not _holds_only_entries(Path(child.path), shards=False):
                return False
    except OSError:
        return False
    return True


def key(kind: str, *parts: bytes) -> str:
    """The entry name for ``kind`` of work on these exact input bytes."""
    digest = hashlib.sha256(kind.encode() + b"\0" + code_digest())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _not_private(st: os.stat_result) -> str | None:
    """Why a folder with this status is not ours alone, or None when it is."""
    if not hasattr(os, "getuid"):  # pragma: no cover - not POSIX: no owner to compare
        return None
    if st.st_uid != os.getuid():
        return "it belongs to another user"
    if st.st_mode & 0o022:
        return f"other users can write to it (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _private(path: Path) -> bool:
    """Unpickling runs code, so entries are read only from folders no other user can write to (the cache folder
    itself is checked by _usable_folder)."""
    try:
        return all(_not_private(part.stat()) is None for part in (path.parent, path.parent.parent))
    except OSError:
        return False


#: Cache folders refused in this process, each named once on stderr.
_refused: set[Path] = set()


def _usable_folder() -> Path | None:
    """The cache folder, or None when the cache is off or the folder is not private: a folder that another user
    owns or can write to is neither read nor written, and stderr says so once (else every run would silently
    be cold, and still pay for writing entries it never reads)."""
    where = folder()
    if where is None:
        return None
    try:
        why = _not_private(where.stat())
    except OSError:
        return where  # not made yet (put makes it private), or unreadable (every access fails quietly)
    if why is None:
        return where
    if where not in _refused:
        _refused.add(where)
        print(
            f"hmac-conformance: the cache folder {where} is not used: {why}, and cache entries run code when "
            f"read. Make it private (chmod go-w), or set {ENVIRONMENT} to another folder.",
            file=sys.stderr,
        )
    return None


def has_entries() -> bool:
    """Whether the cache could answer anything: False when it is off or refused, or holds nothing written by
    this code (a first run, or the first after an upgrade), where asking about each file would only read and
    hash every file for nothing."""
    where = _usable_folder()
    if where is None:
        return False
    try:
        with os.scandir(where / _generation()) as found:
            return next(found, None) is not None
    except OSError:
        return False


def get(name: str) -> Any | None:
    """The cached value, or None when there is none (or it is unreadable, truncated or corrupt, or in a folder
    another user could write to)."""
    where = _usable_folder()
    if where is None:
        return None
    entry = _entry_path(where, name)
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    if not _private(entry):
        return None
    head = len(_MAGIC)
    if blob[:head] != _MAGIC or hashlib.sha256(blob[head + 32 :]).digest() != blob[head : head + 32]:
        return None
    try:
        return pickle.loads(blob[head + 32 :])  # noqa: S301 - our own entry, its digest checked above
    except Exception:  # noqa: BLE001 - an entry that does not unpickle is a miss
        return None


def discard(name: str) -> None:
    """Remove the entry if there is one (a cache that cannot be written is silently not used)."""
    where = _usable_folder()
    if where is not None:
        with contextlib.suppress(OSError):
            _entry_path(where, name).unlink()


def put(name: str, value: Any) -> None:
    """Store ``value`` atomically; a cache that cannot be written is silently not used."""
    where = _usable_folder()
    if where is None:
        return
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    target = _entry_path(where, name)
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{name[:16]}.", suffix=".tmp", dir=target.parent)
        except FileNotFoundError:  # the first entry of its folder: folders are made only then, not on every put
            where.mkdir(mode=0o700, parents=True, exist_ok=True)
            target.parent.mkdir(mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{name[:16]}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
