"""Fault injection: a misbehaving implementation never crashes, hangs or misleads a run.

For each fault, in both protocol modes: the faulty cases get ``error`` with a precise message (never
``fail``), every other case still passes, every vector gets exactly one outcome, the wall time stays within
a bound set by the timeouts, and no process is left running or unreaped.
"""

from __future__ import annotations

import os
import time
import tracemalloc
import uuid
from pathlib import Path

import pytest

from hmac_conformance._adapters.oneshot import OneShotAdapter
from hmac_conformance._adapters.persistent import PersistentAdapter
from hmac_conformance._adapters.process import Command
from hmac_conformance._execute import execute
from hmac_conformance._load import load
from tests.conftest import PY, ROOT

VECTORS = [v for v in load().vectors if v.id.startswith("hmac/rfc4231/sha256/")]
FAULTY = {"hmac/rfc4231/sha256/case-2", "hmac/rfc4231/sha256/case-5"}
GLOB = "hmac/rfc4231/sha256/case-[25]"
#: Faults whose point is a timeout get a short one; every other fault a timeout it can never reach, so a slow
#: machine (a Python process per one-shot case) cannot turn it into a timeout. Time bounds only catch a hang.
TIMEOUT = 1.0
NEVER = 60.0
TIMED = {"hang", "late", "close-stdout", "no-hello"}
SLACK = 30.0

# fault -> {mode: (message fragment for the faulty cases, or None when the fault must not matter)}
FAULTS = {
    "hang": {"jsonl": "timeout: no answer within 1 s", "cmd": "timeout: no complete answer within 1 s"},
    "late": {"jsonl": "timeout: no answer within 1 s", "cmd": "timeout: no complete answer within 1 s"},
    "crash": {"jsonl": "process exited with status 7", "cmd": "exit status 7"},
    "non-json": {"jsonl": "unreadable response: not JSON", "cmd": "not JSON"},
    "wrong-id": {"jsonl": "which was never sent", "cmd": "does not echo the case's seq 0"},
    "twice": {"jsonl": None, "cmd": "expected exactly one response line on stdout, got 2"},
    "out-of-order": {"jsonl": None, "cmd": None},
    "huge-line": {"jsonl": "response line longer than 16 MiB", "cmd": "response larger than 16 MiB"},
    "stderr-flood": {"jsonl": None, "cmd": None},
    "close-stdout": {"jsonl": "closed stdout but kept running", "cmd": "timeout: no complete answer"},
    "wrong-types": {"jsonl": "12345 is not of type 'string'", "cmd": "12345 is not of type 'string'"},
    "schema-invalid": {"jsonl": "'sequence' was unexpected", "cmd": "'sequence' was unexpected"},
    "duplicate-key": {"jsonl": "duplicate key 'tag'", "cmd": "duplicate key 'tag'"},
    # Persistent: the process exits after answering; it is restarted and nothing is blamed on a case.
    "nonzero-exit": {"jsonl": None, "cmd": "exit status 1 (one-shot adapters must exit 0)"},
    "spawn-grandchild": {"jsonl": None, "cmd": None},
}
# Faults that break every case: the run reports a broken adapter, never non-conformance.
BROKEN = {
    "exit-at-start": {"jsonl": "exited with status 3 before answering hello", "cmd": "exit status 3"},
    "banner": {"jsonl": "bad hello response: not JSON", "cmd": "expected exactly one response line"},
    "no-hello": {"jsonl": "no hello response within 1 s", "cmd": None},  # one-shot: the hello is optional
}


def adapter(fault: str, mode: str, marker: str, glob: str = GLOB):
    command = Command.parse(f"{PY} {ROOT / 'tests/impls/faulty.py'} {fault} '{glob}' {marker}", ROOT)
    timeout = TIMEOUT if fault in TIMED else NEVER
    if mode == "cmd":
        return OneShotAdapter("cmd", command, timeout=timeout, jobs=2)
    # Only the fault about the hello gets a short wait for it: a restart after a timed fault starts a fresh
    # interpreter, which a loaded machine can take more than a second to start.
    startup = TIMEOUT if fault == "no-hello" else NEVER
    return PersistentAdapter("jsonl", command, timeout=timeout, startup_timeout=startup)


