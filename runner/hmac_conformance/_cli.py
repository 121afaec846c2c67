"""Command line: validate, export, run, report. Exit codes: 0 success, 1 vectors invalid or run failed, 2 usage.

Every usage or configuration error is found before any work starts and reported as one line naming the option
and the value (exit 2): never a traceback, never after a long run, never with a file half-written.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NoReturn

from hmac_conformance import _authoring as authoring
from hmac_conformance import _coverage as coverage
from hmac_conformance import _export as export
from hmac_conformance import _mutants as mutants
from hmac_conformance import _outputs as outputs
from hmac_conformance import _paths as paths
from hmac_conformance import _protocol as protocol
from hmac_conformance import _release as releasing
from hmac_conformance import schemes
from hmac_conformance._adapters import implementation
from hmac_conformance._adapters.base import Adapter
from hmac_conformance._api import load_vectors, select
from hmac_conformance._api import run as run_vectors
from hmac_conformance._exceptions import UsageError, VectorFileError
from hmac_conformance._execute import Run
from hmac_conformance._expectations import ExpectedFailure, check_xfail, load_xfail, write_xfail
from hmac_conformance._gate import Baseline, Requirement, check_requirements, load_baseline
from hmac_conformance._load import held_for_the_command
from hmac_conformance._model import Vector, to_wire, version_key
from hmac_conformance._report import console as console_report
from hmac_conformance._report import jsonreport, junit, markdown, matrix
from hmac_conformance._select import Selection
from hmac_conformance._validate import Validated, validate
from hmac_conformance._version import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
REPORTERS = {"json": jsonreport.write, "junit": junit.write, "markdown": markdown.write}
VERSION_FORMAT = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

RUN_EPILOG = """\
implementation specs:
  reference              the suite's own implementation
  python:MODULE[:ATTR]   Python object with run_case() (and hello()), in-process
  cmd:COMMAND            one process per case (one-shot protocol)
  jsonl:COMMAND          one process for the run (JSON lines protocol)

{requirements}

expected failures (--xfail FILE): each entry's id is a vector id or a glob (fnmatch, case-sensitive; '*'
  also matches '/'); the first matching entry applies. A listed vector that fails or errors is xfail; one
  that passes is xpass and fails the run; an entry that matches no selected vector is a usage error.

exit status:
  0  every selected vector passed (expected failures allowed), at least one vector was executed, and every
     requirement was met; with --baseline: no vector that passed in the baseline run of the same --impl
     now fails, errors, is unsupported or is skipped
  1  otherwise: a failure, an adapter error, an unexpected pass, a protocol violation, a regression, an
     unmet requirement, or nothing executed (every selected vector unsupported or skipped)
  2  usage, configuration or vector-file error (found before the first case runs)
