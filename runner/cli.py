"""Command line: validate, export, run, report. Exit codes: 0 success, 1 vectors invalid or run failed, 2 usage."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from runner import __version__, paths
from runner.adapters.base import Adapter, AdapterError
from runner.adapters.inprocess import InProcessAdapter, load_target
from runner.adapters.oneshot import OneShotAdapter
from runner.adapters.persistent import PersistentAdapter
from runner.adapters.process import Command
from runner.errors import UsageError
from runner.expectations import load_baseline, load_xfail, write_xfail
from runner.export import dumps
from runner.load import load
from runner.report import console as console_report
from runner.report import jsonreport, junit, markdown, matrix
from runner.run import Run, execute
from runner.select import Selection, select
from runner.validate import validate

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
REPORTERS = {"json": jsonreport.write, "junit": junit.write, "markdown": markdown.write}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmac-conformance", description="Conformance vectors and runner for HMAC request signatures."
    )
    p.add_argument(
        "--version", action="version", version=f"hmac-conformance {__version__} (suite {paths.suite_version()})"
    )
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check vector files: schema, lint, every expected value recomputed twice")
    v.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the suite's vectors/)")
    v.add_argument("-q", "--quiet", action="store_true", help="print problems only")

    e = sub.add_parser("export", help="write every vector as one JSON document (bytes as Base64)")
    e.add_argument("paths", nargs="*", type=Path)
    e.add_argument("--out", type=Path, help="output file (default: stdout)")

    r = sub.add_parser(
        "run",
        help="run vectors against implementations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="implementation specs:\n  reference              the suite's own implementation\n"
        "  python:MODULE[:ATTR]   Python object with run_case() (and hello()), in-process\n"
        "  cmd:COMMAND            one process per case (one-shot protocol)\n"
        "  jsonl:COMMAND          one process for the run (JSON lines protocol)\n"
        "exit status: 0 all selected vectors pass (xfail allowed); 1 any fail, xpass or error\n"
        "(with --baseline: any regression); 2 usage, configuration or vector-file errors",
    )
    r.add_argument("--impl", action="append", required=True, metavar="SPEC", help="implementation (repeatable)")
    r.add_argument("--vectors", action="append", type=Path, metavar="PATH", help="vector files or folders")
    r.add_argument(
        "-k",
        dest="patterns",
        action="append",
        default=[],
        metavar="GLOB",
        help="select ids matching the glob (repeatable)",
    )
    r.add_argument("--scheme", action="append", default=[], choices=["hmac", "firstvision"])
    r.add_argument("--operation", action="append", default=[], choices=["mac", "mac-verify", "sign", "verify"])
    r.add_argument("--tag", action="append", default=[], help="select vectors with this tag (repeatable: any)")
    r.add_argument("--suite-version", help="only vectors added in this suite version or earlier")
    r.add_argument("--strict-reasons", action="store_true", help="a different rejection reason is a failure")
    r.add_argument("--xfail", type=Path, help="expected-failure list (YAML); listed vectors that pass fail the run")
    r.add_argument(
        "--write-xfail", type=Path, metavar="FILE", help="write the current failures as an expected-failure list"
    )
    r.add_argument(
        "--baseline", type=Path, metavar="REPORT", help="fail only on vectors that passed in this JSON report"
    )
    r.add_argument(
        "--report", action="append", default=[], metavar="FORMAT:PATH", help="json:, junit: or markdown: (repeatable)"
    )
    r.add_argument("--redact-keys", action="store_true", help="keep keys and secrets out of reports and stderr")
    r.add_argument("--timeout", type=float, default=5.0, help="seconds per case (default 5)")
    r.add_argument(
        "--startup-timeout", type=float, default=30.0, help="seconds for a persistent process to answer hello"
    )
    r.add_argument("-j", "--jobs", type=int, default=1, help="parallel one-shot processes (default 1)")
    r.add_argument("--cwd", type=Path, help="working directory of external implementations (default: current)")
    r.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="environment for external implementations"
    )
    r.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity", default=0)
    r.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity")
    m = sub.add_parser("report", help="build the compatibility matrix from JSON reports")
    m.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    m.add_argument("--html", type=Path, help="write a self-contained HTML page")
    m.add_argument("--markdown", type=Path, help="write the same matrix as Markdown")
    return p


def make_adapter(spec: str, args: argparse.Namespace) -> Adapter:
    """Turn an --impl SPEC into an adapter; UsageError for an unknown kind."""
    env = {}
    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--env expects NAME=VALUE, got {item!r}")
        env[name] = value
    if spec == "reference":
        return InProcessAdapter("reference", load_target("runner.reference"))
    kind, sep, rest = spec.partition(":")
    if not sep or not rest:
        raise UsageError(
            f"unknown implementation {spec!r}: use reference, python:MODULE:ATTR, cmd:COMMAND or jsonl:COMMAND"
        )
    if kind == "python":
        try:
            return InProcessAdapter(spec, load_target(rest))
        except AdapterError as exc:
            raise UsageError(str(exc)) from None
    if kind in ("cmd", "jsonl"):
        command = Command.parse(rest, args.cwd, env)
        if kind == "cmd":
            return OneShotAdapter(spec, command, args.timeout, args.jobs)
        return PersistentAdapter(spec, command, args.timeout, args.startup_timeout)
    raise UsageError(f"unknown implementation kind {kind!r} in {spec!r}")


def _reports(specs: Sequence[str]) -> list[tuple[str, Path]]:
    out = []
    for spec in specs:
        kind, sep, path = spec.partition(":")
        if not sep or kind not in REPORTERS or not path:
            raise UsageError(f"--report expects json:PATH, junit:PATH or markdown:PATH, got {spec!r}")
        out.append((kind, Path(path)))
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    result, problems = validate(args.paths or None)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len({p.path for p in problems})} file(s)", file=sys.stderr)
        return EXIT_FAIL
    files = len({v.path for v in result.vectors})
    if not args.quiet:
        ops = {op: sum(v.operation == op for v in result.vectors) for op in ("mac", "mac-verify", "sign", "verify")}
        print(
            f"{len(result.vectors)} vectors in {files} files are valid "
            f"({', '.join(f'{k} {n}' for k, n in ops.items())}); "
            "every expected value confirmed by the reference and an independent implementation"
        )
    return EXIT_OK


def _load_or_fail(targets: Sequence[Path] | None) -> list:  # type: ignore[type-arg]
    result = load(targets)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        raise UsageError(f"{len(result.problems)} problem(s) in the vector files; run `hmac-conformance validate`")
    return result.vectors


def cmd_export(args: argparse.Namespace) -> int:
    text = dumps(_load_or_fail(args.paths or None))
    if args.out:
        jsonreport.write_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    reports = _reports(args.report)
    xfail = load_xfail(args.xfail) if args.xfail else []
    baseline = load_baseline(args.baseline) if args.baseline else None
    selection = Selection(args.patterns, args.scheme, args.operation, args.tag, args.suite_version)
    vectors = list(select(_load_or_fail(args.vectors), selection))
    if not vectors:
        raise UsageError("no vector matches the selection")
    adapters = [make_adapter(spec, args) for spec in args.impl]
    out = console_report.Console(verbosity=args.verbosity)
    runs: list[Run] = []
    for adapter in adapters:
        out.begin(adapter.spec, len(vectors))
        run = execute(
            adapter,
            vectors,
            strict_reasons=args.strict_reasons,
            xfail=xfail,
            redact_keys=args.redact_keys,
            on_result=out.progress,
        )
        out.summary(run)
        runs.append(run)
    for kind, path in reports:
        REPORTERS[kind](path, runs)
    if args.write_xfail:
        count = write_xfail(args.write_xfail, [r for run in runs for r in run.results])
        print(f"wrote {count} expected failure(s) to {args.write_xfail}")
    if baseline is not None:
        regressions = [
            (run.identity.get("name"), r.vector_id)
            for run in runs
            for r in run.results
            if r.vector_id in baseline.get(str(run.identity.get("name")), set()) and r.status != "pass"
        ]
        for name, vid in regressions:
            print(f"REGRESSION {name}: {vid} passed in the baseline")
        print(f"{len(regressions)} regression(s) against {args.baseline}")
        return EXIT_FAIL if regressions else EXIT_OK
    return EXIT_OK if all(run.ok for run in runs) else EXIT_FAIL


def cmd_report(args: argparse.Namespace) -> int:
    if not (args.html or args.markdown):
        raise UsageError("report: give --html PATH and/or --markdown PATH")
    table = matrix.build(*matrix.load_reports(args.reports))
    if args.html:
        jsonreport.write_atomic(args.html, matrix.render_html(table))
    if args.markdown:
        jsonreport.write_atomic(args.markdown, matrix.render_markdown(table))
    print(f"matrix of {len(table.runs)} implementation run(s) x {len(table.rows)} groups written")
    return EXIT_OK


COMMANDS = {"validate": cmd_validate, "export": cmd_export, "run": cmd_run, "report": cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on usage errors, 0 for --help
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"hmac-conformance: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("hmac-conformance: interrupted", file=sys.stderr)
        return 130
