"""Mutation adequacy of the vectors: which plausible bug does no vector catch?

Each scheme may register a catalogue of one-bug mutants of its reference (``Scheme.mutants``, docs/mutants.md).
``hmac-conformance mutants`` runs each one through the runner — the public ``run()``, with an in-process adapter,
over every vector of its scheme — first as ``run`` does by default, then, if nothing failed, with
``--strict-reasons``. A mutant is *killed* when a vector fails, *killed only by its reasons* when it decides every
vector right and only a reason code gives it away, and *survives* otherwise. A survivor must be listed, with a
reason, as equivalent (no vector can tell it from the reference); a listed mutant that is killed makes the list
stale. Either fails the command, so the list stays exact.
"""

from __future__ import annotations

import fnmatch
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance import _schemas, schemes
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._adapters.inprocess import InProcessAdapter
from hmac_conformance._api import load_vectors, run
from hmac_conformance._exceptions import UsageError
from hmac_conformance._model import Vector
from hmac_conformance._version import __version__

#: The equivalent-mutants list used when --equivalent is not given (a missing file is an empty list).
DEFAULT_EQUIVALENT = paths.VECTORS / "mutants-equivalent.yaml"
#: Statuses that kill a mutant: a wrong answer, or an exception where an answer was due.
KILLING = frozenset({"fail", "error"})
#: How many killing vectors a line or a table cell names.
EXAMPLES = 3


@dataclass(frozen=True)
class Equivalent:
    """An entry of the equivalent-mutants list."""

    name: str
    reason: str
    #: Where it is written, ``FILE:LINE`` (for messages).
    where: str


def load_equivalent(path: Path, option: str = "--equivalent") -> dict[str, Equivalent]:
    """Read an equivalent-mutants list (schema/mutants-equivalent.schema.json); a bad file is a usage error."""
    try:
        doc = yamlsafe.load(path)
    except yamlsafe.YamlError as exc:
        raise UsageError(f"{option} {exc.problem}") from None
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot read: {exc.strerror}") from None
    errors = sorted(_schemas.validator("mutants-equivalent.schema.json").iter_errors(doc.value), key=str)
    if errors:
        first = errors[0]
        at = tuple(first.absolute_path)
        what = "a reason is one sentence on one line, ending with '.'" if at[-1:] == ("reason",) else first.message
        raise UsageError(f"{option} {path}:{doc.line_of(at)}: {what}")
    listed: dict[str, Equivalent] = {}
    for i, entry in enumerate(doc.value["equivalent"]):
        where = f"{path}:{doc.line_of(('equivalent', i))}"
        if entry["name"] in listed:
            raise UsageError(f"{option} {where}: {entry['name']!r} is listed twice")
        listed[entry["name"]] = Equivalent(entry["name"], entry["reason"], where)
    return listed


@dataclass(frozen=True)
class Outcome:
    """What the vectors make of one mutant."""

    mutant: schemes.Mutant
    scheme: str
    #: ``killed`` (a vector fails), ``reasons`` (only with --strict-reasons) or ``survived``.
    verdict: str
    #: The vectors that fail (with --strict-reasons for ``reasons``), in suite order.
    killed_by: tuple[str, ...]
    #: How many of those raised instead of answering.
    errors: int
    vectors: int
    seconds: float
    #: The equivalent-mutants list's entry for it, if any.
    equivalent: Equivalent | None = None

    @property
    def killed(self) -> bool:
        return self.verdict != "survived"

    @property
    def problem(self) -> str | None:
        if self.killed and self.equivalent is not None:
            return (
                f"listed as equivalent ({self.equivalent.where}) but killed by {len(self.killed_by)} vector(s): "
                "remove it from the list"
            )
        if not self.killed and self.equivalent is None:
            return "survives every vector: add a vector that kills it, or list it as equivalent with a reason"
        return None


def catalogue() -> dict[str, tuple[schemes.Mutant, ...]]:
    """Every registered scheme's mutants, by scheme (schemes without a catalogue are left out)."""
    return {name: tuple(s.mutants()) for name, s in schemes.all_schemes().items() if s.mutants is not None}


