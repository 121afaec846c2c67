"""The firstvision diagnosis, called directly: each catalogue transform at its boundaries (the catalogue is built
from these factories once, at import, so they are tested here on their own), the readings of a signature text,
JSON.stringify's number and key rules, and the exact finding for each kind of wrong signature."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from hmac_conformance._judging import Finding
from hmac_conformance._load import load
from hmac_conformance.schemes.firstvision import diagnose as d
from hmac_conformance.schemes.hmac.reference import full_mac

VECTORS = {v.id: v for v in load().vectors}
SIGN = VECTORS["firstvision/sign/post-json"]
RECIPE = d.Recipe("sha256", b"secret", ("key", "id", "1700000000000"), b'{"a": 1}')


def recipe(**changes) -> d.Recipe:
    return dataclasses.replace(RECIPE, **changes)


# -- the transforms ----------------------------------------------------------------------------------------------------


def test_recipe_message_joins_fields_in_order_then_the_body():
    assert RECIPE.message() == b'keyid1700000000000{"a": 1}'
    assert recipe(order=(2, 0, 1), separator=b"|").message() == b'1700000000000|key|id|{"a": 1}'
    assert recipe(fields=("k\u00e9y", "i", "1")).message() == 'k\u00e9yi1{"a": 1}'.encode()
    assert RECIPE.mac() == full_mac("sha256", b"secret", RECIPE.message())


def test_a_body_transform_applies_only_when_it_changes_the_body():
    assert d._body(lambda b: b + b"\n")(RECIPE) == recipe(body=b'{"a": 1}\n')
    assert d._body(lambda b: b)(RECIPE) is None
    assert d._body(lambda b: None)(RECIPE) is None
    seen = []
    d._body(seen.append)(RECIPE)
    assert seen == [b'{"a": 1}']


def test_a_json_transform_applies_to_json_bodies_only():
    compact = d._json_body(lambda v: f"{v}")
    assert compact(RECIPE) == recipe(body=b"{'a': 1}")
    assert compact(recipe(body=b"not json")) is None
    assert compact(recipe(body=b"  ")) is None
    as_js = d._json_body(lambda v: f"{v}", js_numbers=True)
    assert as_js(RECIPE) == recipe(body=b"{'a': 1.0}")
    assert d._json_body(lambda v: "\u00e9")(RECIPE).body == "\u00e9".encode()


def test_json_value():
    assert d._json_value(b'{"a": 1, "b": 2.5}') == {"a": 1, "b": 2.5}
    assert type(d._json_value(b"[1]")[0]) is int
    assert d._json_value(b"[1]", js_numbers=True) == [1.0] and type(d._json_value(b"[1]", True)[0]) is float
    for not_json in (b"", b" \n", b"NaN", b"[Infinity]", b"[-Infinity]", b"\xff", b"{", b"[" * 100_000):
        assert d._json_value(not_json) is None, not_json
        assert d._json_value(not_json, js_numbers=True) is None, not_json


def test_field_order_separator_and_empty_body_transforms():
    assert d._order((1, 0, 2))(RECIPE) == recipe(order=(1, 0, 2))
    assert d._separator(b":")(RECIPE) == recipe(separator=b":")
    assert d._when_empty(b"{}")(b"") == b"{}"
    assert d._when_empty(b"{}")(b"x") is None
    assert d._order_title((2, 0, 1)) == "fields signed in the order Timestamp, Api-Key, Client-Request-Id, body"


@pytest.mark.parametrize(
    ("body", "as_utf8"), [(b"\x80", "\u0080".encode()), (b"caf\xe9", "caf\u00e9".encode()), (b"ascii", None)]
)
def test_latin1_read_as_utf8(body, as_utf8):
    assert d._latin1_as_utf8(body) == as_utf8


@pytest.mark.parametrize(
    ("body", "as_latin1"), [("caf\u00e9".encode(), b"caf\xe9"), ("\u20ac".encode(), None), (b"\xff", None)]
)
def test_utf8_encoded_as_latin1(body, as_latin1):
    assert d._utf8_as_latin1(body) == as_latin1


@pytest.mark.parametrize(
    ("timestamp", "seconds"),
    [("1700000000000", "1700000000"), ("1000", "1"), ("999", None), ("abcd", None), ("\u0661\u0662\u0663\u0664", None),
     ("17000000000x0", None)],
)  # fmt: skip
def test_timestamp_in_seconds(timestamp, seconds):
    got = d._seconds(recipe(fields=("k", "i", timestamp)))
    assert (got.fields[2] if got else None) == seconds
    if got:
        assert got.fields[:2] == ("k", "i")


@pytest.mark.parametrize(
    ("secret", "decoded"), [(b"0a0B", b"\x0a\x0b"), (b"", None), (b"abc", None), (b"zz", None), (b"\xff\xfe", None)]
)
def test_secret_hex_decoded(secret, decoded):
    got = d._secret_hex(recipe(secret=secret))
    assert (got.secret if got else None) == decoded


@pytest.mark.parametrize(
    ("secret", "decoded"), [(b"AAEC", b"\x00\x01\x02"), (b"", None), (b"AA!C", None), (b"AAEC!", None), (b"AAE", None)]
)
def test_secret_base64_decoded(secret, decoded):
    got = d._secret_base64(recipe(secret=secret))
    assert (got.secret if got else None) == decoded


def test_the_other_algorithm():
    assert d._other_algorithm(RECIPE) == recipe(algorithm="sha512")
    assert d._other_algorithm(recipe(algorithm="sha512")) == RECIPE
    assert d._other_algorithm(recipe(algorithm="sha3-256")) is None


def test_apply_needs_every_mistake_of_a_pair_to_change_something():
    by_id = {m.id: m for m in d.CATALOGUE}
    pair = (by_id["timestamp-seconds"], by_id["body-newline-added"])
    assert d._apply(RECIPE, pair) == recipe(fields=("key", "id", "1700000000"), body=b'{"a": 1}\n')
    assert d._apply(recipe(body=b""), (by_id["body-omitted"],)) is None
    assert d._apply(RECIPE, (by_id["body-newline-added"], by_id["body-newline-added"])) is not None
    assert d._apply(recipe(algorithm="sha3-256"), (by_id["timestamp-seconds"], by_id["other-algorithm"])) is None


# -- signature texts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "raw"),
    [("AAAA", {}, b"\0\0\0"), ("AA==", {}, b"\0"), ("AA!A", {}, None), ("AAAA!", {}, None), ("AA AA", {}, None), ("AA", {}, None), ("-_8=", {"altchars": b"-_"}, b"\xfb\xff"),
     ("AA", {"pad": True}, b"\0"), ("AAA", {"pad": True}, b"\0\0"), ("AAAA", {"pad": True}, b"\0\0\0"),
     ("AAAAAA", {"pad": True}, b"\0\0\0\0"), ("AAAAA", {"pad": True}, None), ("AA==", {"pad": True}, None),
     ("\u00e9AAA", {}, None)],
)  # fmt: skip
def test_b64_readings(text, kwargs, raw):
    assert d._b64(text, **kwargs) == raw


def test_hex_text_and_url_only():
    assert d._hex_text(b"0aff", upper=False) == b"\x0a\xff"
    assert d._hex_text(b"0AFF", upper=False) is None
    assert d._hex_text(b"0AFF", upper=True) == b"\x0a\xff"
    assert d._hex_text(b"0123", upper=True) is None, "uppercase hex needs a letter to be told apart"
    assert d._hex_text(b"abc", upper=False) is None and d._hex_text(None, upper=False) is None
    assert d._url_only("a-b") and d._url_only("a_b") and not d._url_only("a+b/")


def test_decode_signature_keeps_readings_of_a_mac_length():
    mac = bytes(range(32))
    readings = {e.id: raw for e, raw in d.decode_signature(mac.hex())}
    assert readings == {"hex": mac}
    b64 = base64.b64encode(mac).decode()
    assert {e.id: raw for e, raw in d.decode_signature(b64)} == {"base64": mac}
    assert {e.id: raw for e, raw in d.decode_signature(b64.rstrip("="))} == {"base64-unpadded": mac}
    assert d.decode_signature(base64.b64encode(bytes(31)).decode()) == []


# -- JSON.stringify --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.0, "0"), (-0.0, "0"), (1.0, "1"), (-1.5, "-1.5"), (100.0, "100"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
     (123456789012345680000.0, "123456789012345680000"), (0.000001, "0.000001"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"),
     (-2.5e30, "-2.5e+30"), (0.1, "0.1"), (12.34, "12.34"), (float("inf"), "null")],
)  # fmt: skip
def test_js_number(x, text):
    assert d.js_number(x) == text


def test_js_stringify_keys_strings_and_values():
    value = {"x": 1, "10": None, "9": True, "4294967295": False, "4294967294": [1.5, "s"], "01": 0}
    assert d.js_stringify(value) == ('{"9":true,"10":null,"4294967294":[1.5,"s"],"x":1,"4294967295":false,"01":0}')
    assert d._js_string('\ud7ff\ud800\udfff\ue000\x1f\n"\\\u2028') == (
        '"\ud7ff\\ud800\\udfff\ue000\\u001f\\n\\"\\\\\u2028"'
    )


# -- findings --------------------------------------------------------------------------------------------------------


def sign_vector(vid: str = "firstvision/sign/post-json", **inp):
    vector = VECTORS[vid]
    return dataclasses.replace(vector, input={**vector.input, **inp})


def recipe_of(vector) -> d.Recipe:
    inp = vector.input
    return d.Recipe(
        inp["algorithm"], inp["secret"], (inp["api_key"], inp["client_request_id"], inp["timestamp"]), inp["body"]
    )


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_not_an_encoding_of_a_mac():
    assert d.signature(SIGN, "not a signature") == Finding("not an encoding of a 32- or 64-byte MAC")


def test_the_right_mac_in_the_canonical_encoding_when_the_legacy_one_was_asked_for():
    vector = sign_vector(signature_encoding="legacy-hex-base64")
    assert d.signature(vector, b64(recipe_of(vector).mac())) == Finding(
        "correct MAC, but the encoding option was ignored (encoding-option-ignored)",
        ("diagnosis: correct MAC, but signature_encoding: legacy-hex-base64 was ignored: the signer produced the "
         "canonical encoding [encoding-option-ignored] (FV-12)",),
        ("encoding-option-ignored",),
    )  # fmt: skip


def test_the_right_mac_in_non_canonical_base64():
    text = b64(recipe_of(SIGN).mac())  # 32 bytes: 43 characters and one '=', 2 unused bits in the last one
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(text[-2])
    odd = text[:-2] + alphabet[last | 1] + "="
    assert odd != text
    assert d.signature(SIGN, odd) == Finding(
        "correct MAC, non-canonical Base64 text (non-canonical-base64)",
        (
            "diagnosis: correct MAC, but the Base64 text is not canonical (non-zero unused bits) [non-canonical-base64] (FV-10)",
        ),
        ("non-canonical-base64",),
    )


def test_the_right_mac_in_another_encoding():
    mac = recipe_of(SIGN).mac()
    assert d.signature(SIGN, mac.hex()) == Finding(
        "correct MAC, wrong encoding: hex",
        (
            "diagnosis: correct MAC, wrong encoding: hex of the MAC, not Base64 instead of Base64 of the MAC (FV-10) [hex]",
        ),
        ("hex",),
    )
    legacy = sign_vector(signature_encoding="legacy-hex-base64")
    assert d.signature(legacy, mac.hex().upper()).lines == (
        "diagnosis: correct MAC, wrong encoding: uppercase hex of the MAC, not Base64 instead of the legacy encoding "
        "(FV-12) [uppercase-hex]",
    )


def test_a_mistake_in_another_encoding_and_a_pair_of_mistakes():
    by_id = {m.id: m for m in d.CATALOGUE}
    wrong = d._apply(recipe_of(SIGN), (by_id["body-newline-added"], by_id["fields-joined-colon"])).mac()
    finding = d.signature(SIGN, wrong.hex())
    assert finding.summary == "body-newline-added+fields-joined-colon+hex"
    assert finding.lines == (
        "diagnosis: reproduced exactly with a trailing newline added to the body + fields and body joined with ':'; "
        "encoded as hex of the MAC, not Base64 [body-newline-added+fields-joined-colon+hex] (FV-8)",
    )
    wrong = d._apply(recipe_of(SIGN), (by_id["body-newline-added"], by_id["timestamp-seconds"])).mac()
    assert d.signature(SIGN, b64(wrong)).lines == (
        "diagnosis: reproduced exactly with a trailing newline added to the body + Timestamp in seconds instead of "
        "milliseconds [body-newline-added+timestamp-seconds] (FV-8, FV-7)",
    )


def test_the_legacy_encoding_of_a_wrong_mac():
    wrong = full_mac("sha256", b"other", b"x")
    legacy_text = b64(wrong.hex().encode())
    assert d.signature(SIGN, legacy_text) == Finding(
        "legacy encoding, and different MAC",
        ("diagnosis: legacy encoding (Base64 of the hex text of the MAC, FV-12), and the MAC is wrong",
         "diagnosis: no catalogue entry or pair of entries reproduces this signature (docs/diagnosis.md)"),
    )  # fmt: skip
    by_id = {m.id: m for m in d.CATALOGUE}
    seconds = d._apply(recipe_of(SIGN), (by_id["timestamp-seconds"],)).mac()
    finding = d.signature(SIGN, b64(seconds.hex().encode()))
    assert finding.summary == "legacy encoding, and timestamp-seconds"
    assert finding.lines[1] == (
        "diagnosis: reproduced exactly with Timestamp in seconds instead of milliseconds; encoded as Base64 of the "
        "lowercase hex text of the MAC (the legacy encoding, FV-12) [timestamp-seconds] (FV-7)"
    )


def test_nothing_reproduces_it():
    assert d.signature(SIGN, b64(bytes(32))) == Finding(
        "different MAC",
        ("diagnosis: no catalogue entry or pair of entries reproduces this signature (docs/diagnosis.md)",),
    )


def _compact_signature(vid: str) -> str:
    vector = VECTORS[vid]
    by_id = {m.id: m for m in d.CATALOGUE}
    return b64(d._apply(recipe_of(vector), (by_id["body-json-compact"],)).mac())


def test_three_explanations_are_all_in_the_summary():
    vector = VECTORS["firstvision/sign/post-json-pretty"]
    finding = d.signature(vector, _compact_signature(vector.id))
    assert finding.summary == "body-json-compact; or body-json-php; or body-json-stringify"
    assert finding.entries == ("body-json-compact", "body-json-php", "body-json-stringify")
    assert len(finding.lines) == 3


def test_more_than_three_explanations_are_counted():
    vector = VECTORS["firstvision/sign/body-crlf"]
    finding = d.signature(vector, _compact_signature(vector.id))
    assert finding.summary == "body-json-compact; or body-json-sorted-keys; or body-json-php; or 1 more"
    assert finding.entries == ("body-json-compact", "body-json-sorted-keys", "body-json-php", "body-json-stringify")
