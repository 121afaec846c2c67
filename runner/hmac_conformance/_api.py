"""The public API's functions: load vectors, select them, run an implementation, read a report.

The CLI is built on these, and so is anything else (a pytest plugin, another tool): see ``hmac_conformance``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hmac_conformance import _schemas
from hmac_conformance._adapters import implementation
from hmac_conformance._adapters.base import Adapter
from hmac_conformance._compare import judge
from hmac_conformance._exceptions import UsageError, VectorFileError
from hmac_conformance._execute import Run, execute
from hmac_conformance._expectations import ExpectedFailure
from hmac_conformance._gate import Requirement
from hmac_conformance._load import load
from hmac_conformance._model import Vector, fresh_copy
from hmac_conformance._outcome import Response, Result
from hmac_conformance._select import Selection
from hmac_conformance._select import select as _select


def load_vectors(paths: Iterable[Path | str] | None = None) -> tuple[Vector, ...]:
    """Every vector of the given files or folders (default: the suite's own), checked against the schema.

    Raises VectorFileError, whose ``problems`` name file, line and vector, if any file cannot be used; run
    ``hmac-conformance validate`` for the full check (lint and every expected value recomputed).
    """
    result = load([Path(p) for p in paths] if paths is not None else None)
    if result.problems:
        raise VectorFileError(result.problems)
    return tuple(result.vectors)


def select(vectors: Iterable[Vector], selection: Selection | None = None, **criteria: Any) -> tuple[Vector, ...]:
    """The vectors a selection keeps, in order: ``select(vectors, schemes=["hmac"], tags=["rfc4231"])``."""
    return tuple(_select(vectors, selection or Selection(**criteria)))


def run(
    impl: str | Adapter,
    vectors: Sequence[Vector],
    *,
    strict_reasons: bool = False,
    xfail: Sequence[ExpectedFailure] = (),
    requirements: Sequence[Requirement] = (),
    baseline: frozenset[str] | None = None,
    redact_keys: bool = False,
    on_result: Callable[[Result, int, int], None] | None = None,
    timeout: float = 5.0,
    env: Mapping[str, str] | None = None,
) -> Run:
    """Run vectors against an implementation (an ``--impl`` spec or an adapter): one Result per vector."""
    adapter = implementation(impl, timeout=timeout, env=env) if isinstance(impl, str) else impl
    return execute(
        adapter,
        vectors,
        strict_reasons=strict_reasons,
        xfail=xfail,
        redact_keys=redact_keys,
        on_result=on_result,
        requirements=requirements,
        baseline=baseline,
    )


@dataclass(frozen=True)
class Case:
    """One vector as a test case for an SDK's own test suite: its input, and ``check(output)``, which judges an
    output exactly as the runner would and raises AssertionError with the runner's diagnosis."""

    vector: Vector

    @property
    def id(self) -> str:
        return self.vector.id

    @property
    def input(self) -> dict[str, Any]:
        """A fresh copy of the input (byte strings as ``bytes``): the test may change it freely."""
        return fresh_copy(self.vector.input)

    @property
    def expected(self) -> dict[str, Any]:
        return fresh_copy(self.vector.expected)

    def check(self, output: Mapping[str, Any], *, strict_reasons: bool = False) -> None:
        result = judge(self.vector, Response("output", output=dict(output)), strict_reasons)
        if result.status != "pass":
            raise AssertionError("\n".join(x for x in (f"{self.id}: {result.message}", result.diagnostic) if x))

    def __str__(self) -> str:  # pytest uses it for parametrize ids (ids=str)
        return self.id


def cases(
    scheme: str | None = None,
    operation: str | None = None,
    *,
    tags: Sequence[str] = (),
    patterns: Sequence[str] = (),
    exclude: Sequence[str] = (),
    suite_version: str | None = None,
    include_superseded: bool = False,
    paths: Iterable[Path | str] | None = None,
) -> tuple[Case, ...]:
    """The suite's vectors as test cases, for ``pytest.mark.parametrize("case", cases(...), ids=str)``."""
    selection = Selection(
        patterns=patterns,
        schemes=[scheme] if scheme else [],
        operations=[operation] if operation else [],
        tags=tags,
        suite_version=suite_version,
        excludes=exclude,
        include_superseded=include_superseded,
    )
    return tuple(Case(v) for v in select(load_vectors(paths), selection))


def read_report(path: Path | str) -> dict[str, Any]:
    """A JSON report written by ``run --report json:PATH``, checked against schema/report.schema.json."""
    try:
        document: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read report {path}: {exc}") from None
    errors = list(_schemas.validator("report.schema.json").iter_errors(document))
    if errors:
        raise UsageError(f"{path} is not a hmac-conformance JSON report: {errors[0].message[:200]}")
    return document
