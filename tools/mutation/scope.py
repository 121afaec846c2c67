"""Which mutants a change touches: mutmut globs for the functions and methods whose lines a diff changed.

    python tools/mutation/scope.py [--count] [--direct] BASE     # changes from BASE (e.g. HEAD~1) to the work tree

Prints one glob per line (with --count, preceded by how many mutants mutmut makes of that function), e.g. ``hmac_conformance._gate.x_problems*`` or
``hmac_conformance._select.xǁSelectionǁ__call__*``, for files that [tool.mutmut] only_mutate selects; nothing when
the change touches none of them. Blank and comment lines change nothing. A changed line outside any function (a
module constant, a regex, an import, a dataclass field) selects every function of its file: mutmut does not mutate
module-level code, but such a change can alter what every function of the file does. ``--direct`` selects only the
functions whose own lines changed (for a check bounded in time, when the whole selection is too large).
"""

from __future__ import annotations

import ast
import fnmatch
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from mutmut.mutation.file_mutation import mutate_file_contents

if sys.version_info >= (3, 11):
    from tomllib import loads
else:  # mutmut depends on `toml` on Python 3.10
    from toml import loads

PACKAGE_DIR = "runner/"  # not part of the module name (see mutmut_cli.py)


def only_mutate() -> list[str]:
    return loads(Path("pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]["only_mutate"]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout  # noqa: S603,S607


def changed_lines(base: str) -> dict[str, set[int]]:
    """New-side line numbers changed per .py file between BASE and the work tree (a pure deletion after line n
    is recorded as -n and -(n + 1): it changes whatever holds those lines)."""
    diff = _git("diff", "--unified=0", "--no-color", base, "--", "*.py")
    lines: dict[str, set[int]] = {}
    current = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            current = line[6:] if line.startswith("+++ b/") else None
            if current:
                lines.setdefault(current, set())
        elif line.startswith("@@") and current:
            m = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", line)
            assert m, line
            start, count = int(m.group(1)), int(m.group(2) or "1")
            if count == 0:
                lines[current].update({-start, -(start + 1)})
            else:
                lines[current].update(range(start, start + count))
    return lines


def functions(path: str) -> list[tuple[str, int, int]]:
    """(mutmut's mangled name, first line including decorators, last line) of top-level functions and methods."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    out = []
    for node in tree.body:
        items = [(node, "")] if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else []
        if isinstance(node, ast.ClassDef):
            items = [(i, node.name) for i in node.body if isinstance(i, ast.FunctionDef | ast.AsyncFunctionDef)]
        for item, cls in items:
            first = min([item.lineno] + [d.lineno for d in item.decorator_list])
            name = f"x\u01c1{cls}\u01c1{item.name}" if cls else f"x_{item.name}"
            out.append((name, first, item.end_lineno or item.lineno))
    return out


def mutant_counts(path: str) -> Counter[str]:
    """How many mutants mutmut makes of each function of a file (by its mangled name)."""
    names = mutate_file_contents(path, Path(path).read_text(encoding="utf-8")).mutant_names
    return Counter(name.rpartition("__mutmut_")[0] for name in names)


def module_name(path: str) -> str:
    return path.removeprefix(PACKAGE_DIR).removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def globs_for(base: str, *, direct: bool = False) -> list[tuple[str, str, str]]:
    """(file, mangled function name, glob) of every function the change touched (``direct``: only those whose
    own lines it changed)."""
    patterns = only_mutate()
    globs: list[tuple[str, str, str]] = []
    for path, diff_lines in sorted(changed_lines(base).items()):
        if not Path(path).exists() or not any(fnmatch.fnmatch(path, p) for p in patterns):
            continue
        text = Path(path).read_text(encoding="utf-8").splitlines()
        meaningful = {
            abs(n)
            for n in diff_lines
            if n < 0 or (n <= len(text) and text[n - 1].strip() and not text[n - 1].lstrip().startswith("#"))
        }
        lines = {n for n in meaningful if 0 < n <= len(text)}
        funcs = functions(path)
        touched = {name for name, first, last in funcs if any(first <= n <= last for n in lines)}
        if not direct and any(not any(first <= n <= last for _, first, last in funcs) for n in lines):
            touched = {name for name, _, _ in funcs}
        # `name*`, not `name__mutmut_*`: mutmut also matches the glob against its test map (keyed by
        # `module.name`) to run only those functions' tests in its clean run.
        globs += [(path, name, f"{module_name(path)}.{name}*") for name in sorted(touched)]
    return globs


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    rest = [a for a in argv if not a.startswith("--")]
    if len(rest) != 1 or flags - {"--count", "--direct"}:
        print(__doc__, file=sys.stderr)
        return 2
    count = "--count" in flags
    counts: dict[str, Counter[str]] = {}
    for path, name, glob in globs_for(rest[0], direct="--direct" in flags):
        if count:
            n = (counts.get(path) or counts.setdefault(path, mutant_counts(path)))[name]
            print(f"{n} {glob}")
        else:
            print(glob)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
