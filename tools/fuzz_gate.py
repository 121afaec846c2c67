#!/usr/bin/env python3
"""The bounded fuzz run of ``nox -s fuzz`` and CI (docs/fuzz.md): the fuzzer must find nothing in the bundled
examples and must catch every one-bug mutant of the reference, its find a vector that fails the mutant and passes
the reference.

Usage (from the repository root, the package installed with its ``fuzz`` extra, the examples built):

    python tools/fuzz_gate.py [EXAMPLE ...] [--out DIR]

EXAMPLE names entries of examples/examples.json (default: none, only the mutants). Everything runs with one
seed and a number of cases per target, never a time budget, so a run is the same on every machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {e["name"]: e for e in json.loads((ROOT / "examples" / "examples.json").read_text("utf-8"))["examples"]}
SEED = "1"
EXAMPLE_CASES = "25"  # per target
ONESHOT_CASES = "8"  # per target, for an example that only runs one process per case (cmd:)
MUTANT_CASES = "600"  # per target: the slowest mutant below (no-replay-check) is caught after about 330

#: One-bug implementations, each with the one target its bug is in: (--impl SPEC, scheme, operation). A
#: scheme's mutant catalogue plugs in as one more line: ``*((spec, s, op) for spec, s, op in CATALOGUE)``.
MUTANTS: list[tuple[str, str, str]] = [
    ("python:tests.impls.mistakes:long_key_not_hashed", "hmac", "mac"),
    ("python:tests.impls.mistakes:truncated_rightmost", "hmac", "mac"),
    ("jsonl:python3 tests/impls/buggy.py prefix-compare", "hmac", "mac-verify"),
    ("python:tests.impls.mistakes:body_json_compact", "firstvision", "sign"),
    ("jsonl:python3 tests/impls/buggy.py signer-trims", "firstvision", "sign"),
    ("jsonl:python3 tests/impls/buggy.py js-trim", "firstvision", "verify"),
    ("jsonl:python3 tests/impls/buggy.py no-replay-check", "firstvision", "verify"),
    ("python:tests.impls.sigv4_mistakes:query_unsorted", "sigv4", "canonical-request"),
    ("python:tests.impls.sigv4_mistakes:header_tabs_kept", "sigv4", "canonical-request"),
    ("python:tests.impls.sw_mistakes:payload_newline_removed", "standard-webhooks", "sign"),
]

#: Finds in the bundled examples that are known and reported: example -> a text its find's message contains.
#: The gate fails when such a find disappears (delete the line) or another one appears.
KNOWN: dict[str, str] = {}


@dataclass(frozen=True)
class Outcome:
    code: int
    text: str
    written: Path | None
    seconds: float


def fuzz(spec: str, out: Path, cases: str, *selection: str) -> Outcome:
    argv = [sys.executable, "-m", "hmac_conformance", "fuzz", f"--impl={spec}", f"--seed={SEED}",
            f"--max-examples={cases}", "--seconds=600", f"--out={out}", *selection]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False)  # noqa: S603
    found = re.search(r"^    wrote \S+ to (\S+\.yaml) ", done.stdout, re.MULTILINE)
    return Outcome(done.returncode, done.stdout + done.stderr, Path(found[1]) if found else None,
                   time.monotonic() - started)  # fmt: skip


def run(spec: str, vectors: Path) -> int:
    argv = [sys.executable, "-m", "hmac_conformance", "run", "-q", f"--impl={spec}", f"--vectors={vectors}"]
    return subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, check=False).returncode  # noqa: S603


def _env() -> dict[str, str]:
    """tests.impls importable by python: specs, as from the repository root."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def _first_problem(text: str) -> str:
    lines = text.splitlines()
    at = next((i for i, line in enumerate(lines) if line.startswith("--- DISAGREEMENT")), None)
    if at is None:
        return (lines or ["(no output)"])[-1]
    return " ".join(line.strip() for line in lines[at : at + 2])


@dataclass(frozen=True)
class Checked:
    """One run of the gate: what it printed, and why it failed (None: it did not)."""

    lines: tuple[str, ...]
    failure: str | None = None


def check_example(name: str, out: Path) -> Checked:
    example = EXAMPLES[name]
    spec = next((s for s in example["impl"] if not s.startswith("cmd:")), example["impl"][0])
    selection = [f"--scheme={s}" for s in example["schemes"]]
    got = fuzz(spec, out, ONESHOT_CASES if spec.startswith("cmd:") else EXAMPLE_CASES, *selection)
    known = KNOWN.get(name)
    line = f"example {name:<8} exit {got.code} in {got.seconds:5.1f} s  {_first_problem(got.text)[:150]}"
    if got.code == 1 and known and known in got.text:
        return Checked((line, f"  known find, written to {got.written}"))
    if known:
        return Checked((line,), f"example {name}: the known find ({known!r}) is gone or changed: update KNOWN")
    return Checked((line,), f"example {name}: exit {got.code}:\n{got.text}" if got.code != 0 else None)


def check_mutant(spec: str, scheme: str, operation: str, out: Path) -> Checked:
    got = fuzz(spec, out, MUTANT_CASES, f"--scheme={scheme}", f"--operation={operation}")
    line = f"mutant {spec:<58} exit {got.code} in {got.seconds:5.1f} s  {got.written or ''}"
    if got.code != 1 or got.written is None:
        return Checked((line,), f"mutant {spec}: not caught in {MUTANT_CASES} cases per target (exit {got.code}):\n"
                       f"{got.text}")  # fmt: skip
    if run(spec, got.written) != 1:
        return Checked((line,), f"mutant {spec}: the written vector {got.written} does not fail it")
    return Checked((line,))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", nargs="*", choices=sorted(EXAMPLES), metavar="EXAMPLE")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "fuzz", help="where finds are written")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="runs at a time (default 2)")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    started = time.monotonic()
    # One folder for every run: Hypothesis keeps its Unicode tables there (seconds to build, so the first run
    # builds them alone), finds are named by their case, and a case found twice is the same file.
    jobs = [partial(check_example, name, args.out) for name in args.examples]
    jobs += [partial(check_mutant, spec, s, op, args.out) for spec, s, op in MUTANTS]
    done = [jobs[0]()] if jobs else []
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        done += list(pool.map(lambda job: job(), jobs[1:]))
    for checked in done:
        print("\n".join(checked.lines))
    failures = [c.failure for c in done if c.failure]
    # Every find passes the reference: one run over all of them.
    if any(args.out.rglob("*.yaml")) and run("reference", args.out) != 0:
        failures.append(
            f"a find does not pass the reference: hmac-conformance run --impl reference --vectors {args.out}"
        )
    print(f"fuzz gate: {len(args.examples)} examples, {len(MUTANTS)} mutants in {time.monotonic() - started:.0f} s")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
