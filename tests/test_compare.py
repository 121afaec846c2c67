"""compare.judge on a signer's refusal (FV-17): the four outcomes, the reason rule, and malformed outputs."""

from __future__ import annotations

import gc

import pytest

from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._compare import judge
from hmac_conformance._execute import _without_evidence, execute
from hmac_conformance._expectations import ExpectedFailure
from hmac_conformance._load import load
from hmac_conformance._outcome import Response
from tests.conftest import VECTORS

BY_ID = {v.id: v for v in load([VECTORS / "firstvision" / "sign-inputs.yaml"]).vectors}
MUST_REFUSE = BY_ID["firstvision/sign/inputs/request-id-decimal-point"]  # expected: {refused: malformed-request-id}
MUST_SIGN = BY_ID["firstvision/sign/inputs/request-id-digits-only"]
SIGNED = {"signature": MUST_SIGN.expected["signature"], "string_to_sign": MUST_SIGN.expected["string_to_sign"]}


def outcome(vector, output, strict_reasons=False):
    result = judge(vector, Response("output", output=output), strict_reasons=strict_reasons)
    return result.status, result.message, result.diagnostic


@pytest.mark.parametrize("strict", [False, True])
def test_refusal_with_the_spec_reason_passes(strict):
    assert outcome(MUST_REFUSE, {"refused": "malformed-request-id"}, strict) == ("pass", "", "")


def test_refusal_with_another_reason_fails_only_when_strict():
    note = "refused for reason 'malformed-timestamp'; the spec's reason is 'malformed-request-id'"
    assert outcome(MUST_REFUSE, {"refused": "malformed-timestamp"})[:2] == ("pass", note)
    assert outcome(MUST_REFUSE, {"refused": "malformed-timestamp"}, strict_reasons=True)[:2] == ("fail", note)


@pytest.mark.parametrize("strict", [False, True])
def test_signing_malformed_inputs_fails(strict):
    status, message, diagnostic = outcome(MUST_REFUSE, {"signature": "AAAA"}, strict)
    assert status == "fail"
    assert message == "signed although Client-Request-Id is malformed; a signer must refuse (FV-17)"
    assert "Client-Request-Id given: '4821377.8309871'" in diagnostic


@pytest.mark.parametrize("strict", [False, True])
def test_refusing_valid_inputs_fails(strict):
    status, message, _ = outcome(MUST_SIGN, {"refused": "malformed-request-id"}, strict)
    assert status == "fail"
    assert message == "refused to sign valid inputs (said 'malformed-request-id')"


def test_signature_outputs_are_judged_as_before():
    assert outcome(MUST_SIGN, SIGNED) == ("pass", "", "")
    status, message, _ = outcome(MUST_SIGN, {**SIGNED, "signature": "x"})
    assert status == "fail" and message.startswith("signature differs: ")


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ({"refused": "malformed-request-id", "signature": "x"}, "output has both ['refused'] and ['signature']"),
        ({"refused": 5}, "output field 'refused' missing or not str"),
        ({}, "output field 'signature' missing or not str"),
    ],
)
def test_malformed_outputs_are_adapter_errors(output, message):
    for vector in (MUST_REFUSE, MUST_SIGN):
        result = judge(vector, Response("output", output=output))
        assert result.status == "error"
        assert result.message == f"invalid output: {message}"


def test_a_pass_made_without_evidence_is_the_pass_reports_keep():
    """``evidence=False`` builds a pass once, as the run keeps it; every other outcome is the same either way."""
    response = Response("output", output=SIGNED, stderr="note\n", seconds=0.25, link="https://x")
    full, bare = judge(MUST_SIGN, response), judge(MUST_SIGN, response, evidence=False)
    assert full.status == bare.status == "pass" and full.got == SIGNED and full.expected
    assert bare == _without_evidence(full) and bare.got is None and not bare.expected and bare.input is None
    wrong = Response("output", output={**SIGNED, "signature": "AAAA"}, stderr="note\n")
    assert judge(MUST_SIGN, wrong, evidence=False) == judge(MUST_SIGN, wrong)
    assert judge(MUST_SIGN, wrong).status == "fail"
    noted = judge(MUST_REFUSE, Response("output", output={"refused": "malformed-timestamp"}), evidence=False)
    assert (noted.status, noted.got) == (
        "pass",
        None,
    ) and "the spec's reason is 'malformed-request-id'" in noted.message


@pytest.mark.parametrize("evidence", [True, False])
def test_an_output_of_the_wrong_shape_is_an_error_with_its_evidence(evidence):
    result = judge(MUST_SIGN, Response("output", output={"signature": 7}, stderr="e\n"), evidence=evidence)
    assert (result.status, result.message) == ("error", "invalid output: output field 'signature' missing or not str")
    assert (result.diagnostic, result.got, result.stderr) == ("", None, "e\n")
    assert result.expected == MUST_SIGN.expected and result.input == MUST_SIGN.input


def test_a_listed_pass_is_an_xpass_that_keeps_its_evidence():
    listed = [ExpectedFailure(MUST_SIGN.id, "tracked")]
    reference = InProcessAdapter("reference", load_target("hmac_conformance._reference"))
    results = {r.vector_id: r for r in execute(reference, list(BY_ID.values()), xfail=listed).results}
    assert results[MUST_SIGN.id].status == "xpass"
    xpass = results[MUST_SIGN.id]
    assert xpass.got is not None and xpass.got["signature"] == SIGNED["signature"]
    assert xpass.expected == MUST_SIGN.expected
    passed = results[MUST_REFUSE.id]
    assert passed.status == "pass" and passed.got is None and not passed.expected


class _Recording:
    """An in-process target that records whether the cycle collector runs while it is called."""

    def __init__(self, fail: bool = False) -> None:
        self.collector: list[bool] = []
        self.fail = fail

    def run_case(self, scheme, operation, input):  # noqa: A002 - the target protocol's name
        self.collector.append(gc.isenabled())
        if self.fail:
            raise KeyboardInterrupt
        return {"signature": SIGNED["signature"], "string_to_sign": SIGNED["string_to_sign"]}


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_paused_while_cases_run_and_restored_after(enabled):
    before = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        target = _Recording()
        execute(InProcessAdapter("python:t", target), [MUST_SIGN, MUST_REFUSE])
        assert target.collector == [False, False] and gc.isenabled() is enabled
        failing = _Recording(fail=True)
        with pytest.raises(KeyboardInterrupt):
            execute(InProcessAdapter("python:t", failing), [MUST_SIGN])
        assert failing.collector == [False] and gc.isenabled() is enabled
    finally:
        (gc.enable if before else gc.disable)()
