"""validate refuses every kind of wrong expected value, each with its exact message: a wrong tag or decision, a
wrong signature, string to sign or header, a wrong or unconfirmable refusal, a wrong reason, a signature the
independent implementation cannot confirm, a defect vector that is not otherwise correct, a lenient-trim vector
that would not catch a lenient verifier; and the generic pass that collects, locates and sorts the problems.

The checks are called directly on real vectors with one thing changed (no files, no CLI)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from hmac_conformance import _cache as cache
from hmac_conformance import _coverage as coverage
from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance import _validate as validate
from hmac_conformance import schemes
from hmac_conformance._load import LoadResult, load
from hmac_conformance._model import Problem
from hmac_conformance._validate import Validated
from hmac_conformance.schemes import short
from hmac_conformance.schemes.firstvision import crosscheck as fv_crosscheck
from hmac_conformance.schemes.firstvision import lint as fv_lint
from hmac_conformance.schemes.firstvision import reference as fv_reference
from hmac_conformance.schemes.hmac import lint as hmac_lint
from hmac_conformance.schemes.hmac import reference as hmac_reference

VECTORS = {v.id: v for v in load().vectors}
MAC = VECTORS["hmac/rfc4231/sha256/case-1"]
SIGN = VECTORS["firstvision/sign/post-json"]
REFUSAL = next(v for v in VECTORS.values() if v.expected.get("refused") == "malformed-timestamp")
STALE = VECTORS["firstvision/verify/timestamp/minus-300001ms"]
ACCEPT = VECTORS["firstvision/verify/timestamp/now"]
LENIENT = next(v for v in VECTORS.values() if "lenient-trim" in v.tags and "api-key" in v.tags)


@pytest.fixture(autouse=True)
def _empty_cache(tmp_path, monkeypatch):
    """Each test starts with an empty cache: a vector another test checked clean is not skipped here."""
    monkeypatch.setenv(cache.ENVIRONMENT, str(tmp_path / "cache"))


def changed(vector, *, input=None, expected=None, tags=None):  # noqa: A002
    """A copy of the vector with parts of its input or expected value replaced."""
    inp, exp = copy.deepcopy(vector.input), copy.deepcopy(vector.expected)
    inp.update(input or {})
    exp = expected if expected is not None else exp
    return dataclasses.replace(vector, input=inp, expected=exp, tags=tuple(tags if tags is not None else vector.tags))


def headers(vector, **values: str | None) -> dict:
    """A verify input whose named headers (Api_Key -> Api-Key) are set, or removed with None."""
    inp = copy.deepcopy(vector.input)
    wanted = {k.replace("_", "-"): v for k, v in values.items()}
    rows = [[n, v] for n, v in inp["request"]["headers"] if n not in wanted]
    rows += [[n, v] for n, v in wanted.items() if v is not None]
    inp["request"]["headers"] = rows
    return inp


def test_every_repository_vector_passes_its_scheme_check():
    checks = {"hmac": hmac_lint, "firstvision": fv_lint}
    assert [m for v in VECTORS.values() if v.scheme in checks for m in checks[v.scheme].check(v)] == []


# -- hmac ------------------------------------------------------------------------------------------------------------


def test_hmac_wrong_expected_tag_names_all_three_values():
    wrong = bytes(32)
    right = hmac_reference.full_mac("sha256", MAC.input["key"], MAC.input["message"])
    assert hmac_lint.check(changed(MAC, expected={"tag": wrong})) == [
        f"expected tag {short(wrong)}; reference computes {short(right)}, independent computes {short(right)}"
    ]


@pytest.mark.parametrize(("length", "ok"), [(9, False), (10, True), (32, True), (33, False)])
def test_hmac_tag_length_bounds(length, ok):
    problems = hmac_lint.check(changed(MAC, input={"tag_length": length}))
    if ok:
        assert not any("outside" in p for p in problems)
    else:
        assert problems == [f"tag_length {length} outside 10..32 (MAC-4)"]


def test_hmac_verify_wrong_decision_and_wrong_reason():
    verify = next(v for v in VECTORS.values() if v.operation == "mac-verify" and v.expected == {"valid": True})
    assert hmac_lint.check(verify) == []
    problems = hmac_lint.check(changed(verify, expected={"valid": False, "reason": "tag-mismatch"}))
    assert problems == [
        "expected {'valid': False, 'reason': 'tag-mismatch'}; reference says {'valid': True}, "
        "independent says {'valid': True}"
    ]
    short_tag = changed(
        verify, input={"tag": verify.input["tag"][:-1]}, expected={"valid": False, "reason": "tag-mismatch"}
    )
    assert hmac_lint.check(short_tag) == [
        "expected {'valid': False, 'reason': 'tag-mismatch'}; reference says {'valid': False, 'reason': "
        "'wrong-tag-length'}, independent says {'valid': False, 'reason': 'wrong-tag-length'}"
    ]


# -- firstvision sign ------------------------------------------------------------------------------------------------


def test_sign_wrong_signature_string_to_sign_and_headers_each_named():
    ours = fv_reference.run_case("sign", SIGN.input)
    wrong = {**SIGN.expected, "signature": "AAAA", "string_to_sign": b"x", "headers": {"Api-Key": "nobody"}}
    assert fv_lint.check(changed(SIGN, expected=wrong)) == [
        f"expected string_to_sign {short(b'x')}; reference builds {short(ours['string_to_sign'])}, "
        f"independent builds {short(ours['string_to_sign'])}",
        f"expected signature 'AAAA'; reference computes {ours['signature']!r}, independent computes "
        f"{ours['signature']!r}",
        f"expected headers {{'Api-Key': 'nobody'}}; reference sends {ours['headers']}",
    ]


def test_refusal_for_the_wrong_reason():
    wrong = changed(REFUSAL, expected={"refused": "malformed-api-key"})
    assert fv_lint.check(wrong) == [
        "expected refused 'malformed-api-key'; reference refuses with 'malformed-timestamp', independent check "
        "finds 'malformed-timestamp'"
    ]


def test_refusal_of_valid_inputs():
    wrong = changed(SIGN, expected={"refused": "malformed-api-key"})
    assert fv_lint.check(wrong) == [
        "expected refused 'malformed-api-key'; reference signs, independent check finds None"
    ]


def test_refusal_with_two_malformed_fields_needs_the_order_tag():
    two = changed(REFUSAL, input={"api_key": "bad key"}, expected={"refused": "malformed-api-key"}, tags=["sign"])
    assert fv_lint.check(two) == [
        "a refusal vector must have one malformed field, unless tagged 'order' (the independent check finds "
        "malformed-api-key, malformed-timestamp)"
    ]
    assert fv_lint.check(dataclasses.replace(two, tags=("sign", "order"))) == []


def test_signature_expected_for_malformed_inputs():
    wrong = changed(SIGN, input={"timestamp": "17e11"})
    assert fv_lint.check(wrong) == [
        "expected a signature, but the inputs break FV-5..7 (reference: 'malformed-timestamp', independent check: "
        "'malformed-timestamp'); a signer must refuse them (FV-17)"
    ]
    two = changed(SIGN, input={"api_key": "bad key", "timestamp": "17e11"})
    assert fv_lint.check(two) == [
        "expected a signature, but the inputs break FV-5..7 (reference: 'malformed-api-key', independent check: "
        "'malformed-api-key, malformed-timestamp'); a signer must refuse them (FV-17)"
    ]


def test_sign_either_implementation_finding_a_malformed_field_is_enough(monkeypatch):
    # The reference and the independent check disagree: either one is enough to refuse the vector.
    monkeypatch.setattr(fv_crosscheck, "field_problems", lambda *a: ["malformed-request-id"])
    assert fv_lint.check(SIGN) == [
        "expected a signature, but the inputs break FV-5..7 (reference: None, independent check: "
        "'malformed-request-id'); a signer must refuse them (FV-17)"
    ]
    monkeypatch.setattr(fv_crosscheck, "field_problems", lambda *a: [])
    assert fv_lint.check(changed(SIGN, input={"timestamp": "17e11"})) == [
        "expected a signature, but the inputs break FV-5..7 (reference: 'malformed-timestamp', independent check: "
        "None); a signer must refuse them (FV-17)"
    ]


# -- firstvision verify ----------------------------------------------------------------------------------------------


def test_verify_wrong_expected_decision():
    assert fv_lint.check(changed(ACCEPT, expected={"valid": False, "reason": "stale"})) == [
        "expected {'valid': False, 'reason': 'stale'}; reference says {'valid': True}"
    ]


def test_verify_key_store_with_a_duplicate_api_key():
    keys = ACCEPT.input["keys"]
    problems = fv_lint.check(changed(ACCEPT, input={"keys": [*keys, {**keys[0], "secret": b"other"}]}))
    assert problems == ["the key store lists the same api_key twice; which secret applies would be undefined"]


def test_verify_valid_signature_the_independent_implementation_cannot_confirm(monkeypatch):
    monkeypatch.setattr(fv_crosscheck, "request_signature_ok", lambda *a, **k: False)
    assert fv_lint.check(ACCEPT) == ["expected valid, but the independent implementation finds the signature wrong"]
    monkeypatch.setattr(fv_crosscheck, "request_signature_ok", lambda *a, **k: None)
    assert fv_lint.check(ACCEPT) == ["expected valid, but the independent implementation finds the signature wrong"]


def test_verify_signature_mismatch_expected_for_a_right_signature():
    problems = fv_lint.check(changed(ACCEPT, expected={"valid": False, "reason": "signature-mismatch"}))
    assert problems == [
        "expected {'valid': False, 'reason': 'signature-mismatch'}; reference says {'valid': True}",
        "expected signature-mismatch, but the independent implementation finds the signature right",
    ]


def test_verify_signature_mismatch_the_independent_implementation_cannot_confirm(monkeypatch):
    mismatch = next(v for v in VECTORS.values() if v.expected.get("reason") == "signature-mismatch")
    assert fv_lint.check(mismatch) == []
    monkeypatch.setattr(fv_crosscheck, "request_signature_ok", lambda *a, **k: None)
    assert fv_lint.check(mismatch) == [
        "expected signature-mismatch, but the independent implementation finds the signature right"
    ]


@pytest.mark.parametrize("reason", sorted(fv_lint.ONLY_DEFECT))
def test_verify_a_defect_vector_must_be_correctly_signed_otherwise(monkeypatch, reason):
    vector = next(v for v in VECTORS.values() if v.expected.get("reason") == reason and "order" not in v.tags)
    assert fv_lint.check(vector) == []
    monkeypatch.setattr(fv_crosscheck, "request_signature_ok", lambda *a, **k: False)
    assert fv_lint.check(vector) == [
        f"a '{reason}' vector must be correctly signed otherwise (the independent implementation finds the "
        "signature wrong), or a verifier lacking the check under test would still reject it"
    ]
    assert fv_lint.check(dataclasses.replace(vector, tags=(*vector.tags, "order"))) == []


def test_verify_other_reasons_need_no_correct_signature(monkeypatch):
    monkeypatch.setattr(fv_crosscheck, "request_signature_ok", lambda *a, **k: False)
    unknown = next(v for v in VECTORS.values() if v.expected.get("reason") == "unknown-api-key")
    assert fv_lint.check(unknown) == []


# -- lenient-trim ----------------------------------------------------------------------------------------------------

LENIENT_FLAWS = (
    "a 'lenient-trim' vector must be valid as a verifier that trims Unicode white space and U+FEFF reads it, "
    "or such a verifier would reject it anyway and not be caught; the independent implementation finds, under "
    "that reading: "
)


def test_lenient_trim_repository_vector_is_fine():
    assert fv_lint.check(LENIENT) == []


def test_lenient_trim_must_expect_a_rejection():
    problems = fv_lint.check(changed(LENIENT, expected={"valid": True}))
    assert problems[-1] == (
        "a 'lenient-trim' vector must expect a rejection: it is there to catch a verifier that trims too much"
    )


def test_lenient_trim_needs_a_character_only_a_lenient_trim_removes():
    plain = changed(LENIENT, input=headers(LENIENT, Api_Key=LENIENT.input["keys"][0]["api_key"]))
    assert fv_lint.check(plain)[-1] == (
        "tagged 'lenient-trim', but no signed header value has a character around it that a lenient trim removes "
        "and FV-3 keeps"
    )


def _lenient(**values: str | None):
    return changed(LENIENT, input=headers(LENIENT, **values))


def test_lenient_trim_flaws_under_the_lenient_reading():
    bad_auth = fv_lint.check(_lenient(Auth_Token_Type="HMAC\u00a0x"))
    assert bad_auth[-1] == LENIENT_FLAWS + "bad-auth-type"
    wrong_signature = fv_lint.check(_lenient(Authorization="A" * 43 + "="))
    assert wrong_signature[-1] == LENIENT_FLAWS + "signature wrong or key unknown"
    bad_timestamp = fv_lint.check(_lenient(Timestamp="01700000000000"))
    assert bad_timestamp[-1] == LENIENT_FLAWS + "malformed-timestamp, signature wrong or key unknown"
    both = fv_lint.check(_lenient(Timestamp="01700000000000", Auth_Token_Type="hmac"))
    assert both[-1] == LENIENT_FLAWS + "malformed-timestamp, bad-auth-type, signature wrong or key unknown"


def test_lenient_trim_with_a_missing_header_is_not_read_for_syntax():
    missing = fv_lint.check(_lenient(Client_Request_Id=None))
    assert missing[-1] == LENIENT_FLAWS + "signature wrong or key unknown"


# -- the generic pass: ids, tags, rules, versions, a crashing check, and the order of problems -------------------------


def lint_one(vector, suite_version: str = "9.9.9") -> list[str]:
    return [p.message for p in validate.lint(LoadResult([vector]), suite_version)]


def test_a_check_that_crashes_is_itself_the_problem(monkeypatch):
    def crash(v):
        raise KeyError("algorithm")

    operations = schemes.get("hmac").operations
    monkeypatch.setitem(operations, "mac", dataclasses.replace(operations["mac"], check=crash))
    assert lint_one(MAC) == ["cannot be recomputed: KeyError: 'algorithm'"]


def test_generic_rules_each_with_its_message():
    bad = dataclasses.replace(
        MAC, id="hmac/Bad Id", tags=("ok-tag", "Bad_Tag"), rules=("MAC-1", "MAC-999"), since="1.0"
    )
    assert lint_one(bad) == [
        "id must look like 'hmac/<group>/<name>' (lowercase letters, digits, '.', '_', '-')",
        "tag 'Bad_Tag' must be lowercase letters, digits and '-'",
        "cites rule MAC-999, which the spec (docs/spec/) does not define",
        "since '1.0' must be a version such as '1.0.0'",
    ]
    assert lint_one(dataclasses.replace(MAC, since="9.9.10")) == ["since 9.9.10 is later than the suite version 9.9.9"]
    assert lint_one(MAC) == []


def test_what_vectors_share_is_judged_once_and_still_for_each_vector():
    """A tag or version seen before is not matched again, and never hides the ones after it."""
    first = dataclasses.replace(MAC, id="hmac/t/a", tags=("rfc4231",), since="1.0.0")
    second = dataclasses.replace(MAC, id="hmac/t/b", tags=("rfc4231", "Bad_Tag"), since="9.9.10")
    third = dataclasses.replace(MAC, id="hmac/t/c", tags=("Bad_Tag",), since="9.9.10")
    problems = validate.lint(LoadResult([first, second, third]), "9.9.9")
    assert [(p.vector_id, p.message) for p in problems] == [
        ("hmac/t/b", "tag 'Bad_Tag' must be lowercase letters, digits and '-'"),
        ("hmac/t/b", "since 9.9.10 is later than the suite version 9.9.9"),
        ("hmac/t/c", "tag 'Bad_Tag' must be lowercase letters, digits and '-'"),
        ("hmac/t/c", "since 9.9.10 is later than the suite version 9.9.9"),
    ]


def test_problems_carry_the_vectors_file_line_and_id():
    late = dataclasses.replace(MAC, since="9.9.10", path=Path("v/a.yaml"), line=7)
    (problem,) = validate.lint(LoadResult([late]), "9.9.9")
    assert (problem.path, problem.line, problem.vector_id) == (Path("v/a.yaml"), 7, MAC.id)


def test_duplicate_ids_name_the_first_place():
    first = dataclasses.replace(MAC, path=Path("v/a.yaml"), line=3)
    again = dataclasses.replace(MAC, path=Path("v/b.yaml"), line=9)
    problems = validate.lint(LoadResult([first, again, again]), "9.9.9")
    assert [(p.path, p.line, p.message) for p in problems] == [
        (Path("v/b.yaml"), 9, "duplicate id (first used at v/a.yaml:3)"),
        (Path("v/b.yaml"), 9, "duplicate id (first used at v/a.yaml:3)"),
    ]


def test_validate_sorts_every_problem_by_file_then_line(monkeypatch):
    loaded = [Problem("b.yaml", 40, "load b40"), Problem("a.yaml", None, "load a-"), Problem("b.yaml", 1, "load b1")]
    linted = [Problem("b.yaml", 5, "lint b5"), Problem("a.yaml", 2, "lint a2"), Problem("a.yaml", 1, "lint a1")]
    monkeypatch.setattr(validate, "_load_checked", lambda targets: (Validated([], list(loaded)), []))
    monkeypatch.setattr(validate, "_rules", lambda outlines: list(linted))
    _, problems = validate.validate(None)
    assert [p.message for p in problems] == ["load a-", "lint a1", "lint a2", "load b1", "lint b5", "load b40"]


def test_known_rules_come_from_every_schemes_spec():
    rules = validate.known_rules()
    assert {"MAC-1", "MAC-6", "FV-1", "FV-17"} <= rules
    assert not {"MAC-0", "FV-99"} & rules


def test_validate_knows_exactly_the_rules_coverage_reads(monkeypatch, tmp_path):
    """One reading of a spec page: a rule shown in a code block is no rule for either."""
    spec = tmp_path / "spec.md"
    spec.write_text(
        "# Spec\n\n**MAC-1 — Tag.** A rule.\n\n```\n**MAC-2 — Example.** Shown, not defined.\n```\n", "utf-8"
    )
    scheme = dataclasses.replace(schemes.get("hmac"), spec=spec)
    monkeypatch.setattr(schemes, "all_schemes", lambda: {"hmac": scheme})
    assert validate.known_rules() == {"MAC-1"} == {rule.id for rule in coverage.spec_rules(scheme)}


def test_a_problem_without_a_line_sorts_before_line_1_of_its_file(monkeypatch):
    loaded = [Problem("a.yaml", 1, "load a1")]
    linted = [Problem("a.yaml", None, "lint a-")]
    monkeypatch.setattr(validate, "_load_checked", lambda targets: (Validated([], list(loaded)), []))
    monkeypatch.setattr(validate, "_rules", lambda outlines: list(linted))
    monkeypatch.setattr(validate, "_release_problems", lambda result, targets: [])
    _, problems = validate.validate(None)
    assert [p.message for p in problems] == ["lint a-", "load a1"]


def test_validate_reports_the_checks_made_while_loading_and_does_not_repeat_them(monkeypatch):
    found = Problem("v/a.yaml", 3, "found while loading", MAC.id)
    outline = released.outline(MAC, in_suite=True)
    monkeypatch.setattr(validate, "_load_checked", lambda targets: (Validated([outline]), [found]))
    monkeypatch.setattr(validate, "_release_problems", lambda result, targets: [])
    monkeypatch.setattr(validate, "_check", lambda v: pytest.fail("checked twice"))
    _, problems = validate.validate(None)
    assert problems == [found]


def test_lint_of_loaded_vectors_recomputes_their_expected_values():
    wrong = changed(MAC, expected={**MAC.expected, "tag": "00" * 32})
    assert validate.lint(LoadResult([MAC]), "9.9.9") == []
    assert [p.vector_id for p in validate.lint(LoadResult([wrong]), "9.9.9")] == [MAC.id]


def test_a_skeleton_description_is_refused():
    assert lint_one(dataclasses.replace(MAC, description="TODO: which bug does this vector catch?")) == [
        "description is still the skeleton's TODO: say which bug this vector catches"
    ]


# -- errata: superseded_by -------------------------------------------------------------------------------------------

OLD = dataclasses.replace(MAC, id="hmac/errata/old", since="1.0.0", superseded_by="hmac/errata/new", line=4)
NEW = dataclasses.replace(MAC, id="hmac/errata/new", since="1.1.0")


def superseded_problems(*vectors) -> list[tuple[int | None, str | None, str]]:
    return [(p.line, p.vector_id, p.message) for p in validate.lint(LoadResult(list(vectors)), "9.9.9")]


def test_a_vector_superseded_by_a_newer_current_one_of_its_operation_is_fine():
    assert superseded_problems(OLD, NEW) == []


def test_superseded_by_an_id_no_file_holds():
    assert superseded_problems(OLD) == [
        (4, "hmac/errata/old", "superseded_by hmac/errata/new, which no loaded vector file holds")
    ]


def test_superseded_by_a_vector_of_another_operation():
    other = dataclasses.replace(SIGN, id="firstvision/errata/new", since="1.1.0")
    old = dataclasses.replace(OLD, superseded_by=other.id)
    assert superseded_problems(old, other) == [
        (4, "hmac/errata/old", "superseded_by firstvision/errata/new, a firstvision/sign vector: not the same test")
    ]


def test_superseded_by_a_vector_that_is_superseded_itself():
    newer = dataclasses.replace(MAC, id="hmac/errata/newer", since="1.2.0")
    new = dataclasses.replace(NEW, superseded_by=newer.id, line=9)
    assert superseded_problems(OLD, new, newer) == [
        (4, "hmac/errata/old", "superseded_by hmac/errata/new, which is superseded itself: point at hmac/errata/newer")
    ]


@pytest.mark.parametrize("since", ["1.0.0", "0.9.0"])
def test_superseded_by_a_vector_that_is_not_newer(since):
    new = dataclasses.replace(NEW, since=since)
    assert superseded_problems(OLD, new) == [
        (4, "hmac/errata/old", f"superseded_by hmac/errata/new (since {since}), which is not newer than this vector")
    ]


# -- the cache of clean checks ---------------------------------------------------------------------------------------


def test_only_files_whose_vectors_all_check_clean_are_skipped_next_time(monkeypatch):
    clean = dataclasses.replace(MAC, path=Path("v/a.yaml"))
    dirty = dataclasses.replace(MAC, path=Path("v/b.yaml"))
    mixed = [dataclasses.replace(MAC, path=Path("v/c.yaml")), dataclasses.replace(SIGN, path=Path("v/c.yaml"))]
    checked: list[tuple[str, str]] = []

    def check(v):
        checked.append((str(v.path), v.scheme))
        return [] if v.path.name == "a.yaml" or v.scheme == "hmac" else [f"wrong in {v.path}"]

    monkeypatch.setattr(validate, "_check", check)
    dirty_sign = dataclasses.replace(SIGN, path=Path("v/b.yaml"))
    vectors = [clean, dirty_sign, dirty, *mixed]
    everything = [("v/a.yaml", "hmac"), ("v/b.yaml", "firstvision"), ("v/b.yaml", "hmac"),
                  ("v/c.yaml", "hmac"), ("v/c.yaml", "firstvision")]  # fmt: skip
    expected = [(dirty_sign, ["wrong in v/b.yaml"]), (mixed[1], ["wrong in v/c.yaml"])]
    assert validate._checks(vectors) == expected
    assert checked == everything
    checked.clear()
    assert validate._checks(vectors) == expected
    assert checked == everything[1:]


# -- the released vectors --------------------------------------------------------------------------------------------

ONE_FILE = [v for v in VECTORS.values() if v.path == MAC.path]


def missing_ids(result: LoadResult, targets: list[Path] | None) -> set[str | None]:
    outlines = [released.outline(v, in_suite=True) for v in result.vectors]
    problems = validate._release_problems(Validated(outlines, result.problems), targets)
    assert all("no vector file holds it any more" in p.message for p in problems)
    return {p.vector_id for p in problems}


@pytest.mark.parametrize("targets", [None, [paths.VECTORS]], ids=["default", "the-suite-folder"])
def test_released_vectors_are_missing_when_the_whole_suite_was_loaded_without_them(targets):
    missing = missing_ids(LoadResult(list(ONE_FILE)), targets)
    assert SIGN.id in missing
    assert MAC.id not in missing


def test_released_vectors_are_not_missing_when_only_some_files_were_loaded():
    assert missing_ids(LoadResult(list(ONE_FILE)), [MAC.path]) == set()
    assert missing_ids(LoadResult(list(ONE_FILE), [Problem(MAC.path, 1, "cannot be loaded")]), None) == set()


def test_validating_one_file_of_the_suite_reports_nothing_of_the_others():
    result, problems = validate.validate([MAC.path])
    assert problems == []
    assert len(result.outlines) == len(ONE_FILE)
