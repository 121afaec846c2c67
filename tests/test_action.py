"""The composite GitHub Action (action.yml): its steps' commands run here, without network, as a runner would
run them — inputs as environment variables, reports written, the step summary appended, the exit status the
gate's."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import PY, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("name", step.get("uses")): step for step in ACTION["runs"]["steps"]}
BUGGY = f"jsonl:{shlex.join([PY, str(ROOT / 'tests' / 'impls' / 'buggy.py'), 'seconds'])}"
SAMPLE = f"--vectors {ROOT / 'tests' / 'golden' / 'vectors'}"  # the small frozen sample: a few seconds a run


def run_step(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """The 'Run the vectors' step with these inputs (the rest at their defaults), in a fresh folder."""
    step = STEPS["Run the vectors"]
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    for name, template in step["env"].items():
        key = template.removeprefix("${{ inputs.").removesuffix(" }}")
        env[name] = values[key]
    return subprocess.run(
        ["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_action_declares_its_inputs_and_installs_itself():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {
        "impl",
        "suite-version",
        "xfail",
        "require",
        "baseline",
        "junit",
        "json",
        "markdown",
    }
    assert ACTION["inputs"]["impl"]["required"] is True
    install = STEPS["Install hmac-conformance"]
    assert install["run"] == 'python -m pip install --quiet "$HC_ACTION_PATH"'
    assert install["env"]["HC_ACTION_PATH"] == "${{ github.action_path }}"
    assert "${{" not in STEPS["Run the vectors"]["run"], "inputs reach the script only through the environment"


def test_a_passing_gate_writes_every_report_and_the_summary(tmp_path):
    done = run_step(
        tmp_path, impl="reference", **{"suite-version": "1.1.0", "require": "hmac/mac:sha256\nfirstvision/sign"}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("hmac-conformance.junit.xml", "hmac-conformance.json", "hmac-conformance.md"):
        assert (tmp_path / name).stat().st_size > 0
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# hmac-conformance") and "**Passed**" in summary
    assert "OK: " in done.stdout


def test_a_failing_implementation_fails_the_step_and_still_publishes(tmp_path):
    done = run_step(tmp_path, impl=BUGGY, select=f"{SAMPLE} --scheme firstvision --operation verify")
    assert done.returncode == 1
    assert "**Failed**" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_expected_failures_and_a_baseline_make_it_green(tmp_path):
    select = f"{SAMPLE} --scheme firstvision"
    first = run_step(tmp_path, impl=BUGGY, select=select, json="base.json")
    assert first.returncode == 1
    xfail = tmp_path / "xfail.yaml"
    subprocess.run([PY, "-m", "hmac_conformance", "run", f"--impl={BUGGY}", *select.split(),
                    f"--write-xfail={xfail}"], cwd=tmp_path, capture_output=True, check=False)  # fmt: skip
    assert run_step(tmp_path, impl=BUGGY, select=select, xfail=str(xfail)).returncode == 0
    assert run_step(tmp_path, impl=BUGGY, select=select, baseline="base.json").returncode == 0


@pytest.mark.parametrize("field", ["impl", "select", "require"])
def test_inputs_cannot_inject_commands(tmp_path, field):
    marker = tmp_path / "injected"
    payload = f"$(touch {marker}); touch {marker}"
    inputs = {"impl": "reference", "select": SAMPLE, field: payload}
    done = run_step(tmp_path, **inputs)
    assert not marker.exists()
    assert done.returncode == 2, done.stderr  # a usage error naming the odd value, nothing run
