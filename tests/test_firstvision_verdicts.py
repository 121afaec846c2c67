"""The firstvision verdicts, called directly: a signer's refusal (FV-17), a signature with its string-to-sign diff
(exact field, offset and caret), its look and its headers, and a verifier's decision."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from hmac_conformance import _reference as reference
from hmac_conformance._load import load
from hmac_conformance.schemes.firstvision import compare

VECTORS = {v.id: v for v in load().vectors}
SIGN = VECTORS["firstvision/sign/post-json"]
REFUSE = next(v for v in VECTORS.values() if v.expected.get("refused") == "malformed-request-id")
GOOD = reference.run_case("firstvision", "sign", SIGN.input)


def sign(vector=SIGN, strict=False, **output):
    return compare.sign(vector, output, strict)


# -- refusals --------------------------------------------------------------------------------------------------------


def test_refusing_valid_inputs():
    assert sign(refused="malformed-api-key") == (
        "fail",
        "refused to sign valid inputs (said 'malformed-api-key')",
        "hint: a signer refuses only an Api-Key, Client-Request-Id or Timestamp that breaks FV-5..7 (FV-17)",
    )


@pytest.mark.parametrize(("reason", "field", "key"), [
    ("malformed-api-key", "Api-Key", "api_key"),
    ("malformed-request-id", "Client-Request-Id", "client_request_id"),
    ("malformed-timestamp", "Timestamp", "timestamp"),
])  # fmt: skip
def test_signing_what_must_be_refused_names_the_field_and_its_value(reason, field, key):
    vector = next(v for v in VECTORS.values() if v.expected.get("refused") == reason)
    status, message, detail = compare.sign(vector, {"signature": "AAAA"}, False)
    assert (status, message) == ("fail", f"signed although {field} is malformed; a signer must refuse (FV-17)")
    assert detail == (
        f"{field} given: {vector.input[key]!r}\nhint: {compare.HINTS[reason][1]}; never trim or repair it, refuse"
    )


def test_refusing_for_another_reason_fails_only_when_strict():
    note = "refused for reason 'malformed-api-key'; the spec's reason is 'malformed-request-id'"
    assert sign(REFUSE, refused="malformed-api-key") == ("pass", note, "")
    assert sign(REFUSE, True, refused="malformed-api-key") == ("fail", note, "")
    assert sign(REFUSE, True, refused="malformed-request-id") == ("pass", "", "")


# -- signatures ------------------------------------------------------------------------------------------------------


def test_the_right_signature_passes_with_or_without_extras():
    assert sign(**GOOD) == ("pass", "", "")
    assert sign(signature=GOOD["signature"]) == ("pass", "", "")
    assert sign(signature=GOOD["signature"], headers=None, string_to_sign=None) == ("pass", "", "")


def test_string_to_sign_fields_as_byte_ranges():
    vector = dataclasses.replace(SIGN, input={**SIGN.input, "api_key": "K\u00e9y", "client_request_id": "id",
                                              "timestamp": "17", "body": b"{}"})  # fmt: skip
    assert compare.sts_fields(vector) == [
        ("Api-Key", 0, 4),
        ("Client-Request-Id", 4, 6),
        ("Timestamp", 6, 8),
        ("body", 8, 10),
    ]


def test_a_wrong_string_to_sign_is_diffed_with_the_field_and_a_caret():
    sts = GOOD["string_to_sign"]
    ak = len(SIGN.input["api_key"])
    wrong = sts[:ak] + b"X" + sts[ak + 1 :]
    status, message, detail = sign(signature=GOOD["signature"], string_to_sign=wrong)
    assert (status, message) == ("fail", "string to sign differs")
    lines = detail.splitlines()
    assert lines[0] == (
        f"first difference at byte {ak} (expected {len(sts)} bytes, got {len(sts)}), in Client-Request-Id (byte 0 of "
        "the field)"
    )
    caret = lines[3].index("^")
    assert lines[1][caret] == chr(sts[ak]) and lines[2][caret] == "X"


def test_a_wrong_signature_with_no_string_to_sign_asks_for_one():
    other = base64.b64encode(bytes(32)).decode()
    status, message, detail = sign(signature=other)
    assert (status, message) == ("fail", "signature differs: different MAC")
    assert detail == (
        f"signature: expected {GOOD['signature']!r}\n           got      {other!r}\n"
        "           looks like: Base64 of 32 bytes (right shape, different MAC)\n"
        "diagnosis: no catalogue entry or pair of entries reproduces this signature (docs/diagnosis.md)\n"
        "(return string_to_sign from sign to see the first differing byte of the signed string)"
    )


def test_a_wrong_signature_over_the_right_string_blames_the_key_algorithm_or_encoding():
    other = base64.b64encode(bytes(32)).decode()
    _, message, detail = sign(signature=other, string_to_sign=GOOD["string_to_sign"])
    assert message == "signature differs: different MAC"
    assert detail.splitlines()[-1] == "the string to sign is right: the key, the algorithm or the encoding is not"
    assert "(return string_to_sign" not in detail


def test_a_named_mistake_needs_no_advice():
    hex_sig = base64.b64decode(GOOD["signature"]).hex()
    _, message, detail = sign(signature=hex_sig, string_to_sign=GOOD["string_to_sign"])
    assert message == "signature differs: correct MAC, wrong encoding: hex"
    assert detail.splitlines()[-1].startswith("diagnosis: correct MAC, wrong encoding: hex of the MAC")
    assert "the string to sign is right" not in detail
    _, _, detail = sign(signature=hex_sig)
    assert "(return string_to_sign" not in detail
    assert "           looks like: hex of a 32-byte MAC, not Base64 (FV-10)" in detail


def test_string_and_signature_both_wrong_are_both_reported():
    other = base64.b64encode(bytes(32)).decode()
    status, message, detail = sign(signature=other, string_to_sign=GOOD["string_to_sign"] + b"\n")
    assert (status, message) == ("fail", "string to sign differs; signature differs: different MAC")
    assert detail.startswith("first difference at byte")
    assert "\nsignature: expected " in detail


def test_sha512_signatures_are_described_by_their_own_length():
    vector = next(v for v in VECTORS.values() if v.operation == "sign" and v.input.get("algorithm") == "sha512"
                  and "signature" in v.expected)  # fmt: skip
    other = base64.b64encode(bytes(64)).decode()
    detail = compare.sign(vector, {"signature": other}, False)[2]
    assert "looks like: Base64 of 64 bytes (right shape, different MAC)" in detail


# -- headers ---------------------------------------------------------------------------------------------------------


def test_headers_are_compared_case_insensitively_and_each_difference_named():
    headers = {k.upper(): v for k, v in GOOD["headers"].items()}
    assert sign(signature=GOOD["signature"], headers=headers) == ("pass", "", "")
    headers["TIMESTAMP"] = "1"
    del headers["API-KEY"]
    status, message, detail = sign(signature=GOOD["signature"], headers=headers)
    assert (status, message) == ("fail", "header Api-Key missing; header Timestamp differs")
    assert detail == f"header Timestamp: expected {GOOD['headers']['Timestamp']!r}, got '1'"


def test_the_authorization_header_of_a_wrong_signature_is_not_reported_twice():
    other = base64.b64encode(bytes(32)).decode()
    headers = {**GOOD["headers"], "Authorization": other}
    _, message, _ = sign(signature=other, headers=headers)
    assert message == "signature differs: different MAC"
    _, message, _ = sign(signature=GOOD["signature"], headers=headers)
    assert message == "header Authorization differs"
    _, message, _ = sign(signature=other, headers={**headers, "Content-Type": "text/plain"})
    assert message == "signature differs: different MAC; header Content-Type differs"  # checked after Authorization


def test_a_missing_content_type_is_allowed_but_a_wrong_one_is_not():
    headers = {k: v for k, v in GOOD["headers"].items() if k != "Content-Type"}
    assert sign(signature=GOOD["signature"], headers=headers)[0] == "pass"
    headers["content-type"] = "text/plain"
    assert sign(signature=GOOD["signature"], headers=headers)[1] == "header Content-Type differs"


# -- how a signature text looks --------------------------------------------------------------------------------------


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("text", "looks"),
    [
        ("", "empty"),
        ("ab" * 32, "hex of a 32-byte MAC, not Base64 (FV-10)"),
        ("AB" * 64, "hex of a 64-byte MAC, not Base64 (FV-10)"),
        ("ab" * 48, "hex of a 48-byte MAC, not Base64 (FV-10)"),  # the vector's own MAC length counts too
        ("ab-_", "URL-safe Base64 alphabet ('-', '_') instead of the standard one (FV-10)"),
        (b64(b"\xff" * 48), "Base64 of 48 bytes (right shape, different MAC)"),
        (b64(bytes(32)), "Base64 of 32 bytes; the MAC has 48"),
        (b64(bytes(31)), "Base64 of 31 bytes; the MAC has 48"),
        (b64(b"ab" * 32), "Base64 of the hex text of a 32-byte MAC: the legacy encoding (FV-12), not canonical"),
        (b64(b"AB" * 48), "Base64 of the hex text of a 48-byte MAC: the legacy encoding (FV-12), not canonical"),
        (b64(b"ab" * 31), "Base64 of 62 bytes; the MAC has 48"),
        (
            b64(bytes(32)).replace("A", "_", 1),
            "URL-safe Base64 alphabet ('-', '_') instead of the standard one (FV-10)",
        ),
        (b64(b"\xff" * 32).rstrip("="), "Base64 without correct '=' padding (FV-10)"),
        (b64(b"\xff" * 32) + "=", "Base64 without correct '=' padding (FV-10)"),
        ("////===", "Base64 without correct '=' padding (FV-10)"),
        ("===////", "not Base64"),
        ("/=X===", "not Base64"),
        ("AAAA*", "not Base64"),
    ],
)
def test_describe_signature(text, looks):
    assert compare.describe_signature(text, 48) == looks


def test_describe_signature_other_lengths():
    assert compare.describe_signature("ab" * 48, 32) == "Base64 of 72 bytes; the MAC has 32"
    assert compare.describe_signature("ab" * 10, 32, (10,)) == "hex of a 10-byte MAC, not Base64 (FV-10)"
    assert compare.describe_signature("a.b", 32) == "not Base64"
    assert compare.describe_signature(b64(b"\xff" * 48), 48) == "Base64 of 48 bytes (right shape, different MAC)"


# -- verify ----------------------------------------------------------------------------------------------------------


def test_verify_uses_the_firstvision_hints_and_strictness():
    stale = dataclasses.replace(
        VECTORS["firstvision/verify/timestamp/minus-300001ms"], rules=("FV-14",), description="d"
    )
    assert compare.verify(stale, {"valid": True}, False) == (
        "fail",
        "accepted; must be rejected with 'stale'",
        "vector: d (FV-14)\nhint: is the window checked, inclusive at 300000 ms, and are both clocks in milliseconds? (FV-14)",
    )
    note = "rejected for reason 'future'; the spec's reason is 'stale'"
    assert compare.verify(stale, {"valid": False, "reason": "future"}, True) == ("fail", note, "vector: d (FV-14)")
    assert compare.verify(stale, {"valid": False, "reason": "future"}, False) == ("pass", note, "")
