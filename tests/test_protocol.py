"""The protocol schema accepts what docs/protocol.md shows and refuses what it forbids."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hmac_conformance import _protocol as protocol
from hmac_conformance import _schemas
from hmac_conformance._load import load
from hmac_conformance._model import to_wire


def test_every_case_message_is_schema_valid():
    for seq, vector in enumerate(load().vectors):
        message = protocol.case_message(seq, vector)
        assert not list(_schemas.message("case", vector.scheme, vector.operation).iter_errors(message)), vector.id
        assert protocol.encode(message).isascii()


def test_a_case_line_is_its_message_encoded_byte_for_byte():
    """The hot path writes the line itself: for every vector of the suite (the 1 MiB messages among them) it is
    exactly what json.dumps gives for the case message."""
    vectors = load().vectors
    assert any(len(json.dumps(to_wire(v.input))) > 1 << 20 for v in vectors), "the suite's 1 MiB messages"
    for seq, vector in enumerate(vectors):
        assert protocol.case_line(seq, vector) == protocol.encode(protocol.case_message(seq, vector)), vector.id


_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary()
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner)
        | st.lists(inner).map(tuple)
        | st.dictionaries(st.text(), inner)
        | st.dictionaries(st.integers() | st.booleans() | st.none(), inner)
    ),
    max_leaves=20,
)


@given(_VALUES)
def test_a_value_is_written_as_json_dumps_writes_it(value):
    """Text of any kind (non-ASCII, lone surrogates, controls), bytes, numbers, NaN, empty and nested containers,
    keys that are not text: the pieces join into json.dumps's compact ASCII form of the wire value."""
    out: list[str] = []
    protocol._json_text(value, out)
    assert "".join(out) == json.dumps(to_wire(value), separators=(",", ":"), ensure_ascii=True)


_ENVELOPE_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2, max_value=2**53 + 1), st.just(2**53 - 1), st.text(max_size=8),
    st.sampled_from(["result", "case", "hello"]), st.dictionaries(st.sampled_from(["reason", "message", "tag"]),
    st.text(max_size=3), max_size=2), st.lists(st.integers(), max_size=2),
)  # fmt: skip
_ENVELOPES = st.dictionaries(
    st.sampled_from(["type", "seq", "output", "skip", "error", "extra"]), _ENVELOPE_VALUES, max_size=5
) | st.builds(
    lambda seq, output, more: {"type": "result", "seq": seq, "output": output, **more},
    st.integers(min_value=-2, max_value=2**53 + 1) | _ENVELOPE_VALUES,
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2) | _ENVELOPE_VALUES,
    st.dictionaries(st.sampled_from(["type", "skip", "error", "extra"]), _ENVELOPE_VALUES, max_size=1),
)


@given(_ENVELOPES)
@example({"type": "result", "seq": 1, "output": {}, "extra": 1})
@example({"type": "result", "seq": 1, "output": {}, "skip": {"reason": "x"}})
@example({"type": "result", "seq": 2**53, "output": {}})
def test_a_plain_answer_is_one_the_envelope_schema_accepts(message):
    """The hot path skips the schema only for messages the schema accepts."""
    if protocol._plain_answer(message):
        assert _schemas.message("result").is_valid(message), message


def test_the_usual_answer_takes_the_plain_path():
    assert protocol._plain_answer({"type": "result", "seq": 0, "output": {}})
    assert protocol._plain_answer({"type": "result", "seq": 2**53 - 1, "output": {"tag": "AA=="}})
    for other in ({"type": "result", "seq": True, "output": {}}, {"type": "result", "seq": -1, "output": {}},
                  {"type": "result", "seq": 2**53, "output": {}}, {"type": "result", "seq": 1, "output": []},
                  {"type": "result", "seq": 1, "skip": {"reason": "x"}}, {"type": "case", "seq": 1, "output": {}}):  # fmt: skip
        assert not protocol._plain_answer(other), other


