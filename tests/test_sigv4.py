"""The sigv4 scheme: published cases reproduce in both implementations, the comparators name the line (and the
byte) that differs, ``added`` is a multiset, refusals and decisions, features, the diagnosis catalogue entry by
entry, the wire schemas, and the reference end to end."""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

import pytest

from hmac_conformance import _protocol, _schemas, schemes
from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._compare import judge
from hmac_conformance._execute import execute
from hmac_conformance._export import document
from hmac_conformance._load import load
from hmac_conformance._model import Vector, to_wire
from hmac_conformance._outcome import Response
from hmac_conformance.schemes.sigv4 import compare, crosscheck, diagnose, reference
from tests.conftest import ROOT, py_impl

ALL = [v for v in load().vectors if v.scheme == "sigv4"]
BY_ID = {v.id: v for v in ALL}
PUBLISHED = [v for v in ALL if "published" in v.tags]
P = "sigv4/published/aws-c-auth/"
CR = BY_ID[P + "get-vanilla-query-order-key-case/header/canonical-request"]
STS = BY_ID[P + "get-vanilla-query-order-key-case/header/string-to-sign"]
SIGN_QUERY = BY_ID[P + "get-vanilla-query-order-key-case/query/sign"]
SIGN_HEADER = BY_ID[P + "get-vanilla/header/sign"]
REFUSE = BY_ID["sigv4/expires/zero/query/sign"]
NAMED = re.compile(r"^diagnosis: .*\[([^\]]+)\]", re.MULTILINE)


def run(vector: Vector, output: dict[str, Any], strict: bool = False) -> tuple[str, str, str]:
    """The runner's verdict on one output: (status, message, diagnostic)."""
    result = judge(vector, Response("output", output=output), strict)
    return result.status, result.message, result.diagnostic


def reference_output(vector: Vector) -> dict[str, Any]:
    return reference.run_case(vector.operation, copy.deepcopy(vector.input))


# -- published cases -------------------------------------------------------------------------------------------------


def test_the_published_cases_are_there_with_their_source():
    assert len(PUBLISHED) >= 240
    origins = Counter(v.id.split("/")[2] for v in PUBLISHED)
    assert set(origins) == {"aws-c-auth", "botocore", "smithy-rs"}
    for v in PUBLISHED:  # repository, path @ commit
        assert re.fullmatch(r"[\w.-]+/[\w.-]+ \S+ @ [0-9a-f]{8}", v.source), (v.id, v.source)
        assert v.since == "1.2.0"


@pytest.mark.parametrize("vector", PUBLISHED, ids=[v.id for v in PUBLISHED])
def test_every_published_case_reproduces_byte_for_byte(vector):
    ours = reference_output(vector)
    theirs = crosscheck.run_case(vector.operation, copy.deepcopy(vector.input))
    for field in ("canonical_request", "string_to_sign", "signature"):
        if field in vector.expected:
            want = vector.expected[field].encode("utf-8")
            assert ours[field].encode("utf-8") == want
            assert theirs[field].encode("utf-8") == want
    if "added" in vector.expected:
        assert ours["added"] == vector.expected["added"]
        assert Counter(map(tuple, theirs["added"])) == Counter(map(tuple, vector.expected["added"]))


