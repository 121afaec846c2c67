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
import queue
import subprocess
import threading
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
#: Cases written with one system call at most, and bytes asked of one read of the implementation's stdout.
_WRITE_BATCH = 64
_READ_CHUNK = 1 << 16


class _Line(bytes):
    """A stdout line, with the stderr text the program wrote before it."""

    stderr: str

    def __new__(cls, data: bytes, stderr: str) -> _Line:
        line = super().__new__(cls, data)
        line.stderr = stderr
        return line


class _Process:
    """One running implementation: a writer thread, a line reader thread and a stderr tail.

    Both directions are batched: the writer sends every case waiting in its outbox with one write and one
    flush, and the reader splits whatever a read returns into lines and hands them over together, so a run
    costs a few system calls and thread switches per batch of cases rather than per case.
    """

    def __init__(self, command: Command) -> None:
        self.proc = command.spawn()
        self.events: queue.Queue[Any] = queue.Queue()
        self._ready: deque[Any] = deque()
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self.stderr = StderrTail(self.proc.stderr)
        threading.Thread(target=self._write, daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    def _write(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        open_ = True
        try:
            while open_:
                batch = [self._outbox.get()]
                while batch[-1] is not None and len(batch) < _WRITE_BATCH:
                    try:
                        batch.append(self._outbox.get_nowait())
                    except queue.Empty:
                        break
                if batch[-1] is None:
                    batch.pop()
                    open_ = False
                if batch:
                    stdin.write(b"".join(batch))
                    stdin.flush()
            stdin.close()  # after the stop: a program that reads until the end of its input ends too
        except (OSError, ValueError):
            pass  # the process went away; the reader reports it

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        pieces: list[bytes] = []  # the line being received, not yet ended by a newline
        size = 0
        try:
            while chunk := stdout.read1(_READ_CHUNK):
                if b"\n" not in chunk:
                    pieces.append(chunk)
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        break
                    continue
                *lines, rest = b"".join([*pieces, chunk]).split(b"\n")
                pieces, size = [rest], len(rest)
                if any(len(line) >= MAX_RESPONSE_BYTES for line in lines):
                    size = MAX_RESPONSE_BYTES + 1
                    break
                # What the program wrote to stderr up to an answer belongs to that answer.
                batch = [_Line(line + b"\n", self.stderr.take()) for line in lines if line.strip()]
                if batch:
                    self.events.put(batch)
            if size > MAX_RESPONSE_BYTES:
                self.events.put([ProtocolError("response line longer than 16 MiB")])
                return
            last = b"".join(pieces)
            if last.strip():  # a last line without a newline
                self.events.put([_Line(last, self.stderr.take())])
        except (OSError, ValueError):
            pass
        self.events.put([_EOF])

    def send(self, message: dict[str, Any]) -> None:
        self._outbox.put(protocol.encode(message))

    def next_event(self, timeout: float) -> Any:
        """A line, a ProtocolError, _EOF, or None on timeout."""
        if not self._ready:
            try:
                self._ready.extend(self.events.get(timeout=max(0.0, timeout)))
            except queue.Empty:
                return None
        return self._ready.popleft()

    def describe_exit(self) -> str:
        try:
            code = self.proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return "closed stdout but kept running"
        return f"exited with status {code}"

    def stop(self, grace: float = 2.0) -> None:
        self.send(protocol.STOP)
        self._outbox.put(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace)  # a clean exit, or the kill below
        kill(self.proc)
        self.stderr.join(1.0)


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
        proc.send(protocol.HELLO)
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
                self.proc.send(protocol.case_message(seq, vector))
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
