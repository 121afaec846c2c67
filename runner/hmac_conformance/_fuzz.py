"""Differential fuzzing: generated cases, the reference's answer, the implementation's answer (docs/fuzz.md).

Each scheme says how to generate its cases (``Scheme.strategies``: Hypothesis strategies of valid-but-edgy inputs
and of mutated, re-signed requests). For every case the reference computes the expected value and the case goes
to the implementation through the same adapters and the same comparators as ``run``. The first disagreement that
makes a sound vector (the scheme's lint accepts it: the expected value confirmed by the independent cross-check,
one defect per rejection…) is shrunk by Hypothesis to a minimal case and becomes a vector file that ``validate``
accepts: a find is a regression vector in one step.

Determinism: each target's search is seeded from ``--seed`` and its name, with no example database, so the same
seed tries the same cases in the same order; a time budget only decides where the search stops.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import shlex
import sys
import tempfile
import time
import unittest
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Flaky, HypothesisException

from hmac_conformance import _emit as emit
from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance import schemes
from hmac_conformance._adapters import implementation
from hmac_conformance._adapters.base import Adapter
from hmac_conformance._compare import judge
from hmac_conformance._exceptions import AdapterError, UsageError
from hmac_conformance._load import LoadResult, load
from hmac_conformance._model import Problem, Vector, to_wire
from hmac_conformance._outcome import Response, Result
from hmac_conformance._validate import lint, validate

#: Shrinking a find may take this much longer than the search budget (an implementation that times out on every
#: call would otherwise shrink for hours); the best case found so far is written when it runs out.
SHRINK_SECONDS = 30.0
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


def fuzzable(selected_schemes: Sequence[str], operations: Sequence[str]) -> list[Target]:
    """The targets a selection names, in registry order; UsageError for a selection that has none."""
    registered = schemes.all_schemes()
    for name in selected_schemes:
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
    #: Sent once more after shrinking: did the implementation disagree again?
    reproduced: bool


@dataclass(frozen=True)
class TargetRun:
    target: Target
    cases: int = 0
    untested: int = 0
    #: Generated inputs the reference could not answer (a strategy bug; they are skipped).
    refused: int = 0
    #: Disagreements whose case is not a sound vector: what the lint says (a suite bug, reported loudly).
    unsound: tuple[str, ...] = ()
    skipped: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class FuzzRun:
    spec: str
    identity: dict[str, Any]
    seed: int
    targets: tuple[TargetRun, ...] = ()
    find: Find | None = None
    startup_error: str | None = None
    #: The implementation stopped answering (a persistent process given up): a harness problem.
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
        for t in self.targets:
            if t.unsound:
                out.append(f"{t.target}: {len(t.unsound)} disagreement(s) on cases that are not sound vectors")
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
    """The suite version a new vector is written for: the one under development (``vectors/VERSION``)."""
    return paths.suite_version()


def vector_id(group: str, operation: str, inp: dict[str, Any]) -> str:
    """A fresh id from the case itself: the same case always gets the same id, another case another one."""
    digest = hashlib.sha256(json.dumps([operation, to_wire(inp)], sort_keys=True).encode()).hexdigest()[:12]
    return f"{group}/{operation}-{digest}"


def _one(adapter: Adapter, vector: Vector) -> Response:
    for _, response in adapter.run([vector]):
        return response
    return Response("error", message="no outcome was produced for this case")


def _sound(vector: Vector) -> list[str]:
    """What the validation of a vector file would say about this one vector (generic lint and the scheme's)."""
    return [p.message for p in lint(LoadResult(vectors=[vector]))]


def _labelled(vector: Vector, fuzzing: schemes.Fuzzing) -> tuple[Vector, list[str]]:
    """The vector with the first of the scheme's tag sets that its lint accepts; else the problems of the first."""
    first: list[str] | None = None
    rules = fuzzing.rules(vector.operation, vector.input, vector.expected)
    for tags in fuzzing.tags(vector.operation, vector.input, vector.expected):
        labelled = replace(vector, rules=tuple(rules), tags=tuple(dict.fromkeys(("fuzz", *tags))))
        problems = _sound(labelled)
        if not problems:
            return labelled, []
        first = first if first is not None else problems
    return vector, first or ["the scheme offers no tag set for this case"]


def _description(seed: int, result: Result) -> str:
    said = result.message.splitlines()[0] if result.message else result.status
    text = f"Found by fuzzing (seed {seed}): an implementation {said}"
    if result.status == "error":
        text = f"Found by fuzzing (seed {seed}): an implementation failed to answer ({said})"
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


@dataclass
class _Search:
    """The state of one target's search, seen by the function Hypothesis calls."""

    adapter: Adapter
    target: Target
    fuzzing: schemes.Fuzzing
    strict_reasons: bool
    seed: int
    group: str
    deadline: float
    cases: int = 0
    untested: int = 0
    refused: int = 0
    passed: int = 0
    unsound: list[str] = field(default_factory=list)
    best: tuple[Vector, Result, tuple[str, ...]] | None = None
    cases_before: int = 0
    shrink_calls: int = 0

    def check(self, generated: schemes.Generated) -> None:
        if time.monotonic() > self.deadline:
            raise _OutOfTime("budget spent")
        scheme = schemes.get(self.target.scheme)
        inp = generated.input
        try:
            expected = scheme.reference(self.target.operation, copy.deepcopy(inp))
        except Exception:  # noqa: BLE001 - an input the reference cannot answer is not a case
            self.refused += 1
            reject()
        vector = Vector(
            id=vector_id(self.group, self.target.operation, inp),
            scheme=self.target.scheme,
            operation=self.target.operation,
            description="",
            rules=tuple(self.fuzzing.rules(self.target.operation, inp, expected)),
            tags=(),
            since=since(),
            source="generated",
            input=inp,
            expected=expected,
            path=Path(f"{self.group}.yaml"),
        )
        result = judge(vector, _one(self.adapter, vector), self.strict_reasons)
        if self.best is not None:
            self.shrink_calls += 1
        if result.status in UNTESTED:
            self.untested += 1
            return
        self.cases += 1
        if result.status == "pass":
            self.passed += 1
            return
        labelled, problems = _labelled(vector, self.fuzzing)
        if problems:
            if len(self.unsound) < 3:
                self.unsound.append(f"{vector.id}: {problems[0]}")
            return
        labelled = replace(labelled, description=_description(self.seed, result))
        if self.best is None:
            self.cases_before = self.cases
            self.deadline = max(self.deadline, time.monotonic() + SHRINK_SECONDS)
        self.best = (labelled, result, generated.how)
        raise _Disagreement(vector.id)


def _target_seed(seed: int, target: Target) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}/{target}".encode()).digest()[:8], "big")


