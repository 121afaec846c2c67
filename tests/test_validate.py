"""validate: schema, every lint rule (one deliberately bad file each), recomputation, CLI exit codes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import VECTORS

RFC = VECTORS / "hmac" / "rfc4231.yaml"
SIGN = VECTORS / "firstvision" / "sign.yaml"
VERIFY = VECTORS / "firstvision" / "verify-timestamp.yaml"
SIGN_INPUTS = VECTORS / "firstvision" / "sign-inputs.yaml"
WHITESPACE = VECTORS / "firstvision" / "verify-whitespace.yaml"


def mutate(tmp_path: Path, source: Path, old: str, new: str, count: int = 1) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {source.name}"
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, count), encoding="utf-8")
    return target


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if needle in line]
    return hits[occurrence - 1]


def test_repository_vectors_are_valid(hc):
    result = hc("validate")
    assert result.code == 0, result.err
    count = int(re.search(r"(\d+) vectors", result.out).group(1))
    assert count >= 200


def test_altered_expected_signature_is_caught_with_file_line_and_id(hc, tmp_path):
    bad = mutate(
        tmp_path,
        SIGN,
        'signature: "6K2PQnLJp6AxdiVOJbRetl7ZuAWelToF8mocpQo1BLk="',
        'signature: "6K2PQnLJp6AxdiVOJbRetl7ZuAWelToF8mocpQo1BLg="',
    )
    result = hc("validate", str(bad))
    assert result.code == 1
    assert f"{bad}:" in result.err
    assert "[firstvision/sign/post-json]" in result.err
    assert "reference computes '6K2PQnLJp6AxdiVOJbRetl7ZuAWelToF8mocpQo1BLk='" in result.err
    assert "independent computes" in result.err


def test_altered_rfc_tag_is_caught(hc, tmp_path):
    bad = mutate(tmp_path, RFC, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff8")  # fmt: skip
    result = hc("validate", str(bad))
    assert result.code == 1
    assert "[hmac/rfc4231/sha256/case-1] expected tag" in result.err
    line = line_of(bad, "id: hmac/rfc4231/sha256/case-1")
    assert f"{bad}:{line}:" in result.err


def test_duplicated_mapping_key_names_line(hc, tmp_path):
    bad = mutate(tmp_path, RFC, "    operation: mac\n", "    operation: mac\n    operation: mac-verify\n")
    result = hc("validate", str(bad))
    assert result.code == 1
    line = line_of(bad, "operation: mac-verify")
    assert f"{bad}:{line}:" in result.err and "duplicate key 'operation'" in result.err


def test_duplicated_id_names_both_places(hc, tmp_path):
    bad = mutate(tmp_path, RFC, "id: hmac/rfc4231/sha256/case-1", "id: hmac/rfc4231/sha224/case-1")
    result = hc("validate", str(bad))
    assert result.code == 1
    first, second = line_of(bad, "id: hmac/rfc4231/sha224/case-1", 1), line_of(bad, "id: hmac/rfc4231/sha224/case-1", 2)
    assert f"{bad}:{second}: [hmac/rfc4231/sha224/case-1] duplicate id (first used at {bad}:{first})" in result.err


def test_duplicate_id_across_files(hc, tmp_path):
    shutil.copy(RFC, tmp_path / "a.yaml")
    shutil.copy(RFC, tmp_path / "b.yaml")
    result = hc("validate", str(tmp_path))
    assert result.code == 1
    assert result.err.count("duplicate id") == 28


@pytest.mark.parametrize(
    ("source", "old", "new", "message"),
    [
        (RFC, "id: hmac/rfc4231/sha256/case-1", "id: Hmac/RFC4231/case 1", "id must look like"),
        (RFC, "id: hmac/rfc4231/sha256/case-1", "id: firstvision/x/case-1", "id must look like"),
        (RFC, "rules: [MAC-1, MAC-3]", "rules: [MAC-1, MAC-99]", "cites rule MAC-99, which the spec"),
        (
            RFC,
            'key: {hex: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"}',
            'key: {hex: "0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B"}',
            "hex must be lowercase",
        ),
        (
            RFC,
            'key: {hex: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"}',
            'key: {hex: "0b0"}',
            "hex has an odd number of digits",
        ),
        (
            RFC,
            'key: {hex: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"}',
            'key: {base64: "Cw"}',
            "not valid padded Base64",
        ),
        (RFC, 'key: {hex: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"}', 'key: {base64: "Cx=="}', "not canonical"),
        (RFC, 'since: "1.0.0"', 'since: "9.0.0"', "later than the suite version"),
        (RFC, 'since: "1.0.0"', 'since: "1.0.0\\n"', "must be a version such as '1.0.0'"),
        (RFC, "tags: [published, rfc4231]", 'tags: [published, "rfc4231\\n"]', "must be lowercase letters"),
        (RFC, "    operation: mac\n", "    operation: sign\n", "operation: 'sign' is not one of ['mac', 'mac-verify']"),
        (RFC, "tag_length: 32", "tag_length: 8", "outside 10..32 (MAC-4)"),
        (RFC, 'message: {utf8: "Hi There"}', "message: {utf8: yes}", "YAML read this unquoted value as a boolean"),
        (RFC, 'message: {utf8: "Hi There"}', "message: {utf8: 2024-01-01}", "as a date"),
        (RFC, 'message: {utf8: "Hi There"}', "message: {utf8: 0755}", "as a number"),
        (RFC, 'message: {utf8: "Hi There"}', 'message: {text: "Hi There"}', "expected a byte string"),
        (
            RFC,
            "    source: RFC 4231 §4.3\n",
            "    source: RFC 4231 §4.3\n    comment: extra\n",
            "'comment' was unexpected",
        ),
        (RFC, 'message: {utf8: "Hi There"}', 'message: {repeat: {hex: "00"}, count: 100000000000}', "the limit is"),
        (VERIFY, "now_ms: 1700000000000", 'now_ms: "1700000000000"', "is not of type 'integer'"),
        (
            VERIFY,
            "      keys:\n",
            '      keys:\n        - {api_key: "Aq7vYx2mLp9RtW4cZn8bKd3fHs6jGe1u", secret: {utf8: "x"}, algorithm: sha256}\n',
            "same api_key twice",
        ),
        (VERIFY, '["Timestamp", "1700000000000"]', "[Timestamp, 1700000000000]", "as a number"),
        (
            SIGN_INPUTS,
            "expected: {refused: malformed-request-id}",
            "expected: {refused: malformed-signature}",
            "'malformed-signature' is not one of",
        ),
        (
            SIGN_INPUTS,
            "expected: {refused: malformed-request-id}",
            'expected: {refused: malformed-request-id, signature: "x"}',
            "a refusal: Additional properties are not allowed ('signature' was unexpected)",
        ),
    ],
)
def test_each_lint_rule(hc, tmp_path, source, old, new, message):
    bad = mutate(tmp_path, source, old, new)
    result = hc("validate", str(bad))
    assert result.code == 1, result.out
    assert message in result.err
    assert re.search(rf"{re.escape(str(bad))}:\d+", result.err), "the error must name file and line"


def test_vector_with_two_defects_is_rejected_unless_tagged_order(hc, tmp_path):
    # A stale vector whose signature is also wrong would be rejected even by a verifier without a clock.
    text = VERIFY.read_text(encoding="utf-8")
    start = text.index("id: firstvision/verify/timestamp/minus-300001ms")
    auth = text.index('["Authorization", "', start) + len('["Authorization", "')
    bad = tmp_path / VERIFY.name
    bad.write_text(text[:auth] + "A" + text[auth + 1 :], encoding="utf-8")
    result = hc("validate", str(bad))
    assert result.code == 1
    assert "[firstvision/verify/timestamp/minus-300001ms] a 'stale' vector must be correctly signed" in result.err


def test_all_problems_of_a_file_are_reported(hc, tmp_path):
    text = RFC.read_text(encoding="utf-8")
    text = text.replace("tag_length: 28", "tag_length: yes").replace("rules: [MAC-1, MAC-3]", "rules: [MAC-1, MAC-77]")
    bad = tmp_path / "many.yaml"
    bad.write_text(text, encoding="utf-8")
    result = hc("validate", str(bad))
    assert result.code == 1
    assert result.err.count("is not of type 'integer'") >= 4
    assert result.err.count("MAC-77") >= 4


def test_usage_errors_exit_2(hc, tmp_path):
    assert hc("validate", str(tmp_path / "missing.yaml")).code == 2
    assert hc("frobnicate").code == 2
    assert hc("run").code == 2  # --impl is required


def test_operation_of_another_scheme_is_refused_naming_the_schemes_operations(hc, tmp_path):
    """A sign vector in a file of scheme hmac: the schema composed from the registry knows hmac's operations."""
    text = SIGN.read_text(encoding="utf-8").replace("scheme: firstvision", "scheme: hmac", 1)
    bad = tmp_path / "misplaced.yaml"
    bad.write_text(text, encoding="utf-8")
    result = hc("validate", str(bad))
    assert result.code == 1
    line = line_of(bad, "    operation: sign", 2)
    assert (
        f"{bad}:{line}: [firstvision/sign/post-json] operation: 'sign' is not one of ['mac', 'mac-verify']"
        in result.err
    )


