"""The persistent adapter, decision by decision, on the scripted process and fake clock of test_persistent.py:
what each fault is called and whom it blames, the start-up refusals word for word, the restart budget, the window
of cases in flight, and what a broken implementation's remaining vectors become. The real process wrapper
(_Process) is tested last with tiny Python programs: lines, stderr, oversized answers, exit and stop."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from typing import Any

import pytest

from hmac_conformance._adapters.persistent import _EOF, PersistentAdapter, _fault, _Line, _Process
from hmac_conformance._adapters.process import MAX_RESPONSE_BYTES, Command
from hmac_conformance._exceptions import AdapterError, ProtocolError
from hmac_conformance._execute import execute
from hmac_conformance._load import load
from tests.test_persistent import HELLO, VECTORS, Clock, FakeProcess, World, answer, hello_then, line


class Recording(FakeProcess):
    """A fake process that also records how it was stopped and how many cases it had in flight at most."""

    def send(self, *pieces: bytes) -> None:
        if json.loads(b"".join(pieces))["type"] == "case" and not self.dead:
            self.world.in_flight += 1
            self.world.most_in_flight = max(self.world.most_in_flight, self.world.in_flight)
        super().send(*pieces)

    def next_event(self, timeout: float) -> Any:
        event = super().next_event(timeout)
        if isinstance(event, _Line) and b'"result"' in event:
            self.world.in_flight -= 1
        return event

    def stop(self, grace: float = 2.0) -> None:
        self.world.stopped += 1
        self.world.graces.append(grace)
        self.world.in_flight = 0


def recording(behaviour, timeout: float = 1.0, **options: Any) -> tuple[PersistentAdapter, World, Clock]:
    clock, world = Clock(), World()
    world.graces, world.in_flight, world.most_in_flight = [], 0, 0
    made = PersistentAdapter("jsonl:fake", Command(("fake",), Command.parse("true").cwd, {}), timeout,
                             startup_timeout=2.0, clock=clock,
                             process=lambda _c: Recording(clock, behaviour, world), **options)  # fmt: skip
    return made, world, clock


def outcomes(run) -> list[tuple[str, str, str]]:
    return [(r.vector_id, r.status, r.message) for r in run.results]


# -- faults ----------------------------------------------------------------------------------------------------------


def test_fault_names_what_went_wrong_instead_of_a_line():
    proc = FakeProcess(Clock(), lambda m, p: [], World())
    assert _fault(None, proc, "timeout text") == "timeout text"
    assert _fault(_EOF, proc, "t") == "process exited with status 7"
    assert _fault(_EOF, proc, "t", " before answering hello") == "process exited with status 7 before answering hello"
    assert _fault(ProtocolError("response line longer than 16 MiB"), proc, "t") == "response line longer than 16 MiB"
    assert _fault(_Line(b"{}\n", ""), proc, "t") is None


def test_a_line_carries_its_stderr():
    got = _Line(b'{"a":1}\n', "warn\n")
    assert bytes(got) == b'{"a":1}\n' and got.stderr == "warn\n"


def test_construction():
    made, _, _ = recording(lambda m, p: [], window=0, max_restarts=4)
    assert (made.window, made.max_restarts, made.restarts, made.broken, made.violations) == (1, 4, 0, None, [])
    assert made.identity == {"name": "fake", "version": "unknown", "language": "unknown"} and made.proc is None
    assert PersistentAdapter("jsonl:x", Command(("x",), Command.parse("true").cwd, {}), 1.0).process is _Process


# -- start-up --------------------------------------------------------------------------------------------------------


def test_a_good_hello_gives_identity_and_capabilities():
    made, world, _ = recording(hello_then(lambda case, _: []))
    made.start()
    assert made.identity == HELLO["implementation"] and made.supports == HELLO["supports"]
    assert made.proc is world.processes[0] and world.stopped == 0
    made.close()
    assert made.proc is None and world.graces == [2.0]
    made.close()
    assert world.stopped == 1, "closing twice stops once"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([(0.0, _EOF)], "process exited with status 7 before answering hello"),
        ([], "no hello response within 2 s"),
        ([(0.5, ProtocolError("response line longer than 16 MiB"))], "response line longer than 16 MiB"),
        ([(0.0, line({"type": "hello", "protocol": 2}))],
         "bad hello response: invalid hello-response (message): 'implementation' is a required property"),
        ([(0.0, _Line(b"not json\n", ""))], "bad hello response: not JSON: 'not json\\n' (Expecting value: line 1 column 1 (char 0))"),
    ],
)  # fmt: skip
def test_start_up_refusals(events, message):
    made, world, _ = recording(lambda m, p: list(events))
    with pytest.raises(AdapterError) as caught:
        made.start()
    assert str(caught.value) == message, "no stderr section when the process wrote nothing"
    assert made.proc is None and world.graces == [0]


def test_start_up_refusal_quotes_the_stderr():
    def behaviour(message, proc):
        proc.stderr.text = "  \n" if message["type"] == "hello" and proc.world.processes.index(proc) == 0 else "boom\n"
        return [(0.0, _EOF)]

    made, _, _ = recording(behaviour)
    with pytest.raises(AdapterError) as caught:
        made.start()
    assert str(caught.value) == "process exited with status 7 before answering hello", "blank stderr is left out"
    with pytest.raises(AdapterError) as caught:
        made.start()
    assert str(caught.value) == "process exited with status 7 before answering hello\nstderr:\nboom\n"


def test_a_program_that_cannot_be_started():
    def cannot(_command):
        raise OSError("cannot start 'fake': No such file or directory")

    made = PersistentAdapter("jsonl:fake", Command(("fake",), Command.parse("true").cwd, {}), 1.0, process=cannot)
    with pytest.raises(AdapterError, match=r"^cannot start 'fake': No such file or directory$"):
        made.start()


# -- the run ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("window", [1, 3])
def test_the_window_bounds_the_cases_in_flight(window):
    made, world, _ = recording(hello_then(lambda case, _: [(0.5, line(answer(case)))]), window=window)
    run = execute(made, VECTORS)
    assert {r.status for r in run.results} == {"pass"}
    assert world.most_in_flight == window
    assert [m["seq"] for m in world.sent if m["type"] == "case"] == list(range(1, len(VECTORS) + 1))


def test_answers_carry_their_time_and_stderr_and_reset_the_restart_budget():
    made, _, _ = recording(hello_then(lambda case, _: [(0.25, line(answer(case), stderr="note\n"))]), window=1)
    made.restarts = 3
    run = execute(made, VECTORS[:2])
    assert [(r.status, r.seconds, r.stderr) for r in run.results] == [("pass", 0.25, "note\n")] * 2
    assert made.restarts == 0


def test_an_unreadable_answer_is_an_error_of_the_oldest_case_and_a_restart():
    target = VECTORS[0].id

    def behaviour(case, proc):
        if case["id"] == target and proc is proc.world.processes[0]:
            return [(0.01, _Line(b"{oops\n", "said: oops\n"))]
        return [(0.01, line(answer(case)))]

    made, world, _ = recording(hello_then(behaviour), window=2)
    run = execute(made, VECTORS[:3])
    assert outcomes(run)[0] == (
        target, "error",
        "unreadable response: not JSON: '{oops\\n' (Expecting property name enclosed in double quotes: line 1 "
        "column 2 (char 1))",
    )  # fmt: skip
    assert run.results[0].stderr == "said: oops\n"
    assert [r.status for r in run.results[1:]] == ["pass", "pass"]
    assert len(world.processes) == 2 and world.graces[0] == 0
    assert world.cases_sent.count(VECTORS[1].id) == 2, "the case in flight with it is sent again"


def test_timeout_counts_from_the_oldest_case_in_flight():
    silent = VECTORS[0].id
    made, _, _ = recording(hello_then(lambda case, _: [] if case["id"] == silent else [(0.01, line(answer(case)))]),
                           timeout=0.5)  # fmt: skip
    run = execute(made, VECTORS[:2])
    assert outcomes(run)[0] == (silent, "error", "timeout: no answer within 0.5 s")
    assert run.results[0].seconds == pytest.approx(0.5 + 0.01)


def test_a_second_death_without_progress_blames_the_oldest_case_and_the_stderr_goes_with_it():
    def behaviour(case, proc):
        proc.stderr.text = "dying\n"
        return [(0.01, _EOF)]

    made, world, _ = recording(hello_then(behaviour), window=1, max_restarts=5)
    run = execute(made, VECTORS[:1])
    assert outcomes(run) == [(VECTORS[0].id, "error", "process exited with status 7")]
    assert run.results[0].stderr == "dying\n"
    assert world.cases_sent == [VECTORS[0].id] * 2


def test_giving_up_reports_the_last_fault_and_errs_the_rest():
    made, world, _ = recording(hello_then(lambda case, _: []), max_restarts=1, timeout=0.5, window=2)
    run = execute(made, VECTORS[:4])
    given_up = "implementation given up after 1 restarts without progress (last: timeout: no answer within 0.5 s)"
    assert outcomes(run) == [
        (VECTORS[0].id, "error", "timeout: no answer within 0.5 s"),
        (VECTORS[1].id, "error", "timeout: no answer within 0.5 s"),
        (VECTORS[2].id, "error", given_up),
        (VECTORS[3].id, "error", given_up),
    ]
    assert made.broken == given_up and len(world.processes) == 2


def test_a_restart_that_fails_is_broken_and_unsupported_vectors_stay_unsupported():
    hello = json.loads(json.dumps(HELLO))
    hello["supports"]["hmac"]["algorithms"] = ["sha256"]

    def behaviour(message, proc):
        first = proc is proc.world.processes[0]
        if message["type"] == "hello":
            return [(0.0, line(hello))] if first else [(0.0, _EOF)]
        return [(0.01, line({"type": "result", "seq": 999, "output": {}}))]

    sha512 = next(v for v in load().vectors if v.id == "hmac/rfc4231/sha512/case-1")
    made, _, _ = recording(behaviour, window=1)
    run = execute(made, [VECTORS[0], VECTORS[1], sha512])
    broken = "restart failed: process exited with status 7 before answering hello"
    assert outcomes(run) == [
        (VECTORS[0].id, "error", "answered seq 999, which was never sent"),
        (VECTORS[1].id, "error", broken),
        (sha512.id, "unsupported", "algorithm sha512 not supported"),
    ]


def test_a_run_without_a_running_process_is_broken_at_once():
    made, world, _ = recording(hello_then(lambda case, _: []))
    made.supports = None
    got = [(v.id, r.kind, r.message) for v, r in made.run(VECTORS[:2])]
    assert got == [(v.id, "error", "implementation is not running") for v in VECTORS[:2]]
    assert world.sent == []


# -- the real process wrapper ----------------------------------------------------------------------------------------


def process(script: str) -> _Process:
    return _Process(Command((sys.executable, "-c", script), Command.parse("true").cwd, {}))


def test_process_reads_lines_with_the_stderr_written_before_each():
    # One thread reads both pipes, stderr first: no pause is needed for what was written before a line to go
    # with that line.
    proc = process(
        "import sys\n"
        "sys.stderr.write('first\\n'); sys.stderr.flush()\n"
        "print('{\"n\":1}', flush=True)\n"
        "print('   ', flush=True)\n"
        "sys.stdin.readline()\n"  # the second part only once the test has the first line
        "sys.stderr.write('second\\n'); sys.stderr.flush()\n"
        "print('{\"n\":2}', flush=True)\n"
    )
    try:
        one = proc.next_event(5)
        proc.send(b'{"type":"go"}\n')
        two, end = proc.next_event(5), proc.next_event(5)
        assert (bytes(one), one.stderr) == (b'{"n":1}\n', "first\n")
        assert (bytes(two), two.stderr) == (b'{"n":2}\n', "second\n")
        assert end is _EOF, "a blank line is skipped, then the end of output"
        assert proc.describe_exit() == "exited with status 0"
    finally:
        proc.stop(grace=0)


def test_process_never_gives_stderr_to_a_later_answer():
    """Written in a burst (stderr, then its answer, 300 times), each stderr line goes with its own answer or, when
    one read holds several, with an earlier one: never with a later answer, and none is lost."""
    proc = process(
        "import sys\n"
        "for i in range(300):\n"
        "    sys.stderr.write(f'e{i};'); sys.stderr.flush()\n"
        "    sys.stdout.write(f'{i}\\n'); sys.stdout.flush()\n"
    )
    try:
        lines = _collected(proc)
        assert [int(line) for line in lines] == list(range(300))
        for number, line in enumerate(lines):
            written = [int(e[1:]) for e in line.stderr.split(";") if e]
            assert all(i >= number for i in written), (number, line.stderr)
        assert sorted(int(e[1:]) for line in lines for e in line.stderr.split(";") if e) == list(range(300))
    finally:
        proc.stop(grace=0)


def test_process_keeps_the_last_words_for_the_end_of_its_output():
    """What a program writes to stderr just after closing its stdout (a crash report) has been read when the end
    of its output is reported, without waiting for it."""
    proc = process("import os, sys, time; os.close(1); time.sleep(0.01); sys.stderr.write('bye'); sys.exit(3)")
    try:
        assert proc.next_event(5) is _EOF
        assert proc.stderr.taken() == "bye"
    finally:
        proc.stop(grace=0)


def test_process_gets_what_is_sent_and_a_stop():
    proc = process(
        "import sys, json\n"
        "for raw in sys.stdin:\n"
        "    msg = json.loads(raw)\n"
        "    print(json.dumps({'got': msg}), flush=True)\n"
        "    if msg['type'] == 'stop': sys.exit(3)\n"
    )
    proc.send(b'{"type":"hello","protocol":1}\n')
    assert json.loads(proc.next_event(5)) == {"got": {"type": "hello", "protocol": 1}}
    proc.stop()
    assert proc.proc.returncode == 3, "stop asks the process to stop and waits for it (a kill would be -9)"


def test_process_an_oversized_line_is_a_protocol_error_and_then_nothing():
    proc = process(f"import sys; sys.stdout.write('x' * {MAX_RESPONSE_BYTES + 1} + '\\n'); sys.stdout.flush()")
    try:
        event = proc.next_event(20)
        assert isinstance(event, ProtocolError) and str(event) == "response line longer than 16 MiB"
        assert proc.next_event(0.2) is None, "the reader stops at an oversized line"
    finally:
        proc.stop(grace=0)


def test_process_a_line_of_exactly_the_limit_is_read():
    proc = process(f"import sys; sys.stdout.write('x' * {MAX_RESPONSE_BYTES - 1} + '\\n'); sys.stdout.flush()")
    try:
        event = proc.next_event(20)
        assert isinstance(event, _Line) and len(event) == MAX_RESPONSE_BYTES
    finally:
        proc.stop(grace=0)


def test_process_that_closes_stdout_but_keeps_running():
    proc = process("import os, time; os.close(1); time.sleep(30)")
    try:
        assert proc.next_event(5) is _EOF
        assert proc.describe_exit() == "closed stdout but kept running"
    finally:
        started = time.monotonic()
        proc.stop(grace=0)
        assert time.monotonic() - started < 5 and proc.proc.returncode is not None


def test_process_next_event_times_out_with_none_and_never_waits_a_negative_time():
    proc = process("import time; time.sleep(30)")
    try:
        started = time.monotonic()
        assert proc.next_event(0.2) is None and proc.next_event(-5) is None
        assert 0.15 < time.monotonic() - started < 2
    finally:
        proc.stop(grace=0)


def test_process_writer_survives_a_process_that_is_gone():
    proc = process("pass")
    assert proc.next_event(5) is _EOF
    for _ in range(3):
        proc.send(b'{"type":"case","seq":1,"padding":"%s"}\n' % (b"x" * 100_000))
    proc.stop(grace=0)
    assert proc.proc.returncode == 0


# -- what the mutation tests asked for: defaults, timing from a clock that is not at zero, small limits ----------------


def test_defaults_and_the_command_handed_to_the_process_factory():
    command = Command(("fake",), Command.parse("true").cwd, {})
    plain = PersistentAdapter("jsonl:fake", command, 1.0)
    assert (plain.spec, plain.command, plain.timeout) == ("jsonl:fake", command, 1.0)
    assert (plain.startup_timeout, plain.window, plain.max_restarts) == (30.0, 64, 5)
    seen: list[Command] = []
    clock, world = Clock(), World()
    made = PersistentAdapter(
        "jsonl:fake", command, 1.0, clock=clock,
        process=lambda c: seen.append(c) or FakeProcess(clock, hello_then(lambda case, _: []), world),
    )  # fmt: skip
    made.start()
    assert seen == [command]


def test_an_unsupported_vector_says_why():
    from hmac_conformance._adapters.base import unsupported_reason

    hello = json.loads(json.dumps(HELLO))
    hello["supports"]["hmac"]["algorithms"] = ["sha1"]
    made, _, _ = recording(lambda m, _: [(0.0, line(hello))] if m["type"] == "hello" else [])
    run = execute(made, VECTORS)
    reasons = [unsupported_reason(hello["supports"], v) for v in VECTORS]
    assert all(reasons) and [(r.status, r.message) for r in run.results] == [("unsupported", w) for w in reasons]


def test_a_fault_is_timed_from_when_its_case_was_sent():
    made, _, clock = recording(hello_then(lambda case, _: []), timeout=0.5, window=1, max_restarts=0)
    clock.now = 100.0
    run = execute(made, VECTORS[:1])
    assert outcomes(run) == [(VECTORS[0].id, "error", "timeout: no answer within 0.5 s")]
    assert run.results[0].seconds == pytest.approx(0.5)


@pytest.fixture
def small_limit(monkeypatch):
    """Answers of at most 10 bytes, a line's newline included, so that the limit's edges are cheap to reach."""
    from hmac_conformance._adapters import persistent

    monkeypatch.setattr(persistent, "MAX_RESPONSE_BYTES", 10)


def _events(proc: _Process, count: int) -> list[Any]:
    try:
        return [proc.next_event(5) for _ in range(count)]
    finally:
        proc.stop(grace=0)


def test_process_a_last_line_without_newline_of_exactly_the_limit_is_read(small_limit):
    line_, end = _events(process("import sys; sys.stdout.write('x' * 10)"), 2)
    assert isinstance(line_, _Line) and bytes(line_) == b"x" * 10 and line_.stderr == ""
    assert end is _EOF


@pytest.mark.parametrize(
    "script",
    [
        "import sys; sys.stdout.write('x' * 11)",  # one piece without a newline, one byte too many
        "import sys; sys.stdout.write('x' * 10 + '\\n')",  # a whole line: with its newline, one byte too many
        # two pieces: the limit counts what was received of the line, not the last piece
        "import sys, time; sys.stdout.write('x' * 6); sys.stdout.flush(); time.sleep(0.3); sys.stdout.write('y' * 5)",
    ],
)
def test_process_a_line_beyond_the_limit_is_a_protocol_error_at_once(small_limit, script):
    error, after = _events(process(script), 2)
    assert isinstance(error, ProtocolError) and str(error) == "response line longer than 16 MiB"
    assert after is None, "nothing more is read"


def test_process_a_line_in_pieces_is_read_whole(small_limit):
    script = "import sys, time; sys.stdout.write('ab'); sys.stdout.flush(); time.sleep(0.3); sys.stdout.write('cd')"
    line_, end = _events(process(script), 2)
    assert bytes(line_) == b"abcd" and end is _EOF


def test_process_sends_every_message_in_order_then_closes_stdin():
    """Messages sent together reach the program whole and in order; after the stop its stdin ends, so a program
    that reads to the end of its input (and ignores the stop) exits by itself."""
    proc = process(
        "import sys\n"
        "data = sys.stdin.buffer.read()\n"
        "sys.stdout.write(str(data.count(b'\\n')) + ' ' + data.decode()[-40:].replace('\\n', '|') + '\\n')\n"
        "sys.stdout.flush(); sys.exit(4)\n"
    )
    for seq in range(1, 6):
        proc.send(b'{"type":"case","seq":%d}\n' % seq)
    proc.stop(grace=10)
    assert proc.proc.returncode == 4, "it saw the end of its input: not killed"
    (got,) = [e for e in _collected(proc) if isinstance(e, _Line)]
    assert bytes(got) == b'6 {"type":"case","seq":5}|{"type":"stop"}|\n'


def _collected(proc: _Process) -> list[Any]:
    events = []
    while (event := proc.next_event(1)) is not None and event is not _EOF:
        events.append(event)
    return events


def test_process_writes_what_the_pipe_cannot_hold_as_the_program_reads_it():
    """800 KB of cases sent before the program reads any (a pipe holds 64 KiB), and nothing answered before all of
    it is read: the rest waits in the queue and goes as the pipe empties, whole and in order."""
    proc = process(
        "import sys, time\n"
        "time.sleep(0.3)\n"
        "lines = []\n"
        "for raw in sys.stdin.buffer:\n"
        "    if raw == b'end\\n': break\n"
        "    lines.append(len(raw))\n"
        "print(*lines, flush=True)\n"
    )
    try:
        lines = [b"%d:" % i + b"x" * 20_000 + b"\n" for i in range(40)]
        for line in [*lines, b"end\n"]:
            proc.send(line)
        assert [int(n) for n in proc.next_event(10).split()] == [len(line) for line in lines]
    finally:
        proc.stop(grace=0)


def test_a_line_sent_in_pieces_arrives_whole_in_order():
    """A large case goes in pieces: one buffer repeated, empty pieces, more pieces than one write takes and a piece
    larger than the pipe, so writes end inside a piece; the program reads exactly the bytes of the joined line."""
    proc = process(
        "import hashlib, sys\n"
        "line = sys.stdin.buffer.readline()\n"
        "print(len(line), hashlib.sha256(line).hexdigest(), flush=True)\n"
    )
    try:
        block = bytes(range(11, 256)) * 7  # 1715 bytes without a newline: writes of 64 KiB end inside it
        pieces = [b"{", b"", *[block] * 1500, b"", b"x" * 300_000, b"}\n"]
        proc.send(*pieces)
        line = b"".join(pieces)
        assert proc.next_event(10).split() == [b"%d" % len(line), hashlib.sha256(line).hexdigest().encode()]
    finally:
        proc.stop(grace=0)


def test_a_program_that_reads_nothing_still_lets_the_wait_end_on_time():
    proc = process("import time; time.sleep(30)")
    try:
        proc.send(b"x" * 300_000 + b"\n")  # more than the pipe holds: the rest waits to be written
        started = time.monotonic()
        assert proc.next_event(0.5) is None
        assert 0.45 <= time.monotonic() - started < 3
    finally:
        proc.stop(grace=0)


def test_stop_reads_what_the_program_wrote_before_it_exited():
    """A program that made its stdout pipe hold 1 MiB, wrote 200 KB and a last line without a newline, and exited
    before the runner read any of it: the stop still reads all of it, then the end."""
    proc = process(
        "import fcntl, sys\n"
        "fcntl.fcntl(1, fcntl.F_SETPIPE_SZ, 1 << 20)\n"
        "for i in range(2000): sys.stdout.write('%099d\\n' % i)\n"
        "sys.stdout.write('tail'); sys.stdout.flush()\n"
    )
    proc.proc.wait(10)
    proc.stop(grace=5)
    events = []
    while (event := proc.next_event(0)) is not None and event is not _EOF:
        events.append(bytes(event))
    assert event is _EOF
    assert events[-1] == b"tail" and [int(e) for e in events[:-1]] == list(range(2000))


def test_stop_ends_when_a_child_of_the_program_keeps_its_stdout_open():
    proc = process("import subprocess, sys; subprocess.Popen(['sleep', '30']); sys.stdin.readline()")
    started = time.monotonic()
    proc.stop(grace=2)
    assert time.monotonic() - started < 5
    assert proc.next_event(0) is _EOF, "what was not seen to end is ended by the kill"


def test_stop_kills_a_program_that_ignores_it_and_reports_the_end():
    proc = process("import time; time.sleep(30)")
    started = time.monotonic()
    proc.stop(grace=0.3)
    assert time.monotonic() - started < 3 and proc.proc.returncode == -9
    assert proc.next_event(0) is _EOF


def test_process_whose_stdin_is_closed_gets_nothing_more_and_is_still_read():
    """A program that closes its stdin makes the next write fail: what is queued is dropped, stdin is closed on
    the runner's side too, and what the program still prints is read."""
    proc = process("import os, sys, time; os.close(0); time.sleep(0.2); print('still here', flush=True)")
    try:
        time.sleep(0.1)
        proc.send(b"x" * 200_000 + b"\n")
        assert bytes(proc.next_event(5)) == b"still here\n"
        assert proc.proc.stdin.closed and not proc._queued
        assert proc.next_event(5) is _EOF
    finally:
        proc.stop(grace=0)


