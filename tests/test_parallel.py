"""Work across worker processes gives exactly what it gives in one process. Loading: the same vectors in the
same order and the same problems, each with its file and line. Running the reference: the same results, with
their evidence, in the same order, also when a worker dies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import hmac_conformance
from hmac_conformance import _cache as cache
from hmac_conformance import _execute, _load, _parallel, _reference
from hmac_conformance._adapters import implementation
from hmac_conformance._adapters.inprocess import InProcessAdapter
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


def _in_one_process(vectors, monkeypatch) -> _execute.Run:
    with monkeypatch.context() as patched:
        patched.setattr(_execute, "PARALLEL_CASES", 10**9)
        return hmac_conformance.run("reference", vectors)


def test_the_reference_on_every_core_gives_what_it_gives_in_one_process(forked_runs, sample, monkeypatch, tmp_path):
    pids = tmp_path / "pids"
    real = _execute._judged_range

    def noted(state, start, stop):
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(state, start, stop)

    serial = _in_one_process(sample, monkeypatch)
    monkeypatch.setattr(_execute, "_judged_range", noted)
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
