"""The persistent adapter's bookkeeping, driven deterministically: a scripted implementation on a fake clock.

The fault tests (tests/test_faults.py) run real misbehaving processes; these pin the logic that decides what a
fault is and whom it blames — timers, restarts, blame, duplicates — without any wall-clock margin, so a slow
machine can never make them pass or fail.
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from hmac_conformance import _protocol as protocol
from hmac_conformance import _reference as reference
from hmac_conformance import _schemas
from hmac_conformance._adapters.persistent import _EOF, PersistentAdapter, _Line
from hmac_conformance._adapters.process import Command
from hmac_conformance._exceptions import AdapterError
from hmac_conformance._execute import execute
from hmac_conformance._load import load
from hmac_conformance._model import to_wire

VECTORS = [v for v in load().vectors if v.id.startswith("hmac/rfc4231/sha256/")]
HELLO = {"type": "hello", "protocol": 1, **reference.hello()}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def answer(case: dict[str, Any]) -> dict[str, Any]:
    """The reference's correct answer to a case message."""
    from hmac_conformance._adapters.oneshot import response_from_message  # noqa: F401 - the wire form is what is tested

    vector = next(v for v in VECTORS if v.id == case["id"])
    output = reference.run_case(vector.scheme, vector.operation, vector.input)
    return {"type": "result", "seq": case["seq"], "output": to_wire(output)}


def line(message: dict[str, Any], stderr: str = "") -> _Line:
    return _Line(json.dumps(message).encode() + b"\n", stderr)


#: A behaviour gets each message the runner sends and the process's state; it returns (delay, event) pairs.
Behaviour = Callable[[dict[str, Any], "FakeProcess"], list[tuple[float, Any]]]


class FakeStderr:
    def __init__(self) -> None:
        self.text = ""

    def take(self) -> str:
        text, self.text = self.text, ""
        return text

    def join(self, timeout: float) -> None:
        pass


class FakeProcess:
    """An implementation process whose answers arrive at scripted times on the fake clock."""

    def __init__(self, clock: Clock, behaviour: Behaviour, world: World) -> None:
        self.clock, self.behaviour, self.world = clock, behaviour, world
        self.queue: list[tuple[float, int, Any]] = []
        self.order = itertools.count()
        self.stderr = FakeStderr()
        self.cases = 0  # cases received by this process
        self.dead = False
        world.processes.append(self)

    def send(self, *pieces: bytes) -> None:
        message = json.loads(b"".join(pieces))  # what the adapter wrote on the wire
        self.world.sent.append(message)
        if self.dead:
            return
        if message["type"] == "case":
            self.cases += 1
        for delay, event in self.behaviour(message, self):
            heapq.heappush(self.queue, (self.clock.now + delay, next(self.order), event))
            if event is _EOF:
                self.dead = True

    def next_event(self, timeout: float) -> Any:
        deadline = self.clock.now + max(0.0, timeout)
        if self.queue and self.queue[0][0] <= deadline:
            at, _, event = heapq.heappop(self.queue)
            self.clock.now = max(self.clock.now, at)
            return event
        self.clock.now = deadline
        return None

    def describe_exit(self) -> str:
        return "exited with status 7"

    def stop(self, grace: float = 2.0) -> None:
        self.world.stopped += 1


class World:
    """Everything the fake processes of one adapter did."""

    def __init__(self) -> None:
        self.processes: list[FakeProcess] = []
        self.sent: list[dict[str, Any]] = []
        self.stopped = 0

    @property
    def cases_sent(self) -> list[str]:
        return [m["id"] for m in self.sent if m["type"] == "case"]


def adapter(behaviour: Behaviour, timeout: float = 1.0, **options: Any) -> tuple[PersistentAdapter, World, Clock]:
    clock, world = Clock(), World()
    command = Command(("fake",), Command.parse("true").cwd, {})
    made = PersistentAdapter(
        "jsonl:fake", command, timeout, startup_timeout=2.0, clock=clock,
        process=lambda _command: FakeProcess(clock, behaviour, world), **options,
    )  # fmt: skip
    return made, world, clock


