"""A run's verdict, called directly: requirements (--require), baselines (--baseline), what counts as executed,
untested, broken or a regression, and every line of why a run fails; then execute(), which gives every vector
exactly one result, in order, whatever the adapter does."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from hmac_conformance import _gate as gate
from hmac_conformance._adapters.base import Adapter
from hmac_conformance._exceptions import AdapterError, UsageError
from hmac_conformance._execute import Run, execute, run_broken, run_ok, run_problems, run_regressions
from hmac_conformance._expectations import ExpectedFailure
from hmac_conformance._load import load
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response, Result
from hmac_conformance._report import jsonreport

VECTORS = {v.id: v for v in load().vectors}
MAC = VECTORS["hmac/rfc4231/sha256/case-1"]
MAC512 = VECTORS["hmac/rfc4231/sha512/case-1"]
SIGN = VECTORS["firstvision/sign/post-json"]
LEGACY = next(v for v in VECTORS.values() if v.operation == "verify" and v.input["legacy_hex_base64"])
VERIFY = next(v for v in VECTORS.values() if v.operation == "verify" and not v.input["legacy_hex_base64"])


def result(vid: str, status: str, scheme: str = "hmac", operation: str = "mac", message: str = "") -> Result:
    return Result(vid, scheme, operation, (), status, message=message)  # type: ignore[arg-type]


# -- requirements ----------------------------------------------------------------------------------------------------


def test_requirement_parse():
    assert gate.Requirement.parse("hmac") == gate.Requirement("hmac", "hmac", None, None)
    assert gate.Requirement.parse("hmac/mac") == gate.Requirement("hmac/mac", "hmac", "mac", None)
    assert gate.Requirement.parse("hmac:sha512") == gate.Requirement("hmac:sha512", "hmac", None, "sha512")
    assert gate.Requirement.parse("firstvision/verify:legacy-hex-base64") == gate.Requirement(
        "firstvision/verify:legacy-hex-base64", "firstvision", "verify", "legacy-hex-base64"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sigv9", "--require 'sigv9': unknown scheme 'sigv9' (one of firstvision, hmac, sigv4, standard-webhooks)"),
        ("hmac/sign", "--require 'hmac/sign': scheme hmac has no operation 'sign' (one of mac, mac-verify)"),
        ("hmac/", "--require 'hmac/': empty operation after '/'"),
        ("hmac:", "--require 'hmac:': unknown feature '' for hmac (one of md5, sha1, sha224, sha256, sha384, "
                  "sha512, sha512-224, sha512-256, sha3-224, sha3-256, sha3-384, sha3-512)"),
        ("hmac/mac:sha999", "--require 'hmac/mac:sha999': unknown feature 'sha999' for hmac (one of md5, sha1, "
                            "sha224, sha256, sha384, sha512, sha512-224, sha512-256, sha3-224, sha3-256, sha3-384, sha3-512)"),
    ],
)  # fmt: skip
def test_requirement_mistakes(text, message):
    with pytest.raises(UsageError) as caught:
        gate.Requirement.parse(text)
    assert str(caught.value) == message


def test_requirement_matches():
    def matches(text: str, vector: Vector) -> bool:
        return gate.Requirement.parse(text).matches(vector)

    assert matches("hmac", MAC) and matches("hmac/mac", MAC) and matches("hmac/mac:sha256", MAC)
    assert not matches("hmac/mac-verify", MAC) and not matches("hmac:sha512", MAC) and not matches("firstvision", MAC)
    assert matches("hmac:sha512", MAC512)
    assert matches("firstvision/verify:legacy-hex-base64", LEGACY)
    assert not matches("firstvision/verify:legacy-hex-base64", VERIFY)
    assert not matches("firstvision/sign", VERIFY)


def test_check_requirements_each_must_match_a_selected_vector():
    gate.check_requirements([gate.Requirement.parse("hmac"), gate.Requirement.parse("hmac:sha512")], [MAC, MAC512])
    with pytest.raises(UsageError) as caught:
        gate.check_requirements([gate.Requirement.parse("hmac"), gate.Requirement.parse("hmac:sha512")], [MAC])
    assert str(caught.value) == "--require 'hmac:sha512' matches no selected vector"


def test_unmet_requirements_name_how_many_and_why():
    requirements = [
        gate.Requirement.parse("hmac"),
        gate.Requirement.parse("hmac:sha512"),
        gate.Requirement.parse("firstvision"),
    ]
    results = [result(MAC.id, "skip", message="no time"), result(MAC512.id, "unsupported", message=""),
               result(SIGN.id, "fail", "firstvision", "sign")]  # fmt: skip
    assert gate.unmet(requirements, [MAC, MAC512, SIGN], results) == [
        "required hmac: 2 of 2 vectors not tested (no time)",
        "required hmac:sha512: 1 of 1 vectors not tested (unsupported)",
    ]
    assert gate.unmet(requirements, [MAC, MAC512, SIGN], [result(MAC.id, "pass"), result(MAC512.id, "error")]) == []


# -- baselines -------------------------------------------------------------------------------------------------------


def report(path: Path, runs: list[Run]) -> Path:
    path.write_text(json.dumps(jsonreport.document(runs)), encoding="utf-8")
    return path


def test_baseline_holds_the_passes_of_each_impl(tmp_path):
    runs = [Run("jsonl:a", {"name": "a", "version": "1", "language": "go"},
                (result("v/1", "pass"), result("v/2", "fail"), result("v/3", "xpass"), result("v/4", "pass"))),
            Run("cmd:b", {"name": "b", "version": "1", "language": "go"}, ())]  # fmt: skip
    baseline = gate.load_baseline(report(tmp_path / "r.json", runs))
    assert baseline.passed == {"jsonl:a": frozenset({"v/1", "v/4"}), "cmd:b": frozenset()}
    assert baseline.for_impl("jsonl:a") == {"v/1", "v/4"}
    with pytest.raises(UsageError) as caught:
        baseline.for_impl("jsonl:c")
    assert str(caught.value) == (
        f"--baseline {tmp_path / 'r.json'}: no run for --impl 'jsonl:c' (the report has runs for: 'jsonl:a', 'cmd:b')"
    )
    with pytest.raises(UsageError, match=r"\(the report has runs for: none\)$"):
        gate.Baseline(Path("x.json"), {}).for_impl("jsonl:c")


def test_baseline_refusals(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(UsageError, match=rf"^--baseline {missing}: cannot read the report: \[Errno 2\]"):
        gate.load_baseline(missing)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{nope", encoding="utf-8")
    with pytest.raises(UsageError, match=rf"^--baseline {garbage}: cannot read the report: Expecting"):
        gate.load_baseline(garbage)
    run = Run("jsonl:a", {"name": "a", "version": "1", "language": "go"}, (result("v/1", "pass"),))
    wrong = report(tmp_path / "wrong.json", [run])
    document = json.loads(wrong.read_text(encoding="utf-8"))
    document["runs"][0]["results"][0]["status"] = "p" * 300
    wrong.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        gate.load_baseline(wrong)
    assert str(caught.value) == f"--baseline {wrong}: not a hmac-conformance JSON report: '" + "p" * 199
    twice = report(tmp_path / "twice.json", [run, run])
    with pytest.raises(UsageError) as caught:
        gate.load_baseline(twice)
    assert str(caught.value) == f"--baseline {twice}: two runs for --impl 'jsonl:a'; which one applies is unclear"


# -- the verdict of a run --------------------------------------------------------------------------------------------

STATUSES = ["pass", "fail", "error", "unsupported", "skip", "xfail", "xpass"]


def test_executed_and_untested():
    results = [result(f"v/{s}", s) for s in STATUSES]
    assert gate.executed(results) == 4  # pass, fail, xfail, xpass
    assert gate.executed([result("v", "error"), result("w", "skip")]) == 0
    results += [result("f/1", "skip", "firstvision", "sign"), result("f/2", "skip", "firstvision", "sign")]
    assert gate.untested(results) == {"firstvision/sign": {"unsupported": 0, "skip": 2},
                                      "hmac/mac": {"unsupported": 1, "skip": 1}}  # fmt: skip
    assert list(gate.untested(results)) == ["firstvision/sign", "hmac/mac"]
    assert gate.untested([result("v", "pass")]) == {}


@pytest.mark.parametrize(
    ("statuses", "startup", "broken"),
    [([], None, False), ([], "no hello", True), (["error"], None, True), (["error", "skip", "unsupported"], None, True),
     (["skip", "unsupported"], None, False), (["error", "xfail"], None, False), (["pass"], "", False)],
)  # fmt: skip
def test_broken(statuses, startup, broken):
    results = [result(f"v/{i}", s) for i, s in enumerate(statuses)]
    assert gate.broken(results, startup) is broken
    assert run_broken(Run("x", {}, tuple(results), startup_error=startup)) is broken


def test_regressions_keep_the_order_of_the_results():
    results = [result("v/3", "fail"), result("v/1", "skip"), result("v/2", "pass"), result("v/4", "xpass")]
    assert [r.vector_id for r in gate.regressions(["v/1", "v/2", "v/3", "v/4"], results)] == ["v/3", "v/1"]
    assert run_regressions(Run("x", {}, tuple(results))) == []
    assert [r.vector_id for r in run_regressions(Run("x", {}, tuple(results), baseline=frozenset({"v/1"})))] == ["v/1"]


def test_problems_every_line():
    results = [
        result("a", "fail"),
        result("b", "fail"),
        result("c", "error"),
        result("d", "xpass"),
        result("e", "xpass"),
    ]
    assert gate.problems(results, ["v1", "v2"], ["unmet 1"], None) == [
        "protocol violation: v1", "protocol violation: v2", "2 failed", "1 errors",
        "2 listed as expected failures but passing", "unmet 1",
    ]  # fmt: skip
    assert gate.problems([result("a", "pass"), result("b", "xfail")], [], [], None) == []
    assert gate.problems([], [], [], None) == []


def test_problems_with_a_baseline_count_regressions_instead_of_failures():
    results = [result("a", "fail"), result("b", "error"), result("c", "fail"), result("d", "pass")]
    assert gate.problems(results, [], [], frozenset({"d"})) == []
    assert gate.problems(results, [], [], frozenset({"a", "b", "d"})) == ["2 regression(s) against the baseline"]
    assert gate.problems([result("x", "xpass")], [], [], frozenset()) == ["1 listed as expected failures but passing"]


@pytest.mark.parametrize(
    ("statuses", "line"),
    [(["skip", "skip", "unsupported"], "no selected vector was executed (1 unsupported, 2 skip)"),
     (["unsupported"], "no selected vector was executed (1 unsupported)"),
     (["skip"], "no selected vector was executed (1 skip)"),
     (["error", "error"], "no selected vector was executed (every vector errored)")],
)  # fmt: skip
def test_problems_nothing_executed(statuses, line):
    assert gate.problems([result(f"v/{i}", s) for i, s in enumerate(statuses)], [], [], None)[-1] == line


def test_run_ok_is_no_problems():
    assert run_ok(Run("x", {}, (result("a", "pass"),)))
    assert not run_ok(Run("x", {}, (result("a", "pass"),), violations=("answered seq 1 twice",)))
    assert not run_ok(Run("x", {}, (result("a", "pass"),), unmet=("required hmac",)))
    assert run_problems(Run("x", {}, (result("a", "fail"),), baseline=frozenset())) == []


# -- execute ---------------------------------------------------------------------------------------------------------


class Fake(Adapter):
    """Answers from a script, in any order, possibly losing some vectors; may refuse to start."""

    def __init__(self, answers: dict[str, Response], order=None, start_error: str | None = None):
        self.spec = "fake:x"
        self.identity = {"name": "before start"}
        self.answers, self.order, self.start_error = answers, order, start_error
        self.violations = ["answered seq 9 twice"]
        self.closed = False

    def start(self) -> None:
        if self.start_error:
            raise AdapterError(self.start_error)
        self.identity = {"name": "after start"}

    def run(self, vectors: Iterable[Vector]) -> Iterator[tuple[Vector, Response]]:
        vectors = list(vectors)
        for i in self.order or range(len(vectors)):
            if vectors[i].id in self.answers:
                yield vectors[i], self.answers[vectors[i].id]

    def close(self) -> None:
        self.closed = True


def right(vector: Vector) -> Response:
    from hmac_conformance import _reference

    return Response("output", output=_reference.run_case(vector.scheme, vector.operation, vector.input))


def test_execute_every_vector_once_in_the_given_order_whatever_the_adapter_does():
    vectors = [MAC, MAC512, SIGN]
    adapter = Fake({MAC.id: right(MAC), SIGN.id: Response("skip", message="later")}, order=[2, 0])
    seen = []
    run = execute(adapter, vectors, on_result=lambda r, done, total: seen.append((r.vector_id, r.status, done, total)))
    assert [(r.vector_id, r.status, r.message) for r in run.results] == [
        (MAC.id, "pass", ""),
        (MAC512.id, "error", "no outcome was produced for this vector"),
        (SIGN.id, "skip", "later"),
    ]
    assert seen == [(SIGN.id, "skip", 1, 3), (MAC.id, "pass", 2, 3), (MAC512.id, "error", 3, 3)]
    assert run.identity == {"name": "after start"} and run.spec == "fake:x" and adapter.closed
    assert run.violations == ("answered seq 9 twice",) and run.startup_error is None
    assert run.results[1].expected == MAC512.expected


def test_execute_an_implementation_that_does_not_start():
    adapter = Fake({}, start_error="no hello within 30 s")
    run = execute(adapter, [MAC, SIGN], requirements=[gate.Requirement.parse("hmac")])
    assert [(r.status, r.message) for r in run.results] == [
        ("error", "implementation did not start: no hello within 30 s"),
        ("error", "implementation did not start: no hello within 30 s"),
    ]
    assert run.startup_error == "no hello within 30 s" and run.broken and not run.ok
    assert run.identity == {"name": "before start"} and run.violations == () and not adapter.closed
    assert run.unmet == ()


def test_execute_applies_expected_failures_strict_reasons_requirements_and_baseline():
    wrong_reason = Response("output", output={"valid": False, "reason": "future"})
    stale = VECTORS["firstvision/verify/timestamp/minus-300001ms"]
    adapter = Fake({stale.id: wrong_reason, MAC.id: Response("unsupported", message="no sha256"), SIGN.id: right(SIGN)})
    run = execute(
        adapter, [stale, MAC, SIGN], strict_reasons=True, xfail=[ExpectedFailure("firstvision/verify/*", "known")],
        requirements=[gate.Requirement.parse("hmac")], baseline=frozenset({MAC.id}),
    )  # fmt: skip
    assert [r.status for r in run.results] == ["xfail", "unsupported", "pass"]
    assert run.results[0].message.startswith("expected failure: known (rejected for reason 'future'")
    assert run.unmet == ("required hmac: 1 of 1 vectors not tested (no sha256)",)
    assert run.baseline == frozenset({MAC.id}) and [r.vector_id for r in run.regressions] == [MAC.id]
    loose = execute(Fake({stale.id: wrong_reason}), [stale])
    assert loose.results[0].status == "pass", "another reason passes unless --strict-reasons"


def test_execute_measures_its_time(monkeypatch):
    from hmac_conformance import _execute

    ticks = iter([100.0, 102.5])
    monkeypatch.setattr(_execute.time, "monotonic", lambda: next(ticks))
    assert execute(Fake({MAC.id: right(MAC)}), [MAC]).seconds == 2.5


def test_a_pass_is_kept_without_its_evidence_and_nothing_else_lost():
    """A run holds a pass as everything reports show of it (message, diagnostic, time, link, stderr, tags):
    only the expected value and the answer are dropped; any other status keeps them."""
    answer = Response("output", output=right(MAC).output, stderr="note on stderr", seconds=0.5, link="https://x")
    run = execute(Fake({MAC.id: answer, MAC512.id: Response("output", output={"tag": b"\0" * 64})}), [MAC, MAC512])
    passed, failed = run.results
    assert passed.status == "pass" and passed.expected == {} and passed.got is None
    assert (passed.vector_id, passed.scheme, passed.operation, passed.tags) == (MAC.id, "hmac", "mac", MAC.tags)
    assert (passed.message, passed.diagnostic, passed.input) == ("", "", None)
    assert (passed.stderr, passed.seconds, passed.link) == ("note on stderr", 0.5, "https://x")
    assert failed.status == "fail" and failed.expected == MAC512.expected and failed.got == {"tag": b"\0" * 64}
    assert failed.input == MAC512.input and failed.diagnostic


def test_with_an_xfail_list_a_pass_that_is_not_listed_is_still_kept_without_its_evidence():
    """An xfail list makes the judge keep every pass's evidence (a listed vector that passes is an xpass, reported
    with it); a pass that stays a pass drops it when it is recorded."""
    run = execute(Fake({MAC.id: right(MAC)}), [MAC], xfail=[ExpectedFailure("hmac/other/*", "not this vector")])
    (passed,) = run.results
    assert passed.status == "pass" and passed.expected == {} and passed.got is None


def test_a_pass_keeps_what_the_judge_said():
    from hmac_conformance import _execute

    said = Result(MAC.id, "hmac", "mac", ("t",), "pass", message="m", diagnostic="d", input={"k": 1}, got={"g": 1})
    kept = _execute._without_evidence(said)
    assert kept == Result(MAC.id, "hmac", "mac", ("t",), "pass", message="m", diagnostic="d", input={"k": 1})


def test_every_error_the_runner_makes_up_carries_the_vector_and_is_redacted():
    """An implementation that did not start, and a vector an adapter lost: each error names the vector's tags
    and expected value, and --redact-keys scrubs the key from what it reports."""
    secret = MAC.input["key"].hex()
    for adapter in (Fake({}, start_error=f"crashed with key {secret}"), Fake({})):
        run = execute(adapter, [MAC], redact_keys=True)
        (error,) = run.results
        assert error.status == "error" and error.tags == MAC.tags and error.expected == MAC.expected
        assert secret not in error.message
    assert run.executed == 0 and execute(Fake({MAC.id: right(MAC)}), [MAC]).executed == 1
