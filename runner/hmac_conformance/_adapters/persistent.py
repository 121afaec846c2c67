"""Persistent adapter (``jsonl:COMMAND``): one process for the whole run, JSON lines both ways.

Cases are pipelined (up to ``window`` in flight) and matched to answers by ``seq``. Whatever the process
does — hang, crash, close stdout, print garbage, answer twice or with a wrong seq, flood stderr — the run
continues: the case at fault gets an ``error`` response, the process is restarted (hello repeated), and the
cases that were merely in flight with it are sent again. A process that dies is not blamed on a case at once:
it may have died after its last answer, so a case is blamed when it is the oldest in flight at a second
death. A second answer to a case already answered
has no case to blame: it is recorded in ``violations``, which fail the run. After ``max_restarts`` restarts without a single
good answer in between, the implementation is declared broken and every remaining case is an error, so a
run's wall time stays bounded by the timeouts.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import select
import subprocess
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from hmac_conformance import _protocol as protocol
from hmac_conformance._adapters.base import Adapter, unsupported_reason
from hmac_conformance._adapters.oneshot import response_from_message
from hmac_conformance._adapters.process import MAX_RESPONSE_BYTES, Command, StderrTail, kill
from hmac_conformance._exceptions import AdapterError, ProtocolError
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response

_EOF = object()
#: Bytes asked of one read of the implementation's stdout.
_READ_CHUNK = 1 << 16
#: Pieces given to one write (the system's limit, which POSIX puts at 16 or more; Linux's is 1024).
_IOV_MAX = max(16, min(512, os.sysconf("SC_IOV_MAX")))


class _Line(bytes):
    """A stdout line, with the stderr text the program wrote before it."""

    stderr: str

    def __new__(cls, data: bytes, stderr: str) -> _Line:
        line = super().__new__(cls, data)
        line.stderr = stderr
        return line


class _Process:
    """One running implementation, driven by the thread that asks for its answers: no threads of its own.

    ``send`` queues a line; ``next_event`` polls the program's pipes until an event is ready or the time is up,
    writing what is queued as fast as the program reads it and reading its answers and its stderr. Both
    directions go in batches (one write for every queued case, every answer a read returns), and no thread
    switch or lock stands between a case and its answer. Stdout is read before stderr: what a program wrote to
    stderr before an answer is in that pipe by the time the answer has been read, and goes with it.
    """

    def __init__(self, command: Command) -> None:
        self.proc = command.spawn()
        assert self.proc.stdin is not None and self.proc.stdout is not None and self.proc.stderr is not None
        self._in, self._out = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            os.set_blocking(stream.fileno(), False)
        self.stderr = StderrTail(self.proc.stderr.fileno())
        self._ready: deque[Any] = deque()
        self._queued: deque[bytes | memoryview] = deque()  # sent, not yet written
        self._closing = False  # stdin is closed once the queue is written (after the stop)
        self._poll = select.poll()  # not select.select, which fails on descriptors above 1023
        self._poll.register(self._out, select.POLLIN)
        self._err = self.proc.stderr.fileno()
        self._poll.register(self._err, select.POLLIN)  # a program blocked on a full stderr pipe would not answer
        self._reading = True  # until stdout ends (or an answer is too long)
        self._pieces: list[bytes] = []  # the line being received, not yet ended by a newline
        self._size = 0

    def send(self, *pieces: bytes) -> None:
        """Queue one line, given whole or in pieces (a large case's Base64 is a piece: it is never copied)."""
        for piece in pieces:
            if piece:
                self._queued.append(piece)

    def next_event(self, timeout: float) -> Any:
        """A line, a ProtocolError, _EOF, or None on timeout."""
        deadline = time.monotonic() + timeout
        while not self._ready:
            left = deadline - time.monotonic()
            self._pump(max(0.0, left))
            if left <= 0 and not self._ready:
                return None
        return self._ready.popleft()

    def _pump(self, timeout: float) -> bool:
        """Write what is queued, wait up to ``timeout`` for output, and read it; False when none came."""
        if self._write() and self._queued:
            self._poll.register(self._in, select.POLLOUT)
            ready = self._poll.poll(timeout * 1000)
            self._poll.unregister(self._in)
        else:
            ready = self._poll.poll(timeout * 1000)
        fds = {fd for fd, _ in ready}
        if self._reading and self._out in fds:
            self._read()
            return True
        if self._err in fds:
            self._drain_stderr()
        return False

    def _drain_stderr(self) -> None:
        if not self.stderr.drain():
            self._close_stderr()

    def _close_stderr(self) -> None:
        """Read stderr no more: it ended, or the process is about to be killed (and the pipe's number reused)."""
        self.stderr.close()
        if self._err >= 0:
            self._poll.unregister(self._err)
            self._err = -1

    def _write(self) -> bool:
        """Write as much of the queue as the pipe takes; False once stdin is closed."""
        if self.proc.stdin is None or self.proc.stdin.closed:
            return False
        queued = self._queued
        try:
            while queued:
                written = os.writev(self._in, list(itertools.islice(queued, _IOV_MAX)))
                while written:  # drop what was written: whole pieces, then the start of one
                    first = queued[0]
                    if len(first) > written:
                        queued[0] = memoryview(first)[written:]
                        break
                    written -= len(first)
                    queued.popleft()
        except BlockingIOError:
            return True
        except OSError:  # the program closed its stdin or died: its stdout tells the rest
            self._queued.clear()
            self._closing = True
        if self._closing:  # after the stop: a program that reads to the end of its input ends too
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
            return False
        return True

    def _read(self) -> None:
        try:
            chunk = os.read(self._out, _READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        self._drain_stderr()
        if not chunk:
            self._end()
            return
        if b"\n" not in chunk:
            self._pieces.append(chunk)
            self._size += len(chunk)
            if self._size > MAX_RESPONSE_BYTES:
                self._too_long()
            return
        *lines, rest = b"".join([*self._pieces, chunk]).split(b"\n")
        self._pieces, self._size = [rest], len(rest)
        if any(len(line) >= MAX_RESPONSE_BYTES for line in lines):
            self._too_long()
            return
        # What the program wrote to stderr up to an answer belongs to that answer (the first of a read).
        kept = [line for line in lines if line.strip()]
        if kept:
            stderr = self.stderr.taken()
            self._ready.extend(_Line(line + b"\n", stderr if i == 0 else "") for i, line in enumerate(kept))

    def _too_long(self) -> None:
        """An answer over the limit: reported, and nothing more is read from stdout."""
        self._ready.append(ProtocolError("response line longer than 16 MiB"))
        self._stop_reading()

    def _end(self) -> None:
        """Stdout ended. A dying program's last words on stderr (written just after) go with the end."""
        self._stop_reading()  # the poll now watches stderr alone, while it is open
        deadline = time.monotonic() + 0.05
        while self._err >= 0 and (left := deadline - time.monotonic()) > 0 and self._poll.poll(left * 1000):
            self._drain_stderr()
        last = b"".join(self._pieces)
        if last.strip():  # a last line without a newline
            self._ready.append(_Line(last, self.stderr.taken()))
        self._ready.append(_EOF)

    def _stop_reading(self) -> None:
        self._reading = False
        self._poll.unregister(self._out)

    def describe_exit(self) -> str:
        try:
            code = self.proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return "closed stdout but kept running"
        return f"exited with status {code}"

    def stop(self, grace: float = 2.0) -> None:
        """Send the stop and close stdin, read what the program still writes until it exits (within ``grace``
        seconds), then kill it and everything it started."""
        self.send(protocol.encode(protocol.STOP))
        self._closing = True
        deadline = time.monotonic() + grace
        while True:
            self._pump(0.0 if grace <= 0 else min(0.05, max(0.0, deadline - time.monotonic())))
            self._drain_stderr()  # a program blocked writing to a full stderr pipe could not exit
            if self.proc.poll() is not None or time.monotonic() >= deadline:
                break
        while self._reading and self.proc.returncode is not None and self._pump(0.0):
            pass  # what it wrote before it exited
        self._close_stderr()
        kill(self.proc)
        if self._reading:
            self._ready.append(_EOF)
            self._stop_reading()


def _fault(event: Any, proc: _Process, timeout_text: str, exit_suffix: str = "") -> str | None:
    """What went wrong instead of a line arriving, or None when ``event`` is a line."""
    if event is None:
        return timeout_text
    if event is _EOF:
        return f"process {proc.describe_exit()}{exit_suffix}"
    if isinstance(event, Exception):
        return str(event)
    return None


class PersistentAdapter(Adapter):
    def __init__(
        self,
        spec: str,
        command: Command,
        timeout: float,
        startup_timeout: float = 30.0,
        window: int = 64,
        max_restarts: int = 5,
        clock: Callable[[], float] = time.monotonic,
        process: Callable[[Command], Any] | None = None,
    ) -> None:
        self.spec = spec
        self.command = command
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.window = max(1, window)
        self.max_restarts = max_restarts
        #: The clock and the process factory are parameters so that the timing logic can be tested
        #: deterministically (a scripted process on a fake clock) instead of with wall-clock margins.
        self.clock = clock
        self.process = process or _Process
        self.identity = command.default_identity()
        self.proc: _Process | None = None
        self.restarts = 0
        self.broken: str | None = None
        self.violations: list[str] = []

    # -- lifecycle -------------------------------------------------------------------------------------------
    def _launch(self) -> None:
        """Start the process and complete the hello; AdapterError if it cannot."""
        try:
            proc = self.process(self.command)
        except OSError as exc:
            raise AdapterError(str(exc)) from None
        self.proc = proc
        proc.send(protocol.encode(protocol.HELLO))
        event = proc.next_event(self.startup_timeout)
        problem = _fault(event, proc, f"no hello response within {self.startup_timeout:g} s", " before answering hello")
        if problem is None:
            try:
                hello = protocol.parse_hello(event)
            except ProtocolError as exc:
                problem = f"bad hello response: {exc}"
            else:
                self.identity = hello["implementation"]
                self.supports = hello["supports"]
        if problem:
            stderr = proc.stderr.take()
            proc.stop(grace=0)
            self.proc = None
            raise AdapterError(problem + (f"\nstderr:\n{stderr}" if stderr.strip() else ""))

    def start(self) -> None:
        self._launch()

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stop()
            self.proc = None

    def _restart(self, why: str) -> None:
        if self.proc is not None:
            self.proc.stop(grace=0)
            self.proc = None
        self.restarts += 1
        if self.restarts > self.max_restarts:
            self.broken = f"implementation given up after {self.max_restarts} restarts without progress (last: {why})"
            return
        try:
            self._launch()
        except AdapterError as exc:
            self.broken = f"restart failed: {exc}"

    # -- the run ---------------------------------------------------------------------------------------------
    def run(self, vectors: Iterable[Vector]) -> Iterator[tuple[Vector, Response]]:
        source = iter(vectors)
        retry: list[Vector] = []  # in flight when the process died through no fault of theirs
        in_flight: OrderedDict[int, tuple[Vector, float]] = OrderedDict()
        answered: set[int] = set()
        suspects: set[str] = set()  # ids in flight, oldest, when the process died once
        seq = 0
        oldest_since = self.clock()
        exhausted = False
        while True:
            # Keep the window full.
            while not self.broken and len(in_flight) < self.window:
                if retry:
                    vector = retry.pop(0)
                elif not exhausted:
                    vector = next(source, None)  # type: ignore[arg-type]
                    if vector is None:
                        exhausted = True
                        break
                else:
                    break
                why = unsupported_reason(self.supports, vector)
                if why:
                    yield vector, Response("unsupported", message=why)
                    continue
                if self.proc is None:
                    self.broken = self.broken or "implementation is not running"
                    retry.insert(0, vector)
                    break
                seq += 1
                if not in_flight:
                    oldest_since = self.clock()
                in_flight[seq] = (vector, self.clock())
                self.proc.send(*protocol.case_pieces(seq, vector))
            if self.broken:  # nothing is in flight: a restart clears it first, and nothing is sent once broken
                for vector in [*retry, *source]:
                    why = unsupported_reason(self.supports, vector)
                    yield (
                        vector,
                        Response("unsupported", message=why) if why else Response("error", message=self.broken),
                    )
                return
            if not in_flight:
                return
            assert self.proc is not None
            event = self.proc.next_event(oldest_since + self.timeout - self.clock())
            fault = _fault(event, self.proc, f"timeout: no answer within {self.timeout:g} s")
            if fault is None:
                try:
                    message = protocol.parse_result(event)
                except ProtocolError as exc:
                    fault = f"unreadable response: {exc}"
                else:
                    number = message["seq"]
                    if number in in_flight:
                        vector, sent = in_flight.pop(number)
                        answered.add(number)
                        response = response_from_message(
                            message, vector, seconds=self.clock() - sent, stderr=event.stderr
                        )
                        self.restarts = 0  # progress: the restart budget is for consecutive failures
                        oldest_since = self.clock()
                        yield vector, response
                        continue
                    if number in answered:  # no case to blame: recorded against the implementation itself
                        self.violations.append(f"answered seq {number} twice")
                        continue
                    fault = f"answered seq {number}, which was never sent"
            # The oldest case in flight carries the fault; the others are sent again to a fresh process. A
            # process that died may have died after answering its last case, so a death is blamed on a case
            # only when it is the oldest in flight at a second death.
            oldest_seq = next(iter(in_flight))
            vector, sent = in_flight[oldest_seq]
            stderr = (event.stderr if isinstance(event, _Line) else "") + self.proc.stderr.take()
            if event is _EOF and vector.id not in suspects:
                suspects.add(vector.id)
            else:
                del in_flight[oldest_seq]
                yield vector, Response("error", message=fault, stderr=stderr, seconds=self.clock() - sent)
            retry = [v for v, _ in in_flight.values()] + retry
            in_flight.clear()
            self._restart(fault)
            oldest_since = self.clock()
