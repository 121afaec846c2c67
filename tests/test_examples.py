"""Every bundled example passes every vector it supports, in each mode it offers (examples/examples.json)."""

from __future__ import annotations

import fnmatch
import json

import pytest

from hmac_conformance._report import jsonreport
from tests.conftest import EXAMPLES, build_example

CASES = [(ex, spec) for ex in EXAMPLES for spec in ex["impl"]]


@pytest.mark.parametrize(("example", "spec"), CASES, ids=[spec for _, spec in CASES])
def test_example_conforms(hc, tmp_path, example, spec):
    build_example(example)
    report = tmp_path / "report.json"
    oneshot = spec.startswith("cmd:")
    args = ["-j", "2", *(f"--exclude={g}" for g in example.get("oneshot_exclude", []))] if oneshot else []
    result = hc("run", f"--impl={spec}", *args, f"--report=json:{report}", "--strict-reasons")
    assert result.code == 0, result.out[-3000:]
    run = jsonreport.described(json.loads(report.read_text(encoding="utf-8")))[0]
    assert run["implementation"]["version"] != "unknown", "examples answer the hello, also in one-shot mode"
    theirs = [r for r in run["results"] if r["scheme"] in example["schemes"]]
    others = [r for r in run["results"] if r["scheme"] not in example["schemes"]]
    assert all(r["status"] == "unsupported" for r in others), "an example's hello claims only its own schemes"
    unsupported = [r["id"] for r in theirs if r["status"] in ("unsupported", "skip")]
    undeclared = [i for i in unsupported if not any(fnmatch.fnmatchcase(i, g) for g in example["may_not_support"])]
    assert not undeclared, f"{example['name']} no longer supports: {undeclared[:5]}"
    assert run["counts"]["pass"] + len(unsupported) == len(theirs)
