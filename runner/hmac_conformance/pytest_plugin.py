"""The pytest plugin: every selected vector is one test item, in any directory, with no test file of your own.

    pytest --hmac-impl 'jsonl:./my-adapter'             # or python:my_sdk.conformance:Impl, or cmd:...
    pytest --hmac-impl ... -k firstvision --junitxml=conformance.xml

Installed with the package (entry point ``pytest11``); inert unless an implementation is given, on the command
line or in the ini file (``hmac_impl``, …: every option has an ini twin). Items are named by vector id, so
``-k``, ``-x``, ``--lf``, ``--junitxml`` and IDE test explorers work as for any test. Each implementation runs
as one persistent process for the whole session (one per xdist worker), started at its first item. An
expected-failure list becomes strict xfail marks; an adapter error is a test *error* (setup), not a failure; an
unsupported or skipped vector is a skip with its reason; a failure's message is the runner's diagnosis, ending
with the command line that reproduces it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hmac_conformance._adapters import implementation, reproduce
from hmac_conformance._adapters.base import Adapter
from hmac_conformance._api import load_vectors, select
from hmac_conformance._compare import judge
from hmac_conformance._exceptions import AdapterError, UsageError, VectorFileError
from hmac_conformance._expectations import ExpectedFailure, check_xfail, load_xfail
from hmac_conformance._model import Vector
from hmac_conformance._outcome import Response, Result
from hmac_conformance._select import Selection

#: option name -> (ini type, help). Every option has the same-named ini setting with ``-`` as ``_``.
OPTIONS = {
    "hmac-impl": ("linelist", "implementation spec (repeatable): python:MODULE[:ATTR], cmd:COMMAND, jsonl:COMMAND"),
    "hmac-vectors": ("linelist", "vector files or folders (default: the suite's own)"),
    "hmac-scheme": ("linelist", "only vectors of this scheme (repeatable)"),
    "hmac-operation": ("linelist", "only vectors of this operation (repeatable)"),
    "hmac-tag": ("linelist", "only vectors with this tag (repeatable: any)"),
    "hmac-select": ("linelist", "only vector ids matching this glob (repeatable)"),
    "hmac-exclude": ("linelist", "leave out vector ids matching this glob (repeatable)"),
    "hmac-suite-version": ("string", "only vectors of this suite version or earlier"),
    "hmac-xfail": ("string", "expected-failure list (YAML): strict xfail"),
    "hmac-timeout": ("string", "seconds per case (default 5)"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hmac-conformance", "hmac-conformance vectors as tests")
    for name, (kind, help_text) in OPTIONS.items():
        dest = name.replace("-", "_")
        action = "append" if kind == "linelist" else "store"
        group.addoption(f"--{name}", dest=dest, action=action, default=None, help=help_text)
        parser.addini(dest, help_text, type=kind)
    group.addoption("--hmac-strict-reasons", dest="hmac_strict_reasons", action="store_true", default=None,
                    help="a rejection for another reason than the spec's is a failure")  # fmt: skip
    parser.addini("hmac_strict_reasons", "a rejection for another reason is a failure", type="bool", default=False)
    group.addoption("--hmac-include-superseded", dest="hmac_include_superseded", action="store_true", default=None,
                    help="also vectors that a newer one supersedes (errata)")  # fmt: skip
    parser.addini("hmac_include_superseded", "also superseded vectors", type="bool", default=False)


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(name)
    return value if value is not None else config.getini(name)


def pytest_configure(config: pytest.Config) -> None:
    impls = _option(config, "hmac_impl")
    if impls:
        config.pluginmanager.register(Conformance(config, list(impls)), "hmac-conformance-session")


class Conformance:
    """The session's implementations and vectors; registered only when an implementation is given."""

    def __init__(self, config: pytest.Config, impls: list[str]) -> None:
        self.config = config
        self.impls = impls
        self.strict = bool(_option(config, "hmac_strict_reasons"))
        timeout = _option(config, "hmac_timeout") or "5"
        try:
            self.timeout = float(timeout)
            paths = [Path(p) for p in _option(config, "hmac_vectors") or []]
            self.vector_paths = tuple(map(str, paths))
            selection = Selection(
                patterns=_option(config, "hmac_select") or [],
                schemes=_option(config, "hmac_scheme") or [],
                operations=_option(config, "hmac_operation") or [],
                tags=_option(config, "hmac_tag") or [],
                suite_version=_option(config, "hmac_suite_version") or None,
                excludes=_option(config, "hmac_exclude") or [],
                include_superseded=bool(_option(config, "hmac_include_superseded")),
            )
            self.vectors = select(load_vectors(paths or None), selection)
            xfail_file = _option(config, "hmac_xfail")
            self.xfail: list[ExpectedFailure] = load_xfail(Path(xfail_file)) if xfail_file else []
            check_xfail(self.xfail, self.vectors)
        except VectorFileError as exc:
            raise pytest.UsageError("\n".join(map(str, exc.problems))) from None
        except (UsageError, ValueError) as exc:
            raise pytest.UsageError(f"hmac-conformance: {exc}") from None
        if not self.vectors:
            raise pytest.UsageError("hmac-conformance: no vector matches the selection")
        self.adapters: dict[str, Adapter] = {}
        self.started: dict[str, str | None] = {}  # spec -> start-up error (None: running)

    def adapter(self, spec: str) -> Adapter:
        """The running implementation for ``spec``, started at its first use (AdapterError if it cannot)."""
        if spec not in self.started:
            try:
                made = implementation(spec, timeout=self.timeout)
                made.start()
            except (UsageError, AdapterError) as exc:
                self.started[spec] = str(exc)
            else:
                self.adapters[spec], self.started[spec] = made, None
        problem = self.started[spec]
        if problem is not None:
            raise AdapterError(f"implementation did not start: {problem}")
        return self.adapters[spec]

    def run(self, spec: str, vector: Vector) -> Result:
        adapter = self.adapter(spec)
        for _, response in adapter.run([vector]):
            return judge(vector, response, self.strict)
        return judge(vector, Response("error", message="no outcome was produced for this vector"), self.strict)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config, items: list[Any]) -> None:
        """Append the vectors (before -k, --lf and the other filters look at the items)."""
        for spec in self.impls:
            name = "hmac-conformance" if len(self.impls) == 1 else f"hmac-conformance[{spec}]"
            collector = VectorCollector.from_parent(session, name=name, nodeid=name, conformance=self, spec=spec)
            items.extend(collector.collect())

    def pytest_sessionfinish(self) -> None:
        for adapter in self.adapters.values():
            adapter.close()


