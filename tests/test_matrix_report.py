"""The compatibility matrix, from hand-made JSON reports: which cell every status lands in, the cell's state and
label, the Markdown and HTML exactly, and every kind of unusable report refused with its reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hmac_conformance._exceptions import UsageError
from hmac_conformance._execute import Run
from hmac_conformance._outcome import Result
from hmac_conformance._report import jsonreport, matrix
from hmac_conformance._report.matrix import Cell, cell_attempted, cell_state

GO = {"name": "go-sdk", "version": "2", "language": "go"}
PY = {"name": "py-sdk", "version": "0.1", "language": "python"}


def result(vid: str, status: str, op: str = "mac", tags: tuple[str, ...] = (), **kw) -> Result:
    return Result(vid, vid.split("/")[0], op, tags, status, **kw)  # type: ignore[arg-type]


def as_read(*runs: Run) -> list[dict]:
    """Runs as ``report`` reads them back from a JSON report (format 2: results completed from its vectors)."""
    return jsonreport.described(jsonreport.document(list(runs)))


def runs() -> list[dict]:
    """Two runs: go has every kind of outcome in hmac/mac; py attempted nothing of hmac/mac-verify."""
    go = Run("jsonl:go", GO, (
        result("hmac/a", "pass", tags=("rfc", "mac")),
        result("hmac/b", "fail", tags=("rfc",), message="tag differs", diagnostic="expected 00"),
        result("hmac/c", "xfail", tags=("rfc",), message="known"),
        result("hmac/d", "error", message="timeout <1s>"),
        result("hmac/e", "unsupported", op="mac-verify", message="no"),
        result("firstvision/f", "pass", op="sign"),
        result("firstvision/g", "skip", op="sign", message="later"),
    ))  # fmt: skip
    py = Run("cmd:py", PY, (
        result("hmac/a", "pass", tags=("rfc", "mac")),
        result("hmac/b", "pass", tags=("rfc",)),
        result("hmac/e", "unsupported", op="mac-verify"),
        result("firstvision/f", "xpass", op="sign", message="listed but passes"),
    ))  # fmt: skip
    return as_read(go, py)


def test_build_puts_each_result_in_its_group_and_tag_rows():
    m = matrix.build("1.0.0", runs())
    assert m.rows == [
        ("firstvision", "sign"),
        ("hmac", "mac"),
        ("hmac", "mac", "rfc"),  # the tag that names the operation ("mac") is not a row of its own
        ("hmac", "mac-verify"),
    ]
    counts = {key: dict(cell.counts) for key, cell in m.cells.items()}
    assert counts == {
        (("hmac", "mac"), 0): {"pass": 1, "fail": 1, "xfail": 1, "error": 1},
        (("hmac", "mac", "rfc"), 0): {"pass": 1, "fail": 1, "xfail": 1},
        (("hmac", "mac-verify"), 0): {"unsupported": 1},
        (("firstvision", "sign"), 0): {"pass": 1, "skip": 1},
        (("hmac", "mac"), 1): {"pass": 2},
        (("hmac", "mac", "rfc"), 1): {"pass": 2},
        (("hmac", "mac-verify"), 1): {"unsupported": 1},
        (("firstvision", "sign"), 1): {"xpass": 1},
    }
    bad = {key: [x["id"] for x in cell.bad] for key, cell in m.cells.items() if cell.bad}
    assert bad == {
        (("hmac", "mac"), 0): ["hmac/b", "hmac/d"],
        (("hmac", "mac", "rfc"), 0): ["hmac/b"],
        (("firstvision", "sign"), 1): ["firstvision/f"],
    }


@pytest.mark.parametrize(
    ("counts", "attempted", "state", "label"),
    [
        ({}, 0, "na", "n/a"),
        ({"unsupported": 3}, 0, "na", "n/a"),
        ({"pass": 2, "unsupported": 5}, 2, "ok", "2/2"),
        ({"pass": 1, "skip": 1}, 2, "warn", "1/2"),
        ({"pass": 1, "xfail": 1}, 2, "warn", "1/2"),
        ({"skip": 1}, 1, "warn", "0/1"),
        ({"pass": 3, "fail": 1, "skip": 1}, 5, "bad", "3/5"),
        ({"pass": 1, "error": 1}, 2, "bad", "1/2"),
        ({"xpass": 1, "xfail": 1}, 2, "bad", "0/2"),
    ],
)
def test_cell_attempted_state_and_label(counts, attempted, state, label):
    cell = Cell()
    cell.counts.update(counts)
    assert (cell_attempted(cell), cell_state(cell), cell.label()) == (attempted, state, label)
    assert (cell.attempted, cell.state) == (attempted, state)


def test_markdown_matrix_exactly():
    text = matrix.render_markdown(matrix.build("1.0.0", runs()))
    assert text == (
        "# hmac-conformance matrix — suite 1.0.0\n"
        "\n"
        "| scheme / operation / tag | go-sdk 2 | py-sdk 0.1 |\n"
        "|---|---:|---:|\n"
        "| firstvision / sign | ⚠️ 1/2 | ❌ 0/1 |\n"
        "| hmac / mac | ❌ 1/4 | ✅ 2/2 |\n"
        "|   ↳ rfc | ❌ 1/3 | ✅ 2/2 |\n"
        "| hmac / mac-verify | n/a | n/a |\n"
        "\n"
        "## Failing vectors\n"
        "\n"
        "- go-sdk 2: `hmac/b` — fail: tag differs\n"
        "- go-sdk 2: `hmac/d` — error: timeout <1s>\n"
        "- py-sdk 0.1: `firstvision/f` — xpass: listed but passes\n"
    )


def test_markdown_matrix_without_failures_has_no_failing_section_and_a_missing_cell_is_na():
    only_go = [r for r in runs()[:1]]
    only_go[0]["results"] = [r for r in only_go[0]["results"] if r["status"] == "pass"]
    (other,) = as_read(Run("jsonl:rust", {"name": "rs", "version": "9", "language": "rust"},
                                       (result("hmac/z", "pass", op="mac-verify"),)))  # fmt: skip
    text = matrix.render_markdown(matrix.build("1.0.0", [*only_go, other]))
    assert text == (
        "# hmac-conformance matrix — suite 1.0.0\n"
        "\n"
        "| scheme / operation / tag | go-sdk 2 | rs 9 |\n"
        "|---|---:|---:|\n"
        "| firstvision / sign | ✅ 1/1 | n/a |\n"
        "| hmac / mac | ✅ 1/1 | n/a |\n"
        "|   ↳ rfc | ✅ 1/1 | n/a |\n"
        "| hmac / mac-verify | n/a | ✅ 1/1 |\n"
    )


def test_markdown_lists_at_most_200_failing_vectors():
    many = Run("jsonl:go", GO, tuple(result(f"hmac/v{i:03}", "fail") for i in range(201)))
    text = matrix.render_markdown(matrix.build("1.0.0", as_read(many)))
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(listed) == 200 and listed[-1] == "- go-sdk 2: `hmac/v199` — fail: "


def _between(text: str, start: str, end: str) -> str:
    found = re.search(re.escape(start) + "(.*?)" + re.escape(end), text, re.S)
    assert found, f"{start}...{end} not in the page"
    return found.group(1)


def test_html_matrix_cells_links_and_failing_lists():
    page = matrix.render_html(matrix.build("1.0.0", runs()))
    head = _between(page, '<thead><tr><th class="row">scheme / operation / tag</th>', "</tr></thead>")
    assert head == (
        "<th title='jsonl:go'><span class=lang>go</span>go-sdk 2<br><span class=meta>persistent</span></th>"
        "<th title='cmd:py'><span class=lang>python</span>py-sdk 0.1<br><span class=meta>one-shot</span></th>"
    )
    body = _between(page, "<tbody>", "</tbody>")
    assert body == (
        "<tr><td class='row'>firstvision / sign</td>"
        "<td class='warn' title='pass 1, skip 1'>1/2</td>"
        "<td class='bad' title='xpass 1'><a href='#r0c1'>0/1</a></td></tr>"
        "<tr><td class='row'>hmac / mac</td>"
        "<td class='bad' title='error 1, fail 1, pass 1, xfail 1'><a href='#r1c0'>1/4</a></td>"
        "<td class='ok' title='pass 2'>2/2</td></tr>"
        "<tr><td class='row tag'>rfc</td>"
        "<td class='bad' title='fail 1, pass 1, xfail 1'><a href='#r2c0'>1/3</a></td>"
        "<td class='ok' title='pass 2'>2/2</td></tr>"
        "<tr><td class='row'>hmac / mac-verify</td>"
        "<td class='na' title='unsupported 1'>n/a</td>"
        "<td class='na' title='unsupported 1'>n/a</td></tr>"
    )
    details = _between(page, "<h2>Failing vectors</h2>\n", "\n<script>")
    assert details == (
        "<details id='r0c1'><summary>py-sdk 0.1 — firstvision / sign: 1 failing</summary><ul>"
        "<li><code>firstvision/f</code> — xpass: listed but passes</li></ul></details>"
        "<details id='r1c0'><summary>go-sdk 2 — hmac / mac: 2 failing</summary><ul>"
        "<li><code>hmac/b</code> — fail: tag differs<pre>expected 00</pre></li>"
        "<li><code>hmac/d</code> — error: timeout &lt;1s&gt;</li></ul></details>"
        "<details id='r2c0'><summary>go-sdk 2 — hmac / mac / rfc: 1 failing</summary><ul>"
        "<li><code>hmac/b</code> — fail: tag differs<pre>expected 00</pre></li></ul></details>"
    )
    idents = _between(page, "<ul>", "</ul>\n<table")
    assert idents == (
        "<li><b>go-sdk 2</b> (go) via <code>jsonl:go</code>: 2 passed, 1 failed, 1 errors, 1 unsupported</li>"
        "<li><b>py-sdk 0.1</b> (python) via <code>cmd:py</code>: 2 passed, 0 failed, 0 errors, 1 unsupported</li>"
    )
    assert "<title>hmac-conformance matrix — suite 1.0.0</title>" in page
    assert '<p class="meta">Suite version 1.0.0 · generated by hmac-conformance ' in page


def test_html_matrix_of_passing_runs_says_none_failed_and_marks_a_broken_adapter():
    ok = Run("reference", {"name": "ref", "version": "1", "language": "python"}, (result("hmac/a", "pass"),))
    broken = Run("cmd:dead", {"name": "dead", "version": "?", "language": "sh"}, (result("hmac/a", "error"),))
    page = matrix.render_html(matrix.build("1.0.0", as_read(ok)))
    assert _between(page, "<h2>Failing vectors</h2>\n", "\n<script>") == ("<p>None: every attempted vector passed.</p>")
    assert "broken adapter" not in page
    page = matrix.render_html(matrix.build("1.0.0", as_read(broken)))
    assert (
        "<li><b>dead ?</b> (sh) via <code>cmd:dead</code>: 0 passed, 0 failed, 1 errors, 0 unsupported"
        " — <b>broken adapter</b></li>"
    ) in page
    assert "<li><code>hmac/a</code> — error: </li>" in page, "no <pre> for an empty diagnostic"


def test_html_cell_of_a_group_a_run_never_saw_is_na():
    go = Run("jsonl:go", GO, (result("hmac/a", "pass"),))
    rs = Run(
        "jsonl:rs", {"name": "rs", "version": "9", "language": "rust"}, (result("firstvision/z", "pass", op="sign"),)
    )
    page = matrix.render_html(matrix.build("1.0.0", as_read(go, rs)))
    assert _between(page, "<tbody>", "</tbody>") == (
        "<tr><td class='row'>firstvision / sign</td><td class='na' title=''>n/a</td>"
        "<td class='ok' title='pass 1'>1/1</td></tr>"
        "<tr><td class='row'>hmac / mac</td><td class='ok' title='pass 1'>1/1</td>"
        "<td class='na' title=''>n/a</td></tr>"
    )


def write_report(path: Path, run_dicts: list[dict], suite: str = "1.0.0") -> Path:
    """A format-1 report (every result complete), which ``report`` still reads."""
    run_dicts = [
        {**run, "results": [{"message": "", "seconds": 0.0, **r} for r in run["results"]]} for run in run_dicts
    ]
    document = {"format": 1, "tool": {"name": "hmac-conformance", "version": "1"}, "suite_version": suite,
                "created": "2026-01-01T00:00:00+00:00", "runs": run_dicts}  # fmt: skip
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_reports_joins_runs_and_versions(tmp_path):
    first, second = runs()
    a = write_report(tmp_path / "a.json", [first], "1.1.0")
    b = write_report(tmp_path / "b.json", [second], "1.0.0")
    c = write_report(tmp_path / "c.json", [first], "1.1.0")
    version, loaded = matrix.load_reports([a, b, c])
    assert version == "1.0.0, 1.1.0"
    assert [r["impl"] for r in loaded] == ["jsonl:go", "cmd:py", "jsonl:go"]


def test_load_reports_refuses_what_is_not_a_report(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(UsageError, match=rf"^cannot read report {re.escape(str(missing))}: "):
        matrix.load_reports([missing])
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{", encoding="utf-8")
    with pytest.raises(UsageError, match=rf"^cannot read report {re.escape(str(garbage))}: Expecting"):
        matrix.load_reports([garbage])
    first, _ = runs()
    first["results"][0]["status"] = "x" * 300  # one error, whose message is longer than what is quoted
    wrong = write_report(tmp_path / "wrong.json", [first])
    with pytest.raises(UsageError) as caught:
        matrix.load_reports([wrong])
    assert str(caught.value) == f"{wrong} is not a hmac-conformance JSON report: '" + "x" * 199
    empty = write_report(tmp_path / "empty.json", [])
    with pytest.raises(UsageError, match=r"^the reports contain no runs$"):
        matrix.load_reports([empty])
