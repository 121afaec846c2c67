"""`hmac-conformance release X.Y.Z` in a repository of its own: what it refuses (and then writes nothing), and the
files it writes when the tree is ready."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hmac_conformance import _cli as cli
from hmac_conformance import _paths as paths
from hmac_conformance import _release as releasing
from hmac_conformance import _released as released
from hmac_conformance._exceptions import UsageError
from hmac_conformance._load import load
from tests.conftest import require_tool
from tests.test_released import HEAD, _vector

CHANGELOG = "# Vector changelog\n\nIntro.\n\n## 1.1.0\n\n- b added.\n\n## 1.0.0\n\n- a added.\n"


def _git(root: Path, *args: str) -> str:
    require_tool("git")
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args]
    return subprocess.run(command, cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A checkout with 1.0.0 and 1.1.0 released, and a vector c dated 1.2.0 that supersedes a."""
    require_tool("git")
    root = tmp_path / "repo"
    vectors = root / "vectors"
    (vectors / "hmac").mkdir(parents=True)
    (root / "runner" / "hmac_conformance").mkdir(parents=True)
    (root / releasing.PACKAGE_VERSION).write_text('"""Version."""\n\n__version__ = "1.1.0"\n', encoding="utf-8")
    (vectors / "VERSION").write_text("1.2.0\n", encoding="utf-8")
    (vectors / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    a, b = _vector("hmac/t/a"), _vector("hmac/t/b", since="1.1.0", message="b")
    (vectors / "hmac" / "t.yaml").write_text(HEAD + a + b, encoding="utf-8")
    found = {v.id: v for v in load([vectors]).vectors}
    (vectors / "MANIFEST").write_text(
        released.HEADER
        + released.lines([found["hmac/t/a"]], "1.0.0")[0]
        + "\n"
        + released.lines([found["hmac/t/b"]], "1.1.0")[0]
        + "\n",
        encoding="utf-8",
    )
    a = a.replace("    source: generated\n", "    source: generated\n    superseded_by: hmac/t/c\n")
    c = _vector("hmac/t/c", since="1.2.0", message="c")
    (vectors / "hmac" / "t.yaml").write_text(HEAD + a + b + c, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "start")
    monkeypatch.setattr(paths, "DATA_ROOT", root)
    monkeypatch.setattr(paths, "VECTORS", vectors)
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


def test_release_writes_version_package_manifest_and_changelog(repo, capsys):
    assert cli.main(["release", "1.2.0"]) == 0
    out = capsys.readouterr().out
    assert "Suite 1.2.0: 1 vectors added to vectors/MANIFEST, 1 superseded" in out
    assert "git tag -a v1.2.0 -m 'Suite 1.2.0'" in out
    assert (repo / "vectors" / "VERSION").read_text(encoding="utf-8") == "1.2.0\n"
    assert (repo / releasing.PACKAGE_VERSION).read_text(encoding="utf-8").endswith('__version__ = "1.2.0"\n')
    manifest, problems = released.read_manifest(repo / "vectors" / "MANIFEST")
    assert problems == [] and manifest.versions == ("1.0.0", "1.1.0", "1.2.0")
    c = next(v for v in load([repo / "vectors"]).vectors if v.id == "hmac/t/c")
    assert manifest.entries["hmac/t/c"].digest == released.digest(c)
    changelog = (repo / "vectors" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 1.2.0") < changelog.index("## 1.1.0")
    assert "| hmac | mac | 1 |" in changelog and "- `hmac/t/a` by `hmac/t/c`" in changelog
    assert changelog.endswith("## 1.0.0\n\n- a added.\n")
    _git(repo, "commit", "-q", "-am", "Suite 1.2.0")
    assert cli.main(["validate", "-q"]) == 0
    assert cli.main(["release", "1.2.0"]) == 2
    assert "release: 1.2.0 is not newer than the last release, 1.2.0" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["release", "v1.2.0"], "release: expected a version such as 1.2.0, got 'v1.2.0'"),
        (["release", "1.1.0"], "release: 1.1.0 is not newer than the last release, 1.1.0"),
        (["release", "1.1.5"], "release: 1.1.5 is older than vectors/VERSION (1.2.0)"),
    ],
)
def test_usage_errors_write_nothing(repo, capsys, argv, fragment):
    before = _snapshot(repo)
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip() == f"hmac-conformance: {fragment}"
    assert _snapshot(repo) == before


def test_a_dirty_tree_is_refused(repo, capsys):
    (repo / "vectors" / "hmac" / "new.yaml").write_text(HEAD, encoding="utf-8")
    before = _snapshot(repo)
    assert cli.main(["release", "1.2.0"]) == 2
    err = capsys.readouterr().err
    assert "the working tree has uncommitted changes (vectors/hmac/new.yaml); commit or stash them first" in err
    assert _snapshot(repo) == before


def test_not_a_checkout_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "DATA_ROOT", tmp_path)
    assert cli.main(["release", "1.2.0"]) == 2
    assert "is not a checkout of the suite" in capsys.readouterr().err


def test_a_vector_dated_for_another_version_is_refused(repo, capsys):
    before = _snapshot(repo)
    assert cli.main(["release", "1.3.0"]) == 1
    err = capsys.readouterr().err
    assert "[hmac/t/c] since 1.2.0, but this release is 1.3.0: date it 1.3.0" in err
    assert err.rstrip().endswith("release 1.3.0: 1 problem(s); nothing written")
    assert _snapshot(repo) == before


