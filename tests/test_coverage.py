"""`coverage`: the rules are read from the spec page itself, each rule's vectors are counted by expected outcome,
and `--require-coverage` fails on a gap no waiver excuses and on a waiver that excuses nothing — shown on a stub
spec page in a temporary folder, registered as a plug-in scheme with the toy scheme's operations and vectors."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from hmac_conformance import _coverage as coverage
from hmac_conformance import schemes
from hmac_conformance._exceptions import UsageError
from hmac_conformance._model import Vector
from tests.conftest import ROOT

TOY_VECTORS = str(ROOT / "tests" / "toy_scheme" / "vectors")

SPEC = """\
# Spec stub: the toy scheme

The key words MUST, SHOULD and MAY are used as in RFC 2119 (this line belongs to no rule).

**TOY-1 — Tag.** The tag of a text under a key is the HMAC-SHA256 of the text's UTF-8 bytes, written as 64
lowercase hex digits.

**TOY-2 — Check** accepts exactly the tag of TOY-1. A checker MUST reject anything else:

    MUST NOT trim (an indented example)

**TOY-3 — Logging.** A checker SHOULD log rejections; it MAY log acceptances.

**TOY-4 — Rate.** A checker MAY limit the rate of checks.

## Notes

Everything here MUST be ignored: a heading ends the rule before it.
"""


@pytest.fixture
def stub(tmp_path, monkeypatch):
    """A scheme ``toy`` whose spec page (and waiver file) live in ``tmp_path``; returns that folder."""
    name = "coverage_stub_" + re.sub(r"\W", "_", tmp_path.name)
    (tmp_path / f"{name}.py").write_text(
        "from dataclasses import replace\nfrom pathlib import Path\nfrom tests.toy_scheme import SCHEME as TOY\n"
        "SCHEME = replace(TOY, spec=Path(__file__).parent / 'spec.md')\n",
        encoding="utf-8",
    )
    (tmp_path / "spec.md").write_text(SPEC, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(schemes.ENVIRONMENT, name)
    yield tmp_path
    monkeypatch.delenv(schemes.ENVIRONMENT)
    schemes.all_schemes()
    sys.modules.pop(name, None)


def _waivers(folder: Path, text: str) -> Path:
    path = folder / coverage.WAIVER_FILE
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _cover(hc, *extra: str):
    return hc("coverage", "--vectors", TOY_VECTORS, "--scheme", "toy", *extra)


def test_rules_titles_and_levels_come_from_the_page(tmp_path):
    spec = tmp_path / "spec.md"
    spec.write_text(SPEC, encoding="utf-8")
    rules = coverage.parse_rules(spec, "TOY", "toy")
    assert [(r.id, r.title, r.level, r.where) for r in rules] == [
        ("TOY-1", "Tag", "MUST", "spec.md:5"),  # no RFC 2119 key word: a requirement
        ("TOY-2", "Check", "MUST", "spec.md:8"),  # the bold title ends before the sentence goes on
        ("TOY-3", "Logging", "SHOULD", "spec.md:12"),  # SHOULD and MAY: the stronger of the two
        ("TOY-4", "Rate", "MAY", "spec.md:14"),  # the MUST under "## Notes" is not part of it
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("**TOY-5 - Dash.** A hyphen instead of the em dash.", "spec.md:20: a rule must start '**TOY-<n> — Title.**'"),
        ("### TOY-5 — As a heading", "spec.md:20: a rule must start '**TOY-<n> — Title.**'"),
        ("**TOY-2 — Again.** Defined twice.", "spec.md:20: rule TOY-2 is defined twice"),
    ],
)
def test_a_rule_written_another_way_is_an_error_not_a_rule_lost(tmp_path, line, message):
    spec = tmp_path / "spec.md"
    spec.write_text(SPEC + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        coverage.parse_rules(spec, "TOY", "toy")
    assert str(caught.value).startswith(f"{spec.parent}/{message}"), caught.value


def test_counts_per_rule_split_by_expected_outcome_in_json(hc, stub):
    result = _cover(hc, "--format", "json")
    assert result.code == 0, result.err  # without --require-coverage, gaps are reported, not fatal
    document = json.loads(result.out)
    assert set(document) == {"format", "rules", "summary", "problems"}
    rows = {r["rule"]: r for r in document["rules"]}
    assert list(rows) == ["TOY-1", "TOY-2", "TOY-3", "TOY-4"]
    assert set(rows["TOY-1"]) == {"rule", "scheme", "title", "level", "defined_at", "accept", "reject", "gaps",
                                  "waived", "waiver_reason"}  # fmt: skip
    assert rows["TOY-1"]["accept"] == ["toy/tag/ascii", "toy/tag/empty", "toy/tag/unicode"]
    assert rows["TOY-1"]["reject"] == [] and rows["TOY-1"]["gaps"] == ["reject"]
    assert rows["TOY-2"]["accept"] == ["toy/check/right"]
    assert rows["TOY-2"]["reject"] == ["toy/check/upper", "toy/check/other-text"]
    assert rows["TOY-2"]["gaps"] == []
    assert rows["TOY-3"]["gaps"] == ["accept", "reject"] and rows["TOY-3"]["level"] == "SHOULD"
    assert document["summary"] == {
        "toy": {"MUST": {"rules": 2, "gaps": 1, "waived": 0}, "SHOULD": {"rules": 1, "gaps": 1, "waived": 0},
                "MAY": {"rules": 1, "gaps": 1, "waived": 0}}
    }  # fmt: skip
    assert len(document["problems"]) == 3


def test_a_must_rule_with_only_accepting_vectors_fails_and_is_named(hc, stub):
    result = _cover(hc, "--require-coverage")
    assert result.code == 1
    assert result.err.splitlines() == [
        "coverage: TOY-1 (MUST, spec.md:5): no rejecting vector cites it (a MUST rule needs both)",
        "coverage: TOY-3 (SHOULD, spec.md:12): no vector cites it",
        "coverage: TOY-4 (MAY, spec.md:14): no vector cites it",
    ]
    assert "TOY-1     MUST       3 / 0     Tag: GAP: no rejecting vector cites it" in result.out
    assert "rules: toy 2 MUST, 1 SHOULD, 1 MAY (3 with gaps, 0 waived)" in result.out


def test_waivers_with_reasons_excuse_exactly_their_gaps(hc, stub):
    _waivers(
        stub,
        """\
        waivers:
          - rule: TOY-1
            missing: [reject]
            reason: A tag is an output; there is nothing to refuse.
          - rule: TOY-3
            missing: [accept, reject]
            reason: Logging changes no answer, so no vector can show it.
          - rule: TOY-4
            missing: [reject, accept]
            reason: Rate limits are outside what a single case can show.
        """,
    )
    result = _cover(hc, "--require-coverage")
    assert result.code == 0, result.err
    assert "Tag: waived (reject): A tag is an output; there is nothing to refuse." in result.out
    markdown = _cover(hc, "--require-coverage", "--format", "markdown")
    assert "| TOY-1 | MUST | Tag | 3 | 0 | waived (reject): A tag is an output; there is nothing to refuse. |" in (
        markdown.out
    )


def test_a_waiver_that_excuses_nothing_is_an_error(hc, stub):
    path = _waivers(
        stub,
        """\
        waivers:
          - rule: TOY-1
            missing: [accept, reject]
            reason: Claims more than is missing.
          - rule: TOY-3
            missing: [accept, reject]
            reason: Logging changes no answer.
          - rule: TOY-4
            missing: [accept, reject]
            reason: Rate limits are not shown by cases.
          - rule: TOY-9
            missing: [reject]
            reason: A rule the page does not define.
        """,
    )
    result = _cover(hc, "--require-coverage")
    assert result.code == 1
    assert result.err.splitlines() == [
        f"coverage: {path}:2: stale waiver for TOY-1: it excuses missing accepting vectors, which the rule no "
        "longer lacks; remove that from the waiver",
        f"coverage: {path}:11: waiver for TOY-9, which no selected spec page defines",
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("waivers:\n  - rule: TOY-1\n    missing: [reject]\n", 2, "exactly the keys rule, missing and reason"),
        ("waivers:\n  - rule: TOY-1\n    missing: [refuse]\n    reason: Nothing to refuse here.\n", 3,
         "missing must list accept and/or reject, got ['refuse']"),
        ("waivers:\n  - rule: TOY-1\n    missing: [reject]\n    reason: todo\n", 4, "reason must say why in words"),
        ("waivers:\n  - rule: toy-1\n    missing: [reject]\n    reason: Nothing to refuse here.\n", 2,
         "rule must be a rule id such as MAC-6, got 'toy-1'"),
        ("waivers:\n  - {rule: TOY-1, missing: [reject], reason: One reason here.}\n"
         "  - {rule: TOY-1, missing: [reject], reason: Another reason here.}\n", 3, "a second waiver for TOY-1"),
        ("rules: []\n", 1, "expected a mapping with one key, 'waivers', holding a list"),
        ("waivers: [\n", 2, ""),
    ],
)  # fmt: skip
def test_a_malformed_waiver_file_is_one_line_exit_2_naming_file_and_line(hc, stub, text, line, message):
    path = stub / coverage.WAIVER_FILE
    path.write_text(text, encoding="utf-8")
    result = _cover(hc, "--require-coverage")
    assert result.code == 2
    assert result.out == ""
    (only,) = result.err.splitlines()
    assert only.startswith(f"hmac-conformance: {path}:{line}:"), only
    assert message in only


def test_a_refusal_is_a_rejection_and_a_computed_output_an_acceptance():
    def vector(expected: dict) -> Vector:
        return Vector("x/y/z", "", "op", "", (), (), "1.0.0", "", {}, expected, Path("x.yaml"))

    assert coverage.outcome(vector({"refused": "malformed-id"})) == "reject"
    assert coverage.outcome(vector({"valid": False, "reason": "stale"})) == "reject"
    assert coverage.outcome(vector({"valid": True})) == "accept"
    assert coverage.outcome(vector({"signature": "v1,abc"})) == "accept"


def test_the_suite_covers_its_own_spec(hc):
    result = hc("coverage", "--require-coverage", "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    rows = {r["rule"]: r for r in document["rules"]}
    assert {"MAC-1", "FV-17", "SIGV4-37", "SW-17"} <= set(rows)
    waived = {r["rule"] for r in document["rules"] if r["waived"]}
    assert waived == {"MAC-6", "SW-14", "SW-16"}
    for row in document["rules"]:
        assert row["waived"] or row["accept"] or row["reject"], row["rule"]
        if row["level"] == "MUST" and not row["waived"]:
            assert row["accept"] and row["reject"], row["rule"]
