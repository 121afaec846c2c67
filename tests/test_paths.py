"""Which files are the suite's own: the answer keys the cache and decides which outlines carry a manifest digest."""

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
