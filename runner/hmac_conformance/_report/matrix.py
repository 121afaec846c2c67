"""The compatibility matrix: vector groups x implementations, from one or more JSON reports.

The HTML page is self-contained (inline CSS and a few lines of script, no network): each cell links to the
list of its failing vectors with their diagnostics.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hmac_conformance import __version__, _schemas
from hmac_conformance._adapters import mode
from hmac_conformance._exceptions import UsageError
from hmac_conformance._outcome import FAILING
from hmac_conformance._report import jsonreport

GroupKey = tuple[str, ...]  # (scheme, operation) or (scheme, operation, tag)
BAD = FAILING


@dataclass
class Cell:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    bad: list[dict[str, Any]] = field(default_factory=list)

    # Each verdict is a module function below: mutation testing (mutmut) does not mutate a property's body.
    @property
    def attempted(self) -> int:
        return cell_attempted(self)

    @property
    def state(self) -> str:
        return cell_state(self)

    def label(self) -> str:
        if self.attempted == 0:
            return "n/a"
        return f"{self.counts['pass']}/{self.attempted}"


def cell_attempted(cell: Cell) -> int:
    """Vectors sent to the implementation (unsupported ones were not)."""
    return sum(n for status, n in cell.counts.items() if status != "unsupported")


def cell_state(cell: Cell) -> str:
    """na: nothing attempted; bad: a failure, error or unexpected pass; warn: skips or expected failures; ok."""
    if cell_attempted(cell) == 0:
        return "na"
    if any(cell.counts[s] for s in BAD):
        return "bad"
    return "warn" if cell.counts["skip"] or cell.counts["xfail"] else "ok"


@dataclass
class Matrix:
    suite_version: str
    runs: list[dict[str, Any]]
    rows: list[GroupKey]
    cells: dict[tuple[GroupKey, int], Cell]


def load_reports(paths: list[Path]) -> tuple[str, list[dict[str, Any]]]:
    """Every run of every report, each report checked against schema/report.schema.json."""
    runs: list[dict[str, Any]] = []
    versions = set()
    for path in paths:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read report {path}: {exc}") from None
        errors = list(_schemas.validator("report.schema.json").iter_errors(document))
        if errors:
            raise UsageError(f"{path} is not a hmac-conformance JSON report: {errors[0].message[:200]}")
        versions.add(document["suite_version"])
        runs.extend(jsonreport.described(document))
    if not runs:
        raise UsageError("the reports contain no runs")
    return ", ".join(sorted(versions)), runs


def build(suite_version: str, runs: list[dict[str, Any]]) -> Matrix:
    cells: dict[tuple[GroupKey, int], Cell] = defaultdict(Cell)
    rows: set[GroupKey] = set()
    for col, run in enumerate(runs):
        for result in run["results"]:
            keys: list[GroupKey] = [(result["scheme"], result["operation"])]
            keys += [(result["scheme"], result["operation"], t) for t in result["tags"] if t != result["operation"]]
            for key in keys:
                rows.add(key)
                cell = cells[(key, col)]
                cell.counts[result["status"]] += 1
                if result["status"] in BAD:
                    cell.bad.append(result)
    return Matrix(suite_version, runs, sorted(rows), cells)


def _name(run: dict[str, Any]) -> str:
    ident = run["implementation"]
    return f"{ident['name']} {ident['version']}"


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
h1{font-size:1.4rem;margin:0 0 .3rem}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:center;white-space:nowrap}
th.row,td.row{text-align:left}
td.row.tag{padding-left:1.6rem;color:#57606a}
thead th{background:#f6f8fa;vertical-align:bottom;white-space:normal;max-width:8.5rem;font-size:12px}
thead th .lang{font-size:14px;display:block}
.ok{background:#dafbe1}.bad{background:#ffd8d3;font-weight:600}.warn{background:#fff8c5}.na{background:#f6f8fa;color:#8c959f}
td a{color:inherit}
details{margin:.4rem 0;border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem}
details:target{outline:3px solid #cf222e}
summary{cursor:pointer;font-weight:600}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:12px}
.meta{color:#57606a}
"""

