"""docs/diagnosis.md documents every diagnosis id the runner can print, and no other: the ids are read from each
scheme's diagnose module (its catalogue and encoding tables, and the few verdicts on a right MAC, obtained by
asking the module about one), so the page cannot go stale when an entry is added, renamed or removed."""

from __future__ import annotations

import base64
import importlib
import re
from pathlib import Path
from typing import Any

import pytest

import hmac_conformance.schemes
from hmac_conformance.schemes import Vector
from hmac_conformance.schemes.firstvision import diagnose as fv
from hmac_conformance.schemes.hmac import diagnose as mac
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, full_mac
from hmac_conformance.schemes.sigv4 import diagnose as sigv4
from hmac_conformance.schemes.standard_webhooks import diagnose as sw
from hmac_conformance.schemes.standard_webhooks import reference as sw_reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "diagnosis.md"
SCHEMES = ("hmac", "firstvision", "sigv4", "standard-webhooks")


def _vector(scheme: str, operation: str, inp: dict[str, Any], expected: dict[str, Any] | None = None) -> Vector:
    return Vector(f"{scheme}/{operation}/doc", scheme, operation, "", (), (), "1.0.0", "generated", inp,
                  expected or {}, Path("-"))  # fmt: skip


def _non_canonical(text: str) -> str:
    """The same bytes in Base64 with a non-zero unused bit: the last character before the padding, plus one."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    body = text.rstrip("=")
    return body[:-1] + alphabet[alphabet.index(body[-1]) + 1] + text[len(body) :]


def _hmac_ids() -> set[str]:
    """Every id ``_mac_alternatives`` yields for any algorithm, with a key that fits the block and one that
    does not, and the two truncation verdicts of ``tag``."""
    ids = {
        ident
        for algorithm in ALGORITHMS
        for key in (b"k", b"k" * 200)
        for ident, _, _ in mac._mac_alternatives(algorithm, key, b"message")
    }
    inp = {"algorithm": "sha256", "key": b"key", "message": b"message", "tag_length": 16}
    full = full_mac("sha256", b"key", b"message")
    for got in (full, full[-16:]):
        ids.update(mac.tag(_vector("hmac", "mac", inp), got).entries)
    return ids


def _firstvision_ids() -> set[str]:
    """The catalogue, the encodings, and the two verdicts on a right MAC: the encoding option ignored, and
    non-canonical Base64."""
    ids = {m.id for m in fv.CATALOGUE} | {e.id for e in fv.ENCODINGS}
    inp = {"algorithm": "sha256", "secret": b"secret", "api_key": "key", "client_request_id": "id",
           "timestamp": "1700000000000", "body": b"{}"}  # fmt: skip
    right = base64.b64encode(fv.Recipe("sha256", b"secret", ("key", "id", "1700000000000"), b"{}").mac()).decode()
    for encoding, got in (("legacy-hex-base64", right), ("base64", _non_canonical(right))):
        vector = _vector("firstvision", "sign", {**inp, "signature_encoding": encoding})
        ids.update(fv.signature(vector, got).entries)
    return ids


def _sigv4_ids() -> set[str]:
    return {m.id for m in sigv4.CATALOGUE} | {ident for ident, _ in sigv4.ENCODINGS}


def _standard_webhooks_ids() -> set[str]:
    """The catalogue, the forms, the two prefix problems ``readings`` reports, and non-canonical Base64."""
    ids = {m.id for m in sw.CATALOGUE} | {f.id for f in sw.FORMS}
    value = base64.b64encode(bytes(sw_reference.MAC_BYTES)).decode()
    ids |= {r.prefix for text in (value, "v2," + value) for r in sw.readings(text) if r.prefix}
    secret = "whsec_" + base64.b64encode(bytes(range(32))).decode()
    inp = {"secret": secret, "msg_id": "msg_1", "timestamp": "1700000000", "payload": b"{}"}
    key = sw_reference.decode_secret(secret)
    assert key is not None
    right = base64.b64encode(sw.Recipe(secret, key, "msg_1", "1700000000", b"{}").mac()).decode()
    ids.update(sw.signature(_vector("standard-webhooks", "sign", inp), "v1," + _non_canonical(right)).entries)
    return ids


CODE_IDS = {
    "hmac": _hmac_ids,
    "firstvision": _firstvision_ids,
    "sigv4": _sigv4_ids,
    "standard-webhooks": _standard_webhooks_ids,
}
#: Catalogue entries that carry the rule they break, by id.
RULES = {
    "firstvision": {m.id: m.rule for m in fv.CATALOGUE},
    "sigv4": {m.id: m.rule for m in sigv4.CATALOGUE},
    "standard-webhooks": {m.id: m.rule for m in sw.CATALOGUE},
}


def _cells(row: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def doc_tables() -> dict[str, list[tuple[list[str], str]]]:
    """Each scheme's table rows on the page: the ids of the first cell and the whole row, from the sections whose
    heading names the scheme (``## The SigV4 catalogue (`sigv4` …)``) and their subsections."""
    rows: dict[str, list[tuple[list[str], str]]] = {s: [] for s in SCHEMES}
    scheme = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            named = [s for s in re.findall(r"`([^`]+)`", line) if s in SCHEMES]
            scheme = named[0] if named else None
        row = line.strip()
        if scheme and row.startswith("|") and not re.fullmatch(r"\|[-| ]+\|", row):
            first = _cells(row)[0]
            if first != "id":
                rows[scheme].append((re.findall(r"`([^`]+)`", first), row))
    return rows


def _matches(doc_id: str, code_id: str) -> bool:
    """A documented id is exact, or a pattern whose upper-case words stand for a part (``block-length-N``)."""
    if not re.search(r"[A-Z]", doc_id):
        return doc_id == code_id
    pattern = "".join("[a-z0-9-]+" if part.isupper() else re.escape(part) for part in re.split(r"([A-Z]+)", doc_id))
    return re.fullmatch(pattern, code_id) is not None


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_id_in_the_code_is_documented(scheme: str) -> None:
    documented = [i for ids, _ in doc_tables()[scheme] for i in ids]
    missing = sorted(c for c in CODE_IDS[scheme]() if not any(_matches(d, c) for d in documented))
    assert not missing, f"docs/diagnosis.md has no row for these {scheme} ids: {missing}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_id_documented_is_in_the_code(scheme: str) -> None:
    code = CODE_IDS[scheme]()
    documented = [i for ids, _ in doc_tables()[scheme] for i in ids]
    assert documented, f"docs/diagnosis.md has no {scheme} table"
    unknown = sorted(d for d in documented if not any(_matches(d, c) for c in code))
    assert not unknown, f"docs/diagnosis.md documents {scheme} ids that the code does not have: {unknown}"


@pytest.mark.parametrize("scheme", sorted(RULES))
def test_each_catalogue_row_cites_the_rule_its_entries_break(scheme: str) -> None:
    wrong = [
        f"{ident}: {RULES[scheme][ident]}"
        for ids, row in doc_tables()[scheme]
        for ident in ids
        if ident in RULES[scheme] and RULES[scheme][ident] not in _cells(row)[-1]
    ]
    assert not wrong, f"docs/diagnosis.md cites another rule than the code for: {wrong}"


def test_every_built_in_scheme_with_a_diagnosis_is_checked() -> None:
    """A scheme added under schemes/ with a diagnose.py must get its section of the page and its row above."""
    folder = Path(hmac_conformance.schemes.__file__).parent
    diagnosed = {
        importlib.import_module(f"hmac_conformance.schemes.{d.parent.name}").SCHEME.name
        for d in folder.glob("*/diagnose.py")
    }
    assert diagnosed == set(CODE_IDS)
