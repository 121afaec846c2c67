"""The reference implementation against published answers, and its sign -> verify consistency."""

from __future__ import annotations

import base64

import pytest

from hmac_conformance import _reference as reference
from hmac_conformance._load import load
from hmac_conformance.schemes.firstvision import reference as firstvision
from hmac_conformance.schemes.hmac import reference as hmac

VECTORS = load().vectors
PUBLISHED = [v for v in VECTORS if v.source.startswith("RFC ")]


def test_rfc4231_case_1_published_value():
    # RFC 4231 §4.2, HMAC-SHA-256, key 0x0b x 20, data "Hi There".
    tag = hmac.mac(algorithm="sha256", key=b"\x0b" * 20, message=b"Hi There", tag_length=32)["tag"]
    assert tag.hex() == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"


def test_every_rfc_case_is_present():
    assert len([v for v in PUBLISHED if v.source.startswith("RFC 4231")]) == 28
    assert len([v for v in PUBLISHED if v.source.startswith("RFC 2202")]) == 14


@pytest.mark.parametrize("vector", PUBLISHED, ids=lambda v: v.id)
def test_reference_matches_published_value(vector):
    assert reference.run_case(vector.scheme, vector.operation, vector.input) == vector.expected


def test_reference_passes_every_vector():
    """One test over every vector (thousands of items would cost more in pytest than in the check itself)."""
    wrong = [v.id for v in VECTORS if reference.run_case(v.scheme, v.operation, v.input) != v.expected]
    assert VECTORS and wrong == []


def test_tag_length_outside_mac4_is_refused():
    with pytest.raises(ValueError, match="MAC-4"):
        hmac.mac(algorithm="sha256", key=b"k", message=b"m", tag_length=9)


def test_sign_then_verify_round_trip_and_legacy_option():
    for algorithm in ("sha256", "sha512"):
        for encoding in ("base64", "legacy-hex-base64"):
            signed = firstvision.sign(algorithm=algorithm, secret=b"s3cret", api_key="K1", client_request_id="r-1",
                                      timestamp="1700000000000", method="POST", path="/", body=b"{}",
                                      signature_encoding=encoding)  # fmt: skip
            request = {"method": "POST", "path": "/", "headers": list(signed["headers"].items()), "body": b"{}"}
            keys = [{"api_key": "K1", "secret": b"s3cret", "algorithm": algorithm}]
            common = {
                "request": request,
                "keys": keys,
                "now_ms": 1700000000000,
                "window_ms": 300000,
                "seen_request_ids": [],
            }
            assert firstvision.verify(**common, legacy_hex_base64=True) == {"valid": True}
            want = {"valid": True} if encoding == "base64" else {"valid": False, "reason": "malformed-signature"}
            assert firstvision.verify(**common, legacy_hex_base64=False) == want


def test_strict_base64_rejects_every_lenient_form():
    good = base64.b64encode(b"\xfb\xff" * 16).decode()  # contains "+" and "/"
    assert firstvision.strict_b64decode(good) == b"\xfb\xff" * 16
    for bad in (good.rstrip("="), good + "=", " " + good, good[:10] + "\n" + good[10:], good.replace("+", "-"), "é"):
        assert firstvision.strict_b64decode(bad) is None


def test_header_names_fold_ascii_only():
    assert firstvision.ascii_lower("API-KEY") == "api-key"
    assert firstvision.ascii_lower("Api-\u212aey") != "api-key"
