"""Expected-failure lists (strict: a listed vector that passes is an error) and baseline reports."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path

from runner import yamlsafe
from runner.errors import UsageError
from runner.load import schema_validator
from runner.outcome import Result


@dataclass(frozen=True)
class ExpectedFailure:
    pattern: str
    reason: str
    link: str | None = None


def load_xfail(path: Path) -> list[ExpectedFailure]:
    """Read an expected-failure file (schema/xfail.schema.json); a bad file is a usage error naming the line."""
    try:
        doc = yamlsafe.load(path)
    except yamlsafe.YamlError as exc:
        raise UsageError(f"expected-failure file: {exc.problem}") from None
    except OSError as exc:
        raise UsageError(f"cannot read expected-failure file {path}: {exc.strerror}") from None
    errors = list(schema_validator("xfail.schema.json").iter_errors(doc.value))
    if errors:
        first = errors[0]
        raise UsageError(f"{path}:{doc.line_of(tuple(first.absolute_path))}: {first.message}")
    return [ExpectedFailure(e["id"], e["reason"], e.get("link")) for e in doc.value["expected_failures"]]


def apply_xfail(result: Result, entries: list[ExpectedFailure]) -> Result:
    entry = next((e for e in entries if fnmatch.fnmatchcase(result.vector_id, e.pattern)), None)
    if entry is None:
        return result
    if result.status in ("fail", "error"):
        result.message = f"expected failure: {entry.reason} ({result.message})"
        result.status = "xfail"
        result.link = entry.link or result.link
    elif result.status == "pass":
        result.status = "xpass"
        result.message = f"listed as expected failure ({entry.reason}) but passes: remove it from the list"
    return result


def write_xfail(path: Path, results: list[Result]) -> int:
    """Write the current failures and errors as an expected-failure file; returns how many."""
    failing = [r for r in results if r.status in ("fail", "error", "xfail")]
    lines = [
        "# Expected failures, written by `hmac-conformance run --write-xfail`.",
        "# Give each a real reason and, where there is one, a link to the issue tracking it.",
        "expected_failures:",
    ]
    for r in failing:
        reason = (r.message.splitlines() or ["failing"])[0][:150]
        lines += [f"  - id: {json.dumps(r.vector_id)}", f"    reason: {json.dumps(reason, ensure_ascii=False)}"]
    if not failing:
        lines[-1] = "expected_failures: []"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)  # never a half-written list
    return len(failing)


def load_baseline(path: Path) -> dict[str, set[str]]:
    """Vector ids that passed in a JSON report, per implementation name."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        return {
            run["implementation"]["name"]: {r["id"] for r in run["results"] if r["status"] == "pass"}
            for run in report["runs"]
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read baseline report {path}: {exc}") from None
