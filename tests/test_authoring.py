"""`vectors new` and `vectors fill`: a skeleton lands in the right file, expected values are computed, confirmed
independently and written back with every other byte of the file kept; what they refuse writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hmac_conformance import _authoring as authoring
from hmac_conformance import _cli as cli
from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._load import load
from hmac_conformance._validate import validate
from tests.conftest import ROOT
from tests.test_released import HEAD, _tag, _vector

KEY = "0b0b0b0b"


@pytest.fixture
def suite(tmp_path, monkeypatch) -> Path:
    """VERSION 1.2.0 (not released), a released 1.0.0 vector a, and two hand-written files plus a generated one."""
    vectors = tmp_path / "vectors"
    (vectors / "hmac").mkdir(parents=True)
    (vectors / "VERSION").write_text("1.2.0\n", encoding="utf-8")
    (vectors / "hmac" / "t.yaml").write_text(HEAD + _vector("hmac/t/a"), encoding="utf-8")
    (vectors / "hmac" / "u.yaml").write_text(HEAD + _vector("hmac/u/x", since="1.2.0", message="x"), "utf-8")
    generated = "# header\n# Written by tools/x.py; do not edit by hand.\n" + HEAD.split("\n", 1)[1]
    (vectors / "hmac" / "g.yaml").write_text(generated + _vector("hmac/g/y", since="1.2.0", message="y"), "utf-8")
    a = next(v for v in load([vectors]).vectors if v.id == "hmac/t/a")
    (vectors / "MANIFEST").write_text(released.HEADER + released.lines([a], "1.0.0")[0] + "\n", encoding="utf-8")
    monkeypatch.setattr(paths, "VECTORS", vectors)
    return vectors


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- YAML scalars ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "plain", 'q"uote\\back', "tab\there\nnl\rcr", "nul\0x\x1b\x7f", "\ufeffbom", "é中😀", "\u2028ls"]
)
def test_quoted_strings_read_back_exactly_through_the_strict_loader(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(f"v: {authoring.quoted(text)}\n", encoding="utf-8")
    assert yamlsafe.load(path).value == {"v": text}


@pytest.mark.parametrize(
    ("data", "written"),
    [
        (b"Hi There", '{utf8: "Hi There"}'),
        (b"", '{utf8: ""}'),
        (b"a\nb", '{utf8: "a\\nb"}'),
        (b"\xff\x00", '{hex: "ff00"}'),
        (b"\x00\x01", '{hex: "0001"}'),
        ("\ufeffx".encode(), '{hex: "efbbbf78"}'),
    ],
)
def test_byte_strings_are_text_when_readable_and_hex_otherwise(data, written):
    assert authoring.byte_string(data) == written


def test_flow_values():
    value = {"valid": False, "reason": "x", "n": 3, "none": None, "list": [b"a", ["k", "v"]]}
    assert authoring.flow(value) == '{valid: false, reason: "x", n: 3, none: null, list: [{utf8: "a"}, ["k", "v"]]}'
    with pytest.raises(TypeError):
        authoring.flow(1.5)


# -- vectors new ------------------------------------------------------------------------------------------------


def test_new_appends_a_skeleton_to_the_file_its_id_fits(suite, capsys):
    before = (suite / "hmac" / "u.yaml").read_text(encoding="utf-8")
    assert cli.main(["vectors", "new", "hmac/mac", "--id", "hmac/u/new"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{suite / 'hmac' / 'u.yaml'}:22: hmac/u/new added, its input copied from hmac/u/x.")
    after = (suite / "hmac" / "u.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == (
        "\n  - id: hmac/u/new\n"
        f'    description: "{authoring.TODO}."\n'
        "    operation: mac\n    rules: [MAC-1]\n    tags: [t]\n"
        '    since: "1.2.0"\n    source: generated\n'
        "    input:  # from hmac/u/x: edit\n"
        f'      algorithm: sha256\n      key: {{hex: "{KEY}"}}\n      message: {{utf8: "x"}}\n      tag_length: 32\n'
    )
    problems = [str(p) for p in validate([suite / "hmac" / "u.yaml"])[1]]
    assert problems == [f"{suite / 'hmac' / 'u.yaml'}:22: [hmac/u/new] vector: 'expected' is a required property"]


def test_new_then_fill_makes_a_valid_vector(suite, capsys):
    assert cli.main(["vectors", "new", "hmac/mac", "--id", "hmac/t/b"]) == 0
    path = suite / "hmac" / "t.yaml"
    head, skeleton = path.read_text(encoding="utf-8").split("  - id: hmac/t/b\n")
    skeleton = skeleton.replace('message: {utf8: "Hi There"}', 'message: {utf8: "fresh"}')
    path.write_text(head + "  - id: hmac/t/b\n" + skeleton, encoding="utf-8")
    assert cli.main(["vectors", "fill", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[hmac/t/b] computed by the reference, confirmed by the independent implementation" in out
    filled = path.read_text(encoding="utf-8")
    assert filled == head + "  - id: hmac/t/b\n" + skeleton + f'    expected:\n      tag: {{hex: "{_tag("fresh")}"}}\n'
    problems = [str(p) for p in validate()[1]]
    assert len(problems) == 1 and "description is still the skeleton's TODO" in problems[0]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["hmac/sign", "--id", "hmac/t/b"], "vectors new: 'hmac/sign' is not SCHEME/OPERATION; one of"),
        (["hmac/mac", "--id", "Hmac/t/b"], "--id 'Hmac/t/b': expected hmac/<group>/<name> in lowercase"),
        (["hmac/mac", "--id", "firstvision/t/b"], "expected hmac/<group>/<name>"),
        (["hmac/mac", "--id", "hmac/u/x"], "--id hmac/u/x: a vector has this id already"),
        (["hmac/mac", "--id", "hmac/g/z"], "fits"),
        (["hmac/mac", "--id", "hmac/z/z"], "fits"),
        (
            ["hmac/mac", "--id", "hmac/g/z", "--file", "{g}"],
            "is generated (Written by tools/x.py; do not edit by hand.",
        ),
        (["hmac/mac", "--id", "hmac/t/z", "--file", "{missing}/x.yaml"], "--file {missing}/x.yaml: folder"),
    ],
)
def test_new_refuses_and_writes_nothing(suite, capsys, argv, fragment):
    names = {"g": str(suite / "hmac" / "g.yaml"), "missing": str(suite / "none")}
    before = _files(suite)
    assert cli.main(["vectors", "new", *[a.format(**names) for a in argv]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment.format(**names) in err, err
    assert _files(suite) == before


def test_new_refuses_a_released_id_that_no_file_holds(suite, capsys):
    (suite / "hmac" / "t.yaml").write_text(HEAD + _vector("hmac/t/c", since="1.2.0", message="c"), encoding="utf-8")
    assert cli.main(["vectors", "new", "hmac/mac", "--id", "hmac/t/a"]) == 2
    assert "--id hmac/t/a: released in 1.0.0; ids are never reused" in capsys.readouterr().err


def test_new_refuses_while_the_suite_version_is_released(suite, capsys):
    (suite / "VERSION").write_text("1.0.0\n", encoding="utf-8")
    assert cli.main(["vectors", "new", "hmac/mac", "--id", "hmac/t/b"]) == 2
    assert "vectors/VERSION 1.0.0 is released; start the next version first" in capsys.readouterr().err


def test_new_into_a_new_file(suite, capsys):
    target = suite / "hmac" / "fresh.yaml"
    assert cli.main(["vectors", "new", "hmac/mac-verify", "--id", "hmac/fresh/one", "--file", str(target)]) == 0
    document = yamlsafe.load(target).value
    assert document["scheme"] == "hmac" and document["vectors"][0]["id"] == "hmac/fresh/one"
    assert document["vectors"][0]["input"] == {}


# -- vectors fill -----------------------------------------------------------------------------------------------

COMMENTED = (
    "# a header comment\nformat: 1\nscheme: hmac\ndescription: 'single quotes kept'\nvectors:\n"
    "  # a comment before the first vector\n"
    "  - id: hmac/c/accept\n    description: a correct tag is accepted\n    operation: mac-verify\n    rules: [MAC-1]\n"
    "    tags: [t]\n    since: '1.2.0'\n    source: generated\n"
    '    input: {algorithm: sha256, key: {hex: "0b0b0b0b"}, message: {utf8: "m"},  # odd spacing kept\n'
    '            tag: {hex: "TAG"}, tag_length: 32}\n'
    "\n  # a comment that leads into the next vector\n"
    "  - id: hmac/c/reject\n    description: a one-byte tag is rejected\n    operation: mac-verify\n    rules: [MAC-1]\n"
    "    tags: [t]\n    since: '1.2.0'\n    source: generated\n"
    '    input:\n      algorithm: sha256\n      key: {hex: "0b0b0b0b"}\n      message: {utf8: "m"}\n'
    '      tag: {hex: "00"}\n      tag_length: 32\n'
    "# trailing comment\n"
)


def test_fill_writes_only_the_expected_values_and_names_the_defect(tmp_path, capsys):
    import hashlib
    import hmac

    path = tmp_path / "c.yaml"
    tag = hmac.new(bytes.fromhex(KEY), b"m", hashlib.sha256).hexdigest()
    path.write_text(COMMENTED.replace("TAG", tag), encoding="utf-8")
    assert cli.main(["vectors", "fill", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}:7: [hmac/c/accept] computed by the reference" in out
    assert f"{path}:18: [hmac/c/reject] rejected for wrong-tag-length: the one defect, confirmed independently" in out
    want = COMMENTED.replace("TAG", tag)
    want = want.replace("tag_length: 32}\n", "tag_length: 32}\n    expected:\n      valid: true\n", 1)
    want = want.replace(
        "      tag_length: 32\n# trailing",
        '      tag_length: 32\n    expected:\n      valid: false\n      reason: "wrong-tag-length"\n# trailing',
    )
    assert path.read_text(encoding="utf-8") == want
    assert validate([path])[1] == []
    assert cli.main(["vectors", "fill", str(path)]) == 0, "nothing left to fill is not an error"
    assert path.read_text(encoding="utf-8") == want


def test_fill_refuses_what_the_checks_refuse_and_keeps_the_file(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    text = COMMENTED.replace("TAG", "00" * 32).replace("tag_length: 32}", "tag_length: 5}")
    path.write_text(text, encoding="utf-8")
    assert cli.main(["vectors", "fill", str(path)]) == 1
    out = capsys.readouterr()
    assert "[hmac/c/accept] the reference cannot compute it: tag_length 5 outside 10..32 (MAC-4)" in out.out
    assert "1 expected value(s) written, 1 not" in out.err
    assert "[hmac/c/accept]" in out.out and "expected:\n      valid: false" in path.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").count("expected:") == 1


def test_fill_reports_what_the_reference_cannot_take(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(COMMENTED.replace("TAG", "zz"), encoding="utf-8")
    before = path.read_bytes()
    assert cli.main(["vectors", "fill", str(path)]) == 1
    assert "[hmac/c/accept] input.tag: " in capsys.readouterr().out
    assert path.read_bytes() != before  # the other vector was filled
    assert path.read_text(encoding="utf-8").count("expected:") == 1


def test_fill_on_the_real_suite_changes_nothing(tmp_path, monkeypatch):
    copy = tmp_path / "vectors"
    shutil.copytree(ROOT / "vectors" / "firstvision", copy / "firstvision")
    before = _files(copy)
    assert authoring.fill([copy]) == []
    assert _files(copy) == before
