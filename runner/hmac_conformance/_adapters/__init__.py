"""Adapters: how the runner reaches an implementation. The ``--impl`` grammar lives here, once.

reference              the suite's own implementation, in-process
python:MODULE[:ATTR]   a Python object with run_case() (and hello()), in-process
cmd:COMMAND            one process per case (one-shot protocol)
jsonl:COMMAND          one process for the run (JSON lines protocol)
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path

from hmac_conformance._adapters.base import Adapter
from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._adapters.oneshot import OneShotAdapter
from hmac_conformance._adapters.persistent import PersistentAdapter
from hmac_conformance._adapters.process import Command
from hmac_conformance._exceptions import AdapterError, UsageError

#: How each kind of ``--impl`` runs, as reports name it.
MODES = {"reference": "in-process", "python": "in-process", "cmd": "one-shot", "jsonl": "persistent"}


def mode(spec: str) -> str:
    return MODES.get(spec.split(":", 1)[0], "in-process")


def _check_program(spec: str, command: Command) -> None:
    """The program must exist and be executable where the process will look for it (a usage error, not a
    broken adapter: nothing was started)."""
    program = command.argv[0]
    if "/" in program:
        path = Path(program) if os.path.isabs(program) else command.cwd / program
        if not path.is_file():
            raise UsageError(f"--impl {spec!r}: no such program: {path}")
        if not os.access(path, os.X_OK):
            raise UsageError(f"--impl {spec!r}: {path} is not executable")
    elif shutil.which(program, path=command.env.get("PATH", os.defpath)) is None:
        raise UsageError(f"--impl {spec!r}: program {program!r} not found on PATH")


def implementation(
    spec: str,
    *,
    timeout: float = 5.0,
    startup_timeout: float = 30.0,
    jobs: int = 1,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Adapter:
    """Turn an ``--impl`` SPEC into an adapter; UsageError for anything that cannot be started."""
    if spec == "reference":
        return InProcessAdapter("reference", load_target("hmac_conformance._reference"), fork_safe=True)
    kind, sep, rest = spec.partition(":")
    if not sep or not rest.strip():
        raise UsageError(f"--impl {spec!r}: use reference, python:MODULE[:ATTR], cmd:COMMAND or jsonl:COMMAND")
    if kind == "python":
        try:
            return InProcessAdapter(spec, load_target(rest))
        except AdapterError as exc:
            raise UsageError(f"--impl {spec!r}: {exc}") from None
    if kind in ("cmd", "jsonl"):
        command = Command.parse(rest, cwd, dict(env or {}), option=f"--impl {spec!r}")
        _check_program(spec, command)
        if kind == "cmd":
            return OneShotAdapter(spec, command, timeout, jobs)
        return PersistentAdapter(spec, command, timeout, startup_timeout)
    raise UsageError(f"--impl {spec!r}: unknown kind {kind!r} (reference, python:, cmd: or jsonl:)")


def reproduce(spec: str, vector_id: str, vector_paths: tuple[str, ...] = ()) -> str:
    """The command line that reruns one vector against one implementation outside the runner (or, for an
    in-process implementation, through it alone)."""
    where = "".join(f" --vectors {shlex.quote(p)}" for p in vector_paths)
    kind, _, command = spec.partition(":")
    if kind == "cmd":
        return f"hmac-conformance case {shlex.quote(vector_id)}{where} | {command}"
    if kind == "jsonl":
        return f"hmac-conformance case {shlex.quote(vector_id)}{where} --persistent | {command}"
    return f"hmac-conformance run --impl {shlex.quote(spec)}{where} -k {shlex.quote(vector_id)}"
