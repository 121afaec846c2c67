"""The pytest plugin, as an SDK's test suite meets it (pytester, in a fresh directory, in a subprocess): vectors
as test items, selection, strict xfail, adapter errors as errors, the diagnosis as the failure message, one
process per implementation per session, ini settings, xdist, and ``hmac_conformance.cases()``."""

from __future__ import annotations

import shlex
import xml.etree.ElementTree as ET

import pytest

from hmac_conformance import load_vectors
from tests.conftest import PY, ROOT

#: Most tests use the small frozen sample of tests/golden (a pytest session per test loads its vectors).
GOLDEN = ROOT / "tests" / "golden" / "vectors"
SAMPLE = load_vectors([GOLDEN])
VECTORS = f"--hmac-vectors={GOLDEN}"
RFC = "hmac/rfc*"
N_RFC = sum(1 for v in SAMPLE if v.id.startswith("hmac/rfc"))
EXAMPLE = f"jsonl:{shlex.join([PY, str(ROOT / 'examples' / 'python' / 'adapter.py')])}"


def buggy(bug: str) -> str:
    return f"jsonl:{shlex.join([PY, str(ROOT / 'tests' / 'impls' / 'buggy.py'), bug])}"


def run(pytester: pytest.Pytester, *args: str, sample: bool = True) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *([VECTORS] if sample else []), *args)


def test_the_vectors_are_the_tests_in_an_empty_directory(pytester):
    result = run(pytester, f"--hmac-impl={EXAMPLE}", f"--hmac-select={RFC}", "-v")
    result.assert_outcomes(passed=N_RFC)
    result.stdout.fnmatch_lines(["hmac-conformance::hmac/rfc4231/sha256/case-1 PASSED*"])
    # Without --hmac-vectors the whole suite is collected (running 6,000 items through the reference would test
    # the reference, which validate and test_reference.py already do).
    whole_suite = run(pytester, "--hmac-impl=reference", "--collect-only", "-q", sample=False)
    items = [line for line in whole_suite.outlines if line.startswith("hmac-conformance::")]
    assert len(items) == len(load_vectors()) and whole_suite.ret == pytest.ExitCode.OK


def test_nothing_happens_without_an_implementation(pytester):
    result = run(pytester)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_k_selects_by_id_and_tag(pytester):
    result = run(pytester, f"--hmac-impl={EXAMPLE}", "-k", "rfc4231 and sha384")
    result.assert_outcomes(passed=1, deselected=len(SAMPLE) - 1)
    tagged = run(pytester, f"--hmac-impl={EXAMPLE}", "-k", "rfc2202 or boundary-shift")  # a tag, and a tag
    chosen = [v for v in SAMPLE if {"rfc2202", "boundary-shift"} & set(v.tags)]
    tagged.assert_outcomes(passed=len(chosen), deselected=len(SAMPLE) - len(chosen))


def test_a_failure_is_the_runners_diagnosis_with_the_reproduce_line(pytester):
    result = run(pytester, f"--hmac-impl={buggy('hex-signature')}", "--hmac-scheme=firstvision",
                 "--hmac-operation=sign", "--hmac-select=firstvision/sign/post-json")  # fmt: skip
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "FAIL firstvision/sign/post-json: signature differs: correct MAC, wrong encoding: hex",
        "*diagnosis: correct MAC, wrong encoding: hex of the MAC*[hex]*",
        "reproduce: hmac-conformance case firstvision/sign/post-json --vectors * --persistent | *buggy.py hex-signature",
    ])  # fmt: skip
    assert "Traceback" not in result.stdout.str() and "assert" not in result.stdout.str()


def test_x_stops_at_the_first_failure_and_lf_reruns_only_failures(pytester):
    impl = f"--hmac-impl={buggy('seconds')}"
    first = pytester.runpytest_subprocess(VECTORS, impl, "--hmac-scheme=firstvision", "-x")
    first.assert_outcomes(failed=1, passed=first.parseoutcomes().get("passed", 0))
    everything = pytester.runpytest_subprocess(VECTORS, impl, "--hmac-scheme=firstvision")
    failed = everything.parseoutcomes()["failed"]
    again = pytester.runpytest_subprocess(VECTORS, impl, "--hmac-scheme=firstvision", "--lf")
    again.assert_outcomes(failed=failed, deselected=everything.parseoutcomes()["passed"])


def test_expected_failures_are_strict_xfail(pytester):
    xfail = pytester.path / "xfail.yaml"
    xfail.write_text(
        "expected_failures:\n  - id: firstvision/verify/timestamp/seconds\n    reason: clock in seconds\n"
        "  - id: hmac/rfc4231/sha256/case-1\n    reason: listed by mistake\n",
        encoding="utf-8",
    )
    result = run(pytester, f"--hmac-impl={buggy('seconds')}", f"--hmac-xfail={xfail}",
                 "--hmac-select=firstvision/verify/timestamp/seconds", "--hmac-select=hmac/rfc4231/sha256/case-1",
                 sample=False)  # fmt: skip
    result.assert_outcomes(xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["*XPASS(strict)*listed by mistake*"])