def choose(
    by_scheme: Mapping[str, Sequence[schemes.Mutant]], scheme_names: Sequence[str], patterns: Sequence[str]
) -> list[tuple[str, schemes.Mutant]]:
    """The mutants a selection keeps, as (scheme, mutant), in registry and catalogue order."""
    for name in scheme_names:
        if name not in by_scheme:
            raise UsageError(f"--scheme {name}: the scheme has no mutant catalogue")
    chosen = [
        (scheme, m)
        for scheme, mutants in by_scheme.items()
        if not scheme_names or scheme in scheme_names
        for m in mutants
        if not patterns or any(fnmatch.fnmatchcase(m.name, p) for p in patterns)
    ]
    if not chosen:
        raise UsageError("no mutant matches the selection (--scheme, -k); the names are <scheme>/<slug>")
    return chosen


def vectors_for(scheme_names: Iterable[str], given: Sequence[Path] | None) -> dict[str, list[Vector]]:
    """Every vector of each scheme: from the given files or folders, or else from the suite's folder of the
    scheme (``vectors/<scheme>/``; the whole suite folder for a scheme that has none)."""
    wanted = list(dict.fromkeys(scheme_names))
    if given:
        loaded = load_vectors(given)
    else:
        folders = [paths.VECTORS / n for n in wanted]
        loaded = load_vectors([f for f in folders if f.is_dir()] + ([paths.VECTORS] if not all(
            f.is_dir() for f in folders) else []))  # fmt: skip
    by_scheme: dict[str, list[Vector]] = {n: [] for n in wanted}
    seen: set[str] = set()
    for vector in loaded:
        if vector.scheme in by_scheme and vector.id not in seen:
            seen.add(vector.id)
            by_scheme[vector.scheme].append(vector)
    for name, vectors in by_scheme.items():
        if not vectors:
            raise UsageError(f"no vector of scheme {name} to run its mutants over (--vectors)")
    return by_scheme


def evaluate(mutant: schemes.Mutant, scheme: str, vectors: Sequence[Vector]) -> Outcome:
    """Run one mutant over its scheme's vectors: without --strict-reasons, then (if it survives) with it."""
    started = time.monotonic()
    verdict = "survived"
    failing: list[Any] = []
    for strict in (False, True):
        adapter = InProcessAdapter(f"mutant:{mutant.name}", mutant.implementation)
        results = run(adapter, vectors, strict_reasons=strict).results
        failing = [r for r in results if r.status in KILLING]
        if failing:
            verdict = "reasons" if strict else "killed"
            break
    return Outcome(
        mutant,
        scheme,
        verdict,
        tuple(r.vector_id for r in failing),
        sum(r.status == "error" for r in failing),
        len(vectors),
        time.monotonic() - started,
    )


def examples(outcome: Outcome, by_id: Mapping[str, Vector], count: int = EXAMPLES) -> list[str]:
    """A few of the vectors that kill a mutant, the suite's own (not imported published sets) first."""
    ranked = sorted(outcome.killed_by, key=lambda i: "published" in by_id[i].tags if i in by_id else True)
    return ranked[:count]


def line(outcome: Outcome, by_id: Mapping[str, Vector], width: int = 0) -> str:
    """The console line of one mutant (its name padded to ``width``)."""
    name, rules = outcome.mutant.name.ljust(width), ",".join(outcome.mutant.rules)
    n = len(outcome.killed_by)
    some = ", ".join(examples(outcome, by_id)) + (", …" if n > EXAMPLES else "")
    errors = f" ({outcome.errors} by raising)" if outcome.errors else ""
    if outcome.problem and outcome.killed:
        text = f"STALE      {name}  [{rules}]  {outcome.problem}: {some}"
    elif outcome.verdict == "killed":
        text = f"killed     {name}  [{rules}]  by {n} vector(s){errors}: {some}"
    elif outcome.verdict == "reasons":
        text = (
            f"reasons    {name}  [{rules}]  decides every vector right; only its reasons differ, on {n} vector(s) "
            f"with --strict-reasons: {some}"
        )
    elif outcome.equivalent is not None:
        text = f"equivalent {name}  [{rules}]  survives, listed: {outcome.equivalent.reason}"
    else:
        text = f"SURVIVED   {name}  [{rules}]  no vector catches it: {outcome.mutant.title}"
    return text


