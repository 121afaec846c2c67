"""The standard-webhooks comparator, called directly, with exact outputs: the fields of the signed content, every
kind of refusal judgement, and what sign says with and without the signed content."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from hmac_conformance._load import load
from hmac_conformance.schemes.standard_webhooks import compare, reference

BY_ID = {v.id: v for v in load().vectors if v.scheme == "standard-webhooks"}
SIGN = BY_ID["standard-webhooks/secret/with-prefix"]
OUTPUT = reference.run_case("sign", copy.deepcopy(SIGN.input))
WRONG = "v1," + "A" * 43 + "="  # a well-formed entry whose MAC nothing in the catalogue gives


def test_the_fields_of_the_signed_content():
    assert compare.content_fields(SIGN) == [
        ("webhook-id", 0, 31),
        ("separator '.'", 31, 32),
        ("webhook-timestamp", 32, 42),
        ("separator '.'", 42, 43),
        ("payload", 43, 157),
    ]
    other = dataclasses.replace(SIGN, input={**SIGN.input, "msg_id": "m", "timestamp": "17", "payload": b"\xc3\xa9"})
    assert compare.content_fields(other) == [
        ("webhook-id", 0, 1),
        ("separator '.'", 1, 2),
        ("webhook-timestamp", 2, 4),
        ("separator '.'", 4, 5),
        ("payload", 5, 7),
    ]


def test_a_refusal_of_valid_inputs():
    assert compare.sign(SIGN, {"refused": "malformed-id"}, False) == (
        "fail",
        "refused to sign valid inputs (said 'malformed-id')",
        "hint: a signer refuses only a secret, id or timestamp that breaks SW-7, SW-5 or SW-6 (SW-10)",
    )


@pytest.mark.parametrize(
    ("vector_id", "message", "detail"),
    [
        ("standard-webhooks/secret/empty",
         "signed although the secret is malformed; a signer must refuse (SW-7, SW-10)",
         "the secret given: see the input\nhint: 'whsec_' optional, then standard Base64 of 24..64 bytes, padding "
         "absent or exact; never decode leniently (SW-7)"),
        ("standard-webhooks/mutants-sign-refusal/id-tab",
         "signed although webhook-id is malformed; a signer must refuse (SW-5, SW-10)",
         "webhook-id given: 'msg_1\\tx'\nhint: non-empty printable ASCII, no space at either end; never trim or "
         "repair it (SW-5)"),
        ("standard-webhooks/sign-refusal/timestamp-plus",
         "signed although webhook-timestamp is malformed; a signer must refuse (SW-6, SW-10)",
         "webhook-timestamp given: '+1700000000'\nhint: ^[1-9][0-9]{0,10}$ over ASCII; never parse and re-serialise "
         "it (SW-6)"),
    ],
)  # fmt: skip
def test_a_signature_where_a_refusal_is_due(vector_id, message, detail):
    assert compare.sign(BY_ID[vector_id], {"signature": WRONG}, False) == ("fail", message, detail)


def test_a_refusal_for_another_reason():
    vector = BY_ID["standard-webhooks/sign-refusal/timestamp-plus"]
    note = "refused for reason 'malformed-id'; the spec's reason is 'malformed-timestamp'"
    assert compare.sign(vector, {"refused": "malformed-id"}, False) == ("pass", note, "")
    assert compare.sign(vector, {"refused": "malformed-id"}, True) == ("fail", note, "")
    assert compare.sign(vector, {"refused": "malformed-timestamp"}, True) == ("pass", "", "")


def test_sign_passes_the_expected_entry_with_or_without_the_signed_content():
    assert compare.sign(SIGN, OUTPUT, False) == ("pass", "", "")
    assert compare.sign(SIGN, {"signature": OUTPUT["signature"]}, False) == ("pass", "", "")


def test_a_wrong_signature_without_the_signed_content_asks_for_it():
    status, message, detail = compare.sign(SIGN, {"signature": WRONG}, False)
    assert (status, message) == ("fail", "signature differs: different MAC")
    assert detail.split("\n") == [
        f"signature: expected {SIGN.expected['signature']!r}",
        f"           got      {WRONG!r}",
        "           looks like: 'v1,' and Base64 of 32 bytes (right form, different MAC)",
        "diagnosis: no catalogue entry or pair of entries reproduces this signature",
        "(return signed_content from sign to see the first differing byte of the signed content)",
    ]


def test_a_wrong_signature_over_the_right_signed_content_points_at_the_key_or_the_form():
    _, message, detail = compare.sign(SIGN, {**OUTPUT, "signature": WRONG}, False)
    assert message == "signature differs: different MAC"
    assert detail.split("\n")[-1] == "the signed content is right: the key or the form of the entry is not (SW-7, SW-9)"


def test_a_wrong_signed_content_is_diffed_by_field():
    content = OUTPUT["signed_content"].replace(b".1700000000.", b".1700000001.")
    status, message, detail = compare.sign(SIGN, {"signed_content": content, "signature": WRONG}, False)
    assert (status, message) == ("fail", "signed content differs; signature differs: different MAC")
    assert "in webhook-timestamp (byte 9 of the field)" in detail.split("\n")[0]
    assert "(return signed_content" not in detail and "the signed content is right" not in detail