class VectorCollector(pytest.Collector):
    def __init__(self, *, conformance: Conformance, spec: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.conformance, self.spec = conformance, spec

    def collect(self) -> Iterator[VectorItem]:
        for vector in self.conformance.vectors:
            item = VectorItem.from_parent(self, name=vector.id, vector=vector)
            entry = next((e for e in self.conformance.xfail if e.matches(vector.id)), None)
            if entry is not None:
                reason = entry.reason + (f" ({entry.link})" if entry.link else "")
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
            yield item


class VectorFailure(Exception):
    """A conformance failure: the runner's diagnosis is the whole report."""


class VectorItem(pytest.Item):
    def __init__(self, *, vector: Vector, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vector = vector
        self.result: Result | None = None
        self.extra_keyword_matches.update(vector.tags)  # -k may name a tag, as with markers

    @property
    def _conformance(self) -> Conformance:
        return self.parent.conformance  # type: ignore[attr-defined,no-any-return]

    @property
    def _spec(self) -> str:
        return self.parent.spec  # type: ignore[attr-defined,no-any-return]

    def setup(self) -> None:
        """Run the case here, so that an adapter error is reported as an error of the test, not a failure."""
        try:
            self.result = self._conformance.run(self._spec, self.vector)
        except AdapterError as exc:
            raise VectorFailure(str(exc)) from None
        status = self.result.status
        if status in ("unsupported", "skip"):
            pytest.skip(f"{status}: {self.result.message}")
        if status == "error":
            raise VectorFailure(self._report("adapter error"))

    def runtest(self) -> None:
        assert self.result is not None
        if self.result.status == "fail":
            raise VectorFailure(self._report("FAIL"))

    def _report(self, what: str) -> str:
        r = self.result
        assert r is not None
        lines = [f"{what} {self.vector.id}: {r.message}", *r.diagnostic.splitlines()]
        if r.stderr.strip():
            lines += ["stderr (last lines):", *r.stderr.strip().splitlines()[-8:]]
        lines.append(f"reproduce: {reproduce(self._spec, self.vector.id, self._conformance.vector_paths)}")
        return "\n".join(lines)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        if isinstance(excinfo.value, VectorFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path | str, int | None, str]:
        return self.vector.path, (self.vector.line or 1) - 1, f"{self._spec} {self.vector.id}"
