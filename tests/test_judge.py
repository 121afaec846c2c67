"""judge(): one vector's Result from one Response, field by field: what is copied from the vector and the
response, which outputs are refused before comparison, and the input kept only where it helps reproduce."""

from __future__ import annotations

import dataclasses

import pytest

from hmac_conformance import _reference as reference
from hmac_conformance._compare import judge
from hmac_conformance._load import load
from hmac_conformance._outcome import Response, Result

VECTORS = {v.id: v for v in load().vectors}
MAC = dataclasses.replace(VECTORS["hmac/rfc4231/sha256/case-1"], tags=("t1", "t2"))
VERIFY = VECTORS["firstvision/verify/timestamp/minus-300001ms"]


def right(vector) -> dict:
    return reference.run_case(vector.scheme, vector.operation, vector.input)


def test_a_pass_copies_the_vector_and_response_and_drops_the_input():
    response = Response("output", output=right(MAC), stderr="log", seconds=0.5, link="https://l")
    assert judge(MAC, response) == Result(
        MAC.id, "hmac", "mac", ("t1", "t2"), "pass", message="", diagnostic="", expected=MAC.expected,
        got=right(MAC), stderr="log", seconds=0.5, link="https://l", input=None,
    )  # fmt: skip


def test_a_failure_keeps_the_input_and_what_was_got():
    wrong = {"tag": bytes(32)}
    got = judge(MAC, Response("output", output=wrong, stderr="e", seconds=0.25))
    assert (got.status, got.got, got.input, got.expected, got.stderr, got.seconds) == (
        "fail", wrong, MAC.input, MAC.expected, "e", 0.25,
    )  # fmt: skip
    assert got.message == "tag differs: different MAC" and got.diagnostic.startswith("expected ")


@pytest.mark.parametrize("kind", ["error", "skip", "unsupported"])
def test_a_response_without_output_keeps_its_kind_and_message(kind):
    got = judge(VERIFY, Response(kind, message="why", stderr="e", seconds=1.5, link="https://l"))  # type: ignore[arg-type]
    assert got == Result(
        VERIFY.id, "firstvision", "verify", VERIFY.tags, kind, message="why", expected=VERIFY.expected,
        stderr="e", seconds=1.5, link="https://l", input=VERIFY.input,
    )  # fmt: skip


def test_an_output_of_the_wrong_shape_is_an_error_not_a_failure():
    got = judge(VERIFY, Response("output", output={"valid": "no"}, stderr="e"))
    assert (got.status, got.message, got.got, got.input, got.stderr) == (
        "error", "invalid output: output field 'valid' missing or not bool", None, VERIFY.input, "e",
    )  # fmt: skip


def test_strict_reasons_reach_the_operation():
    other = Response("output", output={"valid": False, "reason": "future"})
    assert judge(VERIFY, other).status == "pass"
    assert judge(VERIFY, other, strict_reasons=True).status == "fail"
    assert judge(VERIFY, other, True).diagnostic.startswith("vector: ")


def test_an_optional_byte_field_given_as_text_is_an_error():
    """The shape does not type firstvision's optional string_to_sign: only the byte-field check refuses text."""
    vector = VECTORS["firstvision/sign/post-json"]
    output = {**right(vector), "string_to_sign": "text"}
    got = judge(vector, Response("output", output=output))
    assert (got.status, got.message) == ("error", "invalid output: output field 'string_to_sign' is not bytes")


def test_a_byte_field_given_as_text_is_named_the_first_such_field():
    """_not_bytes backs the shape check for byte fields a shape does not type (an in-process value is not JSON)."""
    from hmac_conformance._compare import _not_bytes

    assert _not_bytes({"a": "x", "b": "y"}, ("a", "b")) == "output field 'a' is not bytes"
    assert _not_bytes({"b": "y"}, ("a", "b")) == "output field 'b' is not bytes"
    assert _not_bytes({"a": b"", "c": "not a byte field"}, ("a", "b")) is None
    assert _not_bytes(None, ("a",)) is None