def test_documented_examples_parse():
    hello = protocol.parse_hello(
        '{"type":"hello","protocol":1,"implementation":{"name":"x","version":"1","language":"go"},'
        '"supports":{"hmac":{"operations":["mac"],"algorithms":["sha256"]}}}'
    )
    assert hello["implementation"]["language"] == "go"
    result = protocol.parse_result(
        '{"type":"result","seq":0,"output":{"tag":"sDRMYdjbOFNcqK/OrwvxK4gdwgDJgz2nJuk3bC4yz/c="}}'
    )
    assert protocol.decode_output("hmac", "mac", result["output"])["tag"][:2] == b"\xb0\x34"
    assert protocol.parse_result('{"type":"result","seq":3,"skip":{"reason":"no SHA-3"}}')["skip"]
    assert protocol.parse_result('{"type":"result","seq":3,"error":{"message":"boom"}}')["error"]


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        "[]",
        '{"type":"result","seq":1}',
        '{"type":"result","seq":1,"output":{},"skip":{"reason":"x"}}',
        '{"type":"result","seq":-1,"output":{}}',
        '{"type":"result","seq":"1","output":{}}',
        '{"type":"result","seq":1,"skip":{}}',
        '{"type":"result","seq":1,"output":{},"extra":1}',
        '{"type":"hello","seq":1}',
    ],
)
def test_bad_results_are_protocol_errors(line):
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_result(line)


@pytest.mark.parametrize(
    ("operation", "output"),
    [
        ("mac", {"tag": "not base64!"}),
        ("mac", {"tag": "AAAA", "extra": 1}),
        ("mac-verify", {"valid": "true"}),
        ("verify", {"valid": False, "reason": "Not A Reason Code"}),
        ("sign", {}),
        ("sign", {"signature": 5}),
        ("sign", {"signature": "x", "headers": {"a": 1}}),
        ("sign", {"refused": "malformed-api-key", "signature": "x"}),
        ("sign", {"refused": 5}),
        ("sign", {"refused": "Not A Reason Code"}),
        ("sign", {"refused": "malformed-api-key", "headers": {}}),
    ],
)
def test_bad_outputs_are_protocol_errors(operation, output):
    scheme = {"mac": "hmac", "mac-verify": "hmac"}.get(operation, "firstvision")
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_output(scheme, operation, output)


def test_a_protocol_error_names_the_path_of_the_bad_field():
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.decode_output("firstvision", "sign", {"signature": "x", "headers": {"A": 1}})
    assert str(caught.value) == "invalid firstvision sign output (headers/A): 1 is not of type 'string'"


def test_a_refusal_to_sign_is_an_output():
    # FV-17, added in suite 1.1.0 without a new protocol version: the output alone, no signature.
    result = protocol.parse_result('{"type":"result","seq":7,"output":{"refused":"malformed-request-id"}}')
    assert protocol.decode_output("firstvision", "sign", result["output"]) == {"refused": "malformed-request-id"}


def test_bad_hello_responses():
    for line in ('{"type":"hello","protocol":2,"implementation":{"name":"x","version":"1","language":"go"},"supports":{}}',
                 '{"type":"hello","protocol":1,"implementation":{"name":"x"},"supports":{}}',
                 '{"type":"hello","protocol":1,"implementation":{"name":"x","version":"1","language":"go"},'
                 '"supports":{"hmac":{"operations":["sign"],"algorithms":[]}}}'):  # fmt: skip
        with pytest.raises(protocol.ProtocolError):
            protocol.parse_hello(line)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"type":"result","seq":7,"output":{"valid":false,"valid":true}}', "duplicate key 'valid'"),
        ('{"type":"result","seq":7,"seq":8,"output":{"valid":true}}', "duplicate key 'seq'"),
        ('{"type":"result","seq":NaN,"output":{}}', "NaN is not JSON"),
        ('{"type":"result","seq":Infinity,"output":{}}', "Infinity is not JSON"),
        ('{"type":"result","seq":-Infinity,"output":{}}', "-Infinity is not JSON"),
        ('{"type":"result","seq":1.0,"output":{}}', "number 1.0 is not an integer"),
        ('{"type":"result","seq":1e3,"output":{}}', "number 1e3 is not an integer"),
        ('{"type":"result","seq":9007199254740992,"output":{}}', "greater than the maximum of 9007199254740991"),
        ('{"type":"result","seq":' + "9" * 5000 + ',"output":{}}', "not JSON"),
        ('{"type":"result","seq":1,"output":{"valid":false,"reason":"\\ud800"}}', "lone surrogate"),
        ('{"type":"result","seq":1,"skip":{"reason":"x\\udfffy"}}', "lone surrogate"),
        ('{"type":"result","seq":1,"output":{"headers":{"\\ud83d":"x"}}}', "lone surrogate"),
        (b'{"type":"result","seq":1,"error":{"message":"\xff"}}', "not JSON"),
        # As bytes, as they arrive: an escaped surrogate, one encoded in UTF-8 (json reads it), UTF-16.
        (b'{"type":"result","seq":1,"skip":{"reason":"x\\udfffy"}}', "lone surrogate"),
        (b'{"type":"result","seq":1,"skip":{"reason":"x\xed\xa0\x80y"}}', "lone surrogate"),
        (
            '{"type":"result","seq":1,"skip":{"reason":"x\ud800"}}'.encode("utf-16-le", "surrogatepass"),
            "lone surrogate",
        ),
        (b'\xef\xbb\xbf{"type":"result","seq":1,"output":{}}', "not JSON"),
        (
            '\ufeff{"type":"result","seq":1,"output":{}}',
            "(Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0))",
        ),
        ('{"type":"result","seq":1,"output":{"a":1,"b":2,"c":3,"b":4}}', "duplicate key 'b'"),
    ],
)
def test_json_ambiguities_are_protocol_errors(line, message):
    """Responses are read as strictly as vectors: what one JSON reader would read differently from another is
    refused, naming what is wrong."""
    with pytest.raises(protocol.ProtocolError, match=re.escape(message)):
        protocol.parse_result(line)


