"""The native loaders of exported vectors (examples/go/conformance_test.go, examples/java/src/ExportedVectors.java,
examples/node/exported.test.mjs): each runs every vector of `export --split` for hmac and firstvision as one
test of its own framework, reports as many cases as were exported, skips (and counts) what examples.json
declares unsupported, fails naming each vector whose expected value is wrong, and fails without an export."""

from __future__ import annotations

import base64
import fnmatch
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hmac_conformance import _cli as cli

from .conftest import EXAMPLES, ROOT, require_tool

FILES = ("hmac-mac.json", "hmac-mac-verify.json", "firstvision-sign.json", "firstvision-verify.json")
TIMEOUT = 600


@dataclass
class Tally:
    """What a loader reported: its exit status, the outcome per vector id, and its whole output."""

    code: int
    output: str
    passed: int = 0
    skipped: int = 0
    failed: set[str] = field(default_factory=set)


# The Go example builds from the repository alone: no module proxy, no toolchain download, go.mod as committed.
GO_OFFLINE = {"GOPROXY": "off", "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly"}


def _run(argv: list[str], cwd: Path, export: Path, **env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HMAC_CONFORMANCE_EXPORT": str(export), **env}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def run_go(root: Path, export: Path, _java_build: Path) -> Tally:
    """`go test -json`: one pass/fail/skip event per subtest TestVectors/<id>."""
    argv = ["go", "test", "-count=1", "-json", "-run", "^TestVectors$", "."]
    proc = _run(argv, root / "examples" / "go", export, **GO_OFFLINE)
    tally = Tally(proc.returncode, proc.stderr)
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            tally.output += line + "\n"
            continue
        event = json.loads(line)
        tally.output += event.get("Output", "")
        test, action = event.get("Test", ""), event["Action"]
        if not test.startswith("TestVectors/") or action not in ("pass", "fail", "skip"):
            continue
        if action == "pass":
            tally.passed += 1
        elif action == "skip":
            tally.skipped += 1
        else:
            tally.failed.add(test.removeprefix("TestVectors/"))
    return tally


def run_java(root: Path, export: Path, java_build: Path) -> Tally:
    """ExportedVectors: FAILED/ERROR lines name the vector, the last line is the total."""
    proc = _run(["java", "-cp", str(java_build), "ExportedVectors"], root, export)
    tally = Tally(proc.returncode, proc.stdout + proc.stderr)
    total = re.findall(r"^Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)$", proc.stdout, re.M)
    assert total, tally.output
    run, failures, errors, tally.skipped = map(int, total[-1])
    tally.failed = set(re.findall(r"^(?:FAILED|ERROR) (\S+?):", proc.stdout, re.M))
    tally.passed = run - failures - errors - tally.skipped
    assert len(tally.failed) == failures + errors, tally.output
    return tally


def run_node(root: Path, export: Path, _java_build: Path) -> Tally:
    """node --test with the TAP reporter: `ok`/`not ok` lines of the tests inside each file's describe()."""
    test_file = root / "examples" / "node" / "exported.test.mjs"  # a directory argument fails on Node >= 21
    proc = _run(["node", "--test", "--test-reporter=tap", str(test_file)], root, export)
    tally = Tally(proc.returncode, proc.stdout + proc.stderr)
    summary = dict(re.findall(r"^# (tests|pass|fail|skipped) (\d+)$", proc.stdout, re.M))
    assert summary, tally.output
    for ok, name, directive in re.findall(r"^ {4}(ok|not ok) \d+ - (.*?)(?: # (SKIP\b.*))?$", proc.stdout, re.M):
        if ok == "not ok":
            tally.failed.add(name)
        elif directive:
            tally.skipped += 1
        else:
            tally.passed += 1
    # The per-vector lines agree with node's own summary (which also counts a failing file-level test).
    assert (tally.passed, tally.skipped) == (int(summary["pass"]), int(summary["skipped"])), tally.output
    return tally


LOADERS = {
    "go": (("go",), run_go),
    "java": (("javac", "java"), run_java),
    "node": (("node",), run_node),
}


def _export(out: Path, *args: str) -> dict[str, list[dict]]:
    """Export into out; the vectors of each file."""
    out.mkdir(parents=True, exist_ok=True)
    assert cli.main(["export", "--split", str(out), "--scheme", "hmac", "--scheme", "firstvision", *args]) == 0
    return {name: json.loads((out / name).read_text(encoding="utf-8"))["vectors"] for name in FILES}


@pytest.fixture(scope="module")
def full_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[dict]]]:
    out = tmp_path_factory.mktemp("export")
    return out, _export(out)


