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
    """Schema, lint and double recomputation of every expected value."""
    _install(session)
    session.run("hmac-conformance", "validate")


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutation adequacy of the vectors: every one-bug mutant of the references is killed (docs/mutants.md)."""
    _install(session)
    REPORTS.mkdir(exist_ok=True)
    session.run("hmac-conformance", "mutants", f"--report={REPORTS / 'mutants.md'}", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "runner", "tests", "examples/python", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Speed and memory at 1k, 10k and 100k vectors, each next to its floor; writes docs/performance.md and fails
    when a target is missed (tools/bench/bench.py; e.g. ``nox -s bench -- --sizes 1000,10000``)."""
    _install(session)
    session.run("python", "tools/bench/bench.py", *session.posargs)


#: Where the third-party adapters are described: one manifest per scheme (thirdparty/README.md).
THIRDPARTY_MANIFESTS = "thirdparty/*/libraries.json"


def _thirdparty_libraries(session: nox.Session) -> list[dict]:
    """Every adapter of every manifest, or those the positional arguments name (CI runs a subset)."""
    libraries = []
    for manifest in sorted(ROOT.glob(THIRDPARTY_MANIFESTS)):
        scheme = manifest.parent.name
        entries = json.loads(manifest.read_text(encoding="utf-8"))["libraries"]
        libraries += [{**entry, "scheme": scheme} for entry in entries]
    unknown = set(session.posargs) - {lib["name"] for lib in libraries}
    if unknown:
        session.error(f"thirdparty: no adapter named {', '.join(sorted(unknown))}")
    return [lib for lib in libraries if not session.posargs or lib["name"] in session.posargs]


def _offline_first(argv: list[str]) -> list[str] | None:
    """The same build from the local caches only, where the tool has such a mode (tried before going online)."""
    if argv[0] == "cargo":
        return [*argv, "--offline"]
    if argv[0] == "mvn":
        return [argv[0], "--offline", *argv[1:]]
    return None


def _untestable_ids(session: nox.Session, path: str) -> list[str]:
    """The ids of an adapter's untestable.yaml, read with the session's PyYAML (nox's own Python may lack it)."""
    code = "import sys, yaml; print(*(e['id'] for e in yaml.safe_load(open(sys.argv[1]))['untestable']), sep='\\n')"
    return session.run("python", "-c", code, str(ROOT / path), silent=True).split()


def _build_thirdparty(session: nox.Session, library: dict) -> None:
    for argv in library["build"]:
        offline = _offline_first(argv)
        if offline is not None:
            session.log(" ".join(offline))
            done = subprocess.run(offline, cwd=ROOT, capture_output=True, check=False)  # noqa: S603 - manifest argv
            if done.returncode == 0:
                continue
            session.log(f"{library['name']}: not all of it is cached, building online")
        session.run(*argv, external=True)


@nox.session
def thirdparty(session: nox.Session) -> None:
    """Build each third-party library at its pinned version and run the suite against it (thirdparty/README.md).

    Per adapter: its expected-failure list (a fixed or newly broken divergence fails), the vectors its library's
    API cannot express left out, and every other vector of the operations it offers required to be executed.
    """
    _install(session)
    out = REPORTS / "thirdparty"
    out.mkdir(parents=True, exist_ok=True)
    failed, runs = [], []
    for library in _thirdparty_libraries(session):
        name = library["name"]
        if shutil.which(library["tool"]) is None:
            if REQUIRE_ALL:
                session.error(f"thirdparty {name}: {library['tool']} not found (HMAC_CONFORMANCE_REQUIRE_ALL=1)")
            session.warn(f"thirdparty {name}: {library['tool']} not found, skipped")
            continue
        _build_thirdparty(session, library)
        untestable = _untestable_ids(session, library["untestable"])
        impl = next(spec for spec in library["impl"] if spec.startswith("jsonl:"))
        args = [
            f"--vectors=vectors/{library['scheme']}", f"--impl={impl}", f"--xfail={library['xfail']}",
            *(f"--exclude={glob}" for glob in untestable),
            *(f"--require={library['scheme']}/{op}" for op in library["operations"]),
            f"--report=json:{out / name}.json", f"--report=markdown:{out / name}.md",
        ]  # fmt: skip
        try:
            session.run("hmac-conformance", "run", "-q", *args)
        except nox.command.CommandFailed:
            failed.append(name)
        if (out / f"{name}.json").exists():
            runs.append(out / f"{name}.json")
    if runs:
        session.run("hmac-conformance", "report", *map(str, runs), f"--html={out / 'matrix.html'}",
                    f"--markdown={out / 'matrix.md'}")  # fmt: skip
    if failed:
        session.error(f"thirdparty: {', '.join(failed)} did not match the expected results (reports in {out})")
    session.log(f"reports in {out}")
