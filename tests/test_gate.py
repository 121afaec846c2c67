"""A gate never goes green without evidence: nothing executed, a dead adapter against a baseline, a capability
declared away, a typo in an expected-failure list — each fails, and says why, in every report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from hmac_conformance._load import load
from tests.conftest import py_impl

VECTORS = load().vectors


def caps(name: str) -> str:
    return f"--impl=python:tests.impls.capabilities:{name}"


def count(chosen) -> int:
    return sum(1 for v in VECTORS if chosen(v))


def reports(tmp_path) -> tuple[list[str], dict]:
    paths = {k: tmp_path / f"r.{k}" for k in ("json", "junit", "markdown")}
    return [f"--report={k}:{p}" for k, p in paths.items()], paths


# -- nothing executed ----------------------------------------------------------------------------------------------


def test_a_run_in_which_nothing_was_executed_fails_and_says_why(hc, tmp_path):
    args, paths = reports(tmp_path)
    result = hc("run", caps("nothing"), "--scheme=firstvision", *args)  # the verdict, not the vectors, is under test
    assert result.code == 1
    total = count(lambda v: v.scheme == "firstvision")
    assert f"no selected vector was executed ({total} unsupported)" in result.out
    assert result.out.rstrip().splitlines()[-2].startswith("FAILED: 0 passed")
    run = json.loads(paths["json"].read_text(encoding="utf-8"))["runs"][0]
    assert run["ok"] is False
    assert run["problems"] == [f"no selected vector was executed ({total} unsupported)"]
    assert sum(group["unsupported"] for group in run["untested"].values()) == total


def test_an_sdk_that_skips_everything_of_a_scheme_fails(hc):
    result = hc("run", caps("skips_firstvision"), "--scheme=firstvision")
    assert result.code == 1
    skipped = count(lambda v: v.scheme == "firstvision")
    assert f"no selected vector was executed ({skipped} skip)" in result.out
    signs = count(lambda v: v.scheme == "firstvision" and v.operation == "sign")
    assert f"not tested: firstvision/sign {signs} skipped" in result.out


# -- requirements ----------------------------------------------------------------------------------------------------


def test_a_dropped_algorithm_is_reported_as_not_tested(hc):
    result = hc("run", caps("drop_sha512"), "--scheme=hmac")
    assert result.code == 0, "unsupported alone does not fail a run: that is what --require is for"
    n_mac = count(lambda v: v.operation == "mac" and v.input["algorithm"] == "sha512")
    assert f"not tested: hmac/mac {n_mac} unsupported; hmac/mac-verify" in result.out


@pytest.mark.parametrize(
    ("impl", "requirement", "chosen", "why"),
    [
        ("drop_sha512", "hmac/mac:sha512", lambda v: v.operation == "mac" and v.input["algorithm"] == "sha512",
         "algorithm sha512 not supported"),
        ("drop_sha512", "hmac", lambda v: v.scheme == "hmac" and v.input["algorithm"] == "sha512",
         "algorithm sha512 not supported"),
        ("no_verify", "firstvision/verify", lambda v: v.operation == "verify", "operation verify not supported"),
        ("no_legacy", "firstvision/sign:legacy-hex-base64",
         lambda v: v.operation == "sign" and v.input["signature_encoding"] == "legacy-hex-base64",
         "legacy-hex-base64 encoding not supported"),
        ("skips_firstvision", "firstvision/sign", lambda v: v.operation == "sign",
         "Client-Request-Id must be an integer in this SDK"),
    ],
)  # fmt: skip
def test_a_requirement_that_comes_back_untested_fails_the_run(hc, impl, requirement, chosen, why):
    result = hc("run", caps(impl), f"--require={requirement}", f"--scheme={requirement.split('/')[0].split(':')[0]}")
    assert result.code == 1
    matched = count(lambda v: v.scheme == requirement.split("/")[0].split(":")[0] and chosen(v))
    scope = count(lambda v: v.scheme == requirement.split("/")[0].split(":")[0] and _req_matches(requirement, v))
    assert f"required {requirement}: {matched} of {scope} vectors not tested ({why})" in result.out


def _req_matches(text: str, vector) -> bool:
    from hmac_conformance._gate import Requirement

    return Requirement.parse(text).matches(vector)


def test_a_met_requirement_passes(hc):
    result = hc("run", caps("drop_sha512"), "--require=hmac/mac:sha256", "--require=firstvision",
                "--scheme=hmac", "--scheme=firstvision", "--exclude=hmac/wycheproof/*", "--exclude=hmac/acvp/*")  # fmt: skip
    assert result.code == 0, result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--require=firstvision/verify", "--scheme=hmac"],
            "--require 'firstvision/verify' matches no selected vector",
        ),
        (
            ["--require=hmac/mac:sha512", "-k", "hmac/rfc2202/*"],
            "--require 'hmac/mac:sha512' matches no selected vector",
        ),
        (["--require=hmac/sign"], "scheme hmac has no operation 'sign'"),
        (["--require=hmac/mac:sha999"], "unknown feature 'sha999' for hmac"),
        (["--require=sigv9"], "unknown scheme 'sigv9'"),
    ],
)
def test_requirement_mistakes_are_usage_errors(hc, args, message):
    result = hc("run", "--impl=reference", *args)
    assert result.code == 2
    assert message in result.err


# -- baselines -------------------------------------------------------------------------------------------------------


def _baseline_for(hc, tmp_path, impl_spec: str, *selection: str) -> str:
    """A baseline in which ``impl_spec`` passed every (selected) vector (the reference's run, under that spec)."""
    path = tmp_path / "base.json"
    hc("run", "--impl=reference", *selection, f"--report=json:{path}")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["runs"][0]["impl"] = impl_spec
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_a_dead_adapter_against_a_baseline_is_all_regressions(hc, tmp_path):
    spec = "jsonl:" + py_impl("impls/faulty.py", "exit-at-start", "*", "x")
    base = _baseline_for(hc, tmp_path, spec, "--scheme=firstvision")
    result = hc("run", f"--impl={spec}", f"--baseline={base}", "--scheme=firstvision")
    assert result.code == 1
    assert f"{count(lambda v: v.scheme == 'firstvision')} regression(s) against the baseline" in result.out


@pytest.mark.parametrize("now", ["unsupported", "skip"])
def test_losing_a_capability_is_a_regression(hc, tmp_path, now):
    impl = "no_verify" if now == "unsupported" else "skips_firstvision"
    spec = f"python:tests.impls.capabilities:{impl}"
    base = _baseline_for(hc, tmp_path, spec, "--scheme=firstvision")
    result = hc("run", f"--impl={spec}", f"--baseline={base}", "--scheme=firstvision")
    assert result.code == 1
    assert f"passed in the baseline, now {now}" in result.out


def test_errors_are_regressions_too(hc, tmp_path):
    spec = "jsonl:" + py_impl("impls/faulty.py", "crash", "hmac/rfc4231/sha256/case-[25]", "x")
    base = _baseline_for(hc, tmp_path, spec, "-k", "hmac/rfc4231/sha256/*")
    result = hc("run", f"--impl={spec}", f"--baseline={base}", "-k", "hmac/rfc4231/sha256/*", "--timeout=5")
    assert result.code == 1
    assert "REGRESSION hmac/rfc4231/sha256/case-2: passed in the baseline, now error" in result.out
    assert "2 regression(s) against the baseline" in result.out


def test_a_baseline_without_a_run_for_the_impl_is_a_configuration_error(hc, tmp_path):
    base = _baseline_for(hc, tmp_path, "jsonl:./some-other-adapter", "-k", "hmac/rfc4231/*")
    result = hc("run", "--impl=reference", f"--baseline={base}", "-k", "hmac/rfc4231/*")
    assert result.code == 2
    assert "no run for --impl 'reference'" in result.err and "'jsonl:./some-other-adapter'" in result.err


def test_a_baseline_ignores_failures_that_were_failing_before(hc, tmp_path):
    spec = "python:tests.impls.capabilities:no_verify"
    base = tmp_path / "base.json"
    hc("run", f"--impl={spec}", "--scheme=firstvision", f"--report=json:{base}")
    result = hc("run", f"--impl={spec}", "--scheme=firstvision", f"--baseline={base}")
    assert result.code == 0
    assert "0 regression(s) against the baseline" in result.out


# -- expected-failure lists ------------------------------------------------------------------------------------------


def test_an_xfail_entry_matching_nothing_is_an_error_naming_it(hc, tmp_path):
    xfail = tmp_path / "x.yaml"
    xfail.write_text(
        "expected_failures:\n  - id: firstvision/verify/timestamp/*\n    reason: seconds\n"
        "  - id: firstvision/verify/timestmap/seconds\n    reason: typo\n",
        encoding="utf-8",
    )
    result = hc("run", "--impl=reference", "--scheme=firstvision", f"--xfail={xfail}")
    assert result.code == 2
    assert f"--xfail {xfail}:4: entry 'firstvision/verify/timestmap/seconds' matches no selected vector" in result.err


def test_xfail_globs_cross_slashes(hc, tmp_path):
    xfail = tmp_path / "x.yaml"
    xfail.write_text("expected_failures:\n  - id: 'firstvision/*/seconds'\n    reason: seconds\n", encoding="utf-8")
    result = hc("run", "--impl=" + py_impl("impls/buggy.py", "seconds").join(["jsonl:", ""]), f"--xfail={xfail}",
                "-k", "firstvision/verify/timestamp/*")  # fmt: skip
    assert "XFAIL" not in result.out  # quiet about expected failures by default
    assert "1 xfail" in result.out


# -- every report says what was not tested --------------------------------------------------------------------------


def test_every_report_says_what_was_not_tested(hc, tmp_path):
    args, paths = reports(tmp_path)
    result = hc("run", caps("no_verify"), "--scheme=firstvision", *args)
    verify = count(lambda v: v.scheme == "firstvision" and v.operation == "verify")
    line = f"not tested: firstvision/verify {verify} unsupported"
    assert line in result.out
    assert line in paths["markdown"].read_text(encoding="utf-8")
    suite = ET.parse(paths["junit"]).getroot().find("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["not-tested"] == line and props["verdict"] == "OK"
    run = json.loads(paths["json"].read_text(encoding="utf-8"))["runs"][0]
    assert run["untested"] == {"firstvision/verify": {"unsupported": verify, "skip": 0}}
