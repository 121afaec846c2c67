"""Which files are the suite's own (the answer keys the cache and decides which outlines carry a manifest
digest), and which files a folder holds."""

from __future__ import annotations

import shutil

from hmac_conformance import _paths as paths

SUITE_FILE = paths.VECTORS / "hmac" / "rfc4231.yaml"


def test_a_suite_file_however_spelled_is_in_the_suite(monkeypatch):
    monkeypatch.chdir(paths.VECTORS.parent)
    assert paths.in_suite(SUITE_FILE)
    assert paths.in_suite(SUITE_FILE.relative_to(paths.VECTORS.parent))
    assert paths.in_suite(paths.VECTORS / ".." / "vectors" / "hmac" / "rfc4231.yaml")
    assert not paths.in_suite(paths.VECTORS / "hmac" / ".." / ".." / "README.md")
    assert not paths.in_suite(paths.VECTORS / "..")


def test_a_relative_path_is_judged_from_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "hmac").mkdir()
    shutil.copy(SUITE_FILE, tmp_path / "hmac" / "rfc4231.yaml")
    relative = SUITE_FILE.relative_to(paths.VECTORS)  # hmac/rfc4231.yaml
    monkeypatch.chdir(paths.VECTORS)
    assert paths.in_suite(relative)
    monkeypatch.chdir(tmp_path)
    assert not paths.in_suite(relative), "the same words name another file once the current folder changed"


def test_links_are_followed_for_the_file_and_its_folders(tmp_path):
    (tmp_path / "file-link.yaml").symlink_to(SUITE_FILE)
    (tmp_path / "folder-link").symlink_to(SUITE_FILE.parent)
    shutil.copy(SUITE_FILE, tmp_path / "copy.yaml")
    assert paths.in_suite(tmp_path / "file-link.yaml")
    assert paths.in_suite(tmp_path / "folder-link" / "rfc4231.yaml")
    assert not paths.in_suite(tmp_path / "copy.yaml")
    # ".." after a link is the link target's parent (vectors/ here), as resolving the whole path says
    assert paths.in_suite(tmp_path / "folder-link" / ".." / "copy.yaml")
    assert (tmp_path / "folder-link" / ".." / "copy.yaml").resolve() == paths.VECTORS.resolve() / "copy.yaml"


def test_vector_files_are_what_rglob_selects(tmp_path):
    """Folders are listed by their entries: the same files as rglob("*.yaml") and is_file(), in the same order
    (links to files kept, links to folders not followed, broken links and folders named *.yaml left out)."""
    from hmac_conformance._load import vector_files

    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/one.yaml", "a/b/two.yaml", "a/.hidden.yaml", "a/.yaml", "a/three.yml", "a/four.YAML", "z.yaml"):
        (tmp_path / name).write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "a" / "file-link.yaml").symlink_to(tmp_path / "z.yaml")
    (tmp_path / "a" / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    (tmp_path / "folder-link").symlink_to(tmp_path / "a" / "b")
    (tmp_path / "folder-link.yaml").symlink_to(tmp_path / "a")
    found = vector_files([tmp_path])
    assert found == sorted(p for p in tmp_path.rglob("*.yaml") if p.is_file())
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/.hidden.yaml", "a/.yaml", "a/b/two.yaml", "a/file-link.yaml", "a/one.yaml", "z.yaml"
    ]  # fmt: skip
