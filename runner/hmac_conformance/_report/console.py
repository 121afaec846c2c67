"""The console: progress while running, then a summary per scheme x operation and every failure explained."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from hmac_conformance._adapters import reproduce
from hmac_conformance._execute import Run
from hmac_conformance._outcome import FAILING, Result, by_group

SHOWN = FAILING


class Console:
    def __init__(self, stream: TextIO | None = None, verbosity: int = 0) -> None:
        self.stream = stream or sys.stdout
        self.verbosity = verbosity
        self.live = self.stream.isatty() and not os.environ.get("CI") and verbosity >= 0
        self._repeats: dict[str, int] = {}

    def write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def begin(self, spec: str, count: int) -> None:
        if self.verbosity >= 0:
            self.write(f"== {spec}: {count} vectors")

    def progress(self, result: Result, done: int, total: int) -> None:
        if self.live:
            self.stream.write(f"\r[{done}/{total}] {result.status:<11} {result.vector_id[:90]:<90}")
            self.stream.flush()
            if done == total:
                self.stream.write("\r" + " " * 110 + "\r")
        elif self.verbosity > 0 or (self.verbosity == 0 and result.status in SHOWN):
            text = result.message.partition("\n")[0]
            if result.status == "error" and self.verbosity == 0:
                # A broken harness fails every case the same way: say it three times, not three hundred.
                seen = self._repeats[text] = self._repeats.get(text, 0) + 1
                if seen > 3:
                    return
                if seen == 3:
                    text += "  (further errors with this message not listed)"
            self.write(f"{result.status.upper():<11} {result.vector_id}" + (f"  {text}" if text else ""))

    def summary(self, run: Run) -> None:
        ident = run.identity
        self.write(f"\n{ident.get('name')} {ident.get('version')} ({ident.get('language')}) via {run.spec}")
        if run.startup_error:
            self.write(f"BROKEN ADAPTER: the implementation did not start: {run.startup_error}")
        elif run.broken:
            self.write("BROKEN ADAPTER: every vector errored; this is a harness problem, not non-conformance.")
        for violation in run.violations:
            self.write(f"PROTOCOL VIOLATION: {violation}")
        groups = by_group(run.results)
        header = f"  {'scheme / operation':<26}{'pass':>6}{'fail':>6}{'error':>7}{'unsup':>7}{'skip':>6}{'xfail':>7}{'xpass':>7}"
        self.write(header)
        for (scheme, op), c in sorted(groups.items()):
            self.write(
                f"  {scheme + ' / ' + op:<26}{c['pass']:>6}{c['fail']:>6}{c['error']:>7}{c['unsupported']:>7}"
                f"{c['skip']:>6}{c['xfail']:>7}{c['xpass']:>7}"
            )
        if self.verbosity >= 0 and not run.startup_error:
            shown = [r for r in run.results if r.status in SHOWN]
            if run.broken:
                shown = shown[:1]
            for r in shown[:50]:
                self.write(f"\n--- {r.status.upper()} {r.vector_id}")
                if r.message:
                    self.write(f"    {r.message}")
                for line in r.diagnostic.splitlines():
                    self.write(f"    {line}")
                if r.stderr.strip() and (r.status == "error" or self.verbosity > 0):
                    self.write("    stderr (last lines):")
                    for line in r.stderr.strip().splitlines()[-8:]:
                        self.write(f"      {line}")
                self.write(f"    reproduce: {reproduce(run.spec, r.vector_id, run.vector_paths)}")
            if len(shown) > 50:
                self.write(f"\n... and {len(shown) - 50} more (see the JSON report, or select with -k)")
        for r in run.regressions[:50]:
            self.write(f"REGRESSION {r.vector_id}: passed in the baseline, now {r.status}")
        if run.baseline is not None:
            self.write(f"{len(run.regressions)} regression(s) against the baseline")
        c = run.counts
        self.write(
            f"\n{'OK' if run.ok else 'FAILED'}: {c['pass']} passed, {c['fail']} failed, {c['error']} errors, "
            f"{c['unsupported']} unsupported, {c['skip']} skipped, {c['xfail']} xfail, {c['xpass']} xpass "
            f"in {run.seconds:.2f} s; {not_tested(run)}"
        )
        for problem in run.problems:
            self.write(f"  - {problem}")


def not_tested(run: Run) -> str:
    """What a run says nothing about, per scheme/operation (shared by every report)."""
    if not run.untested:
        return "every selected vector was executed"
    parts = [
        f"{group} " + ", ".join(f"{n} {'skipped' if s == 'skip' else s}" for s, n in counts.items() if n)
        for group, counts in run.untested.items()
    ]
    return "not tested: " + "; ".join(parts)