"""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (no usage block), exit 2, naming the subcommand whose
    arguments are wrong (the tool's own name starts every error line already)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog.split()[-1]}: {message}" if " " in self.prog else message)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive finite number of seconds, got {text!r}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"expected 1 to 256 parallel processes, got {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to 2**64-1, got {text!r}")
    return value


def _suite_version(text: str) -> str:
    if not VERSION_FORMAT.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected a suite version such as 1.0.0, got {text!r}")
    current = paths.suite_version()
    if version_key(text) > version_key(current):
        raise argparse.ArgumentTypeError(f"suite version {text} is not released (this suite is {current})")
    return text


def _env(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not ENV_NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _requirement(text: str) -> Requirement:
    try:
        return Requirement.parse(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--require {text!r}: ")) from None


def _requirements_help(registered: Mapping[str, schemes.Scheme]) -> str:
    examples = ", ".join(f"{n}/{next(iter(s.operations))}:{s.feature_names[-1]}" for n, s in registered.items())
    features = "; ".join(f"{n}: {', '.join(s.feature_names)}" for n, s in registered.items())
    text = (
        f"requirements (--require, repeatable): SCHEME[/OPERATION][:FEATURE], e.g. {examples}. Every selected "
        "vector a requirement matches must be executed: one that comes back unsupported or skipped fails the run. "
        f"The features of each scheme: {features}."
    )
    return textwrap.fill(text, width=110, subsequent_indent="  ", break_on_hyphens=False)


def _add_selection(parser: argparse.ArgumentParser) -> None:
    """The selection options, the same for run, list, export and case."""
    registered = schemes.all_schemes()
    parser.add_argument("--vectors", action="append", type=Path, metavar="PATH", help="vector files or folders")
    parser.add_argument(
        "-k", dest="patterns", action="append", default=[], metavar="GLOB", help="ids matching the glob (repeatable)"
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="leave out ids matching the glob (repeatable)"
    )
    parser.add_argument("--scheme", action="append", default=[], choices=list(registered))
    parser.add_argument(
        "--operation",
        action="append",
        default=[],
        choices=sorted({op for s in registered.values() for op in s.operations}),
    )
    parser.add_argument("--tag", action="append", default=[], help="vectors with this tag (repeatable: any)")
    parser.add_argument(
        "--suite-version", type=_suite_version, help="only vectors added in this suite version or earlier"
    )
    parser.add_argument(
        "--include-superseded",
        action="store_true",
        help="also vectors that a newer one supersedes (errata: wrong as released, left out by default)",
    )


def _selected(args: argparse.Namespace, paths_given: Sequence[Path] | None = None) -> list[Vector]:
    selection = Selection(
        args.patterns, args.scheme, args.operation, args.tag, args.suite_version, args.exclude, args.include_superseded
    )
    loaded = _load_or_fail(paths_given or args.vectors)
    vectors = list(select(loaded, selection))
    if not vectors:
        superseded = select(loaded, replace(selection, include_superseded=True))
        why = " (it matches only superseded vectors: add --include-superseded)" if superseded else ""
        raise UsageError(
            f"no vector matches the selection (-k, --exclude, --scheme, --operation, --tag, --suite-version){why}"
        )
    return vectors


def _parser() -> Parser:
    p = Parser(prog="hmac-conformance", description="Conformance vectors and runner for HMAC request signatures.")
    p.add_argument(
        "--version", action="version", version=f"hmac-conformance {__version__} (suite {paths.suite_version()})"
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    registered = schemes.all_schemes()

    v = sub.add_parser("validate", help="check vector files: schema, lint, every expected value recomputed twice")
    v.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the suite's vectors/)")
    v.add_argument("-q", "--quiet", action="store_true", help="print problems only")

    e = sub.add_parser("export", help="write the selected vectors as JSON (bytes as Base64), for other harnesses")
    e.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the suite's vectors/)")
    _add_selection(e)
    out = e.add_mutually_exclusive_group()
    out.add_argument("--out", type=Path, help="one document, to this file (default: stdout)")
    out.add_argument("--split", type=Path, metavar="DIR", help="one file per scheme and operation, in this folder")

    lst = sub.add_parser("list", help="print the ids of the selected vectors")
    _add_selection(lst)
    lst.add_argument("--format", choices=["text", "json"], default="text", help="ids one per line, or JSON")

    c = sub.add_parser("case", help="print the case message the runner would send, to reproduce a result by hand")
    c.add_argument("id", help="a vector id")
    c.add_argument("--vectors", action="append", type=Path, metavar="PATH", help="vector files or folders")
    c.add_argument("--expected", action="store_true", help="also print the expected output, on stderr")
    c.add_argument(
        "--persistent", action="store_true", help="wrap it in hello and stop lines, for a jsonl: implementation"
    )

    r = sub.add_parser(
        "run",
        help="run vectors against implementations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=RUN_EPILOG.format(requirements=_requirements_help(registered)),
    )
    r.add_argument("--impl", action="append", required=True, metavar="SPEC", help="implementation (repeatable)")
    _add_selection(r)
    r.add_argument("--strict-reasons", action="store_true", help="a different rejection reason is a failure")
    r.add_argument(
        "--require",
        action="append",
        default=[],
        type=_requirement,
        metavar="SCHEME[/OP][:FEATURE]",
        help="fail the run if any selected vector this matches is unsupported or skipped (repeatable)",
    )
    r.add_argument("--xfail", type=Path, help="expected-failure list (YAML); listed vectors that pass fail the run")
    r.add_argument(
        "--write-xfail", type=Path, metavar="FILE", help="write the current failures as an expected-failure list"
    )
    r.add_argument(
        "--baseline",
        type=Path,
        metavar="REPORT",
        help="fail only on regressions against the run of the same --impl in this JSON report",
    )
    r.add_argument(
        "--report", action="append", default=[], metavar="FORMAT:PATH", help="json:, junit: or markdown: (repeatable)"
    )
    r.add_argument("--redact-keys", action="store_true", help="keep keys and secrets out of reports and stderr")
    r.add_argument("--timeout", type=_positive_seconds, default=5.0, help="seconds per case (default 5)")
    r.add_argument(
        "--startup-timeout",
        type=_positive_seconds,
        default=30.0,
        help="seconds for a persistent process to answer hello",
    )
    r.add_argument("-j", "--jobs", type=_jobs, default=1, help="parallel one-shot processes (default 1)")
    r.add_argument("--cwd", type=Path, help="working directory of external implementations (default: current)")
    r.add_argument(
        "--env",
        action="append",
        default=[],
        type=_env,
        metavar="NAME=VALUE",
        help="environment for external implementations",
    )
    r.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity", default=0)
    r.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity")
    _add_fuzz(sub.add_parser(
        "fuzz",
        help="compare an implementation with the reference on generated cases; write a disagreement as a vector",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=FUZZ_EPILOG,
    ))  # fmt: skip
    cov = sub.add_parser("coverage", help="which vectors cite each rule of the spec pages, accepting and rejecting")
    cov.add_argument("--vectors", action="append", type=Path, metavar="PATH", help="vector files or folders")
    cov.add_argument("--scheme", action="append", default=[], choices=list(registered))
    cov.add_argument("--format", choices=coverage.FORMATS, default="text")
    cov.add_argument(
        "--require-coverage", action="store_true", help="exit 1 on a rule gap that no waiver excuses, or a stale waiver"
    )
    mu = sub.add_parser(
        "mutants",
        help="run the references' one-bug mutants over the vectors: which plausible bug does no vector catch?",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=mutants.EPILOG,
    )
    mu.add_argument("--scheme", action="append", default=[], choices=list(registered))
    mu.add_argument(
        "--mutant", action="append", default=[], metavar="NAME", help="a mutant's name or a glob (repeatable)"
    )
    mu.add_argument("--report", action="append", default=[], type=Path, metavar="FILE", help="FILE.json or FILE.md")
    mu.add_argument("--equivalent", type=Path, metavar="FILE", help="default: vectors/mutants-equivalent.json")
    mu.add_argument("--vectors", action="append", type=Path, metavar="PATH", help="default: the suite's vectors")
    m = sub.add_parser("report", help="build the compatibility matrix from JSON reports")
    m.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    m.add_argument("--html", type=Path, help="write a self-contained HTML page")
    m.add_argument("--markdown", type=Path, help="write the same matrix as Markdown")

    vec = sub.add_parser("vectors", help="author vectors: a skeleton in the right file, expected values filled in")
    authoring_commands = vec.add_subparsers(dest="vectors_command", required=True, parser_class=Parser)
    vn = authoring_commands.add_parser("new", help="append a vector skeleton, its input copied from a near vector")
    vn.add_argument("kind", metavar="SCHEME/OPERATION", help="e.g. firstvision/verify")
    vn.add_argument("--id", required=True, dest="vector_id", metavar="ID", help="the new vector's id")
    vn.add_argument("--file", type=Path, help="the file to append to (default: the one its id fits best)")
    vf = authoring_commands.add_parser("fill", help="compute missing expected values, confirmed independently")
    vf.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the suite's vectors/)")

    rel = sub.add_parser("release", help="freeze the vectors as suite version X.Y.Z (in a clean checkout)")
    rel.add_argument("version", metavar="X.Y.Z", help="the version to release")
    return p


FUZZ_EPILOG = """\
Cases come from each scheme's strategies (docs/fuzz.md); the reference gives each expected value. The first
disagreement (a crash or a timeout too) is shrunk to a minimal case and written as a vector file to
--out/SCHEME/, validated (schema, lint, expected value confirmed by the reference and the independent
implementation). The same --seed tries the same cases.