def test_get_vanilla_is_the_published_text():
    """The spec's example (SIGV4-3) and the published signature, spelled out."""
    vector = BY_ID[P + "get-vanilla/header/sign"]
    assert vector.expected["canonical_request"] == (
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert vector.expected["signature"] == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"


# -- canonical request and string to sign: the line, then the byte ---------------------------------------------------


def _replace_line(text: str, index: int, new: str) -> str:
    lines = text.split("\n")
    lines[index] = new
    return "\n".join(lines)


WANT_CR = CR.expected["canonical_request"]
# GET / Param1=value1&Param2=value2 host:… x-amz-date:… (empty) host;x-amz-date <hash>
LINE_KINDS = {
    "method": (_replace_line(WANT_CR, 0, "get"), 0),
    "canonical URI": (_replace_line(WANT_CR, 1, "/%2F"), 1),
    "canonical query string": (_replace_line(WANT_CR, 2, "Param2=value2&Param1=value1"), 5),
    "canonical header x-amz-date": (_replace_line(WANT_CR, 4, "x-amz-date:2015-08-30T12:36:00Z"), 15),
    "canonical header host": (_replace_line(WANT_CR, 3, "host:example.amazonaws.com "), 26),
    "signed headers": (_replace_line(WANT_CR, 6, "host;x-amz-date;user-agent"), 15),
    "payload hash": (_replace_line(WANT_CR, 7, "UNSIGNED-PAYLOAD"), 0),
}


@pytest.mark.parametrize("line", sorted(LINE_KINDS))
def test_the_line_diff_names_the_line_and_the_byte_within_it(line):
    got, byte = LINE_KINDS[line]
    status, message, detail = run(CR, {"canonical_request": got})
    assert status == "fail"
    assert message.startswith(f"canonical request differs: {line}")
    assert f"the {line} (SIGV4-" in detail.splitlines()[0]
    assert f", in {line} (byte {byte} of the field)" in detail
    assert f"  {line} (SIGV4-" in detail  # the differing-lines listing


def test_a_line_diff_names_every_differing_line():
    got = _replace_line(_replace_line(WANT_CR, 0, "get"), 7, "UNSIGNED-PAYLOAD")
    _status, message, _ = run(CR, {"canonical_request": got})
    assert message.startswith("canonical request differs: method, payload hash")


@pytest.mark.parametrize(
    ("got", "said"),
    [
        (WANT_CR.replace("x-amz-date:20150830T123600Z\n\n", "x-amz-date:20150830T123600Z\n"),
         "no empty line after the canonical headers"),
        (WANT_CR + "\n", "it ends with LF: a canonical request has no LF after its last line"),
        (WANT_CR.replace("x-amz-date:20150830T123600Z\n", ""), "canonical header x-amz-date missing"),
        (WANT_CR.replace("host:", "Host:"), "canonical header host, name not lower-cased ('Host')"),
        (WANT_CR.replace("\n\nhost;", "\nuser-agent:x\n\nhost;"), "canonical header user-agent not expected"),
        (WANT_CR.replace("host:example.amazonaws.com\nx-amz-date:20150830T123600Z",
                         "x-amz-date:20150830T123600Z\nhost:example.amazonaws.com"),
         "canonical headers not sorted by name"),
        (WANT_CR.replace("\n", "\r\n"), "the text holds CR"),
    ],
    ids=["no-final-lf", "trailing-lf", "missing", "name-case", "extra", "unsorted", "crlf"],
)  # fmt: skip
def test_the_layout_of_the_canonical_headers_is_explained(got, said):
    status, message, detail = run(CR, {"canonical_request": got})
    assert status == "fail"
    assert said in message + "\n" + detail


def test_a_repeated_header_on_several_lines_is_named():
    vector = BY_ID[P + "get-header-key-duplicate/header/canonical-request"]
    want = vector.expected["canonical_request"]
    got = want.replace("my-header1:value2,value2,value1", "my-header1:value2\nmy-header1:value2\nmy-header1:value1")
    _status, message, _ = run(vector, {"canonical_request": got})
    assert "canonical header my-header1 on 3 lines (repeated fields are joined with ',')" in message


def test_the_line_diff_carries_the_diagnosis_when_a_mistake_reproduces_the_text():
    _status, message, detail = run(CR, {"canonical_request": LINE_KINDS["canonical query string"][0]})
    assert "(query-unsorted)" in message
    assert NAMED.findall(detail) == ["query-unsorted"]


WANT_STS = STS.expected["string_to_sign"]


@pytest.mark.parametrize(
    ("line", "got", "byte"),
    [
        ("algorithm", _replace_line(WANT_STS, 0, "AWS4-HMAC-SHA-256"), 13),
        ("request date", _replace_line(WANT_STS, 1, "20150830T123600.000Z"), 15),
        ("credential scope", _replace_line(WANT_STS, 2, "20150830/service/us-east-1/aws4_request"), 9),
        ("hash of the canonical request", _replace_line(WANT_STS, 3, "0" * 64), 0),
    ],
)
def test_the_string_to_sign_diff_names_its_line(line, got, byte):
    status, message, detail = run(STS, {"string_to_sign": got})
    assert status == "fail" and message.startswith(f"string to sign differs: {line}")
    assert f", in {line} (byte {byte} of the field)" in detail


def test_a_swapped_scope_is_diagnosed_from_the_string_to_sign():
    got = _replace_line(WANT_STS, 2, "20150830/service/us-east-1/aws4_request")
    _status, message, detail = run(STS, {"string_to_sign": got})
    assert NAMED.findall(detail) == ["region-service-swapped"] and "(region-service-swapped)" in message


def test_only_the_hash_differs_points_at_the_canonical_request_vector():
    _, _, detail = run(STS, {"string_to_sign": _replace_line(WANT_STS, 3, "0" * 64)})
    assert f"the vector {STS.id.rpartition('/')[0]}/canonical-request shows it" in detail


def test_lines_of_splits_both_texts():
    lines = compare.lines_of("canonical_request", WANT_CR)
    assert lines is not None
    assert [name for name, _ in lines] == [
        "method", "canonical URI", "canonical query string", "canonical header host", "canonical header x-amz-date",
        "empty line ending the canonical headers", "signed headers", "payload hash",
    ]  # fmt: skip
    assert compare.lines_of("string_to_sign", WANT_STS) is not None
    assert compare.lines_of("string_to_sign", WANT_STS + "\nextra") is None


# -- sign: the signature, the intermediates, what is added -----------------------------------------------------------


def test_sign_passes_with_or_without_intermediates():
    full = reference_output(SIGN_HEADER)
    assert run(SIGN_HEADER, full)[0] == "pass"
    assert run(SIGN_HEADER, {"signature": full["signature"], "added": full["added"]})[0] == "pass"


def test_added_is_a_multiset_with_header_names_case_insensitive():
    out = reference_output(SIGN_HEADER)
    out["added"] = [[name.lower(), value] for name, value in reversed(out["added"])]
    assert run(SIGN_HEADER, out) == ("pass", "", "")


def test_added_query_parameter_names_are_exact_and_order_free():
    out = reference_output(SIGN_QUERY)
    out["added"] = list(reversed(out["added"]))
    assert run(SIGN_QUERY, out)[0] == "pass"
    out["added"] = [[n.lower() if n == "X-Amz-Date" else n, v] for n, v in out["added"]]
    status, message, detail = run(SIGN_QUERY, out)
    assert status == "fail" and message == "added parameter X-Amz-Date spelled 'x-amz-date'"
    assert "query parameter names are exact" in detail


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda added: [p for p in added if p[0] != "X-Amz-Date"], "added header X-Amz-Date missing"),
        (lambda added: [*added, ["X-Amz-Content-Sha256", "e3b0"]], "added header X-Amz-Content-Sha256 not expected"),
        (lambda added: [*added, ["x-amz-date", "20150830T123600Z"]], "added header X-Amz-Date listed more than 1 time"),
        (lambda added: [[n, "20150830T123601Z" if n == "X-Amz-Date" else v] for n, v in added],
         "added header X-Amz-Date differs"),
    ],
    ids=["missing", "extra", "twice", "differs"],
)  # fmt: skip
def test_added_differences_are_named(change, said):
    out = reference_output(SIGN_HEADER)
    out["added"] = change(out["added"])
    status, message, _ = run(SIGN_HEADER, out)
    assert status == "fail" and message == said