def vector_text(text: str, vector_id: str) -> tuple[int, int]:
    """The start and end offsets of one vector in a file's text."""
    start = text.index(f"  - id: {vector_id}\n")
    end = text.find("\n  - id: ", start + 1)
    return start, len(text) if end < 0 else end + 1


def edit_vector(tmp_path: Path, source: Path, vector_id: str, old: str, new: str) -> Path:
    """A copy of ``source`` with ``old`` replaced by ``new`` inside one vector only."""
    text = source.read_text(encoding="utf-8")
    start, end = vector_text(text, vector_id)
    part = text[start:end]
    assert old in part, f"{old!r} not in {vector_id}"
    target = tmp_path / source.name
    target.write_text(text[:start] + part.replace(old, new, 1) + text[end:], encoding="utf-8")
    return target


def test_refusal_with_the_wrong_reason_is_caught_with_file_line_and_id(hc, tmp_path):
    vid = "firstvision/sign/inputs/request-id-decimal-point"
    bad = edit_vector(tmp_path, SIGN_INPUTS, vid, "{refused: malformed-request-id}", "{refused: malformed-timestamp}")
    result = hc("validate", str(bad))
    assert result.code == 1
    line = line_of(bad, f"id: {vid}")
    assert (
        f"{bad}:{line}: [{vid}] expected refused 'malformed-timestamp'; reference refuses with "
        "'malformed-request-id', independent check finds 'malformed-request-id'"
    ) in result.err


