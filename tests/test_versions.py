"""One version, said the same everywhere: vectors/VERSION, the package, the newest CHANGELOG section, and (where
the clone has tags) a git tag per released suite version."""

from __future__ import annotations

import re
import shutil
import subprocess

from hmac_conformance import __version__
from hmac_conformance import _paths as paths
from tests.conftest import ROOT

CHANGELOG = (ROOT / "vectors" / "CHANGELOG.md").read_text(encoding="utf-8")
SECTIONS = re.findall(r"^## ([0-9]+\.[0-9]+\.[0-9]+)$", CHANGELOG, re.MULTILINE)


def key(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))


def test_suite_package_and_changelog_agree():
    assert paths.suite_version() == __version__ == SECTIONS[0]


def test_changelog_sections_are_newest_first_and_unique():
    assert sorted(set(SECTIONS), key=key, reverse=True) == SECTIONS


def test_no_vector_is_newer_than_the_suite():
    from hmac_conformance import load_vectors

    assert max(key(v.since) for v in load_vectors()) <= key(__version__)
    assert {v.since for v in load_vectors()} <= set(SECTIONS), "every version a vector names has a section"


def test_every_released_version_has_a_tag_when_the_clone_has_tags():
    """A clone without tags (a shallow CI checkout) has nothing to disagree with; one with tags must have them all."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return
    tags = set(subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.split())  # fmt: skip
    if not tags:
        return
    assert {f"v{v}" for v in SECTIONS} <= tags | {f"v{__version__}"}, "tag each release: git tag v<version>"
    for tag in tags & {f"v{v}" for v in SECTIONS}:
        version = subprocess.run(["git", "show", f"{tag}:vectors/VERSION"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.strip()  # fmt: skip
        assert version == tag.removeprefix("v"), f"{tag} points at a commit whose vectors/VERSION is {version}"
