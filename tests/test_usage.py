"""Every option of every subcommand, given a malformed value: exit 2, one line on stderr naming the option (or
the value), no traceback, nothing written — and found before any case runs."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from hmac_conformance import _cli as cli
from tests.conftest import PY, ROOT

RFC = ROOT / "vectors" / "hmac" / "rfc4231.yaml"


@pytest.fixture(scope="module")
def report_text(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.json"
    assert cli.main(["run", "-q", "--impl=reference", "-k", "hmac/rfc4231/*", f"--report=json:{path}"]) == 0
    return path.read_text(encoding="utf-8")


def _files(tmp: Path, report: str) -> dict[str, Path]:
    """Inputs the table refers to, made fresh in each test's folder: {name} placeholders in the table."""
    made = {
        "dir": tmp / "a-dir",
        "file": tmp / "a-file.txt",
        "noexec": tmp / "not-executable.sh",
        "badyaml": tmp / "bad.yaml",
        "xfail_typo": tmp / "typo.yaml",
        "notreport": tmp / "not-a-report.json",
        "report": tmp / "report.json",
    }
    made["dir"].mkdir()
    made["file"].write_text("text\n", encoding="utf-8")
    made["noexec"].write_text("#!/bin/sh\n", encoding="utf-8")
    made["noexec"].chmod(stat.S_IRUSR | stat.S_IWUSR)
    made["badyaml"].write_text("expected_failures: [\n", encoding="utf-8")
    made["xfail_typo"].write_text("expected_failures:\n  - id: hmac/nope/*\n    reason: typo\n", encoding="utf-8")
    made["notreport"].write_text('{"format": 1}\n', encoding="utf-8")
    made["report"].write_text(report, encoding="utf-8")
    return made


