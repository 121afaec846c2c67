"""The sigv4 comparator, called directly, with exact outputs: each layout of a wrong canonical request or string
to sign and the notes it gets, what a signature text looks like, ``added`` as a multiset (each kind of difference,
several in one output), refusals and the hints of ``sign``.

The comparators ``canonical_request`` and ``string_to_sign`` are made by ``_text`` once, at import; the tests call
``_text`` themselves, so that the factory's own code is what they judge."""

from __future__ import annotations

import base64
import copy
import dataclasses

import pytest

from hmac_conformance.schemes.sigv4 import compare, reference
from tests.test_sigv4 import BY_ID, CR, REFUSE, SIGN_HEADER, SIGN_QUERY, STS

REFUSE_CR = BY_ID["sigv4/expires/zero/query/canonical-request"]
WANT_CR = CR.expected["canonical_request"]
WANT_STS = STS.expected["string_to_sign"]
HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
NO_EMPTY_LINE = WANT_CR.replace("\n\nhost;", "\nhost;")
EMPTY_LINE_NOTE = (
    "note: no empty line after the canonical headers: each canonical header line ends with LF, so an empty line "
    "comes before the signed headers (SIGV4-3)"
)
GOT = {
    "no-empty-line": NO_EMPTY_LINE,
    "no-headers-no-empty-line": f"GET\n/\nParam1=value1&Param2=value2\nhost;x-amz-date\n{HASH}",
    "five-lines-with-the-empty-line": f"GET\n/\n\nhost;x-amz-date\n{HASH}",
    "trailing-lf": WANT_CR + "\n",
    "two-trailing-lfs": WANT_CR + "\n\n",
    "empty-line-among-headers": WANT_CR.replace("amazonaws.com\n", "amazonaws.com\n\n"),
    "nameless-header": WANT_CR.replace("\n\nhost;", "\n:x\n\nhost;"),
    "host-upper": WANT_CR.replace("host:", "Host:"),
    "repeated": WANT_CR.replace("x-amz-date:20150830T123600Z", "x-amz-date:20150830T123600Z\nx-amz-date:b"),
    "missing-and-extra": WANT_CR.replace("x-amz-date:20150830T123600Z", "x-amz-foo:1"),
    "unsorted": WANT_CR.replace(
        "host:example.amazonaws.com\nx-amz-date:20150830T123600Z",
        "x-amz-date:20150830T123600Z\nhost:example.amazonaws.com",
    ),
    "sts-five": "a\nb\nc\nd\ne",
    "sts-space": "a b\nc",
    "sts-alg": WANT_STS.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
}


def judged(field: str, vector, got, strict: bool = False) -> tuple[str, str, str]:
    return compare._text(field)(vector, {field: got}, strict)


