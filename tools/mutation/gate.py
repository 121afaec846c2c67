"""Read mutmut's results: stable keys for mutants, the score per module, and a gate against the listed survivors.

mutmut 3 names a mutant ``hmac_conformance._gate.x_problems__mutmut_12``; the number is the mutant's position among
the mutations of that function, so it shifts whenever the function changes. Here a mutant is named by what it does:

    runner/hmac_conformance/_gate.py | problems | if c["xpass"]: | if not c["xpass"]:

that is: file | function (Class.method for a method) | the original line(s) | the mutated line(s), whitespace
squashed, from mutmut's own diff (``mutmut show``); several lines are joined with `` / `` and ``<deleted>`` stands
for a removed line. The same line mutated the same way twice in one function gets `` #2``, `` #3``... in source
order. The key survives edits anywhere else, and changes only when the mutated line itself changes (then it is a
new mutant that ought to be looked at again).

Run from the project root after ``python tools/mutation/mutmut_cli.py run``:

    python tools/mutation/gate.py summary [--markdown FILE] [GLOB...]    the score per module (killed / total)
    python tools/mutation/gate.py list    [--status S] [GLOB...]         keys of the mutants not killed
    python tools/mutation/gate.py check   [--expect-some] LISTED [GLOB...]

``check`` exits 1 for a mutant that survived (or was suspicious, crashed, had no tests or was not checked; a timeout
counts as killed) and is not listed in LISTED, for a listed entry without a reason, and, with --expect-some, when
no mutant at all was checked. In LISTED, each line is ``KEY ## why it may survive``; '#' lines and blank lines are
ignored. Entries whose function was checked but that no longer survive are printed as stale (remove them).
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from mutmut.configuration import config
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files
from mutmut.utils.format_utils import orig_function_and_class_names_from_key

NOT_KILLED = {"survived", "suspicious", "no tests", "segfault", "not checked", "check was interrupted by user"}
KILLED = {"killed", "timeout"}


@dataclass(frozen=True)
class Mutant:
    key: str
    status: str
    name: str  # mutmut's name today, for `mutmut show`
    module: str  # the file, as in the key
    seconds: float  # how long its tests ran

    @property
    def scope(self) -> tuple[str, str]:
        """(file, function): what a run that checked this mutant checked."""
        file, function, _ = self.key.split(" | ", 2)
        return file, function


def _squash(line: str) -> str:
    return re.sub(r"\s+", " ", line.strip())


def _number(name: str) -> int:
    return int(name.rpartition("__mutmut_")[2])


def stable_key(name: str, path: Path) -> str:
    func, cls = orig_function_and_class_names_from_key(name)
    diff = get_diff_for_mutant(name, path=path).splitlines()
    removed = [_squash(line[1:]) for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [_squash(line[1:]) for line in diff if line.startswith("+") and not line.startswith("+++")]
    where = f"{cls}.{func}" if cls else func
    return f"{path} | {where} | {' / '.join(removed) or '<nothing>'} | {' / '.join(added) or '<deleted>'}"


def mutants(globs: list[str] | None = None) -> list[Mutant]:
    """Every mutant of the mutated files (only those matching a glob, when given), in source order."""
    config()  # reads [tool.mutmut] from ./pyproject.toml
    rows: list[Mutant] = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        names = sorted(data.exit_code_by_key, key=lambda n: (n.rpartition("__mutmut_")[0], _number(n)))
        if globs:
            names = [n for n in names if any(fnmatch.fnmatch(n, g) for g in globs)]
        seen: Counter[str] = Counter()
        for name in names:
            key = stable_key(name, path)
            seen[key] += 1
            if seen[key] > 1:
                key += f" #{seen[key]}"
            status = status_by_exit_code[data.exit_code_by_key[name]]
            rows.append(Mutant(key, status, name, str(path), data.durations_by_key.get(name, 0.0)))
    return rows


def read_listed(path: Path) -> dict[str, str]:
    """KEY -> reason, from a survivors file."""
    listed: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        key, _, reason = raw.partition(" ## ")
        listed[key.rstrip()] = reason.strip()
    return listed


def score_table(rows: list[Mutant], listed: dict[str, str] | None = None) -> str:
    """The Markdown table of scores per module (and the survivors, when a list is given)."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    seconds: Counter[str] = Counter()
    for m in rows:
        per[m.module][m.status] += 1
        seconds[m.module] += m.seconds
    out = [
        "| module | mutants | killed | survived | other | score | listed survivors | test time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total: Counter[str] = Counter()
    for module in sorted(per):
        c = per[module]
        total.update(c)
        out.append(_row(module.removeprefix("runner/hmac_conformance/"), c, rows, listed, module, seconds[module]))
    out.append(_row("**all**", total, rows, listed, None, sum(seconds.values())))
    return "\n".join(out) + "\n"


def _row(label: str, c: Counter[str], rows: list[Mutant], listed, module: str | None, seconds: float) -> str:
    n = sum(c.values())
    killed = sum(c[s] for s in KILLED)
    other = n - killed - c["survived"]
    score = f"{killed / n * 100:.1f} %" if n else "–"
    if listed is None:
        shown = "–"
    else:
        shown = str(sum(1 for m in rows if (module is None or m.module == module) and m.key in listed))
    return f"| {label} | {n} | {killed} | {c['survived']} | {other} | {score} | {shown} | {seconds / 60:.1f} min |"


def check(rows: list[Mutant], listed: dict[str, str], expect_some: bool) -> int:
    surviving = {m.key for m in rows if m.status in NOT_KILLED}
    scopes = {m.scope for m in rows}
    stale = sorted(k for k in listed if tuple(k.split(" | ", 2)[:2]) in scopes and k not in surviving)
    for key in stale:
        print(f"notice: listed survivor no longer survives (remove it): {key}")
    unexplained = sorted(k for k, why in listed.items() if not why)
    for key in unexplained:
        print(f"LISTED WITHOUT A REASON: {key}")
    new = [m for m in rows if m.status in NOT_KILLED and m.key not in listed]
    for m in new:
        print(f"NEW {m.status.upper()}: {m.key}\n    see: python tools/mutation/mutmut_cli.py show {m.name}")
    killed = sum(m.status in KILLED for m in rows)
    print(
        f"{len(rows)} mutants checked: {killed} killed, {len(rows) - killed - len(new)} listed survivors, "
        f"{len(new)} survivors not listed; {len(stale)} stale entries"
    )
    if expect_some and not rows:
        print("no mutant was checked, but some were expected to be: the check proves nothing")
        return 1
    return 1 if new or unexplained else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("summary", "list", "check"):
        p = sub.add_parser(name)
        if name == "check":
            p.add_argument("listed", type=Path)
            p.add_argument("--expect-some", action="store_true", help="fail when no mutant was checked")
        if name == "summary":
            p.add_argument("--markdown", type=Path, help="also write the table to this file")
            p.add_argument("--listed", type=Path, help="count the listed survivors per module")
        if name == "list":
            p.add_argument("--status", action="append", help="only these statuses (default: every one not killed)")
        p.add_argument("globs", nargs="*", help="only mutants whose mutmut name matches one of these globs")
    args = parser.parse_args(argv)
    rows = mutants(args.globs or None)

    if args.command == "list":
        wanted = set(args.status) if args.status else NOT_KILLED
        for m in rows:
            if m.status in wanted:
                print(f"{m.key} ## {m.status} {m.name}")
        return 0
    if args.command == "summary":
        table = score_table(rows, read_listed(args.listed) if args.listed else None)
        print(table, end="")
        if args.markdown:
            args.markdown.parent.mkdir(parents=True, exist_ok=True)
            args.markdown.write_text("# Mutation score per module\n\n" + table, encoding="utf-8")
        return 0
    return check(rows, read_listed(args.listed), args.expect_some)


if __name__ == "__main__":
    sys.exit(main())
