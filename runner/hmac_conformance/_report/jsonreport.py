"""The JSON report (schema/report.schema.json): the machine-readable record of a run, and baseline input."""

from __future__ import annotations

import datetime
import json
import re
import secrets
from pathlib import Path
from typing import Any

from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance._execute import Run
from hmac_conformance._model import to_wire
from hmac_conformance._outcome import EVIDENCE, Result
from hmac_conformance._version import __version__

#: 2: a result without evidence (pass, unsupported, skip) is its id and status (and message) only; what it is (scheme, operation, tags) is said once per vector in
#: the top-level ``vectors`` table, so a report grows with failures plus a few bytes per vector. 1: every result
#: carried its scheme, operation, tags, message and time. Readers accept both.
FORMAT = 2


def result_to_json(r: Result) -> dict[str, Any]:
    """A result that failed, errored or was expected to fail keeps all its evidence; any other is its id and
    status (with the reason it was not tested, and a link, if it has them): what it is is in ``vectors``."""
    if r.status not in EVIDENCE:
        item: dict[str, Any] = {"id": r.vector_id, "status": r.status}
        if r.message:
            item["message"] = r.message
        if r.link:
            item["link"] = r.link
        return item
    return {
        "id": r.vector_id,
        "scheme": r.scheme,
        "operation": r.operation,
        "tags": list(r.tags),
        "status": r.status,
        "message": r.message,
        "seconds": round(r.seconds, 6),
        "diagnostic": r.diagnostic,
        "stderr": r.stderr,
        "link": r.link,
        "input": to_wire(r.input),
        "expected": to_wire(r.expected),
        "got": to_wire(r.got),
    }


def run_to_json(run: Run) -> dict[str, Any]:
    out: dict[str, Any] = {
        "impl": run.spec,
        "implementation": run.identity,
        "seconds": round(run.seconds, 6),
        "ok": run.ok,
        "problems": run.problems,
        "broken": run.broken,
        "startup_error": run.startup_error,
        "violations": list(run.violations),
        "counts": run.counts,
        "untested": run.untested,
    }
    if run.baseline is not None:
        out["regressions"] = [r.vector_id for r in run.regressions]
    out["results"] = [result_to_json(r) for r in run.results]
    return out


def vectors_table(runs: list[Run]) -> dict[str, dict[str, Any]]:
    """What each vector is, once per report, for readers that group results (the matrix)."""
    table: dict[str, dict[str, Any]] = {}
    for run in runs:
        for r in run.results:
            if r.vector_id not in table:
                table[r.vector_id] = {"scheme": r.scheme, "operation": r.operation, "tags": list(r.tags)}
    return table


def document(runs: list[Run]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "tool": {"name": "hmac-conformance", "version": __version__},
        "suite_version": paths.suite_version(),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "vectors": vectors_table(runs),
        "runs": [run_to_json(r) for r in runs],
    }


def described(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The runs of a report of any format with every result carrying scheme, operation and tags (format 1 results
    carry them; format 2 passing results are completed from the ``vectors`` table)."""
    table = document.get("vectors", {})
    return [{**run, "results": [{**table.get(x["id"], {}), **x} for x in run["results"]]} for run in document["runs"]]


def dumps(doc: dict[str, Any]) -> str:
    """The document indented, except that each result and each entry of the vectors table is one line: the
    layout costs a few bytes per vector, not one line per field, and a diff of two reports shows whole results.
    Those records are first replaced by placeholders no value can contain (a random nonce), then spliced in."""
    nonce = secrets.token_hex(8)
    records: list[str] = []

    def placeholder(value: Any) -> str:
        records.append(json.dumps(value, ensure_ascii=False))
        return f"\x00{nonce}:{len(records) - 1}\x00"

    skeleton = {
        **doc,
        "vectors": {vid: placeholder(entry) for vid, entry in doc["vectors"].items()},
        "runs": [{**run, "results": [placeholder(r) for r in run["results"]]} for run in doc["runs"]],
    }
    text = json.dumps(skeleton, indent=1, ensure_ascii=False)
    token = re.compile(rf'"\\u0000{nonce}:([0-9]+)\\u0000"')
    return token.sub(lambda m: records[int(m.group(1))], text)


def write(path: Path, runs: list[Run]) -> None:
    outputs.write_text(path, dumps(document(runs)) + "\n")
