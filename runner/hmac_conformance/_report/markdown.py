"""Markdown summary of a run, sized for a CI step summary (e.g. $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

from pathlib import Path

from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance._adapters import reproduce
from hmac_conformance._execute import Run
from hmac_conformance._outcome import FAILING, by_group
from hmac_conformance._report.console import not_tested

MAX_LISTED = 40


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(runs: list[Run]) -> str:
    out = [f"# hmac-conformance — suite {paths.suite_version()}", ""]
    for run in runs:
        ident = run.identity
        icon = "✅" if run.ok else "❌"
        out += [
            f"## {icon} {_cell(str(ident.get('name')))} {_cell(str(ident.get('version')))} "
            f"({_cell(str(ident.get('language')))})",
            "",
            f"`{_cell(run.spec)}` — {run.seconds:.2f} s",
            "",
        ]
        if run.broken:
            out += ["> **Broken adapter**: every vector errored. This is a harness problem, not non-conformance.", ""]
        groups = by_group(run.results)
        out += [
            "| scheme | operation | pass | fail | error | unsupported | skip | xfail | xpass |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for (scheme, op), c in sorted(groups.items()):
            out.append(
                f"| {scheme} | {op} | {c['pass']} | {c['fail']} | {c['error']} | {c['unsupported']} | "
                f"{c['skip']} | {c['xfail']} | {c['xpass']} |"
            )
        out += ["", f"**{'Passed' if run.ok else 'Failed'}**; {not_tested(run)}."]
        out += [f"- {_cell(problem)}" for problem in run.problems]
        bad = [r for r in run.results if r.status in FAILING]
        if bad:
            out += ["", "| outcome | vector | message | reproduce |", "|---|---|---|---|"]
            out += [
                f"| {r.status} | `{r.vector_id}` | {_cell(r.message[:200])} | "
                f"`{_cell(reproduce(run.spec, r.vector_id, run.vector_paths))}` |"
                for r in bad[:MAX_LISTED]
            ]
            if len(bad) > MAX_LISTED:
                out.append(f"\n… and {len(bad) - MAX_LISTED} more in the JSON report.")
        out.append("")
    return "\n".join(out)


def write(path: Path, runs: list[Run]) -> None:
    outputs.write_text(path, render(runs))
