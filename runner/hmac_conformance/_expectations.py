"""Expected-failure lists: strict (a listed vector that passes fails the run) and exact (an entry that matches
no selected vector is an error, so a typo can never widen what is allowed to fail).

An entry's ``id`` is a vector id or a glob over ids (Python ``fnmatch``, case-sensitive): ``*`` matches any
run of characters *including* ``/``, ``?`` one character, ``[abc]`` one of a set. The first entry that
matches a vector applies to it.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hmac_conformance import _outputs as outputs
from hmac_conformance import _schemas
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._exceptions import UsageError
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Result


@dataclass(frozen=True)
class ExpectedFailure:
    pattern: str
    reason: str
    link: str | None = None
    #: Where the entry is written (for error messages).
    where: str = ""

    def matches(self, vector_id: str) -> bool:
        return fnmatch.fnmatchcase(vector_id, self.pattern)


def load_xfail(path: Path) -> list[ExpectedFailure]:
    """Read an expected-failure file (schema/xfail.schema.json); a bad file is a usage error naming the line."""
    try:
        doc = yamlsafe.load(path)
    except yamlsafe.YamlError as exc:
        raise UsageError(f"--xfail {exc.problem}") from None
    except OSError as exc:
        raise UsageError(f"--xfail {path}: cannot read: {exc.strerror}") from None
    errors = list(_schemas.validator("xfail.schema.json").iter_errors(doc.value))
    if errors:
        first = errors[0]
        raise UsageError(f"--xfail {path}:{doc.line_of(tuple(first.absolute_path))}: {first.message}")
    return [
        ExpectedFailure(e["id"], e["reason"], e.get("link"), f"{path}:{doc.line_of(('expected_failures', i))}")
        for i, e in enumerate(doc.value["expected_failures"])
    ]


def check_xfail(entries: Sequence[ExpectedFailure], vectors: Iterable[Vector]) -> None:
    """Every entry must match at least one selected vector."""
    ids = [v.id for v in vectors]
    for entry in entries:
        if not any(entry.matches(i) for i in ids):
            raise UsageError(f"--xfail {entry.where}: entry {entry.pattern!r} matches no selected vector")


def apply_xfail(result: Result, entries: Sequence[ExpectedFailure]) -> Result:
    """The result as the list sees it: a listed failure or error is ``xfail``, a listed pass is ``xpass``."""
    entry = next((e for e in entries if e.matches(result.vector_id)), None)
    if entry is None:
        return result
    if result.status in ("fail", "error"):
        return replace(
            result,
            status="xfail",
            message=f"expected failure: {entry.reason} ({result.message})",
            link=entry.link or result.link,
        )
    if result.status == "pass":
        return replace(
            result,
            status="xpass",
            message=f"listed as expected failure ({entry.reason}) but passes: remove it from the list",
        )
    return result


def write_xfail(path: Path, results: Sequence[Result], entries: Sequence[ExpectedFailure] = ()) -> int:
    """Write the current failures and errors, and the expected failures still failing (with their reason and
    link kept), as an expected-failure file; returns how many."""
    failing = [r for r in results if r.status in ("fail", "error", "xfail")]
    lines = [
        "# Expected failures, written by `hmac-conformance run --write-xfail`.",
        "# Give each a real reason and, where there is one, a link to the issue tracking it.",
        "expected_failures:",
    ]
    for r in failing:
        listed = next((e for e in entries if e.matches(r.vector_id)), None)  # a listed fail or error is xfail
        reason = listed.reason if listed else (r.message.splitlines() or ["failing"])[0][:150]
        lines += [f"  - id: {json.dumps(r.vector_id)}", f"    reason: {json.dumps(reason, ensure_ascii=False)}"]
        link = listed.link if listed else r.link
        if link:
            lines.append(f"    link: {json.dumps(link, ensure_ascii=False)}")
    if not failing:
        lines[-1] = "expected_failures: []"
    outputs.write_text(path, "\n".join(lines) + "\n")
    return len(failing)