def test_process_drains_a_stderr_flood_while_waiting_for_an_answer():
    """A program that writes 4 MB to stderr before answering (more than one look at stderr reads) would block on
    the full pipe unless the runner keeps reading stderr while it waits; only the tail is kept."""
    proc = process("import sys; sys.stderr.write('e' * 4_000_000 + 'END'); sys.stderr.flush(); print('{}', flush=True)")
    try:
        line = proc.next_event(10)
        assert bytes(line) == b"{}\n" and line.stderr.endswith("END") and len(line.stderr) <= 16 * 1024
    finally:
        proc.stop(grace=0)


def test_waiting_for_an_answer_sleeps_and_gives_up_on_time():
    """Stderr written while the runner waits wakes it without ending the wait; with nothing on stdout the wait
    ends after the time given, having slept rather than spun."""
    proc = process(
        "import sys, time\n"
        "time.sleep(0.1); sys.stderr.write('working'); sys.stderr.flush()\n"
        "time.sleep(0.3); print('{}', flush=True); time.sleep(30)\n"
    )
    try:
        assert bytes(proc.next_event(0.9)) == b"{}\n", "a wake for stderr is not the end of the wait"
        cpu = time.process_time()
        started = time.monotonic()
        assert proc.next_event(0.5) is None
        assert 0.45 <= time.monotonic() - started < 3
        assert time.process_time() - cpu < 0.2, "waited without spinning"
    finally:
        proc.stop(grace=0)


def test_process_end_is_reported_without_waiting_for_stderr_to_close():
    """A program that closes stdout but keeps stderr open: the end is reported after a short look for last words,
    not after stderr ends."""
    proc = process("import os, time; os.close(1); time.sleep(30)")
    try:
        started = time.monotonic()
        assert proc.next_event(5) is _EOF
        assert time.monotonic() - started < 0.9
    finally:
        proc.stop(grace=0)


def test_stop_waits_for_the_exit_in_short_polls_and_not_at_all_with_no_grace():
    """stop() polls at most 50 ms at a time while the program exits (so it reads its output and sees the exit
    soon); with no grace it does not wait for output before the kill."""
    script = "import sys, time\nsys.stdin.readline()\ntime.sleep(0.3)\n"
    for grace, check in ((2.0, lambda waits: 0 < max(waits) <= 0.05), (0.0, lambda waits: max(waits) == 0)):
        proc = process(script)
        waits: list[float] = []
        pump = proc._pump
        proc._pump = lambda timeout, pump=pump, waits=waits: (waits.append(timeout), pump(timeout))[1]  # type: ignore[method-assign]
        proc.stop(grace=grace)
        assert waits and check(waits), (grace, waits)
