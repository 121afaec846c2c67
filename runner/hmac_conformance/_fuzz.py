"""Differential fuzzing: generated cases, the reference's answer, the implementation's answer (docs/fuzz.md).

Each scheme says how to generate its cases (``Scheme.strategies``: Hypothesis strategies of valid-but-edgy inputs
and of mutated, re-signed requests). For every case the reference computes the expected value; a case the
scheme's lint would not accept as a vector (the expected value confirmed by the independent cross-check, one
defect per rejection…) is dropped before it is sent, so every disagreement is on a sound vector. The case goes to
the implementation through the same adapters and the same comparators as ``run``. The first disagreement (a
crash or a timeout too) is shrunk by Hypothesis to a minimal case and becomes a vector file that ``validate``
accepts: a find is a regression vector in one step.

Determinism: each target's search is seeded from ``--seed`` and its name, with no example database and
Hypothesis's own files in a temporary folder, so the same seed tries the same cases in the same order; a time
budget only decides where the search stops.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import random
import shlex
import sys
import tempfile
import time
import unittest
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
from hypothesis import configuration as hypothesis_configuration
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Flaky, HypothesisException, HypothesisWarning

from hmac_conformance import _emit as emit
from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance import schemes
from hmac_conformance._adapters.base import Adapter
from hmac_conformance._compare import judge
from hmac_conformance._exceptions import AdapterError, UsageError
from hmac_conformance._load import LoadResult, load
from hmac_conformance._model import Problem, Vector, to_wire
from hmac_conformance._outcome import Response, Result
from hmac_conformance._validate import lint

#: Shrinking a find may take this much longer than the search budget (an implementation that times out on every
#: call would otherwise shrink for hours); the best case found so far is written when it runs out.
SHRINK_SECONDS = 30.0
#: Fresh adapters a run may start after the previous one gave up on a crashing implementation.
RENEWALS = 20
#: Outcomes that say nothing about the case (the implementation declined it).
UNTESTED = frozenset({"skip", "unsupported"})
DESCRIPTION_LIMIT = 200


@dataclass(frozen=True)
class Target:
    """One scheme and operation the fuzzer generates cases for."""

    scheme: str
    operation: str

    def __str__(self) -> str:
        return f"{self.scheme}/{self.operation}"


def fuzzable(selected_schemes: Sequence[str], operations: Sequence[str] = ()) -> list[Target]:
    """The targets a selection names, in registry order; UsageError for a selection that has none."""
    registered = schemes.all_schemes()
    for name in selected_schemes:
        if name not in registered:
            raise UsageError(f"--scheme {name}: no such scheme (choose from {', '.join(registered)})")
        if registered[name].strategies is None:
            raise UsageError(f"--scheme {name}: this scheme has no fuzzing strategies, so it cannot be fuzzed")
    chosen = [
        Target(name, op)
        for name, scheme in registered.items()
        if scheme.strategies is not None and (not selected_schemes or name in selected_schemes)
        for op in scheme.operations
        if not operations or op in operations
    ]
    if not chosen:
        wanted = " ".join([*(f"--scheme {s}" for s in selected_schemes), *(f"--operation {o}" for o in operations)])
        raise UsageError(f"{wanted}: no fuzzable scheme has this operation")
    return chosen


@dataclass(frozen=True)
class Find:
    """A disagreement, shrunk: the vector it became and what the implementation did with it."""

    vector: Vector
    result: Result
    how: tuple[str, ...]
    #: Cases tried in its target before the first disagreement, and calls spent shrinking it.
    cases_before: int
    shrink_calls: int
    #: Sent once more after shrinking: did the implementation disagree the same way again?
    reproduced: bool


@dataclass(frozen=True)
class TargetRun:
    target: Target
    cases: int = 0
    untested: int = 0
    #: Generated inputs the reference could not answer, or that are not sound vectors (dropped unsent).
    refused: int = 0
    unsound: int = 0
    skipped: str | None = None
    #: The search itself failed (a strategy or the reference raised): a bug in the suite.
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class FuzzRun:
    spec: str
    identity: dict[str, Any]
    seed: int
    targets: tuple[TargetRun, ...] = ()
    find: Find | None = None
    startup_error: str | None = None
    #: The implementation could not be kept running (every fresh start gave up): a harness problem.
    broken: str | None = None
    seconds: float = 0.0

    @property
    def cases(self) -> int:
        return sum(t.cases for t in self.targets)

    @property
    def problems(self) -> list[str]:
        """Why the run fails, one line each (empty: nothing found within the budget)."""
        out = []
        if self.startup_error:
            out.append(f"the implementation did not start: {self.startup_error}")
        if self.broken:
            out.append(f"the implementation is broken: {self.broken}")
        if self.find:
            out.append(f"disagreement on {self.find.vector.scheme}/{self.find.vector.operation}")
        out += [f"{t.target}: the search failed: {t.error}" for t in self.targets if t.error]
        if not self.startup_error and not self.cases:
            out.append("no case was tested (every one unsupported or skipped)")
        return out

    @property
    def ok(self) -> bool:
        return not self.problems


class _OutOfTime(unittest.SkipTest):
    """Stops a Hypothesis search from inside the test function (Hypothesis re-raises skip exceptions at once)."""


class _Disagreement(Exception):
    """The failure Hypothesis shrinks: the implementation disagrees with the reference on a sound vector."""


def since() -> str:
    """The suite version a found vector is dated with: the one being prepared (``vectors/VERSION`` while it is not
    released), else the next minor version (released vectors never change: docs/releasing.md)."""
    manifest, _ = released.read_manifest(released.manifest_path(paths.VECTORS))
    return released.version_in_preparation(paths.suite_version(), manifest)[0]


def case_digest(operation: str, inp: dict[str, Any]) -> str:
    """A name from the case itself: the same case always gets the same name, another case another one."""
    return hashlib.sha256(json.dumps([operation, to_wire(inp)], sort_keys=True).encode()).hexdigest()[:12]


def group_of(operation: str, inp: dict[str, Any]) -> str:
    """The group of a found vector's id, and its file's name: ``fuzz-<digest>`` (one vector per file)."""
    return f"fuzz-{case_digest(operation, inp)}"


class _Implementation:
    """The implementation under test, started afresh when a persistent adapter gives up on a crashing process:
    a crash is a finding, and shrinking it must not be judged by an adapter that answers every case with an
    error."""

    def __init__(self, first: Adapter, make: Callable[[], Adapter]) -> None:
        self.adapter, self.make = first, make
        self.renewals = 0
        self.broken: str | None = None

    def answer(self, vector: Vector) -> Response:
        if getattr(self.adapter, "broken", None):
            self._renew(str(self.adapter.broken))  # type: ignore[attr-defined]
        for _, response in self.adapter.run([vector]):
            return response
        return Response("error", message="no outcome was produced for this case")

    def _renew(self, why: str) -> None:
        self.adapter.close()
        self.renewals += 1
        if self.renewals > RENEWALS:
            self.broken = f"given up after {RENEWALS} fresh starts (last: {why})"
            raise _OutOfTime(self.broken)
        self.adapter = self.make()
        try:
            self.adapter.start()
        except AdapterError as exc:
            self.broken = f"a fresh start failed: {exc}"
            raise _OutOfTime(self.broken) from None

    def close(self) -> None:
        self.adapter.close()


def _sound(vector: Vector) -> list[str]:
    """What the validation of a vector file would say about this one vector (generic lint and the scheme's)."""
    return [p.message for p in lint(LoadResult(vectors=[vector]), suite_version=vector.since)]


def _labelled(vector: Vector, fuzzing: schemes.Fuzzing) -> tuple[Vector, list[str]]:
    """The vector with the first of the scheme's tag sets that its lint accepts; else the problems of the first."""
    first: list[str] | None = None
    for tags in fuzzing.tags(vector.operation, vector.input, vector.expected):
        labelled = replace(vector, tags=tuple(dict.fromkeys(("fuzz", *tags))))
        problems = _sound(labelled)
        if not problems:
            return labelled, []
        first = first if first is not None else problems
    return vector, first or ["the scheme offers no tag set for this case"]


def _description(result: Result) -> str:
    said = result.message.splitlines()[0] if result.message else result.status
    text = f"Found by fuzzing: an implementation {said}"
    if result.status == "error":
        text = f"Found by fuzzing: an implementation failed to answer ({said})"
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "\u2026"


@dataclass
class _Search:
    """The state of one target's search, seen by the function Hypothesis calls."""

    implementation: _Implementation
    target: Target
    fuzzing: schemes.Fuzzing
    strict_reasons: bool
    deadline: float
    cases: int = 0
    untested: int = 0
    refused: int = 0
    unsound: int = 0
    best: tuple[Vector, Result, tuple[str, ...]] | None = None
    cases_before: int = 0
    shrink_calls: int = 0

    def vector(self, generated: schemes.Generated) -> Vector | None:
        """The sound vector of a generated case (the reference's expected value), or None to drop the case."""
        scheme, operation, inp = schemes.get(self.target.scheme), self.target.operation, generated.input
        try:
            expected = scheme.reference(operation, copy.deepcopy(inp))
        except Exception:  # noqa: BLE001 - an input the reference cannot answer is not a case
            self.refused += 1
            return None
        group = group_of(operation, inp)
        vector = Vector(
            id=f"{self.target.scheme}/{group}/{operation}",
            scheme=self.target.scheme,
            operation=operation,
            description="Found by fuzzing",
            rules=tuple(self.fuzzing.rules(operation, inp, expected)),
            tags=(),
            since=since(),
            source="generated",
            input=inp,
            expected=expected,
            path=Path(f"{group}.yaml"),
        )
        labelled, problems = _labelled(vector, self.fuzzing)
        if problems:
            self.unsound += 1
            return None
        return labelled

    def check(self, generated: schemes.Generated) -> None:
        if time.monotonic() > self.deadline and self.cases + self.untested:  # every target tests a case
            raise _OutOfTime("budget spent")
        vector = self.vector(generated)
        if vector is None:
            reject()
        result = judge(vector, self.implementation.answer(vector), self.strict_reasons)
        if self.best is not None:
            self.shrink_calls += 1
        if result.status in UNTESTED:
            self.untested += 1
            return
        self.cases += 1
        if result.status == "pass":
            return
        if self.best is None:
            self.cases_before = self.cases
            self.deadline = max(self.deadline, time.monotonic() + SHRINK_SECONDS)
        self.best = (replace(vector, description=_description(result)), result, generated.how)
        raise _Disagreement(vector.id)


def _target_seed(seed: int, target: Target) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}/{target}".encode()).digest()[:8], "big")


