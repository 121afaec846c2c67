"""The standard-webhooks diagnosis, called directly, with exact findings: a text that is no entry, the right MAC in
a non-canonical or a wrong form, an entry and a pair of entries with and without a wrong form; and the catalogue's
transforms, which the factories ``_json``, ``_payload`` and ``_separator`` make once, at import, so they are
called here on their own."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from hmac_conformance._judging import Finding
from hmac_conformance._load import load
from hmac_conformance.schemes.standard_webhooks import diagnose

BY_ID = {v.id: v for v in load().vectors if v.scheme == "standard-webhooks"}
SIGN = BY_ID["standard-webhooks/secret/with-prefix"]
RIGHT = diagnose._recipe(SIGN)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ID_OMITTED = "diagnosis: reproduced exactly with webhook-id left out: timestamp '.' payload signed"


def entry(mac: bytes) -> str:
    return "v1," + base64.b64encode(mac).decode()


def recipe(**change) -> diagnose.Recipe:
    return dataclasses.replace(RIGHT, **change)


def test_a_text_that_is_no_entry():
    assert diagnose.signature(SIGN, "xyz") == Finding(
        "not an entry carrying a 32-byte MAC: not an entry carrying a 32-byte MAC in any form"
    )
    assert diagnose.describe("v1,abc") == "not an entry carrying a 32-byte MAC in any form"


def test_the_right_mac_in_non_canonical_base64():
    text = entry(RIGHT.mac())
    flipped = text[:-2] + ALPHABET[ALPHABET.index(text[-2]) ^ 1] + "="
    assert diagnose.signature(SIGN, flipped) == Finding(
        "correct MAC, non-canonical Base64 text (non-canonical-base64)",
        (
            "diagnosis: correct MAC, but its Base64 text is not canonical (non-zero unused bits) "
            "[non-canonical-base64] (SW-9)",
        ),
        ("non-canonical-base64",),
    )


def test_the_right_mac_written_two_ways_wrongly():
    assert diagnose.signature(SIGN, RIGHT.mac().hex()) == Finding(
        "correct MAC, wrong form: no-version-prefix+hex",
        (
            "diagnosis: correct MAC, written wrongly: no 'v1,' prefix and hex of the MAC instead of Base64 "
            "[no-version-prefix+hex] (SW-9)",
        ),
        ("no-version-prefix+hex",),
    )
    assert diagnose.describe(RIGHT.mac().hex()) == "no 'v1,' prefix; hex of the MAC instead of Base64 (SW-9)"


def test_an_entry_in_the_right_form_and_in_a_wrong_one():
    mac = recipe(with_id=False).mac()
    assert diagnose.signature(SIGN, entry(mac)) == Finding(
        "id-omitted", (f"{ID_OMITTED} [id-omitted] (SW-8)",), ("id-omitted",)
    )
    assert diagnose.signature(SIGN, "v1," + mac.hex()) == Finding(
        "id-omitted+hex",
        (f"{ID_OMITTED}; written as hex of the MAC instead of Base64 [id-omitted+hex] (SW-8, SW-9)",),
        ("id-omitted+hex",),
    )
    ids = "id-omitted+no-version-prefix+hex"
    assert diagnose.signature(SIGN, mac.hex()) == Finding(
        ids,
        (f"{ID_OMITTED}; written as no 'v1,' prefix and hex of the MAC instead of Base64 [{ids}] (SW-8, SW-9)",),
        (ids,),
    )


def test_a_pair_of_entries():
    ids = "id-omitted+payload-newline-added"
    mac = recipe(with_id=False, payload=RIGHT.payload + b"\n").mac()
    assert diagnose.signature(SIGN, entry(mac)) == Finding(
        ids, (f"{ID_OMITTED} + a newline added at the end of the payload [{ids}] (SW-8)",), (ids,)
    )


# -- the transforms --------------------------------------------------------------------------------------------------


def test_a_json_transform_reserialises_json_payloads_only():
    compact = diagnose._json(lambda v: f"<{sorted(v)}>")
    assert compact(recipe(payload=b'{"b": 1, "a": 2}')) == recipe(payload=b"<['a', 'b']>")
    for payload in (b"not json", b'{"a": NaN}', b"\xff"):
        assert compact(recipe(payload=payload)) is None


def test_a_payload_transform_that_does_not_apply():
    seen = []

    def change(payload: bytes) -> bytes | None:
        seen.append(payload)
        return payload + b"!" if payload else None

    apply = diagnose._payload(change)
    assert apply(recipe(payload=b"x")) == recipe(payload=b"x!")
    assert apply(recipe(payload=b"")) is None
    assert seen == [b"x", b""]


def test_a_separator_transform():
    assert diagnose._separator(b":")(RIGHT) == recipe(separator=b":")
    assert recipe(separator=b":", msg_id="i", timestamp="1", payload=b"p").content() == b"i:1:p"


def test_milliseconds_apply_to_a_decimal_timestamp_only():
    assert diagnose._milliseconds(recipe(timestamp="17")) == recipe(timestamp="17000")
    assert diagnose._milliseconds(recipe(timestamp="+17")) is None


@pytest.mark.parametrize(
    ("text", "kwargs", "raw"),
    [("AAAA", {}, b"\0\0\0"), ("AAAA!", {}, None), ("AAAA", {"pad": True}, b"\0\0\0"), ("AA", {"pad": True}, b"\0"), ("AAA", {"pad": True}, b"\0\0"),
     ("AAAAA", {"pad": True}, None), ("AAAAAA", {"pad": True}, b"\0\0\0\0"), ("AA==", {"pad": True}, None)],
)  # fmt: skip
def test_b64_readings(text, kwargs, raw):
    assert diagnose._b64(text, **kwargs) == raw


def test_a_url_safe_form_needs_a_url_safe_character():
    assert diagnose._url_only("a-b") and diagnose._url_only("a_b")
    assert not diagnose._url_only("a+b/")


@pytest.mark.parametrize(
    ("secret", "key"),
    [
        ("whsec_AAAA", None),  # 9 characters: 9 % 4 == 1, no key
        ("whsec_AAA", base64.b64decode("whsecAAA")),  # 8 characters, no padding needed
        ("whsec_AAAAAA", base64.b64decode("whsecAAAAAA=")),  # 11 characters, one '=' added
        ("whsec_A!AAAAA", base64.b64decode("whsecAAAAAA=")),  # '!' is skipped, as a lenient decoder does
        ("whsec_AAAA0", base64.b64decode("whsecAAAA0==")),  # 10 characters, two '=' added
        ("AAAA", None),  # no prefix: the entry does not apply
    ],
)
def test_the_prefix_decoded_by_a_lenient_decoder(secret, key):
    got = diagnose._prefix_decoded(recipe(secret=secret))
    assert (got.key if got else None) == key