def test_a_percent_encoded_query_value_is_named():
    out = reference_output(SIGN_QUERY)
    out["added"] = [[n, v.replace("/", "%2F") if n == "X-Amz-Credential" else v] for n, v in out["added"]]
    _status, message, _ = run(SIGN_QUERY, out)
    assert message == "added parameter X-Amz-Credential percent-encoded"


def test_a_wrong_signature_is_not_reported_twice_through_the_authorization_header():
    out = reference_output(SIGN_HEADER)
    upper = out["signature"].upper()
    out["added"] = [[n, v.replace(out["signature"], upper)] for n, v in out["added"]]
    out["signature"] = upper
    _status, message, detail = run(SIGN_HEADER, out)
    assert message == "signature differs: correct MAC, wrong encoding: uppercase-hex"
    assert "looks like: the right MAC in upper-case hex" in detail and NAMED.findall(detail) == ["uppercase-hex"]


def test_returned_intermediates_show_the_first_differing_line():
    out = sign_with_bug(SIGN_QUERY, "query_unsorted")
    _status, message, detail = run(SIGN_QUERY, out)
    assert "signature differs: query-unsorted" in message
    assert "canonical request differs: canonical query string" in message
    assert "canonical request: first differing line is line 3, the canonical query string (SIGV4-9)" in detail
    assert "string to sign differs: hash of the canonical request" in message


