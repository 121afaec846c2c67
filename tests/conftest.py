"""Shared fixtures. A test that needs a tool is skipped only where the tool is absent — and never in CI,
where HMAC_CONFORMANCE_REQUIRE_ALL=1 turns the absence into a failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hmac_conformance import _cli as cli

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "vectors"
EXAMPLES = json.loads((ROOT / "examples" / "examples.json").read_text(encoding="utf-8"))["examples"]
REQUIRE_ALL = os.environ.get("HMAC_CONFORMANCE_REQUIRE_ALL") == "1"
PY = sys.executable

if "MUTANT_UNDER_TEST" in os.environ and not Path(cli.__file__).resolve().is_relative_to(ROOT / "runner"):
    # Under mutmut (tools/mutation/) ROOT is mutants/: testing anything but the mutated copy measures nothing.
    pytest.exit(f"mutation testing imports {cli.__file__}, not the mutated copy under {ROOT}", returncode=4)


def require_tool(tool: str) -> None:
    if shutil.which(tool) is None:
        if REQUIRE_ALL:
            pytest.fail(f"{tool} is required (HMAC_CONFORMANCE_REQUIRE_ALL=1) but not found")
        pytest.skip(f"{tool} not installed")


_built: set[str] = set()


def build_example(example: dict) -> None:
    """Build an example once per test session (the build commands are incremental)."""
    require_tool(example["tool"])
    if example["name"] in _built:
        return
    for argv in example["build"]:
        subprocess.run(argv, cwd=ROOT, check=True, timeout=600)
    _built.add(example["name"])


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests neither read nor fill the user's cache of loaded files (subprocesses inherit this too)."""
    os.environ["HMAC_CONFORMANCE_CACHE"] = str(tmp_path_factory.mktemp("cache"))


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def hc(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process from the repository root and capture its output."""
    monkeypatch.chdir(ROOT)

    def run(*args: str) -> CliResult:
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def py_impl(script: str, *args: str) -> str:
    """A command line for a Python program under tests/, quoted for --impl."""
    import shlex

    return shlex.join([PY, str(ROOT / "tests" / script), *args])
