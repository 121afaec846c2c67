"""Behaviour pinned byte for byte: `export` and the JSON report of a run, on a frozen sample of vectors.

The files under tests/golden/ were written by the runner before its internals were reorganised; a refactoring
that changes a single byte of either output (timings, dates and version numbers aside) fails here.
Regenerate them only for an intended change of output: `python tests/test_golden.py --write`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = [GOLDEN / "vectors" / "hmac.yaml", GOLDEN / "vectors" / "firstvision.yaml"]
IMPLS = ["reference", "python:tests.impls.mistakes:timestamp_seconds", "python:tests.impls.lenient:unicode_fold"]

_VOLATILE = [
    (re.compile(r'"seconds": [0-9.e-]+'), '"seconds": 0'),
    (re.compile(r'"created": "[^"]*"'), '"created": "*"'),
    (re.compile(r'"suite_version": "[^"]*"'), '"suite_version": "*"'),
    (re.compile(r'"generator": "hmac-conformance [^"]*"'), '"generator": "hmac-conformance *"'),
    (re.compile(r'("tool": \{\s*"name": "hmac-conformance",\s*"version": )"[^"]*"'), r'\1"*"'),
    (re.compile(r'("name": "hmac-conformance-reference",\s*"version": )"[^"]*"'), r'\1"*"'),
    (re.compile(re.escape(str(GOLDEN))), "<golden>"),
]


def normalise(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def produce(tmp: Path) -> dict[str, str]:
    from hmac_conformance import _cli as cli

    export, report = tmp / "export.json", tmp / "report.json"
    assert cli.main(["export", *map(str, SAMPLE), "--out", str(export)]) == 0
    code = cli.main(["run", "-q", *(f"--impl={i}" for i in IMPLS), *(f"--vectors={p}" for p in SAMPLE),
                     f"--report=json:{report}"])  # fmt: skip
    assert code == 1, "the sample run has failing implementations on purpose"
    return {
        name: normalise(path.read_text(encoding="utf-8")) for name, path in (("export", export), ("report", report))
    }


def test_export_and_report_are_byte_identical(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(GOLDEN.parent.parent)
    produced = produce(tmp_path)
    capsys.readouterr()
    for name, text in produced.items():
        assert text == (GOLDEN / f"{name}.json").read_text(encoding="utf-8"), f"{name} output changed"


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    sys.path.insert(0, str(GOLDEN.parent.parent))
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in produce(Path(tmp)).items():
            (GOLDEN / f"{name}.json").write_text(text, encoding="utf-8")
