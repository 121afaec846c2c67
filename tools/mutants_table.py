"""Rewrite the mutant catalogue table in docs/mutants.md from the code (tests/test_mutants.py fails until the
table matches). Run from the repository root with the project installed: ``python tools/mutants_table.py``."""

from __future__ import annotations

from pathlib import Path

from hmac_conformance import _mutants as mutants
from hmac_conformance import _outputs as outputs

DOC = Path(__file__).resolve().parent.parent / "docs" / "mutants.md"
BEGIN, END = "<!-- catalogue: begin (tools/mutants_table.py) -->", "<!-- catalogue: end -->"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN + "\n")
    _, _, tail = rest.partition(END)
    table = "\n".join(mutants.catalogue_table(mutants.catalogue()))
    outputs.write_text(DOC, f"{head}{BEGIN}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