def _search(search: _Search, strategy: Any, seed: int, max_examples: int) -> str | None:
    """Run Hypothesis over one target; why the search itself failed, if it did (a bug in the suite)."""

    @hypothesis_seed(_target_seed(seed, search.target))
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )
    @given(strategy)
    def property_holds(generated: schemes.Generated) -> None:
        search.check(generated)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HypothesisWarning)  # e.g. about the repr of a 64 KiB message
            property_holds()
    except (_Disagreement, _OutOfTime):
        return None
    except Flaky:
        # Only a find can be flaky here: the implementation answered the same case differently.
        return None
    except HypothesisException as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    except Exception as exc:  # noqa: BLE001 - a strategy that raises is reported, never a crash of the fuzzer
        return f"{type(exc).__name__}: {exc}"
    return None


@contextlib.contextmanager
def _hypothesis_files(home: Path | None) -> Iterator[None]:
    """Hypothesis's own files (its Unicode tables, seconds to build) in ``home`` (``--out/.hypothesis``, kept for
    the next run) or a temporary folder, never in the user's working directory."""
    before = vars(hypothesis_configuration).get("__hypothesis_home_directory")
    with tempfile.TemporaryDirectory(prefix="hmac-conformance-fuzz-") as temporary:
        hypothesis_configuration.set_hypothesis_home_dir(home or temporary)
        try:
            yield
        finally:
            hypothesis_configuration.set_hypothesis_home_dir(before)


