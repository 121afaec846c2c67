"""The verdict functions, one small direct test per decision: comparison, expected failures, baselines, run
bookkeeping, every report writer, redaction and selection. Fast, exact, and each written so that a one-line
change to the decision under test makes it fail."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import xml.etree.ElementTree as ET

import pytest

from hmac_conformance import _compare as compare
from hmac_conformance import _gate as gate
from hmac_conformance._adapters.inprocess import InProcessAdapter
from hmac_conformance._adapters.oneshot import OneShotAdapter
from hmac_conformance._adapters.process import Command, Exchange
from hmac_conformance._execute import Run, execute
from hmac_conformance._expectations import ExpectedFailure, apply_xfail, write_xfail
from hmac_conformance._load import load
from hmac_conformance._outcome import Response, Result
from hmac_conformance._redact import MARK, Redactor
from hmac_conformance._report import console, jsonreport, junit, markdown
from hmac_conformance._select import Selection, select

VECTORS = {v.id: v for v in load().vectors}
MAC = VECTORS["hmac/rfc4231/sha256/case-1"]
MAC5 = VECTORS["hmac/rfc4231/sha256/case-5"]  # truncated to 16 bytes
SIGN = VECTORS["firstvision/sign/post-json"]
STALE = VECTORS["firstvision/verify/timestamp/minus-300001ms"]
ACCEPT = VECTORS["firstvision/verify/timestamp/now"]


def result(vid: str = "a/b/c", status: str = "pass", **kw) -> Result:
    scheme, operation = kw.pop("scheme", "hmac"), kw.pop("operation", "mac")
    return Result(vid, scheme, operation, kw.pop("tags", ()), status, **kw)  # type: ignore[arg-type]


def output(vector, **changes) -> Response:
    from hmac_conformance import _reference as reference

    out = reference.run_case(vector.scheme, vector.operation, vector.input)
    out.update(changes)
    return Response("output", output=out)


# -- compare.judge ---------------------------------------------------------------------------------------------------


def test_judge_passes_the_right_answer_for_every_operation():
    for vector in (MAC, MAC5, SIGN, STALE, ACCEPT):
        assert compare.judge(vector, output(vector)).status == "pass", vector.id


@pytest.mark.parametrize("kind", ["error", "skip", "unsupported"])
def test_judge_keeps_non_output_responses(kind):
    got = compare.judge(MAC, Response(kind, message="why", stderr="err", seconds=0.5, link="https://x"))  # type: ignore[arg-type]
    assert (got.status, got.message, got.stderr, got.seconds, got.link) == (kind, "why", "err", 0.5, "https://x")


@pytest.mark.parametrize(
    ("vector", "bad", "message"),
    [
        (MAC, None, "invalid output: output is NoneType, not an object"),
        (MAC, {"tag": "AAAA"}, "invalid output: output field 'tag' missing or not bytes"),
        (ACCEPT, {"valid": "yes"}, "invalid output: output field 'valid' missing or not bool"),
        (SIGN, {"signature": 5}, "invalid output: output field 'signature' missing or not str"),
    ],
)
def test_judge_refuses_malformed_outputs_as_errors(vector, bad, message):
    got = compare.judge(vector, Response("output", output=bad))
    assert (got.status, got.message) == ("error", message)


def test_mac_length_difference_is_explained():
    got = compare.judge(MAC5, output(MAC5, tag=output(MAC5).output["tag"] + b"\0"))
    assert got.status == "fail"
    assert "(got 17 bytes, tag_length is 16; truncation keeps the leftmost bytes, MAC-4)" in got.diagnostic


def test_accepting_a_rejection_fails_with_the_reason():
    got = compare.judge(STALE, Response("output", output={"valid": True}))
    assert (got.status, got.message) == ("fail", "accepted; must be rejected with 'stale'")


def test_rejecting_an_acceptance_fails_and_quotes_the_reason():
    got = compare.judge(ACCEPT, Response("output", output={"valid": False, "reason": "stale"}))
    assert (got.status, got.message) == ("fail", "rejected a request/tag that must be accepted (said 'stale')")
    got = compare.judge(ACCEPT, Response("output", output={"valid": False}))
    assert got.message == "rejected a request/tag that must be accepted"


@pytest.mark.parametrize(("strict", "status"), [(False, "pass"), (True, "fail")])
def test_another_reason_fails_only_when_strict(strict, status):
    got = compare.judge(STALE, Response("output", output={"valid": False, "reason": "future"}), strict)
    assert got.status == status
    assert got.message == "rejected for reason 'future'; the spec's reason is 'stale'"
    assert ("vector:" in got.diagnostic) is strict


def test_a_missing_reason_is_another_reason():
    got = compare.judge(STALE, Response("output", output={"valid": False}), True)
    assert got.status == "fail"


def test_sign_header_differences_are_each_named():
    good = output(SIGN).output
    headers = dict(good["headers"])
    headers["Timestamp"] = "1700000000001"
    del headers["Api-Key"]
    headers["auth-token-type"] = "HMAC"  # names compare case-insensitively
    del headers["Auth-Token-Type"]
    got = compare.judge(SIGN, Response("output", output={**good, "headers": headers}))
    assert got.status == "fail"
    assert got.message == "header Api-Key missing; header Timestamp differs"
    assert "header Timestamp: expected '1700000000000', got '1700000000001'" in got.diagnostic


def test_sign_without_content_type_is_fine_but_other_missing_headers_are_not():
    good = output(SIGN).output
    headers = {k: v for k, v in good["headers"].items() if k != "Content-Type"}
    assert compare.judge(SIGN, Response("output", output={**good, "headers": headers})).status == "pass"


def test_sign_right_string_to_sign_wrong_signature_says_so():
    good = output(SIGN).output
    other = base64.b64encode(bytes(32)).decode()
    got = compare.judge(SIGN, Response("output", output={**good, "signature": other, "headers": None}))
    assert "the string to sign is right: the key, the algorithm or the encoding is not" in got.diagnostic
    assert got.message == "signature differs: different MAC"


# -- expected failures -----------------------------------------------------------------------------------------------

ENTRIES = [ExpectedFailure("x/*/c", "known", "https://issue/1"), ExpectedFailure("x/b/*", "second", None)]


@pytest.mark.parametrize(
    ("status", "becomes"),
    [("fail", "xfail"), ("error", "xfail"), ("pass", "xpass"), ("unsupported", "unsupported"), ("skip", "skip")],
)
def test_xfail_applies_to_failures_and_errors_and_flags_passes(status, becomes):
    got = apply_xfail(result("x/b/c", status, message="m"), ENTRIES)
    assert got.status == becomes
    if becomes == "xfail":
        assert got.message == "expected failure: known (m)" and got.link == "https://issue/1"
    if becomes == "xpass":
        assert got.message == "listed as expected failure (known) but passes: remove it from the list"


def test_xfail_globs_are_globs_and_the_first_entry_wins():
    assert apply_xfail(result("x/long/path/c", "fail"), ENTRIES).status == "xfail"  # '*' crosses '/'
    assert apply_xfail(result("x/b/d", "fail"), ENTRIES).message.startswith("expected failure: second")
    assert apply_xfail(result("y/b/c", "fail"), ENTRIES).status == "fail"
    assert apply_xfail(result("X/b/c", "fail"), ENTRIES).status == "fail", "case-sensitive"


def test_write_xfail_keeps_listed_failures_with_their_reason_and_link(tmp_path):
    results = [
        result("a/1", "fail", message="tag differs: x\nmore"),
        result("a/2", "error", message="timeout"),
        apply_xfail(result("x/b/c", "fail", message="m"), ENTRIES),
        result("a/3", "pass"),
        result("a/4", "unsupported"),
        result("a/5", "xpass"),
    ]
    path = tmp_path / "x.yaml"
    assert write_xfail(path, results, ENTRIES) == 3
    from hmac_conformance._expectations import load_xfail

    entries = load_xfail(path)
    assert [(e.pattern, e.reason, e.link) for e in entries] == [
        ("a/1", "tag differs: x", None),
        ("a/2", "timeout", None),
        ("x/b/c", "known", "https://issue/1"),
    ]


def test_write_xfail_of_nothing_is_an_empty_list(tmp_path):
    path = tmp_path / "x.yaml"
    assert write_xfail(path, [result("a", "pass")]) == 0
    assert path.read_text(encoding="utf-8").endswith("expected_failures: []\n")


# -- baselines and the run's verdict --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "regression"),
    [("pass", False), ("xpass", False), ("fail", True), ("error", True), ("xfail", True), ("unsupported", True),
     ("skip", True)],
)  # fmt: skip
def test_what_counts_as_a_regression(now, regression):
    assert bool(gate.regressions({"a"}, [result("a", now)])) is regression
    assert gate.regressions({"b"}, [result("a", now)]) == [], "only vectors that passed before"


def test_baseline_reads_only_passes_per_impl(tmp_path):
    report = {"format": jsonreport.FORMAT, "tool": {"name": "hmac-conformance", "version": "1"},
              "suite_version": "1.0.0", "created": "2026-01-01T00:00:00+00:00", "vectors": {}, "runs": []}  # fmt: skip
    for impl, statuses in (("jsonl:a", ["pass", "fail", "error", "xfail", "xpass", "skip"]), ("jsonl:b", ["pass"])):
        run = Run(impl, {"name": "n", "version": "1", "language": "x"},
                  [result(f"v{i}", s) for i, s in enumerate(statuses)])  # fmt: skip
        report["runs"].append(jsonreport.run_to_json(run))
    path = tmp_path / "base.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    baseline = gate.load_baseline(path)
    assert baseline.for_impl("jsonl:a") == {"v0"}
    assert baseline.for_impl("jsonl:b") == {"v0"}


def run_of(*statuses: str, **kw) -> Run:
    return Run("jsonl:x", {"name": "x", "version": "1", "language": "go"},
               [result(f"id/{i}", s, scheme="hmac", operation="mac") for i, s in enumerate(statuses)], **kw)  # fmt: skip


@pytest.mark.parametrize(
    ("statuses", "ok"),
    [
        (["pass", "xfail", "unsupported", "skip"], True),
        (["pass", "fail"], False),
        (["pass", "error"], False),
        (["pass", "xpass"], False),
        (["unsupported", "skip"], False),
        (["xfail"], True),
    ],
)
def test_run_ok(statuses, ok):
    assert run_of(*statuses).ok is ok


def test_run_problems_say_why():
    run = run_of("fail", "error", "error", "xpass", violations=["answered seq 3 twice"], unmet=["required hmac"])
    assert run.problems == [
        "protocol violation: answered seq 3 twice",
        "1 failed",
        "2 errors",
        "1 listed as expected failures but passing",
        "required hmac",
    ]
    assert run_of("unsupported", "skip", "skip").problems == ["no selected vector was executed (1 unsupported, 2 skip)"]
    assert run_of("error").problems == ["1 errors", "no selected vector was executed (every vector errored)"]


def test_with_a_baseline_only_regressions_fail():
    run = run_of("pass", "fail", "error", baseline=frozenset({"id/0"}))
    assert run.ok and run.regressions == []
    run = run_of("pass", "fail", baseline=frozenset({"id/1"}))
    assert run.problems == ["1 regression(s) against the baseline"]


@pytest.mark.parametrize(
    ("statuses", "startup", "broken"),
    [
        (["error", "error"], None, True),
        (["error", "unsupported"], None, True),
        (["error", "pass"], None, False),
        (["error", "fail"], None, False),
        (["unsupported"], None, False),
        (["pass"], "did not start", True),
    ],
)
def test_broken_means_every_attempted_vector_errored(statuses, startup, broken):
    assert run_of(*statuses, startup_error=startup).broken is broken


def test_untested_is_counted_per_scheme_and_operation():
    run = Run("x", {}, [result("a", "unsupported", scheme="hmac", operation="mac"),
                        result("b", "skip", scheme="hmac", operation="mac"),
                        result("c", "skip", scheme="firstvision", operation="verify"),
                        result("d", "pass", scheme="firstvision", operation="sign")])  # fmt: skip
    assert run.untested == {"firstvision/verify": {"unsupported": 0, "skip": 1},
                            "hmac/mac": {"unsupported": 1, "skip": 1}}  # fmt: skip
    assert console.not_tested(run) == "not tested: firstvision/verify 1 skipped; hmac/mac 1 unsupported, 1 skipped"


# -- report writers: every status lands where it must ---------------------------------------------------------------

ALL = ["pass", "fail", "error", "unsupported", "skip", "xfail", "xpass"]


def mixed_run() -> Run:
    results = [result(f"hmac/x/{s}", s, message=f"msg {s}", diagnostic=f"diag {s}", stderr=f"err {s}",
                      expected={"tag": b"\1"}, got={"tag": b"\2"} if s in ("fail", "xpass") else None,
                      input={"key": b"k"} if s != "pass" else None)
               for s in ALL]  # fmt: skip
    return Run("jsonl:mixed", {"name": "mixed", "version": "1", "language": "go"}, results, seconds=1.5)


def test_junit_maps_every_status(tmp_path):
    path = tmp_path / "r.xml"
    junit.write(path, [mixed_run()])
    suite = ET.parse(path).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "7",
        "2",
        "1",
        "3",
    )
    kinds = {}
    for case in suite.findall("testcase"):
        child = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
        kinds[case.get("name")] = (child.tag, child.get("type")) if child is not None else None
    assert kinds == {
        "hmac/x/pass": None,
        "hmac/x/fail": ("failure", "fail"),
        "hmac/x/xpass": ("failure", "xpass"),
        "hmac/x/error": ("error", "adapter-error"),
        "hmac/x/unsupported": ("skipped", None),
        "hmac/x/skip": ("skipped", None),
        "hmac/x/xfail": ("skipped", None),
    }
    passing = next(c for c in suite.findall("testcase") if c.get("name") == "hmac/x/pass")
    assert len(passing) == 0 and not (passing.text or "").strip(), "a passing testcase has no body"
    fail = next(c for c in suite.findall("testcase") if c.get("name") == "hmac/x/fail")
    assert fail.find("failure").text == "msg fail\ndiag fail" and fail.find("system-err").text == "err fail"
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["verdict"] == "FAILED"


def test_junit_survives_control_characters(tmp_path):
    run = Run("x", {"name": "x\x01"}, [result("a", "fail", message="bad \x00\x1b byte", stderr="\x07")])
    path = tmp_path / "r.xml"
    junit.write(path, [run])
    case = ET.parse(path).getroot().find("testsuite/testcase")
    assert case.find("failure").get("message") == "bad ?? byte"


def test_json_report_keeps_evidence_exactly_for_results_that_did_not_pass(tmp_path):
    path = tmp_path / "r.json"
    jsonreport.write(path, [mixed_run()])
    run = json.loads(path.read_text(encoding="utf-8"))["runs"][0]
    by_status = {r["status"]: r for r in run["results"]}
    for status in ("fail", "error", "xfail", "xpass"):
        assert by_status[status]["diagnostic"] == f"diag {status}" and by_status[status]["stderr"] == f"err {status}"
        assert by_status[status]["input"] == {"key": "aw=="} and by_status[status]["expected"] == {"tag": "AQ=="}
    assert set(by_status["pass"]) == {"id", "status", "message"}, "a passing result is its id and status only"
    for status in ("unsupported", "skip"):
        assert set(by_status[status]) == {"id", "status", "message"}, "what it is is said in the vectors table"
    assert run["counts"] == dict.fromkeys(ALL, 1)
    assert run["ok"] is False and run["broken"] is False
    assert run["problems"] == ["1 failed", "1 errors", "1 listed as expected failures but passing"]


def test_json_report_broken_flag():
    assert jsonreport.run_to_json(run_of("error", "error"))["broken"] is True
    assert jsonreport.run_to_json(run_of("error", "pass"))["broken"] is False


def test_markdown_lists_failures_errors_and_xpasses_and_nothing_else(tmp_path):
    text = markdown.render([mixed_run()])
    listed = [line.split("`")[1] for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert listed == ["hmac/x/fail", "hmac/x/error", "hmac/x/xpass"]
    assert "| hmac | mac | 1 | 1 | 1 | 1 | 1 | 1 | 1 |" in text
    assert "## ❌ mixed 1 (go)" in text
    assert "- 1 errors" in text


def test_console_verdict_and_shown_results():
    out = io.StringIO()
    view = console.Console(out)
    run = mixed_run()
    for i, r in enumerate(run.results):
        view.progress(r, i + 1, len(run.results))
    view.summary(run)
    text = out.getvalue()
    shown = [line.split()[2] for line in text.splitlines() if line.startswith("--- ")]
    assert shown == ["hmac/x/fail", "hmac/x/error", "hmac/x/xpass"]
    assert "\nFAILED: 1 passed, 1 failed, 1 errors, 1 unsupported, 1 skipped, 1 xfail, 1 xpass in 1.50 s" in text
    only_errors = io.StringIO()
    console.Console(only_errors).summary(run_of("pass", "error"))
    assert "\nFAILED: " in only_errors.getvalue(), "errors alone fail the verdict"


def test_console_says_an_error_three_times_not_three_hundred():
    out = io.StringIO()
    view = console.Console(out)
    for i in range(10):
        view.progress(result(f"v/{i}", "error", message="same problem"), i + 1, 10)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("ERROR")]
    assert len(lines) == 3 and lines[-1].endswith("(further errors with this message not listed)")


# -- redaction -------------------------------------------------------------------------------------------------------


def test_redaction_scrubs_every_form_of_every_key_everywhere():
    vector = VECTORS["firstvision/verify/replay/seen-id"]
    secrets = [k["secret"] for k in vector.input["keys"]]
    keys = [*secrets, b"second-secret-bytes"]
    vector = dataclasses.replace(vector, input={**vector.input, "keys": [*vector.input["keys"],
                                 {"api_key": "Other1", "secret": keys[-1], "algorithm": "sha256"}]})  # fmt: skip
    redact = Redactor([vector])
    forms = [f for k in keys for f in (k.hex(), k.hex().upper(), base64.b64encode(k).decode(), k.decode())]
    text = " | ".join(forms)
    raw = result(vector.id, "fail", message=text, diagnostic=text, stderr=text, input=vector.input)
    scrubbed = redact(raw, vector)
    for field in (scrubbed.message, scrubbed.diagnostic, scrubbed.stderr):
        assert not any(form in field for form in forms), field
        assert field.count(MARK) == len(forms)
    assert [k["secret"] for k in scrubbed.input["keys"]] == [MARK] * len(keys)


def test_redaction_leaves_forms_shorter_than_four_characters_alone():
    vector = dataclasses.replace(MAC, input={**MAC.input, "key": b"ab"})
    redact = Redactor([vector])
    assert redact.scrub("ab 6162 YWI= abc") == f"ab {MARK} {MARK} abc", "'ab' itself would scrub ordinary text"


# -- selection --------------------------------------------------------------------------------------------------------


def test_selection_criteria_combine_as_and_of_ors():
    vectors = list(VECTORS.values())
    chosen = list(select(vectors, Selection(tags=["boundary-shift", "rfc2202"])))
    assert {v.id for v in chosen} == {v.id for v in vectors if {"boundary-shift", "rfc2202"} & set(v.tags)}
    chosen = list(select(vectors, Selection(patterns=["hmac/*"], operations=["mac-verify"])))
    assert chosen and all(v.id.startswith("hmac/") and v.operation == "mac-verify" for v in chosen)
    assert list(select(vectors, Selection(schemes=["firstvision"], operations=["mac"]))) == []
    chosen = list(select(vectors, Selection(suite_version="1.0.0")))
    assert chosen and all(v.since == "1.0.0" for v in chosen)
    assert len(chosen) < len(vectors)


def test_excludes_apply_after_the_patterns_and_superseded_vectors_only_on_request():
    both = ["hmac/rfc4231/sha256/case-1", "hmac/rfc4231/sha256/case-2"]
    vectors = [VECTORS[i] for i in both]
    assert [v.id for v in select(vectors, Selection(excludes=["*case-2"]))] == both[:1]
    assert [v.id for v in select(vectors, Selection(patterns=["hmac/*"], excludes=["hmac/*"]))] == []
    old = dataclasses.replace(vectors[0], superseded_by=both[1])
    assert list(select([old], Selection())) == []
    assert list(select([old], Selection(include_superseded=True))) == [old]


# -- adapters: in-process and one-shot decisions -----------------------------------------------------------------------


class _Target:
    def __init__(self, behaviour):
        self.behaviour = behaviour

    def run_case(self, scheme, operation, inp):
        return self.behaviour()


@pytest.mark.parametrize(
    ("behaviour", "status", "message"),
    [
        (lambda: (_ for _ in ()).throw(NotImplementedError("no sha3")), "skip", "no sha3"),
        (lambda: (_ for _ in ()).throw(NotImplementedError()), "skip", "not implemented"),
        (lambda: (_ for _ in ()).throw(KeyError("k")), "error", "raised KeyError: 'k'"),
        (lambda: {"tag": b"x"}, "fail", "tag differs: different MAC"),
    ],
)
def test_in_process_outcomes(behaviour, status, message):
    run = execute(InProcessAdapter("python:t", _Target(behaviour)), [MAC])
    assert (run.results[0].status, run.results[0].message) == (status, message)


@pytest.mark.parametrize(
    ("exchange", "status", "message"),
    [
        (Exchange(None, b"", "", timed_out=True), "error", "timeout: no complete answer within 5 s"),
        (Exchange(None, b"", "", overflow=True), "error", "response larger than 16 MiB"),
        (Exchange(3, b"", "oops"), "error", "exit status 3 (one-shot adapters must exit 0)"),
        (Exchange(0, b"", ""), "error", "expected exactly one response line on stdout, got 0"),
        (Exchange(0, b'{"type":"result","seq":1,"skip":{"reason":"r"}}\n', ""), "error",
         "response seq 1 does not echo the case's seq 0"),
        (Exchange(0, b'\n{"type":"result","seq":0,"skip":{"reason":"r","link":"L"}}\n\n', "e"), "skip", "r"),
        (Exchange(0, b'{"type":"result","seq":0,"error":{"message":"m"}}', ""), "error",
         "implementation reported: m"),
    ],
)  # fmt: skip
def test_one_shot_interpretation(monkeypatch, exchange, status, message):
    monkeypatch.setattr("hmac_conformance._adapters.oneshot.exchange", lambda *a: exchange)
    made = OneShotAdapter("cmd:x", Command(("x",), Command.parse("x").cwd, {}), timeout=5)
    response = made.run_one(MAC)
    assert (response.kind, response.message) == (status, message)
    assert response.stderr == exchange.stderr


def test_one_shot_hello_is_optional(monkeypatch):
    monkeypatch.setattr("hmac_conformance._adapters.oneshot.exchange", lambda *a: Exchange(0, b"not a hello\n", ""))
    made = OneShotAdapter("cmd:x", Command(("x",), Command.parse("x").cwd, {}), timeout=5)
    made.start()
    assert made.supports is None and made.identity["version"] == "unknown"
