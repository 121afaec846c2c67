"""Loading across worker processes gives exactly what loading in one process gives: the same vectors in the
same order and the same problems, each with its file and line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hmac_conformance import _cache as cache
from hmac_conformance import _load, _parallel
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
