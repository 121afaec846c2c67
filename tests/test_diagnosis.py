"""The diagnosis engine names the bug: every catalogue entry is caught in a one-bug implementation that returns
only a signature (or a tag), and the runner names exactly that entry."""

from __future__ import annotations

import json
import random
import re
import subprocess

import pytest

from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._execute import execute
from hmac_conformance._load import load
from hmac_conformance._outcome import Result
from hmac_conformance.schemes.firstvision import diagnose
from tests.conftest import require_tool

S = "firstvision/sign/"
#: one-bug implementation (tests/impls/mistakes.py) -> (vector on which it is the only explanation, entry named)
SIGNERS = {
    "body_json_compact": (S + "body-key-order", "body-json-compact"),
    "body_json_sorted_keys": (S + "post-json", "body-json-sorted-keys"),
    "body_json_pretty_2": (S + "post-json", "body-json-pretty-2"),
    "body_json_pretty_4": (S + "post-json-pretty", "body-json-pretty-4"),
    "body_json_python_default": (S + "body-utf8-non-ascii", "body-json-python-default"),
    "body_json_php": (S + "body-utf8-non-ascii", "body-json-php"),
    "body_json_stringify": (S + "body-key-order", "body-json-stringify"),
    "body_trimmed": (S + "body-surrounding-whitespace", "body-trimmed"),
    "body_newline_added": (S + "post-json", "body-newline-added"),
    "body_newline_removed": (S + "body-two-trailing-newlines", "body-newline-removed"),
    "body_crlf_to_lf": (S + "body-crlf", "body-crlf-to-lf"),
    "body_lf_to_crlf": (S + "post-json-pretty", "body-lf-to-crlf"),
    "body_bom_stripped": (S + "body-bom", "body-bom-stripped"),
    "body_utf8_replacement": (S + "body-binary", "body-utf8-replacement"),
    "body_latin1_decoded": (S + "body-utf8-non-ascii", "body-latin1-decoded"),
    "body_latin1_encoded": (S + "body-latin1-range", "body-latin1-encoded"),
    "body_empty_as_object_text": (S + "get-empty-body", "body-empty-as-object-text"),
    "body_empty_as_braces": (S + "get-empty-body", "body-empty-as-braces"),
    "body_omitted": (S + "post-json", "body-omitted"),
    "timestamp_seconds": (S + "post-json", "timestamp-seconds"),
    "fields_order_atk": (S + "post-json", "fields-order-atk"),
    "fields_order_kat": (S + "post-json", "fields-order-kat"),
    "fields_order_kta": (S + "post-json", "fields-order-kta"),
    "fields_order_tak": (S + "post-json", "fields-order-tak"),
    "fields_order_tka": (S + "post-json", "fields-order-tka"),
    "fields_joined_colon": (S + "post-json", "fields-joined-colon"),
    "fields_joined_newline": (S + "post-json", "fields-joined-newline"),
    "fields_joined_ampersand": (S + "post-json", "fields-joined-ampersand"),
    "fields_joined_comma": (S + "post-json", "fields-joined-comma"),
    "fields_joined_pipe": (S + "post-json", "fields-joined-pipe"),
    "secret_hex_decoded": (S + "secret-looks-hex", "secret-hex-decoded"),
    "secret_base64_decoded": (S + "secret-looks-base64", "secret-base64-decoded"),
    "other_algorithm": (S + "post-json", "other-algorithm"),
    # encodings of the right MAC
    "hex": (S + "post-json", "hex"),
    "uppercase_hex": (S + "post-json", "uppercase-hex"),
    "legacy_hex_base64": (S + "post-json", "legacy-hex-base64"),
    "base64_of_uppercase_hex": (S + "post-json", "base64-of-uppercase-hex"),
    "base64url": (S + "body-crlf", "base64url"),
    "base64_unpadded": (S + "post-json", "base64-unpadded"),
    "base64url_unpadded": (S + "body-crlf", "base64url-unpadded"),
    "encoding_option_ignored": (S + "legacy-hex-base64", "encoding-option-ignored"),
}
H = "hmac/"
TAGGERS = {
    "truncated_rightmost": (H + "rfc4231/sha256/case-5", "truncated-rightmost"),
    "not_truncated": (H + "rfc4231/sha256/case-5", "not-truncated"),
    "plain_hash_key_first": (H + "rfc4231/sha256/case-1", "plain-hash-key-first"),
    "plain_hash_key_last": (H + "rfc4231/sha256/case-1", "plain-hash-key-last"),
    "long_key_not_hashed": (H + "rfc4231/sha256/case-6", "long-key-not-hashed"),
    "key_always_hashed": (H + "rfc4231/sha256/case-1", "key-always-hashed"),
    "block_length_64": (H + "rfc4231/sha512/case-1", "block-length-64"),
    "block_length_72": (H + "rfc4231/sha256/case-1", "block-length-72"),
    "block_length_104": (H + "rfc4231/sha256/case-1", "block-length-104"),
    "block_length_128": (H + "rfc4231/sha256/case-1", "block-length-128"),
    "block_length_136": (H + "rfc4231/sha256/case-1", "block-length-136"),
    "block_length_144": (H + "rfc4231/sha256/case-1", "block-length-144"),
    **{
        f"other_algorithm_{alg.replace('-', '_')}": (
            H + ("rfc2202/md5/case-1" if alg != "md5" else "rfc2202/sha1/case-1"),
            f"other-algorithm-{alg}",
        )
        for alg in (
            "md5",
            "sha1",
            "sha224",
            "sha256",
            "sha384",
            "sha512",
            "sha512-224",
            "sha512-256",
            "sha3-224",
            "sha3-256",
            "sha3-384",
            "sha3-512",
        )
    },
}
NAMED = re.compile(r"^diagnosis: .*\[([^\]]+)\]", re.MULTILINE)
VECTORS = {v.id: v for v in load().vectors}


