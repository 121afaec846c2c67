"""hmac-conformance run, end to end: adapters, outcomes, diagnostics, reports, expected failures, baseline."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from hmac_conformance._load import load
from tests.conftest import PY, py_impl
from tests.test_export import validator


def buggy(bug: str) -> str:
    return "--impl=jsonl:" + py_impl("impls/buggy.py", bug)


def test_reference_passes_and_reports_validate(hc, tmp_path):
    paths = {k: tmp_path / f"r.{k}" for k in ("json", "junit", "markdown")}
    result = hc("run", "--impl", "reference", *[f"--report={k}:{p}" for k, p in paths.items()])
    assert result.code == 0, result.out
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    errors = list(validator("report.schema.json").iter_errors(report))
    assert not errors, errors[0].message
    run = report["runs"][0]
    assert run["implementation"]["name"] == "hmac-conformance-reference"
    assert run["counts"]["pass"] == len(run["results"]) >= 200
    suites = ET.parse(paths["junit"]).getroot()
    cases = suites.findall("./testsuite/testcase")
    assert len(cases) == len(run["results"])
    assert {c.get("name") for c in cases} == {r["id"] for r in run["results"]}
    assert "| firstvision | verify |" in paths["markdown"].read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["jsonl", "cmd"])
def test_python_example_passes_in_both_modes(hc, mode):
    command = f"{PY} examples/python/adapter.py"
    selection = [] if mode == "jsonl" else ["-k", "firstvision/*", "-k", "hmac/rfc*", "-j", "2"]
    result = hc("run", f"--impl={mode}:{command}", *selection)
    assert result.code == 0, result.out
    assert "python-stdlib-example" in result.out, "the identity from the hello response is reported"
    assert ", 0 failed, 0 errors" in result.out


# One classic SDK bug each: the run fails, and the console names the vector and explains the bytes.
BUGS = {
    "hex-signature": ("firstvision/sign/post-json", "looks like: hex of a 32-byte MAC, not Base64 (FV-10)"),
    "legacy-always": ("firstvision/sign/post-json", "the legacy encoding (FV-12), not canonical"),
    "reserialise-json": ("firstvision/sign/post-json-pretty", "in body (byte 1 of the field)"),
    "strip-body": (
        "firstvision/sign/body-trailing-newline",
        "first difference at byte 165 (expected 166 bytes, got 165): body lost 1 byte at its end: \\n",
    ),
    "seconds": ("firstvision/verify/timestamp/seconds", "accepted; must be rejected with 'stale'"),
    "no-replay-check": ("firstvision/verify/replay/seen-id", "accepted; must be rejected with 'replay'"),
    "prefix-compare": ("hmac/verify/sha256/truncated-to-full-verifier", "must be rejected with 'wrong-tag-length'"),
    "lenient-timestamp": ("firstvision/verify/boundary/zero-into-timestamp", "not a lenient integer parser (FV-7)"),
    # New in 1.1.0: a verifier that trims like JavaScript, one with Unicode syntax classes, a signer that trims.
    "js-trim": (
        "firstvision/verify/whitespace/authorization-trailing-feff",
        "accepted; must be rejected with 'malformed-signature'",
    ),
    "unicode-syntax": (
        "firstvision/verify/unicode/api-key-kelvin-sign",
        "accepted; must be rejected with 'malformed-api-key'",
    ),
    "signer-trims": (
        "firstvision/sign/inputs/request-id-leading-space",
        "signed although Client-Request-Id is malformed; a signer must refuse (FV-17)",
    ),
}


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_bug_is_caught_with_its_diagnostic(hc, bug):
    vector_id, diagnostic = BUGS[bug]
    result = hc("run", buggy(bug))
    assert result.code == 1
    assert f"FAIL        {vector_id}" in result.out
    assert diagnostic in result.out
    assert " 0 errors" in result.out, "a bug in the implementation is a failure, not an adapter error"


def test_string_to_sign_diff_makes_invisible_bytes_visible(hc):
    result = hc("run", buggy("strip-body"), "-k", "*body-trailing-newline")
    assert "expected: …" in result.out and "\\n" in result.out
    assert "^" in result.out


def test_reason_differences_fail_only_when_strict(hc):
    impl = "--impl=python:tests.impls.wrong_reason"
    lenient = hc("run", impl, "--scheme=firstvision")
    assert lenient.code == 0
    strict = hc("run", impl, "--scheme=firstvision", "--strict-reasons")
    assert strict.code == 1
    assert "rejected for reason 'signature-mismatch'; the spec's reason is 'stale'" in strict.out
    # A signer's refusal (FV-17), returned in process as {"refused": reason}: the same rule for its reason.
    assert "refused for reason 'malformed-timestamp'; the spec's reason is 'malformed-request-id'" in strict.out
    assert "FAIL        firstvision/sign/inputs/timestamp-exponent" not in strict.out


def test_xfail_roundtrip_and_strict_xpass(hc, tmp_path):
    xfail = tmp_path / "xfail.yaml"
    first = hc("run", buggy("seconds"), f"--write-xfail={xfail}")
    assert first.code == 1
    assert "wrote 43 expected failure(s)" in first.out
    again = hc("run", buggy("seconds"), f"--xfail={xfail}")
    assert again.code == 0, again.out
    assert "43 xfail" in again.out
    fixed = hc("run", "--impl=reference", f"--xfail={xfail}")
    assert fixed.code == 1
    assert "43 xpass" in fixed.out and "remove it from the list" in fixed.out


def test_xfail_file_errors_are_usage_errors(hc, tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("expected_failures:\n  - id: a\n", encoding="utf-8")
    result = hc("run", "--impl=reference", f"--xfail={bad}")
    assert result.code == 2 and f"{bad}:2" in result.err and "'reason' is a required property" in result.err


def test_baseline_fails_only_on_regressions(hc, tmp_path):
    base = tmp_path / "base.json"
    hc("run", buggy("seconds"), f"--report=json:{base}")
    same = hc("run", buggy("seconds"), f"--baseline={base}")
    assert same.code == 0 and "0 regression(s) against the baseline" in same.out
    # A baseline in which the same --impl passed everything: every vector failing now is a regression.
    ref = tmp_path / "ref.json"
    hc("run", "--impl=reference", f"--report=json:{ref}")
    document = json.loads(ref.read_text(encoding="utf-8"))
    document["runs"][0]["impl"] = buggy("seconds").removeprefix("--impl=")
    ref.write_text(json.dumps(document), encoding="utf-8")
    regress = hc("run", buggy("seconds"), f"--baseline={ref}")
    assert regress.code == 1
    failing = json.loads(base.read_text(encoding="utf-8"))["runs"][0]["counts"]["fail"]
    assert "REGRESSION firstvision/verify/timestamp/seconds: passed in the baseline, now fail" in regress.out
    assert f"{failing} regression(s) against the baseline" in regress.out


@pytest.mark.parametrize(
    ("args", "chosen"),
    [
        (["-k", "hmac/rfc4231/*"], lambda v: v.id.startswith("hmac/rfc4231/")),
        (
            ["-k", "hmac/rfc4231/*", "-k", "hmac/rfc2202/*"],
            lambda v: v.id.startswith(("hmac/rfc4231/", "hmac/rfc2202/")),
        ),
        (
            ["--scheme", "firstvision", "--operation", "sign"],
            lambda v: v.scheme == "firstvision" and v.operation == "sign",
        ),
        (["--tag", "boundary-shift"], lambda v: "boundary-shift" in v.tags),
        (["--tag", "boundary-shift", "--tag", "rfc2202"], lambda v: {"boundary-shift", "rfc2202"} & set(v.tags)),
        (
            ["--suite-version", "1.0.0", "-k", "firstvision/sign/*"],
            lambda v: v.since == "1.0.0" and v.operation == "sign",
        ),
        (["--tag", "signer-input"], lambda v: "signer-input" in v.tags),
        (["--tag", "lenient-trim"], lambda v: "lenient-trim" in v.tags),
    ],
)
def test_selection(hc, args, chosen):
    expected = [v.id for v in load().vectors if chosen(v)]
    assert expected, "the selection under test must select something"
    result = hc("run", "--impl=reference", "-v", *args)
    assert result.code == 0
    listed = [line.split()[1] for line in result.out.splitlines() if line.startswith("PASS ")]
    assert listed == expected


@pytest.mark.parametrize(
    "args",
    [
        ["--impl=reference", "--suite-version", "0.9.0"],
        ["--impl=reference", "-k", "nothing/*"],
        ["--impl=nonsense"],
        ["--impl=python:no.such.module"],
        ["--impl=cmd:"],
        ["--impl=cmd:'unterminated"],
        ["--impl=reference", "--report=pdf:x.pdf"],
        ["--impl=reference", "--env=NOEQUALS"],
    ],
)
def test_usage_errors_exit_2(hc, args):
    assert hc("run", *args).code == 2


def test_program_that_exits_at_start_is_a_broken_adapter_not_a_failure(hc, tmp_path):
    report = tmp_path / "r.json"
    impl = "--impl=jsonl:" + py_impl("impls/faulty.py", "exit-at-start", "*", "x")
    result = hc("run", impl, "-k", "hmac/rfc4231/*", f"--report=json:{report}")
    assert result.code == 1
    assert "BROKEN ADAPTER" in result.out
    run = json.loads(report.read_text(encoding="utf-8"))["runs"][0]
    selected = sum(v.id.startswith("hmac/rfc4231/") for v in load().vectors)
    assert run["broken"] and run["counts"]["error"] == selected and run["counts"]["fail"] == 0


def test_several_implementations_in_one_run(hc, tmp_path):
    report = tmp_path / "r.json"
    result = hc("run", "--impl=reference", buggy("seconds"), "--scheme=firstvision", f"--report=json:{report}")
    assert result.code == 1
    runs = json.loads(report.read_text(encoding="utf-8"))["runs"]
    assert [r["impl"] for r in runs] == ["reference", buggy("seconds").removeprefix("--impl=")]
    assert runs[0]["ok"] and runs[0]["counts"]["fail"] == 0
    failed = [r["id"] for r in runs[1]["results"] if r["status"] == "fail"]
    assert "firstvision/verify/timestamp/seconds" in failed and runs[1]["counts"]["fail"] == len(failed)
    assert "1 of 2 implementation runs passed; failed: jsonl:" in result.out


def test_json_report_stays_small_when_everything_passes(hc, tmp_path):
    """Passing results carry what a reader needs; only results that did not pass carry their evidence."""
    report = tmp_path / "r.json"
    hc("run", "--impl=reference", buggy("seconds"), f"--report=json:{report}")
    good, bad = json.loads(report.read_text(encoding="utf-8"))["runs"]
    assert all(set(r) == {"id", "scheme", "operation", "tags", "status", "message", "seconds"} for r in good["results"])
    size = len(json.dumps(good))
    assert size < 250 * len(good["results"]), "a passing run costs a small constant per vector (no 1 MiB bodies)"
    failing = [r for r in bad["results"] if r["status"] == "fail"]
    assert failing and all(r["input"] and r["expected"] and r["got"] is not None for r in failing)
    assert all("input" not in r for r in bad["results"] if r["status"] == "pass")
