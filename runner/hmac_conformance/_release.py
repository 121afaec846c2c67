"""Making a release: the checks that must hold and the files a release writes, prepared before anything is written.

A release freezes the vectors it carries (``vectors/MANIFEST``), so everything is checked first: a clean git
working tree (what is released is what gets committed and tagged), the whole suite valid, the version newer
than the last release, every vector not yet released dated with this version. Then it writes
``vectors/VERSION``, the package version, the manifest and the CHANGELOG section, each file atomically.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hmac_conformance import _released as released
from hmac_conformance._exceptions import UsageError
from hmac_conformance._model import Outline, Problem, version_key
from hmac_conformance._outputs import write_text

VERSION_PATTERN = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
#: Where the package version lives in a checkout (pyproject.toml reads it from there).
PACKAGE_VERSION = Path("runner") / "hmac_conformance" / "_version.py"
_VERSION_LINE = re.compile(r'^__version__ = "[^"]*"$', re.MULTILINE)
GENERATED = "<!-- vectors of this release: written by `hmac-conformance release` -->"


@dataclass(frozen=True)
class Release:
    """What a release writes, decided before anything is: new contents by path, and the new vectors."""

    version: str
    root: Path
    files: tuple[tuple[Path, str], ...]
    added: tuple[Outline, ...]
    superseded: tuple[Outline, ...]

    def write(self) -> None:
        for path, text in self.files:
            write_text(path, text)


class ReleaseRefused(Exception):
    """The tree is not ready: each problem says what to fix."""

    def __init__(self, problems: Sequence[str | Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = tuple(str(p) for p in problems)


def _git_status(root: Path) -> list[str]:
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain"],  # noqa: S607 - git on PATH, fixed arguments
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise UsageError(f"release: cannot run git: {exc}") from None
    if done.returncode != 0:
        raise UsageError(f"release: {root} is not a git checkout ({done.stderr.strip() or 'git status failed'})")
    return done.stdout.splitlines()


def preflight(version: str, root: Path) -> None:
    """The checks that need no vector loaded: run first, so that a dirty tree is refused at once."""
    if not VERSION_PATTERN.fullmatch(version):
        raise UsageError(f"release: expected a version such as 1.2.0, got {version!r}")
    vectors_dir = root / "vectors"
    if not (root / PACKAGE_VERSION).is_file() or not (vectors_dir / "VERSION").is_file():
        raise UsageError(f"release: {root} is not a checkout of the suite (no {PACKAGE_VERSION} or vectors/VERSION)")
    dirty = _git_status(root)
    if dirty:
        shown = ", ".join(line[3:] for line in dirty[:5]) + (", …" if len(dirty) > 5 else "")
        raise UsageError(f"release: the working tree has uncommitted changes ({shown}); commit or stash them first")
    manifest, _ = released.read_manifest(released.manifest_path(vectors_dir))
    current = (vectors_dir / "VERSION").read_text(encoding="utf-8").strip()
    if manifest.newest is not None and version_key(version) <= version_key(manifest.newest):
        raise UsageError(f"release: {version} is not newer than the last release, {manifest.newest}")
    if VERSION_PATTERN.fullmatch(current) and version_key(version) < version_key(current):
        raise UsageError(f"release: {version} is older than vectors/VERSION ({current})")


def prepare(version: str, root: Path, vectors: Sequence[Outline], problems: Sequence[Problem]) -> Release:
    """Check everything and compute every file's new text. ``vectors`` and ``problems`` are the whole suite as
    ``validate`` saw it (the caller loads it, so that this stays a decision over the repository's files)."""
    preflight(version, root)
    vectors_dir = root / "vectors"
    manifest, manifest_problems = released.read_manifest(released.manifest_path(vectors_dir))
    refusals: list[str | Problem] = [*manifest_problems, *problems]
    added = tuple(v for v in vectors if v.id not in manifest.entries)  # the manifest lines are sorted by lines()
    refusals += [
        Problem(v.path, v.line, f"since {v.since}, but this release is {version}: date it {version}", v.id)
        for v in added
        if v.since != version
    ]
    if refusals:
        raise ReleaseRefused(refusals)
    new_ids = {v.id for v in added}
    superseded = tuple(v for v in vectors if v.superseded_by in new_ids)
    manifest_text = manifest.path.read_text(encoding="utf-8") if manifest.path.is_file() else released.HEADER
    changelog = vectors_dir / "CHANGELOG.md"
    package = root / PACKAGE_VERSION
    files = (
        (vectors_dir / "VERSION", f"{version}\n"),
        (package, _VERSION_LINE.sub(f'__version__ = "{version}"', package.read_text(encoding="utf-8"), count=1)),
        (changelog, changelog_text(changelog.read_text(encoding="utf-8"), version, added, superseded)),
        (manifest.path, manifest_text + "".join(line + "\n" for line in released.lines(added, version))),
    )
    return Release(version, root, files, added, superseded)


def summary(version: str, added: Sequence[Outline], superseded: Sequence[Outline]) -> str:
    """The generated part of a release's CHANGELOG section: counts per scheme and operation, and the errata."""
    counts = Counter((v.scheme, v.operation) for v in added)
    lines = [GENERATED, "", f"Vectors released in {version}: {len(added)}.", ""]
    if counts:
        lines += ["| scheme | operation | new vectors |", "|---|---|---|"]
        lines += [f"| {s} | {o} | {n} |" for (s, o), n in sorted(counts.items())]
        lines.append("")
    if superseded:
        lines += ["Superseded (errata; still in the suite, left out of runs unless `--include-superseded`):", ""]
        lines += [f"- `{v.id}` by `{v.superseded_by}`" for v in sorted(superseded, key=lambda v: v.id)]
        lines.append("")
    return "\n".join(lines)


def changelog_text(text: str, version: str, added: Sequence[Outline], superseded: Sequence[Outline]) -> str:
    """The CHANGELOG with this release's section: its written prose kept (a ``## Unreleased`` heading becomes the
    version), the generated summary appended or replaced; a new section above the older ones if there is none."""
    text = re.sub(r"^## Unreleased[ \t]*$", f"## {version}", text, count=1, flags=re.MULTILINE)
    block = summary(version, added, superseded)
    heading = re.search(rf"^## {re.escape(version)}[ \t]*$", text, re.MULTILINE)
    if heading is None:
        first = re.search(r"^## ", text, re.MULTILINE)
        at = first.start() if first else len(text)
        return text[:at] + f"## {version}\n\n{block}" + ("\n" if first else "") + text[at:]
    following = re.search(r"^## ", text[heading.end() :], re.MULTILINE)
    end = heading.end() + following.start() if following else len(text)
    body = text[heading.end() : end]
    if GENERATED in body:
        body = body[: body.index(GENERATED)]
    body = body.rstrip("\n") + "\n\n" + block + ("\n" if following else "")
    return text[: heading.end()] + body + text[end:]
