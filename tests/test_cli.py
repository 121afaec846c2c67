"""The command line, in-process and on small selections: every option as declared (its action, default, type and
help), each option-value check word for word, what each command prints and returns, and the exit statuses."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from hmac_conformance import _cli as cli
from hmac_conformance import _paths as paths
from hmac_conformance import schemes
from hmac_conformance._exceptions import UsageError
from hmac_conformance._report import matrix
from hmac_conformance._version import __version__
from tests.conftest import ROOT

ONE = "hmac/rfc4231/sha256/case-1"
TWO = "hmac/rfc4231/sha256/case-*"  # 7 vectors


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# -- the declared options --------------------------------------------------------------------------------------------

RUN_OPTIONS = [
    # option strings, dest, action, nargs, const, default, type, choices, required, help, metavar
    (("--impl",), "impl", "_AppendAction", None, None, None, None, None, True, "implementation (repeatable)", "SPEC"),
    (("--vectors",), "vectors", "_AppendAction", None, None, None, "Path", None, False, "vector files or folders", "PATH"),
    (("-k",), "patterns", "_AppendAction", None, None, [], None, None, False, "ids matching the glob (repeatable)", "GLOB"),
    (("--exclude",), "exclude", "_AppendAction", None, None, [], None, None, False, "leave out ids matching the glob (repeatable)", "GLOB"),
    (("--scheme",), "scheme", "_AppendAction", None, None, [], None, ["firstvision", "hmac", "sigv4", "standard-webhooks"], False, None, None),
    (("--operation",), "operation", "_AppendAction", None, None, [], None, ["canonical-request", "mac", "mac-verify", "sign", "string-to-sign", "verify"], False, None, None),
    (("--tag",), "tag", "_AppendAction", None, None, [], None, None, False, "vectors with this tag (repeatable: any)", None),
    (("--suite-version",), "suite_version", "_StoreAction", None, None, None, "_suite_version", None, False, "only vectors added in this suite version or earlier", None),
    (("--include-superseded",), "include_superseded", "_StoreTrueAction", 0, True, False, None, None, False, "also vectors that a newer one supersedes (errata: wrong as released, left out by default)", None),
    (("--strict-reasons",), "strict_reasons", "_StoreTrueAction", 0, True, False, None, None, False, "a different rejection reason is a failure", None),
    (("--require",), "require", "_AppendAction", None, None, [], "_requirement", None, False, "fail the run if any selected vector this matches is unsupported or skipped (repeatable)", "SCHEME[/OP][:FEATURE]"),
    (("--xfail",), "xfail", "_StoreAction", None, None, None, "Path", None, False, "expected-failure list (YAML); listed vectors that pass fail the run", None),
    (("--write-xfail",), "write_xfail", "_StoreAction", None, None, None, "Path", None, False, "write the current failures as an expected-failure list", "FILE"),
    (("--baseline",), "baseline", "_StoreAction", None, None, None, "Path", None, False, "fail only on regressions against the run of the same --impl in this JSON report", "REPORT"),
    (("--report",), "report", "_AppendAction", None, None, [], None, None, False, "json:, junit: or markdown: (repeatable)", "FORMAT:PATH"),
    (("--redact-keys",), "redact_keys", "_StoreTrueAction", 0, True, False, None, None, False, "keep keys and secrets out of reports and stderr", None),
    (("--timeout",), "timeout", "_StoreAction", None, None, 5.0, "_positive_seconds", None, False, "seconds per case (default 5)", None),
    (("--startup-timeout",), "startup_timeout", "_StoreAction", None, None, 30.0, "_positive_seconds", None, False, "seconds for a persistent process to answer hello", None),
    (("-j", "--jobs"), "jobs", "_StoreAction", None, None, 1, "_jobs", None, False, "parallel one-shot processes (default 1)", None),
    (("--cwd",), "cwd", "_StoreAction", None, None, None, "Path", None, False, "working directory of external implementations (default: current)", None),
    (("--env",), "env", "_AppendAction", None, None, [], "_env", None, False, "environment for external implementations", "NAME=VALUE"),
    (("-q", "--quiet"), "verbosity", "_StoreConstAction", 0, -1, 0, None, None, False, None, None),
    (("-v", "--verbose"), "verbosity", "_StoreConstAction", 0, 1, None, None, None, False, None, None),
]  # fmt: skip
OTHER_OPTIONS = {
    "validate": [
        ((), "paths", "_StoreAction", "*", None, None, "Path", None, True, "files or folders (default: the suite's vectors/)", None),
        (("-q", "--quiet"), "quiet", "_StoreTrueAction", 0, True, False, None, None, False, "print problems only", None),
    ],
    "export": [
        ((), "paths", "_StoreAction", "*", None, None, "Path", None, True, "files or folders (default: the suite's vectors/)", None),
        (("--vectors",), "vectors", "_AppendAction", None, None, None, "Path", None, False, "vector files or folders", "PATH"),
        (("-k",), "patterns", "_AppendAction", None, None, [], None, None, False, "ids matching the glob (repeatable)", "GLOB"),
        (("--exclude",), "exclude", "_AppendAction", None, None, [], None, None, False, "leave out ids matching the glob (repeatable)", "GLOB"),
        (("--scheme",), "scheme", "_AppendAction", None, None, [], None, ["firstvision", "hmac", "sigv4", "standard-webhooks"], False, None, None),
        (("--operation",), "operation", "_AppendAction", None, None, [], None, ["canonical-request", "mac", "mac-verify", "sign", "string-to-sign", "verify"], False, None, None),
        (("--tag",), "tag", "_AppendAction", None, None, [], None, None, False, "vectors with this tag (repeatable: any)", None),
        (("--suite-version",), "suite_version", "_StoreAction", None, None, None, "_suite_version", None, False, "only vectors added in this suite version or earlier", None),
        (("--include-superseded",), "include_superseded", "_StoreTrueAction", 0, True, False, None, None, False, "also vectors that a newer one supersedes (errata: wrong as released, left out by default)", None),
        (("--out",), "out", "_StoreAction", None, None, None, "Path", None, False, "one document, to this file (default: stdout)", None),
        (("--split",), "split", "_StoreAction", None, None, None, "Path", None, False, "one file per scheme and operation, in this folder", "DIR"),
    ],
    "list": [
        (("--vectors",), "vectors", "_AppendAction", None, None, None, "Path", None, False, "vector files or folders", "PATH"),
        (("-k",), "patterns", "_AppendAction", None, None, [], None, None, False, "ids matching the glob (repeatable)", "GLOB"),
        (("--exclude",), "exclude", "_AppendAction", None, None, [], None, None, False, "leave out ids matching the glob (repeatable)", "GLOB"),
        (("--scheme",), "scheme", "_AppendAction", None, None, [], None, ["firstvision", "hmac", "sigv4", "standard-webhooks"], False, None, None),
        (("--operation",), "operation", "_AppendAction", None, None, [], None, ["canonical-request", "mac", "mac-verify", "sign", "string-to-sign", "verify"], False, None, None),
        (("--tag",), "tag", "_AppendAction", None, None, [], None, None, False, "vectors with this tag (repeatable: any)", None),
        (("--suite-version",), "suite_version", "_StoreAction", None, None, None, "_suite_version", None, False, "only vectors added in this suite version or earlier", None),
        (("--include-superseded",), "include_superseded", "_StoreTrueAction", 0, True, False, None, None, False, "also vectors that a newer one supersedes (errata: wrong as released, left out by default)", None),
        (("--format",), "format", "_StoreAction", None, None, "text", None, ["text", "json"], False, "ids one per line, or JSON", None),
    ],
    "case": [
        ((), "id", "_StoreAction", None, None, None, None, None, True, "a vector id", None),
        (("--vectors",), "vectors", "_AppendAction", None, None, None, "Path", None, False, "vector files or folders", "PATH"),
        (("--expected",), "expected", "_StoreTrueAction", 0, True, False, None, None, False, "also print the expected output, on stderr", None),
        (("--persistent",), "persistent", "_StoreTrueAction", 0, True, False, None, None, False, "wrap it in hello and stop lines, for a jsonl: implementation", None),
    ],
    "fuzz": [
        (("--impl",), "impl", "_StoreAction", None, None, None, None, None, True, "implementation, as for run", "SPEC"),
        (("--scheme",), "scheme", "_AppendAction", None, None, [], None, ["firstvision", "hmac", "sigv4", "standard-webhooks"], False, "fuzz only this scheme", None),
        (("--operation",), "operation", "_AppendAction", None, None, [], None, ["canonical-request", "mac", "mac-verify", "sign", "string-to-sign", "verify"], False, "fuzz only this operation", None),
        (("--seconds",), "seconds", "_StoreAction", None, None, 60.0, "_positive_seconds", None, False, "search budget (default 60)", None),
        (("--max-examples",), "max_examples", "_StoreAction", None, None, None, "_count", None, False, "at most N cases per scheme and operation", "N"),
        (("--seed",), "seed", "_StoreAction", None, None, None, "_seed", None, False, "the seed: the same seed tries the same cases (default: random)", None),
        (("--out",), "out", "_StoreAction", None, None, Path("fuzz-findings"), "Path", None, False, "folder a find is written to, as DIR/SCHEME/fuzz-DIGEST.yaml (default fuzz-findings)", "DIR"),
        (("--strict-reasons",), "strict_reasons", "_StoreTrueAction", 0, True, False, None, None, False, "a different rejection reason is a disagreement", None),
        (("--timeout",), "timeout", "_StoreAction", None, None, 5.0, "_positive_seconds", None, False, "seconds per case (default 5)", None),
    ],
    "report": [
        ((), "reports", "_StoreAction", "+", None, None, "Path", None, True, None, "REPORT.json"),
        (("--html",), "html", "_StoreAction", None, None, None, "Path", None, False, "write a self-contained HTML page", None),
        (("--markdown",), "markdown", "_StoreAction", None, None, None, "Path", None, False, "write the same matrix as Markdown", None),
    ],
    "vectors": [
    ],
    "release": [
        ((), "version", "_StoreAction", None, None, None, None, None, True, "the version to release", "X.Y.Z"),
    ],
}  # fmt: skip


def declared(parser: argparse.ArgumentParser) -> list[tuple]:
    rows = []
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction | argparse._HelpAction):
            continue
        kind = getattr(a.type, "__name__", None) if a.type else None
        rows.append((tuple(a.option_strings), a.dest, type(a).__name__, a.nargs, a.const, a.default, kind, a.choices,
                     a.required, a.help, a.metavar))  # fmt: skip
    return rows


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def test_every_option_as_declared():
    parser = cli._parser()
    assert (parser.prog, parser.description) == (
        "hmac-conformance",
        "Conformance vectors and runner for HMAC request signatures.",
    )
    (version,) = [a for a in parser._actions if isinstance(a, argparse._VersionAction)]
    assert version.option_strings == ["--version"]
    assert version.version == f"hmac-conformance {__version__} (suite {paths.suite_version()})"
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert (sub.dest, sub.required) == ("command", True)
    assert [(c.dest, c.help) for c in sub._choices_actions] == [
        ("validate", "check vector files: schema, lint, every expected value recomputed twice"),
        ("export", "write the selected vectors as JSON (bytes as Base64), for other harnesses"),
        ("list", "print the ids of the selected vectors"),
        ("case", "print the case message the runner would send, to reproduce a result by hand"),
        ("run", "run vectors against implementations"),
        ("fuzz", "compare an implementation with the reference on generated cases; write a disagreement as a vector"),
        ("coverage", "which vectors cite each rule of the spec pages, accepting and rejecting"),
        ("mutants", "run the references' one-bug mutants over the vectors: which plausible bug does no vector catch?"),
        ("report", "build the compatibility matrix from JSON reports"),
        ("vectors", "author vectors: a skeleton in the right file, expected values filled in"),
        ("release", "freeze the vectors as suite version X.Y.Z (in a clean checkout)"),
    ]
    commands = subcommands()
    assert all(isinstance(p, cli.Parser) for p in commands.values())
    assert declared(commands["run"]) == RUN_OPTIONS
    for name, rows in OTHER_OPTIONS.items():
        assert declared(commands[name]) == rows, name
    run_parser = commands["run"]
    assert run_parser.formatter_class is argparse.RawDescriptionHelpFormatter
    assert run_parser.epilog == cli.RUN_EPILOG.format(requirements=cli._requirements_help(schemes.all_schemes()))


def test_requirements_help_names_an_example_and_the_features_of_each_scheme():
    assert cli._requirements_help(schemes.all_schemes()) == (
        "requirements (--require, repeatable): SCHEME[/OPERATION][:FEATURE], e.g. firstvision/sign:legacy-hex-base64,\n"
        "  hmac/mac:sha3-512, sigv4/canonical-request:payload-header, standard-webhooks/sign:clock. Every selected\n"
        "  vector a requirement matches must be executed: one that comes back unsupported or skipped fails the run. The\n"
        "  features of each scheme: firstvision: sha256, sha512, legacy-hex-base64; hmac: md5, sha1, sha224, sha256,\n"
        "  sha384, sha512, sha512-224, sha512-256, sha3-224, sha3-256, sha3-384, sha3-512; sigv4: query, session-token,\n"
        "  unsigned-session-token, single-encoding, no-normalize, unsigned-payload, payload-header; standard-webhooks:\n"
        "  clock."
    )


# -- option values ---------------------------------------------------------------------------------------------------


def bad_value(check, text: str) -> str:
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        check(text)
    return str(caught.value)


def test_seconds():
    assert cli._positive_seconds("1.5") == 1.5 and cli._positive_seconds("1e-3") == 0.001
    assert bad_value(cli._positive_seconds, "soon") == "expected seconds, got 'soon'"
    for text in ("0", "-2", "inf", "nan", "-inf"):
        assert bad_value(cli._positive_seconds, text) == f"expected a positive finite number of seconds, got {text!r}"


def test_jobs():
    assert (cli._jobs("1"), cli._jobs("256")) == (1, 256)
    assert bad_value(cli._jobs, "1.5") == "expected a whole number, got '1.5'"
    for text in ("0", "257", "-1"):
        assert bad_value(cli._jobs, text) == f"expected 1 to 256 parallel processes, got {text!r}"


def test_suite_version():
    current = paths.suite_version()
    assert cli._suite_version(current) == current and cli._suite_version("0.0.1") == "0.0.1"
    assert bad_value(cli._suite_version, "1.0") == "expected a suite version such as 1.0.0, got '1.0'"
    major = int(current.split(".")[0])
    later = f"{major}.{int(current.split('.')[1]) + 1}.0"
    assert bad_value(cli._suite_version, later) == f"suite version {later} is not released (this suite is {current})"


def test_env():
    assert cli._env("A=b=c") == ("A", "b=c") and cli._env("_X1=") == ("_X1", "")
    for text in ("A", "=x", "1A=x", "A-B=x"):
        assert bad_value(cli._env, text) == f"expected NAME=VALUE, got {text!r}"


def test_requirement_option_drops_the_option_prefix():
    assert cli._requirement("hmac/mac") == cli.Requirement("hmac/mac", "hmac", "mac", None)
    assert bad_value(cli._requirement, "hmac/sign") == "scheme hmac has no operation 'sign' (one of mac, mac-verify)"


def test_reports(tmp_path):
    specs = [f"json:{tmp_path}/r.json", f"junit:{tmp_path}/r.xml", f"markdown:{tmp_path}/r.md"]
    assert cli._reports(specs) == [("json", tmp_path / "r.json"), ("junit", tmp_path / "r.xml"),
                                   ("markdown", tmp_path / "r.md")]  # fmt: skip
    for spec in ("json:", "pdf:x.pdf", "json", ":x"):
        with pytest.raises(UsageError) as caught:
            cli._reports([spec])
        assert str(caught.value) == f"--report {spec!r}: expected json:PATH, junit:PATH or markdown:PATH"
    with pytest.raises(UsageError) as caught:
        cli._reports([f"json:{tmp_path}"])
    assert str(caught.value) == f"--report json:{tmp_path}: {tmp_path} is a directory"


def test_parser_errors_are_one_line_naming_the_command():
    with pytest.raises(UsageError) as caught:
        cli._parser().parse_args(["run"])
    assert str(caught.value) == "run: the following arguments are required: --impl"
    with pytest.raises(UsageError) as caught:
        cli._parser().parse_args([])
    assert str(caught.value) == "the following arguments are required: command"


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        ([], "hmac-conformance: the following arguments are required: command"),
        (["validate", "--bogus"], "hmac-conformance: unrecognized arguments: --bogus"),
        (["run", "--impl", "reference", "extra"], "hmac-conformance: unrecognized arguments: extra"),
        (["run"], "hmac-conformance: run: the following arguments are required: --impl"),
    ],
)
def test_a_usage_error_names_the_tool_once(argv, line, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err == line + "\n"


# -- main and exit statuses ------------------------------------------------------------------------------------------


def test_main_usage_error_is_exit_2_with_one_line(capsys):
    assert run(capsys, "run", "--impl=nonsense") == (
        2, "", "hmac-conformance: --impl 'nonsense': use reference, python:MODULE[:ATTR], cmd:COMMAND or jsonl:COMMAND\n"
    )  # fmt: skip


def test_main_help_and_version_exit_0(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"hmac-conformance {__version__} (suite {paths.suite_version()})\n")
    code, out, _ = run(capsys, "run", "--help")
    assert code == 0 and out.startswith("usage: hmac-conformance run")


def test_main_interrupted_is_130(capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "validate", interrupted)
    assert run(capsys, "validate") == (130, "", "hmac-conformance: interrupted\n")


def test_main_passes_a_commands_own_status_through(capsys, monkeypatch):
    monkeypatch.setitem(cli.COMMANDS, "validate", lambda args: 7)
    assert run(capsys, "validate")[0] == 7


# -- validate and export ---------------------------------------------------------------------------------------------


def test_validate_summary_counts_vectors_files_and_operations(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HMAC_CONFORMANCE_CACHE", str(tmp_path / "cache"))  # empty: this run confirms everything
    files = [ROOT / "vectors" / "hmac" / "rfc4231.yaml", ROOT / "vectors" / "firstvision" / "sign.yaml"]
    code, out, err = run(capsys, "validate", *map(str, files))
    assert (code, err) == (0, "")
    from hmac_conformance._load import load

    vectors = load(files).vectors
    ops = sorted({f"{v.scheme}/{v.operation}" for v in vectors})
    counts = ", ".join(f"{op} {sum(f'{v.scheme}/{v.operation}' == op for v in vectors)}" for op in ops)
    assert out == (
        f"{len(vectors)} vectors in 2 files are valid ({counts}); every expected value confirmed by the reference and "
        "an independent implementation\n"
    )
    assert run(capsys, "validate", "-q", *map(str, files)) == (0, "", "")
    assert run(capsys, "validate", *map(str, files))[1].endswith(
        "an independent implementation (all of them by an earlier run of this same code on the same file bytes, "
        "kept in the cache)\n"
    )


def test_validate_problems_go_to_stderr_with_a_count(capsys, tmp_path):
    bad = []
    for name in ("rfc4231.yaml", "rfc2202.yaml"):
        text = (ROOT / "vectors" / "hmac" / name).read_text(encoding="utf-8")
        path = tmp_path / name
        path.write_text(text.replace('since: "1.0.0"', 'since: "1.0"', 1), encoding="utf-8")
        bad.append(path)
    code, out, err = run(capsys, "validate", *map(str, bad))
    lines = err.splitlines()
    assert (code, out) == (1, "")
    assert lines[-1] == "2 problem(s) in 2 file(s)"
    assert [line.split(":")[0] for line in lines[:-1]] == [str(bad[1]), str(bad[0])], "sorted by file"
    assert all("since: '1.0' does not match" in line for line in lines[:-1])


def test_export_to_stdout_and_to_a_file(capsys, tmp_path):
    rfc = str(ROOT / "vectors" / "hmac" / "rfc4231.yaml")
    code, out, _ = run(capsys, "export", rfc)
    assert code == 0 and json.loads(out)["vectors"][0]["id"].startswith("hmac/rfc4231/")
    target = tmp_path / "e.json"
    assert run(capsys, "export", rfc, "--out", str(target)) == (0, "", "")
    assert target.read_text(encoding="utf-8") == out


def test_vector_file_problems_are_printed_then_a_usage_error(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("vectors: [\n", encoding="utf-8")
    code, out, err = run(capsys, "export", str(broken))
    lines = err.splitlines()
    assert (code, out) == (2, "")
    assert lines[0].startswith(f"{broken}:") and lines[-1].startswith(
        "hmac-conformance: 1 problem(s) in the vector files"
    )
    assert run(capsys, "run", "--impl=reference", "--vectors", str(broken))[0] == 2


# -- run ---------------------------------------------------------------------------------------------------------------


def test_run_exit_status_follows_the_verdict(capsys):
    assert run(capsys, "run", "-q", "--impl=reference", "-k", ONE)[0] == 0
    code, out, _ = run(
        capsys, "run", "-q", "--impl=python:tests.impls.mistakes:not_truncated", "-k", "hmac/rfc4231/sha256/case-5"
    )
    assert code == 1 and "\nFAILED: 0 passed, 1 failed" in out
    assert run(capsys, "run", "-q", "--impl=python:tests.impls.capabilities:nothing", "-k", ONE)[0] == 1


def test_run_options_reach_the_run(capsys, tmp_path):
    report = tmp_path / "r.json"
    impl = "--impl=python:tests.impls.wrong_reason"
    stale = "firstvision/verify/timestamp/minus-300001ms"
    assert run(capsys, "run", "-q", impl, "-k", stale, f"--report=json:{report}")[0] == 0
    code, _, _ = run(capsys, "run", "-q", impl, "-k", stale, "--strict-reasons", f"--report=json:{report}")
    assert code == 1 and json.loads(report.read_text(encoding="utf-8"))["runs"][0]["counts"]["fail"] == 1


def test_run_of_several_implementations_says_which_failed(capsys):
    code, out, _ = run(capsys, "run", "-q", "--impl=reference", "--impl=python:tests.impls.capabilities:nothing",
                       "-k", ONE)  # fmt: skip
    assert code == 1
    assert out.endswith("\n1 of 2 implementation runs passed; failed: python:tests.impls.capabilities:nothing\n")
    code, out, _ = run(capsys, "run", "-q", "--impl=reference", "--impl=python:hmac_conformance._reference", "-k", ONE)
    assert code == 0 and out.endswith("\n2 of 2 implementation runs passed\n")
    code, out, _ = run(capsys, "run", "-q", "--impl=reference", "-k", ONE)
    assert "implementation runs passed" not in out


def test_run_writes_every_report_and_the_xfail_file(capsys, tmp_path):
    impl = "--impl=python:tests.impls.mistakes:not_truncated"
    reports = [
        f"--report={kind}:{tmp_path / name}"
        for kind, name in (("json", "r.json"), ("junit", "r.xml"), ("markdown", "r.md"))
    ]
    xfail = tmp_path / "x.yaml"
    code, out, _ = run(
        capsys, "run", "-q", impl, "-k", "hmac/rfc4231/sha256/case-5", *reports, f"--write-xfail={xfail}"
    )
    assert code == 1
    assert out.endswith(f"wrote 1 expected failure(s) to {xfail}\n")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["runs"][0]["counts"]["fail"] == 1
    assert "<failure " in (tmp_path / "r.xml").read_text(encoding="utf-8")
    assert "| fail | `hmac/rfc4231/sha256/case-5` |" in (tmp_path / "r.md").read_text(encoding="utf-8")
    code, _, _ = run(capsys, "run", "-q", impl, "-k", "hmac/rfc4231/sha256/case-5", f"--xfail={xfail}")
    assert code == 0, "the written list makes the same run pass"


def test_run_that_cannot_write_its_report_is_a_usage_error(capsys, tmp_path, monkeypatch):
    def full(path, runs):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setitem(cli.REPORTERS, "json", full)
    code, _, err = run(capsys, "run", "-q", "--impl=reference", "-k", ONE, f"--report=json:{tmp_path / 'r.json'}")
    assert (code, err) == (2, f"hmac-conformance: cannot write {tmp_path / 'r.json'}: No space left on device\n")


def test_plan_checks_everything_before_any_case_runs(tmp_path):
    args = cli._parser().parse_args(["run", "--impl=reference", "-k", TWO, f"--cwd={tmp_path}",
                                     f"--report=json:{tmp_path / 'r.json'}", "--require=hmac/mac:sha256",
                                     "--timeout=2", "--startup-timeout=3", "-j", "2", "--env=A=1"])  # fmt: skip
    plan = cli._plan(args)
    assert [v.id for v in plan.vectors] == [f"hmac/rfc4231/sha256/case-{i}" for i in range(1, 8)]
    assert [a.spec for a in plan.adapters] == ["reference"]
    assert plan.reports == [("json", tmp_path / "r.json")] and plan.xfail == [] and plan.baseline is None
    args = cli._parser().parse_args(["run", "--impl=cmd:sh", "-k", ONE, f"--cwd={tmp_path}", "--timeout=2", "-j", "3",
                                     "--env=A=1"])  # fmt: skip
    (adapter,) = cli._plan(args).adapters
    assert (adapter.timeout, adapter.jobs, adapter.command.cwd, adapter.command.env["A"]) == (
        2.0,
        3,
        tmp_path.resolve(),
        "1",
    )
    args = cli._parser().parse_args(["run", "--impl=jsonl:sh", "-k", ONE, "--startup-timeout=3"])
    assert cli._plan(args).adapters[0].startup_timeout == 3.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--cwd", "{tmp}/none"], "--cwd {tmp}/none: not a directory"),
        (["--impl=reference"], "--impl: the same implementation is given twice (reference, reference)"),
        (["--report=json:{tmp}/a", "--write-xfail={tmp}/a"], "--write-xfail {tmp}/a: the same file as --report json:{tmp}/a"),
        (["--write-xfail={tmp}/none/x.yaml"], "--write-xfail {tmp}/none/x.yaml: folder {tmp}/none does not exist (create it first)"),
        (["-k", "none/*"], "no vector matches the selection (-k, --exclude, --scheme, --operation, --tag, --suite-version)"),
        (["--scheme=firstvision", "--require=hmac"], "--require 'hmac' matches no selected vector"),
    ],
)  # fmt: skip
def test_plan_refusals(tmp_path, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    args = cli._parser().parse_args(["run", "--impl=reference", *argv])
    with pytest.raises(UsageError) as caught:
        cli._plan(args)
    assert str(caught.value) == message.replace("{tmp}", str(tmp_path))


def test_plan_baseline_must_have_a_run_for_each_impl(capsys, tmp_path):
    base = tmp_path / "base.json"
    assert run(capsys, "run", "-q", "--impl=reference", "-k", ONE, f"--report=json:{base}")[0] == 0
    args = cli._parser().parse_args(["run", "--impl=reference", "-k", ONE, f"--baseline={base}"])
    assert cli._plan(args).baseline.for_impl("reference") == {ONE}
    args = cli._parser().parse_args(["run", "--impl=reference", "--impl=python:hmac_conformance._reference",
                                     "-k", ONE, f"--baseline={base}"])  # fmt: skip
    with pytest.raises(UsageError, match=r"no run for --impl 'python:hmac_conformance\._reference'"):
        cli._plan(args)
    code, out, _ = run(capsys, "run", "--impl=reference", "-k", ONE, f"--baseline={base}")
    assert code == 0 and "0 regression(s) against the baseline" in out


def test_plan_xfail_entries_must_match_the_selection(tmp_path):
    xfail = tmp_path / "x.yaml"
    xfail.write_text(f"expected_failures:\n  - id: {ONE}\n    reason: r\n", encoding="utf-8")
    args = cli._parser().parse_args(["run", "--impl=reference", "-k", ONE, f"--xfail={xfail}"])
    assert [e.pattern for e in cli._plan(args).xfail] == [ONE]
    args = cli._parser().parse_args(["run", "--impl=reference", "-k", "hmac/rfc4231/sha512/*", f"--xfail={xfail}"])
    with pytest.raises(UsageError, match=rf"entry '{ONE}' matches no selected vector"):
        cli._plan(args)


def test_selection_options():
    from hmac_conformance._load import load

    everything = load().vectors

    def chosen(*argv: str) -> list[str]:
        return [v.id for v in cli._plan(cli._parser().parse_args(["run", "--impl=reference", *argv])).vectors]

    assert chosen("-k", ONE) == [ONE]
    assert chosen("--scheme=hmac", "--operation=mac-verify", "--tag=truncated") == [
        v.id for v in everything if v.scheme == "hmac" and v.operation == "mac-verify" and "truncated" in v.tags
    ]
    assert chosen("--scheme=firstvision", "--suite-version=1.0.0") == [
        v.id for v in everything if v.scheme == "firstvision" and v.since == "1.0.0"
    ]
    rfc2202 = str(ROOT / "vectors" / "hmac" / "rfc2202.yaml")
    assert chosen("--vectors", rfc2202, "-k", "*md5*") == [v.id for v in load([Path(rfc2202)]).vectors if "md5" in v.id]


# -- report ----------------------------------------------------------------------------------------------------------


def test_report_writes_html_and_markdown_and_says_what(capsys, tmp_path):
    one = tmp_path / "one.json"
    assert run(capsys, "run", "-q", "--impl=reference", "-k", TWO, f"--report=json:{one}")[0] == 0
    html, md = tmp_path / "m.html", tmp_path / "m.md"
    groups = len(matrix.build(*matrix.load_reports([one])).rows)
    code, out, _ = run(capsys, "report", str(one), str(one), f"--html={html}", f"--markdown={md}")
    assert code == 0 and out == f"matrix of 2 implementation run(s) x {groups} groups written\n"
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert md.read_text(encoding="utf-8").startswith("# hmac-conformance matrix")
    code, out, _ = run(capsys, "report", str(one), f"--markdown={md}")
    assert code == 0 and out == f"matrix of 1 implementation run(s) x {groups} groups written\n"
    html.unlink()
    assert run(capsys, "report", str(one), f"--html={html}")[0] == 0 and html.exists()
    assert run(capsys, "report", str(one))[2] == "hmac-conformance: report: give --html PATH and/or --markdown PATH\n"


def test_report_checks_its_outputs_first(capsys, tmp_path):
    one = tmp_path / "one.json"
    assert run(capsys, "run", "-q", "--impl=reference", "-k", ONE, f"--report=json:{one}")[0] == 0
    code, _, err = run(capsys, "report", str(one), f"--html={tmp_path}/m", f"--markdown={tmp_path}/m")
    assert (code, err) == (2, f"hmac-conformance: --markdown {tmp_path}/m: the same file as --html {tmp_path}/m\n")
    code, _, err = run(capsys, "report", str(one), f"--markdown={tmp_path}/no/m.md")
    assert (code, err) == (
        2,
        f"hmac-conformance: --markdown {tmp_path}/no/m.md: folder {tmp_path}/no does not exist (create it first)\n",
    )
    assert not list(Path(tmp_path).glob("m*"))
