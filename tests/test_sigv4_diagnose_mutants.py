"""The sigv4 diagnosis, called directly, with exact findings: a signature that is no MAC, one no entry explains,
the right MAC in another encoding, an entry and a pair of entries (in lowercase and in upper-case hex); the
readings of a signature text; the recipe's parts that only some vectors reach (spaces-only header values, the
unsorted and verbatim query, a session token signed by default). ``_when`` makes the catalogue's entries once, at
import, so it is called here on its own."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from hmac_conformance._judging import Finding
from hmac_conformance._load import load
from hmac_conformance.schemes.sigv4 import diagnose

BY_ID = {v.id: v for v in load().vectors if v.scheme == "sigv4"}
SIGN = BY_ID["sigv4/published/aws-c-auth/get-vanilla/header/sign"]
RIGHT = diagnose.Recipe.of(SIGN.input)
NO_AWS4 = "diagnosis: reproduced exactly with the first key step keyed with the secret alone, without 'AWS4'"


def signed_with(**change) -> str:
    return diagnose.compute(SIGN.input, dataclasses.replace(RIGHT, **change))["signature"]


def test_a_signature_that_is_no_mac():
    assert diagnose.signature(SIGN, "xyz") == Finding(
        "not 64 hex digits", ("diagnosis: the signature is not the hex (or Base64) of a 32-byte MAC",)
    )


@pytest.mark.parametrize("got", ["0" * 64, "A" * 64], ids=["lowercase-hex", "uppercase-hex"])
def test_a_mac_no_entry_explains(got):
    assert diagnose.signature(SIGN, got) == Finding(
        "different MAC", ("diagnosis: no catalogue entry or pair of entries reproduces this signature",)
    )


def test_the_right_mac_in_upper_case_hex():
    assert diagnose.signature(SIGN, SIGN.expected["signature"].upper()) == Finding(
        "correct MAC, wrong encoding: uppercase-hex",
        ("diagnosis: correct MAC, written as upper-case hex instead of lowercase hex [uppercase-hex] (SIGV4-20)",),
        ("uppercase-hex",),
    )


def test_one_entry_in_lowercase_and_in_upper_case_hex():
    got = signed_with(aws4_prefix=False)
    assert diagnose.signature(SIGN, got) == Finding(
        "secret-without-aws4-prefix",
        (f"{NO_AWS4} [secret-without-aws4-prefix] (SIGV4-19)",),
        ("secret-without-aws4-prefix",),
    )
    assert diagnose.signature(SIGN, got.upper()) == Finding(
        "secret-without-aws4-prefix+uppercase-hex",
        (f"{NO_AWS4}; written as upper-case hex [secret-without-aws4-prefix] (SIGV4-19, SIGV4-20)",),
        ("secret-without-aws4-prefix+uppercase-hex",),
    )


def test_a_pair_of_entries_of_different_kinds():
    ids = "date-extended-format+secret-without-aws4-prefix"
    assert diagnose.signature(SIGN, signed_with(aws4_prefix=False, date_format="extended")) == Finding(
        ids,
        (
            "diagnosis: reproduced exactly with the request date in ISO 8601 extended format (2015-08-30T12:36:00Z) "
            f"+ the first key step keyed with the secret alone, without 'AWS4' [{ids}] (SIGV4-16, SIGV4-19)",
        ),
        (ids,),
    )


def test_a_text_no_entry_explains_has_no_summary():
    assert diagnose.text(SIGN, "canonical_request", "x") == Finding(
        "", ("diagnosis: no catalogue entry or pair of entries reproduces this canonical request",)
    )


def test_the_summary_names_three_and_counts_the_rest():
    assert diagnose._summary(["a", "b", "c"]) == "a; or b; or c"
    assert diagnose._summary(["a", "b", "c", "d"]) == "a; or b; or c; or 1 more"
    assert diagnose._summary(["a", "b", "c", "d", "e"]) == "a; or b; or c; or 2 more"


def test_an_entry_changes_the_recipe_only_where_its_test_holds():
    seen = []

    def test(recipe, inp):
        seen.append((recipe, inp))
        return inp["applies"]

    apply = diagnose._when(test, normalize=False)
    assert apply(RIGHT, {"applies": True}) == dataclasses.replace(RIGHT, normalize=False)
    assert apply(RIGHT, {"applies": False}) is None
    assert seen == [(RIGHT, {"applies": True}), (RIGHT, {"applies": False})]


def test_the_readings_of_a_signature_text():
    assert diagnose._readings("0" * 64) == [(None, "0" * 64)]
    assert diagnose._readings("!" * 43 + "=") == []


def test_spaces_only_header_values_keep_tabs_and_other_characters():
    assert diagnose._header_value("\tX  a  ", "spaces-only") == "\tX a"
    assert diagnose._header_value(" X  a ", "spaces-only") == "X a"


def test_the_unsorted_query_encodes_slashes_in_names_and_values():
    assert diagnose._query(b"b=/x&/a=1", [], "unsorted") == "b=%2Fx&%2Fa=1"


def test_the_verbatim_query():
    assert diagnose._query(b"b=1&a=2", [], "verbatim") == "a=2&b=1"
    assert diagnose._query(b"a=c&a=b=c", [], "verbatim") == "a=b=c&a=c"
    assert diagnose._query(None, [("c", "a/b")], "verbatim") == "c=a%2Fb"
    assert diagnose._query(b"d=1", [("c/", "a")], "verbatim") == "c%2F=a&d=1"


def test_a_session_token_is_signed_unless_the_input_says_otherwise():
    vector = next(v for v in BY_ID.values() if v.input.get("session_token") == "signed" and v.operation == "sign")
    implied = copy.deepcopy(vector.input)
    del implied["session_token"]
    recipe = diagnose.Recipe.of(vector.input)
    assert diagnose.compute(implied, recipe) == diagnose.compute(vector.input, recipe)
    unsigned = {**copy.deepcopy(vector.input), "session_token": "unsigned"}
    assert diagnose.compute(unsigned, recipe) != diagnose.compute(vector.input, recipe)
