"""The JSON report's two formats: format 2 writes passing results as id and status only, and every reader (the
matrix, --baseline) accepts a format 1 report as well as a format 2 one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hmac_conformance import _gate as gate
from hmac_conformance import _schemas
from hmac_conformance._jsontext import dumps_with
from hmac_conformance._report import jsonreport, matrix

GOLDEN = Path(__file__).resolve().parent / "golden"
FORMAT1, FORMAT2 = GOLDEN / "report-format1.json", GOLDEN / "report.json"


def _cells(path: Path) -> dict[tuple[tuple[str, ...], int], dict[str, int]]:
    m = matrix.build(*matrix.load_reports([path]))
    return {key: dict(cell.counts) for key, cell in m.cells.items()}


def test_both_formats_are_valid_reports():
    for path in (FORMAT1, FORMAT2):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert not list(_schemas.validator("report.schema.json").iter_errors(document)), path.name


def test_format2_passing_results_are_id_and_status_only():
    document = json.loads(FORMAT2.read_text(encoding="utf-8"))
    assert document["format"] == 2
    passing = [r for run in document["runs"] for r in run["results"] if r["status"] == "pass"]
    failing = [r for run in document["runs"] for r in run["results"] if r["status"] == "fail"]
    assert passing and all(set(r) == {"id", "status"} for r in passing)
    assert failing and all({"input", "expected", "got", "diagnostic", "scheme", "tags"} <= set(r) for r in failing)
    assert {r["id"] for r in passing} <= set(document["vectors"])


def test_format2_without_its_vectors_table_is_rejected():
    document = json.loads(FORMAT2.read_text(encoding="utf-8"))
    del document["vectors"]
    assert list(_schemas.validator("report.schema.json").iter_errors(document))


def test_matrix_reads_both_formats_alike():
    assert _cells(FORMAT1) == _cells(FORMAT2)


def test_baseline_reads_both_formats_alike():
    before, after = gate.load_baseline(FORMAT1), gate.load_baseline(FORMAT2)
    assert dict(before.passed) == dict(after.passed)
    assert len(before.for_impl("reference")) == 35


def test_the_one_line_layout_round_trips_any_values():
    odd = ["\x00abc:0\x00", "\x00None:0\x00", '"\\u0000', "\u2028", "}\n{", "é"]
    document = {
        "format": 2,
        "vectors": {s: {"scheme": s, "operation": "op", "tags": odd} for s in odd},
        "runs": [{"impl": s, "results": [{"id": s, "status": "pass", "message": t} for t in odd]} for s in odd],
    }
    text = jsonreport.dumps(document)
    assert json.loads(text) == document
    lines = {line.strip().rstrip(",") for line in text.split("\n")}
    for run in document["runs"]:
        assert all(json.dumps(r, ensure_ascii=False) in lines for r in run["results"]), "one line per result"


def test_without_records_the_layout_is_plain_indented_json():
    document = {"format": 2, "vectors": {}, "runs": [{"impl": "a", "results": [], "ok": True}]}
    assert jsonreport.dumps(document) == json.dumps(document, indent=1, ensure_ascii=False)


def test_the_written_report_is_the_document_laid_out(tmp_path, monkeypatch):
    """write() streams the report without building the document; what it writes is exactly dumps(document)."""
    from tests.test_reports import mixed_run, ok_run

    monkeypatch.setattr(jsonreport, "_head", lambda real=jsonreport._head: {**real(), "created": "fixed"})
    runs = [ok_run(), mixed_run()]
    path = tmp_path / "r.json"
    jsonreport.write(path, runs)
    assert path.read_text(encoding="utf-8") == jsonreport.dumps(jsonreport.document(runs)) + "\n"
    assert json.loads(path.read_text(encoding="utf-8")) == jsonreport.document(runs)


def test_a_report_that_fails_half_way_leaves_the_old_file(tmp_path):
    from dataclasses import replace

    from tests.test_reports import mixed_run

    path = tmp_path / "r.json"
    path.write_text("old\n", encoding="utf-8")
    run = mixed_run()
    broken = replace(run, results=(*run.results[:3], replace(run.results[1], got={"tag": object()})))
    with pytest.raises(TypeError):
        jsonreport.write(path, [broken])
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"], "no temporary file left behind"


def test_the_layout_exactly():
    """One line per record, at the indentation json gives its block, text as written (no escapes), keys in the
    document's order."""
    document = {
        "format": 2,
        "vectors": {"hmac/é": {"scheme": "hmac", "tags": ["ü"]}, "hmac/b": {"scheme": "hmac", "tags": []}},
        "runs": [{"impl": "i", "results": [{"id": "hmac/é", "status": "pass"}, {"id": "hmac/b"}], "ok": True}],
        "after": "last",
    }
    assert jsonreport.dumps(document) == (
        '{\n'
        ' "format": 2,\n'
        ' "vectors": {\n'
        '  "hmac/é": {"scheme": "hmac", "tags": ["ü"]},\n'
        '  "hmac/b": {"scheme": "hmac", "tags": []}\n'
        ' },\n'
        ' "runs": [\n'
        '  {\n'
        '   "impl": "i",\n'
        '   "results": [\n'
        '    {"id": "hmac/é", "status": "pass"},\n'
        '    {"id": "hmac/b"}\n'
        '   ],\n'
        '   "ok": true\n'
        '  }\n'
        ' ],\n'
        ' "after": "last"\n'
        '}'
    )  # fmt: skip


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@given(_JSON)
@example({"nan": float("nan"), "infinities": [float("inf"), -float("inf")], "big": 2**70, "text": "é\u2028\x00"})
def test_records_and_protocol_values_are_laid_out_as_json_dumps_lays_them_out(value):
    """Report records and protocol values are written by json's own encoder, made once: byte for byte what
    json.dumps writes with the same options (text of any character, NaN and infinities, integers of any size,
    nesting)."""
    assert jsonreport._line(value) == json.dumps(value, ensure_ascii=False)
    compact = dumps_with(ensure_ascii=True, separators=(",", ":"))
    assert compact(value) == json.dumps(value, ensure_ascii=True, separators=(",", ":"))
