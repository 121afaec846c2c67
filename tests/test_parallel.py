"""Work across worker processes gives exactly what it gives in one process. Loading: the same vectors in the
same order and the same problems, each with its file and line. Running the reference: the same results, with
their evidence, in the same order, also when a worker dies."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

import hmac_conformance
from hmac_conformance import _cache as cache
from hmac_conformance import _execute, _load, _parallel, _reference
from hmac_conformance._adapters import implementation
from hmac_conformance._adapters.inprocess import InProcessAdapter
from hmac_conformance._compare import judge
from hmac_conformance._expectations import ExpectedFailure
from hmac_conformance._outcome import Result
from tests.conftest import VECTORS


@pytest.fixture
def corpus(tmp_path):
    for path in sorted(VECTORS.rglob("*.yaml"))[:10]:
        target = tmp_path / path.relative_to(VECTORS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    broken = tmp_path / "zz-broken.yaml"
    broken.write_text("format: 1\nscheme: hmac\ndescription: x\nvectors:\n  - id: a\n    id: b\n", encoding="utf-8")
    return tmp_path


def test_parallel_load_equals_serial_load(corpus, monkeypatch):
    monkeypatch.setenv(cache.ENVIRONMENT, "off")  # every file is parsed: by this process, then by the workers
    files = _load.vector_files([corpus])
    monkeypatch.setattr(_parallel, "MIN_BYTES", 10**12)
    assert _parallel.workers(files) == 1
    serial = _load.load([corpus])
    monkeypatch.setattr(_parallel, "MIN_BYTES", 0)
    if _parallel.workers(files) == 1:
        pytest.skip("one core, or no fork: loading never runs in parallel here")
    parallel = _load.load([corpus])
    assert [v.id for v in parallel.vectors] == [v.id for v in serial.vectors]
    assert parallel.vectors == serial.vectors
    assert [(v.path, v.line) for v in parallel.vectors] == [(v.path, v.line) for v in serial.vectors]
    assert parallel.problems == serial.problems
    assert any("duplicate key 'id'" in p.message and p.line == 6 for p in parallel.problems)


def test_answered_paths_stay_in_this_process_and_the_rest_keep_their_order(tmp_path, monkeypatch):
    paths = [tmp_path / f"{i}.yaml" for i in range(7)]
    for path in paths:
        path.write_bytes(b"x" * 10)
    monkeypatch.setattr(_parallel, "MIN_BYTES", 0)
    if _parallel.workers(paths) == 1:
        pytest.skip("one core, or no fork: loading never runs in parallel here")
    answered = {paths[1], paths[4], paths[5]}
    out = list(_parallel.map_in_order(_where, paths, answered=lambda p: ("here", p.name) if p in answered else None))
    assert [name for _, name in out] == [p.name for p in paths], "in the order of paths"
    assert {name for who, name in out if who == "here"} == {p.name for p in answered}
    assert {who for who, _ in out} - {"here"}, "the others were computed by workers"
    assert all(who != "here" and who != os.getpid() for who, name in out if name not in {p.name for p in answered})


def test_all_answered_starts_no_worker(tmp_path, monkeypatch):
    paths = [tmp_path / f"{i}.yaml" for i in range(3)]
    monkeypatch.setattr(_parallel, "ProcessPoolExecutor", None)  # any attempt to start workers would fail
    monkeypatch.setattr(_parallel, "MIN_BYTES", 0)
    assert list(_parallel.map_in_order(_where, paths, answered=lambda p: p.name)) == [p.name for p in paths]


def test_a_warm_load_is_answered_from_the_cache_in_this_process(corpus, monkeypatch):
    first = _load.load([corpus])
    monkeypatch.setattr(_parallel, "MIN_BYTES", 0)
    _load._load_bytes.cache_clear()
    parsed: list[str] = []
    real = _load.load_bytes_uncached
    monkeypatch.setattr(_load, "load_bytes_uncached", lambda name, raw: parsed.append(name) or real(name, raw))
    again = _load.load([corpus])
    assert again.vectors == first.vectors and again.problems == first.problems
    assert parsed == [str(corpus / "zz-broken.yaml")], "only the file with problems (never cached) is parsed again"


def _where(path: Path) -> tuple[object, str]:
    return os.getpid(), path.name


# -- running the reference's cases on every core ----------------------------------------------------------------------


@pytest.fixture
def forked_runs(monkeypatch):
    """A run of 10 cases or more through the reference goes to workers, 7 cases at a time."""
    if _parallel.cores() < 2:
        pytest.skip("one core, or no fork: cases never run in parallel here")
    monkeypatch.setattr(_execute, "PARALLEL_CASES", 10)
    monkeypatch.setattr(_execute, "_PER_TASK", 7)


@pytest.fixture(scope="module")
def sample():
    """Vectors of every scheme and operation, some of them large."""
    vectors = hmac_conformance.load_vectors()
    return vectors[::40] + tuple(v for v in vectors if "1mib" in v.id or "1-mib" in v.id)[:2]


def _outcomes(run: _execute.Run) -> list[tuple]:
    return [(r.vector_id, r.scheme, r.operation, r.tags, r.status, r.message, r.diagnostic, r.expected, r.got,
             r.input, r.stderr, r.link) for r in run.results]  # fmt: skip


def _in_one_process(vectors, monkeypatch, **options) -> _execute.Run:
    with monkeypatch.context() as patched:
        patched.setattr(_execute, "PARALLEL_CASES", 10**9)
        return hmac_conformance.run("reference", vectors, **options)


def test_the_reference_on_every_core_gives_what_it_gives_in_one_process(forked_runs, sample, monkeypatch, tmp_path):
    pids = tmp_path / "pids"
    real = _execute._judged_range

    def noted(state, start, stop):
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(state, start, stop)

    serial = _in_one_process(sample, monkeypatch)
    monkeypatch.setattr(_execute, "_judged_range", noted)
    monkeypatch.setattr(_execute, "PARALLEL_CASES", len(sample))  # the least that goes to workers
    parallel = hmac_conformance.run("reference", sample)
    assert _outcomes(parallel) == _outcomes(serial)
    assert parallel.ok and parallel.counts["pass"] == len(sample) > 100
    workers = pids.read_text().split()
    assert len(workers) == -(-len(sample) // 7) and str(os.getpid()) not in workers


def test_a_failure_in_a_worker_is_reported_with_its_evidence(forked_runs, sample, monkeypatch):
    wrong = sample[50]
    real = _reference.run_case

    def broken(scheme, operation, input):  # noqa: A002
        output = real(scheme, operation, input)
        return {**output, "tag": b"\x00" * 4} if input == wrong.input and "tag" in output else output

    monkeypatch.setattr(_reference, "run_case", broken)
    assert wrong.scheme == "hmac" and wrong.operation == "mac", "the sample's 51st vector is a MAC"
    serial = _in_one_process(sample, monkeypatch)
    parallel = hmac_conformance.run("reference", sample)
    assert _outcomes(parallel) == _outcomes(serial)
    failed = [r for r in parallel.results if r.status != "pass"]
    assert [r.vector_id for r in failed] == [wrong.id] and failed[0].status == "fail"
    assert failed[0].got == {"tag": b"\x00" * 4} and failed[0].input == wrong.input and failed[0].diagnostic


def test_cases_a_dead_worker_did_not_answer_run_in_this_process(forked_runs, sample, monkeypatch):
    parent, fatal = os.getpid(), sample[100].input  # batches before it are answered by the workers
    real = _reference.run_case

    def dies_in_a_worker(scheme, operation, input):  # noqa: A002
        if os.getpid() != parent and input == fatal:
            os._exit(3)
        return real(scheme, operation, input)

    monkeypatch.setattr(_reference, "run_case", dies_in_a_worker)
    run = hmac_conformance.run("reference", sample)
    assert run.ok and [r.vector_id for r in run.results] == [v.id for v in sample]
    assert _outcomes(run) == _outcomes(_in_one_process(sample, monkeypatch))


def test_only_the_reference_runs_in_forked_workers(forked_runs, sample):
    """Other in-process code may hold threads, locks or connections that a fork breaks: it runs here."""
    assert implementation("reference").fork_safe
    assert not implementation("python:hmac_conformance._reference").fork_safe
    seen: list[int] = []

    class Target:
        @staticmethod
        def run_case(scheme, operation, input):  # noqa: A002
            seen.append(os.getpid())
            return _reference.run_case(scheme, operation, input)

    run = hmac_conformance.run(InProcessAdapter("python:target", Target()), sample)
    assert run.ok and seen == [os.getpid()] * len(sample)


def test_one_core_runs_every_case_here(forked_runs, sample, monkeypatch):
    monkeypatch.setattr(_parallel, "cores", lambda: 1)
    monkeypatch.setattr(_parallel, "map_ranges", None)  # any attempt to start workers would fail
    assert _outcomes(hmac_conformance.run("reference", sample)) == _outcomes(_in_one_process(sample, monkeypatch))


@pytest.mark.parametrize(("strict_reasons", "evidence"), [(False, False), (True, True)])
def test_a_worker_sends_back_each_result_without_what_its_vector_gives(sample, monkeypatch, strict_reasons, evidence):
    """In this process, as a worker runs it: the fields after the vector's id, scheme, operation and tags, in the
    order Result takes them, so that the main process rebuilds the same Result around its own vector; judged as
    the run asks (strict reasons, evidence kept for passes)."""
    at = next(i for i, v in enumerate(sample) if i >= 3 and v.operation == "verify" and v.expected.get("reason"))
    real = _reference.run_case
    monkeypatch.setattr(  # another reason for the refusal: a pass, or a fail with strict reasons
        _reference,
        "run_case",
        lambda s, o, i: {**real(s, o, i), "reason": "other"} if i == sample[at].input else real(s, o, i),
    )
    adapter = implementation("reference")
    adapter.start()
    state, chosen = (adapter, sample, strict_reasons, evidence), sample[at - 3 : at + 3]
    carried = _execute._judged_range(state, at - 3, at + 3)
    rebuilt = [Result(v.id, v.scheme, v.operation, v.tags, *c) for v, c in zip(chosen, carried, strict=True)]
    expected = [judge(v, r, strict_reasons, evidence=evidence) for v, r in adapter.run(chosen)]
    assert [replace(r, seconds=0) for r in rebuilt] == [replace(r, seconds=0) for r in expected]
    assert [r.status for r in rebuilt] == ["pass"] * 3 + ["fail" if strict_reasons else "pass"] + ["pass"] * 2
    assert all(
        (r.expected == v.expected) is evidence for r, v in zip(rebuilt, chosen, strict=True) if r.status == "pass"
    )


class _Forgetful(InProcessAdapter):
    """The reference, fork-safe, but yielding nothing for one vector: a bug the run must report, not hide."""

    def __init__(self, forgotten: str) -> None:
        super().__init__("forgetful", _reference, fork_safe=True)
        self.forgotten = forgotten

    def run(self, vectors):
        return ((v, r) for v, r in super().run(vectors) if v.id != self.forgotten)


def test_a_vector_a_worker_produced_nothing_for_is_an_error(forked_runs, sample):
    run = hmac_conformance.run(_Forgetful(sample[20].id), sample)
    bad = [(r.vector_id, r.status, r.message) for r in run.results if r.status != "pass"]
    assert bad == [(sample[20].id, "error", "no outcome was produced for this vector")]
    assert [r.vector_id for r in run.results] == [v.id for v in sample]


def test_in_workers_an_unexpected_pass_keeps_its_evidence(forked_runs, sample, monkeypatch):
    """An xfail list makes every pass carry its evidence until the list is applied: a listed vector that passes
    (xpass) is reported with what it was expected to give and what it gave."""
    listed = sample[30]
    xfail = [ExpectedFailure(listed.id, "listed, but passes")]
    for run in (
        hmac_conformance.run("reference", sample, xfail=xfail),
        _in_one_process(sample, monkeypatch, xfail=xfail),
    ):
        (xpass,) = [r for r in run.results if r.status != "pass"]
        assert (xpass.vector_id, xpass.status) == (listed.id, "xpass")
        assert xpass.expected == listed.expected and xpass.got is not None


def test_in_workers_strict_reasons_are_strict(forked_runs, sample, monkeypatch):
    """A verifier that rejects for another reason passes unless reasons are strict: the workers judge as asked."""
    refusal = next(v for v in sample if v.operation == "verify" and v.expected.get("reason"))
    real = _reference.run_case

    def other_reason(scheme, operation, input):  # noqa: A002
        output = real(scheme, operation, input)
        return {**output, "reason": "other"} if input == refusal.input else output

    monkeypatch.setattr(_reference, "run_case", other_reason)
    lenient = hmac_conformance.run("reference", sample)
    strict = hmac_conformance.run("reference", sample, strict_reasons=True)
    assert lenient.ok and "'other'" in next(r.message for r in lenient.results if r.vector_id == refusal.id)
    assert [(r.vector_id, r.status) for r in strict.results if r.status != "pass"] == [(refusal.id, "fail")]
    assert _outcomes(strict) == _outcomes(_in_one_process(sample, monkeypatch, strict_reasons=True))


def test_work_not_started_is_cancelled_when_the_caller_stops(tmp_path):
    """A run that stops consuming (an error while recording, an interrupt) does not wait for the rest of the
    batches to be computed for nothing: only those already handed to a worker are."""
    if _parallel.cores() < 2:
        pytest.skip("one core, or no fork: no workers here")
    done = tmp_path / "done"
    results = _parallel.map_ranges(_note_range, done, 200, 1)
    assert next(results) == (0, 1)
    results.close()
    assert 1 <= len(done.read_text().split()) < 50, "of 200 batches, only the few already queued ran"
    assert not _parallel._INHERITED, "nothing is left for later workers to inherit"


def _note_range(done: Path, start: int, stop: int) -> tuple[int, int]:
    time.sleep(0.01)  # a batch takes a while, as a real one does: 200 of them would take a second
    with done.open("a") as out:
        out.write(f"{start}\n")
    return start, stop