def _search(search: _Search, strategy: Any, max_examples: int) -> str | None:
    """Run Hypothesis over one target; the reason it ended abnormally, if it did."""

    @hypothesis_seed(_target_seed(search.seed, search.target))
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
        property_holds()
    except (_Disagreement, _OutOfTime):
        return None
    except Flaky:
        return "the implementation did not answer the same case the same way twice"
    except HypothesisException as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def fuzz(
    adapter: Adapter,
    targets: Sequence[Target],
    *,
    seed: int,
    seconds: float,
    max_examples: int | None = None,
    strict_reasons: bool = False,
    group: str = "fuzz",
    log: Callable[[str], None] = lambda line: None,
) -> FuzzRun:
    """Search each target in turn, the budget shared among those left, until the first sound disagreement."""
    started = time.monotonic()
    try:
        adapter.start()
    except AdapterError as exc:
        return FuzzRun(adapter.spec, adapter.identity, seed, startup_error=str(exc))
    runs: list[TargetRun] = []
    find: Find | None = None
    broken: str | None = None
    try:
        for index, target in enumerate(targets):
            scheme = schemes.get(target.scheme)
            why = _not_supported(adapter.supports, target)
            if why:
                runs.append(TargetRun(target, skipped=why))
                log(f"  {target!s:<32} not fuzzed: {why}")
                continue
            now = time.monotonic()
            budget = max(0.0, (started + seconds - now) / (len(targets) - index))
            assert scheme.strategies is not None
            fuzzing = scheme.strategies()
            search = _Search(adapter, target, fuzzing, strict_reasons, seed, scheme_group(group, target.scheme),
                             now + budget)  # fmt: skip
            note = _search(search, fuzzing.inputs[target.operation], max_examples or 10**9)
            run = TargetRun(target, search.cases, search.untested, search.refused, tuple(search.unsound),
                            seconds=time.monotonic() - now)  # fmt: skip
            runs.append(run)
            log(_target_line(run, search, note))
            if search.best is not None:
                vector, result, how = search.best
                broken = getattr(adapter, "broken", None) if result.status == "error" else None
                again = judge(vector, _one(adapter, vector), strict_reasons)
                find = Find(
                    vector, result, how, search.cases_before, search.shrink_calls, again.status == result.status
                )
                break
    finally:
        adapter.close()
    return FuzzRun(adapter.spec, adapter.identity, seed, tuple(runs), None if broken else find, broken=broken,
                   seconds=time.monotonic() - started)  # fmt: skip


