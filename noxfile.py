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
from nox.command import CommandFailed

ROOT = Path(__file__).parent
EXAMPLES = json.loads((ROOT / "examples" / "examples.json").read_text(encoding="utf-8"))["examples"]
REPORTS = ROOT / "reports"
REQUIRE_ALL = os.environ.get("HMAC_CONFORMANCE_REQUIRE_ALL") == "1"

nox.options.sessions = ["validate", "lint", "tests", "conformance"]
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True


def _install(session: nox.Session, extras: str = "") -> None:
    session.install("-e", f".{extras}")
    _install_native(session)


#: The optional native package's modules (runner/native/), and what each needs to build.
NATIVE_MODULES = {
    "_hmac_conformance_native": "the C composer of YAML (needs libyaml's headers, e.g. libyaml-dev)",
    "_hmac_conformance_nettle": "Nettle's HMAC for the cross-checks (needs Nettle's headers, e.g. nettle-dev)",
}


#: Prints the names of the modules given that do not import.
_IMPORTS_OR_NAMES = """# which native modules do not import
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ImportError:
        print(name)
"""


def _install_native(session: nox.Session) -> None:
    """The optional native package (runner/native/): each of its modules needs a C compiler and its library's
    headers, and one that does not build is left out. Without the composer YAML is read in Python, three times
    slower; without Nettle's HMAC the cross-checks use PyCryptodome, ten to thirty times slower a call; the answers are
    the same. Under REQUIRE_ALL a missing module is an error."""
    try:
        session.install("./runner/native")
        printed = session.run("python", "-c", _IMPORTS_OR_NAMES, *NATIVE_MODULES, silent=True).split()
        missing = [name for name in NATIVE_MODULES if name in printed]  # the output holds stderr too
    except CommandFailed:
        missing = list(NATIVE_MODULES)
    for module in missing:
        message = f"{NATIVE_MODULES[module]}: {module} did not build (runner/native)"
        if REQUIRE_ALL:
            session.error(message + " (HMAC_CONFORMANCE_REQUIRE_ALL=1)")
        session.warn(message + "; the runner does without it, with the same answers")


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
    """The test suite on two processes (pytest-xdist; tests/conftest.py builds the examples it runs, once per
    process). A later -n in the arguments wins."""
    _install(session, "[test]")
    REPORTS.mkdir(exist_ok=True)
    session.run("pytest", "-n", "2", f"--junitxml={REPORTS / 'pytest.junit.xml'}", *session.posargs)


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
def mutants(session: nox.Session) -> None:
    """Mutation adequacy of the vectors: every one-bug mutant of the references is killed (docs/mutants.md)."""
    _install(session)
    REPORTS.mkdir(exist_ok=True)
    session.run("hmac-conformance", "mutants", f"--report={REPORTS / 'mutants.md'}", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "runner", "tests", "tools", "examples/python", "noxfile.py")


@nox.session
def fuzz(session: nox.Session) -> None:
    """Bounded differential fuzzing (docs/fuzz.md): no find in any bundled example, every one-bug mutant caught."""
    _install(session, "[fuzz]")
    examples = _available_examples(session)
    session.run("python", "tools/fuzz_gate.py", *(ex["name"] for ex in examples), *session.posargs)


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
        except CommandFailed:
            failed.append(name)
        if (out / f"{name}.json").exists():
            runs.append(out / f"{name}.json")
    if runs:
        session.run("hmac-conformance", "report", *map(str, runs), f"--html={out / 'matrix.html'}",
                    f"--markdown={out / 'matrix.md'}")  # fmt: skip
    if failed:
        session.error(f"thirdparty: {', '.join(failed)} did not match the expected results (reports in {out})")
    session.log(f"reports in {out}")


# -- mutation testing (tools/mutation/) ---------------------------------------------------------------------------

MUTMUT = ("python", "tools/mutation/mutmut_cli.py")
GATE = ("python", "tools/mutation/gate.py")
SURVIVORS = "tools/mutation/survivors.txt"
#: The most mutants the CI check runs: about 3 minutes on a 2-core machine, fixed cost included.
CI_MAX_MUTANTS = 60
#: What the CI check runs when the last commit touched no mutated function, or too many: the functions that turn
#: results into a verdict and an exit status (97 mutants; junit.write's 200 would triple the time).
CI_SAMPLE = {
    "runner/hmac_conformance/_gate.py": ["hmac_conformance._gate.x_problems*", "hmac_conformance._gate.x_broken*"],
    "runner/hmac_conformance/_judging.py": ["hmac_conformance._judging.x_decision*"],
}
#: The tests that judge the sample: they call those functions directly, in milliseconds. (The functions a commit
#: touched are judged by every test mutmut is configured with, since which tests reach them is not known.)
CI_SAMPLE_TESTS = ["tests/test_run_verdict.py", "tests/test_judging.py"]