def test_a_line_in_utf_16_or_32_is_read_as_json_reads_it():
    """json.loads reads bytes in the encoding their first bytes show (RFC 8259 §8.1 readers may); so does the
    strict reader."""
    line = '{"type":"result","seq":1,"skip":{"reason":"é"}}'
    for encoding in ("utf-16-le", "utf-16-be", "utf-16", "utf-32-le", "utf-32", "utf-8"):
        assert protocol.parse_result(line.encode(encoding))["skip"]["reason"] == "é", encoding


@given(st.binary(max_size=8).map(lambda head: b"{" + head) | st.binary(max_size=8))
@example(b"{")
@example(b"{\x00")
@example(b"{\x00\x00\x00")
def test_the_text_of_a_line_is_what_json_loads_decodes(line):
    """The shortcut for a line that starts with "{" and no NUL decodes as json.detect_encoding would choose."""
    try:
        want: object = line.decode(json.detect_encoding(line), "surrogatepass")
    except UnicodeDecodeError as exc:
        want = type(exc)
    try:
        got: object = protocol._text(line)
    except UnicodeDecodeError as exc:
        got = type(exc)
    assert got == want


def test_a_valid_surrogate_pair_is_text():
    message = protocol.parse_result('{"type":"result","seq":1,"skip":{"reason":"card \\ud83d\\udcb3"}}')
    assert message["skip"]["reason"] == "card \U0001f4b3"


def test_hello_is_read_strictly_too():
    with pytest.raises(protocol.ProtocolError, match="duplicate key 'protocol'"):
        protocol.parse_hello('{"type":"hello","protocol":2,"protocol":1}')


@pytest.fixture(autouse=True)
def _rules_looked_up_afresh():
    """What decoding an output needs is remembered per registry; each test starts without it, so that no test
    depends on another having looked it up first."""
    protocol._output_rules_seen.clear()
    yield
    protocol._output_rules_seen.clear()


def test_output_rules_follow_the_registry(monkeypatch):
    """The rules are remembered for one registry only: another registry (another set of schemes, or the same
    names registered anew) is looked up again, never answered from the old one."""
    from dataclasses import replace

    from hmac_conformance import schemes

    output = {"tag": "AAEC"}
    assert protocol.decode_output("hmac", "mac", output) == {"tag": b"\0\1\2"}
    real = schemes.all_schemes()
    hmac = real["hmac"]
    textual = replace(hmac, operations={**hmac.operations, "mac": replace(hmac.operations["mac"], byte_outputs=())})
    monkeypatch.setattr(schemes, "all_schemes", lambda: {**real, "hmac": textual})
    assert protocol.decode_output("hmac", "mac", output) == {"tag": "AAEC"}, "the new registry's rules"
    with pytest.raises(protocol.ProtocolError, match=r"^invalid hmac mac output \(tag\): "):
        protocol.decode_output("hmac", "mac", {"tag": 5})
