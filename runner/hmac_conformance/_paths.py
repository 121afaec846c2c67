"""Where the suite's data lives: beside the package in a checkout, or inside it in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: runner/hmac_conformance/ in a checkout: the data is two levels up, at the repository root.
DATA_ROOT = _PACKAGE / "_data" if (_PACKAGE / "_data").is_dir() else _PACKAGE.parent.parent

VECTORS = DATA_ROOT / "vectors"
SCHEMA = DATA_ROOT / "schema"
SPEC = DATA_ROOT / "docs" / "spec"


def suite_version() -> str:
    """The released suite version recorded in vectors/VERSION."""
    return (VECTORS / "VERSION").read_text(encoding="utf-8").strip()
