"""hmac-conformance fuzz: a planted bug is found, shrunk and written as a vector that fails the buggy
implementation and passes the reference; the reference itself yields nothing; the same seed, the same run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hmac_conformance import _cli as cli
from hmac_conformance import _fuzz as fuzz
from hmac_conformance._load import load
from hmac_conformance._validate import lint, validate
from hmac_conformance.schemes.hmac.reference import ALGORITHMS
from tests.conftest import ROOT

PLANTED = "python:tests.impls.mistakes:long_key_not_hashed"  # MAC-2 skipped: a long key cut, not hashed
HMAC_MAC = ["--scheme", "hmac", "--operation", "mac"]


def _fuzz(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["fuzz", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _written(out: Path) -> list[Path]:
    return sorted(out.rglob("*.yaml"))


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # tests.impls is importable from the repository root


def test_a_planted_bug_is_found_shrunk_and_written_as_a_regression_vector(tmp_path, capsys, in_root):
    out = tmp_path / "finds"
    code, text, err = _fuzz(capsys, "--impl", PLANTED, *HMAC_MAC, "--max-examples", "100", "--seed", "7",
                            "--out", str(out))  # fmt: skip
    assert code == 1, text + err
    assert "DISAGREEMENT hmac/mac" in text and "long-key-not-hashed" in text
    [path] = _written(out)
    assert path.parent.name == "hmac" and re.fullmatch(r"fuzz-[0-9a-f]{12}\.yaml", path.name)

    # The file is a vector file: strict loader, schema and lint (both expected values), dated with the version
    # being prepared, which validate accepts as it stands (or, after a release, once the next one is started).
    result = load([path])
    assert result.problems == []
    assert lint(result, suite_version=fuzz.since()) == []
    [vector] = result.vectors
    assert (vector.source, vector.since, vector.id) == ("generated", fuzz.since(), f"hmac/{path.stem}/mac")
    suite = (ROOT / "vectors" / "VERSION").read_text().strip()
    _, problems = validate([path])
    if fuzz.since() == suite:
        assert problems == []
    else:
        assert [p.message for p in problems] == [f"since {fuzz.since()} is later than the suite version {suite}"]
    # Shrunk to a minimum: a key one byte longer than the block, the shortest that shows the bug.
    block = ALGORITHMS[vector.input["algorithm"]][2]
    assert len(vector.input["key"]) == block + 1
    assert vector.input["message"] == b""

    # One step to a regression vector: it fails the buggy implementation and passes the reference.
    assert cli.main(["run", "-q", "--impl", PLANTED, "--vectors", str(path)]) == 1
    assert cli.main(["run", "-q", "--impl", "reference", "--vectors", str(path)]) == 0


def test_the_reference_agrees_with_itself_on_every_target(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # and Hypothesis writes nothing into the working directory
    code, text, err = _fuzz(capsys, "--impl", "reference", "--max-examples", "12", "--seed", "1",
                            "--out", str(tmp_path / "finds"))  # fmt: skip
    assert code == 0, text + err
    targets = [line.split()[0] for line in text.splitlines() if line.startswith("  ")]
    assert targets == [str(t) for t in fuzz.fuzzable([])]
    assert all(" 0 cases" not in line for line in text.splitlines()), text
    assert "OK: no disagreement" in text and "SEARCH FAILED" not in text
    # Hypothesis writes its files into --out/.hypothesis only if this process has not built them already (an
    # earlier test of the same process may have), so the folder may be absent; nothing else may be there.
    assert {p.name for p in tmp_path.iterdir()} <= {"finds"}, "Hypothesis writes nothing into the working directory"
    finds = tmp_path / "finds"
    if finds.exists():
        assert {p.name for p in finds.iterdir()} <= {".hypothesis"}, "its cache only, no find"


def test_the_same_seed_tries_the_same_cases(tmp_path, capsys, in_root):
    def once(name: str, impl: str, *extra: str) -> tuple[int, str, list[str]]:
        out = tmp_path / name
        code, text, _ = _fuzz(capsys, "--impl", impl, "--max-examples", "25", "--seed", "42", "--out", str(out),
                              *extra)  # fmt: skip
        timeless = re.sub(r"\d+\.\d s", "", text).replace(str(out), "OUT")
        return code, timeless, [p.read_text() for p in _written(out)]

    assert once("a", "reference", "--scheme", "sigv4") == once("b", "reference", "--scheme", "sigv4")
    first = once("c", PLANTED, *HMAC_MAC)
    assert first[0] == 1 and len(first[2]) == 1
    assert first == once("d", PLANTED, *HMAC_MAC)


def test_a_crash_of_the_implementation_is_a_finding(tmp_path, capsys, in_root):
    out = tmp_path / "finds"
    code, text, err = _fuzz(capsys, "--impl", "python:tests.impls.crashing", *HMAC_MAC, "--max-examples", "200",
                            "--seed", "3", "--out", str(out))  # fmt: skip
    assert code == 1, text + err
    assert "(error)" in text and "key buffer overflow" in text
    [path] = _written(out)
    [vector] = load([path]).vectors
    assert len(vector.input["key"]) == ALGORITHMS[vector.input["algorithm"]][2] + 1, "shrunk to the shortest key"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--impl", "nonsense"], "--impl 'nonsense'"),
        (["--impl", "reference", "--seed", "-1"], "argument --seed"),
        (["--impl", "reference", "--max-examples", "0"], "argument --max-examples"),
        (["--impl", "reference", "--seconds", "nan"], "argument --seconds"),
        (["--impl", "reference", "--scheme", "nope"], "argument --scheme"),
        (["--impl", "reference", "--out", "{tmp}/file.txt"], "not a folder"),
        (["--impl", "reference", "--out", "{tmp}/no/such"], "does not exist"),
        (["--seconds", "1"], "--impl"),
    ],
)
def test_usage_errors_exit_2_on_one_line(tmp_path, capsys, in_root, args, fragment):
    (tmp_path / "file.txt").write_text("x\n")
    code, text, err = _fuzz(capsys, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert code == 2
    assert text == "" and "Traceback" not in err
    [line] = err.strip().splitlines()
    assert fragment.replace("{tmp}", str(tmp_path)) in line


def test_a_find_is_dated_with_the_version_being_prepared(monkeypatch):
    monkeypatch.setattr(fuzz.paths, "suite_version", lambda: "1.1.0")  # released (vectors/MANIFEST)
    assert fuzz.since() == "1.2.0"
    monkeypatch.setattr(fuzz.paths, "suite_version", lambda: "9.4.0")  # not released yet: being prepared
    assert fuzz.since() == "9.4.0"
