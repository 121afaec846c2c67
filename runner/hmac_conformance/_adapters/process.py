"""Starting, feeding and killing implementation processes: never through a shell, never left behind."""

from __future__ import annotations

import contextlib
import os
import selectors
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hmac_conformance._exceptions import UsageError

#: The largest response the runner reads; a longer one is an adapter error, not a memory problem.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
#: How much of an implementation's stderr is kept (the end of it) for diagnostics.
STDERR_KEEP = 16 * 1024
#: Variables passed on from the runner's environment; everything else must be given with --env.
PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "JAVA_HOME", "GOCACHE", "CARGO_HOME")


@dataclass(frozen=True)
class Command:
    """What to start: argv (split with shell rules, run without a shell), working directory, environment."""

    argv: tuple[str, ...]
    cwd: Path
    env: Mapping[str, str]

    @classmethod
    def parse(
        cls, text: str, cwd: Path | None = None, extra_env: Mapping[str, str] | None = None, option: str = "command"
    ) -> Command:
        try:
            argv = tuple(shlex.split(text))
        except ValueError as exc:
            raise UsageError(f"{option}: cannot split the command line: {exc}") from None
        if not argv:
            raise UsageError(f"{option}: empty command")
        env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
        env.update(extra_env or {})
        return cls(argv, (cwd or Path.cwd()).resolve(), env)

    def default_identity(self) -> dict[str, str]:
        """Until (unless) the program answers the hello, it is known by its command line."""
        text = shlex.join(self.argv)
        return {"name": text if len(text) <= 80 else text[:79] + "…", "version": "unknown", "language": "unknown"}

    def spawn(self) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(  # noqa: S603 - argv list, no shell: the point of this class
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self.cwd,
                env=dict(self.env),
                start_new_session=True,
            )
        except OSError as exc:
            raise OSError(f"cannot start {self.argv[0]!r}: {exc.strerror or exc}") from None


def kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process and everything it started (its own session), then reap it: no zombies, no orphans."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        try:
            if stream:
                stream.close()
        except OSError:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
        proc.kill()
        proc.wait()


class StderrTail:
    """The last STDERR_KEEP bytes of a process's stderr (a flood costs no memory), read from the pipe ``fd``
    (non-blocking) whenever its owner asks."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd
        self._buf = bytearray()

    def drain(self) -> bool:
        """Read what the pipe holds now, without waiting; False once it has ended (or was closed)."""
        for _ in range(16):  # a pipe holds 64 KiB unless the program asked for more: up to 1 MiB at once
            if self._fd is None:
                return False
            try:
                chunk = os.read(self._fd, 65536)
            except BlockingIOError:
                return True
            except OSError:
                chunk = b""
            if not chunk:
                self._fd = None
                return False
            self._buf += chunk
            if len(self._buf) > 2 * STDERR_KEEP:
                del self._buf[:-STDERR_KEEP]
        return True

    def close(self) -> None:
        """Read no more (the pipe is about to be closed, and its number may be given to another file)."""
        self._fd = None

    def taken(self) -> str:
        """The text read since the last call."""
        data, self._buf = bytes(self._buf[-STDERR_KEEP:]), bytearray()
        return data.decode("utf-8", "replace")

    def take(self) -> str:
        """Everything written so far and not yet taken."""
        self.drain()
        return self.taken()


@dataclass
class Exchange:
    returncode: int | None
    stdout: bytes
    stderr: str
    timed_out: bool = False
    overflow: bool = False


def exchange(command: Command, data: bytes, timeout: float) -> Exchange:
    """Start the command, write ``data`` to stdin, collect stdout/stderr until exit, within ``timeout``."""
    proc = command.spawn()
    assert proc.stdin and proc.stdout and proc.stderr
    deadline = time.monotonic() + timeout
    out = bytearray()
    err = bytearray()
    pending = memoryview(data)
    sel = selectors.DefaultSelector()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        os.set_blocking(stream.fileno(), False)
    sel.register(proc.stdin, selectors.EVENT_WRITE) if pending else proc.stdin.close()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    timed_out = overflow = False
    try:
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            for key, _ in sel.select(left):
                if key.fileobj is proc.stdin:
                    try:
                        written = os.write(proc.stdin.fileno(), pending[:65536])
                        pending = pending[written:]
                    except (BrokenPipeError, BlockingIOError) as exc:
                        if isinstance(exc, BlockingIOError):
                            continue
                        pending = pending[:0]
                    if not pending:
                        sel.unregister(proc.stdin)
                        proc.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                if key.fileobj is proc.stdout:
                    out += chunk
                    if len(out) > MAX_RESPONSE_BYTES:
                        overflow = True
                        break
                else:
                    err += chunk
                    if len(err) > 2 * STDERR_KEEP:
                        del err[:-STDERR_KEEP]
            if overflow:
                break
        if not (timed_out or overflow):
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
    finally:
        sel.close()
        kill(proc)  # reaps it, and ends anything it left running in its session
    return Exchange(
        proc.returncode, bytes(out), bytes(err[-STDERR_KEEP:]).decode("utf-8", "replace"), timed_out, overflow
    )