@dataclass(frozen=True)
class Summary:
    outcomes: tuple[Outcome, ...]
    seconds: float
    equivalent_file: Path | None

    @property
    def killed(self) -> int:
        return sum(o.killed for o in self.outcomes)

    @property
    def reasons_only(self) -> int:
        return sum(o.verdict == "reasons" for o in self.outcomes)

    @property
    def equivalent(self) -> int:
        return sum(not o.killed and o.equivalent is not None for o in self.outcomes)

    @property
    def survived(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.killed and o.equivalent is None]

    @property
    def stale(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.killed and o.equivalent is not None]

    @property
    def ok(self) -> bool:
        return not self.survived and not self.stale

    def last_line(self) -> str:
        return (
            f"{self.killed} of {len(self.outcomes)} mutants killed ({self.reasons_only} of them only by their "
            f"reasons); {self.equivalent} equivalent, {len(self.survived)} survived; {self.seconds:.1f} s"
        )


def mutate(
    chosen: Sequence[tuple[str, schemes.Mutant]],
    vectors: Mapping[str, Sequence[Vector]],
    equivalent: Mapping[str, Equivalent],
    equivalent_file: Path | None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Summary:
    started = time.monotonic()
    outcomes = []
    for scheme, mutant in chosen:
        outcome = evaluate(mutant, scheme, vectors[scheme])
        outcome = Outcome(**{**outcome.__dict__, "equivalent": equivalent.get(mutant.name)})
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return Summary(tuple(outcomes), time.monotonic() - started, equivalent_file)


# -- reports ------------------------------------------------------------------------------------------------------


def to_json(summary: Summary) -> dict[str, Any]:
    return {
        "format": 1,
        "suite_version": paths.suite_version(),
        "tool_version": __version__,
        "equivalent_file": str(summary.equivalent_file) if summary.equivalent_file else None,
        "summary": {
            "mutants": len(summary.outcomes),
            "killed": summary.killed,
            "reasons_only": summary.reasons_only,
            "equivalent": summary.equivalent,
            "survived": len(summary.survived),
            "stale": len(summary.stale),
            "ok": summary.ok,
            "seconds": round(summary.seconds, 3),
        },
        "mutants": [
            {
                "name": o.mutant.name,
                "scheme": o.scheme,
                "title": o.mutant.title,
                "rules": list(o.mutant.rules),
                "verdict": o.verdict,
                "killed_by": list(o.killed_by),
                "errors": o.errors,
                "vectors": o.vectors,
                "seconds": round(o.seconds, 3),
                "equivalent": o.equivalent.reason if o.equivalent else None,
                "problem": o.problem,
            }
            for o in summary.outcomes
        ],
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(summary: Summary, by_id: Mapping[str, Vector]) -> list[str]:
    """The Markdown table of the mutants: name, rules, title, and the vectors that kill it (or why none can)."""
    out = ["| mutant | rules | mistake | killed by |", "|---|---|---|---|"]
    for o in summary.outcomes:
        n = len(o.killed_by)
        some = ", ".join(f"`{i}`" for i in examples(o, by_id)) + (f" and {n - EXAMPLES} more" if n > EXAMPLES else "")
        if o.verdict == "killed":
            cell = some
        elif o.verdict == "reasons":
            cell = f"only by its reason code (--strict-reasons): {some}"
        elif o.equivalent is not None:
            cell = f"*equivalent*: {o.equivalent.reason}"
        else:
            cell = "**nothing — survives**"
        out.append(f"| `{o.mutant.name}` | {', '.join(o.mutant.rules)} | {_cell(o.mutant.title)} | {_cell(cell)} |")
    return out


def to_markdown(summary: Summary, by_id: Mapping[str, Vector]) -> str:
    icon = "✅" if summary.ok else "❌"
    out = [f"# hmac-conformance mutants — suite {paths.suite_version()}", "", f"{icon} {summary.last_line()}", ""]
    for o in summary.survived:
        out.append(f"- **survives**: `{o.mutant.name}` ({', '.join(o.mutant.rules)}) — {_cell(o.mutant.title)}")
    for o in summary.stale:
        out.append(f"- **stale equivalent entry**: `{o.mutant.name}` — {_cell(o.problem or '')}")
    if summary.survived or summary.stale:
        out.append("")
    return "\n".join([*out, *table(summary, by_id)]) + "\n"


def write_report(kind: str, path: Path, summary: Summary, by_id: Mapping[str, Vector]) -> None:
    if kind == "json":
        outputs.write_text(path, json.dumps(to_json(summary), indent=1, ensure_ascii=False) + "\n")
    else:
        outputs.write_text(path, to_markdown(summary, by_id))
