"""The standard-webhooks scheme: its published vectors reproduce with the reference and the independent
cross-check, its lint refuses unsound vectors, its comparators judge every outcome, its diagnosis names each
signer mistake from the signature alone, a hello without ``clock`` leaves exactly the clock vectors untested,
and the reference passes every vector end to end."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import random
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hmac_conformance import _protocol, _schemas, schemes
from hmac_conformance import _reference as reference_impl
from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._compare import judge
from hmac_conformance._execute import execute
from hmac_conformance._load import load
from hmac_conformance._model import to_wire
from hmac_conformance._outcome import Response, Result
from hmac_conformance._validate import known_rules
from hmac_conformance.schemes.standard_webhooks import crosscheck, diagnose, lint, reference
from tests.conftest import PY, ROOT

NAME = "standard-webhooks"
SCHEME = schemes.get(NAME)
S = f"{NAME}/sign/"
VECTORS = {v.id: v for v in load().vectors}
OURS = [v for v in VECTORS.values() if v.scheme == NAME]
CLOCK_REASONS = ("stale", "future")


def vector(short: str):
    return VECTORS[f"{NAME}/{short}"]


# -- the vectors reproduce ---------------------------------------------------------------------------------------------

#: The two fixed signatures published with the upstream libraries' tests (standard-webhooks/standard-webhooks).
PUBLISHED = {
    S + "published-default": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    S + "published-rust": "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
}


def test_the_published_vectors_reproduce_with_both_implementations():
    published = {v.id: v for v in OURS if "published" in v.tags}
    assert set(published) == set(PUBLISHED)
    for vid, v in published.items():
        assert v.expected["signature"] == PUBLISHED[vid]
        assert reference.run_case("sign", copy.deepcopy(v.input)) == v.expected
        assert crosscheck.run_case("sign", copy.deepcopy(v.input)) == v.expected


def test_every_vector_reproduces_with_both_implementations():
    wrong = [
        v.id
        for v in OURS
        if not v.expected
        == reference.run_case(v.operation, copy.deepcopy(v.input))
        == crosscheck.run_case(v.operation, copy.deepcopy(v.input))
    ]
    assert wrong == []


def test_release_1_2_0_by_operation_and_outcome():
    released = [v for v in OURS if v.since == "1.2.0"]  # a release's vectors never change
    assert Counter(v.operation for v in released) == {"sign": 53, "verify": 132}
    refusals = Counter(v.expected.get("refused") for v in released if v.operation == "sign")
    assert refusals == {None: 22, "malformed-secret": 15, "malformed-id": 6, "malformed-timestamp": 10}


def test_every_testable_rule_is_cited_and_every_cited_rule_defined():
    defined = {r for r in known_rules() if r.startswith("SW-")}
    assert defined == {f"SW-{n}" for n in range(1, 18)}
    cited = {r for v in OURS for r in v.rules}
    assert cited <= defined
    assert defined - cited == {"SW-14", "SW-16"}, "constant time and duplicate deliveries are not observable"


def test_the_generator_still_writes_exactly_these_files():
    script = ROOT / "tools" / "vectors" / "standard_webhooks.py"
    result = subprocess.run([PY, str(script), "--check"], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_inputs_and_the_references_outputs_fit_the_wire_schemas():
    for v in OURS:
        case = _protocol.case_message(1, v)
        assert not list(_schemas.message("case", NAME, v.operation).iter_errors(case)), v.id
        output = to_wire(reference.run_case(v.operation, copy.deepcopy(v.input)))
        assert not list(_schemas.message("output", NAME, v.operation).iter_errors(output)), v.id
        assert _protocol.decode_output(NAME, v.operation, output) == v.expected, v.id
    supports = _schemas.validator(SCHEME.schema_id("supports"))
    assert supports.is_valid(dict(SCHEME.reference_supports))
    assert supports.is_valid({"operations": ["sign"], "features": []})
    assert not supports.is_valid({"operations": ["sign"], "features": ["wall-clock"]})
    assert not supports.is_valid({"operations": ["sign"]})


def test_export_carries_the_payload_and_the_signed_content_as_base64(hc, tmp_path):
    out = tmp_path / "export.json"
    assert hc("export", "--out", str(out)).code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    item = next(i for i in document["vectors"] if i["id"] == S + "non-utf8-payload")
    assert item["input"]["payload"] == "//4AAXBheWxvYWSAwygNCgA="
    v = vector("sign/non-utf8-payload")
    assert item["expected"] == {
        "signed_content": to_wire(v.expected["signed_content"]),
        "signature": v.expected["signature"],
    }


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOISE = _B64 + "=-_ .,\t\n!\u212a\uff11\u00e9"


def _text(rng: random.Random, alphabet: str, lo: int, hi: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def _secret(rng: random.Random) -> str:
    text = base64.b64encode(rng.randbytes(rng.choice([0, 1, 16, 23, 24, 25, 32, 33, 40, 63, 64, 65]))).decode()
    choice = rng.random()
    if 0.55 <= choice < 0.7:
        text = text.rstrip("=")
    elif 0.7 <= choice < 0.8 and text:
        pos = rng.randrange(len(text))
        text = text[:pos] + rng.choice(_NOISE) + text[pos + 1 :]
    elif 0.8 <= choice < 0.9:
        text += rng.choice(["=", "==", "===", " ", "\n"])
    elif choice >= 0.9:
        text = _text(rng, _NOISE, 0, 90)
    return rng.choice(["", "", "whsec_", "whsec_", "WHSEC_", "whsec_whsec_", "whsk_"]) + text


def _timestamp(rng: random.Random, now: int) -> str:
    base = str(now + rng.choice([0, -300, 300, -301, 301, rng.randint(-1000, 1000)]))
    return rng.choice([base, "+" + base, "0" + base, base + ".0", " " + base, base + " ", "", "0", base * 2,
                       base + "abc", "1" * rng.randint(1, 14), _text(rng, "0123456789+-.e _", 0, 14)])  # fmt: skip


def _signature_list(rng: random.Random, good: str) -> str:
    pieces = []
    for _ in range(rng.randint(0, 4)):
        kind = rng.random()
        if kind < 0.3:
            pieces.append(good)
        elif kind < 0.5:
            pieces.append("v1," + base64.b64encode(rng.randbytes(32)).decode())
        elif kind < 0.6:
            pieces.append(good.rstrip("="))
        elif kind < 0.7:
            pieces.append(rng.choice(["v2", "v1a", "V1", "v10", "", "v1"]) + "," + good[3:])
        elif kind < 0.8:
            pos = rng.randrange(3, len(good))
            pieces.append(good[:pos] + rng.choice(_NOISE) + good[pos + 1 :])
        else:
            pieces.append(_text(rng, _NOISE, 0, 50))
    return rng.choice([" ", "  ", "\t", ", "]).join(pieces) if rng.random() < 0.2 else " ".join(pieces)


def test_reference_and_crosscheck_agree_beyond_the_vectors():
    """Differential: random, mostly malformed secrets, ids, timestamps, signature lists and header lists."""
    rng, now, disagreements = random.Random(20240612), 1_700_000_000, []
    for _ in range(3000):
        msg_id = rng.choice(["msg_1", "", " msg", "msg\r\n", "m.s.g", "msg_\u00e9", _text(rng, _NOISE, 0, 8)])
        payload, ts = rng.randbytes(rng.randint(0, 40)), _timestamp(rng, now)
        case = {"secret": _secret(rng), "msg_id": msg_id, "timestamp": ts, "payload": payload}
        if reference.run_case("sign", dict(case)) != crosscheck.run_case("sign", dict(case)):
            disagreements.append(case)
        if reference.decode_secret(case["secret"]) is None:
            continue  # a verifier refuses such a configuration: verify vectors carry well-formed secrets
        good_ts = str(now + rng.randint(-400, 400))
        good = reference.sign(secret=case["secret"], msg_id="msg_1", timestamp=good_ts, payload=payload)["signature"]
        headers = []
        fields = (("webhook-id", "msg_1"), ("webhook-timestamp", good_ts if rng.random() < 0.6 else ts),
                  ("webhook-signature", _signature_list(rng, good)))  # fmt: skip
        for name, value in fields:
            for _ in range(rng.choice([0] + [1] * 30 + [2])):
                spelled = rng.choice([name] * 6 + [name.upper(), name.title(), name.replace("k", "\u212a"), name + " "])
                headers.append([spelled, value if rng.random() < 0.97 else ""])
        rng.shuffle(headers)
        verify = {"secret": case["secret"], "headers": headers, "payload": payload, "now": now, "tolerance": 300}
        if reference.run_case("verify", copy.deepcopy(verify)) != crosscheck.run_case("verify", copy.deepcopy(verify)):
            disagreements.append(verify)
    assert disagreements == []


# -- lint --------------------------------------------------------------------------------------------------------------


def test_the_lint_finds_nothing_in_the_vectors():
    found = {v.id: lint.check(v) for v in OURS}
    assert {vid: problems for vid, problems in found.items() if problems} == {}


def _with_headers(v, **values: str):
    headers = [[n, values.get(n.replace("webhook-", ""), val)] for n, val in v.input["headers"]]
    return dataclasses.replace(v, input={**v.input, "headers": headers})


def _mutations() -> dict[str, tuple[Any, str]]:
    sign, stale = vector("sign/basic"), vector("tolerance/minus-301")
    zeros = "v1," + "A" * 43 + "="
    reserialised = vector("timestamp/plus-reserialised")
    refusal = vector("sign-refusal/id-crlf")
    return {
        "wrong signature": (
            dataclasses.replace(sign, expected={**sign.expected, "signature": zeros}),
            "expected {signed_content: b'msg_2vQk8ZrT3mN6pLxW1cYb9HdE4sJ.1700000000.{",
        ),
        "stale but also mis-signed": (
            _with_headers(stale, signature=zeros),
            "a 'stale' vector must be otherwise correctly signed",
        ),
        "re-serialised signature without its tag": (
            dataclasses.replace(
                reserialised, tags=tuple(t for t in reserialised.tags if t != "signed-as-reserialised")
            ),
            "a 'malformed-timestamp' vector must be otherwise correctly signed",
        ),
        "order on a single defect": (
            dataclasses.replace(stale, tags=(*stale.tags, "order")),
            "tagged 'order', but its only defect is 'stale'",
        ),
        "two defects without order": (
            dataclasses.replace(vector("order/duplicate-before-malformed"), tags=("verify",)),
            "a 'duplicate-header' vector must be otherwise correctly signed",
        ),
        "refusal with two defects": (
            dataclasses.replace(refusal, input={**refusal.input, "timestamp": "+1700000000"}),
            "a 'malformed-id' refusal must be the input's only defect; the cross-check also finds ['malformed-timestamp']",
        ),
        "malformed verifier secret": (
            dataclasses.replace(stale, input={**stale.input, "secret": "whsec_short"}),
            "the verifier's secret must be well-formed (SW-7)",
        ),
        "another window": (
            dataclasses.replace(stale, input={**stale.input, "tolerance": 299}),
            "tolerance 299: suite 1.2.0 vectors use the default window of 300 s",
        ),
        "valid without its tag": (
            dataclasses.replace(vector("tolerance/now"), tags=("verify",)),
            "tag 'valid' must be present exactly when the vector expects {valid: true}",
        ),
        "published without a citation": (
            dataclasses.replace(sign, tags=(*sign.tags, "published")),
            "source 'generated' cannot carry the tag 'published' or 'derived'",
        ),
        "group not the file": (
            dataclasses.replace(sign, path=Path("elsewhere.yaml")),
            "the id's group 'sign' is not the file's name 'elsewhere'",
        ),
    }


@pytest.mark.parametrize("case", sorted(_mutations()))
def test_the_lint_refuses_an_unsound_vector(case):
    mutated, message = _mutations()[case]
    found = lint.check(mutated)
    assert any(message in p for p in found), found


def test_a_disagreement_shows_all_three_values():
    sign = vector("sign/basic")
    zeros = "v1," + "A" * 43 + "="
    (problem,) = lint.check(dataclasses.replace(sign, expected={**sign.expected, "signature": zeros}))
    assert zeros in problem
    assert problem.count(sign.expected["signature"]) == 2, "the reference's and the cross-check's value"


def test_validate_names_file_line_and_id(hc, tmp_path):
    source = ROOT / "vectors" / NAME / "tolerance.yaml"
    bad = tmp_path / "tolerance.yaml"
    bad.write_text(source.read_text(encoding="utf-8").replace('"1699999699"', '"1699999700"'), encoding="utf-8")
    result = hc("validate", str(bad))
    assert result.code == 1
    assert (
        f"{bad}:65: [{NAME}/tolerance/minus-301] expected {{valid: False, reason: 'stale'}}; reference computes "
        "{valid: False, reason: 'signature-mismatch'}; cross-check computes {valid: False, reason: 'signature-mismatch'}"
    ) in result.err


# -- comparators -------------------------------------------------------------------------------------------------------


def right(v) -> dict[str, Any]:
    return reference_impl.run_case(v.scheme, v.operation, copy.deepcopy(v.input))


def judged(v, output: dict[str, Any], strict: bool = False) -> Result:
    return judge(v, Response("output", output=output), strict)


def test_the_right_answers_pass_with_or_without_the_signed_content():
    for v in (vector("sign/basic"), vector("secret/empty"), vector("tolerance/minus-301"), vector("tolerance/now")):
        assert judged(v, right(v), strict=True).status == "pass", v.id
    sign = vector("sign/basic")
    assert judged(sign, {"signature": sign.expected["signature"]}, strict=True).status == "pass"


def test_a_wrong_signed_content_shows_the_first_differing_byte_and_its_field():
    sign = vector("sign/basic")
    content = sign.expected["signed_content"].replace(b".", b":", 2)  # both separators (the payload has a '.')
    got = judged(sign, {"signature": entry_over(sign, content), "signed_content": content})
    assert got.status == "fail"
    assert got.message == "signed content differs; signature differs: fields-joined-colon"
    assert (
        "first difference at byte 31 (expected 157 bytes, got 157), in separator '.' (byte 0 of the field)"
        in got.diagnostic
    )


def entry_over(v, content: bytes) -> str:
    key = reference.decode_secret(v.input["secret"])
    assert key is not None
    return "v1," + base64.b64encode(reference.mac(key, content)).decode()


def test_an_unexplained_signature_asks_for_the_signed_content_or_blames_the_key():
    sign, zeros = vector("sign/basic"), "v1," + "A" * 43 + "="
    alone = judged(sign, {"signature": zeros})
    assert (alone.status, alone.message) == ("fail", "signature differs: different MAC")
    assert "(return signed_content from sign to see the first differing byte" in alone.diagnostic
    assert "looks like: 'v1,' and Base64 of 32 bytes (right form, different MAC)" in alone.diagnostic
    with_content = judged(sign, {"signature": zeros, "signed_content": sign.expected["signed_content"]})
    assert (
        "the signed content is right: the key or the form of the entry is not (SW-7, SW-9)" in with_content.diagnostic
    )


@pytest.mark.parametrize(
    ("short", "output", "status", "message"),
    [
        ("sign/basic", {"refused": "malformed-secret"}, "fail", "refused to sign valid inputs (said 'malformed-secret')"),
        ("sign-refusal/id-crlf", {"signature": "v1,x"}, "fail",
         "signed although webhook-id is malformed; a signer must refuse (SW-5, SW-10)"),
        ("sign-refusal/timestamp-plus", {"signature": "v1,x"}, "fail",
         "signed although webhook-timestamp is malformed; a signer must refuse (SW-6, SW-10)"),
        ("secret/url-safe-alphabet", {"signature": "v1,x"}, "fail",
         "signed although the secret is malformed; a signer must refuse (SW-7, SW-10)"),
        ("sign-refusal/id-crlf", {"refused": "malformed-id"}, "pass", ""),
        ("sign-refusal/id-crlf", {"refused": "malformed-timestamp"}, "pass",
         "refused for reason 'malformed-timestamp'; the spec's reason is 'malformed-id'"),
    ],
)  # fmt: skip
def test_refusals_are_judged_like_any_output(short, output, status, message):
    got = judged(vector(short), output)
    assert (got.status, got.message) == (status, message)


def test_a_refusal_for_another_reason_fails_only_when_strict_and_the_secret_is_not_echoed():
    v = vector("sign-refusal/id-crlf")
    assert judged(v, {"refused": "malformed-timestamp"}, strict=True).status == "fail"
    secret = vector("secret/url-safe-alphabet")
    got = judged(secret, {"signature": "v1,x"})
    assert secret.input["secret"] not in got.diagnostic + got.message
    assert "hint: 'whsec_' optional, then standard Base64 of 24..64 bytes" in got.diagnostic
    crlf = judged(v, {"signature": "v1,x"})
    assert repr(v.input["msg_id"]) in crlf.diagnostic


def test_a_signature_beside_a_refusal_is_an_invalid_output():
    got = judged(vector("sign/basic"), {"signature": "v1,x", "refused": "malformed-id"})
    assert got.status == "error" and "output has both" in got.message


@pytest.mark.parametrize(
    ("short", "output", "strict", "status", "message", "hint"),
    [
        ("tolerance/minus-301", {"valid": True}, False, "fail", "accepted; must be rejected with 'stale'", "(SW-15)"),
        ("timestamp/plus-reserialised", {"valid": True}, False, "fail",
         "accepted; must be rejected with 'malformed-timestamp'", "sign the header text, not a number parsed"),
        ("headers/duplicate-id-equal", {"valid": True}, False, "fail",
         "accepted; must be rejected with 'duplicate-header'", "never pick a copy or join them (SW-4)"),
        ("signature-list/v1a-only", {"valid": True}, False, "fail",
         "accepted; must be rejected with 'no-signature'", "(SW-11, SW-12)"),
        ("tolerance/now", {"valid": False, "reason": "stale"}, False, "fail",
         "rejected a request/tag that must be accepted (said 'stale')", ""),
        ("tolerance/minus-301", {"valid": False, "reason": "signature-mismatch"}, False, "pass",
         "rejected for reason 'signature-mismatch'; the spec's reason is 'stale'", ""),
        ("tolerance/minus-301", {"valid": False, "reason": "signature-mismatch"}, True, "fail",
         "rejected for reason 'signature-mismatch'; the spec's reason is 'stale'", ""),
        ("tolerance/minus-301", {"valid": False}, True, "fail",
         "rejected for reason None; the spec's reason is 'stale'", ""),
    ],
)  # fmt: skip
def test_verify_decisions_and_reasons(short, output, strict, status, message, hint):
    got = judged(vector(short), output, strict)
    assert (got.status, got.message) == (status, message)
    assert hint in got.diagnostic
    if hint:
        assert "hint: " in got.diagnostic


# -- features: the clock -----------------------------------------------------------------------------------------------


class NoClock:
    """The reference, declaring standard-webhooks without the feature clock (a library that reads the system
    clock): stale and future vectors must not be sent to it."""

    def hello(self) -> dict[str, Any]:
        info = reference_impl.hello()
        info["implementation"] = {"name": "no-clock", "version": "0", "language": "python"}
        info["supports"][NAME]["features"] = []
        return info

    def run_case(self, scheme: str, operation: str, inp: dict[str, Any]) -> dict[str, Any]:
        return reference_impl.run_case(scheme, operation, inp)


NO_CLOCK = NoClock()


def test_features_need_the_clock_exactly_for_stale_and_future():
    assert SCHEME.feature_names == ("clock",)
    assert SCHEME.reference_supports == {"operations": ["sign", "verify"], "features": ["clock"]}
    needing = {v.id for v in OURS if SCHEME.features(v)}
    assert needing == {v.id for v in OURS if v.operation == "verify" and v.expected.get("reason") in CLOCK_REASONS}
    assert len(needing) == 8
    assert all(SCHEME.features(VECTORS[i]) == {"clock"} for i in needing)


def test_unsupported_reads_the_features_list():
    stale, accept, sign = vector("tolerance/minus-301"), vector("tolerance/now"), vector("sign/basic")
    without = {"operations": ["sign", "verify"], "features": []}
    assert SCHEME.unsupported(without, stale) == "feature clock not supported"
    assert SCHEME.unsupported({**without, "features": ["clock"]}, stale) is None
    assert SCHEME.unsupported(without, accept) is None and SCHEME.unsupported(without, sign) is None


def test_a_hello_without_clock_leaves_exactly_the_clock_vectors_untested(hc):
    run = execute(InProcessAdapter("no-clock", NO_CLOCK), OURS)
    statuses = {r.vector_id: r.status for r in run.results}
    clock = {v.id for v in OURS if SCHEME.features(v)}
    assert {i for i, s in statuses.items() if s == "unsupported"} == clock
    assert {s for i, s in statuses.items() if i not in clock} == {"pass"}
    assert next(r.message for r in run.results if r.status == "unsupported") == "feature clock not supported"
    result = hc("run", "--impl=python:tests.test_standard_webhooks:NO_CLOCK", f"--scheme={NAME}",
                f"--require={NAME}/verify:clock")  # fmt: skip
    assert result.code == 1
    assert f"required {NAME}/verify:clock: 8 of 8 vectors not tested (feature clock not supported)" in result.out


# -- end to end --------------------------------------------------------------------------------------------------------


def test_the_reference_passes_every_vector_end_to_end(hc, tmp_path):
    report = tmp_path / "report.json"
    result = hc("run", "--impl=reference", f"--scheme={NAME}", "--strict-reasons", f"--report=json:{report}")
    assert result.code == 0, result.out
    assert f"OK: {len(OURS)} passed, 0 failed, 0 errors, 0 unsupported, 0 skipped" in result.out
    run = json.loads(report.read_text(encoding="utf-8"))["runs"][0]
    assert {r["status"] for r in run["results"]} == {"pass"} and len(run["results"]) == len(OURS)


def test_redaction_keeps_the_secret_text_out_of_the_report(hc, tmp_path):
    """The secret is text: --redact-keys replaces it in the reported input, and no message repeats it."""
    report, v = tmp_path / "r.json", vector("secret/url-safe-alphabet")
    result = hc("run", "--impl=python:tests.impls.sw_mistakes:secret_not_decoded", "-k", v.id, "--redact-keys",
                f"--report=json:{report}")  # fmt: skip
    assert result.code == 1 and v.input["secret"] not in result.out
    (failing,) = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert failing["status"] == "fail" and failing["input"]["secret"] == "<redacted>"
    assert v.input["secret"] not in report.read_text(encoding="utf-8")


# -- diagnosis ---------------------------------------------------------------------------------------------------------

#: one-bug signer (tests/impls/sw_mistakes.py) -> (a vector on which it is the only explanation, the entry named)
SIGNERS = {
    "secret_not_decoded": (S + "basic", "secret-not-decoded"),
    "secret_with_prefix": (S + "basic", "secret-with-prefix"),
    "secret_prefix_decoded": (S + "basic", "secret-prefix-decoded"),
    "timestamp_milliseconds": (S + "basic", "timestamp-milliseconds"),
    "id_omitted": (S + "basic", "id-omitted"),
    "fields_joined_none": (S + "basic", "fields-joined-none"),
    "fields_joined_colon": (S + "basic", "fields-joined-colon"),
    "fields_joined_comma": (S + "basic", "fields-joined-comma"),
    "fields_joined_newline": (S + "basic", "fields-joined-newline"),
    "payload_json_compact": (S + "pretty-json-crlf", "payload-json-compact"),
    "payload_json_python_default": (S + "basic", "payload-json-python-default"),
    "payload_json_sorted_keys": (S + "basic", "payload-json-sorted-keys"),
    "payload_json_pretty_2": (S + "basic", "payload-json-pretty-2"),
    "payload_newline_added": (S + "basic", "payload-newline-added"),
    "payload_newline_removed": (S + "pretty-json-crlf", "payload-newline-removed"),
    "payload_crlf_to_lf": (S + "pretty-json-crlf", "payload-crlf-to-lf"),
    "payload_bom_stripped": (S + "bom", "payload-bom-stripped"),
    "payload_utf8_replacement": (S + "non-utf8-payload", "payload-utf8-replacement"),
    # the right MAC, written wrongly
    "hex": (S + "basic", "hex"),
    "uppercase_hex": (S + "basic", "uppercase-hex"),
    "base64url": (S + "basic", "base64url"),
    "base64_unpadded": (S + "basic", "base64-unpadded"),
    "base64url_unpadded": (S + "basic", "base64url-unpadded"),
    "no_version_prefix": (S + "basic", "no-version-prefix"),
    "other_version_prefix": (S + "basic", "other-version-prefix"),
    "non_canonical_base64": (S + "basic", "non-canonical-base64"),
    # two bugs at once: both are named, in one entry
    "no_version_prefix_hex": (S + "basic", "no-version-prefix+hex"),
    "secret_not_decoded_hex": (S + "basic", "secret-not-decoded+hex"),
}
NAMED = re.compile(r"^diagnosis: .*\[([^\]]+)\]", re.MULTILINE)


def diagnosed(impl: str, vector_id: str) -> Result:
    target = load_target(f"tests.impls.sw_mistakes:{impl}")
    return execute(InProcessAdapter(impl, target), [VECTORS[vector_id]]).results[0]


def test_every_catalogue_entry_has_a_one_bug_test():
    covered = {entry for _, entry in SIGNERS.values()}
    catalogue = {m.id for m in diagnose.CATALOGUE} | {f.id for f in diagnose.FORMS if f.id != "base64"}
    catalogue |= {"no-version-prefix", "other-version-prefix", "non-canonical-base64"}
    assert catalogue - covered == set()


@pytest.mark.parametrize("bug", sorted(SIGNERS))
def test_signer_mistake_is_named_exactly(bug):
    vector_id, entry = SIGNERS[bug]
    result = diagnosed(bug, vector_id)
    assert result.status == "fail"
    assert NAMED.findall(result.diagnostic) == [entry], result.diagnostic
    assert result.message.startswith("signature differs: ") and entry in result.message
    assert "return signed_content" not in result.diagnostic, "a named bug needs no signed content"


def test_what_a_signature_looks_like_is_said_even_when_the_mac_is_wrong():
    vector, zeros = VECTORS[S + "basic"], "A" * 43 + "="  # the Base64 of 32 zero bytes: no vector's MAC
    assert diagnose.describe("v1," + bytes(32).hex()) == "hex of the MAC instead of Base64 (SW-9)"
    assert diagnose.describe(zeros) == "no 'v1,' prefix (SW-9)"
    assert diagnose.describe("v1=" + zeros) == "another version label than 'v1,' (SW-9)"
    assert diagnose.describe("v1," + zeros).startswith("'v1,' and Base64 of 32 bytes (right form")
    assert diagnose.describe(vector.expected["signature"] + " v1,x").startswith("2 entries")
    assert diagnose.describe("") == "empty"
    finding = diagnose.signature(vector, "v1," + zeros)
    assert finding.summary == "different MAC" and not finding.entries
    assert "no catalogue entry or pair of entries reproduces this signature" in finding.lines[-1]
    assert diagnose.signature(vector, "v1,abc").summary.startswith("not an entry carrying a 32-byte MAC")
