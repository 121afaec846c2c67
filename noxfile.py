"""Developer and CI entry points. `nox -s conformance` is the main job; `nox -s tests` runs the tests.

Set HMAC_CONFORMANCE_REQUIRE_ALL=1 (CI does) to make a missing example toolchain an error instead of a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
EXAMPLES = json.loads((ROOT / "examples" / "examples.json").read_text(encoding="utf-8"))["examples"]
REPORTS = ROOT / "reports"
REQUIRE_ALL = os.environ.get("HMAC_CONFORMANCE_REQUIRE_ALL") == "1"

nox.options.sessions = ["validate", "lint", "tests", "conformance"]
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True


def _install(session: nox.Session, extras: str = "") -> None:
    session.install("-e", f".{extras}")


def _available_examples(session: nox.Session) -> list[dict]:
    """Examples whose toolchain is on this machine, built; a missing one fails under REQUIRE_ALL."""
    ready = []
    for example in EXAMPLES:
        if shutil.which(example["tool"]) is None:
            message = f"example {example['name']}: {example['tool']} not found"
            if REQUIRE_ALL:
                session.error(message + " (HMAC_CONFORMANCE_REQUIRE_ALL=1)")
            session.warn(message + ", skipped")
            continue
        for argv in example["build"]:
            session.run(*argv, external=True)
        ready.append(example)
    return ready


@nox.session
def conformance(session: nox.Session) -> None:
    """Run every vector against the reference and every example implementation; write reports/.

    One-shot (cmd:) runs leave out what an example's ``oneshot_exclude`` names (the bulk published HMAC sets,
    which the same example also runs in persistent mode): a process per case for each would take minutes.
    """
    _install(session)
    examples = _available_examples(session)
    REPORTS.mkdir(exist_ok=True)
    reports = [f"--report=json:{REPORTS / 'conformance.json'}", f"--report=junit:{REPORTS / 'conformance.junit.xml'}",
               f"--report=markdown:{REPORTS / 'conformance.md'}"]  # fmt: skip
    persistent = ["reference"] + [spec for ex in examples for spec in ex["impl"] if not spec.startswith("cmd:")]
    session.run("hmac-conformance", "run", "-q", *(f"--impl={s}" for s in persistent), *reports)
    runs = [REPORTS / "conformance.json"]
    for ex in examples:
        for spec in (s for s in ex["impl"] if s.startswith("cmd:")):
            out = REPORTS / f"conformance-{ex['name']}-oneshot.json"
            excludes = [f"--exclude={g}" for g in ex.get("oneshot_exclude", [])]
            session.run("hmac-conformance", "run", "-q", "-j", "2", f"--impl={spec}", *excludes, f"--report=json:{out}")
            runs.append(out)
    session.run(
        "hmac-conformance", "report", *map(str, runs),
        f"--html={REPORTS / 'matrix.html'}", f"--markdown={REPORTS / 'matrix.md'}",
    )  # fmt: skip
    session.log(f"reports in {REPORTS}")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (tests/conftest.py builds the examples it runs, once per session)."""
    _install(session, "[test]")
    REPORTS.mkdir(exist_ok=True)
    session.run("pytest", f"--junitxml={REPORTS / 'pytest.junit.xml'}", *session.posargs)


#: The Python versions the package supports besides the default one (3.11, which runs everything).
OTHER_PYTHONS = ["3.10", "3.12", "3.13"]
#: What the other versions run: every test module but those that build and run the example programs, start
#: real misbehaving processes, drive a browser or build a wheel. Those exercise the examples' toolchains and
#: the machine more than the interpreter, and would triple CI's time (docs: README, "Python versions").
COMPAT_SKIP = [
    "tests/test_examples.py",
    "tests/test_faults.py",
    "tests/test_matrix.py",
    "tests/test_export_loaders.py",
    "tests/test_thirdparty.py",
    "tests/test_pytest_plugin.py",
    "tests/test_action.py",
]


def _pyenv_pythons() -> None:
    """Where pyenv manages the Pythons (as on these machines), its shims answer only for the selected versions,
    and its `exec` pins PYENV_VERSION to one: add every other installed version after the selected ones, so that
    nox finds python3.10 … python3.13."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return

    def listed(*args: str) -> list[str]:
        done = subprocess.run([pyenv, *args], capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
        return done.stdout.replace(":", " ").split() if done.returncode == 0 else []

    installed = [v for v in listed("versions", "--bare") if v.count(".") == 2]
    selected = listed("version-name")  # PYENV_VERSION if set, else .python-version or the global choice
    if selected or installed:
        os.environ["PYENV_VERSION"] = ":".join(selected + [v for v in installed if v not in selected])


_pyenv_pythons()


@nox.session(python=OTHER_PYTHONS)
def compat(session: nox.Session) -> None:
    """The test suite on the other supported Python versions (all but the toolchain-heavy modules)."""
    _install(session, "[test]")
    ignore = [f"--ignore={path}" for path in COMPAT_SKIP]
    session.run("pytest", "-q", "-p", "no:cacheprovider", *ignore, *session.posargs)


@nox.session
def validate(session: nox.Session) -> None:
    """Schema, lint and double recomputation of every expected value; every spec rule covered by vectors."""
    _install(session)
    session.run("hmac-conformance", "validate")
    session.run("hmac-conformance", "coverage", "--require-coverage", "--format", "markdown")


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "runner", "tests", "examples/python", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Runner overhead: persistent vs one-shot speed (Python example), and in-process overhead per vector."""
    _install(session)
    session.run("python", "tests/bench.py", *session.posargs)
