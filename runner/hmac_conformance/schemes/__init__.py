"""Schemes as plug-ins: everything that is one signature scheme, declared once and registered.

A scheme is a folder (a Python package) holding its operations, its JSON Schema fragments, its reference and
its independent cross-check, its lint, its comparators and diagnosis, its capability check and a link to its
spec page. Its ``__init__`` defines ``SCHEME = Scheme(...)``; that one value is the registration. The generic
stages (load, validate, select, execute, compare, report, the CLI) consult this registry and never name a
scheme. See docs/adding-a-scheme.md.

Schemes are found, in this order and once per process: the packages in this folder, the entry point group
``hmac_conformance.schemes`` (a distribution shipping its own scheme), and the modules named in the
environment variable ``HMAC_CONFORMANCE_SCHEMES`` (comma-separated, for a scheme that lives in a checkout).
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import os
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from hmac_conformance._exceptions import UsageError
from hmac_conformance._judging import (
    Finding,
    Hints,
    Span,
    about,
    decision,
    diff_bytes,
    field_at,
    first_difference,
    hint,
    shape_problem,
    short,
    visible,
)
from hmac_conformance._model import JsonPath, Vector

__all__ = [
    "Catalogue",
    "Finding",
    "Fuzzing",
    "Generated",
    "Hints",
    "JsonPath",
    "Judgement",
    "Mutant",
    "OneBug",
    "Operation",
    "Scheme",
    "Span",
    "Vector",
    "about",
    "all_schemes",
    "decision",
    "diff_bytes",
    "field_at",
    "first_difference",
    "get",
    "hint",
    "missing",
    "operation",
    "rule_pattern",
    "shape_problem",
    "short",
    "visible",
]

#: ``(status, message, diagnostic)``: what a comparator concludes about one output.
Judgement = tuple[Literal["pass", "fail"], str, str]
#: A comparator: the vector, the implementation's output (shape already checked), ``--strict-reasons``.
Comparator = Callable[[Vector, Mapping[str, Any], bool], Judgement]
#: ``{field: type}`` shapes an output may take (the first is the usual one; others are alternatives such as a
#: signer's refusal). A field typed ``object`` may be absent.
Shape = Mapping[str, type]

ENTRY_POINT_GROUP = "hmac_conformance.schemes"
ENVIRONMENT = "HMAC_CONFORMANCE_SCHEMES"


@dataclass(frozen=True)
class Operation:
    """One operation of one scheme: keyed by ``(scheme, operation)``, so schemes may reuse operation names."""

    name: str
    #: Where byte strings are, as JSON paths (``"*"``: every item of a list): in a vector's input (and on the
    #: wire, as Base64), in its expected value, and among the output's top-level fields.
    byte_inputs: tuple[JsonPath, ...]
    byte_expected: tuple[JsonPath, ...]
    byte_outputs: tuple[str, ...]
    #: The output shapes an in-process implementation may return (a wire answer is checked by the schema).
    shapes: tuple[Shape, ...]
    #: Compare an output with the expected value and explain any difference.
    judge: Comparator
    #: Lint: what the schema cannot say, including every expected value recomputed by the reference and by
    #: the independent implementation; one message per problem.
    check: Callable[[Vector], Iterable[str]]
    #: Key material in the input, as JSON paths: what ``--redact-keys`` scrubs.
    secrets: tuple[JsonPath, ...] = ()


@dataclass(frozen=True)
class Mutant:
    """A plausible bug: the scheme's reference with exactly one mistake that real implementations make.

    ``implementation`` is an in-process implementation — ``run_case(scheme, operation, input)`` and ``hello()``,
    as ``--impl python:`` expects — that answers the cases of its scheme. It must carry its mistake in its own
    code (a wrapper, or a patched copy of the function), never by changing the reference module: mutants run in
    one process, side by side.
    """

    #: ``<scheme>/<slug>``: stable, so that an equivalent-mutants list can name it.
    name: str
    #: One line: the mistake, as an implementation makes it.
    title: str
    #: The rule ids it breaks (at least one), from the scheme's spec page.
    rules: tuple[str, ...]
    implementation: Any


@dataclass(frozen=True)
class Scheme:
    """A signature scheme: its operations, where its spec and schemas are, and its reference."""

    name: str
    title: str
    #: Rule ids of its spec page look like ``<prefix>-<n>`` (``MAC-4``); the spec page is where they are defined.
    rule_prefix: str
    spec: Path
    #: The folder of its JSON Schema fragments: ``<op>.input``, ``<op>.expected``, ``<op>.wire-input``,
    #: ``<op>.output`` and ``supports`` (``.schema.json``), each with an ``$id`` under
    #: ``https://hmac-conformance.invalid/schema/schemes/<name>/``.
    schema_dir: Path
    operations: Mapping[str, Operation]
    #: The reference: ``run_case(operation, input) -> output``, and what it declares in a hello's ``supports``.
    reference: Callable[[str, dict[str, Any]], dict[str, Any]]
    reference_supports: Mapping[str, Any]
    #: The capabilities a vector needs beyond its operation (algorithms, encodings, modes), for ``--require``.
    features: Callable[[Vector], frozenset[str]]
    feature_names: tuple[str, ...]
    #: Why an implementation's ``supports`` entry for this scheme excludes a vector (its operation is already
    #: known to be listed), or None.
    unsupported: Callable[[Mapping[str, Any], Vector], str | None] = field(default=lambda entry, vector: None)
    #: Optional: how ``hmac-conformance fuzz`` generates its cases, built when first asked for (it imports
    #: Hypothesis); a scheme without it is not fuzzable.
    strategies: Callable[[], Fuzzing] | None = None
    #: Optional: a function returning the scheme's one-bug mutants of its reference (docs/mutants.md);
    #: ``hmac-conformance mutants`` runs each through the runner to find the bugs no vector catches.
    mutants: Callable[[], Sequence[Mutant]] | None = None

    def schema_id(self, name: str) -> str:
        return f"https://hmac-conformance.invalid/schema/schemes/{self.name}/{name}.schema.json"


@dataclass(frozen=True)
class Generated:
    """One generated case: its input (byte strings as ``bytes``), and how it was made, in a few plain ASCII
    words per step, for the description of the vector a disagreement on it becomes."""

    input: dict[str, Any]
    how: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fuzzing:
    """What the fuzzer needs of a scheme (docs/fuzz.md): the cases to generate, and what a found case cites."""

    #: Per operation: a Hypothesis strategy of ``Generated`` cases whose inputs the schema and the lint accept
    #: (the reference gives the expected value).
    inputs: Mapping[str, Any]
    #: ``(operation, input, expected) -> rule ids`` a vector of this case cites.
    rules: Callable[[str, dict[str, Any], dict[str, Any]], tuple[str, ...]]
    #: ``(operation, input, expected) -> tag sets``, preferred first: the vector gets the first that its lint
    #: accepts (tags such as ``order`` change what the lint checks).
    tags: Callable[[str, dict[str, Any], dict[str, Any]], Sequence[tuple[str, ...]]]


class OneBug:
    """A convenient base for a mutant's implementation: ``hello()`` declares what the scheme's reference
    supports (so every vector is sent), ``run_case`` answers with ``self.answer(operation, input)``."""

    #: Set by ``Catalogue``: the scheme it answers for, and the mutant's name.
    scheme: str = ""
    name: str = ""

    def hello(self) -> dict[str, Any]:
        supports = copy.deepcopy(dict(get(self.scheme).reference_supports))
        identity = {"name": f"mutant {self.name or self.scheme}", "version": "0", "language": "python"}
        return {"implementation": identity, "supports": {self.scheme: supports}}

    def run_case(self, scheme: str, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        if scheme != self.scheme:
            raise NotImplementedError(f"a {self.scheme} mutant answers {self.scheme} cases only")
        return self.answer(operation, input)

    def answer(self, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        raise NotImplementedError


class Catalogue:
    """Collects a scheme's mutants: ``mutant = Catalogue("toy")``, then ``@mutant("slug", "title", "TOY-1")`` on
    each ``OneBug`` subclass (instantiated once, with no arguments); ``mutant.all()`` is the catalogue."""

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        self._mutants: list[Mutant] = []

    def __call__(self, slug: str, title: str, *rules: str) -> Callable[[type[OneBug]], type[OneBug]]:
        def register(cls: type[OneBug]) -> type[OneBug]:
            implementation = cls()
            implementation.scheme, implementation.name = self.scheme, f"{self.scheme}/{slug}"
            self._mutants.append(Mutant(implementation.name, title, rules, implementation))
            return cls

        return register

    def all(self) -> tuple[Mutant, ...]:
        return tuple(self._mutants)


def missing(entry: Mapping[str, Any], needed: Iterable[str], key: str = "features") -> str | None:
    """The usual capability check: which of the ``needed`` names the entry's list ``key`` lacks."""
    have = entry.get(key, ())
    lacking = [name for name in needed if name not in have]  # a few names in a short list: no sets per case
    return f"{key.rstrip('s')} {', '.join(sorted(set(lacking)))} not supported" if lacking else None