def diagnosed(impl: str, vector_id: str) -> Result:
    """The runner's result for one vector and an in-process implementation (no CLI start-up per case)."""
    target = load_target(f"tests.impls.mistakes:{impl}")
    run = execute(InProcessAdapter(impl, target), [VECTORS[vector_id]])
    return run.results[0]


def test_every_catalogue_entry_has_a_one_bug_test():
    covered = {entry for _, entry in [*SIGNERS.values(), *TAGGERS.values()]}
    catalogue = {m.id for m in diagnose.CATALOGUE} | {e.id for e in diagnose.ENCODINGS if e.id != "base64"}
    assert catalogue - covered == set()


@pytest.mark.parametrize("bug", sorted(SIGNERS))
def test_signer_mistake_is_named_exactly(bug):
    if bug in ("body_json_stringify", "body_empty_as_object_text"):
        require_tool("node")
    vector_id, entry = SIGNERS[bug]
    result = diagnosed(bug, vector_id)
    assert result.status == "fail"
    assert NAMED.findall(result.diagnostic) == [entry], result.diagnostic
    assert entry in result.message
    assert "return string_to_sign" not in result.diagnostic, "a named bug needs no string to sign"


@pytest.mark.parametrize("bug", sorted(TAGGERS))
def test_tag_mistake_is_named_exactly(bug):
    vector_id, entry = TAGGERS[bug]
    result = diagnosed(bug, vector_id)
    assert result.status == "fail"
    assert NAMED.findall(result.diagnostic) == [entry], result.diagnostic
    assert result.message.startswith("tag differs: ")


def test_the_console_shows_the_diagnosis(hc):
    result = hc("run", "--impl=python:tests.impls.mistakes:timestamp_seconds", "-k", S + "post-json")
    assert result.code == 1
    assert "FAIL        firstvision/sign/post-json  signature differs: timestamp-seconds" in result.out
    assert (
        "    diagnosis: reproduced exactly with Timestamp in seconds instead of milliseconds [timestamp-seconds] (FV-7)"
        in result.out
    )


def test_legacy_label_does_not_hide_a_second_bug():
    require_tool("node")
    result = diagnosed("legacy_with_stringify", S + "body-key-order")
    assert result.message == "signature differs: legacy encoding, and body-json-stringify"
    assert "legacy encoding (Base64 of the hex text of the MAC, FV-12), and the MAC is wrong" in result.diagnostic


def test_sha256_legacy_signer_on_a_sha512_vector():
    result = diagnosed("legacy_with_sha256", S + "sha512-post-json")
    assert result.message == "signature differs: legacy encoding, and other-algorithm"
    assert "right shape, different MAC" not in result.diagnostic


def test_no_explanation_says_so_and_asks_for_the_string_to_sign():
    vector = VECTORS[S + "post-json"]
    finding = diagnose.signature(vector, "A" * 43 + "=")  # 32 zero bytes
    assert finding.entries == ()
    assert finding.summary == "different MAC"
    assert "no catalogue entry or pair of entries reproduces" in finding.lines[-1]