def test_an_xfail_entry_matching_nothing_is_a_usage_error(pytester):
    xfail = pytester.path / "xfail.yaml"
    xfail.write_text("expected_failures:\n  - id: nothing/*\n    reason: typo\n", encoding="utf-8")
    result = run(pytester, f"--hmac-impl={EXAMPLE}", f"--hmac-xfail={xfail}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*entry 'nothing/*' matches no selected vector*"])


def test_unsupported_is_a_skip_with_its_reason(pytester):
    pytester.makepyfile(
        dropper="""
        from hmac_conformance import _reference as reference

        class Impl:
            def hello(self):
                info = reference.hello()
                info["supports"]["hmac"]["algorithms"].remove("md5")
                return info

            def run_case(self, scheme, operation, inp):
                return reference.run_case(scheme, operation, inp)

        impl = Impl()
        """
    )
    result = run(pytester, "--hmac-impl=python:dropper:impl", "--hmac-scheme=hmac", "-rs")
    hmac = [v for v in SAMPLE if v.scheme == "hmac"]
    md5 = sum(v.input["algorithm"] == "md5" for v in hmac)
    assert md5
    result.assert_outcomes(passed=len(hmac) - md5, skipped=md5)
    result.stdout.fnmatch_lines(["*unsupported: algorithm md5 not supported*"])


def test_a_broken_adapter_is_an_error_not_a_failure(pytester):
    impl = f"jsonl:{shlex.join([PY, str(ROOT / 'tests' / 'impls' / 'faulty.py'), 'exit-at-start', '*', 'x'])}"
    result = run(pytester, f"--hmac-impl={impl}", f"--hmac-select={RFC}")
    result.assert_outcomes(errors=N_RFC)
    result.stdout.fnmatch_lines(["*implementation did not start*"])


def test_one_process_per_implementation_per_session(pytester, tmp_path):
    log = tmp_path / "starts.log"
    script = pytester.path / "adapter.py"
    script.write_text(
        f"import os, runpy, sys\nopen({str(log)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        f"sys.argv = [{str(ROOT / 'examples' / 'python' / 'adapter.py')!r}]\n"
        f"sys.path.insert(0, {str(ROOT / 'examples' / 'python')!r})\n"
        f"runpy.run_path(sys.argv[0], run_name='__main__')\n",
        encoding="utf-8",
    )
    result = run(pytester, f"--hmac-impl=jsonl:{shlex.join([PY, str(script)])}", f"--hmac-select={RFC}")
    result.assert_outcomes(passed=N_RFC)
    assert len(log.read_text(encoding="utf-8").split()) == 1


def test_settings_from_the_ini_file(pytester):
    pytester.makeini(f"[pytest]\nhmac_impl = {EXAMPLE}\nhmac_select = {RFC}\nhmac_strict_reasons = true\n")
    result = run(pytester)
    result.assert_outcomes(passed=N_RFC)


def test_junit_xml_names_each_vector(pytester):
    junit = pytester.path / "out.xml"
    run(pytester, f"--hmac-impl={EXAMPLE}", f"--hmac-select={RFC}", f"--junitxml={junit}")
    names = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    assert names == {v.id for v in SAMPLE if v.id.startswith("hmac/rfc")}


def test_xdist_runs_each_worker_with_its_own_process(pytester):
    result = run(pytester, f"--hmac-impl={EXAMPLE}", f"--hmac-select={RFC}", "-n", "2")
    result.assert_outcomes(passed=N_RFC)


def test_cases_parametrize_an_sdks_own_tests(pytester):
    pytester.makepyfile(
        test_sdk="""
        import base64, hashlib, hmac
        import pytest
        import hmac_conformance

        def my_mac(algorithm, key, message, tag_length):  # the SDK under test
            return hmac.new(key, message, algorithm.replace("-", "_")).digest()[:tag_length]

        @pytest.mark.parametrize("case", hmac_conformance.cases(scheme="hmac", operation="mac",
                                                                patterns=["hmac/rfc4231/*"]), ids=str)
        def test_mac(case):
            case.check({"tag": my_mac(**case.input)})

        @pytest.mark.parametrize("case", hmac_conformance.cases(patterns=["hmac/rfc4231/sha256/case-1"]), ids=str)
        def test_a_wrong_mac_is_explained(case):
            with pytest.raises(AssertionError, match="tag differs"):
                case.check({"tag": bytes(32)})
        """
    )
    result = run(pytester, "-v", sample=False)
    mac_count = sum(1 for v in load_vectors() if v.id.startswith("hmac/rfc4231/") and v.operation == "mac")
    result.assert_outcomes(passed=mac_count + 1)
    result.stdout.fnmatch_lines(["*test_mac[[]hmac/rfc4231/sha256/case-1[]] PASSED*"])


def test_usage_errors_are_pytest_usage_errors(pytester):
    result = run(pytester, "--hmac-impl=jsonl:/nonexistent/adapter", f"--hmac-select={RFC}")
    result.assert_outcomes(errors=N_RFC)  # a program that is not there: the implementation did not start
    result = run(pytester, f"--hmac-impl={EXAMPLE}", "--hmac-select=nothing/*")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no vector matches the selection*"])
