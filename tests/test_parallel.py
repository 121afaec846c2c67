"""Loading across worker processes gives exactly what loading in one process gives: the same vectors in the
same order and the same problems, each with its file and line."""

from __future__ import annotations

import shutil

import pytest

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
