"""The protocol on the wire, called directly, each refusal with its whole message: what the runner sends, and how
strictly it reads what comes back (the message a broken answer produces is what the implementer reads)."""

from __future__ import annotations

import json

import pytest

from hmac_conformance import _protocol as protocol
from hmac_conformance._exceptions import ProtocolError
from hmac_conformance._load import load

VECTORS = {v.id: v for v in load().vectors}
MAC = VECTORS["hmac/rfc4231/sha256/case-1"]
VERIFY = VECTORS["firstvision/verify/replay/seen-id"]


def refusal(call, *args) -> str:
    with pytest.raises(ProtocolError) as caught:
        call(*args)
    return str(caught.value)


def test_encode_is_one_compact_ascii_line():
    assert protocol.encode({"a": "é", "b": [1, 2]}) == b'{"a":"\\u00e9","b":[1,2]}\n'
    assert protocol.encode(protocol.HELLO) == b'{"type":"hello","protocol":1}\n'
    assert protocol.encode(protocol.STOP) == b'{"type":"stop"}\n'


def test_case_message_carries_the_input_never_the_expected_value():
    assert protocol.case_message(7, MAC) == {
        "type": "case", "seq": 7, "id": MAC.id, "scheme": "hmac", "operation": "mac",
        "input": {"algorithm": "sha256", "key": "CwsLCwsLCwsLCwsLCwsLCwsLCws=", "message": "SGkgVGhlcmU=",
                  "tag_length": 32},
    }  # fmt: skip
    message = protocol.case_message(0, VERIFY)
    assert (
        message["input"]["keys"][0]["secret"]
        == __import__("base64").b64encode(VERIFY.input["keys"][0]["secret"]).decode()
    )
    assert "expected" not in json.dumps(message)


def test_strict_json_refusals_word_for_word():
    assert refusal(protocol.parse_json, '{"a":1,"a":2}') == "duplicate key 'a' in a JSON object"
    assert refusal(protocol.parse_json, "[NaN]") == "NaN is not JSON (RFC 8259 has no NaN or Infinity)"
    assert refusal(protocol.parse_json, "[1.25]") == (
        "number 1.25 is not an integer; every number in protocol v1 is an integer"
    )
    long_number = "1." + "5" * 60
    assert refusal(protocol.parse_json, f"[{long_number}]") == (
        f"number {long_number[:40]} is not an integer; every number in protocol v1 is an integer"
    )
    assert refusal(protocol.parse_json, b"\xef\xbb\xbf{}") == (
        "not JSON: the line starts with a byte order mark (RFC 8259 \u00a78.1)"
    )
    assert refusal(protocol.parse_json, "{oops") == (
        "not JSON: '{oops' (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"
    )
    assert refusal(protocol.parse_json, b"\xff") == (
        "not JSON: '\ufffd' ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte)"
    )
    garbage = "x" * 300
    assert refusal(protocol.parse_json, garbage).startswith(f"not JSON: '{'x' * 200}' (")
    deep = "[" * 100_000 + "]" * 100_000
    assert refusal(protocol.parse_json, deep).startswith("not JSON: '[[[[")


@pytest.mark.parametrize(
    "value",
    ['["\\ud800"]', '{"\\udfff":1}', '{"a":{"b":["ok","\\ud83d"]}}', '[[["x\\udc00y"]]]'],
)
def test_lone_surrogates_anywhere_are_refused(value):
    assert refusal(protocol.parse_json, value).startswith("string with a lone surrogate: ")


def test_surrogate_refusal_quotes_at_most_60_characters():
    text = "a" * 100 + "\\ud800"
    assert refusal(protocol.parse_json, f'["{text}"]') == f"string with a lone surrogate: {('a' * 60)!r}"


def test_good_json_is_returned_as_is():
    assert protocol.parse_json('{"a":[1,{"b":"\\ud83d\\udcb3"}],"c":null}') == {
        "a": [1, {"b": "\U0001f4b3"}],
        "c": None,
    }


def test_schema_refusals_name_the_label_and_where():
    assert refusal(protocol.parse_result, '{"type":"result","seq":-1,"output":{}}') == (
        "invalid result (seq): -1 is less than the minimum of 0"
    )
    assert refusal(protocol.parse_result, "[]") == "invalid result (message): [] is not of type 'object'"
    message = refusal(protocol.decode_output, "hmac", "mac", {"tag": "*" * 400})
    assert message.startswith("invalid hmac mac output (tag): '" + "*" * 100)
    assert len(message) == len("invalid hmac mac output (tag): ") + 300
    assert refusal(protocol.parse_hello, '{"type":"hello","protocol":1}').startswith(
        "invalid hello-response (message): "
    )


def test_decode_output_turns_base64_fields_into_bytes_and_nothing_else():
    assert protocol.decode_output("hmac", "mac", {"tag": "AAEC"}) == {"tag": b"\0\1\2"}
    output = {"signature": "AAEC", "string_to_sign": "AAEC", "headers": {"Authorization": "AAEC"}}
    assert protocol.decode_output("firstvision", "sign", output) == {
        "signature": "AAEC", "string_to_sign": b"\0\1\2", "headers": {"Authorization": "AAEC"},
    }  # fmt: skip
    assert protocol.decode_output("firstvision", "sign", {"signature": "AAEC"}) == {"signature": "AAEC"}


def test_decode_output_refuses_base64_the_schema_lets_through():
    # The schema's pattern ends in "$", which also matches before a final newline.
    assert refusal(protocol.decode_output, "hmac", "mac", {"tag": "AAEC\n"}) == (
        "invalid hmac mac output (tag): not padded Base64: 'AAEC\\n'"
    )
    long = "A" * 200 + "\n"
    assert refusal(protocol.decode_output, "hmac", "mac", {"tag": long}) == (
        f"invalid hmac mac output (tag): not padded Base64: {long[:100]!r}"
    )
