"""Lint: what the schema cannot say about vector files. The generic rules are here (ids, tags, rules, versions);
each scheme's lint, which recomputes every expected value with its reference and its independent cross-check,
is in the scheme's folder."""

from __future__ import annotations

import dataclasses
import functools
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hmac_conformance import _cache as cache
from hmac_conformance import _coverage as coverage
from hmac_conformance import _load, _parallel, schemes
from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance._load import LoadResult
from hmac_conformance._model import Outline, Problem, Vector, version_key

SINCE_FORMAT = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
TAG_FORMAT = re.compile(r"[a-z0-9][a-z0-9-]*")
ID_PATH = r"(/[a-z0-9][a-z0-9._-]*)+"


def known_rules() -> frozenset[str]:
    """Rule ids defined in the registered schemes' spec pages (lines such as ``**FV-7 — Timestamp syntax.**``),
    read as ``coverage`` reads them: a rule inside a code block is no rule, and a malformed heading is an error."""
    return frozenset(rule.id for scheme in schemes.all_schemes().values() for rule in coverage.spec_rules(scheme))


def lint(result: LoadResult, suite_version: str | None = None) -> list[Problem]:
    """Every problem of meaning in the loaded vectors (the schema has already passed them): the rules across
    vectors and files, and each scheme's recomputation of every expected value."""
    return _rules(result.vectors, suite_version) + _check_problems(result.vectors)


def _rules(vectors: Sequence[Vector | Outline], suite_version: str | None = None) -> list[Problem]:
    """The generic rules (ids, tags, rules, versions, errata), which read only what an outline holds. What many
    vectors share (a tag, a version) is judged once."""
    problems: list[Problem] = []
    rules = known_rules()
    version = suite_version or paths.suite_version()
    first_seen: dict[str, Vector | Outline] = {}
    by_id = {v.id: v for v in vectors}
    id_formats: dict[str, re.Pattern[str]] = {}  # by scheme: compiled once, not looked up per vector
    good_tags: set[str] = set()
    since_problems: dict[str, str | None] = {}

    def problem(v: Vector | Outline, message: str) -> None:
        problems.append(Problem(v.path, v.line, message, v.id))

    for v in vectors:
        id_format = id_formats.get(v.scheme) or id_formats.setdefault(
            v.scheme, re.compile(re.escape(v.scheme) + ID_PATH)
        )
        if not id_format.fullmatch(v.id):
            problem(v, f"id must look like '{v.scheme}/<group>/<name>' (lowercase letters, digits, '.', '_', '-')")
        if v.id in first_seen:
            problem(v, f"duplicate id (first used at {first_seen[v.id].where})")
        else:
            first_seen[v.id] = v
        if v.description.startswith("TODO"):
            problem(v, "description is still the skeleton's TODO: say which bug this vector catches")
        for tag in v.tags:
            if tag in good_tags:
                continue
            if TAG_FORMAT.fullmatch(tag):
                good_tags.add(tag)
            else:
                problem(v, f"tag {tag!r} must be lowercase letters, digits and '-'")
        for rule in v.rules:
            if rule not in rules:
                problem(v, f"cites rule {rule}, which the spec (docs/spec/) does not define")
        if v.since not in since_problems:
            since_problems[v.since] = _since_problem(v.since, version)
        if (message := since_problems[v.since]) is not None:
            problem(v, message)
        if v.superseded_by is not None:
            _check_superseded(v, by_id.get(v.superseded_by), functools.partial(problem, v))
    return problems


def _since_problem(since: str, version: str) -> str | None:
    # The schema's patterns end in "$", which Python's re also matches before a final newline.
    if not SINCE_FORMAT.fullmatch(since):
        return f"since {since!r} must be a version such as '1.0.0'"
    if version_key(since) > version_key(version):
        return f"since {since} is later than the suite version {version}"
    return None


def _check_problems(vectors: list[Vector]) -> list[Problem]:
    return [Problem(v.path, v.line, message, v.id) for v, messages in _checks(vectors) for message in messages]


@dataclass
class Validated:
    """What ``validate`` keeps of the files it read: their vectors' outlines (the vectors themselves stay in the
    worker that checked them, so that a large corpus is validated in bounded memory) and their load problems."""

    outlines: list[Outline] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: How many of the vectors had their expected values confirmed by an earlier run of the same code on the
    #: same file bytes (the content-hash cache), rather than by this one.
    confirmed_earlier: int = 0


@dataclass(frozen=True)
class _Checked:
    """One file loaded and its vectors checked: ``found`` are the checks' problems; ``earlier`` says that an
    earlier run of the same code on the same bytes found none (a cache hit), so this run computed nothing."""

    outlines: tuple[Outline, ...]
    problems: tuple[Problem, ...]
    found: list[Problem]
    earlier: bool = False