def test_a_right_string_to_sign_points_at_the_key():
    out = sign_with_bug(SIGN_HEADER, "secret_without_aws4_prefix")
    _status, message, detail = run(SIGN_HEADER, out)
    assert message.startswith("signature differs: secret-without-aws4-prefix")
    assert "the string to sign is right: the signing key is not" in detail


def test_without_intermediates_an_unexplained_signature_asks_for_them():
    out = reference_output(SIGN_HEADER)
    out = {"signature": "0" * 64, "added": out["added"]}
    _status, message, detail = run(SIGN_HEADER, out)
    assert message.startswith("signature differs: different MAC")
    assert "(return canonical_request and string_to_sign from sign" in detail


def test_an_output_without_added_is_an_invalid_output():
    result = judge(SIGN_HEADER, Response("output", output={"signature": "0" * 64}))
    assert result.status == "error" and "added" in result.message


# -- refusals (SIGV4-25) ---------------------------------------------------------------------------------------------


def test_refusals_are_judged_like_reasons():
    assert run(REFUSE, {"refused": "bad-expires"}) == ("pass", "", "")
    assert run(REFUSE, {"refused": "expires-too-long"})[0] == "pass"
    status, message, _ = run(REFUSE, {"refused": "expires-too-long"}, strict=True)
    assert status == "fail" and message == "refused for reason 'expires-too-long'; the spec's reason is 'bad-expires'"
    status, message, _ = run(REFUSE, {"signature": "0" * 64, "added": []})
    assert status == "fail" and "a signer must refuse (SIGV4-25)" in message
    status, message, _ = run(BY_ID["sigv4/expires/zero/query/canonical-request"], {"canonical_request": "x"})
    assert message.startswith("produced a canonical request although expires is outside 1..604800")
    status, message, _ = run(SIGN_HEADER, {"refused": "bad-expires"})
    assert status == "fail" and message == "refused to sign valid inputs (said 'bad-expires')"


# -- verify ----------------------------------------------------------------------------------------------------------


def test_verify_decisions_reasons_and_hints():
    accept, skew = BY_ID["sigv4/verify/accept/skew-900s-ahead"], BY_ID["sigv4/verify/reject/skew-901s-ahead"]
    assert run(accept, {"valid": True}) == ("pass", "", "")
    status, message, _ = run(accept, {"valid": False, "reason": "clock-skew"})
    assert status == "fail" and message == "rejected a request/tag that must be accepted (said 'clock-skew')"
    status, message, detail = run(skew, {"valid": True})
    assert message == "accepted; must be rejected with 'clock-skew'" and "inclusive at the edge (SIGV4-34)" in detail
    assert run(skew, {"valid": False, "reason": "expired"})[0] == "pass"
    assert run(skew, {"valid": False, "reason": "expired"}, strict=True)[0] == "fail"