def leftovers(marker: str) -> list[str]:
    """Processes still running with the marker on their command line, and our own unreaped children."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker.encode() in (proc / "cmdline").read_bytes():
                    found.append(f"pid {proc.name} still running")
            except OSError:
                pass
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
        if pid:
            found.append(f"zombie child {pid}")
    except ChildProcessError:
        pass
    return found


def check(run, marker: str, started: float, bound: float) -> None:
    assert [r.vector_id for r in run.results] == [v.id for v in VECTORS], "exactly one outcome per vector"
    assert not any(r.status == "fail" for r in run.results), "an adapter fault is never a conformance failure"
    assert time.monotonic() - started < bound
    deadline = time.monotonic() + 2
    while leftovers(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leftovers(marker)


@pytest.mark.parametrize("mode", ["jsonl", "cmd"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_is_contained(fault, mode):
    marker = f"MARK-{uuid.uuid4().hex}"
    started = time.monotonic()
    run = execute(adapter(fault, mode, marker), VECTORS)
    fragment = FAULTS[fault][mode]
    for result in run.results:
        if result.vector_id in FAULTY and fragment is not None:
            assert result.status == "error", (result.vector_id, result.status, result.message)
            assert fragment in result.message
        else:
            assert result.status == "pass", (result.vector_id, result.message)
    if fault == "twice" and mode == "jsonl":
        assert run.violations == ("answered seq 2 twice", "answered seq 5 twice")
        assert not run.ok, "a protocol violation fails the run even though every case passed"
    else:
        assert run.ok == (fragment is None)
    assert not run.broken
    check(run, marker, started, bound=2 * TIMEOUT * len(FAULTY) + SLACK)


@pytest.mark.parametrize("mode", ["jsonl", "cmd"])
@pytest.mark.parametrize("fault", sorted(BROKEN))
def test_broken_adapter_is_reported_as_broken(fault, mode):
    marker = f"MARK-{uuid.uuid4().hex}"
    started = time.monotonic()
    run = execute(adapter(fault, mode, marker, glob="*"), VECTORS)
    fragment = BROKEN[fault][mode]
    if fragment is None:
        assert run.ok
    else:
        assert run.broken
        assert all(r.status == "error" and fragment in r.message for r in run.results)
    check(run, marker, started, bound=3 * TIMEOUT + SLACK)


def test_crash_on_every_case_gives_up_after_bounded_restarts():
    marker = f"MARK-{uuid.uuid4().hex}"
    started = time.monotonic()
    run = execute(adapter("crash", "jsonl", marker, glob="*"), VECTORS)
    statuses = [r.status for r in run.results]
    assert statuses == ["error"] * len(VECTORS)
    assert run.broken
    assert "given up after 5 restarts" in run.results[-1].message
    check(run, marker, started, bound=SLACK)


def test_hang_on_every_case_is_bounded_by_the_timeouts():
    marker = f"MARK-{uuid.uuid4().hex}"
    started = time.monotonic()
    run = execute(adapter("hang", "jsonl", marker, glob="*"), VECTORS)
    assert all(r.status == "error" for r in run.results) and run.broken
    # At most max_restarts + 1 timeouts, whatever the number of vectors.
    check(run, marker, started, bound=(5 + 1) * TIMEOUT + SLACK)


@pytest.mark.parametrize("mode", ["jsonl", "cmd"])
def test_a_100_mb_answer_costs_no_memory(mode):
    marker = f"MARK-{uuid.uuid4().hex}"
    tracemalloc.start()
    try:
        run = execute(adapter("huge-line", mode, marker), VECTORS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB while the adapter sent 100 MB lines"
    assert sum(r.status == "error" for r in run.results) == 2


def test_stderr_is_kept_bounded_and_shown():
    marker = f"MARK-{uuid.uuid4().hex}"
    run = execute(adapter("stderr-flood", "jsonl", marker), VECTORS)
    assert run.ok
    assert all(len(r.stderr) <= 16 * 1024 for r in run.results), "only the tail of a flood is kept"
    assert sum("noise" in r.stderr for r in run.results) >= 1


@pytest.mark.parametrize("redact", [False, True])
def test_redact_keys_scrubs_inputs_and_stderr(redact):
    marker = f"MARK-{uuid.uuid4().hex}"
    run = execute(adapter("leak-key", "jsonl", marker), VECTORS, redact_keys=redact)
    failed = [r for r in run.results if r.status == "fail"]
    assert len(failed) == 2 and all(r.input is not None for r in failed)
    passed = [r for r in run.results if r.status == "pass"]
    assert all(r.input is None for r in passed), "inputs are reported only where they help reproduce a failure"
    keys = [v.input["key"].hex() for v in VECTORS if v.id in FAULTY]
    stderr = "".join(r.stderr for r in run.results)  # attribution to a case is best effort when pipelined
    if redact:
        assert all(r.input["key"] == "<redacted>" for r in failed)
        assert stderr.count("<redacted>") >= 4 and not any(k in stderr for k in keys)
    else:
        assert all(k in stderr for k in keys)