SCRIPT = """
function openTarget(){var t=document.getElementById(location.hash.slice(1));if(t&&t.tagName==='DETAILS'){t.open=true;}}
window.addEventListener('hashchange',openTarget);openTarget();
"""


def render_html(m: Matrix) -> str:
    e = html.escape
    head = "".join(
        f"<th title='{e(run['impl'])}'><span class=lang>{e(run['implementation']['language'])}</span>"
        f"{e(_name(run))}<br><span class=meta>{e(mode(run['impl']))}</span></th>"
        for run in m.runs
    )
    body = []
    details = []
    for r, key in enumerate(m.rows):
        label = " / ".join(key[:2]) if len(key) == 2 else key[2]
        cls = "row" if len(key) == 2 else "row tag"
        cells = []
        for c, run in enumerate(m.runs):
            cell = m.cells.get((key, c), Cell())
            text = e(cell.label())
            if cell.bad:
                anchor = f"r{r}c{c}"
                text = f"<a href='#{anchor}'>{text}</a>"
                items = "".join(
                    f"<li><code>{e(x['id'])}</code> — {e(x['status'])}: {e(x['message'])}"
                    + (f"<pre>{e(x['diagnostic'])}</pre>" if x["diagnostic"] else "")
                    + "</li>"
                    for x in cell.bad
                )
                details.append(
                    f"<details id='{anchor}'><summary>{e(_name(run))} — {e(' / '.join(key))}: "
                    f"{len(cell.bad)} failing</summary><ul>{items}</ul></details>"
                )
            title = ", ".join(f"{k} {v}" for k, v in sorted(cell.counts.items()) if v)
            cells.append(f"<td class='{cell.state}' title='{e(title)}'>{text}</td>")
        body.append(f"<tr><td class='{cls}'>{e(label)}</td>{''.join(cells)}</tr>")
    idents = "".join(
        f"<li><b>{e(_name(run))}</b> ({e(run['implementation']['language'])}) via <code>{e(run['impl'])}</code>: "
        f"{run['counts']['pass']} passed, {run['counts']['fail']} failed, {run['counts']['error']} errors, "
        f"{run['counts']['unsupported']} unsupported{' — <b>broken adapter</b>' if run['broken'] else ''}</li>"
        for run in m.runs
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hmac-conformance matrix — suite {e(m.suite_version)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>{CSS}</style></head>
<body>
<h1>hmac-conformance compatibility matrix</h1>
<p class="meta">Suite version {e(m.suite_version)} · generated by hmac-conformance {e(__version__)} ·
cells show passed / attempted (unsupported vectors excluded); a red cell links to its failing vectors.</p>
<ul>{idents}</ul>
<table id="matrix"><thead><tr><th class="row">scheme / operation / tag</th>{head}</tr></thead>
<tbody>{"".join(body)}</tbody></table>
<h2>Failing vectors</h2>
{"".join(details) or "<p>None: every attempted vector passed.</p>"}
<script>{SCRIPT}</script>
</body></html>
"""


def render_markdown(m: Matrix) -> str:
    out = [f"# hmac-conformance matrix — suite {m.suite_version}", ""]
    out.append("| scheme / operation / tag | " + " | ".join(_name(r) for r in m.runs) + " |")
    out.append("|---|" + "---:|" * len(m.runs))
    for key in m.rows:
        label = " / ".join(key[:2]) if len(key) == 2 else f"  ↳ {key[2]}"
        row = []
        for c in range(len(m.runs)):
            cell = m.cells.get((key, c), Cell())
            mark = {"ok": "✅", "bad": "❌", "warn": "⚠️", "na": ""}[cell.state]
            row.append(f"{mark} {cell.label()}".strip())
        out.append(f"| {label} | " + " | ".join(row) + " |")
    failing = [(run, x) for run in m.runs for x in run["results"] if x["status"] in BAD]
    if failing:
        out += ["", "## Failing vectors", ""]
        out += [f"- {_name(run)}: `{x['id']}` — {x['status']}: {x['message']}" for run, x in failing[:200]]
    return "\n".join(out) + "\n"