R = ["run", "--impl=reference"]
F = ["fuzz", "--impl=reference"]
CASES: list[tuple[str, list[str], str]] = [
    # (name, argv with {placeholders}, fragment of the one-line message)
    ("no-subcommand", [], "the following arguments are required: command"),
    ("unknown-subcommand", ["frobnicate"], "invalid choice: 'frobnicate'"),
    ("unknown-option", ["run", "--impl=reference", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    # validate
    ("validate-missing-path", ["validate", "{tmp}/missing.yaml"], "missing.yaml"),
    ("validate-quiet-value", ["validate", "--quiet=yes"], "argument -q/--quiet: ignored explicit argument 'yes'"),
    # export
    ("export-missing-path", ["export", "{tmp}/missing.yaml"], "missing.yaml"),
    ("export-out-missing-folder", ["export", "--out", "{tmp}/no/such/x.json"], "--out {tmp}/no/such/x.json: folder"),
    ("export-out-directory", ["export", "--out", "{dir}"], "is a directory"),
    ("export-out-no-value", ["export", "--out"], "argument --out: expected one argument"),
    ("export-split-missing", ["export", "--split", "{tmp}/none"], "--split {tmp}/none: not a directory"),
    ("export-split-and-out", ["export", "--split", "{dir}", "--out", "{tmp}/x.json"], "not allowed with argument"),
    ("export-selects-nothing", ["export", "-k", "nothing/*"], "no vector matches the selection"),
    # list and case
    ("list-format", ["list", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ("list-selects-nothing", ["list", "--tag", "no-such-tag"], "no vector matches the selection"),
    ("case-no-id", ["case"], "the following arguments are required: id"),
    ("case-unknown-id", ["case", "hmac/no/such/id"], "case: no vector has the id 'hmac/no/such/id'"),
    ("case-vectors-missing", ["case", "x", "--vectors", "{tmp}/none"], "none"),
    ("case-expected-value", ["case", "x", "--expected=1"], "argument --expected: ignored explicit argument"),
    ("case-persistent-value", ["case", "x", "--persistent=1"], "argument --persistent: ignored explicit argument"),
    # run --impl
    ("impl-missing", ["run"], "the following arguments are required: --impl"),
    ("impl-unknown-kind", ["run", "--impl=docker:x"], "unknown kind 'docker'"),
    ("impl-no-colon", ["run", "--impl=nonsense"], "--impl 'nonsense': use reference"),
    ("impl-empty-command", ["run", "--impl=cmd:"], "--impl 'cmd:'"),
    ("impl-blank-command", ["run", "--impl=jsonl:   "], "--impl 'jsonl:   '"),
    ("impl-unsplittable", ["run", "--impl=cmd:'unterminated"], "cannot split the command line"),
    ("impl-missing-program", ["run", "--impl=jsonl:/nonexistent/impl"], "no such program: /nonexistent/impl"),
    ("impl-program-not-on-path", ["run", "--impl=cmd:no-such-program-xyz"], "program 'no-such-program-xyz' not found"),
    ("impl-not-executable", ["run", "--impl=jsonl:{noexec}"], "is not executable"),
    ("impl-directory", ["run", "--impl=jsonl:{dir}"], "no such program"),
    ("impl-python-import", ["run", "--impl=python:no.such.module"], "cannot import 'no.such.module'"),
    ("impl-python-attr", ["run", "--impl=python:hmac_conformance._reference:nope"], "has no attribute 'nope'"),
    ("impl-python-no-run-case", ["run", "--impl=python:json"], "has no run_case"),
    ("impl-twice", ["run", "--impl=reference", "--impl=reference"], "the same implementation is given twice"),
    # run: selection
    ("vectors-missing", [*R, "--vectors", "{tmp}/none"], "none"),
    ("k-no-value", [*R, "-k"], "argument -k: expected one argument"),
    ("k-selects-nothing", [*R, "-k", "nothing/*"], "no vector matches the selection"),
    ("exclude-everything", [*R, "--exclude", "*"], "no vector matches the selection"),
    ("scheme-bad", [*R, "--scheme=sigv9"], "argument --scheme: invalid choice: 'sigv9'"),
    ("operation-bad", [*R, "--operation=encrypt"], "argument --operation: invalid choice: 'encrypt'"),
    ("tag-selects-nothing", [*R, "--tag=no-such-tag"], "no vector matches the selection"),
    ("suite-version-prefix", [*R, "--suite-version", "v1.0.0"], "expected a suite version such as 1.0.0, got 'v1.0.0'"),
    ("suite-version-word", [*R, "--suite-version", "banana"], "got 'banana'"),
    ("suite-version-future", [*R, "--suite-version", "99.0.0"], "suite version 99.0.0 is not released"),
    ("suite-version-too-old", [*R, "--suite-version", "0.9.0"], "no vector matches the selection"),
    ("strict-reasons-value", [*R, "--strict-reasons=1"], "argument --strict-reasons: ignored explicit argument"),
    ("vectors-no-subcommand", ["vectors"], "the following arguments are required: vectors_command"),
    ("vectors-new-no-id", ["vectors", "new", "hmac/mac"], "the following arguments are required: --id"),
    ("vectors-new-kind", ["vectors", "new", "hmac", "--id", "hmac/a/b"], "vectors new: 'hmac' is not SCHEME/OPERATION"),
    ("vectors-new-file-dir", ["vectors", "new", "hmac/mac", "--id", "hmac/a/b", "--file", "{dir}"], "is a directory"),
    ("vectors-fill-missing", ["vectors", "fill", "{tmp}/none.yaml"], "none.yaml"),
    ("release-version", ["release", "v1.2.0"], "release: expected a version such as 1.2.0, got 'v1.2.0'"),
    ("include-superseded-value", [*R, "--include-superseded=1"], "argument --include-superseded: ignored explicit argument"),
    ("require-bad", [*R, "--require=hmac/encrypt"], "argument --require: scheme hmac has no operation 'encrypt'"),
    ("require-unmatched", [*R, "--require=hmac/mac:md5", "--scheme=firstvision"], "matches no selected vector"),
    # run: expected failures, baseline, outputs
    ("xfail-missing", [*R, "--xfail", "{tmp}/none.yaml"], "--xfail {tmp}/none.yaml: cannot read"),
    ("xfail-bad-yaml", [*R, "--xfail", "{badyaml}"], "--xfail {badyaml}:"),
    ("xfail-wrong-shape", [*R, "--xfail", "{notreport}"], "--xfail {notreport}:"),
    ("xfail-unmatched", [*R, "--xfail", "{xfail_typo}"], "entry 'hmac/nope/*' matches no selected vector"),
    ("write-xfail-missing-folder", [*R, "--write-xfail", "{tmp}/no/x.yaml"], "--write-xfail {tmp}/no/x.yaml: folder"),
    ("write-xfail-directory", [*R, "--write-xfail", "{dir}"], "is a directory"),
    ("baseline-missing", [*R, "--baseline", "{tmp}/none.json"], "--baseline {tmp}/none.json: cannot read"),
    ("baseline-not-json", [*R, "--baseline", "{file}"], "--baseline {file}: cannot read the report"),
    ("baseline-not-a-report", [*R, "--baseline", "{notreport}"], "not a hmac-conformance JSON report"),
    ("baseline-unmatched", ["run", "--impl=python:tests.impls.capabilities:nothing", "--baseline", "{report}"],
     "no run for --impl"),
    ("report-bad-kind", [*R, "--report=pdf:{tmp}/x.pdf"], "--report 'pdf:{tmp}/x.pdf': expected json:PATH"),
    ("report-no-path", [*R, "--report=json:"], "--report 'json:'"),
    ("report-missing-folder", [*R, "--report=json:{tmp}/out/r.json"], "--report json:{tmp}/out/r.json: folder"),
    ("report-under-a-file", [*R, "--report=json:{file}/r.json"], "is not a folder"),
    ("report-directory", [*R, "--report=junit:{dir}"], "is a directory"),
    ("report-twice", [*R, "--report=json:{tmp}/r.json", "--report=markdown:{tmp}/r.json"], "the same file as"),
    ("redact-keys-value", [*R, "--redact-keys=no"], "argument --redact-keys: ignored explicit argument"),
    # run: process options
    ("timeout-zero", [*R, "--timeout=0"], "argument --timeout: expected a positive finite number of seconds"),
    ("timeout-negative", [*R, "--timeout=-1"], "argument --timeout"),
    ("timeout-nan", [*R, "--timeout=nan"], "got 'nan'"),
    ("timeout-inf", [*R, "--timeout=inf"], "got 'inf'"),
    ("timeout-word", [*R, "--timeout=soon"], "expected seconds, got 'soon'"),
    ("startup-timeout-zero", [*R, "--startup-timeout=0"], "argument --startup-timeout"),
    ("jobs-zero", [*R, "-j", "0"], "argument -j/--jobs: expected 1 to 256"),
    ("jobs-huge", [*R, "-j", "100000"], "argument -j/--jobs: expected 1 to 256"),
    ("jobs-word", [*R, "-j", "many"], "expected a whole number, got 'many'"),
    ("cwd-missing", [*R, "--cwd={tmp}/none"], "--cwd {tmp}/none: not a directory"),
    ("cwd-file", [*R, "--cwd={file}"], "not a directory"),
    ("env-no-equals", [*R, "--env=NOEQUALS"], "argument --env: expected NAME=VALUE, got 'NOEQUALS'"),
    ("env-bad-name", [*R, "--env=1X=y"], "expected NAME=VALUE, got '1X=y'"),
    ("quiet-value", [*R, "--quiet=1"], "argument -q/--quiet: ignored explicit argument"),
    ("verbose-value", [*R, "--verbose=1"], "argument -v/--verbose: ignored explicit argument"),
    # coverage
    ("coverage-vectors-missing", ["coverage", "--vectors", "{tmp}/none"], "none"),
    ("coverage-scheme-bad", ["coverage", "--scheme=sigv9"], "argument --scheme: invalid choice: 'sigv9'"),
    ("coverage-format", ["coverage", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ("coverage-require-coverage-value", ["coverage", "--require-coverage=1"],
     "argument --require-coverage: ignored explicit argument"),
    # report
    ("report-no-output", ["report", "{report}"], "give --html PATH and/or --markdown PATH"),
    ("report-missing-input", ["report", "{tmp}/none.json", "--html={tmp}/m.html"], "cannot read report"),
    ("report-not-a-report", ["report", "{notreport}", "--html={tmp}/m.html"], "is not a hmac-conformance JSON report"),
    ("report-html-missing-folder", ["report", "{report}", "--html={tmp}/no/m.html"], "--html {tmp}/no/m.html: folder"),
    ("report-markdown-directory", ["report", "{report}", "--markdown={dir}"], "is a directory"),
    ("report-same-file", ["report", "{report}", "--html={tmp}/m", "--markdown={tmp}/m"], "the same file as"),
    # fuzz
    ("fuzz-no-impl", ["fuzz", "--seconds=1"], "the following arguments are required: --impl"),
    ("fuzz-bad-impl", ["fuzz", "--impl=nonsense"], "--impl 'nonsense'"),
    ("fuzz-scheme", [*F, "--scheme=nope"], "argument --scheme: invalid choice: 'nope'"),
    ("fuzz-operation", [*F, "--operation=nope"], "argument --operation: invalid choice: 'nope'"),
    ("fuzz-seconds", [*F, "--seconds=0"], "argument --seconds: expected a positive finite number"),
    ("fuzz-max-examples", [*F, "--max-examples=0"], "argument --max-examples: expected a positive whole number"),
    ("fuzz-seed", [*F, "--seed=x"], "argument --seed: expected a whole number"),
    ("fuzz-out-file", [*F, "--out={file}"], "--out {file}: not a folder"),
    ("fuzz-out-missing-parent", [*F, "--out={tmp}/no/out"], "--out {tmp}/no/out: folder"),
    ("fuzz-strict-reasons", [*F, "--strict-reasons=1"], "argument --strict-reasons: ignored explicit argument"),
    ("fuzz-timeout", [*F, "--timeout=-1"], "argument --timeout: expected a positive finite number"),
    # mutants
    ("mutants-unknown-mutant", ["mutants", "--mutant", "hmac/nope"], "--mutant hmac/nope: no such mutant"),
    ("mutants-unknown-scheme", ["mutants", "--scheme", "nope"], "invalid choice: 'nope'"),
    ("mutants-report-suffix", ["mutants", "--report", "{file}"], "must end in .json or .md"),
    ("mutants-equivalent-missing", ["mutants", "--equivalent", "{tmp}/missing.json"], "missing.json: cannot read"),
    ("mutants-vectors-missing", ["mutants", "--vectors", "{tmp}/missing.yaml"], "missing.yaml"),
]  # fmt: skip


def _fill(text: str, tmp: Path, made: dict[str, Path]) -> str:
    return text.format(tmp=tmp, **{k: str(v) for k, v in made.items()})


def _snapshot(root: Path) -> dict[str, tuple[int, float]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime) for p in root.rglob("*")}


@pytest.mark.parametrize(("argv", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_option_is_one_line_exit_2_and_writes_nothing(
    tmp_path, capsys, monkeypatch, report_text, argv, fragment
):
    made = _files(tmp_path, report_text)
    capsys.readouterr()
    before = _snapshot(tmp_path)
    monkeypatch.chdir(ROOT)
    code = cli.main([_fill(a, tmp_path, made) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hmac-conformance: ")
    assert _fill(fragment, tmp_path, made) in lines[0]
    assert "Traceback" not in err + out
    assert out == "", "nothing runs before the configuration is checked"
    assert _snapshot(tmp_path) == before, "nothing is written"


def test_every_option_of_every_subcommand_is_in_the_table():
    parser = cli._parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    tried = " ".join(" ".join(c[1]) for c in CASES)
    for name, subparser in sub.choices.items():
        for action in subparser._actions:
            if action.dest == "help":
                continue
            options = action.option_strings or [action.dest]
            spelled = [o for o in options if o in tried] or ([action.dest] if not action.option_strings else [])
            assert spelled, f"{name}: no malformed-value case for {options}"


def test_help_is_not_an_error(capsys):
    assert cli.main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "exit status:" in out and "--require" in out and "expected failures (--xfail FILE)" in out


def test_a_real_process_gets_no_traceback_either(tmp_path):
    import subprocess

    proc = subprocess.run(
        [PY, "-m", "hmac_conformance", "run", "--impl=reference", "--suite-version", "banana"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "hmac-conformance: run: argument --suite-version: expected a suite version such as 1.0.0, got 'banana'"
    ]