def test_a_pair_of_mistakes_is_named_as_a_pair():
    vector = VECTORS[S + "body-key-order"]
    inp = vector.input
    seconds = str(int(inp["timestamp"]) // 1000)
    body = json.dumps(json.loads(inp["body"]), separators=(",", ":"), ensure_ascii=False).encode()
    import base64
    import hmac

    message = (inp["api_key"] + inp["client_request_id"] + seconds).encode() + body
    sig = base64.b64encode(hmac.new(inp["secret"], message, "sha256").digest()).decode()
    assert diagnose.signature(vector, sig).entries == ("body-json-compact+timestamp-seconds",)


def test_non_canonical_base64_of_the_right_mac():
    vector = VECTORS[S + "post-json"]
    text = vector.expected["signature"]  # '...BLk=': the last character carries two unused bits
    changed = text[:-2] + "l" + text[-1]
    assert changed != text
    finding = diagnose.signature(vector, changed)
    assert finding.entries == ("non-canonical-base64",)


def test_js_stringify_matches_node():
    """The JavaScript re-serialisation is checked against a real JavaScript engine, on numbers above all."""
    require_tool("node")
    rng = random.Random(1)
    numbers = ["0", "-0", "1.0", "2e2", "1e21", "1e-7", "123456789012345678901234", "0.1", "-1.5e-10", "5e-324",
               "1.7976931348623157e308", "1e400", "12345678901234567890", "100", "0.000001", "123e-20", "-0.0"]  # fmt: skip
    texts = [f'{{"n":{n}}}' for n in numbers]
    texts += ['{"b":1,"2":2,"1":3,"a":[true,false,null]}', '{"s":"\\u0001\\u001f\\"\\\\/\\u2028\\ud83d\\ude00 é"}']
    for _ in range(50):
        value = {f"k{i}": rng.choice([rng.random() * 10 ** rng.randint(-10, 25), rng.randint(-(10**20), 10**20), "x"])
                 for i in range(3)}  # fmt: skip
        texts.append(json.dumps(value))
    script = (
        "const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);"
        "process.stdout.write(lines.map(l => JSON.stringify(JSON.parse(l))).join('\\n'));"
    )
    node = subprocess.run(["node", "-e", script], input="\n".join(texts), capture_output=True, text=True, check=True)
    ours = [diagnose.js_stringify(diagnose._json_value(t.encode(), js_numbers=True)) for t in texts]
    assert ours == node.stdout.split("\n")


# -- where a string to sign differs, in plain words -----------------------------------------------------------------

SPANS = [("Api-Key", 0, 3), ("Client-Request-Id", 3, 6), ("Timestamp", 6, 9), ("body", 9, 12)]


@pytest.mark.parametrize(
    ("want", "got", "first_line"),
    [
        (b"abcdefghiXYZ", b"abcdefghiXYZ\n", "first difference at byte 12 (expected 12 bytes, got 13): body gained 1 byte at its end: \\n"),
        (b"abcdefghiXYZ", b"abcdefghiXYZ\r\n", "first difference at byte 12 (expected 12 bytes, got 14): body gained 2 bytes at its end: \\r\\n"),
        (b"abcdefghiXYZ", b"abcdefghiXY", "first difference at byte 11 (expected 12 bytes, got 11): body lost 1 byte at its end: Z"),
        (b"abcdefghiXYZ", b"abcdefghiXYz", "first difference at byte 11 (expected 12 bytes, got 12), in body (byte 2 of the field)"),
        (b"abcdefghiXYZ", b"abcdefghi_YZ", "first difference at byte 9 (expected 12 bytes, got 12), in body (byte 0 of the field)"),
        (b"abcdefghiXYZ", b"abcdefghXXYZ", "first difference at byte 8 (expected 12 bytes, got 12), in Timestamp (byte 2 of the field)"),
        (b"abcdefghiXYZ", b"abcDefghiXYZ", "first difference at byte 3 (expected 12 bytes, got 12), in Client-Request-Id (byte 0 of the field)"),
        (b"abcdefghiXYZ", b"Abcdefghi", "first difference at byte 0 (expected 12 bytes, got 9), in Api-Key (byte 0 of the field)"),
    ],
)  # fmt: skip
def test_diff_names_the_field_and_the_end_change(want, got, first_line):
    from hmac_conformance._judging import diff_bytes

    assert diff_bytes(want, got, SPANS).splitlines()[0] == first_line


def test_diff_caret_sits_under_the_first_differing_byte():
    from hmac_conformance._judging import diff_bytes

    want = bytes(range(0x41, 0x41 + 26)) * 3
    got = want[:40] + b"!" + want[41:]
    lines = diff_bytes(want, got, context=8).splitlines()
    expected_line, got_line, caret = lines[1], lines[2], lines[3]
    column = caret.index("^")
    assert got_line[column] == "!" and expected_line[column] == chr(want[40])
    assert expected_line.startswith("  expected: …") and len(expected_line) - len("  expected: …") == 8 + 8 + 1
    assert caret.strip() == "^"


def test_a_verify_failure_names_the_vectors_bug_not_a_generic_hint():
    run = execute(InProcessAdapter("fold", load_target("tests.impls.lenient:unicode_fold")),
                  [VECTORS["firstvision/verify/headers/kelvin-sign-in-name"]])  # fmt: skip
    result = run.results[0]
    assert result.status == "fail" and result.message == "accepted; must be rejected with 'missing-header'"
    vector = VECTORS["firstvision/verify/headers/kelvin-sign-in-name"]
    assert result.diagnostic == f"vector: {vector.description} (FV-2, FV-16)"
    assert "hint" not in result.diagnostic, "the missing-header hint (FV-1) is not about this vector's bug"


def test_a_specific_hint_is_kept():
    vector = VECTORS["firstvision/verify/timestamp/plus-sign"]
    run = execute(InProcessAdapter("int", load_target("tests.impls.lenient:int_timestamp")), [vector])
    lines = run.results[0].diagnostic.splitlines()
    assert lines[0] == f"vector: {vector.description} ({', '.join(vector.rules)})"
    assert lines[1] == "hint: check Timestamp with ^[1-9][0-9]{0,15}$ over ASCII, not a lenient integer parser (FV-7)"