def test_refusal_vector_with_two_malformed_fields_needs_the_order_tag(hc, tmp_path):
    vid = "firstvision/sign/inputs/request-id-decimal-point"
    bad = edit_vector(tmp_path, SIGN_INPUTS, vid, 'timestamp: "1700000000000"', 'timestamp: "+1700000000000"')
    result = hc("validate", str(bad))
    assert result.code == 1
    assert f"[{vid}] a refusal vector must have one malformed field, unless tagged 'order'" in result.err
    assert "malformed-request-id, malformed-timestamp" in result.err


def test_signature_expected_for_malformed_inputs_is_caught(hc, tmp_path):
    vid = "firstvision/sign/inputs/request-id-one-char"
    bad = edit_vector(tmp_path, SIGN_INPUTS, vid, 'client_request_id: "x"', 'client_request_id: " x"')
    result = hc("validate", str(bad))
    assert result.code == 1
    assert f"[{vid}] expected a signature, but the inputs break FV-5..7" in result.err
    assert "a signer must refuse them (FV-17)" in result.err


LENIENT = "firstvision/verify/whitespace/api-key-trailing-nbsp"


@pytest.mark.parametrize("vid", [LENIENT, "firstvision/verify/whitespace/authorization-trailing-nbsp"])
def test_lenient_trim_vector_not_signed_under_its_reading_is_refused(hc, tmp_path, vid):
    # A lenient trimmer reads the Api-Key without its NBSP and finds the key (or the signature without its
    # NBSP); if the signature is not the right one for that reading, such a verifier rejects the request
    # anyway and the vector catches nothing.
    bad = edit_vector(tmp_path, WHITESPACE, vid, '["Authorization", "6K2P', '["Authorization", "6K2Q')
    result = hc("validate", str(bad))
    assert result.code == 1
    line = line_of(bad, f"id: {vid}")
    assert f"{bad}:{line}: [{vid}] a 'lenient-trim' vector must be valid as a verifier that trims" in result.err
    assert "signature wrong or key unknown" in result.err


def test_lenient_trim_vector_without_the_tag_fails_the_one_defect_rule(hc, tmp_path):
    # The tag is data with a meaning, not a way around the lint: without it the FV-3 reading applies, under
    # which the Api-Key with its NBSP names no key, and the vector is refused.
    bad = edit_vector(tmp_path, WHITESPACE, LENIENT, "lenient-trim, ", "")
    result = hc("validate", str(bad))
    assert result.code == 1
    assert f"[{LENIENT}] a 'malformed-api-key' vector must be correctly signed otherwise" in result.err


def test_lenient_trim_tag_needs_a_character_that_only_a_lenient_trim_removes(hc, tmp_path):
    bad = edit_vector(tmp_path, WHITESPACE, LENIENT, 'e1u\\u00a0"]', 'e1u"]')
    result = hc("validate", str(bad))
    assert result.code == 1
    assert f"[{LENIENT}] tagged 'lenient-trim', but no signed header value has a character around it" in result.err


def test_lenient_trim_vector_must_expect_a_rejection(hc, tmp_path):
    bad = edit_vector(tmp_path, WHITESPACE, LENIENT, "{valid: false, reason: malformed-api-key}", "{valid: true}")
    result = hc("validate", str(bad))
    assert result.code == 1
    assert f"[{LENIENT}] a 'lenient-trim' vector must expect a rejection" in result.err
