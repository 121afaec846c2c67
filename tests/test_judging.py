"""What every scheme's comparator shares, called directly and checked exactly: output shapes, the accept/reject
decision (every branch, strict or not, with its hint), and byte diffs (where, which field, what changed at the
end, both strings around the difference, and the caret under it)."""

from __future__ import annotations

import dataclasses

import pytest

from hmac_conformance import _judging as judging
from hmac_conformance._load import load

VECTORS = {v.id: v for v in load().vectors}
STALE = dataclasses.replace(VECTORS["firstvision/verify/timestamp/minus-300001ms"], description="old", rules=("FV-14",))
ACCEPT = dataclasses.replace(VECTORS["firstvision/verify/timestamp/now"], description="fresh", rules=("FV-7", "FV-14"))
HINTS = {"stale": (("FV-14",), "check the window"), "future": (("FV-99",), "not about this vector")}

SIGN_SHAPES = ({"signature": str, "string_to_sign": object, "headers": object}, {"refused": str})


# -- shapes ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        ({"signature": "s"}, None),
        ({"signature": "s", "string_to_sign": b"x", "headers": {}}, None),
        ({"refused": "malformed-api-key"}, None),
        ({"refused": "malformed-api-key", "headers": None}, None),  # an optional field does not clash
        ([], "output is list, not an object"),
        (None, "output is NoneType, not an object"),
        ({}, "output field 'signature' missing or not str"),
        ({"signature": b"s"}, "output field 'signature' missing or not str"),
        ({"refused": 1}, "output field 'refused' missing or not str"),
        ({"refused": "x", "signature": "s"}, "output has both ['refused'] and ['headers', 'signature', 'string_to_sign']"),
    ],
)  # fmt: skip
def test_shape_problem(output, problem):
    assert judging.shape_problem(output, SIGN_SHAPES) == problem


def test_shape_problem_with_one_shape():
    shapes = ({"tag": bytes},)
    assert judging.shape_problem({"tag": b"x", "extra": 1}, shapes) is None
    assert judging.shape_problem({"tag": "x"}, shapes) == "output field 'tag' missing or not bytes"


# -- decisions -------------------------------------------------------------------------------------------------------


def test_decision_right_answers_pass_silently():
    assert judging.decision(ACCEPT, {"valid": True}, False, HINTS) == ("pass", "", "")
    assert judging.decision(ACCEPT, {"valid": True, "reason": "ignored"}, True, HINTS) == ("pass", "", "")
    assert judging.decision(STALE, {"valid": False, "reason": "stale"}, True, HINTS) == ("pass", "", "")


def test_decision_rejecting_what_must_be_accepted():
    assert judging.decision(ACCEPT, {"valid": False, "reason": "stale"}, False, HINTS) == (
        "fail",
        "rejected a request/tag that must be accepted (said 'stale')",
        "vector: fresh (FV-7, FV-14)",
    )
    assert judging.decision(ACCEPT, {"valid": False}, False, HINTS) == (
        "fail",
        "rejected a request/tag that must be accepted",
        "vector: fresh (FV-7, FV-14)",
    )
    assert judging.decision(ACCEPT, {"valid": False, "reason": ""}, False, HINTS)[1] == (
        "rejected a request/tag that must be accepted"
    )


def test_decision_accepting_what_must_be_rejected_gives_the_hint_for_its_rules_only():
    assert judging.decision(STALE, {"valid": True}, False, HINTS) == (
        "fail",
        "accepted; must be rejected with 'stale'",
        "vector: old (FV-14)\nhint: check the window (FV-14)",
    )
    future = dataclasses.replace(STALE, expected={"valid": False, "reason": "future"})
    assert judging.decision(future, {"valid": True}, True, HINTS) == (
        "fail",
        "accepted; must be rejected with 'future'",
        "vector: old (FV-14)",
    )
    unknown = dataclasses.replace(STALE, expected={"valid": False, "reason": "replay"})
    assert judging.decision(unknown, {"valid": True}, False, HINTS)[2] == "vector: old (FV-14)"


@pytest.mark.parametrize("said", ["future", None])
def test_decision_another_reason_fails_only_when_strict(said):
    output = {"valid": False, **({"reason": said} if said else {})}
    note = f"rejected for reason {said!r}; the spec's reason is 'stale'"
    assert judging.decision(STALE, output, False, HINTS) == ("pass", note, "")
    assert judging.decision(STALE, output, True, HINTS) == ("fail", note, "vector: old (FV-14)")


def test_hint_and_about():
    assert judging.about(STALE) == "vector: old (FV-14)"
    assert judging.hint(STALE, "stale", HINTS) == "hint: check the window (FV-14)"
    assert judging.hint(STALE, "future", HINTS) == ""
    assert judging.hint(STALE, None, HINTS) == ""
    assert judging.hint(STALE, "stale", {"stale": (("FV-1", "FV-14"), "two rules")}) == "hint: two rules (FV-1, FV-14)"