def scheme_group(group: str, scheme: str) -> str:
    """The id prefix of a found vector: ``<scheme>/<group>`` (the group is the output file's name)."""
    return f"{scheme}/{group}"


def _not_supported(supports: dict[str, Any] | None, target: Target) -> str | None:
    if supports is None:
        return None
    entry = supports.get(target.scheme)
    if entry is None:
        return f"scheme {target.scheme} not supported"
    if target.operation not in entry.get("operations", ()):
        return f"operation {target.operation} not supported"
    return None


def _target_line(run: TargetRun, search: _Search, note: str | None) -> str:
    parts = [f"{run.cases} cases"]
    if run.untested:
        parts.append(f"{run.untested} unsupported or skipped")
    if run.refused:
        parts.append(f"{run.refused} inputs the reference refused (a strategy bug)")
    if search.best is not None:
        parts.append(f"DISAGREEMENT after {search.cases_before} cases, shrunk in {search.shrink_calls} calls")
    elif not run.unsound:
        parts.append("no disagreement")
    if run.unsound:
        parts.append(f"{len(run.unsound)} disagreement(s) on unsound cases")
    if note:
        parts.append(note)
    return f"  {run.target!s:<32} " + ", ".join(parts) + f" ({run.seconds:.1f} s)"


# -- the vector file ----------------------------------------------------------------------------------------------


def render(run: FuzzRun, find: Find, command: str) -> str:
    """The vector file of a find: one vector, with comments saying how it was found and what was answered."""
    vector, result = find.vector, find.result
    got = json.dumps(to_wire(result.got), ensure_ascii=True) if result.got is not None else result.message
    comments = [
        f"Found by `{command}` against {run.identity.get('name', run.spec)} ({run.spec}),",
        f"after {find.cases_before} cases; shrunk in {find.shrink_calls} calls.",
        f"The implementation: {result.status}: {emit.comment_text(got)[:300]}",
        f"The reference: {emit.comment_text(json.dumps(to_wire(vector.expected), ensure_ascii=True))[:300]}",
        *(f"Made as: {emit.comment_text(step)}" for step in find.how),
    ]
    header = [
        "Found by differential fuzzing: copy this file into vectors/"
        f"{vector.scheme}/ to keep the case as a regression vector.",
    ]
    return emit.render_file(
        vector.scheme, "Cases found by differential fuzzing (hmac-conformance fuzz), each shrunk to a minimum.",
        [(vector, comments)], header,
    )  # fmt: skip