exit status:
  0  no disagreement within the budget
  1  a disagreement (written to --out), or the implementation did not start, kept crashing or tested nothing
  2  usage error (found before the implementation starts)
"""


def _add_fuzz(f: argparse.ArgumentParser) -> None:
    registered = schemes.all_schemes()
    f.add_argument("--impl", required=True, metavar="SPEC", help="implementation, as for run")
    f.add_argument("--scheme", action="append", default=[], choices=list(registered), help="fuzz only this scheme")
    f.add_argument(
        "--operation",
        action="append",
        default=[],
        choices=sorted({op for s in registered.values() for op in s.operations}),
        help="fuzz only this operation",
    )
    f.add_argument("--seconds", type=_positive_seconds, default=60.0, help="search budget (default 60)")
    f.add_argument("--max-examples", type=_count, metavar="N", help="at most N cases per scheme and operation")
    f.add_argument("--seed", type=_seed, help="the seed: the same seed tries the same cases (default: random)")
    f.add_argument("--out", type=Path, default=Path("fuzz-findings"), metavar="DIR",
                   help="folder a find is written to, as DIR/SCHEME/fuzz-DIGEST.yaml (default fuzz-findings)")  # fmt: skip
    f.add_argument("--strict-reasons", action="store_true", help="a different rejection reason is a disagreement")
    f.add_argument("--timeout", type=_positive_seconds, default=5.0, help="seconds per case (default 5)")


def cmd_fuzz(args: argparse.Namespace) -> int:
    implementation(args.impl, timeout=args.timeout)  # a bad --impl is a usage error before anything starts
    try:
        from hmac_conformance import _fuzz  # noqa: PLC0415 - Hypothesis is imported only to fuzz
    except ModuleNotFoundError as exc:
        raise UsageError(f"fuzz needs {exc.name}: pip install 'hmac-conformance[fuzz]'") from None
    return _fuzz.command(args, lambda: implementation(args.impl, timeout=args.timeout))


def _reports(specs: Sequence[str]) -> list[tuple[str, Path]]:
    out = []
    for spec in specs:
        kind, sep, path = spec.partition(":")
        if not sep or kind not in REPORTERS or not path:
            raise UsageError(f"--report {spec!r}: expected json:PATH, junit:PATH or markdown:PATH")
        outputs.check_writable(f"--report {spec}", Path(path))
        out.append((kind, Path(path)))
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    with held_for_the_command():
        result, problems = validate(args.paths or None)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len({p.path for p in problems})} file(s)", file=sys.stderr)
        return EXIT_FAIL
    files = len({v.path for v in result.outlines})
    if not args.quiet:
        ops = Counter(f"{v.scheme}/{v.operation}" for v in result.outlines)
        print(
            f"{len(result.outlines)} vectors in {files} files are valid "
            f"({', '.join(f'{k} {n}' for k, n in sorted(ops.items()))}); "
            "every expected value confirmed by the reference and an independent implementation"
            + (f" ({_earlier(result)})" if result.confirmed_earlier else "")
        )
    return EXIT_OK


def _earlier(result: Validated) -> str:
    """Which confirmations this run did not compute: a warm validate must not read as if it had."""
    n = result.confirmed_earlier
    which = "all of them" if n == len(result.outlines) else f"{n} of them"
    return f"{which} by an earlier run of this same code on the same file bytes, kept in the cache"


def _load_or_fail(targets: Sequence[Path] | None) -> tuple[Vector, ...]:
    try:
        with held_for_the_command():
            return load_vectors(targets or None)
    except VectorFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise


def cmd_export(args: argparse.Namespace) -> int:
    if args.out:
        outputs.check_writable(f"--out {args.out}", args.out)
    if args.split and not args.split.is_dir():
        raise UsageError(f"--split {args.split}: not a directory (create it first)")
    vectors = _selected(args, args.paths)
    if args.split:
        for (scheme, operation), text in export.split(vectors).items():
            outputs.write_text(args.split / f"{scheme}-{operation}.json", text)
        return EXIT_OK
    text = export.dumps(vectors)
    if args.out:
        outputs.write_text(args.out, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    vectors = _selected(args)
    if args.format == "json":
        items = [{"id": v.id, "scheme": v.scheme, "operation": v.operation, "tags": list(v.tags), "since": v.since,
                  "description": v.description, **({"superseded_by": v.superseded_by} if v.superseded_by else {})}
                 for v in vectors]  # fmt: skip
        sys.stdout.write(json.dumps(items, indent=1, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("".join(f"{v.id}\n" for v in vectors))
    return EXIT_OK


def cmd_case(args: argparse.Namespace) -> int:
    vector = next((v for v in _load_or_fail(args.vectors) if v.id == args.id), None)
    if vector is None:
        raise UsageError(f"case: no vector has the id {args.id!r} (hmac-conformance list prints them)")
    lines = [protocol.case_line(0, vector)]
    if args.persistent:
        lines = [protocol.encode(protocol.HELLO), *lines, protocol.encode(protocol.STOP)]
    sys.stdout.buffer.write(b"".join(lines))
    sys.stdout.flush()
    if args.expected:
        expected = {"type": "expected", "id": vector.id, "output": to_wire(vector.expected)}
        print(json.dumps(expected, ensure_ascii=False), file=sys.stderr)
    return EXIT_OK


@dataclass(frozen=True)
class RunPlan:
    """Everything ``run`` will do, checked before the first case is sent."""

    vectors: list[Vector]
    adapters: list[Adapter]
    reports: list[tuple[str, Path]]
    xfail: list[ExpectedFailure]
    baseline: Baseline | None


def _plan(args: argparse.Namespace) -> RunPlan:
    if args.cwd is not None and not args.cwd.is_dir():
        raise UsageError(f"--cwd {args.cwd}: not a directory")
    if len(set(args.impl)) != len(args.impl):
        raise UsageError(f"--impl: the same implementation is given twice ({', '.join(args.impl)})")
    reports = _reports(args.report)
    written = [(f"--report {k}:{p}", p) for k, p in reports]
    if args.write_xfail:
        outputs.check_writable(f"--write-xfail {args.write_xfail}", args.write_xfail)
        written.append((f"--write-xfail {args.write_xfail}", args.write_xfail))
    outputs.check_distinct(written)
    xfail = load_xfail(args.xfail) if args.xfail else []
    baseline = load_baseline(args.baseline) if args.baseline else None
    if baseline is not None:
        for spec in args.impl:
            baseline.for_impl(spec)
    adapters = [
        implementation(
            spec,
            timeout=args.timeout,
            startup_timeout=args.startup_timeout,
            jobs=args.jobs,
            cwd=args.cwd,
            env=dict(args.env),
        )
        for spec in args.impl
    ]
    vectors = _selected(args)
    check_xfail(xfail, vectors)
    check_requirements(args.require, vectors)
    return RunPlan(vectors, adapters, reports, xfail, baseline)


def cmd_run(args: argparse.Namespace) -> int:
    plan = _plan(args)
    out = console_report.Console(verbosity=args.verbosity)
    runs: list[Run] = []
    for adapter in plan.adapters:
        out.begin(adapter.spec, len(plan.vectors))
        run = run_vectors(
            adapter,
            plan.vectors,
            strict_reasons=args.strict_reasons,
            xfail=plan.xfail,
            redact_keys=args.redact_keys,
            on_result=out.progress,
            requirements=args.require,
            baseline=plan.baseline.for_impl(adapter.spec) if plan.baseline else None,
        )
        run = replace(run, vector_paths=tuple(map(str, args.vectors or ())))
        out.summary(run)
        runs.append(run)
    try:
        for kind, path in plan.reports:
            REPORTERS[kind](path, runs)
        if args.write_xfail:
            count = write_xfail(args.write_xfail, [r for run in runs for r in run.results], plan.xfail)
            print(f"wrote {count} expected failure(s) to {args.write_xfail}")
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename}: {exc.strerror}") from None
    if len(runs) > 1:
        failed = [run.spec for run in runs if not run.ok]
        print(
            f"\n{len(runs) - len(failed)} of {len(runs)} implementation runs passed"
            + (f"; failed: {', '.join(failed)}" if failed else "")
        )
    return EXIT_OK if all(run.ok for run in runs) else EXIT_FAIL


def cmd_coverage(args: argparse.Namespace) -> int:
    found = coverage.coverage(_load_or_fail(args.vectors), args.scheme or None)
    sys.stdout.write(coverage.render(found, args.format))
    problems = found.problems() if args.require_coverage else []
    for problem in problems:
        print(f"coverage: {problem}", file=sys.stderr)
    return EXIT_FAIL if problems else EXIT_OK


def cmd_mutants(args: argparse.Namespace) -> int:
    return EXIT_OK if mutants.command(args) else EXIT_FAIL


def cmd_report(args: argparse.Namespace) -> int:
    if not (args.html or args.markdown):
        raise UsageError("report: give --html PATH and/or --markdown PATH")
    targets = [
        (f"{option} {path}", path) for option, path in (("--html", args.html), ("--markdown", args.markdown)) if path
    ]
    for label, path in targets:
        outputs.check_writable(label, path)
    outputs.check_distinct(targets)
    table = matrix.build(*matrix.load_reports(args.reports))
    if args.html:
        outputs.write_text(args.html, matrix.render_html(table))
    if args.markdown:
        outputs.write_text(args.markdown, matrix.render_markdown(table))
    print(f"matrix of {len(table.runs)} implementation run(s) x {len(table.rows)} groups written")
    return EXIT_OK


def cmd_vectors(args: argparse.Namespace) -> int:
    if args.vectors_command == "new":
        if args.file is not None:
            outputs.check_writable(f"--file {args.file}", args.file)
        made = authoring.new(args.kind, args.vector_id, args.file, lambda: _load_or_fail(None))
        copied = f", its input copied from {made.template}" if made.template else ""
        print(
            f"{made.path}:{made.line}: {args.vector_id} added{copied}. Edit its input, description, rules and tags, "
            f"then: hmac-conformance vectors fill {made.path}"
        )
        return EXIT_OK
    outcomes = authoring.fill(args.paths or None)
    sys.stdout.write(authoring.fill_report(outcomes))
    failed = [o for o in outcomes if o.problems]
    print(f"{len(outcomes) - len(failed)} expected value(s) written, {len(failed)} not", file=sys.stderr)
    return EXIT_FAIL if failed else EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    root = paths.DATA_ROOT
    releasing.preflight(args.version, root)
    result, problems = validate()
    try:
        release = releasing.prepare(args.version, root, result.outlines, problems)
    except releasing.ReleaseRefused as refused:
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        print(f"release {args.version}: {len(refused.problems)} problem(s); nothing written", file=sys.stderr)
        return EXIT_FAIL
    release.write()
    print(
        f"Suite {release.version}: {len(release.added)} vectors added to vectors/MANIFEST, "
        f"{len(release.superseded)} superseded; vectors/VERSION, the package version and vectors/CHANGELOG.md "
        f"updated. Review the CHANGELOG section, then commit and tag:\n"
        f"  git commit -am 'Suite {release.version}' && git tag -a v{release.version} -m 'Suite {release.version}'"
    )
    return EXIT_OK


COMMANDS = {
    "validate": cmd_validate,
    "export": cmd_export,
    "list": cmd_list,
    "case": cmd_case,
    "run": cmd_run,
    "mutants": cmd_mutants,
    "report": cmd_report,
    "vectors": cmd_vectors,
    "release": cmd_release,
    "fuzz": cmd_fuzz,
    "coverage": cmd_coverage,
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except SystemExit as exc:  # argparse: 0 for --help and --version
        return int(exc.code or 0)
    except UsageError as exc:
        print(f"hmac-conformance: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("hmac-conformance: interrupted", file=sys.stderr)
        return 130
    finally:
        gc.unfreeze()  # what held_for_the_command froze is collected as usual again
