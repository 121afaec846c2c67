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

import argparse
import fnmatch
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance import _schemas, schemes
from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._adapters.inprocess import InProcessAdapter
from hmac_conformance._api import load_vectors, run
from hmac_conformance._exceptions import UsageError, VectorFileError
from hmac_conformance._model import Vector
from hmac_conformance._version import __version__

#: The equivalent-mutants list used when --equivalent is not given. JSON, not YAML: every *.yaml under vectors/ is
#: read as a vector file.
DEFAULT_EQUIVALENT = paths.VECTORS / "mutants-equivalent.json"
#: The exit statuses and verdicts, for `hmac-conformance mutants --help`.
EPILOG = """\
Each mutant is a scheme's reference with one mistake real implementations make (docs/mutants.md). It is run
in-process over every vector of its scheme, as `run` does; if no vector fails, again with --strict-reasons.

  killed       a vector fails
  reason-only  it decides every vector right; only a reason code differs (--strict-reasons)
  equivalent   it survives and is listed, with a reason, in the equivalent-mutants list
  SURVIVED     it survives and is not listed: a gap in the vectors
  STALE        it is listed as equivalent but a vector kills it

exit status:
  0  every selected mutant is killed or listed as equivalent, and no listed one is killed
  1  a mutant survives that is not listed, or a listed one is killed (the list must stay exact)
  2  usage, configuration or vector-file error (found before the first mutant runs)
"""
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
    #: ``killed`` (a vector fails), ``reason-only`` (only with --strict-reasons) or ``survived``.
    verdict: str
    #: The vectors that fail (with --strict-reasons for ``reason-only``), in suite order.
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
    by_scheme: Mapping[str, Sequence[schemes.Mutant]], scheme_names: Sequence[str], names: Sequence[str]
) -> list[tuple[str, schemes.Mutant]]:
    """The mutants a selection keeps, as (scheme, mutant), in registry and catalogue order. Each ``--mutant`` is a
    name or a glob over names; one that matches no mutant is a usage error (a typo would silently select less)."""
    for name in scheme_names:
        if name not in by_scheme:
            raise UsageError(f"--scheme {name}: the scheme has no mutant catalogue")
    kept = [(s, m) for s, mutants in by_scheme.items() if not scheme_names or s in scheme_names for m in mutants]
    for pattern in names:
        if not any(fnmatch.fnmatchcase(m.name, pattern) for _, m in kept):
            raise UsageError(f"--mutant {pattern}: no such mutant (the names are <scheme>/<slug>; `--help` says more)")
    return [(s, m) for s, m in kept if not names or any(fnmatch.fnmatchcase(m.name, p) for p in names)]


def vectors_for(scheme_names: Iterable[str], given: Sequence[Path] | None) -> dict[str, list[Vector]]:
    """Every vector of each scheme, from the given files or folders or else from the whole suite."""
    wanted = list(dict.fromkeys(scheme_names))
    by_scheme: dict[str, list[Vector]] = {n: [] for n in wanted}
    for vector in load_vectors(given or None):
        if vector.scheme in by_scheme:
            by_scheme[vector.scheme].append(vector)
    for name, vectors in by_scheme.items():
        if not vectors:
            raise UsageError(f"--vectors: no vector of scheme {name} to run its mutants over")
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
            verdict = "reason-only" if strict else "killed"
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
        label, text = "STALE", f"{outcome.problem}: {some}"
    elif outcome.verdict == "killed":
        label, text = "killed", f"by {n} vector(s){errors}: {some}"
    elif outcome.verdict == "reason-only":
        label = "reason-only"
        text = f"decides every vector right; only its reasons differ, on {n} vector(s) with --strict-reasons: {some}"
    elif outcome.equivalent is not None:
        label, text = "equivalent", f"survives, listed: {outcome.equivalent.reason}"
    else:
        label, text = "SURVIVED", f"no vector catches it: {outcome.mutant.title}"
    return f"{label:<11} {name}  [{rules}]  {text}"


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
        return sum(o.verdict == "reason-only" for o in self.outcomes)

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
        outcome = replace(evaluate(mutant, scheme, vectors[scheme]), equivalent=equivalent.get(mutant.name))
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
        elif o.verdict == "reason-only":
            cell = f"only by its reason code (--strict-reasons): {some}"
        elif o.equivalent is not None:
            cell = f"*equivalent*: {o.equivalent.reason}"
        else:
            cell = "**nothing — survives**"
        out.append(f"| `{o.mutant.name}` | {', '.join(o.mutant.rules)} | {_cell(o.mutant.title)} | {_cell(cell)} |")
    return out