def hello_then(on_case: Callable[[dict[str, Any], FakeProcess], list[tuple[float, Any]]]) -> Behaviour:
    def behaviour(message: dict[str, Any], proc: FakeProcess) -> list[tuple[float, Any]]:
        if message["type"] == "hello":
            return [(0.0, line(HELLO))]
        if message["type"] == "case":
            return on_case(message, proc)
        return []

    return behaviour


def statuses(run) -> dict[str, str]:
    return {r.vector_id: r.status for r in run.results}


# -- timers ----------------------------------------------------------------------------------------------------------


def test_the_timer_restarts_at_every_answer():
    """Answers 0.6 s apart, with a 1 s timeout: slow but steady progress is never a timeout."""
    sent_count = itertools.count(1)
    made, world, clock = adapter(hello_then(lambda case, _: [(0.6 * next(sent_count), line(answer(case)))]))
    run = execute(made, VECTORS)
    assert set(statuses(run).values()) == {"pass"}
    assert clock.now == pytest.approx(0.6 * len(VECTORS)), "the run waited for every answer"
    assert len(world.processes) == 1, "no restart"


def test_a_silent_case_times_out_after_exactly_the_timeout():
    silent = VECTORS[2].id
    made, world, _ = adapter(
        hello_then(lambda case, _: [] if case["id"] == silent else [(0.1, line(answer(case)))]), timeout=1.0
    )
    run = execute(made, VECTORS)
    bad = [r for r in run.results if r.status != "pass"]
    assert [(r.vector_id, r.status, r.message) for r in bad] == [(silent, "error", "timeout: no answer within 1 s")]
    # The timer runs from the last answer (at 0.1 s), so the silent case errs at 1.1 s after it was sent.
    assert bad[0].seconds == pytest.approx(1.1)
    assert len(world.processes) == 2, "a timeout restarts the process"
    assert sorted(world.cases_sent) == sorted(v.id for v in VECTORS), "each case sent once: none was in flight"


# -- restarts and blame ----------------------------------------------------------------------------------------------


def test_a_process_that_dies_after_each_answer_is_restarted_and_nothing_is_blamed():
    """Progress resets the restart budget: 6 deaths in a row, each after a good answer, are not 'broken'."""

    def once(case: dict[str, Any], proc: FakeProcess) -> list[tuple[float, Any]]:
        if proc.cases > 1:
            return []  # a second case sent before the death is never answered by this process
        return [(0.01, line(answer(case))), (0.02, _EOF)]

    made, world, _ = adapter(hello_then(once), max_restarts=2)
    run = execute(made, VECTORS)
    assert set(statuses(run).values()) == {"pass"}, run.results
    assert len(world.processes) > made.max_restarts + 1


def test_a_process_that_dies_without_progress_is_given_up_after_max_restarts():
    made, world, _ = adapter(hello_then(lambda case, _: [(0.01, _EOF)]), max_restarts=3)
    run = execute(made, VECTORS)
    assert set(statuses(run).values()) == {"error"}
    assert run.broken
    assert len(world.processes) == 1 + 3, "the first start and exactly max_restarts restarts"
    assert "given up after 3 restarts without progress" in run.results[-1].message


def test_a_death_is_blamed_on_the_oldest_case_in_flight_at_a_second_death():
    killer = VECTORS[1].id

    def behaviour(case: dict[str, Any], _: FakeProcess) -> list[tuple[float, Any]]:
        return [(0.01, _EOF)] if case["id"] == killer else [(0.05, line(answer(case)))]

    made, world, _ = adapter(hello_then(behaviour), window=1)
    run = execute(made, VECTORS)
    results = statuses(run)
    assert results[killer] == "error"
    assert [r.message for r in run.results if r.vector_id == killer] == ["process exited with status 7"]
    assert all(status == "pass" for vid, status in results.items() if vid != killer)
    assert world.cases_sent.count(killer) == 2, "the first death only makes it a suspect; it is sent again"


