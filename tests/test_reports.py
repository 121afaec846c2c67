"""Every report of a run, parsed or read in full: JUnit XML, the JSON report, the Markdown summary and the console.
Each status must land where it belongs (a JUnit failure, error or skip; a Markdown row; an evidence-keeping JSON
entry; a console listing), with the verdict, the counts and the reasons the run failed."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hmac_conformance import _paths as paths
from hmac_conformance._execute import Run
from hmac_conformance._outcome import Result
from hmac_conformance._report import console, jsonreport, junit, markdown

LONG = "x" * 600
GO = {"name": "go-sdk", "version": "2", "language": "go"}


def result(vid: str, status: str, op: str = "mac", **kw) -> Result:
    return Result(vid, vid.split("/")[0], op, kw.pop("tags", ()), status, **kw)  # type: ignore[arg-type]


def mixed_run() -> Run:
    """One result of each status, a protocol violation and an unmet requirement."""
    return Run("jsonl:go", GO, (
        result("hmac/a", "pass", seconds=0.25, stderr="quiet note"),
        result("hmac/b", "fail", message="tag differs: " + LONG, diagnostic="expected 00\ngot 01", stderr="warn\x01",
               seconds=1.0),
        result("hmac/c", "error", message="timeout | 5 s", stderr="boom"),
        result("hmac/d", "unsupported", op="mac-verify", message="no verify"),
        result("firstvision/e", "skip", op="sign", message="later " + LONG),
        result("firstvision/f", "xfail", op="sign", message="expected failure: known (x)"),
        result("firstvision/g", "xpass", op="verify", message="listed but passes"),
    ), seconds=2.5, violations=("answered seq 3 twice",), unmet=("required hmac/mac-verify: 1 of 1 not tested",))  # fmt: skip


def ok_run() -> Run:
    return Run("reference", {"name": "ref", "version": "1"}, (result("hmac/a", "pass"),), seconds=0.1)


PROBLEMS = [
    "protocol violation: answered seq 3 twice",
    "1 failed",
    "1 errors",
    "1 listed as expected failures but passing",
    "required hmac/mac-verify: 1 of 1 not tested",
]
NOT_TESTED = "not tested: firstvision/sign 1 skipped; hmac/mac-verify 1 unsupported"


# -- JUnit -----------------------------------------------------------------------------------------------------------


def test_junit_document_exactly(tmp_path: Path):
    path = tmp_path / "r.xml"
    junit.write(path, [mixed_run(), ok_run()])
    fail_message = ("tag differs: " + LONG)[:500]
    skip_message = ("skip: later " + LONG)[:500]
    problems = "".join(f'      <property name="problem" value="{p}" />\n' for p in PROBLEMS)
    assert path.read_text(encoding="utf-8") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="hmac-conformance">\n'
        '  <testsuite name="go-sdk (jsonl:go)" tests="7" failures="2" errors="1" skipped="3" time="2.500">\n'
        "    <properties>\n"
        '      <property name="verdict" value="FAILED" />\n'
        f'      <property name="not-tested" value="{NOT_TESTED}" />\n'
        f"{problems}"
        "    </properties>\n"
        '    <testcase name="hmac/a" classname="hmac.mac" time="0.250000" />\n'
        '    <testcase name="hmac/b" classname="hmac.mac" time="1.000000">\n'
        f'      <failure message="{fail_message}" type="fail">tag differs: {LONG}\nexpected 00\ngot 01</failure>\n'
        "      <system-err>warn?</system-err>\n"
        "    </testcase>\n"
        '    <testcase name="hmac/c" classname="hmac.mac" time="0.000000">\n'
        '      <error message="timeout | 5 s" type="adapter-error">timeout | 5 s</error>\n'
        "      <system-err>boom</system-err>\n"
        "    </testcase>\n"
        '    <testcase name="hmac/d" classname="hmac.mac-verify" time="0.000000">\n'
        '      <skipped message="unsupported: no verify" />\n'
        "    </testcase>\n"
        '    <testcase name="firstvision/e" classname="firstvision.sign" time="0.000000">\n'
        f'      <skipped message="{skip_message}" />\n'
        "    </testcase>\n"
        '    <testcase name="firstvision/f" classname="firstvision.sign" time="0.000000">\n'
        '      <skipped message="xfail: expected failure: known (x)" />\n'
        "    </testcase>\n"
        '    <testcase name="firstvision/g" classname="firstvision.verify" time="0.000000">\n'
        '      <failure message="listed but passes" type="xpass">listed but passes</failure>\n'
        "    </testcase>\n"
        "  </testsuite>\n"
        '  <testsuite name="ref (reference)" tests="1" failures="0" errors="0" skipped="0" time="0.100">\n'
        "    <properties>\n"
        '      <property name="verdict" value="OK" />\n'
        '      <property name="not-tested" value="every selected vector was executed" />\n'
        "    </properties>\n"
        '    <testcase name="hmac/a" classname="hmac.mac" time="0.000000" />\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_junit_error_truncates_its_message_and_keeps_the_diagnostic_as_text(tmp_path: Path):
    run = Run("cmd:x", GO, (result("hmac/c", "error", message="e" * 700, diagnostic="stderr said so"),))
    path = tmp_path / "r.xml"
    junit.write(path, [run])
    error = ET.parse(path).getroot().find("testsuite/testcase/error")
    assert error.get("message") == "e" * 500
    assert error.text == "e" * 700 + "\nstderr said so"
    assert error.get("type") == "adapter-error"


@pytest.mark.parametrize(
    ("status", "tags"),
    [("pass", []), ("fail", ["failure"]), ("xpass", ["failure"]), ("error", ["error"]), ("unsupported", ["skipped"]),
     ("skip", ["skipped"]), ("xfail", ["skipped"])],
)  # fmt: skip
def test_junit_each_status_alone(tmp_path: Path, status, tags):
    path = tmp_path / "r.xml"
    junit.write(path, [Run("cmd:x", GO, (result("hmac/a", status, message="m"),))])
    suite = ET.parse(path).getroot().find("testsuite")
    assert [child.tag for child in suite.find("testcase")] == tags
    counted = {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    assert counted == {
        "tests": 1,
        "failures": int(tags == ["failure"]),
        "errors": int(tags == ["error"]),
        "skipped": int(tags == ["skipped"]),
    }
    verdict = suite.find("properties/property[@name='verdict']").get("value")
    assert verdict == ("OK" if status in ("pass", "xfail") else "FAILED")


# -- JSON ------------------------------------------------------------------------------------------------------------


def test_json_run_exactly():
    doc = jsonreport.run_to_json(mixed_run())
    results = doc.pop("results")
    assert doc == {
        "impl": "jsonl:go",
        "implementation": GO,
        "seconds": 2.5,
        "ok": False,
        "problems": PROBLEMS,
        "broken": False,
        "startup_error": None,
        "violations": ["answered seq 3 twice"],
        "counts": {"pass": 1, "fail": 1, "error": 1, "unsupported": 1, "skip": 1, "xfail": 1, "xpass": 1},
        "untested": {
            "firstvision/sign": {"unsupported": 0, "skip": 1},
            "hmac/mac-verify": {"unsupported": 1, "skip": 0},
        },
    }
    assert [r["id"] for r in results] == [r.vector_id for r in mixed_run().results]
    assert results[0] == {"id": "hmac/a", "status": "pass"}, "a pass is its id and status alone (format 2)"
    assert results[2] == {"id": "hmac/c", "scheme": "hmac", "operation": "mac", "tags": [], "status": "error",
                          "message": "timeout | 5 s", "seconds": 0.0, "diagnostic": "", "stderr": "boom",
                          "link": None, "input": None, "expected": {}, "got": None}  # fmt: skip


def test_json_result_keeps_evidence_only_where_it_did_not_pass():
    evidence = dict(diagnostic="d", stderr="s", link="https://l", input={"key": b"\1"}, expected={"tag": b"\2"},
                    got={"tag": b"\3"}, tags=("t",), seconds=0.1234567)  # fmt: skip
    for status in ("fail", "error", "xfail", "xpass"):
        assert jsonreport.result_to_json(result("hmac/a", status, message="m", **evidence)) == {
            "id": "hmac/a", "scheme": "hmac", "operation": "mac", "tags": ["t"], "status": status, "message": "m",
            "seconds": 0.123457, "diagnostic": "d", "stderr": "s", "link": "https://l", "input": {"key": "AQ=="},
            "expected": {"tag": "Ag=="}, "got": {"tag": "Aw=="},
        }  # fmt: skip
    for status in ("pass", "unsupported", "skip"):
        assert jsonreport.result_to_json(result("hmac/a", status, message="m", **evidence)) == {
            "id": "hmac/a", "status": status, "message": "m", "link": "https://l",
        }  # fmt: skip
        assert jsonreport.result_to_json(result("hmac/a", status)) == {"id": "hmac/a", "status": status}


def test_json_regressions_only_with_a_baseline():
    assert "regressions" not in jsonreport.run_to_json(mixed_run())
    assert jsonreport.run_to_json(Run("x", GO, (), seconds=0.1234567))["seconds"] == 0.123457
    run = Run("x", GO, (result("a/1", "pass"), result("a/2", "fail"), result("a/3", "skip")),
              baseline=frozenset({"a/1", "a/2", "a/3"}))  # fmt: skip
    doc = jsonreport.run_to_json(run)
    assert doc["regressions"] == ["a/2", "a/3"]
    assert doc["problems"] == ["2 regression(s) against the baseline"] and doc["ok"] is False
    assert list(doc) == ["impl", "implementation", "seconds", "ok", "problems", "broken", "startup_error",
                         "violations", "counts", "untested", "regressions", "results"]  # fmt: skip


def test_json_document_and_file(tmp_path: Path):
    path = tmp_path / "r.json"
    jsonreport.write(path, [ok_run(), mixed_run()])
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n "format": 2,\n "tool": {\n  "name": "hmac-conformance"')
    doc = json.loads(text)
    assert doc["format"] == 2 and doc["suite_version"] == paths.suite_version()
    assert doc["tool"]["name"] == "hmac-conformance" and doc["created"].endswith("+00:00")
    assert [r["impl"] for r in doc["runs"]] == ["reference", "jsonl:go"]
    assert [r["ok"] for r in doc["runs"]] == [True, False]
    snowman = Run("x", {"name": "☃", "version": "1", "language": "x"}, ())
    jsonreport.write(path, [snowman])
    assert '"name": "☃"' in path.read_text(encoding="utf-8"), "non-ASCII stays readable"


# -- Markdown --------------------------------------------------------------------------------------------------------


def test_markdown_summary_exactly():
    run = Run("jsonl:go|x", {"name": "go|sdk", "version": "2\n3", "language": "go"}, mixed_run().results,
              seconds=2.5, violations=mixed_run().violations, unmet=mixed_run().unmet)  # fmt: skip
    assert markdown.render([run, ok_run()]) == (
        f"# hmac-conformance — suite {paths.suite_version()}\n"
        "\n"
        "## ❌ go\\|sdk 2 3 (go)\n"
        "\n"
        "`jsonl:go\\|x` — 2.50 s\n"
        "\n"
        "| scheme | operation | pass | fail | error | unsupported | skip | xfail | xpass |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
        "| firstvision | sign | 0 | 0 | 0 | 0 | 1 | 1 | 0 |\n"
        "| firstvision | verify | 0 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
        "| hmac | mac | 1 | 1 | 1 | 0 | 0 | 0 | 0 |\n"
        "| hmac | mac-verify | 0 | 0 | 0 | 1 | 0 | 0 | 0 |\n"
        "\n"
        f"**Failed**; {NOT_TESTED}.\n" + "".join(f"- {p}\n" for p in PROBLEMS) + "\n"
        "| outcome | vector | message | reproduce |\n"
        "|---|---|---|---|\n"
        f"| fail | `hmac/b` | {('tag differs: ' + LONG)[:200]} | `hmac-conformance case hmac/b --persistent \\| go\\|x` |\n"
        "| error | `hmac/c` | timeout \\| 5 s | `hmac-conformance case hmac/c --persistent \\| go\\|x` |\n"
        "| xpass | `firstvision/g` | listed but passes | `hmac-conformance case firstvision/g --persistent \\| go\\|x` |\n"
        "\n"
        "## ✅ ref 1 (None)\n"
        "\n"
        "`reference` — 0.10 s\n"
        "\n"
        "| scheme | operation | pass | fail | error | unsupported | skip | xfail | xpass |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
        "| hmac | mac | 1 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "\n"
        "**Passed**; every selected vector was executed.\n"
    )


def test_markdown_broken_adapter_and_message_cells():
    broken = Run("cmd:dead", GO, (result("hmac/a", "error", message="exit 1\nstderr: x|y"),))
    text = markdown.render([broken])
    assert "\n> **Broken adapter**: every vector errored. This is a harness problem, not non-conformance.\n\n|" in text
    assert "| error | `hmac/a` | exit 1 stderr: x\\|y |" in text
    assert "Broken adapter" not in markdown.render([ok_run()])


def test_markdown_reproduce_names_the_vector_files(tmp_path: Path):
    run = Run("x", GO, (result("hmac/a", "fail", message="m"),), vector_paths=("v/a b.yaml",))
    assert "| fail | `hmac/a` | m | `hmac-conformance run --impl x --vectors 'v/a b.yaml' -k hmac/a` |" in (
        markdown.render([run]).split("\n")
    )
    path = tmp_path / "summary.md"
    markdown.write(path, [run])
    assert path.read_text(encoding="utf-8") == markdown.render([run])


@pytest.mark.parametrize(("bad", "more"), [(40, None), (41, "\n… and 1 more in the JSON report."), (45, "\n… and 5 more in the JSON report.")])  # fmt: skip
def test_markdown_lists_at_most_40_bad_results(bad, more):
    run = Run("x", GO, tuple(result(f"hmac/v{i:02}", "fail", message=f"m{i}") for i in range(bad)))
    lines = markdown.render([run]).split("\n")
    listed = [line for line in lines if line.startswith("| fail |")]
    assert (
        len(listed) == 40 and listed[-1] == "| fail | `hmac/v39` | m39 | `hmac-conformance run --impl x -k hmac/v39` |"
    )
    tail = lines[lines.index(listed[-1]) + 1 :]
    assert tail == (["", f"… and {bad - 40} more in the JSON report.", ""] if more else [""])


# -- console ---------------------------------------------------------------------------------------------------------

SUMMARY_TABLE = (
    "  scheme / operation          pass  fail  error  unsup  skip  xfail  xpass\n"
    "  firstvision / sign             0     0      0      0     1      1      0\n"
    "  firstvision / verify           0     0      0      0     0      0      1\n"
    "  hmac / mac                     1     1      1      0     0      0      0\n"
    "  hmac / mac-verify              0     0      0      1     0      0      0\n"
)
VERDICT = (
    "\nFAILED: 1 passed, 1 failed, 1 errors, 1 unsupported, 1 skipped, 1 xfail, 1 xpass in 2.50 s; "
    f"{NOT_TESTED}\n" + "".join(f"  - {p}\n" for p in PROBLEMS)
)


def console_run() -> Run:
    results = list(mixed_run().results)
    results[1] = result("hmac/b", "fail", message="tag differs", diagnostic="expected 00\ngot 01", stderr="warn")
    results[2] = result("hmac/c", "error", message="timeout", stderr="\n".join(f"line {i}" for i in range(12)) + "\n")
    return Run("jsonl:go", GO, tuple(results), seconds=2.5, violations=mixed_run().violations, unmet=mixed_run().unmet)


def shown(verbose: bool) -> str:
    warn = "    stderr (last lines):\n      warn\n" if verbose else ""
    lines = "".join(f"      line {i}\n" for i in range(4, 12))
    again = "    reproduce: hmac-conformance case {} --persistent | go\n".format
    return (
        "\n--- FAIL hmac/b\n    tag differs\n    expected 00\n    got 01\n" + warn + again("hmac/b")
        + f"\n--- ERROR hmac/c\n    timeout\n    stderr (last lines):\n{lines}" + again("hmac/c")
        + "\n--- XPASS firstvision/g\n    listed but passes\n" + again("firstvision/g")
    )  # fmt: skip


def play(run: Run, verbosity: int, stream: io.StringIO | None = None) -> str:
    out = stream or io.StringIO()
    view = console.Console(out, verbosity=verbosity)
    view.begin(run.spec, len(run.results))
    for i, r in enumerate(run.results):
        view.progress(r, i + 1, len(run.results))
    view.summary(run)
    return out.getvalue()


def test_console_default_lists_what_failed_then_the_summary():
    assert play(console_run(), 0) == (
        "== jsonl:go: 7 vectors\n"
        "FAIL        hmac/b  tag differs\n"
        "ERROR       hmac/c  timeout\n"
        "XPASS       firstvision/g  listed but passes\n"
        "\ngo-sdk 2 (go) via jsonl:go\n"
        "PROTOCOL VIOLATION: answered seq 3 twice\n" + SUMMARY_TABLE + shown(False) + VERDICT
    )


def test_console_verbose_lists_every_result_and_stderr_of_failures():
    assert play(console_run(), 1) == (
        "== jsonl:go: 7 vectors\n"
        "PASS        hmac/a\n"
        "FAIL        hmac/b  tag differs\n"
        "ERROR       hmac/c  timeout\n"
        "UNSUPPORTED hmac/d  no verify\n"
        "SKIP        firstvision/e  later " + LONG + "\n"
        "XFAIL       firstvision/f  expected failure: known (x)\n"
        "XPASS       firstvision/g  listed but passes\n"
        "\ngo-sdk 2 (go) via jsonl:go\n"
        "PROTOCOL VIOLATION: answered seq 3 twice\n" + SUMMARY_TABLE + shown(True) + VERDICT
    )


def test_console_quiet_prints_only_the_summary():
    assert play(console_run(), -1) == (
        "\ngo-sdk 2 (go) via jsonl:go\nPROTOCOL VIOLATION: answered seq 3 twice\n" + SUMMARY_TABLE + VERDICT
    )


def test_console_ok_run():
    assert play(ok_run(), 0) == (
        "== reference: 1 vectors\n"
        "\nref 1 (None) via reference\n"
        "  scheme / operation          pass  fail  error  unsup  skip  xfail  xpass\n"
        "  hmac / mac                     1     0      0      0     0      0      0\n"
        "\nOK: 1 passed, 0 failed, 0 errors, 0 unsupported, 0 skipped, 0 xfail, 0 xpass in 0.10 s; "
        "every selected vector was executed\n"
    )


def test_console_broken_adapter_shows_one_error_and_says_broken():
    run = Run("cmd:dead", GO, tuple(result(f"hmac/{i}", "error", message="exit status 1") for i in range(3)))
    text = play(run, -1)
    assert "\nBROKEN ADAPTER: every vector errored; this is a harness problem, not non-conformance.\n" in text
    assert text.count("\n--- ERROR") == 0, "quiet"
    text = console.Console(out := io.StringIO()).summary(run) or out.getvalue()
    assert text.count("\n--- ERROR") == 1 and "\n--- ERROR hmac/0\n    exit status 1\n" in text


def test_console_startup_error_is_broken_and_lists_nothing():
    run = Run("jsonl:x", GO, (result("hmac/a", "error", message="did not start"),), startup_error="no hello")
    out = io.StringIO()
    console.Console(out).summary(run)
    text = out.getvalue()
    assert "\nBROKEN ADAPTER: the implementation did not start: no hello\n" in text
    assert "BROKEN ADAPTER: every vector errored" not in text and "--- " not in text


def test_console_lists_50_results_then_says_how_many_more():
    run = Run("x", GO, tuple(result(f"hmac/{i:02}", "fail", message=f"m{i}") for i in range(51)))
    out = io.StringIO()
    console.Console(out).summary(run)
    text = out.getvalue()
    assert text.count("\n--- FAIL") == 50 and "\n--- FAIL hmac/49\n" in text and "hmac/50\n" not in text
    assert "\n\n... and 1 more (see the JSON report, or select with -k)\n" in text
    out = io.StringIO()
    console.Console(out).summary(Run("x", GO, run.results[:50]))
    assert "more (see the JSON report" not in out.getvalue()


def test_console_regressions_against_a_baseline():
    run = Run("x", GO, (result("a/1", "pass"), result("a/2", "skip"), result("a/3", "fail")),
              baseline=frozenset({"a/1", "a/2", "a/3"}))  # fmt: skip
    out = io.StringIO()
    console.Console(out, verbosity=-1).summary(run)
    text = out.getvalue()
    assert (
        "\nREGRESSION a/2: passed in the baseline, now skip\nREGRESSION a/3: passed in the baseline, now fail\n" in text
    )
    assert "\n2 regression(s) against the baseline\n" in text
    out = io.StringIO()
    console.Console(out, verbosity=-1).summary(Run("x", GO, run.results))
    assert "regression" not in out.getvalue()


def test_console_lists_at_most_50_regressions():
    run = Run(
        "x",
        GO,
        tuple(result(f"a/{i:02}", "fail") for i in range(51)),
        baseline=frozenset(f"a/{i:02}" for i in range(51)),
    )
    out = io.StringIO()
    console.Console(out, verbosity=-1).summary(run)
    text = out.getvalue()
    assert text.count("\nREGRESSION ") == 50 and "REGRESSION a/50" not in text
    assert "\n51 regression(s) against the baseline\n" in text


def test_console_reproduce_names_the_vector_files_and_progress_only_the_first_line():
    run = Run("cmd:impl", GO, (result("hmac/a", "fail", message="one\ntwo\nthree"),), vector_paths=("my vectors",))
    out = io.StringIO()
    view = console.Console(out)
    view.progress(run.results[0], 1, 1)
    view.summary(run)
    text = out.getvalue()
    assert text.splitlines()[:2] == ["FAIL        hmac/a  one", ""]
    assert "\n    reproduce: hmac-conformance case hmac/a --vectors 'my vectors' | impl\n" in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_console_on_a_terminal_shows_progress_in_place(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = _Terminal()
    view = console.Console(out)
    assert view.live
    view.progress(result("hmac/" + "v" * 100, "fail", message="m"), 1, 2)
    view.progress(result("hmac/b", "pass"), 2, 2)
    assert out.getvalue() == (
        f"\r[1/2] fail        {('hmac/' + 'v' * 100)[:90]}\r[2/2] pass        {'hmac/b':<90}\r" + " " * 110 + "\r"
    )
    monkeypatch.setenv("CI", "true")
    assert not console.Console(_Terminal()).live, "a CI log is not a terminal"
    monkeypatch.delenv("CI")
    assert not console.Console(_Terminal(), verbosity=-1).live
    assert not console.Console(io.StringIO()).live


def test_console_repeated_errors_are_listed_three_times_then_only_counted():
    out = io.StringIO()
    view = console.Console(out)
    for i in range(5):
        view.progress(result(f"v/{i}", "error", message="same\nsecond line"), i + 1, 6)
    view.progress(result("v/x", "error", message="other"), 6, 6)
    assert out.getvalue() == (
        "ERROR       v/0  same\n"
        "ERROR       v/1  same\n"
        "ERROR       v/2  same  (further errors with this message not listed)\n"
        "ERROR       v/x  other\n"
    )
    out = io.StringIO()
    verbose = console.Console(out, verbosity=1)
    for i in range(5):
        verbose.progress(result(f"v/{i}", "error", message="same"), i + 1, 5)
    assert out.getvalue().count("ERROR") == 5, "verbose lists every error"