# -- canonical request and string to sign ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "case", "message", "detail"),
    [
        pytest.param(
            "canonical_request",
            "no-empty-line",
            "canonical request differs: empty line ending the canonical headers (header-block-no-final-lf)",
            [
                "canonical request: first differing line is line 6, the empty line ending the canonical headers (SIGV4-3)",
                "first difference at byte 89 (expected 170 bytes, got 169), in empty line ending the canonical headers (byte 0 of the field)",
                "  expected: …z-date:20150830T123600Z\\n\\nhost;x-amz-date\\ne3b0c44…",
                "  got:      …z-date:20150830T123600Z\\nhost;x-amz-date\\ne3b0c442…",
                "                                      ^",
                "note: no empty line after the canonical headers: each canonical header line ends with LF, so an empty line comes before the signed headers (SIGV4-3)",
                "diagnosis: reproduced exactly with the canonical header lines joined with LF, without the LF after the last one [header-block-no-final-lf] (SIGV4-3)",
            ],
            id="no-empty-line",
        ),
        pytest.param(
            "canonical_request",
            "no-headers-no-empty-line",
            "canonical request differs: canonical header host missing, canonical header x-amz-date missing",
            [
                "canonical request: first differing line is line 4, the canonical header host (SIGV4-10..12)",
                "first difference at byte 38 (expected 170 bytes, got 114), in canonical header host (byte 4 of the field)",
                "  expected: …alue1&Param2=value2\\nhost:example.amazonaws.com\\nx…",
                "  got:      …alue1&Param2=value2\\nhost;x-amz-date\\ne3b0c44298fc…",
                "                                      ^",
                "differing lines:",
                "  canonical header host missing (SIGV4-10..12)",
                "    expected: host:example.amazonaws.com",
                "    got:      (no such line)",
                "  canonical header x-amz-date missing (SIGV4-10..12)",
                "    expected: x-amz-date:20150830T123600Z",
                "    got:      (no such line)",
                "note: no empty line after the canonical headers: each canonical header line ends with LF, so an empty line comes before the signed headers (SIGV4-3)",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="no-headers-no-empty-line",
        ),
        pytest.param(
            "canonical_request",
            "five-lines-with-the-empty-line",
            "canonical request differs: canonical query string",
            [
                "canonical request: first differing line is line 3, the canonical query string (SIGV4-9)",
                "first difference at byte 6 (expected 170 bytes, got 87), in canonical query string (byte 0 of the field)",
                "  expected: GET\\n/\\nParam1=value1&Param2=val…",
                "  got:      GET\\n/\\n\\nhost;x-amz-date\\ne3b0c44…",
                "                    ^",
                "note: got 5 lines; a canonical request has at least 6 lines (SIGV4-3)",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="five-lines-with-the-empty-line",
        ),
        pytest.param(
            "canonical_request",
            "trailing-lf",
            "canonical request differs: payload hash",
            [
                "canonical request: first differing line is line 8, the payload hash (SIGV4-15)",
                "first difference at byte 170 (expected 170 bytes, got 171): payload hash gained 1 byte at its end: \\n",
                "  expected: …649b934ca495991b7852b855",
                "  got:      …649b934ca495991b7852b855\\n",
                "                                     ^",
                "note: it ends with LF: a canonical request has no LF after its last line (SIGV4-3, SIGV4-18)",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="trailing-lf",
        ),
        pytest.param(
            "canonical_request",
            "two-trailing-lfs",
            "canonical request differs: payload hash",
            [
                "canonical request: first differing line is line 8, the payload hash (SIGV4-15)",
                "first difference at byte 170 (expected 170 bytes, got 172): payload hash gained 2 bytes at its end: \\n\\n",
                "  expected: …649b934ca495991b7852b855",
                "  got:      …649b934ca495991b7852b855\\n\\n",
                "                                     ^",
                "note: it ends with 2 LFs: a canonical request has no LF after its last line (SIGV4-3, SIGV4-18)",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="two-trailing-lfs",
        ),
        pytest.param(
            "canonical_request",
            "empty-line-among-headers",
            "canonical request differs: an empty line among the canonical headers",
            [
                "canonical request: first differing line is line 5, the canonical header x-amz-date (SIGV4-10..12)",
                "first difference at byte 61 (expected 170 bytes, got 171), in canonical header x-amz-date (byte 0 of the field)",
                "  expected: …t:example.amazonaws.com\\nx-amz-date:20150830T1236…",
                "  got:      …t:example.amazonaws.com\\n\\nx-amz-date:20150830T123…",
                "                                      ^",
                "differing lines:",
                "  an empty line among the canonical headers (SIGV4-3)",
                "    expected: (no such line)",
                "    got:      (empty line)",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="empty-line-among-headers",
        ),
        pytest.param(
            "canonical_request",
            "nameless-header",
            "canonical request differs: a canonical header line without a name",
            [
                "canonical request: first differing line is line 6, the empty line ending the canonical headers (SIGV4-3)",
                "first difference at byte 89 (expected 170 bytes, got 173), in empty line ending the canonical headers (byte 0 of the field)",
                "  expected: …z-date:20150830T123600Z\\n\\nhost;x-amz-date\\ne3b0c44…",
                "  got:      …z-date:20150830T123600Z\\n:x\\n\\nhost;x-amz-date\\ne3b0…",
                "                                      ^",
                "differing lines:",
                "  a canonical header line without a name (SIGV4-10)",
                "    expected: (no such line)",
                "    got:      :x",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="nameless-header",
        ),
        pytest.param(
            "canonical_request",
            "host-upper",
            "canonical request differs: canonical header host, name not lower-cased ('Host')",
            [
                "canonical request: first differing line is line 4, the canonical header host (SIGV4-10..12)",
                "first difference at byte 34 (expected 170 bytes, got 170), in canonical header host (byte 0 of the field)",
                "  expected: …m1=value1&Param2=value2\\nhost:example.amazonaws.c…",
                "  got:      …m1=value1&Param2=value2\\nHost:example.amazonaws.c…",
                "                                      ^",
                "differing lines:",
                "  canonical header host, name not lower-cased ('Host') (SIGV4-10)",
                "    expected: host:example.amazonaws.com",
                "    got:      Host:example.amazonaws.com",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="host-upper",
        ),
        pytest.param(
            "canonical_request",
            "repeated",
            "canonical request differs: canonical header x-amz-date on 2 lines (repeated fields are joined with ',')",
            [
                "canonical request: first differing line is line 6, the empty line ending the canonical headers (SIGV4-3)",
                "first difference at byte 89 (expected 170 bytes, got 183), in empty line ending the canonical headers (byte 0 of the field)",
                "  expected: …z-date:20150830T123600Z\\n\\nhost;x-amz-date\\ne3b0c44…",
                "  got:      …z-date:20150830T123600Z\\nx-amz-date:b\\n\\nhost;x-amz…",
                "                                      ^",
                "differing lines:",
                "  canonical header x-amz-date on 2 lines (repeated fields are joined with ',') (SIGV4-12)",
                "    expected: x-amz-date:20150830T123600Z",
                "    got:      x-amz-date:20150830T123600Z\\nx-amz-date:b",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="repeated",
        ),
        pytest.param(
            "canonical_request",
            "missing-and-extra",
            "canonical request differs: canonical header x-amz-date missing, canonical header x-amz-foo not expected",
            [
                "canonical request: first differing line is line 5, the canonical header x-amz-date (SIGV4-10..12)",
                "first difference at byte 67 (expected 170 bytes, got 154), in canonical header x-amz-date (byte 6 of the field)",
                "  expected: …ple.amazonaws.com\\nx-amz-date:20150830T123600Z\\n\\nh…",
                "  got:      …ple.amazonaws.com\\nx-amz-foo:1\\n\\nhost;x-amz-date\\ne…",
                "                                      ^",
                "differing lines:",
                "  canonical header x-amz-date missing (SIGV4-10..12)",
                "    expected: x-amz-date:20150830T123600Z",
                "    got:      (no such line)",
                "  canonical header x-amz-foo not expected (SIGV4-13)",
                "    expected: (no such line)",
                "    got:      x-amz-foo:1",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="missing-and-extra",
        ),
        pytest.param(
            "canonical_request",
            "unsorted",
            "canonical request differs: canonical headers not sorted by name",
            [
                "canonical request: first differing line is line 4, the canonical header host (SIGV4-10..12)",
                "first difference at byte 34 (expected 170 bytes, got 170), in canonical header host (byte 0 of the field)",
                "  expected: …m1=value1&Param2=value2\\nhost:example.amazonaws.c…",
                "  got:      …m1=value1&Param2=value2\\nx-amz-date:20150830T1236…",
                "                                      ^",
                "differing lines:",
                "  canonical headers not sorted by name (SIGV4-10)",
                "    expected: host;x-amz-date",
                "    got:      x-amz-date;host",
                "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
            ],
            id="unsorted",
        ),
        pytest.param(
            "string_to_sign",
            "sts-five",
            "string to sign differs: algorithm",
            [
                "string to sign: first differing line is line 1, the algorithm (SIGV4-1)",
                "first difference at byte 0 (expected 138 bytes, got 9), in algorithm (byte 0 of the field)",
                "  expected: AWS4-HMAC-SHA256\\n2015083…",
                "  got:      a\\nb\\nc\\nd\\ne",
                "            ^",
                "note: got 5 lines; a string to sign has 4 lines (SIGV4-18)",
                "diagnosis: no catalogue entry or pair of entries reproduces this string to sign",
            ],
            id="sts-five",
        ),
        pytest.param(
            "string_to_sign",
            "sts-space",
            "string to sign differs: algorithm",
            [
                "string to sign: first differing line is line 1, the algorithm (SIGV4-1)",
                "first difference at byte 0 (expected 138 bytes, got 5), in algorithm (byte 0 of the field)",
                "  expected: AWS4-HMAC-SHA256\\n2015083…",
                "  got:      a·b\\nc",
                "            ^",
                "note: got 2 lines; a string to sign has 4 lines (SIGV4-18)",
                "diagnosis: no catalogue entry or pair of entries reproduces this string to sign",
            ],
            id="sts-space",
        ),
        pytest.param(
            "string_to_sign",
            "sts-alg",
            "string to sign differs: algorithm",
            [
                "string to sign: first differing line is line 1, the algorithm (SIGV4-1)",
                "first difference at byte 13 (expected 138 bytes, got 138), in algorithm (byte 13 of the field)",
                "  expected: AWS4-HMAC-SHA256\\n20150830T123600Z\\n201…",
                "  got:      AWS4-HMAC-SHA512\\n20150830T123600Z\\n201…",
                "                         ^",
                "differing lines:",
                "  algorithm (SIGV4-1)",
                "    expected: AWS4-HMAC-SHA256",
                "    got:      AWS4-HMAC-SHA512",
                "diagnosis: no catalogue entry or pair of entries reproduces this string to sign",
            ],
            id="sts-alg",
        ),
    ],
)
def test_a_wrong_text_is_described_line_by_line(field, case, message, detail):
    vector = CR if field == "canonical_request" else STS
    assert judged(field, vector, GOT[case]) == ("fail", message, "\n".join(detail))


@pytest.mark.parametrize(
    "got",
    [
        NO_EMPTY_LINE.replace("value2\n", "value2\n\n"),  # an empty line before the first header
        NO_EMPTY_LINE.replace("amazonaws.com\n", "amazonaws.com\n\n"),  # an empty line after the first header
    ],
    ids=["before-the-headers", "between-the-headers"],
)
def test_the_empty_line_is_looked_for_just_before_the_signed_headers(got):
    _, _, detail = judged("canonical_request", CR, got)
    assert [line for line in detail.split("\n") if line.startswith("note:")] == [EMPTY_LINE_NOTE]


def test_a_text_with_cr_gets_a_note_on_the_line_ends():
    _, _, detail = judged("canonical_request", CR, WANT_CR.replace("\n", "\r\n"))
    assert [line for line in detail.split("\n") if line.startswith("note:")] == [
        "note: the text holds CR: lines are separated by LF alone (SIGV4-3, SIGV4-18)",
        EMPTY_LINE_NOTE,
    ]


def test_each_line_of_a_string_to_sign_is_compared_once():
    scope = WANT_STS.replace("us-east-1/service", "service/us-east-1")
    _, message, detail = judged("string_to_sign", STS, scope)
    assert message == "string to sign differs: credential scope (region-service-swapped)"
    assert detail.count("  credential scope (SIGV4-17)") == 1


def test_only_the_hash_of_the_string_to_sign_differs():
    lines = WANT_STS.split("\n")
    _, message, detail = judged("string_to_sign", STS, "\n".join([*lines[:3], "0" * 64]))
    assert message == "string to sign differs: hash of the canonical request"
    twin = STS.id.rpartition("/")[0] + "/canonical-request"
    assert (
        f"only the hash differs: the canonical request behind it is wrong (the vector {twin} shows it), "
        "or it is not hashed as the lowercase hex SHA-256 of its UTF-8 bytes"
    ) in detail.split("\n")


def test_empty_lines_among_the_canonical_headers_are_counted():
    _, message, _ = judged("canonical_request", CR, WANT_CR.replace("amazonaws.com\n", "amazonaws.com\n\n\n"))
    assert message == "canonical request differs: 2 empty lines among the canonical headers"


def test_an_empty_line_is_shown_as_empty_not_as_missing():
    vanilla = BY_ID["sigv4/published/aws-c-auth/get-vanilla/header/canonical-request"]
    want = vanilla.expected["canonical_request"]
    assert want.startswith("GET\n/\n\n"), "the canonical query string is an empty line"
    _, message, detail = judged("canonical_request", vanilla, want.replace("GET\n/\n\n", "GET\n/\na=b\n"))
    assert message == "canonical request differs: canonical query string"
    assert "    expected: (empty line)\n    got:      a=b\n" in detail


def test_an_expected_value_without_the_layout_is_diffed_as_one_text():
    odd = dataclasses.replace(CR, expected={"canonical_request": "not a canonical request"})
    assert judged("canonical_request", odd, "not a canonical request!") == (
        "fail",
        "canonical request differs: canonical request",
        "canonical request: first differing line is line 1, the canonical request (SIGV4-3)\n"
        "first difference at byte 23 (expected 23 bytes, got 24): canonical request gained 1 byte at its end: !\n"
        "  expected: not·a·canonical·request\n"
        "  got:      not·a·canonical·request!\n"
        "                                   ^\n"
        "diagnosis: no catalogue entry or pair of entries reproduces this canonical request",
    )


@pytest.mark.parametrize(("length", "shown"), [(100, "v" * 100), (101, "v" * 100 + "…")])
def test_a_long_line_is_cut_after_100_characters(length, shown):
    got = WANT_CR.replace("Param1=value1&Param2=value2", "v" * length)
    _, _, detail = judged("canonical_request", CR, got)
    assert f"    got:      {shown}" in detail.split("\n")


def test_the_rules_of_the_lines():
    assert compare._rule("method") == "SIGV4-4"
    assert compare._rule("canonical header x-amz-date") == "SIGV4-10..12"
    assert compare._rule("canonical request") == "SIGV4-3"


def test_a_canonical_request_without_headers_has_the_layout():
    assert compare.lines_of("canonical_request", f"GET\n/\n\n\n\n{HASH}") == [
        ("method", "GET"),
        ("canonical URI", "/"),
        ("canonical query string", ""),
        ("empty line ending the canonical headers", ""),
        ("signed headers", ""),
        ("payload hash", HASH),
    ]


def test_the_text_comparators_pass_the_expected_text_and_judge_refusals():
    assert judged("canonical_request", CR, WANT_CR) == ("pass", "", "")
    assert judged("string_to_sign", STS, WANT_STS) == ("pass", "", "")
    assert judged("canonical_request", REFUSE_CR, "GET") == (
        "fail",
        "produced a canonical request although expires is outside 1..604800; a signer must refuse (SIGV4-25)",
        "expires given: 0\nhint: a presigned URL lives 1 to 604800 seconds",
    )
    assert compare._text("canonical_request")(CR, {"refused": "bad-expires"}, False)[:2] == (
        "fail",
        "refused to sign valid inputs (said 'bad-expires')",
    )
    assert compare._text("canonical_request")(REFUSE_CR, {"refused": "bad-expires"}, True) == ("pass", "", "")
    assert compare._text("canonical_request")(REFUSE_CR, {"refused": "too-long"}, True)[0] == "fail"
    assert compare._text("string_to_sign").__name__ == "string_to_sign"


# -- refusals --------------------------------------------------------------------------------------------------------


def test_refusals_exactly():
    assert compare.sign(SIGN_HEADER, {"refused": "bad-expires"}, False) == (
        "fail",
        "refused to sign valid inputs (said 'bad-expires')",
        f"{compare.about(SIGN_HEADER)}\nhint: a signer refuses only a query-mode expires outside 1..604800 (SIGV4-25)",
    )
    assert compare.sign(REFUSE, {"signature": "0" * 64, "added": []}, False) == (
        "fail",
        "produced a signature although expires is outside 1..604800; a signer must refuse (SIGV4-25)",
        "expires given: 0\nhint: a presigned URL lives 1 to 604800 seconds",
    )
    note = "refused for reason 'too-long'; the spec's reason is 'bad-expires'"
    assert compare.sign(REFUSE, {"refused": "too-long"}, False) == ("pass", note, "")
    assert compare.sign(REFUSE, {"refused": "too-long"}, True) == ("fail", note, "")


# -- what a signature looks like -------------------------------------------------------------------------------------

MAC = "ab" * 32


@pytest.mark.parametrize(
    ("got", "said"),
    [
        ("", "empty"),
        (MAC.upper(), "the right MAC in upper-case hex; SIGV4-20 wants lowercase"),
        (f"AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature={MAC}", "an Authorization value, not the signature alone"),
        (f"Signature={MAC}", "an Authorization value, not the signature alone"),
        ("AWS4-HMAC-SHA256 Credential=x", "an Authorization value, not the signature alone"),
        ("aws4-hmac-sha256", "not hex"),
        ("0" * 63, "63 hex digits; a signature has 64 (SIGV4-20)"),
        ("0" * 64, "64 hex digits (right shape, different MAC)"),
        ("A" * 64, "64 hex digits (right shape, different MAC)"),
        ("c" * 64, "64 hex digits (right shape, different MAC)"),
        ("AAAA!", "not hex"),
        (base64.b64encode(bytes.fromhex(MAC)).decode(), "Base64 of the right MAC; SIGV4-20 wants lowercase hex"),
        (base64.b64encode(b"x" * 32).decode(), "Base64 of 32 bytes, not hex (SIGV4-20)"),
    ],
)  # fmt: skip
def test_what_a_signature_text_looks_like(got, said):
    assert compare.describe_signature(got, MAC) == said


# -- added -----------------------------------------------------------------------------------------------------------


def reference_output(vector) -> dict:
    return reference.run_case(vector.operation, copy.deepcopy(vector.input))


QUERY = reference_output(SIGN_QUERY)
HEADER = reference_output(SIGN_HEADER)


def replaced(added, **values: str | None) -> list[list[str]]:
    """``added`` with the named entries (X_Amz_Date -> X-Amz-Date) given another value, or left out with None."""
    wanted = {k.replace("_", "-"): v for k, v in values.items()}
    return [[n, wanted.get(n, v)] for n, v in added if wanted.get(n, v) is not None]


def test_added_that_is_not_a_list_of_pairs():
    for value in ("x", ["ab"], [["a", 1]], [["a", "b", "c"]]):
        assert compare._added(SIGN_QUERY, value, QUERY["signature"]) == (
            ["added is not a list of [name, value] pairs"],
            [f"added: got {value!r}"],
        )


def test_every_missing_query_parameter_is_named():
    got = replaced(QUERY["added"], X_Amz_Algorithm=None, X_Amz_Date=None)
    assert compare._added(SIGN_QUERY, got, QUERY["signature"]) == (
        ["added parameter X-Amz-Algorithm missing", "added parameter X-Amz-Date missing"],
        ["added X-Amz-Algorithm: expected 'AWS4-HMAC-SHA256'", "added X-Amz-Date: expected '20150830T123600Z'"],
    )


def test_a_misspelled_parameter_with_the_right_value_and_then_a_missing_one():
    got = [[n.lower() if n == "X-Amz-Date" else n, v] for n, v in replaced(QUERY["added"], X_Amz_SignedHeaders=None)]
    assert compare._added(SIGN_QUERY, got, QUERY["signature"]) == (
        ["added parameter X-Amz-Date spelled 'x-amz-date'", "added parameter X-Amz-SignedHeaders missing"],
        ["added X-Amz-Date: query parameter names are exact, 'X-Amz-Date' (SIGV4-24)", "added X-Amz-SignedHeaders: expected 'host'"],
    )  # fmt: skip


def test_a_misspelled_parameter_with_another_value():
    got = [[n.lower() if n == "X-Amz-Expires" else n, v] for n, v in replaced(QUERY["added"], X_Amz_Expires="7200")]
    assert compare._added(SIGN_QUERY, got, QUERY["signature"]) == (
        ["added parameter X-Amz-Expires spelled 'x-amz-expires'", "added parameter X-Amz-Expires differs"],
        [
            "added X-Amz-Expires: query parameter names are exact, 'X-Amz-Expires' (SIGV4-24)",
            "added X-Amz-Expires:\nfirst difference at byte 0 (expected 4 bytes, got 4)\n"
            "  expected: 3600\n  got:      7200\n            ^",
        ],
    )


def test_the_exactly_spelled_parameter_is_compared_before_a_misspelled_one():
    got = [*replaced(QUERY["added"], X_Amz_Date="20150830T123601Z"), ["X-AMZ-DATE", "20150830T123600Z"]]
    problems, _ = compare._added(SIGN_QUERY, got, QUERY["signature"])
    assert problems == ["added parameter X-Amz-Date differs", "added parameter X-AMZ-DATE not expected"]


def test_a_percent_encoded_value_then_a_differing_one():
    got = replaced(QUERY["added"], X_Amz_Credential=QUERY["added"][1][1].replace("/", "%2F"), X_Amz_Date="2015")
    problems, details = compare._added(SIGN_QUERY, got, QUERY["signature"])
    assert problems == ["added parameter X-Amz-Credential percent-encoded", "added parameter X-Amz-Date differs"]
    assert details[0] == (
        "added X-Amz-Credential: values are listed decoded (SIGV4-24); got "
        "'AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request'"
    )


def test_a_header_value_is_never_percent_decoded():
    got = replaced(HEADER["added"], X_Amz_Date="2015%30830T123600Z")
    problems, _ = compare._added(SIGN_HEADER, got, HEADER["signature"])
    assert problems == ["added header X-Amz-Date differs"]


def test_the_wrong_signature_carried_by_the_signature_parameter_is_not_reported_again():
    wrong = "0" * 64
    assert compare._added(SIGN_QUERY, replaced(QUERY["added"], X_Amz_Signature=wrong), wrong) == ([], [])
    got = replaced(QUERY["added"], X_Amz_Signature=wrong, X_Amz_SignedHeaders="host;x")
    assert compare._added(SIGN_QUERY, got, wrong)[0] == ["added parameter X-Amz-SignedHeaders differs"]
    assert compare._added(SIGN_QUERY, replaced(QUERY["added"], X_Amz_Signature=wrong), QUERY["signature"])[0] == [
        "added parameter X-Amz-Signature differs"
    ]


def test_the_wrong_signature_carried_by_the_authorization_header_is_not_reported_again():
    wrong = "0" * 64
    authorization = HEADER["added"][1][1].replace(HEADER["signature"], wrong)
    assert compare._added(SIGN_HEADER, replaced(HEADER["added"], Authorization=authorization), wrong) == ([], [])
    other = authorization.replace("Credential=AKIDEXAMPLE", "Credential=AKIDOTHER")
    got = replaced(HEADER["added"], Authorization=other, X_Amz_Date="20150830T123601Z")
    assert compare._added(SIGN_HEADER, got, wrong)[0] == [
        "added header Authorization differs",
        "added header X-Amz-Date differs",
    ]


def test_an_unexpected_header_is_named_as_spelled():
    got = [*HEADER["added"], ["X-Amz-Content-Sha256", HASH]]
    assert compare._added(SIGN_HEADER, got, HEADER["signature"]) == (
        ["added header X-Amz-Content-Sha256 not expected"],
        [f"added X-Amz-Content-Sha256: got {HASH!r}"],
    )


@pytest.mark.parametrize(("listed", "said"), [(1, "listed more than 1 time"), (2, "listed more than 2 times")])
def test_a_parameter_added_more_often_than_listed(listed, said):
    vector = dataclasses.replace(
        SIGN_QUERY, expected={**SIGN_QUERY.expected, "added": [["X-Amz-Foo", str(i)] for i in range(listed)]}
    )
    got = [["X-Amz-Foo", str(i)] for i in range(listed + 1)]
    assert compare._added(vector, got, vector.expected["signature"]) == (
        [f"added parameter X-Amz-Foo {said}"],
        [f"added X-Amz-Foo: got '{listed}'"],
    )


# -- sign ------------------------------------------------------------------------------------------------------------


def test_an_intermediate_that_is_not_text():
    out = {**HEADER, "canonical_request": 5}
    assert compare.sign(SIGN_HEADER, out, False) == ("fail", "canonical request returned is not text", "")


def test_a_wrong_signature_without_intermediates_asks_for_them():
    status, message, detail = compare.sign(
        SIGN_HEADER, {"signature": "0" * 64, "added": replaced(HEADER["added"], X_Amz_Date="20150830T123601Z")}, False
    )
    assert (status, message) == ("fail", "signature differs: different MAC; added header X-Amz-Date differs")
    assert "(return canonical_request and string_to_sign from sign to see the first differing line)" in detail.split(
        "\n"
    )


def test_a_wrong_signature_over_the_right_string_to_sign_points_at_the_key():
    out = {**HEADER, "signature": "0" * 64, "added": replaced(HEADER["added"], Authorization=None)}
    _, message, detail = compare.sign(SIGN_HEADER, out, False)
    assert message == "signature differs: different MAC; added header Authorization missing"
    assert (
        "the string to sign is right: the signing key is not ('AWS4' + secret, the scope date, region and service, "
        "each step keyed with the previous step's 32 raw bytes; SIGV4-19), or the encoding of the signature is not "
        "(SIGV4-20)"
    ) in detail.split("\n")
