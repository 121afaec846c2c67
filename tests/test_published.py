"""The imported published tests (Wycheproof, NIST ACVP) keep their provenance and their shape.

The expected values themselves are recomputed by `validate` (tests/test_validate.py) and by
tests/test_reference.py; this checks what those cannot: that ids, sources and verify twins say what
docs/spec/hmac.md ("Sources of published values") promises, so that a user can find every vector's upstream test.
"""

from __future__ import annotations

import re

from hmac_conformance._load import load

VECTORS = load().vectors
BY_ID = {v.id: v for v in VECTORS}
WYCHEPROOF = [v for v in VECTORS if "wycheproof" in v.tags]
ACVP = [v for v in VECTORS if "acvp" in v.tags]

WYCHEPROOF_ID = re.compile(r"hmac/wycheproof/(?P<alg>[a-z0-9-]+)/tc(?P<tc>[0-9]+)(?P<verify>-verify)?")
WYCHEPROOF_SOURCE = re.compile(
    r"C2SP/wycheproof testvectors_v1/hmac_(?P<file>[a-z0-9_]+)_test\.json tcId (?P<tc>[0-9]+) @ [0-9a-f]{7}"
)
ACVP_ID = re.compile(r"hmac/acvp/(?P<alg>[a-z0-9-]+)/rev(?P<rev>[0-9]+\.[0-9]+)/tc(?P<tc>[0-9]+)")
ACVP_SOURCE = re.compile(
    r"usnistgov/ACVP-Server gen-val/json-files/HMAC-(?P<hash>[A-Z0-9-]+)-(?P<rev>[0-9]+\.[0-9]+) "
    r"tgId [0-9]+ tcId (?P<tc>[0-9]+) @ v[0-9.]+ \([0-9a-f]{7}\)"
)


def test_both_sources_are_present_for_every_algorithm_they_publish():
    assert {v.input["algorithm"] for v in WYCHEPROOF} == {v.input["algorithm"] for v in ACVP}
    assert {"sha512-224", "sha512-256"} <= {v.input["algorithm"] for v in WYCHEPROOF}


def test_every_wycheproof_vector_names_its_upstream_test():
    wrong = []
    for vector in WYCHEPROOF:
        ident, source = WYCHEPROOF_ID.fullmatch(vector.id), WYCHEPROOF_SOURCE.fullmatch(vector.source)
        if not (
            ident
            and source
            and ident["tc"] == source["tc"]
            and ident["alg"] == vector.input["algorithm"] == source["file"].replace("_", "-")
            and (ident["verify"] is not None) == (vector.operation == "mac-verify")
            and "published" in vector.tags
        ):
            wrong.append((vector.id, vector.source))
    assert WYCHEPROOF and not wrong, wrong[:5]


def test_every_wycheproof_mac_vector_has_an_accepting_verify_twin():
    for vector in (v for v in WYCHEPROOF if v.operation == "mac"):
        twin = BY_ID[vector.id + "-verify"]
        assert twin.expected == {"valid": True}, twin.id
        assert twin.input == {**vector.input, "tag": vector.expected["tag"]}, twin.id
        assert twin.source == vector.source, twin.id


def test_wycheproof_rejections_carry_the_reason_mac5_gives():
    rejections = [v for v in WYCHEPROOF if v.operation == "mac-verify" and not v.expected["valid"]]
    assert rejections
    for vector in rejections:
        same_length = len(vector.input["tag"]) == vector.input["tag_length"]
        assert vector.expected["reason"] == ("tag-mismatch" if same_length else "wrong-tag-length"), vector.id
        assert vector.id.removesuffix("-verify") not in BY_ID, "an invalid test has no mac vector"


def test_every_acvp_vector_names_its_upstream_test():
    wrong = []
    for vector in ACVP:
        ident, source = ACVP_ID.fullmatch(vector.id), ACVP_SOURCE.fullmatch(vector.source)
        if not (
            ident
            and source
            and (ident["tc"], ident["rev"]) == (source["tc"], source["rev"])
            and ident["alg"] == vector.input["algorithm"]
            and vector.operation == "mac"
            and "published" in vector.tags
        ):
            wrong.append((vector.id, vector.source))
    assert ACVP and not wrong, wrong[:5]
