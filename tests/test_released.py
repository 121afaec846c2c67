"""Released vectors are immutable: the manifest, what `validate` refuses against it, and the errata path
(superseded vectors kept, skipped unless asked for)."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from hmac_conformance import _cli as cli
from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance import _schemas as schemas
from hmac_conformance._load import load
from hmac_conformance._model import Vector
from hmac_conformance._select import Selection, select
from hmac_conformance._validate import validate
from tests.conftest import ROOT

HEAD = '# test vectors\nformat: 1\nscheme: hmac\ndescription: "manifest tests"\nvectors:\n'


def _vector(ident: str, *, since: str = "1.0.0", message: str = "Hi There", extra: str = "", tag: str = "") -> str:
    tag = tag or _tag(message)
    return (
        f"\n  - id: {ident}\n"
        f'    description: "HMAC-SHA-256 of {message}."\n'
        "    operation: mac\n"
        "    rules: [MAC-1]\n"
        "    tags: [t]\n"
        f'    since: "{since}"\n'
        "    source: generated\n"
        f"{extra}"
        "    input:\n"
        "      algorithm: sha256\n"
        '      key: {hex: "0b0b0b0b"}\n'
        f'      message: {{utf8: "{message}"}}\n'
        "      tag_length: 32\n"
        "    expected:\n"
        f'      tag: {{hex: "{tag}"}}\n'
    )


def _tag(message: str) -> str:
    return hmac.new(bytes.fromhex("0b0b0b0b"), message.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def suite(tmp_path, monkeypatch) -> Path:
    """A suite of its own: vectors/VERSION 1.1.0, one file, and a manifest releasing a (1.0.0) and b (1.1.0)."""
    vectors = tmp_path / "vectors"
    (vectors / "hmac").mkdir(parents=True)
    (vectors / "VERSION").write_text("1.1.0\n", encoding="utf-8")
    (vectors / "hmac" / "t.yaml").write_text(
        HEAD + _vector("hmac/t/a") + _vector("hmac/t/b", since="1.1.0", message="b"), encoding="utf-8"
    )
    monkeypatch.setattr(paths, "VECTORS", vectors)
    found = {v.id: v for v in load([vectors]).vectors}
    (vectors / "MANIFEST").write_text(
        released.HEADER + f"{released.lines([found['hmac/t/a']], '1.0.0')[0]}\n"
        f"{released.lines([found['hmac/t/b']], '1.1.0')[0]}\n",
        encoding="utf-8",
    )
    return vectors


def _problems(targets: list[Path] | None = None) -> list[str]:
    return [str(p) for p in validate(targets)[1]]


def _rewrite(suite: Path, old: str, new: str) -> None:
    path = suite / "hmac" / "t.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the suite's own manifest ------------------------------------------------------------------------------------


def test_the_suites_manifest_is_well_formed_and_covers_every_released_version():
    manifest, problems = released.read_manifest(ROOT / "vectors" / "MANIFEST")
    assert problems == []
    assert manifest.versions[:2] == ("1.0.0", "1.1.0")
    assert len([e for e in manifest.entries.values() if e.version == "1.0.0"]) == 381
    ids = {v.id for v in load().vectors}
    assert set(manifest.entries) <= ids


def test_the_manifest_ships_in_the_wheel_data():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"vectors" = "hmac_conformance/_data/vectors"' in text


# -- the digest ------------------------------------------------------------------------------------------------


def _one(tmp_path: Path, body: str) -> Vector:
    path = tmp_path / "one.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = load([path])
    assert result.problems == []
    return result.vectors[0]


def test_digest_covers_what_an_implementation_is_judged_on(tmp_path):
    base = _one(tmp_path, _vector("hmac/t/a"))
    assert released.digest(base) == released.digest(replace(base, description="other", rules=("MAC-2",), tags=()))
    assert released.digest(base) == released.digest(replace(base, source="x", superseded_by="hmac/t/z", line=99))
    assert released.digest(base) != released.digest(replace(base, input={**base.input, "tag_length": 31}))
    assert released.digest(base) != released.digest(replace(base, expected={"tag": b"\x00" * 32}))
    assert released.digest(base) != released.digest(replace(base, operation="mac-verify"))


def test_digest_sees_bytes_not_their_spelling(tmp_path):
    utf8 = _one(tmp_path, _vector("hmac/t/a"))
    spelled = _vector("hmac/t/a").replace('{utf8: "Hi There"}', '{hex: "4869205468657265"}')
    assert released.digest(utf8) == released.digest(_one(tmp_path, spelled))
    assert released.canonical_content(utf8) == (
        b'{"expected":{"tag":"EKpVcbW27gA0MSmL9Hhebx+LbU+TRUjfPMHe0vTG2rk="},"input":{"algorithm":"sha256",'
        b'"key":"CwsLCw==","message":"SGkgVGhlcmU=","tag_length":32},"operation":"mac","scheme":"hmac"}'
    )
    assert released.digest(utf8) == "sha256:" + hashlib.sha256(released.canonical_content(utf8)).hexdigest()


# -- reading the manifest --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("hmac/a 1.0.0 sha256:" + "0" * 63 + "\n", 1, "a manifest line is '<id> <X.Y.Z> sha256:<64 hex digits>'"),
        ("hmac/a 1.0 sha256:" + "0" * 64 + "\n", 1, "a manifest line is"),
        ("hmac/a  1.0.0 sha256:" + "0" * 64 + "\n", 1, "a manifest line is"),
        ("hmac/a 1.0.0 sha256:" + "0" * 64 + "\nhmac/a 1.1.0 sha256:" + "1" * 64 + "\n", 2,
         "hmac/a is listed twice (first at line 2)"),
        ("hmac/a 1.1.0 sha256:" + "0" * 64 + "\nhmac/b 1.0.0 sha256:" + "1" * 64 + "\n", 2,
         "version 1.0.0 after a later one: releases are appended"),
    ],
)  # fmt: skip
def test_a_malformed_manifest_line_is_named_by_line(tmp_path, text, line, fragment):
    path = tmp_path / "MANIFEST"
    path.write_text("# comment\n" + text, encoding="utf-8")
    _, problems = released.read_manifest(path)
    assert [(p.line, fragment in p.message) for p in problems] == [(line + 1, True)]


def test_no_manifest_means_nothing_released(tmp_path):
    manifest, problems = released.read_manifest(tmp_path / "MANIFEST")
    assert (manifest.entries, manifest.newest, manifest.versions, problems) == ({}, None, (), [])


# -- validate against the manifest -----------------------------------------------------------------------------


def test_an_unchanged_suite_is_valid(suite):
    assert _problems() == []


def test_documentation_of_a_released_vector_may_be_corrected(suite):
    _rewrite(suite, 'description: "HMAC-SHA-256 of Hi There."', 'description: "Corrected wording."')
    _rewrite(suite, "rules: [MAC-1]", "rules: [MAC-1, MAC-3]")
    assert _problems() == []


def test_a_changed_released_vector_is_refused_with_file_line_and_id(suite):
    _rewrite(suite, '{utf8: "Hi There"}', '{utf8: "Hi there"}')
    _rewrite(suite, _tag("Hi There"), _tag("Hi there"))
    (problem,) = _problems()
    assert problem.startswith(f"{suite / 'hmac' / 't.yaml'}:7: [hmac/t/a] released in 1.0.0 and changed since")
    assert "supersede it (docs/releasing.md#errata)" in problem


def test_a_removed_released_vector_is_refused_naming_the_manifest_line(suite):
    path = suite / "hmac" / "t.yaml"
    path.write_text(HEAD + _vector("hmac/t/a"), encoding="utf-8")
    (problem,) = _problems()
    assert problem.startswith(f"{suite / 'MANIFEST'}:4: [hmac/t/b] released in 1.1.0 but no vector file holds it")


def test_validating_some_files_does_not_call_the_others_missing(suite):
    (suite / "hmac" / "u.yaml").write_text(HEAD + _vector("hmac/u/c", since="1.2.0", message="c"), encoding="utf-8")
    (suite / "VERSION").write_text("1.2.0\n", encoding="utf-8")
    assert _problems([suite / "hmac" / "u.yaml"]) == []
    (suite / "hmac" / "t.yaml").unlink()
    assert _problems([suite / "hmac" / "u.yaml"]) == []
    assert len(_problems()) == 2


def test_a_reused_id_is_refused(suite):
    (suite / "VERSION").write_text("1.2.0\n", encoding="utf-8")
    _rewrite(suite, 'since: "1.0.0"', 'since: "1.2.0"')
    _rewrite(suite, '{utf8: "Hi There"}', '{utf8: "new"}')
    _rewrite(suite, _tag("Hi There"), _tag("new"))
    (problem,) = _problems()
    assert "[hmac/t/a] id already used by a vector released in 1.0.0: ids are never reused" in problem


def test_a_released_vectors_since_cannot_move(suite):
    (suite / "VERSION").write_text("1.2.0\n", encoding="utf-8")
    _rewrite(suite, 'since: "1.1.0"', 'since: "1.0.0"')
    (problem,) = _problems()
    assert "[hmac/t/b] since 1.0.0, but it was released in 1.1.0" in problem


def test_a_new_vector_is_dated_after_the_newest_release(suite):
    path = suite / "hmac" / "t.yaml"
    path.write_text(path.read_text(encoding="utf-8") + _vector("hmac/t/c", since="1.1.0", message="c"), "utf-8")
    (problem,) = _problems()
    assert "[hmac/t/c] since 1.1.0, but 1.1.0 is released and this vector is not in it" in problem


# -- errata: superseded vectors --------------------------------------------------------------------------------


def _with_replacement(suite: Path, *, since: str = "1.2.0", operation: str = "mac", target: str = "hmac/t/c") -> None:
    (suite / "VERSION").write_text("1.2.0\n", encoding="utf-8")
    _rewrite(suite, "    source: generated\n", f"    source: generated\n    superseded_by: {target}\n")
    path = suite / "hmac" / "t.yaml"
    new = _vector("hmac/t/c", since=since, message="c")
    if operation != "mac":
        new = new.replace("operation: mac", f"operation: {operation}")
    path.write_text(path.read_text(encoding="utf-8") + new, encoding="utf-8")


def test_a_superseded_vector_stays_released_and_valid(suite):
    _with_replacement(suite)
    assert _problems() == []
    vectors = load().vectors
    assert [v.id for v in select(vectors, Selection())] == ["hmac/t/b", "hmac/t/c"]
    assert [v.id for v in select(vectors, Selection(include_superseded=True))] == ["hmac/t/a", "hmac/t/b", "hmac/t/c"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"target": "hmac/t/none"}, "superseded_by hmac/t/none, which no loaded vector file holds"),
        ({"since": "1.0.0"}, "[hmac/t/c] since 1.0.0, but 1.1.0 is released"),
        ({"target": "hmac/t/a"}, "superseded_by hmac/t/a, which is superseded itself"),
    ],
)
def test_a_wrong_supersession_is_refused(suite, change, fragment):
    _with_replacement(suite, **change)
    assert any(fragment in p for p in _problems()), _problems()


def test_the_replacement_must_be_newer(suite):
    path = suite / "hmac" / "t.yaml"
    head, tail = path.read_text(encoding="utf-8").split("  - id: hmac/t/b\n")
    tail = tail.replace("    source: generated\n", "    source: generated\n    superseded_by: hmac/t/a\n", 1)
    path.write_text(head + "  - id: hmac/t/b\n" + tail, encoding="utf-8")
    (problem,) = _problems()
    assert "[hmac/t/b] superseded_by hmac/t/a (since 1.0.0), which is not newer than this vector" in problem


def test_only_released_vectors_are_superseded(suite):
    (suite / "VERSION").write_text("1.2.0\n", encoding="utf-8")
    path = suite / "hmac" / "t.yaml"
    text = path.read_text(encoding="utf-8")
    text += _vector("hmac/t/c", since="1.2.0", message="c", extra="    superseded_by: hmac/t/d\n")
    text += _vector("hmac/t/d", since="1.2.0", message="d")
    path.write_text(text, encoding="utf-8")
    problems = _problems()
    assert any("[hmac/t/c] superseded_by on a vector never released: correct it in place" in p for p in problems)


def test_cli_selects_superseded_vectors_only_when_asked(suite, capsys):
    _with_replacement(suite)
    assert cli.main(["list", "-k", "hmac/t/a"]) == 2
    assert "matches only superseded vectors: add --include-superseded" in capsys.readouterr().err
    assert cli.main(["list", "-k", "hmac/t/a", "--include-superseded", "--format", "json"]) == 0
    assert '"superseded_by": "hmac/t/c"' in capsys.readouterr().out
    assert cli.main(["run", "-q", "--impl=reference", "--include-superseded"]) == 0
    assert "3 passed" in capsys.readouterr().out


def test_export_marks_superseded_vectors_and_stays_valid(suite, tmp_path, capsys):
    _with_replacement(suite)
    out = tmp_path / "export.json"
    assert cli.main(["export", "--include-superseded", "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    schemas.export().validate(document)
    marks = {v["id"]: v.get("superseded_by") for v in document["vectors"]}
    assert marks == {"hmac/t/a": "hmac/t/c", "hmac/t/b": None, "hmac/t/c": None}


def test_the_real_suite_copy_validates_with_its_manifest(tmp_path, monkeypatch):
    """The manifest check runs on the real vectors: a copy with one released expected value changed fails."""
    copy = tmp_path / "vectors"
    shutil.copytree(ROOT / "vectors", copy)
    monkeypatch.setattr(paths, "VECTORS", copy)
    target = copy / "hmac" / "rfc4231.yaml"
    text = target.read_text(encoding="utf-8")
    tag = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    target.write_text(
        text.replace(
            'tag_length: 32\n    expected:\n      tag: {hex: "' + tag,
            'tag_length: 31\n    expected:\n      tag: {hex: "' + tag[:62],
            1,
        ),
        encoding="utf-8",
    )
    problems = [str(p) for p in validate([target])[1]]
    assert any("[hmac/rfc4231/sha256/case-1] released in 1.0.0 and changed since" in p for p in problems), problems


def test_new_vectors_are_dated_with_the_version_in_preparation():
    manifest, _ = released.read_manifest(ROOT / "vectors" / "MANIFEST")
    assert released.version_in_preparation("1.3.0", manifest) == ("1.3.0", True)
    assert released.version_in_preparation("1.1.0", manifest) == ("1.2.0", False)
    assert released.version_in_preparation("1.2.0", manifest) == ("1.3.0", False)
    assert released.next_minor("9.19.3") == "9.20.0"


# -- the decisions one by one, called directly -------------------------------------------------------------------

D0, D1 = "sha256:" + "0" * 64, "sha256:" + "1" * 64


def test_canonical_content_is_ascii_whatever_the_text(tmp_path):
    base = _one(tmp_path, _vector("hmac/t/a"))
    text = released.canonical_content(replace(base, input={**base.input, "algorithm": "é☃"}))
    assert b'"algorithm":"\\u00e9\\u2603"' in text


def test_reading_goes_on_after_a_bad_line_and_names_the_manifest(tmp_path):
    path = tmp_path / "MANIFEST"
    path.write_text(f"bad line\nhmac/a 0.9.0 {D0}\nhmac/a 0.9.0 {D1}\nhmac/b 0.8.0 {D0}\nhmac/c 1.0.0 {D1}\n", "utf-8")
    manifest, problems = released.read_manifest(path)
    assert [(p.path, p.line, p.message) for p in problems] == [
        (path, 1, "a manifest line is '<id> <X.Y.Z> sha256:<64 hex digits>'"),
        (path, 3, "hmac/a is listed twice (first at line 2)"),
        (path, 4, "version 0.8.0 after a later one: releases are appended"),
    ]
    assert sorted(manifest.entries) == ["hmac/a", "hmac/b", "hmac/c"] and manifest.path == path
    assert released.read_manifest(tmp_path / "none")[0].path == tmp_path / "none"


def test_check_names_file_and_line_and_looks_at_every_vector(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(
        HEAD
        + _vector("hmac/t/new", since="1.0.0", message="n", extra="    superseded_by: hmac/t/x\n")
        + _vector("hmac/t/a", since="1.1.0"),
        encoding="utf-8",
    )
    new, old = load([path]).vectors
    manifest = released.Manifest(
        tmp_path / "MANIFEST", {"hmac/t/a": released.Released("hmac/t/a", "1.0.0", released.digest(old), 3)}
    )
    problems = released.check([new, old], manifest, complete=False)
    assert [(p.path, p.line, p.vector_id) for p in problems] == [(path, 7, "hmac/t/new")] * 2 + [(path, 23, "hmac/t/a")]
    assert problems[2].message == "since 1.1.0, but it was released in 1.0.0"


def test_release_lines_are_sorted_by_id(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(HEAD + _vector("hmac/t/b", message="b") + _vector("hmac/t/a"), encoding="utf-8")
    b, a = load([path]).vectors
    assert released.lines([b, a], "1.0.0") == [
        f"hmac/t/a 1.0.0 {released.digest(a)}",
        f"hmac/t/b 1.0.0 {released.digest(b)}",
    ]


def test_an_outline_is_held_to_the_manifest_as_its_vector_is(tmp_path):
    """validate checks outlines, which carry the digest of the suite's vectors; a release writes their lines."""
    path = tmp_path / "one.yaml"
    path.write_text(
        HEAD
        + _vector("hmac/t/new", since="1.0.0", message="n", extra="    superseded_by: hmac/t/x\n")
        + _vector("hmac/t/a", since="1.1.0")
        + _vector("hmac/t/b", since="1.0.0", message="changed"),
        encoding="utf-8",
    )
    vectors = load([path]).vectors
    outlines = [released.outline(v, in_suite=True) for v in vectors]
    assert [o.digest for o in outlines] == [released.digest(v) for v in vectors]
    entries = {
        "hmac/t/a": released.Released("hmac/t/a", "1.0.0", released.digest(vectors[1]), 3),
        "hmac/t/b": released.Released("hmac/t/b", "1.0.0", "sha256:" + "0" * 64, 4),
        "hmac/t/gone": released.Released("hmac/t/gone", "1.0.0", "sha256:" + "1" * 64, 5),
    }
    manifest = released.Manifest(tmp_path / "MANIFEST", entries)
    for complete in (False, True):
        by_outline = released.check(outlines, manifest, complete=complete)
        assert by_outline == released.check(vectors, manifest, complete=complete) and len(by_outline) == 4 + complete
    assert released.lines(outlines, "1.2.0") == released.lines(vectors, "1.2.0")


def test_an_outline_without_its_digest_never_makes_a_manifest_line(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(HEAD + _vector("hmac/t/a"), encoding="utf-8")
    (vector,) = load([path]).vectors
    other = released.outline(vector, in_suite=False)
    assert other.digest is None and other == released.outline(vector, in_suite=True)._replace(digest=None)
    with pytest.raises(ValueError, match="hmac/t/a: no digest"):
        released.lines([other], "1.2.0")


def test_an_outline_holds_its_vectors_fields(tmp_path):
    """Every field the rules across files read is the vector's own (an outline of another operation would let
    an erratum point at a vector of another operation unseen)."""
    path = tmp_path / "one.yaml"
    path.write_text(HEAD + _vector("hmac/t/a"), encoding="utf-8")
    (vector,) = load([path]).vectors
    made = released.outline(vector, in_suite=True)
    for name in made._fields:
        if name != "digest":
            assert getattr(made, name) == getattr(vector, name), name
    assert made.operation == "mac" and made.digest == released.digest(vector)
