"""`hmac-conformance mutants`: the catalogues are sound (each Reference answers as the reference, each mutant is
tied to real rules and documented), a mutant is killed by the vector meant for it, and the exit status follows
the equivalents list exactly — a planted survivor fails the run, listed it passes, listed but killed it fails."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

from hmac_conformance import _mutants as mutants
from hmac_conformance import _schemas, schemes
from hmac_conformance._adapters.inprocess import InProcessAdapter
from hmac_conformance._api import load_vectors, run
from hmac_conformance._validate import known_rules
from tests.conftest import ROOT, VECTORS

CATALOGUE = mutants.catalogue()
ALL = [m for group in CATALOGUE.values() for m in group]
SW = str(VECTORS / "standard-webhooks")


def last_line(out: str) -> str:
    return out.rstrip("\n").splitlines()[-1]


# -- the catalogues ------------------------------------------------------------------------------------------------


def test_every_scheme_has_a_catalogue_of_named_one_line_mutants_tied_to_its_rules():
    assert set(CATALOGUE) == set(schemes.all_schemes())
    assert len(ALL) >= 60
    names = [m.name for m in ALL]
    assert len(names) == len(set(names))
    rules = known_rules()
    for scheme, group in CATALOGUE.items():
        prefix = schemes.get(scheme).rule_prefix
        for m in group:
            assert re.fullmatch(rf"{re.escape(scheme)}/[a-z0-9][a-z0-9-]*", m.name), m.name
            assert m.title and "\n" not in m.title, m.name
            assert m.rules and all(r in rules and r.startswith(prefix + "-") for r in m.rules), (m.name, m.rules)


@pytest.mark.parametrize("scheme", sorted(CATALOGUE))
def test_the_step_by_step_reference_answers_every_vector_as_the_reference(scheme):
    """Every mutant is this class with one step changed, so it must be the reference to the byte and the reason."""
    module = importlib.import_module(type(CATALOGUE[scheme][0].implementation).__module__)
    implementation = module.Reference()
    vectors = [v for v in load_vectors([VECTORS / scheme]) if v.scheme == scheme]
    results = run(InProcessAdapter("reference-steps", implementation), vectors, strict_reasons=True).results
    assert len(results) == len(vectors)
    assert [(r.vector_id, r.status) for r in results if r.status != "pass"] == []


def test_the_documented_catalogue_table_is_the_code():
    doc = (ROOT / "docs" / "mutants.md").read_text(encoding="utf-8")
    block = doc.split("<!-- catalogue: begin (tools/mutants_table.py) -->\n", 1)[1].split("<!-- catalogue: end -->")[0]
    assert block.rstrip("\n").splitlines() == mutants.catalogue_table(CATALOGUE), "run: python tools/mutants_table.py"


# -- verdicts ------------------------------------------------------------------------------------------------------


def test_a_known_mutant_is_killed_by_the_vector_written_for_it(hc, tmp_path):
    report = tmp_path / "m.json"
    r = hc("mutants", "--mutant", "firstvision/secret-trimmed", "--report", str(report))
    assert r.code == 0, r.out + r.err
    assert re.search(r"^killed +firstvision/secret-trimmed .*firstvision/sign/secret-trailing-newline", r.out, re.M)
    assert last_line(r.out).startswith("1 of 1 mutants killed (0 of them only by their reasons); 0 equivalent")
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert not list(_schemas.validator("mutants-report.schema.json").iter_errors(doc))
    (entry,) = doc["mutants"]
    assert entry["verdict"] == "killed"
    assert set(entry["killed_by"]) == {
        "firstvision/sign/secret-trailing-newline",
        "firstvision/verify/accept/secret-surrounding-spaces",
    }


def test_a_mutant_caught_only_by_its_reason_is_reason_only_and_survives_without_the_order_vector(hc, tmp_path):
    sigv4 = VECTORS / "sigv4"
    report = tmp_path / "m.json"
    r = hc("mutants", "--mutant", "sigv4/scope-before-key", "--vectors", str(sigv4), "--report", str(report))
    assert r.code == 0, r.out + r.err
    assert re.search(r"^reason-only +sigv4/scope-before-key .*only its reasons differ", r.out, re.M)
    assert last_line(r.out).startswith("1 of 1 mutants killed (1 of them only by their reasons)")
    (entry,) = json.loads(report.read_text(encoding="utf-8"))["mutants"]
    assert (entry["verdict"], entry["killed_by"]) == ("reason-only", ["sigv4/verify/order/key-before-scope"])

    without = [str(sigv4 / "verify-accept.yaml"), str(sigv4 / "verify-reject.yaml")]
    r = hc("mutants", "--mutant", "sigv4/scope-before-key", *(f"--vectors={p}" for p in without))
    assert r.code == 1
    assert "survives, not listed as equivalent: sigv4/scope-before-key" in r.out
    assert last_line(r.out).startswith("0 of 1 mutants killed")


@pytest.fixture
def planted(monkeypatch):
    """A survivor by construction: standard-webhooks' step-by-step reference, registered as a mutant."""
    from hmac_conformance.schemes.standard_webhooks import mutants as sw

    implementation = sw.Reference()
    implementation.name = "standard-webhooks/planted-no-op"
    mutant = schemes.Mutant(implementation.name, "changes nothing", ("SW-1",), implementation)
    killed = CATALOGUE["standard-webhooks"][0]
    monkeypatch.setattr(mutants, "catalogue", lambda: {"standard-webhooks": (mutant, killed)})
    return mutant, killed


