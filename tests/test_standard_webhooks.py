"""The standard-webhooks scheme: its diagnosis names each signer mistake from the signature alone (one one-bug
implementation per catalogue entry)."""

from __future__ import annotations

import re

import pytest

from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._execute import execute
from hmac_conformance._load import load
from hmac_conformance._outcome import Result
from hmac_conformance.schemes.standard_webhooks import diagnose

SCHEME = "standard-webhooks"
S = f"{SCHEME}/sign/"
VECTORS = {v.id: v for v in load().vectors}

# -- diagnosis -------------------------------------------------------------------------------------------------------

#: one-bug signer (tests/impls/sw_mistakes.py) -> (a vector on which it is the only explanation, the entry named)
SIGNERS = {
    "secret_not_decoded": (S + "basic", "secret-not-decoded"),
    "secret_with_prefix": (S + "basic", "secret-with-prefix"),
    "secret_prefix_decoded": (S + "basic", "secret-prefix-decoded"),
    "timestamp_milliseconds": (S + "basic", "timestamp-milliseconds"),
    "id_omitted": (S + "basic", "id-omitted"),
    "fields_joined_none": (S + "basic", "fields-joined-none"),
    "fields_joined_colon": (S + "basic", "fields-joined-colon"),
    "fields_joined_comma": (S + "basic", "fields-joined-comma"),
    "fields_joined_newline": (S + "basic", "fields-joined-newline"),
    "payload_json_compact": (S + "pretty-json-crlf", "payload-json-compact"),
    "payload_json_python_default": (S + "basic", "payload-json-python-default"),
    "payload_json_sorted_keys": (S + "basic", "payload-json-sorted-keys"),
    "payload_json_pretty_2": (S + "basic", "payload-json-pretty-2"),
    "payload_newline_added": (S + "basic", "payload-newline-added"),
    "payload_newline_removed": (S + "pretty-json-crlf", "payload-newline-removed"),
    "payload_crlf_to_lf": (S + "pretty-json-crlf", "payload-crlf-to-lf"),
    "payload_bom_stripped": (S + "bom", "payload-bom-stripped"),
    "payload_utf8_replacement": (S + "non-utf8-payload", "payload-utf8-replacement"),
    # the right MAC, written wrongly
    "hex": (S + "basic", "hex"),
    "uppercase_hex": (S + "basic", "uppercase-hex"),
    "base64url": (S + "basic", "base64url"),
    "base64_unpadded": (S + "basic", "base64-unpadded"),
    "base64url_unpadded": (S + "basic", "base64url-unpadded"),
    "no_version_prefix": (S + "basic", "no-version-prefix"),
    "other_version_prefix": (S + "basic", "other-version-prefix"),
    "non_canonical_base64": (S + "basic", "non-canonical-base64"),
    # two bugs at once: both are named, in one entry
    "no_version_prefix_hex": (S + "basic", "no-version-prefix+hex"),
    "secret_not_decoded_hex": (S + "basic", "secret-not-decoded+hex"),
}
NAMED = re.compile(r"^diagnosis: .*\[([^\]]+)\]", re.MULTILINE)


def diagnosed(impl: str, vector_id: str) -> Result:
    target = load_target(f"tests.impls.sw_mistakes:{impl}")
    return execute(InProcessAdapter(impl, target), [VECTORS[vector_id]]).results[0]


def test_every_catalogue_entry_has_a_one_bug_test():
    covered = {entry for _, entry in SIGNERS.values()}
    catalogue = {m.id for m in diagnose.CATALOGUE} | {f.id for f in diagnose.FORMS if f.id != "base64"}
    catalogue |= {"no-version-prefix", "other-version-prefix", "non-canonical-base64"}
    assert catalogue - covered == set()


@pytest.mark.parametrize("bug", sorted(SIGNERS))
def test_signer_mistake_is_named_exactly(bug):
    vector_id, entry = SIGNERS[bug]
    result = diagnosed(bug, vector_id)
    assert result.status == "fail"
    assert NAMED.findall(result.diagnostic) == [entry], result.diagnostic
    assert result.message.startswith("signature differs: ") and entry in result.message
    assert "return signed_content" not in result.diagnostic, "a named bug needs no signed content"


def test_what_a_signature_looks_like_is_said_even_when_the_mac_is_wrong():
    vector, zeros = VECTORS[S + "basic"], "A" * 43 + "="  # the Base64 of 32 zero bytes: no vector's MAC
    assert diagnose.describe("v1," + bytes(32).hex()) == "hex of the MAC instead of Base64 (SW-9)"
    assert diagnose.describe(zeros) == "no 'v1,' prefix (SW-9)"
    assert diagnose.describe("v1=" + zeros) == "another version label than 'v1,' (SW-9)"
    assert diagnose.describe("v1," + zeros).startswith("'v1,' and Base64 of 32 bytes (right form")
    assert diagnose.describe(vector.expected["signature"] + " v1,x").startswith("2 entries")
    assert diagnose.describe("") == "empty"
    finding = diagnose.signature(vector, "v1," + zeros)
    assert finding.summary == "different MAC" and not finding.entries
    assert "no catalogue entry or pair of entries reproduces this signature" in finding.lines[-1]
    assert diagnose.signature(vector, "v1,abc").summary.startswith("not an entry carrying a 32-byte MAC")
