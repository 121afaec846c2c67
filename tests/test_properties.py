"""Property and fuzz tests: the readers never crash on hostile input, the reference round-trips and rejects.

Every test is derandomized (the same examples on every run, so CI is reproducible) and has no deadline
(a slow CI machine must not turn into a flaky failure).
"""

from __future__ import annotations

import base64
import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hmac_conformance import _protocol as protocol
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance import schemes
from hmac_conformance._load import LoadResult, load_file
from hmac_conformance._model import Problem
from hmac_conformance._validate import validate
from hmac_conformance.schemes.firstvision import crosscheck
from hmac_conformance.schemes.firstvision import reference as firstvision
from hmac_conformance.schemes.hmac import reference as hmac
from tests.conftest import VECTORS

FUZZ = settings(max_examples=300, deadline=None, derandomize=True)
QUICK = settings(max_examples=100, deadline=None, derandomize=True)
FILES = settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

P = Path("fuzz.yaml")
REAL_FILE = (VECTORS / "hmac" / "rfc4231.yaml").read_bytes()


def first_vectors(count: int) -> bytes:
    """The real file's header and first ``count`` vectors: as realistic, and much faster to check per example."""
    at = -1
    for _ in range(count + 1):
        at = REAL_FILE.index(b"\n  - id:", at + 1)
    return REAL_FILE[: at + 1]


ONE_VECTOR, TWO_VECTORS = first_vectors(1), first_vectors(2)

# ---------------------------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------------------------

YAML_PUNCTUATION = ":-[]{}&*!|>'\"#%@,?"
YAML_ALPHABET = YAML_PUNCTUATION + string.ascii_letters + string.digits + " \n\t"
#: Fragments that make the generated text look like YAML more often than single characters do.
YAML_TOKENS = [
    *YAML_ALPHABET,
    "key: ",
    "- ",
    "  ",
    "\n  ",
    "\n- ",
    "---\n",
    "...\n",
    "? ",
    ": ",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "!t ",
    "<<: ",
    "{a: 1}",
    "[1, 2]",
    "|\n  x\n",
    ">-\n  y\n",
    '"\\u00e9"',
    '"\\ud800"',
    "'it''s'",
    "yes",
    "0755",
    "0x1f",
    "1e3",
    ".nan",
    "~",
    "2024-01-01",
    "2024-02-30",
    "2024-01-01 25:61:00",
    "1:20:30",
    "9" * 5000,
    "0x" + "f" * 4000,
    "0b" + "1" * 15000,
    "1" + ":59" * 2000,
    "#c\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "\r\n",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x01",
]

yaml_ish_text = st.one_of(
    st.text(alphabet=YAML_ALPHABET, max_size=200),
    st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join),
)


@st.composite
def mutated_real_file(draw: st.DrawFn) -> bytes:
    """A real vector file with a few byte-level insertions, deletions and replacements."""
    data = bytearray(REAL_FILE)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(st.one_of(st.binary(min_size=1, max_size=4), st.sampled_from(YAML_TOKENS).map(str.encode)))
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at : at + len(chunk)]
        else:
            data[at : at + len(chunk)] = chunk
    return bytes(data)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["result", "hello", "AAAA", "AAAA\n", "AA==", "AA=", "sha256", "stale", "stale\n"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "seq", "output", "skip", "error", "reason", "message", "tag", "valid", "signature"]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@st.composite
def protocol_shaped(draw: st.DrawFn) -> Any:
    """A message close to a valid result, hello response or output, with arbitrary values in its fields."""
    kind = draw(st.sampled_from(["result", "hello", "output"]))
    if kind == "result":
        message = {"type": "result", "seq": draw(st.integers(-2, 2) | json_values)}
        message[draw(st.sampled_from(["output", "skip", "error"]))] = draw(json_values)
    elif kind == "hello":
        message = {
            "type": "hello",
            "protocol": draw(st.sampled_from([1, 2, "1"])),
            "implementation": draw(st.just({"name": "x", "version": "1", "language": "go"}) | json_values),
            "supports": draw(json_values),
        }
    else:
        message = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "tag": json_values,
                    "valid": json_values,
                    "reason": json_values,
                    "signature": json_values,
                    "string_to_sign": json_values,
                    "headers": json_values,
                },
            )
        )
    return message