def test_every_reason_code_has_a_hint_tied_to_a_sigv4_rule():
    codes = {v.expected["reason"] for v in ALL if v.operation == "verify" and not v.expected["valid"]}
    assert codes == set(compare.HINTS)
    for rules, _ in compare.HINTS.values():
        assert rules and all(r.startswith("SIGV4-") for r in rules)


# -- features and capabilities ---------------------------------------------------------------------------------------

SCHEME = schemes.get("sigv4")


@pytest.mark.parametrize(
    ("vector_id", "needed"),
    [
        (P + "get-vanilla/header/sign", set()),
        (P + "get-vanilla/query/sign", {"query"}),
        (P + "post-sts-header-after/header/sign", {"session-token", "unsigned-session-token"}),
        (P + "post-x-www-form-urlencoded/header/sign", {"payload-header"}),
        ("sigv4/uri/single-no-normalize/header/canonical-request", {"single-encoding", "no-normalize"}),
        ("sigv4/payload/unsigned-header/header/sign", {"unsigned-payload", "payload-header", "single-encoding",
                                                        "no-normalize"}),
        ("sigv4/verify/accept/query-mode", {"query"}),
        ("sigv4/verify/accept/session-token-unsigned", {"session-token", "unsigned-session-token"}),
        ("sigv4/verify/accept/s3-presigned-unsigned-payload", {"query", "unsigned-payload", "single-encoding",
                                                                "no-normalize"}),
    ],
)  # fmt: skip
def test_features_of_a_vector(vector_id, needed):
    assert SCHEME.features(BY_ID[vector_id]) == needed
    assert set(SCHEME.features(BY_ID[vector_id])) <= set(SCHEME.feature_names)


def test_unsupported_names_the_missing_features():
    vector = BY_ID["sigv4/uri/single-no-normalize/query/sign"]
    everything = {"operations": ["sign"], "features": list(SCHEME.feature_names)}
    assert SCHEME.unsupported(everything, vector) is None
    lacking = {"operations": ["sign"], "features": ["query"]}
    assert SCHEME.unsupported(lacking, vector) == "feature no-normalize, single-encoding not supported"
    assert sorted(SCHEME.reference_supports["features"]) == sorted(SCHEME.feature_names)


class _NoQuery:
    """The reference without presigned URLs: declares every feature but ``query``."""

    @staticmethod
    def hello() -> dict[str, Any]:
        features = [f for f in SCHEME.feature_names if f != "query"]
        return {"implementation": {"name": "no-query", "version": "0", "language": "python"},
                "supports": {"sigv4": {"operations": list(SCHEME.operations), "features": features}}}  # fmt: skip

    @staticmethod
    def run_case(scheme: str, operation: str, inp: dict[str, Any]) -> dict[str, Any]:
        return reference.run_case(operation, inp)


NO_QUERY = _NoQuery()


def test_a_required_feature_that_is_not_declared_fails_the_gate(hc):
    queries = [v for v in ALL if v.operation == "sign" and "query" in SCHEME.features(v)]
    result = hc("run", "--impl=python:tests.test_sigv4:NO_QUERY", "--scheme=sigv4", "--require=sigv4/sign:query")
    assert result.code == 1
    n = len(queries)
    assert f"required sigv4/sign:query: {n} of {n} vectors not tested (feature query not supported)" in result.out


def test_redaction_scrubs_the_secret_access_key_from_reported_inputs(hc, tmp_path):
    report = tmp_path / "r.json"
    bug = "--impl=python:tests.impls.sigv4_mistakes:secret_without_aws4_prefix"
    hc("run", bug, "-k", P + "get-vanilla/*", "--redact-keys", f"--report=json:{report}")
    import json

    failing = [r for r in json.loads(report.read_text())["runs"][0]["results"] if r["status"] == "fail"]
    assert failing and all(r["input"]["credentials"]["secret_access_key"] == "<redacted>" for r in failing)


# -- the diagnosis catalogue: one one-bug signer per entry -----------------------------------------------------------