@pytest.fixture(scope="module")
def java_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Java example compiled once, with every lint warning an error (a missing javac skips only Java)."""
    out = tmp_path_factory.mktemp("java-build")
    if shutil.which("javac"):
        sources = sorted(str(p) for p in (ROOT / "examples" / "java" / "src").glob("*.java"))
        subprocess.run(["javac", "-encoding", "UTF-8", "-Xlint", "-Werror", "-d", str(out), *sources],
                       check=True, timeout=TIMEOUT)  # fmt: skip
    return out


def _may_not_support(name: str) -> list[str]:
    return next(e for e in EXAMPLES if e["name"] == name)["may_not_support"]


def _skips(vectors: dict[str, list[dict]], globs: list[str]) -> int:
    """How many vectors the globs match, read as the runner reads them (fnmatch: * also matches /)."""
    return sum(any(fnmatch.fnmatchcase(v["id"], g) for g in globs) for vs in vectors.values() for v in vs)


def test_go_example_needs_the_standard_library_only() -> None:
    """With GO_OFFLINE a module already in the cache would still build: go.mod itself must require nothing."""
    go_mod = (ROOT / "examples" / "go" / "go.mod").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(require|replace|toolchain)\b", go_mod, re.M), go_mod
    assert not (ROOT / "examples" / "go" / "go.sum").exists()


def test_node_example_imports_builtins_and_its_own_files_only() -> None:
    """No npm install: every import is a node: builtin or a file of the example."""
    sources = (ROOT / "examples" / "node").glob("*.mjs")
    imports = {
        m for p in sources for m in re.findall(r"^import\b[^;]*?\bfrom '([^']+)';", p.read_text(encoding="utf-8"), re.M)
    }
    assert imports and all(i.startswith(("node:", "./")) for i in imports), imports
    assert not (ROOT / "examples" / "node" / "package.json").exists()


@pytest.mark.parametrize("loader", LOADERS)
def test_loader_runs_every_exported_vector(loader: str, full_export, java_build: Path) -> None:
    tools, run = LOADERS[loader]
    for tool in tools:
        require_tool(tool)
    export, vectors = full_export
    total = sum(len(vs) for vs in vectors.values())
    skips = _skips(vectors, _may_not_support(loader))
    tally = run(ROOT, export, java_build)
    assert tally.code == 0, tally.output[-5000:]
    assert not tally.failed
    assert (tally.passed, tally.skipped) == (total - skips, skips)


# The failure run: a small export, one expected value corrupted in each file, two globs declared unsupported.
SELECTION = ("hmac/rfc4231/*", "hmac/verify/sha256/*", "firstvision/sign/post-json*", "firstvision/sign/inputs/api-key-*",
             "firstvision/verify/accept/*", "firstvision/verify/timestamp/*")  # fmt: skip
UNSUPPORTED = ["hmac/rfc4231/sha512/*", "firstvision/*/seconds"]  # '*' also matches '/', as in the runner


def _flip_first_byte(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


CORRUPT = {  # file -> (vector id, how its expected value is made wrong)
    "hmac-mac.json": ("hmac/rfc4231/sha256/case-2", lambda e: {"tag": _flip_first_byte(e["tag"])}),
    # same decision, another reason: a loader that compares only `valid` misses it
    "hmac-mac-verify.json": ("hmac/verify/sha256/flipped-first-bit", lambda e: {**e, "reason": "wrong-tag-length"}),
    "firstvision-sign.json": ("firstvision/sign/post-json", lambda e: {**e, "signature": e["signature"][::-1]}),
    "firstvision-verify.json": ("firstvision/verify/accept/valid-post", lambda e: {"valid": False, "reason": "replay"}),
}


def _mini_repo(tmp: Path, loader: str) -> Path:
    """The example copied into a repository-shaped folder whose examples.json declares UNSUPPORTED for it."""
    repo = tmp / "repo"
    for sub in ("go", "node"):
        shutil.copytree(ROOT / "examples" / sub, repo / "examples" / sub, ignore=shutil.ignore_patterns("build"))
    examples = json.loads((ROOT / "examples" / "examples.json").read_text(encoding="utf-8"))
    next(e for e in examples["examples"] if e["name"] == loader)["may_not_support"] = UNSUPPORTED
    (repo / "examples" / "examples.json").write_text(json.dumps(examples), encoding="utf-8")
    return repo


@pytest.mark.parametrize("loader", LOADERS)
def test_loader_fails_naming_corrupted_vectors_and_counts_skips(loader: str, tmp_path: Path, java_build: Path) -> None:
    tools, run = LOADERS[loader]
    for tool in tools:
        require_tool(tool)
    export = tmp_path / "export"
    vectors = _export(export, *(f"-k{g}" for g in SELECTION))
    for name, (vector_id, corrupt) in CORRUPT.items():
        doc = json.loads((export / name).read_text(encoding="utf-8"))
        (vector,) = (v for v in doc["vectors"] if v["id"] == vector_id)
        vector["expected"] = corrupt(vector["expected"])
        (export / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    total = sum(len(vs) for vs in vectors.values())
    skips = _skips(vectors, UNSUPPORTED)
    assert skips == 8  # the 7 RFC 4231 SHA-512 cases and firstvision/verify/timestamp/seconds

    tally = run(_mini_repo(tmp_path, loader), export, java_build)
    assert tally.code != 0, tally.output[-5000:]
    assert tally.failed == {vector_id for vector_id, _ in CORRUPT.values()}, tally.output[-5000:]
    assert (tally.passed, tally.skipped) == (total - len(CORRUPT) - skips, skips)


@pytest.mark.parametrize("loader", LOADERS)
def test_loader_fails_without_an_export(loader: str, tmp_path: Path, java_build: Path) -> None:
    tools, run = LOADERS[loader]
    for tool in tools:
        require_tool(tool)
    tally = run(ROOT, tmp_path, java_build)  # an empty folder: never a pass with zero cases
    assert tally.code != 0
    assert tally.passed == 0
    for name in FILES:
        assert name in tally.output