def to_line(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


# ---------------------------------------------------------------------------------------------------------------
# yamlsafe.load and load_file never crash
# ---------------------------------------------------------------------------------------------------------------


def _yaml_never_crashes(raw: bytes) -> None:
    try:
        doc = yamlsafe.load(P, raw)
    except yamlsafe.YamlError as exc:
        assert isinstance(exc.problem, Problem)
        assert exc.problem.path == P
        assert isinstance(exc.problem.line, int) and exc.problem.line >= 1, exc.problem
        return
    assert isinstance(doc, yamlsafe.Document)
    assert () in doc.marks


@FUZZ
@given(st.binary(max_size=300))
def test_yaml_load_arbitrary_bytes(raw):
    _yaml_never_crashes(raw)


@FUZZ
@given(st.text(max_size=200))
def test_yaml_load_arbitrary_text(text):
    _yaml_never_crashes(text.encode("utf-8"))


@FUZZ
@given(yaml_ish_text)
def test_yaml_load_yaml_ish_text(text):
    _yaml_never_crashes(text.encode("utf-8", "surrogatepass"))


@QUICK
@given(mutated_real_file())
def test_yaml_load_mutated_real_file(raw):
    _yaml_never_crashes(raw)


def _load_file_never_crashes(tmp_path: Path, raw: bytes) -> LoadResult:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    result = LoadResult()
    load_file(path, result)
    for problem in result.problems:
        assert isinstance(problem, Problem)
        assert problem.path == path
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        assert problem.message
    for vector in result.vectors:
        assert vector.path == path
    return result


@FILES
@given(st.binary(max_size=300) | yaml_ish_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_load_file_arbitrary_content(tmp_path, raw):
    result = _load_file_never_crashes(tmp_path, raw)
    assert result.problems, "no arbitrary short content is a valid vector file"


@FILES
@given(mutated_real_file())
def test_load_file_mutated_real_file(tmp_path, raw):
    _load_file_never_crashes(tmp_path, raw)


#: Near misses at the end of an encoded value: a JSON Schema ``pattern`` ending in ``$`` also matches before a
#: final newline, so "000\n" passes the schema's hex pattern and must still be refused without a crash.
SUFFIXES = st.sampled_from(["", "", "", "\n", "0", "0\n", "A", "A\n", "=", "==\n", "g", " ", "\r\n", "é"])
hex_texts = st.builds(lambda b, upper, end: (b.hex().upper() if upper else b.hex()) + end, st.binary(max_size=6),
                      st.booleans(), SUFFIXES)  # fmt: skip
base64_texts = st.builds(lambda b, end: base64.b64encode(b).decode() + end, st.binary(max_size=6), SUFFIXES)

BYTE_SPECS = st.recursive(
    st.builds(lambda t: {"utf8": t}, st.text(max_size=8) | st.just("\ud800"))
    | st.builds(lambda t: {"hex": t}, hex_texts | st.text(alphabet="0123456789abcdefABCDEFg \n", max_size=8))
    | st.builds(lambda t: {"base64": t}, base64_texts | st.text(alphabet="AQgw+/=_-\n é", max_size=8)),
    lambda inner: (
        st.builds(lambda b, n: {"repeat": b, "count": n}, inner, st.integers(0, 3) | st.just(10**12))
        | st.builds(lambda parts: {"concat": parts}, st.lists(inner, max_size=3))
    ),
    max_leaves=4,
)


BYTE_FIELD_TEXT = {
    "key": 'key: {hex: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"}',
    "message": 'message: {utf8: "Hi There"}',
    "tag": 'tag: {hex: "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22"}',
}


def _with_byte_string(field: str, spec: Any) -> bytes:
    return ONE_VECTOR.decode("utf-8").replace(BYTE_FIELD_TEXT[field], f"{field}: {json.dumps(spec)}", 1).encode()


@settings(FILES, max_examples=100)
@given(st.sampled_from(sorted(BYTE_FIELD_TEXT)), BYTE_SPECS)
def test_load_file_arbitrary_byte_strings(tmp_path, field, spec):
    """Schema-shaped byte strings with hostile contents: a problem with a line, never an exception."""
    _load_file_never_crashes(tmp_path, _with_byte_string(field, spec))


@settings(FILES, max_examples=100)
@given(st.sampled_from(sorted(BYTE_FIELD_TEXT)), st.sampled_from(["hex", "base64"]), hex_texts | base64_texts)
def test_load_file_near_miss_encodings(tmp_path, field, form, text):
    """Hex and Base64 that are almost right: they load to the bytes they spell, or are refused with a line."""
    result = _load_file_never_crashes(tmp_path, _with_byte_string(field, {form: text}))
    if not result.problems:
        decoded = bytes.fromhex(text) if form == "hex" else base64.b64decode(text, validate=True)
        assert text == (decoded.hex() if form == "hex" else base64.b64encode(decoded).decode())
        where = result.vectors[0].expected if field == "tag" else result.vectors[0].input
        assert where[field] == decoded


#: Plain scalars YAML reads as numbers, in every notation PyYAML knows (base 60 included).
NUMBER_FORMS = {
    "decimal": lambda n: "9" * n,
    "underscored": lambda n: "1_" * n + "1",
    "binary": lambda n: "0b" + "1" * n,
    "octal": lambda n: "0" + "7" * n,
    "hex": lambda n: "0x" + "f" * n,
    "base-60": lambda n: "1" + ":59" * n,
    "float": lambda n: "1." + "5" * n + "e+3",
}


@settings(FILES, max_examples=40)
@given(st.sampled_from(sorted(NUMBER_FORMS)), st.integers(1, 20_000), st.sampled_from(["tag_length", "message"]))
def test_load_file_long_plain_numbers(tmp_path, form, digits, where):
    """However long, an unquoted number is loaded or refused quickly with a line, never crashes the reader."""
    number = NUMBER_FORMS[form](digits)
    text = ONE_VECTOR.decode("utf-8")
    if where == "tag_length":
        text = text.replace("tag_length: 28", f"tag_length: {number}", 1)
    else:
        text = text.replace('message: {utf8: "Hi There"}', f"message: {{utf8: {number}}}", 1)
    result = _load_file_never_crashes(tmp_path, text.encode("utf-8"))
    if where == "message":
        assert any("put it in quotes" in p.message for p in result.problems), result.problems


SCALARS = st.sampled_from(["hmac", "firstvision", "hmacx", "1", "2", "yes", "~", "[]", "{}", '""', "[hmac]", "{a: 1}"])


@settings(FILES, max_examples=40)
@given(st.sampled_from(["format", "scheme", "description"]), SCALARS | st.none(), st.booleans())
def test_validate_with_broken_file_fields(tmp_path, name, value, break_a_vector):
    """A wrong or missing file-level field, alone or with a broken vector: reported, never a crash in lint."""
    text = TWO_VECTORS.decode("utf-8")
    line = next(line for line in text.splitlines(keepends=True) if line.startswith(f"{name}:"))
    text = text.replace(line, "" if value is None else f"{name}: {value}\n", 1)
    if break_a_vector:
        text = text.replace("tag_length: 28", "tag_length: yes", 1)
    path = tmp_path / "fields.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = validate([path])
    assert all(p.path == path and isinstance(p.line, int) for p in problems), problems
    still_valid = (name, value) in {("format", "1"), ("scheme", "hmac"), ("description", "hmacx"),
                                     ("description", "hmac"), ("description", "firstvision")}  # fmt: skip
    if break_a_vector or not still_valid:
        assert problems, f"{name}: {value!r} must be refused"
    else:
        assert problems == []
    if break_a_vector and (name, value) != ("format", None) and still_valid:
        assert any("tag_length" in p.message for p in problems)


# ---------------------------------------------------------------------------------------------------------------
# The protocol parsers raise ProtocolError and nothing else
# ---------------------------------------------------------------------------------------------------------------

OPERATIONS = sorted((s, op) for s, scheme in schemes.all_schemes().items() for op in scheme.operations)


def _parsed_or_refused(call: Any, *args: Any) -> Any:
    """The parsed value, or None when the parser refused with a ProtocolError; any other exception fails."""
    try:
        return call(*args)
    except protocol.ProtocolError:
        return None


def _is_result(message: Any) -> bool:
    """What parse_result promises of anything it returns: a well-formed result envelope."""
    return (
        isinstance(message, dict)
        and message.get("type") == "result"
        and type(message.get("seq")) is int
        and 0 <= message["seq"] <= protocol.MAX_SEQ
        and sum(k in message for k in ("output", "skip", "error")) == 1
        and set(message) <= {"type", "seq", "output", "skip", "error"}
    )


def _is_hello(message: Any) -> bool:
    return (
        isinstance(message, dict)
        and message.get("type") == "hello"
        and message.get("protocol") == 1
        and isinstance(message.get("implementation"), dict)
        and isinstance(message.get("supports"), dict)
    )


def _check_parsers(line: str | bytes) -> None:
    result = _parsed_or_refused(protocol.parse_result, line)
    assert result is None or _is_result(result), result
    hello = _parsed_or_refused(protocol.parse_hello, line)
    assert hello is None or _is_hello(hello), hello


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_protocol_parsers_on_arbitrary_bytes_and_text(line):
    _check_parsers(line)


@FUZZ
@given(json_values | protocol_shaped(), st.sampled_from(OPERATIONS))
def test_protocol_on_arbitrary_json(value, operation):
    line = to_line(value)
    _check_parsers(line)
    _check_parsers(line.encode("utf-8"))
    output = _parsed_or_refused(protocol.decode_output, *operation, value)
    assert output is None or isinstance(output, dict), output


def test_the_fuzzed_inputs_reach_both_outcomes():
    """The generators are not all refused (or all accepted): the properties above test both branches."""
    good = '{"type":"result","seq":3,"output":{"tag":"AAAA"}}'
    assert _is_result(_parsed_or_refused(protocol.parse_result, good))
    assert _parsed_or_refused(protocol.parse_result, '{"type":"result","seq":3}') is None


@QUICK
@given(st.sampled_from(OPERATIONS), base64_texts | st.text(alphabet="AQgw+/=\n\r \x00", max_size=12))
def test_decode_output_base64_fields(scheme_operation, text):
    """A Base64 field either decodes to bytes or is a ProtocolError (never a binascii.Error)."""
    operation = scheme_operation[1]
    field = {"mac": "tag", "sign": "string_to_sign"}.get(operation)
    output = {"tag": text} if operation == "mac" else {"valid": True}
    if operation == "sign":
        output = {"signature": "x", "string_to_sign": text}
    try:
        decoded = protocol.decode_output(*scheme_operation, output)
    except protocol.ProtocolError:
        return
    if field:
        assert decoded[field] == base64.b64decode(text.encode("ascii"), validate=True)


def test_deeply_nested_json_is_a_protocol_error():
    for depth in (100, 900, 5000):
        line = "[" * depth + "]" * depth
        for parse in (protocol.parse_result, protocol.parse_hello):
            with pytest.raises(protocol.ProtocolError):
                parse(line)
        nested = '{"type":"result","seq":0,"output":' + line + "}"
        with pytest.raises(protocol.ProtocolError):
            protocol.parse_result(nested)
    # A nested value where the envelope allows one is not refused for its depth alone.
    assert protocol.parse_result('{"type":"result","seq":0,"output":{"a":[[[[1]]]]}}')["output"] == {"a": [[[[1]]]]}


# ---------------------------------------------------------------------------------------------------------------
# firstvision: sign -> verify round-trips, and any single change is rejected
# ---------------------------------------------------------------------------------------------------------------

WINDOW_MS = 300_000
API_KEY_CHARS = string.ascii_letters + string.digits
REQUEST_ID_CHARS = API_KEY_CHARS + "-"
B64_ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"


@st.composite
def signed_requests(draw: st.DrawFn, nonempty_secret: bool = False) -> dict[str, Any]:
    algorithm = draw(st.sampled_from(["sha256", "sha512"]))
    encoding = draw(st.sampled_from(["base64", "legacy-hex-base64"]))
    now_ms = draw(st.integers(WINDOW_MS + 1, 10**15))
    timestamp = str(now_ms + draw(st.integers(-WINDOW_MS, WINDOW_MS)))
    fields = {
        "algorithm": algorithm,
        "secret": draw(st.binary(min_size=1 if nonempty_secret else 0, max_size=200)),
        "api_key": draw(st.text(alphabet=API_KEY_CHARS, min_size=1, max_size=128)),
        "client_request_id": draw(st.text(alphabet=REQUEST_ID_CHARS, min_size=1, max_size=128)),
        "timestamp": timestamp,
        "method": draw(st.sampled_from(["GET", "POST", "PUT"])),
        "path": "/v1/cards",
        "body": draw(st.binary(max_size=300)),
        "signature_encoding": encoding,
    }
    return {"fields": fields, "now_ms": now_ms}


def _verify(fields: dict[str, Any], now_ms: int, headers: dict[str, str], body: bytes, secret: bytes) -> dict[str, Any]:
    return firstvision.verify(
        request={"method": fields["method"], "path": fields["path"], "headers": list(headers.items()), "body": body},
        keys=[{"api_key": fields["api_key"], "secret": secret, "algorithm": fields["algorithm"]}],
        now_ms=now_ms,
        window_ms=WINDOW_MS,
        seen_request_ids=[],
        legacy_hex_base64=True,
    )


@FUZZ
@given(signed_requests())
def test_firstvision_sign_then_verify_is_valid(case):
    fields, now_ms = case["fields"], case["now_ms"]
    signed = firstvision.sign(**fields)
    # The reference's signer is checked against the independent implementation (its own HMAC library, its own
    # string to sign), not against the reference's own helpers: a bug both share would otherwise pass.
    independent = crosscheck.signed_bytes(fields["api_key"], fields["client_request_id"], fields["timestamp"],
                                          fields["body"])  # fmt: skip
    assert signed["string_to_sign"] == independent
    assert signed["signature"] == crosscheck.signature(
        fields["algorithm"], fields["secret"], independent, fields["signature_encoding"]
    )
    assert _verify(fields, now_ms, signed["headers"], fields["body"], fields["secret"]) == {"valid": True}


def _replace_char(text: str, index: int, new: str) -> str:
    assume(text[index] != new)
    return text[:index] + new + text[index + 1 :]


def _replace_byte(data: bytes, index: int, new: int) -> bytes:
    assume(data[index] != new)
    return data[:index] + bytes([new]) + data[index + 1 :]


#: A replacement character: usually one a field may hold (to reach the signature check), sometimes anything.
replacement_chars = st.one_of(
    st.sampled_from(REQUEST_ID_CHARS), st.sampled_from(" \t,;:=+/"), st.characters(codec="utf-8")
)


#: What each single change may be rejected as (FV-16 order): never accepted, never for an unrelated reason.
REJECTIONS = {
    "Api-Key": {"malformed-api-key", "unknown-api-key"},
    "Client-Request-Id": {"malformed-request-id", "signature-mismatch"},
    "Timestamp": {"malformed-timestamp", "stale", "future", "signature-mismatch"},
    "body": {"signature-mismatch"},
    "secret": {"signature-mismatch"},
    "signature-char": {"malformed-signature", "signature-mismatch"},
    "mac-byte": {"signature-mismatch"},
}


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    signed_requests(nonempty_secret=True),
    st.sampled_from(sorted(REJECTIONS)),
    st.data(),
)
def test_firstvision_any_single_change_is_rejected(case, target, data):
    fields, now_ms = case["fields"], case["now_ms"]
    signed = firstvision.sign(**fields)
    headers, body, secret = dict(signed["headers"]), fields["body"], fields["secret"]
    assert _verify(fields, now_ms, headers, body, secret)["valid"] is True

    if target in ("Api-Key", "Client-Request-Id", "Timestamp"):
        # The key store keeps the original Api-Key: a changed one is unknown (or malformed).
        value = headers[target]
        index = data.draw(st.integers(0, len(value) - 1), label="index")
        headers[target] = _replace_char(value, index, data.draw(replacement_chars, label="char"))
    elif target == "body":
        assume(body)
        index = data.draw(st.integers(0, len(body) - 1), label="index")
        body = _replace_byte(body, index, data.draw(st.integers(0, 255), label="byte"))
    elif target == "secret":
        index = data.draw(st.integers(0, len(secret) - 1), label="index")
        secret = _replace_byte(secret, index, data.draw(st.integers(0, 255), label="byte"))
    elif target == "signature-char":
        value = headers["Authorization"]
        index = data.draw(st.integers(0, len(value) - 1), label="index")
        headers["Authorization"] = _replace_char(value, index, data.draw(st.sampled_from(B64_ALPHABET), label="char"))
    else:  # one byte of the MAC the signature carries, re-encoded in the same encoding
        mac = crosscheck.mac(fields["algorithm"], secret, signed["string_to_sign"])
        index = data.draw(st.integers(0, len(mac) - 1), label="index")
        changed = _replace_byte(mac, index, data.draw(st.integers(0, 255), label="byte"))
        headers["Authorization"] = firstvision.encode_signature(changed, fields["signature_encoding"])

    outcome = _verify(fields, now_ms, headers, body, secret)
    assert outcome["valid"] is False, (target, headers, outcome)
    assert outcome["reason"] in REJECTIONS[target], (target, headers, outcome)


#: Characters that sit on either side of FV-5..7: ASCII letters, digits and '-', white space that FV-3 trims or
#: keeps, punctuation that lenient parsers take, and non-ASCII letters and digits that Unicode classes accept.
FIELD_CHARS = st.sampled_from(
    [*"aZ09-", "0", "1", "9", " ", "\t", ".", "+", "_", "e", "\u00a0", "\u000b", "\ufeff", "\u3000", "é", "ñ",
     "\u0391", "\u212a", "１", "٤", "²"]
)  # fmt: skip
field_values = st.one_of(
    st.text(FIELD_CHARS, max_size=20),
    st.text(alphabet=REQUEST_ID_CHARS, min_size=120, max_size=135),
    st.text(alphabet=string.digits, min_size=14, max_size=18),
)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(field_values, field_values, field_values)
def test_signer_refusal_agrees_with_the_independent_checks_and_never_trims(api_key, request_id, timestamp):
    """FV-17: the reference refuses exactly when the independent checks find a problem, with the first one."""
    fields = {"api_key": api_key, "client_request_id": request_id, "timestamp": timestamp}
    out = firstvision.sign(algorithm="sha256", secret=b"k", method="POST", path="/", body=b"{}",
                           signature_encoding="base64", **fields)  # fmt: skip
    problems = crosscheck.field_problems(api_key, request_id, timestamp)
    if problems:
        assert out == {"refused": problems[0]}
    else:
        assert out["headers"]["Api-Key"] == api_key  # signed and sent exactly as given
        assert out["headers"]["Client-Request-Id"] == request_id
        assert out["headers"]["Timestamp"] == timestamp
        assert out["string_to_sign"] == (api_key + request_id + timestamp).encode("ascii") + b"{}"


# ---------------------------------------------------------------------------------------------------------------
# hmac: mac_verify accepts exactly the right tag
# ---------------------------------------------------------------------------------------------------------------


@st.composite
def mac_cases(draw: st.DrawFn) -> dict[str, Any]:
    algorithm = draw(st.sampled_from(sorted(hmac.ALGORITHMS)))
    tag_length = draw(st.integers(hmac.MIN_TAG_LENGTH, hmac.ALGORITHMS[algorithm][1]))
    return {
        "algorithm": algorithm,
        "key": draw(st.binary(max_size=300)),
        "message": draw(st.binary(max_size=500)),
        "tag_length": tag_length,
    }


@settings(max_examples=200, deadline=None, derandomize=True)
@given(mac_cases(), st.data())
def test_mac_verify_accepts_exactly_the_right_tag(case, data):
    tag = hmac.mac(**case)["tag"]
    full = crosscheck.mac(case["algorithm"], case["key"], case["message"])  # independent of the reference
    assert tag == full[: case["tag_length"]]
    assert hmac.mac_verify(**case, tag=tag) == {"valid": True}

    bit = data.draw(st.integers(0, len(tag) * 8 - 1), label="bit")
    flipped = bytearray(tag)
    flipped[bit // 8] ^= 1 << (bit % 8)
    assert hmac.mac_verify(**case, tag=bytes(flipped)) == {"valid": False, "reason": "tag-mismatch"}

    cut = data.draw(st.integers(0, len(tag) - 1), label="truncate to")
    assert hmac.mac_verify(**case, tag=tag[:cut]) == {"valid": False, "reason": "wrong-tag-length"}

    extras = st.binary(min_size=1, max_size=64)
    if len(full) > len(tag):  # also the true continuation of the MAC
        extras |= st.integers(1, len(full) - len(tag)).map(lambda n: full[len(tag) : len(tag) + n])
    extra = data.draw(extras, label="extra")
    assert hmac.mac_verify(**case, tag=tag + extra) == {"valid": False, "reason": "wrong-tag-length"}