def catalogue_table(by_scheme: Mapping[str, Sequence[schemes.Mutant]]) -> list[str]:
    """The catalogue as a Markdown table (docs/mutants.md holds it; a test keeps it equal to the code)."""
    out = ["| mutant | rules | the mistake |", "|---|---|---|"]
    for mutants in by_scheme.values():
        out += [f"| `{m.name}` | {', '.join(m.rules)} | {_cell(m.title)} |" for m in mutants]
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


#: A report's format, by the suffix of its file name.
REPORT_FORMATS = {".json": "json", ".md": "markdown"}


def report_targets(paths_given: Sequence[Path]) -> list[tuple[str, Path]]:
    """The reports asked for, as (format, path), checked writable before the first mutant runs."""
    out = []
    for path in paths_given:
        kind = REPORT_FORMATS.get(path.suffix)
        if kind is None:
            raise UsageError(f"--report {path}: the file name must end in .json or .md (the report's format)")
        outputs.check_writable(f"--report {path}", path)
        out.append((kind, path))
    outputs.check_distinct([(f"--report {p}", p) for _, p in out])
    return out


def write_report(kind: str, path: Path, summary: Summary, by_id: Mapping[str, Vector]) -> None:
    if kind == "json":
        outputs.write_text(path, json.dumps(to_json(summary), indent=1, ensure_ascii=False) + "\n")
    else:
        outputs.write_text(path, to_markdown(summary, by_id))


# -- the command --------------------------------------------------------------------------------------------------


def command(args: argparse.Namespace) -> bool:
    """``hmac-conformance mutants``: every usage problem is found before the first mutant runs; True when every
    selected mutant is killed or listed as equivalent and no listed one is killed."""
    reports = report_targets(args.report)
    equivalent_file = args.equivalent or (DEFAULT_EQUIVALENT if DEFAULT_EQUIVALENT.is_file() else None)
    equivalent = load_equivalent(equivalent_file) if equivalent_file else {}
    by_scheme = catalogue()
    known = {m.name for mutants in by_scheme.values() for m in mutants}
    for entry in equivalent.values():
        if entry.name not in known:
            raise UsageError(f"--equivalent {entry.where}: {entry.name!r} names no mutant of any catalogue")
    chosen = choose(by_scheme, args.scheme, args.mutant)
    try:
        vectors = vectors_for((scheme for scheme, _ in chosen), args.vectors)
    except VectorFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise
    by_id = {v.id: v for group in vectors.values() for v in group}
    width = max(len(m.name) for _, m in chosen)
    counts = ", ".join(f"{name} {len(group)}" for name, group in vectors.items())
    print(f"{len(chosen)} mutant(s), each over every vector of its scheme ({counts})", flush=True)
    summary = mutate(chosen, vectors, equivalent, equivalent_file, lambda o: print(line(o, by_id, width), flush=True))
    try:
        for kind, path in reports:
            write_report(kind, path, summary, by_id)
    except OSError as exc:
        raise UsageError(f"--report {exc.filename}: cannot write: {exc.strerror}") from None
    print()
    for outcome in summary.survived:
        print(f"survives, not listed as equivalent: {outcome.mutant.name} — {outcome.mutant.title}")
    for outcome in summary.stale:
        assert outcome.equivalent is not None
        print(f"listed as equivalent but killed: {outcome.mutant.name} ({outcome.equivalent.where})")
    print(summary.last_line())
    return summary.ok