def check_file(path: Path, text: str) -> list[str]:
    """Validate a vector file before it is written: schema, lint, both expected values, and an id the suite does
    not already use. The text is validated under the same file name (a scheme may tie ids to file names)."""
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / path.name
        trial.write_text(text, encoding="utf-8")
        result, problems = validate([trial])
        messages = [_relocated(p, trial, path) for p in problems]
    taken = {v.id for v in load().vectors}
    messages += [
        f"{path}: [{v.id}] the suite already has a vector with this id" for v in result.vectors if v.id in taken
    ]
    if not result.vectors and not messages:
        messages.append(f"{path}: no vector could be read back")
    return messages


def _relocated(problem: Problem, trial: Path, path: Path) -> str:
    return str(replace(problem, path=path)) if Path(problem.path) == trial else str(problem)


# -- the command --------------------------------------------------------------------------------------------------

EXIT_OK, EXIT_FOUND = 0, 1
GROUP = re.compile(r"[a-z0-9][a-z0-9._-]*")


def out_group(path: Path) -> str:
    """The ids' group a vector file's name gives (``fuzz.yaml`` -> ``fuzz``); UsageError for a name that cannot."""
    if path.suffix != ".yaml" or not GROUP.fullmatch(path.stem):
        raise UsageError(
            f"--out {path}: the file name must be GROUP.yaml, GROUP in lowercase letters, digits, '.', '_' and '-' "
            "(it becomes the group of the vector's id)"
        )
    outputs.check_writable(f"--out {path}", path)
    return path.stem


def command(args: Any) -> int:
    """``hmac-conformance fuzz``: every usage problem is found before the implementation starts."""
    targets = fuzzable(args.scheme, args.operation)
    group = out_group(args.out)
    adapter = implementation(args.impl, timeout=args.timeout)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    out = sys.stdout
    budget = f"{args.seconds:g} s" + (f", at most {args.max_examples} cases per target" if args.max_examples else "")
    print(f"fuzz {args.impl}: seed {seed}, budget {budget}, {len(targets)} target(s)", file=out, flush=True)
    run = fuzz(adapter, targets, seed=seed, seconds=args.seconds, max_examples=args.max_examples,
               strict_reasons=args.strict_reasons, group=group, log=lambda line: print(line, file=out, flush=True))  # fmt: skip
    if run.find is not None:
        _report_find(run, run.find, args, seed)
    for t in run.targets:
        for problem in t.unsound:
            print(f"UNSOUND CASE {t.target}: {problem}", file=out)
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
    parts += ["--strict-reasons"] if args.strict_reasons else []
    return " ".join(parts)


def _report_find(run: FuzzRun, find: Find, args: Any, seed: int) -> None:
    vector, result = find.vector, find.result
    lines = [f"\n--- DISAGREEMENT {vector.scheme}/{vector.operation} ({result.status})", f"    {result.message}"]
    lines += [f"    {line}" for line in result.diagnostic.splitlines()]
    lines += [f"    made as: {step}" for step in find.how]
    if not find.reproduced:
        lines.append("    note: sent again, the implementation answered differently (it is not deterministic)")
    text = render(run, find, _command_line(args, seed))
    problems = check_file(args.out, text)
    if problems:
        lines.append("    the case could not be written as a valid vector (a bug in the suite; please report it):")
        lines += [f"      {p}" for p in problems]
    else:
        outputs.write_text(args.out, text)
        lines.append(
            f"    wrote {vector.id} to {args.out} (validated: schema, lint, expected value confirmed by the "
            "reference and the independent implementation)"
        )
        lines.append(f"    keep it: cp {args.out} vectors/{vector.scheme}/")
        lines.append(f"    reproduce: hmac-conformance run --impl {shlex.quote(args.impl)} --vectors {args.out}")
    print("\n".join(lines), file=sys.stdout)