# -- bytes in plain words --------------------------------------------------------------------------------------------


def test_visible_spells_out_every_invisible_byte():
    assert judging.visible(b"a b\n\r\t\\\x00\x1f!~\x7f\x80\xff") == "a·b\\n\\r\\t\\\\\\x00\\x1f!~\\x7f\\x80\\xff"
    assert judging.visible(b"") == ""


@pytest.mark.parametrize(
    ("a", "b", "at"),
    [(b"abc", b"abc", None), (b"abc", b"abd", 2), (b"abc", b"xbc", 0), (b"abc", b"ab", 2), (b"ab", b"abc", 2),
     (b"", b"", None), (b"", b"a", 0)],
)  # fmt: skip
def test_first_difference(a, b, at):
    assert judging.first_difference(a, b) == at


SPANS = [("Api-Key", 0, 3), ("Timestamp", 3, 5), ("body", 5, 8)]


@pytest.mark.parametrize(
    ("offset", "where"),
    [(0, "Api-Key (byte 0 of the field)"), (2, "Api-Key (byte 2 of the field)"), (3, "Timestamp (byte 0 of the field)"),
     (7, "body (byte 2 of the field)"), (8, "past the end of the expected string")],
)  # fmt: skip
def test_field_at(offset, where):
    assert judging.field_at(SPANS, offset) == where


def test_diff_of_identical_strings():
    assert judging.diff_bytes(b"same", b"same", SPANS) == "identical"


def test_diff_in_the_middle_with_context_on_both_sides():
    want = b"0123456789" * 6
    got = want[:30] + b"#" + want[31:]
    assert judging.diff_bytes(want, got, context=5) == (
        "first difference at byte 30 (expected 60 bytes, got 60)\n"
        "  expected: …5678901234…\n"
        "  got:      …56789#1234…\n"
        "                  ^"
    )


def test_diff_at_the_start_has_no_leading_ellipsis_and_names_the_field():
    assert judging.diff_bytes(b"abcdefgh", b"Xbcdefgh", SPANS, context=3) == (
        "first difference at byte 0 (expected 8 bytes, got 8), in Api-Key (byte 0 of the field)\n"
        "  expected: abc…\n"
        "  got:      Xbc…\n"
        "            ^"
    )


def test_diff_near_the_end_has_no_trailing_ellipsis():
    assert judging.diff_bytes(b"abcdefgh", b"abcdefgX", SPANS, context=24) == (
        "first difference at byte 7 (expected 8 bytes, got 8), in body (byte 2 of the field)\n"
        "  expected: abcdefgh\n"
        "  got:      abcdefgX\n"
        "                   ^"
    )


def test_diff_of_an_added_or_lost_end():
    assert judging.diff_bytes(b"abcdefgh", b"abcdefgh \n", SPANS, context=4) == (
        "first difference at byte 8 (expected 8 bytes, got 10): body gained 2 bytes at its end: ·\\n\n"
        "  expected: …efgh\n"
        "  got:      …efgh·\\n\n"
        "                 ^"
    )
    assert judging.diff_bytes(b"abcdefgh", b"abcdefg", SPANS).splitlines()[0] == (
        "first difference at byte 7 (expected 8 bytes, got 7): body lost 1 byte at its end: h"
    )
    assert judging.diff_bytes(b"ab", b"abc").splitlines()[0] == (
        "first difference at byte 2 (expected 2 bytes, got 3): the string gained 1 byte at its end: c"
    )
    assert judging.diff_bytes(b"abcd", b"ab").splitlines()[0] == (
        "first difference at byte 2 (expected 4 bytes, got 2): the string lost 2 bytes at its end: cd"
    )


def test_an_end_change_shows_at_most_24_bytes():
    first = judging.diff_bytes(b"a", b"a" + b"x" * 30).splitlines()[0]
    assert first.endswith("gained 30 bytes at its end: " + "x" * 24)
    first = judging.diff_bytes(b"a" + b"y" * 30, b"a").splitlines()[0]
    assert first.endswith("lost 30 bytes at its end: " + "y" * 24)


def test_diff_makes_invisible_bytes_visible_and_the_caret_counts_them():
    assert judging.diff_bytes(b"a\tb c", b"a\tb_c") == (
        "first difference at byte 3 (expected 5 bytes, got 5)\n"
        "  expected: a\\tb·c\n"
        "  got:      a\\tb_c\n"
        "                ^"
    )


def test_short_values_for_lint_messages():
    assert judging.short(b"\x01\xff") == "01ff"
    assert judging.short("text") == "'text'"
    assert judging.short("x" * 78) == "'" + "x" * 78 + "'"  # 80 characters: kept
    long = "x" * 79
    assert judging.short(long) == f"{repr(long)[:60]}…(81 chars)"