def fuzz(
    make: Callable[[], Adapter],
    targets: Sequence[Target],
    *,
    seed: int,
    seconds: float,
    max_examples: int | None = None,
    strict_reasons: bool = False,
    home: Path | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> FuzzRun:
    """Search each target in turn, the budget shared among those left, until the first disagreement.
    ``make`` builds a fresh adapter for the implementation (one at the start, more if it keeps crashing)."""
    started = time.monotonic()
    adapter = make()
    try:
        adapter.start()
    except AdapterError as exc:
        return FuzzRun(adapter.spec, adapter.identity, seed, startup_error=str(exc))
    implementation = _Implementation(adapter, make)
    runs: list[TargetRun] = []
    find: Find | None = None
    try:
        with _hypothesis_files(home):
            for index, target in enumerate(targets):
                why = _not_supported(adapter.supports, target)
                if why:
                    runs.append(TargetRun(target, skipped=why))
                    log(f"  {target!s:<32} not fuzzed: {why}")
                    continue
                scheme = schemes.get(target.scheme)
                assert scheme.strategies is not None
                fuzzing = scheme.strategies()
                now = time.monotonic()
                budget = max(0.0, (started + seconds - now) / (len(targets) - index))
                search = _Search(implementation, target, fuzzing, strict_reasons, now + budget)
                error = _search(search, fuzzing.inputs[target.operation], seed, max_examples or 10**9)
                run = TargetRun(target, search.cases, search.untested, search.refused, search.unsound,
                                error=error, seconds=time.monotonic() - now)  # fmt: skip
                runs.append(run)
                log(_target_line(run, search))
                if search.best is not None:
                    vector, result, how = search.best
                    again = (
                        judge(vector, implementation.answer(vector), strict_reasons)
                        if not implementation.broken
                        else result
                    )
                    find = Find(vector, result, how, search.cases_before, search.shrink_calls,
                                again.status == result.status)  # fmt: skip
                    break
                if implementation.broken:
                    break
    except _OutOfTime:
        pass  # the implementation was given up while the find was sent once more
    finally:
        implementation.close()
    return FuzzRun(implementation.adapter.spec, implementation.adapter.identity, seed, tuple(runs), find,
                   broken=implementation.broken if find is None else None,
                   seconds=time.monotonic() - started)  # fmt: skip


def _not_supported(supports: dict[str, Any] | None, target: Target) -> str | None:
    if supports is None:
        return None
    entry = supports.get(target.scheme)
    if entry is None:
        return f"scheme {target.scheme} not supported"
    if target.operation not in entry.get("operations", ()):
        return f"operation {target.operation} not supported"
    return None


def _target_line(run: TargetRun, search: _Search) -> str:
    parts = [f"{run.cases} cases"]
    if run.untested:
        parts.append(f"{run.untested} unsupported or skipped")
    if run.refused or run.unsound:
        parts.append(f"{run.refused + run.unsound} generated inputs dropped (not sound vectors)")
    if search.best is not None:
        parts.append(f"DISAGREEMENT after {search.cases_before} cases, shrunk in {search.shrink_calls} calls")
    elif not run.error:
        parts.append("no disagreement")
    if run.error:
        parts.append(f"SEARCH FAILED: {run.error}")
    return f"  {run.target!s:<32} " + ", ".join(parts) + f" ({run.seconds:.1f} s)"


# -- the vector file ----------------------------------------------------------------------------------------------


def render(run: FuzzRun, find: Find, command: str) -> str:
    """The vector file of a find: one vector, with comments saying how it was found and what was answered."""
    vector, result = find.vector, find.result
    got = json.dumps(to_wire(result.got), ensure_ascii=True) if result.got is not None else result.message
    comments = [
        f"Found by `{command}`",
        f"against {run.identity.get('name', run.spec)} ({run.spec}),",
        f"after {find.cases_before} cases; shrunk in {find.shrink_calls} calls.",
        f"The implementation: {result.status}: {emit.comment_text(got)[:300]}",
        f"The reference: {emit.comment_text(json.dumps(to_wire(vector.expected), ensure_ascii=True))[:300]}",
        *(f"Made as: {emit.comment_text(step)}" for step in find.how),
    ]
    header = [
        f"Found by differential fuzzing: copy this file into vectors/{vector.scheme}/ to keep the case as a "
        "regression vector (docs/fuzz.md).",
    ]
    return emit.render_file(
        vector.scheme, "A case found by differential fuzzing (hmac-conformance fuzz), shrunk to a minimum.",
        [(vector, comments)], header,
    )  # fmt: skip


def check_file(path: Path, text: str, suite_version: str) -> list[str]:
    """Validate a vector file before it is written: schema, lint (both expected values confirmed), the manifest of
    released vectors (a new id, dated after the last release), and a case the suite does not hold yet. The text is validated under the same file name (a scheme ties ids to it; the
    name is the case's digest, so a kept find has a file of that name in vectors/)."""
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / path.name
        trial.write_text(text, encoding="utf-8")
        result = load([trial])
        manifest, _ = released.read_manifest(released.manifest_path(paths.VECTORS))
        problems = [
            *result.problems,
            *lint(result, suite_version=suite_version),
            *released.check(result.vectors, manifest, complete=False),
        ]
        messages = [_relocated(p, trial, path) for p in problems]
    kept = paths.VECTORS / path.parent.name / path.name
    if kept.exists():
        messages.append(f"{path}: the suite already has this case ({kept})")
    if not result.vectors and not messages:
        messages.append(f"{path}: no vector could be read back")
    return messages


def _relocated(problem: Problem, trial: Path, path: Path) -> str:
    return str(replace(problem, path=path)) if Path(problem.path) == trial else str(problem)


def write_find(run: FuzzRun, find: Find, out: Path, command: str) -> tuple[Path, list[str]]:
    """Write a find as ``OUT/<scheme>/<group>.yaml`` if it validates; the path and any validation problems."""
    vector = find.vector
    path = out / vector.scheme / f"{vector.path.stem}.yaml"
    text = render(run, find, command)
    problems = check_file(path, text, vector.since)
    if not problems:
        path.parent.mkdir(parents=True, exist_ok=True)
        outputs.write_text(path, text)
    return path, problems


# -- the command --------------------------------------------------------------------------------------------------

EXIT_OK, EXIT_FOUND = 0, 1


def check_out(out: Path) -> None:
    """UsageError unless ``--out`` is a writable folder, or one that can be made in a writable folder."""
    if not out.exists():
        outputs.check_writable(f"--out {out}", out)
    elif not out.is_dir():
        raise UsageError(f"--out {out}: not a folder")
    elif not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: folder is not writable")


def command(args: Any, make: Callable[[], Adapter]) -> int:
    """``hmac-conformance fuzz``: every usage problem is found before the implementation starts."""
    targets = fuzzable(args.scheme, args.operation)
    check_out(args.out)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    out = sys.stdout
    budget = f"{args.seconds:g} s" + (f", at most {args.max_examples} cases per target" if args.max_examples else "")
    print(f"fuzz {args.impl}: seed {seed}, budget {budget}, {len(targets)} target(s)", file=out, flush=True)
    run = fuzz(make, targets, seed=seed, seconds=args.seconds, max_examples=args.max_examples,
               strict_reasons=args.strict_reasons, home=args.out / ".hypothesis",
               log=lambda line: print(line, file=out, flush=True))  # fmt: skip
    if run.find is not None:
        _report_find(run, run.find, args, seed)
    total = f"{run.cases} cases in {run.seconds:.1f} s (seed {seed})"
    if run.ok:
        print(f"\nOK: no disagreement in {total}", file=out)
        return EXIT_OK
    print(f"\nFOUND: {total}", file=out)
    for problem in run.problems:
        print(f"  - {problem}", file=out)
    return EXIT_FOUND


def _command_line(args: Any, seed: int) -> str:
    parts = ["hmac-conformance fuzz", f"--impl {shlex.quote(args.impl)}", f"--seed {seed}"]
    parts += [f"--scheme {s}" for s in args.scheme] + [f"--operation {o}" for o in args.operation]
    parts += [f"--max-examples {args.max_examples}"] if args.max_examples else []
    parts += ["--strict-reasons"] if args.strict_reasons else []
    return " ".join(parts)


def _report_find(run: FuzzRun, find: Find, args: Any, seed: int) -> None:
    vector, result = find.vector, find.result
    lines = [f"\n--- DISAGREEMENT {vector.scheme}/{vector.operation} ({result.status})", f"    {result.message}"]
    lines += [f"    {line}" for line in result.diagnostic.splitlines()]
    lines += [f"    made as: {step}" for step in find.how]
    if not find.reproduced:
        lines.append("    note: sent again, the implementation answered differently (it is not deterministic)")
    path, problems = write_find(run, find, args.out, _command_line(args, seed))
    if problems:
        lines.append("    the case could not be written as a valid vector (a bug in the suite; please report it):")
        lines += [f"      {p}" for p in problems]
    else:
        lines.append(
            f"    wrote {vector.id} to {path} (validated: schema, lint, expected value confirmed by the "
            "reference and the independent implementation)"
        )
        lines.append(f"    reproduce: hmac-conformance run --impl {shlex.quote(args.impl)} --vectors {path}")
        lines.append(f"    keep it: cp {path} vectors/{vector.scheme}/  (since {vector.since}: docs/fuzz.md)")
    print("\n".join(lines), file=sys.stdout)