S = "sigv4/"
#: one-bug signer (tests/impls/sigv4_mistakes.py) -> (sign vector on which it is the only explanation, entry named)
SIGNERS = {
    "single_encoding": (P.replace("aws-c-auth", "smithy-rs") + "double-url-encode/header/sign", "single-encoding"),
    "double_encoding": (S + "uri/percent-single/header/sign", "double-encoding"),
    "path_not_normalized": (P + "get-relative-normalized/header/sign", "path-not-normalized"),
    "path_normalized": (P + "get-relative-unnormalized/header/sign", "path-normalized"),
    "query_unsorted": (P + "get-vanilla-query-order-key-case/query/sign", "query-unsorted"),
    "query_verbatim": (S + "query/space-and-slash/header/sign", "query-verbatim"),
    "header_values_raw": (S + "headers/space-runs/header/sign", "header-values-raw"),
    "header_tabs_kept": (P + "get-header-value-multiline/header/sign", "header-tabs-kept"),
    "header_block_no_final_lf": (P + "get-vanilla/header/sign", "header-block-no-final-lf"),
    "payload_empty_hash": (S + "payload/binary-body/header/sign", "payload-empty-hash"),
    "unsigned_payload_instead_of_hash": (P + "get-vanilla/query/sign", "unsigned-payload-instead-of-hash"),
    "hash_instead_of_unsigned_payload": (S + "payload/unsigned-header/header/sign", "hash-instead-of-unsigned-payload"),
    "date_extended_format": (P + "get-vanilla/header/sign", "date-extended-format"),
    "date_with_milliseconds": (P + "get-vanilla/query/sign", "date-with-milliseconds"),
    "region_service_swapped": (P + "get-vanilla/header/sign", "region-service-swapped"),
    "secret_without_aws4_prefix": (P + "get-vanilla/header/sign", "secret-without-aws4-prefix"),
    "signing_key_hex": (P + "get-vanilla/header/sign", "signing-key-hex"),
    "uppercase_hex": (P + "get-vanilla/header/sign", "uppercase-hex"),
    "base64_of_the_mac": (P + "get-vanilla/query/sign", "base64"),
}


def sign_with_bug(vector: Vector, bug: str) -> dict[str, Any]:
    """A one-bug signer's full output, intermediates included."""
    from tests.impls.sigv4_mistakes import sign

    return sign(copy.deepcopy(vector.input), bug)


def diagnosed(bug: str, vector_id: str):
    target = load_target(f"tests.impls.sigv4_mistakes:{bug}")
    return execute(InProcessAdapter(bug, target), [BY_ID[vector_id]]).results[0]


def test_every_catalogue_entry_has_a_one_bug_test():
    covered = {entry for _, entry in SIGNERS.values()}
    assert {m.id for m in diagnose.CATALOGUE} | {e for e, _ in diagnose.ENCODINGS} == covered


@pytest.mark.parametrize("bug", sorted(SIGNERS))
def test_signer_mistake_is_named_exactly(bug):
    vector_id, entry = SIGNERS[bug]
    result = diagnosed(bug, vector_id)
    assert result.status == "fail"
    assert NAMED.findall(result.diagnostic) == [entry], result.diagnostic
    encoding = "correct MAC, wrong encoding: " if entry in dict(diagnose.ENCODINGS) else ""
    assert result.message.startswith(f"signature differs: {encoding}{entry}")
    assert "return canonical_request and string_to_sign" not in result.diagnostic, "a named bug needs nothing more"


@pytest.mark.parametrize("bug", ["path_not_normalized", "header_block_no_final_lf", "query_verbatim"])
def test_the_same_catalogue_names_a_wrong_canonical_request(bug):
    vector_id, entry = SIGNERS[bug]
    vector = BY_ID[vector_id.removesuffix("/sign") + "/canonical-request"]
    _status, message, detail = run(vector, {"canonical_request": sign_with_bug(vector, bug)["canonical_request"]})
    assert NAMED.findall(detail) == [entry] and f"({entry})" in message