def equivalents(tmp_path: Path, *entries: tuple[str, str]) -> str:
    path = tmp_path / "equivalent.json"
    doc = {"equivalent": [{"name": n, "reason": r} for n, r in entries]}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return str(path)


def test_a_planted_survivor_that_is_not_listed_fails_the_run_by_name(hc, planted, tmp_path):
    r = hc("mutants", "--vectors", SW, "--equivalent", equivalents(tmp_path))
    assert r.code == 1
    assert re.search(r"^SURVIVED +standard-webhooks/planted-no-op ", r.out, re.M)
    assert "survives, not listed as equivalent: standard-webhooks/planted-no-op — changes nothing" in r.out
    assert last_line(r.out).startswith("1 of 2 mutants killed (0 of them only by their reasons); 0 equivalent, 1 sur")


def test_a_listed_survivor_passes_and_a_listed_killed_mutant_is_stale(hc, planted, tmp_path):
    survivor, killed = planted
    listed = equivalents(tmp_path, (survivor.name, "The reference itself, planted by the test."))
    r = hc("mutants", "--vectors", SW, "--equivalent", listed)
    assert r.code == 0, r.out + r.err
    assert re.search(r"^equivalent +standard-webhooks/planted-no-op .*planted by the test\.", r.out, re.M)
    assert last_line(r.out).startswith("1 of 2 mutants killed (0 of them only by their reasons); 1 equivalent, 0 sur")

    stale = equivalents(tmp_path, (survivor.name, "Planted."), (killed.name, "Wrongly listed."))
    r = hc("mutants", "--vectors", SW, "--equivalent", stale)
    assert r.code == 1
    assert f"listed as equivalent but killed: {killed.name}" in r.out


def test_the_suite_equivalents_file_is_valid_and_names_only_catalogued_mutants():
    listed = mutants.load_equivalent(mutants.DEFAULT_EQUIVALENT)
    assert set(listed) <= {m.name for m in ALL}


# -- usage errors --------------------------------------------------------------------------------------------------


BAD_EQUIVALENTS = {
    "unknown": ('{"equivalent": [{"name": "sigv4/no-such-mutant", "reason": "Why."}]}', "names no mutant"),
    "no-full-stop": ('{"equivalent": [{"name": "sigv4/tabs-kept", "reason": "why"}]}', "ending with '.'"),
    "twice": (
        '{"equivalent": [{"name": "sigv4/tabs-kept", "reason": "A."}, {"name": "sigv4/tabs-kept", "reason": "B."}]}',
        "listed twice",
    ),
    "not-json": ('{"equivalent": [', "equivalent.json"),
}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mutant", "sigv4/no-such-mutant"], "--mutant sigv4/no-such-mutant: no such mutant"),
        (["--scheme", "nope"], "invalid choice: 'nope'"),
        (["--report", "out.txt"], "--report out.txt: the file name must end in .json or .md"),
        (["--report", "no-such-folder/m.json"], "folder no-such-folder does not exist"),
        (["--equivalent", "no-such-file.json"], "--equivalent no-such-file.json: cannot read"),
        (["--scheme", "hmac", "--vectors", SW], "--vectors: no vector of scheme hmac"),
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
)
def test_usage_errors_exit_2_with_one_line_before_any_mutant_runs(hc, args, message):
    r = hc("mutants", *args)
    assert r.code == 2
    assert r.out == ""
    assert len(r.err.splitlines()) == 1 and message in r.err, r.err


@pytest.mark.parametrize("case", sorted(BAD_EQUIVALENTS))
def test_a_bad_equivalents_file_is_a_one_line_usage_error_naming_it(hc, tmp_path, case):
    text, message = BAD_EQUIVALENTS[case]
    path = tmp_path / "equivalent.json"
    path.write_text(text + "\n", encoding="utf-8")
    r = hc("mutants", "--equivalent", str(path))
    assert r.code == 2
    assert r.out == ""
    assert len(r.err.splitlines()) == 1 and str(path) in r.err and message in r.err, r.err