def _load_and_check(path: Path) -> _Checked:
    """One file loaded and its vectors checked by their scheme (the costly part of lint), in one step that a
    worker process can take for a large corpus: both then run on every core, and only the outlines travel back.
    The file's one cache entry says whether its vectors checked clean, so a file is written to the cache once,
    loaded and checked."""
    try:
        raw = path.read_bytes()
    except OSError:
        _, _, problems = _load.read_and_load(path)  # which words the error
        return _Checked((), problems, [])
    hit = _load.cached(str(path), raw)
    if hit is not None and hit.outlines is not None:
        return _Checked(hit.outlines, hit.problems, [], earlier=True)
    vectors, problems = (hit.vectors, hit.problems) if hit is not None else _load.load_bytes_uncached(str(path), raw)
    with schemes.held():  # each check looks its operation up: not in the environment each time
        found = [(v, _check(v)) for v in vectors]
    in_suite = paths.in_suite(path)
    outlines = tuple(released.outline(v, in_suite=in_suite) for v in vectors)
    if not any(messages for _, messages in found):  # its entry, pickled once: by the run that loaded it, or now
        entry = _load.CachedFile.of(vectors, problems) if hit is None else hit
        _load.remember(str(path), raw, dataclasses.replace(entry, outlines=outlines))
    elif hit is None:  # a loaded file whose checks fail is remembered as loaded only
        _load.remember(str(path), raw, _load.CachedFile.of(vectors, problems))
    return _Checked(
        outlines, problems, [Problem(v.path, v.line, message, v.id) for v, messages in found for message in messages]
    )


def _cached_load_and_check(path: Path) -> _Checked | None:
    """``_load_and_check(path)`` from the cache alone (loaded and checked clean before), else None. An entry
    that a ``run`` wrote (loaded, not checked) is not read here: the worker that checks the file reads it."""
    hit = _load.cached_file(path, checked_only=True)
    if hit is None or hit.outlines is None:
        return None
    return _Checked(hit.outlines, hit.problems, [], earlier=True)


def _load_checked(targets: list[Path] | None) -> tuple[Validated, list[Problem]]:
    result, checked = Validated(), []
    with cache.loading_files() as some_cached:
        for file in _parallel.map_in_order(
            _load_and_check,
            _load.vector_files(targets if targets else [paths.VECTORS]),
            answered=_cached_load_and_check if some_cached else None,
        ):
            result.outlines.extend(file.outlines)
            result.problems.extend(file.problems)
            checked.extend(file.found)
            if file.earlier:
                result.confirmed_earlier += len(file.outlines)
    return result, checked


def _check(v: Vector) -> list[str]:
    """The scheme's recomputation of one vector's expected value, by its reference and its cross-check."""
    try:
        return list(schemes.operation(v.scheme, v.operation).check(v))
    except Exception as exc:  # noqa: BLE001 - a vector that crashes a check is itself the problem
        return [f"cannot be recomputed: {type(exc).__name__}: {exc}"]


def _checks(vectors: list[Vector]) -> list[tuple[Vector, list[str]]]:
    """Every vector's check messages. A file's vectors that all check clean are remembered in the content-hash
    cache, keyed by the vectors themselves (and the code, as every cache key): rechecking them is skipped."""
    by_file: dict[Path, list[Vector]] = {}
    for v in vectors:
        by_file.setdefault(v.path, []).append(v)
    out: list[tuple[Vector, list[str]]] = []
    for group in by_file.values():
        entry = cache.key("check", pickle.dumps(group, protocol=pickle.HIGHEST_PROTOCOL))
        if cache.get(entry) is True:
            continue
        found = [(v, _check(v)) for v in group]
        out += [(v, messages) for v, messages in found if messages]
        if not any(messages for _, messages in found):
            cache.put(entry, True)
    return out


def _check_superseded(
    v: Vector | Outline, replacement: Vector | Outline | None, problem: Callable[[str], None]
) -> None:
    """Errata: the replacement is a vector of the same operation, newer, and itself current."""
    if replacement is None:
        problem(f"superseded_by {v.superseded_by}, which no loaded vector file holds")
    elif (replacement.scheme, replacement.operation) != (v.scheme, v.operation):
        problem(
            f"superseded_by {replacement.id}, a {replacement.scheme}/{replacement.operation} vector: not the same test"
        )
    elif replacement.superseded_by is not None:
        problem(f"superseded_by {replacement.id}, which is superseded itself: point at {replacement.superseded_by}")
    elif version_key(replacement.since) <= version_key(v.since):
        problem(f"superseded_by {replacement.id} (since {replacement.since}), which is not newer than this vector")


def _release_problems(result: Validated, targets: list[Path] | None) -> list[Problem]:
    """The suite's own vectors against the manifest of released ones; missing ones only when all were loaded."""
    manifest, problems = released.read_manifest(released.manifest_path(paths.VECTORS))
    ours = [o for o in result.outlines if o.digest is not None]  # an outline has its digest iff it is the suite's
    whole = targets is None or {t.resolve() for t in targets} == {paths.VECTORS.resolve()}
    return problems + released.check(ours, manifest, complete=whole and not result.problems)


def validate(targets: Iterable[Path] | None = None) -> tuple[Validated, list[Problem]]:
    """Load, schema-check and lint, and hold the released vectors to the manifest; return the vectors' outlines
    and every problem, sorted by file and line."""
    targets = list(targets) if targets is not None else None
    result, checked = _load_checked(targets)
    problems = result.problems + checked + _rules(result.outlines) + _release_problems(result, targets)
    problems.sort(key=lambda p: (str(p.path), p.line or 0))
    return result, problems