def test_the_recipe_without_mistakes_is_the_reference():
    for vector in ALL:
        if vector.operation == "sign" and "refused" not in vector.expected:
            got = diagnose.compute(vector.input, diagnose.Recipe.of(vector.input))
            assert got == {k: vector.expected[k] for k in ("canonical_request", "string_to_sign", "signature")}


def test_the_correct_one_bug_signer_passes_every_signing_vector(hc):
    result = hc("run", "--impl=python:tests.impls.sigv4_mistakes:correct", "--scheme=sigv4", "--strict-reasons")
    assert result.code == 0, result.out[-2000:]
    signing = sum(1 for v in ALL if v.operation != "verify")
    assert f"OK: {signing} passed, 0 failed, 0 errors" in result.out


# -- the wire: case inputs, outputs, export, hello -------------------------------------------------------------------


def test_every_case_message_and_reference_output_is_valid_on_the_wire():
    for seq, vector in enumerate(ALL):
        case = _protocol.case_message(seq, vector)
        errors = list(_schemas.message("case", "sigv4", vector.operation).iter_errors(case))
        assert not errors, (vector.id, errors[0].message)
        assert _protocol.decode_output("sigv4", vector.operation, to_wire(reference_output(vector)))


def test_the_wire_schemas_refuse_what_the_protocol_does_not_allow():
    vector = SIGN_HEADER
    case = _protocol.case_message(1, vector)
    case["input"]["request"]["body"] = "not base64!"
    assert list(_schemas.message("case", "sigv4", "sign").iter_errors(case))
    for bad in (
        {"signature": "ab"},
        {"signature": "ab", "added": [["only-a-name"]]},
        {"refused": "bad-expires", "signature": "ab"},
    ):
        with pytest.raises(Exception, match="invalid sigv4 sign output"):
            _protocol.decode_output("sigv4", "sign", bad)


def test_export_of_sigv4_validates_against_the_composed_schema():
    exported = document(ALL)
    assert not list(_schemas.export().iter_errors(exported))
    body = next(v for v in exported["vectors"] if v["id"] == "sigv4/payload/binary-body/header/sign")
    assert isinstance(body["input"]["request"]["body"], str)  # Base64


def test_a_hello_declaring_sigv4_is_valid_and_an_unknown_feature_is_not():
    hello = {"type": "hello", "protocol": 1, "implementation": {"name": "x", "version": "1", "language": "go"},
             "supports": {"sigv4": dict(SCHEME.reference_supports)}}  # fmt: skip
    assert not list(_schemas.message("hello-response").iter_errors(hello))
    hello["supports"]["sigv4"] = {"operations": ["sign"], "features": ["sigv4a"]}
    assert list(_schemas.message("hello-response").iter_errors(hello))


# -- end to end ------------------------------------------------------------------------------------------------------


def test_validate_counts_the_sigv4_operations(hc):
    result = hc("validate", "vectors/sigv4")
    assert result.code == 0, result.err
    counts = Counter(v.operation for v in ALL)
    line = ", ".join(f"sigv4/{op} {n}" for op, n in sorted(counts.items()))
    files = len(list((ROOT / "vectors" / "sigv4").glob("*.yaml")))
    assert f"{len(ALL)} vectors in {files} files are valid ({line})" in result.out


def test_the_reference_passes_every_sigv4_vector_with_strict_reasons(hc):
    result = hc("run", "--impl", "reference", "--scheme", "sigv4", "--strict-reasons")
    assert result.code == 0, result.out[-2000:]
    assert f"OK: {len(ALL)} passed, 0 failed, 0 errors, 0 unsupported, 0 skipped" in result.out


def test_the_reference_passes_over_the_wire_too(hc):
    """Through a persistent adapter process (tests/impls/buggy.py answers every scheme but hmac and firstvision
    with the reference): every case input and output crosses the wire schemas."""
    result = hc("run", "--impl=jsonl:" + py_impl("impls/buggy.py", "seconds"), "--scheme=sigv4", "--strict-reasons")
    assert result.code == 0, result.out[-2000:]
    assert f"OK: {len(ALL)} passed, 0 failed, 0 errors" in result.out
