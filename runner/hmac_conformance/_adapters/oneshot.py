"""One-shot adapter (``cmd:COMMAND``): a fresh process per case, one request in, one response out."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from hmac_conformance import _protocol as protocol
from hmac_conformance._adapters.base import Adapter, unsupported_reason
from hmac_conformance._adapters.process import Command, exchange
from hmac_conformance._exceptions import AdapterError, ProtocolError
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response


def response_from_message(
    message: dict,  # type: ignore[type-arg]
    vector: Vector,
    *,
    seconds: float = 0.0,
    stderr: str = "",
) -> Response:
    """The Response a validated result message stands for (its output decoded and checked), with the time it
    took and what the program wrote to stderr meanwhile."""
    if "skip" in message:
        skip = message["skip"]
        return Response("skip", message=skip["reason"], link=skip.get("link"), seconds=seconds, stderr=stderr)
    if "error" in message:
        text = f"implementation reported: {message['error']['message']}"
        return Response("error", message=text, seconds=seconds, stderr=stderr)
    try:
        output = protocol.decode_output(vector.scheme, vector.operation, message["output"])
    except ProtocolError as exc:
        return Response("error", message=str(exc), seconds=seconds, stderr=stderr)
    return Response("output", output=output, seconds=seconds, stderr=stderr)


class OneShotAdapter(Adapter):
    def __init__(self, spec: str, command: Command, timeout: float, jobs: int = 1) -> None:
        self.spec = spec
        self.command = command
        self.timeout = timeout
        self.jobs = max(1, jobs)
        self.identity = command.default_identity()

    def start(self) -> None:
        """Offer a hello once: a program that answers it gets its identity and capabilities used; one that
        does not is still a valid one-shot adapter (every case is then sent, and it may answer skip)."""
        try:
            result = exchange(self.command, protocol.encode(protocol.HELLO), self.timeout)
        except OSError as exc:
            raise AdapterError(str(exc)) from None
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        if result.returncode == 0 and len(lines) == 1:
            try:
                hello = protocol.parse_hello(lines[0])
            except ProtocolError:
                return
            self.identity = hello["implementation"]
            self.supports = hello["supports"]

    def run_one(self, vector: Vector) -> Response:
        why = unsupported_reason(self.supports, vector)
        if why:
            return Response("unsupported", message=why)
        started = time.monotonic()
        try:
            result = exchange(self.command, protocol.case_line(0, vector), self.timeout)
        except OSError as exc:
            return Response("error", message=str(exc), seconds=time.monotonic() - started)
        return replace(self._interpret(result, vector), stderr=result.stderr, seconds=time.monotonic() - started)

    def _interpret(self, result, vector: Vector) -> Response:  # type: ignore[no-untyped-def]
        if result.timed_out:
            return Response("error", message=f"timeout: no complete answer within {self.timeout:g} s")
        if result.overflow:
            return Response("error", message="response larger than 16 MiB")
        if result.returncode != 0:
            return Response("error", message=f"exit status {result.returncode} (one-shot adapters must exit 0)")
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        if len(lines) != 1:
            return Response("error", message=f"expected exactly one response line on stdout, got {len(lines)}")
        try:
            message = protocol.parse_result(lines[0])
        except ProtocolError as exc:
            return Response("error", message=str(exc))
        if message["seq"] != 0:
            return Response("error", message=f"response seq {message['seq']} does not echo the case's seq 0")
        return response_from_message(message, vector)

    def run(self, vectors: Iterable[Vector]) -> Iterator[tuple[Vector, Response]]:
        if self.jobs == 1:
            for vector in vectors:
                yield vector, self.run_one(vector)
            return
        with ThreadPoolExecutor(self.jobs) as pool:
            # Bounded look-ahead keeps memory flat on huge selections while all workers stay busy.
            window = 4 * self.jobs
            pending: list = []  # type: ignore[type-arg]
            for vector in vectors:
                pending.append((vector, pool.submit(self.run_one, vector)))
                if len(pending) >= window:
                    v, future = pending.pop(0)
                    yield v, future.result()
            for v, future in pending:
                yield v, future.result()
