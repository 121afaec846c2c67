"""The JSON report (schema/report.schema.json): the machine-readable record of a run, and baseline input."""

from __future__ import annotations

import datetime
import json
import re
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance._execute import Run
from hmac_conformance._jsontext import dumps_with
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
    return {**run_head(run), "results": [result_to_json(r) for r in run.results]}


def run_head(run: Run) -> dict[str, Any]:
    """A run's record without its results (written apart from them: one line each)."""
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
    return out


def vectors_table(runs: list[Run]) -> dict[str, dict[str, Any]]:
    """What each vector is, once per report, for readers that group results (the matrix)."""
    return dict(_vector_entries(runs))


def _vector_entries(runs: list[Run]) -> Iterator[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    for run in runs:
        for r in run.results:
            if r.vector_id not in seen:
                seen.add(r.vector_id)
                yield r.vector_id, {"scheme": r.scheme, "operation": r.operation, "tags": list(r.tags)}


def _head() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "tool": {"name": "hmac-conformance", "version": __version__},
        "suite_version": paths.suite_version(),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def document(runs: list[Run]) -> dict[str, Any]:
    return {**_head(), "vectors": vectors_table(runs), "runs": [run_to_json(r) for r in runs]}


def described(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The runs of a report of any format with every result carrying scheme, operation and tags (format 1 results
    carry them; format 2 passing results are completed from the ``vectors`` table)."""
    table = document.get("vectors", {})
    return [{**run, "results": [{**table.get(x["id"], {}), **x} for x in run["results"]]} for run in document["runs"]]


def dumps(doc: dict[str, Any]) -> str:
    """The document indented, except that each result and each entry of the vectors table is one line: the
    layout costs a few bytes per vector, not one line per field, and a diff of two reports shows whole results."""
    return "".join(_chunks(doc, doc["vectors"].items(), [(run, run["results"]) for run in doc["runs"]]))


def _chunks(
    head: dict[str, Any],
    vectors: Iterable[tuple[str, Any]],
    runs: list[tuple[dict[str, Any], Iterable[Any]]],
) -> Iterator[str]:
    """The layout of ``dumps``, written as it is produced (``head``: the document's other keys, in order): the records (vectors table entries and results) come
    from iterables, one JSON line each, so a report of any size is never held whole. The rest of the document
    is laid out by json with a placeholder for each block of records (a random nonce that no value can
    contain), and each block is spliced in at its placeholder's indentation."""
    nonce = secrets.token_hex(8)
    blocks: list[tuple[bool, Iterable[Any]]] = [(True, vectors)]
    skeleton = {**head, "vectors": f"\x00{nonce}:0\x00", "runs": []}
    for run, results in runs:
        blocks.append((False, results))
        skeleton["runs"].append({**run, "results": f"\x00{nonce}:{len(blocks) - 1}\x00"})
    text = json.dumps(skeleton, indent=1, ensure_ascii=False)
    position = 0
    for match in re.finditer(rf'"\\u0000{nonce}:([0-9]+)\\u0000"', text):
        yield text[position : match.start()]
        line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        keyed, records = blocks[int(match.group(1))]
        yield from _block(keyed, records, len(line) - len(line.lstrip(" ")))
        position = match.end()
    yield text[position:]


#: json.dumps(x, ensure_ascii=False): each record of the report, one line each.
_line = dumps_with(ensure_ascii=False)


def _block(keyed: bool, records: Iterable[Any], indent: int) -> Iterator[str]:
    """An object of (key, record) pairs or an array of records, one record per line, as ``json.dumps`` with
    ``indent=1`` would open and close it at this indentation."""
    opening, closing = "{}" if keyed else "[]"
    inner = "\n" + " " * (indent + 1)
    separator = opening + inner
    for record in records:
        if keyed:
            key, value = record
            line = f"{_line(key)}: {_line(value)}"
        else:
            line = _line(record)
        yield separator + line
        separator = "," + inner
    yield opening + closing if separator[0] == opening else "\n" + " " * indent + closing


def write(path: Path, runs: list[Run]) -> None:
    """Write the report as it is produced (atomically: a reader sees the old file or the whole new one)."""
    blocks = [(run_head(run), (result_to_json(r) for r in run.results)) for run in runs]
    outputs.write_chunks(path, _chunks(_head(), _vector_entries(runs), blocks), end="\n")