def test_an_answer_to_a_seq_never_sent_is_an_error_and_a_restart():
    target = VECTORS[0].id

    def behaviour(case: dict[str, Any], _: FakeProcess) -> list[tuple[float, Any]]:
        reply = answer(case)
        if case["id"] == target:
            reply["seq"] += 1000
        return [(0.01, line(reply))]

    made, world, _ = adapter(hello_then(behaviour), window=1)
    run = execute(made, VECTORS)
    assert [(r.vector_id, r.status) for r in run.results if r.status != "pass"] == [(target, "error")]
    assert "which was never sent" in run.results[0].message
    assert len(world.processes) == 2


def test_a_second_answer_is_a_violation_that_fails_the_run():
    made, _, _ = adapter(hello_then(lambda case, _: [(0.01, line(answer(case))), (0.02, line(answer(case)))]), window=1)
    run = execute(made, VECTORS[:3])
    assert set(statuses(run).values()) == {"pass"}
    # The last case's second answer comes after the run has all it needs: it is never read.
    assert run.violations == ("answered seq 1 twice", "answered seq 2 twice")
    assert not run.ok


def test_stderr_written_before_an_answer_is_attached_to_it():
    made, _, _ = adapter(hello_then(lambda case, _: [(0.01, line(answer(case), stderr=f"log {case['id']}\n"))]))
    run = execute(made, VECTORS[:3])
    assert [r.stderr for r in run.results] == [f"log {v.id}\n" for v in VECTORS[:3]]


def test_unsupported_vectors_are_never_sent():
    hello = json.loads(json.dumps(HELLO))
    hello["supports"]["hmac"]["algorithms"] = ["sha1"]
    made, world, _ = adapter(lambda m, _: [(0.0, line(hello))] if m["type"] == "hello" else [(0.01, line(answer(m)))])
    run = execute(made, VECTORS)
    assert set(statuses(run).values()) == {"unsupported"}
    assert world.cases_sent == []


# -- start-up --------------------------------------------------------------------------------------------------------


def test_no_hello_within_the_startup_timeout():
    made, _, clock = adapter(lambda m, _: [])
    with pytest.raises(AdapterError, match="no hello response within 2 s"):
        made.start()
    assert clock.now == pytest.approx(2.0)


def test_a_bad_hello_is_refused_with_its_stderr():
    def behaviour(message: dict[str, Any], proc: FakeProcess) -> list[tuple[float, Any]]:
        proc.stderr.text = "boom: config missing\n"
        return [(0.0, line({"type": "hello", "protocol": 2}))]

    made, _, _ = adapter(behaviour)
    with pytest.raises(AdapterError) as caught:
        made.start()
    assert "bad hello response" in str(caught.value) and "boom: config missing" in str(caught.value)


def test_every_vector_gets_exactly_one_outcome_in_order_whatever_happens():
    def chaos(case: dict[str, Any], proc: FakeProcess) -> list[tuple[float, Any]]:
        n = int(case["id"].rsplit("-", 1)[-1])
        return {1: [(0.01, line(answer(case)))], 2: [], 3: [(0.01, _EOF)]}.get(n % 4, [(0.3, line(answer(case)))])

    made, _, _ = adapter(hello_then(chaos))
    run = execute(made, VECTORS)
    assert [r.vector_id for r in run.results] == [v.id for v in VECTORS]


def test_protocol_messages_sent_are_valid():
    made, world, _ = adapter(hello_then(lambda case, _: [(0.01, line(answer(case)))]))
    execute(made, VECTORS)
    assert world.sent[0] == protocol.HELLO
    for message in world.sent[1:]:
        if message["type"] == "case":
            validator = _schemas.message("case", message["scheme"], message["operation"])
            assert not list(validator.iter_errors(message))
    assert world.sent[-1] == protocol.STOP or world.stopped
