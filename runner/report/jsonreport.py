"""The JSON report (schema/report.schema.json): the machine-readable record of a run, and baseline input."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from runner import __version__, paths
from runner.model import to_wire
from runner.run import Run

FORMAT = 1


def run_to_json(run: Run) -> dict[str, Any]:
    return {
        "impl": run.spec,
        "implementation": run.identity,
        "seconds": round(run.seconds, 6),
        "broken": run.broken,
        "startup_error": run.startup_error,
        "violations": run.violations,
        "counts": run.counts,
        "results": [
            {
                "id": r.vector_id,
                "scheme": r.scheme,
                "operation": r.operation,
                "tags": list(r.tags),
                "status": r.status,
                "message": r.message,
                "diagnostic": r.diagnostic,
                "seconds": round(r.seconds, 6),
                "stderr": r.stderr,
                "link": r.link,
                "input": to_wire(r.input) if r.input is not None else None,
                "expected": to_wire(r.expected),
                "got": to_wire(r.got) if r.got is not None else None,
            }
            for r in run.results
        ],
    }


def document(runs: list[Run]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "tool": {"name": "hmac-conformance", "version": __version__},
        "suite_version": paths.suite_version(),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "runs": [run_to_json(r) for r in runs],
    }


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write(path: Path, runs: list[Run]) -> None:
    write_atomic(path, json.dumps(document(runs), indent=1, ensure_ascii=False) + "\n")