def _touched(session: nox.Session, *flags: str) -> tuple[dict[str, list[str]], int]:
    """The globs of the functions the last commit touched, by file, and how many mutants they make (CI runs on
    a fresh clone: HEAD~1 is the previous commit)."""
    try:
        out = session.run("python", "tools/mutation/scope.py", "--count", *flags, "HEAD~1", silent=True, external=True)
    except CommandFailed:
        out = ""  # no previous commit (a shallow clone): the sample
    scope: dict[str, list[str]] = {}
    total = 0
    for line in str(out or "").splitlines():
        count, glob = line.split(" ", 1)
        module = glob.split(".x", 1)[0]
        path = _module_path(module)
        if int(count):
            scope.setdefault(path, []).append(glob)
            total += int(count)
    return scope, total


def _ci_scope(session: nox.Session) -> tuple[dict[str, list[str]], list[str]]:
    """The functions the last commit touched; when they make more than CI_MAX_MUTANTS mutants because it changed a
    module-level line (an import, a constant: every function of the file counts as touched), the functions whose
    own lines it changed; else the fixed sample. And the tests to judge them by (none: all)."""
    scope, total = _touched(session)
    if scope and total <= CI_MAX_MUTANTS:
        session.log(f"mutation --ci: checking the {total} mutants of the functions the last commit touched")
        return scope, []
    if scope:
        direct, count = _touched(session, "--direct")
        if direct and count <= CI_MAX_MUTANTS:
            session.log(
                f"mutation --ci: the last commit touched {total} mutants, module-level lines included; checking the "
                f"{count} mutants of the functions whose own lines it changed"
            )
            return direct, []
    why = "touched no mutated function" if not scope else f"touched {total} mutants (more than {CI_MAX_MUTANTS})"
    session.log(f"mutation --ci: the last commit {why}; checking the fixed sample")
    return CI_SAMPLE, CI_SAMPLE_TESTS


def _module_path(module: str) -> str:
    """hmac_conformance._adapters -> runner/hmac_conformance/_adapters/__init__.py (or .py)."""
    base = ROOT / "runner" / Path(*module.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return str(path.relative_to(ROOT))


@nox.session
def mutation(session: nox.Session) -> None:
    """Mutation testing of the verdict code with mutmut 3.8.1 (tools/mutation/). Fails on a surviving mutant that
    tools/mutation/survivors.txt does not list (with its reason).

    nox -s mutation                 every mutated module: the score per module, also in reports/mutation.md
                                    (a nightly or manual job: an hour or more on 2 cores)
    nox -s mutation -- GLOB...      only these mutants, e.g. "hmac_conformance._gate.x*"
    nox -s mutation -- --ci         CI's bounded check: the functions the last commit touched, or a fixed sample
    """
    _install(session, "[test]")
    session.install("mutmut==3.8.1", "pytest-timeout==2.4.0")  # pytest-timeout: see [tool.mutmut] in pyproject
    args = list(session.posargs)
    only: list[str] = []
    tests: list[str] = []
    if args == ["--ci"]:
        scope, tests = _ci_scope(session)
        only, globs = sorted(scope), [g for path in sorted(scope) for g in scope[path]]
    elif "--ci" in args:
        session.error("--ci takes no globs")
    else:
        globs = args
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)  # no verdict cached from other tests or sources
    run = [*MUTMUT, *(["--only", ",".join(only)] if only else []), *(["--tests", ",".join(tests)] if tests else [])]
    run += ["run", "--max-children", "2"]
    # A glob makes mutmut run those mutants (it would keep a cached verdict otherwise).
    session.run(*run, *(globs or ["hmac_conformance.*"]))
    REPORTS.mkdir(exist_ok=True)
    session.run(*GATE, "summary", "--listed", SURVIVORS, "--markdown", str(REPORTS / "mutation.md"), *globs)
    session.run(*GATE, "check", "--expect-some", SURVIVORS, *globs)
