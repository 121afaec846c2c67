"""Expected-failure lists, called directly: reading one (and each way a file is refused, naming its line), that
every entry must match a selected vector, what a listed result becomes, and the file --write-xfail writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmac_conformance._exceptions import UsageError
from hmac_conformance._expectations import ExpectedFailure, apply_xfail, check_xfail, load_xfail, write_xfail
from hmac_conformance._load import load
from hmac_conformance._outcome import Result

VECTORS = load().vectors


def result(vid: str, status: str, message: str = "", link: str | None = None) -> Result:
    return Result(vid, "hmac", "mac", (), status, message=message, link=link)  # type: ignore[arg-type]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xfail.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_xfail_reads_every_entry_with_where_it_is(tmp_path):
    path = write(tmp_path, (
        "expected_failures:\n"
        "  - id: hmac/*/sha3-*\n"
        "    reason: no SHA-3 yet\n"
        "    link: https://tracker/1\n"
        "  - id: firstvision/verify/replay/seen-id\n"
        "    reason: replay cache is per process\n"
    ))  # fmt: skip
    assert load_xfail(path) == [
        ExpectedFailure("hmac/*/sha3-*", "no SHA-3 yet", "https://tracker/1", f"{path}:2"),
        ExpectedFailure("firstvision/verify/replay/seen-id", "replay cache is per process", None, f"{path}:5"),
    ]


def test_load_xfail_refuses_a_file_against_the_schema_naming_the_line(tmp_path):
    path = write(tmp_path, "expected_failures:\n  - id: a\n    reason: r\n  - id: b\n")
    with pytest.raises(UsageError) as caught:
        load_xfail(path)
    assert str(caught.value) == f"--xfail {path}:4: 'reason' is a required property"


def test_load_xfail_refuses_bad_yaml_and_a_missing_file(tmp_path):
    path = write(tmp_path, "expected_failures:\n\t- id: a\n")
    with pytest.raises(UsageError) as caught:
        load_xfail(path)
    assert str(caught.value).startswith(f"--xfail {path}:2")
    missing = tmp_path / "none.yaml"
    with pytest.raises(UsageError) as caught:
        load_xfail(missing)
    assert str(caught.value) == f"--xfail {missing}: cannot read: No such file or directory"


def test_check_xfail_every_entry_must_match_a_selected_vector():
    entries = [ExpectedFailure("hmac/*", "r", where="f.yaml:2"), ExpectedFailure("firstvision/sign/post-json", "r")]
    check_xfail(entries, VECTORS)
    typo = ExpectedFailure("hmac/rfc4231/sha256/case-99", "r", where="f.yaml:7")
    with pytest.raises(UsageError) as caught:
        check_xfail([*entries, typo], VECTORS)
    assert str(caught.value) == "--xfail f.yaml:7: entry 'hmac/rfc4231/sha256/case-99' matches no selected vector"
    with pytest.raises(UsageError):
        check_xfail(entries, [v for v in VECTORS if v.scheme == "hmac"])


def test_apply_xfail_keeps_the_results_link_when_the_entry_has_none():
    entries = [ExpectedFailure("a/*", "known")]
    got = apply_xfail(result("a/1", "fail", "m", link="https://result"), entries)
    assert (got.status, got.message, got.link) == ("xfail", "expected failure: known (m)", "https://result")
    got = apply_xfail(result("a/1", "error", "e"), [ExpectedFailure("a/*", "known", "https://entry")])
    assert (got.status, got.message, got.link) == ("xfail", "expected failure: known (e)", "https://entry")
    got = apply_xfail(result("a/1", "pass", link="https://result"), entries)
    assert (got.status, got.link) == ("xpass", "https://result")
    untouched = result("b/1", "fail", "m")
    assert apply_xfail(untouched, entries) is untouched
    assert apply_xfail(untouched, []) is untouched


def test_write_xfail_file_exactly(tmp_path):
    entries = [ExpectedFailure("x/*", "known bug", "https://tracker/9"), ExpectedFailure("y/*", "other")]
    results = [
        result("a/1", "fail", "tag differs: ☃ " + "z" * 200 + "\nsecond line"),
        result("a/2", "error", "", link="https://adapter/doc/☃"),
        result("a/3", "pass"),
        result("a/4", "skip", "later"),
        result("a/5", "unsupported", "no"),
        result("a/6", "xpass", "listed but passes"),
        result("x/7", "xfail", "expected failure: known bug (tag differs)"),
        result("y/8", "xfail", "expected failure: other (m)", link="https://result/8"),
        result("z/9", "xfail", "expected failure: gone from the list\nmore"),
    ]
    path = tmp_path / "out.yaml"
    assert write_xfail(path, results, entries) == 5
    reason = ("tag differs: ☃ " + "z" * 200)[:150]
    assert path.read_text(encoding="utf-8") == (
        "# Expected failures, written by `hmac-conformance run --write-xfail`.\n"
        "# Give each a real reason and, where there is one, a link to the issue tracking it.\n"
        "expected_failures:\n"
        '  - id: "a/1"\n'
        f'    reason: "{reason}"\n'
        '  - id: "a/2"\n'
        '    reason: "failing"\n'
        '    link: "https://adapter/doc/☃"\n'
        '  - id: "x/7"\n'
        '    reason: "known bug"\n'
        '    link: "https://tracker/9"\n'
        '  - id: "y/8"\n'
        '    reason: "other"\n'
        '  - id: "z/9"\n'
        '    reason: "expected failure: gone from the list"\n'
    )
    assert [(e.pattern, e.reason, e.link) for e in load_xfail(path)] == [
        ("a/1", reason, None),
        ("a/2", "failing", "https://adapter/doc/☃"),
        ("x/7", "known bug", "https://tracker/9"),
        ("y/8", "other", None),
        ("z/9", "expected failure: gone from the list", None),
    ]


def test_write_xfail_without_failures_writes_an_empty_list(tmp_path):
    path = tmp_path / "out.yaml"
    assert write_xfail(path, [result("a/1", "pass"), result("a/2", "skip")]) == 0
    assert path.read_text(encoding="utf-8") == (
        "# Expected failures, written by `hmac-conformance run --write-xfail`.\n"
        "# Give each a real reason and, where there is one, a link to the issue tracking it.\n"
        "expected_failures: []\n"
    )
    assert load_xfail(path) == []