def test_an_invalid_suite_is_refused(repo, capsys):
    path = repo / "vectors" / "hmac" / "t.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('{utf8: "c"}', '{utf8: "d"}'), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "break c")
    before = _snapshot(repo)
    assert cli.main(["release", "1.2.0"]) == 1
    err = capsys.readouterr().err
    assert "[hmac/t/c]" in err and "nothing written" in err
    assert _snapshot(repo) == before


def test_changelog_unreleased_heading_becomes_the_version_and_prose_is_kept():
    text = "# Log\n\n## Unreleased\n\nHand-written.\n\n## 1.0.0\n\n- a\n"
    out = releasing.changelog_text(text, "1.1.0", [], [])
    assert out.startswith("# Log\n\n## 1.1.0\n\nHand-written.\n\n" + releasing.GENERATED + "\n\n")
    assert "Vectors released in 1.1.0: 0.\n\n## 1.0.0\n\n- a\n" in out
    assert releasing.changelog_text(out, "1.1.0", [], []) == out, "the generated part is replaced, not repeated"


def test_changelog_without_a_section_gets_one_above_the_older():
    out = releasing.changelog_text("# Log\n\n## 1.0.0\n\n- a\n", "1.1.0", [], [])
    assert out == "# Log\n\n## 1.1.0\n\n" + releasing.summary("1.1.0", [], []) + "\n## 1.0.0\n\n- a\n"


# -- the pieces, called directly -----------------------------------------------------------------------------------


def _vectors(tmp_path: Path, *ids: str, superseded_by: str | None = None) -> list:
    path = tmp_path / "v.yaml"
    extra = f"    superseded_by: {superseded_by}\n" if superseded_by else ""
    path.write_text(HEAD + "".join(_vector(i, message=i, extra=extra) for i in ids), encoding="utf-8")
    return list(load([path]).vectors)


def test_summary_exactly(tmp_path):
    added = _vectors(tmp_path, "hmac/t/b", "hmac/t/a")
    old = _vectors(tmp_path, "hmac/t/z", "hmac/t/y", superseded_by="hmac/t/a")
    assert releasing.summary("1.3.0", added, old) == (
        f"{releasing.GENERATED}\n\nVectors released in 1.3.0: 2.\n\n"
        "| scheme | operation | new vectors |\n|---|---|---|\n| hmac | mac | 2 |\n\n"
        "Superseded (errata; still in the suite, left out of runs unless `--include-superseded`):\n\n"
        "- `hmac/t/y` by `hmac/t/a`\n- `hmac/t/z` by `hmac/t/a`\n"
    )
    assert releasing.summary("1.3.0", [], []) == f"{releasing.GENERATED}\n\nVectors released in 1.3.0: 0.\n"


def test_changelog_without_any_section_and_a_last_section_regenerated():
    block = releasing.summary("1.0.0", [], [])
    assert releasing.changelog_text("# Log\n", "1.0.0", [], []) == f"# Log\n## 1.0.0\n\n{block}"
    last = "# Log\n\n## 1.0.0\n\nProse.  \n"
    once = releasing.changelog_text(last, "1.0.0", [], [])
    assert once == f"# Log\n\n## 1.0.0\n\nProse.  \n\n{block}"
    assert releasing.changelog_text(once, "1.0.0", [], []) == once


def test_prepare_lists_new_vectors_and_names_misdated_ones(repo):
    vectors = sorted(load([repo / "vectors"]).vectors, key=lambda v: v.id, reverse=True)
    release = releasing.prepare("1.2.0", repo, vectors, [])
    assert [v.id for v in release.added] == ["hmac/t/c"] and release.root == repo
    files = dict(release.files)
    manifest = files[repo / "vectors" / "MANIFEST"]
    assert (
        manifest
        == (repo / "vectors" / "MANIFEST").read_text(encoding="utf-8")
        + released.lines(release.added, "1.2.0")[0]
        + "\n"
    )
    with pytest.raises(releasing.ReleaseRefused) as refused:
        releasing.prepare("1.3.0", repo, vectors, [])
    c = release.added[0]
    assert refused.value.problems == (
        f"{c.path}:{c.line}: [hmac/t/c] since 1.2.0, but this release is 1.3.0: date it 1.3.0",
    )


def test_a_checkout_needs_both_version_files(repo):
    (repo / "vectors" / "VERSION").unlink()
    with pytest.raises(UsageError, match=r"is not a checkout of the suite \(no runner/hmac_conformance/_version.py or"):
        releasing.preflight("1.2.0", repo)


def test_a_checkout_outside_git_is_refused(repo, capsys):
    import shutil

    shutil.rmtree(repo / ".git")
    assert cli.main(["release", "1.2.0"]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith(f"hmac-conformance: release: {repo} is not a git checkout (") and "not a git repository" in err
    )


@pytest.mark.parametrize(("count", "shown"), [(5, "d0, d1, d2, d3, d4"), (6, "d0, d1, d2, d3, d4, …")])
def test_a_dirty_tree_shows_five_paths_at_most(repo, capsys, count, shown):
    for n in range(count):
        (repo / f"d{n}").write_text("x", encoding="utf-8")
    assert cli.main(["release", "1.2.0"]) == 2
    assert f"uncommitted changes ({shown}); commit" in capsys.readouterr().err
