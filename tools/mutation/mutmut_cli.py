"""mutmut 3.8.1, adapted to a package that lives in runner/ (any mutmut command: run, show, results, browse, ...).

    python tools/mutation/mutmut_cli.py run --max-children 2 "hmac_conformance._select*"

mutmut copies runner/ into mutants/runner/ and mutates it there, but it only knows the ./, src/ and source/
layouts. Two things are adapted, nothing else:

- Names. mutmut names a mutant after its file, ``runner.hmac_conformance._select.x_select__mutmut_1``, while the
  trampoline in the mutated code compares the module part with ``__module__`` (``hmac_conformance._select``): the
  names would never match and every mutant would "survive" untested. The leading ``runner.`` is dropped, as mutmut
  itself drops ``src.``.
- Import path. ``mutants/runner`` goes first on sys.path, and the editable install's ``runner/`` (a .pth entry)
  is removed, so that ``import hmac_conformance`` in mutmut's process (and in the pytest runs it forks) is the
  mutated copy and the original cannot be imported. tests/conftest.py checks this when a mutant is active.

Implementations the tests start as subprocesses (tests/impls/*.py, examples/python/adapter.py) get the minimal
environment of ``Command.parse`` (no PYTHONPATH, no MUTANT_UNDER_TEST), so they import the editable install: the
original code, never a mutant. ``run`` checks that before it starts (``child_imports_original``).

``--only FILE,FILE... COMMAND`` mutates only those files (of [tool.mutmut] only_mutate): mutmut makes the mutants
of every selected file before it runs any, which takes a minute or more for all of them; a bounded check (CI) needs
only the files it checks.

``--tests FILE,FILE... COMMAND`` judges the mutants by those test files only (the --ignore and --deselect options
of [tool.mutmut] still apply): mutmut first runs every selected test once to learn which tests reach which
function, so a bounded check (CI's fixed sample) names the fast tests that are about its functions.

``print-time-estimates`` is refused: in 3.8.1 it empties the test map in mutants/mutmut-stats.json.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mutmut.__main__ as mutmut_main
from mutmut.configuration import config
from mutmut.mutation import file_mutation
from mutmut.utils import format_utils

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = "runner"
_get_mutant_name = format_utils.get_mutant_name
_setup_source_paths = mutmut_main.setup_source_paths


def get_mutant_name(relative_source_path: Path, mutant_method_name: str) -> str:
    """mutmut's name, without the ``runner.`` that is a folder and not part of the module name."""
    path = Path(relative_source_path)
    if path.parts and path.parts[0] == PACKAGE_DIR:
        path = Path(*path.parts[1:])
    return _get_mutant_name(path, mutant_method_name)


def setup_source_paths() -> None:
    _setup_source_paths()
    package_root = (ROOT / PACKAGE_DIR).resolve()
    sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != package_root]
    sys.path.insert(0, str((ROOT / "mutants" / PACKAGE_DIR).resolve()))


def child_imports_original() -> None:
    """An implementation started by the runner (minimal environment, as Command.parse builds it) must import
    the original package, not a mutant: exit with a message otherwise."""
    passed = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: os.environ[k] for k in passed if k in os.environ}
    probe = "import hmac_conformance; print(hmac_conformance.__file__)"
    out = subprocess.run(  # noqa: S603 - a fixed argv
        [sys.executable, "-c", probe], cwd=ROOT / "mutants", env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    expected = ROOT / PACKAGE_DIR / "hmac_conformance" / "__init__.py"
    if Path(out).resolve() != expected.resolve():
        sys.exit(f"mutmut_cli: an implementation subprocess imports {out}, not the original {expected}")


def main() -> None:
    os.chdir(ROOT)
    if sys.argv[1:2] == ["--only"]:
        only = sys.argv[2].split(",")
        del sys.argv[1:3]
        unknown = sorted(set(only) - set(config().only_mutate))
        if unknown:
            sys.exit(f"mutmut_cli: --only {', '.join(unknown)}: not in [tool.mutmut] only_mutate")
        config().only_mutate = only
    if sys.argv[1:2] == ["--tests"]:
        tests = sys.argv[2].split(",")
        del sys.argv[1:3]
        missing = [t for t in tests if not (ROOT / t).is_file()]
        if missing:
            sys.exit(f"mutmut_cli: --tests {', '.join(missing)}: no such file")
        options = [a for a in config().pytest_add_cli_args_test_selection if a.startswith("-")]
        config().pytest_add_cli_args_test_selection = [*tests, *options]
    if sys.argv[1:2] == ["print-time-estimates"]:
        # mutmut 3.8.1, run on its own, empties the test map in mutants/mutmut-stats.json: every later mutant
        # would be "no tests".
        sys.exit("mutmut_cli: print-time-estimates corrupts mutants/mutmut-stats.json in mutmut 3.8.1; not run")
    for module in (format_utils, file_mutation, mutmut_main):
        module.get_mutant_name = get_mutant_name  # type: ignore[attr-defined]
    mutmut_main.setup_source_paths = setup_source_paths
    if sys.argv[1:2] == ["run"]:
        (ROOT / "mutants").mkdir(exist_ok=True)
        child_imports_original()
    mutmut_main.cli()


if __name__ == "__main__":
    main()