# -- the registry --------------------------------------------------------------------------------------------------

_registry: dict[str, Scheme] | None = None
_registered_from: str | None = None
_held: list[Mapping[str, Scheme]] = []  # the registries runs hold (held()), innermost last


def _discover() -> dict[str, Scheme]:
    modules = [f"{__name__}.{info.name}" for info in pkgutil.iter_modules(__path__) if info.ispkg]
    found: list[Scheme] = []
    for name in modules:
        found.append(importlib.import_module(name).SCHEME)
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.append(entry.load())
    for name in filter(None, (n.strip() for n in os.environ.get(ENVIRONMENT, "").split(","))):
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise UsageError(f"{ENVIRONMENT}: cannot import scheme module {name!r}: {exc}") from None
        if not isinstance(getattr(module, "SCHEME", None), Scheme):
            raise UsageError(f"{ENVIRONMENT}: module {name!r} defines no SCHEME = Scheme(...)")
        found.append(module.SCHEME)
    schemes: dict[str, Scheme] = {}
    for scheme in found:
        if scheme.name in schemes:
            raise UsageError(f"two schemes are registered as {scheme.name!r}")
        schemes[scheme.name] = scheme
    return schemes


def all_schemes() -> Mapping[str, Scheme]:
    """Every registered scheme, by name (found once; again if HMAC_CONFORMANCE_SCHEMES changes, except while a
    run holds the registry)."""
    global _registry, _registered_from
    if _held:
        return _held[-1]
    wanted = os.environ.get(ENVIRONMENT, "")
    if _registry is None or _registered_from != wanted:
        _registry, _registered_from = _discover(), wanted
    return _registry


@contextlib.contextmanager
def held() -> Iterator[Mapping[str, Scheme]]:
    """The registry as it is now, for every lookup until the block ends. A run looks a scheme up several times
    per case, and reading the environment for each lookup cost about a microsecond (a tenth of a second per
    100,000 cases); a run also should not change schemes half way."""
    _held.append(all_schemes())
    try:
        yield _held[-1]
    finally:
        _held.pop()


def get(name: str) -> Scheme:
    schemes = all_schemes()
    if name not in schemes:
        raise KeyError(f"no scheme {name!r} is registered (known: {', '.join(schemes)})")
    return schemes[name]


def operation(scheme: str, name: str) -> Operation:
    return get(scheme).operations[name]


def rule_pattern() -> re.Pattern[str]:
    """Rule ids of every registered scheme: ``MAC-4``, ``FV-17``…"""
    prefixes = "|".join(re.escape(s.rule_prefix) for s in all_schemes().values())
    return re.compile(rf"(?:{prefixes})-[0-9]+")
