"""Coverage of the spec by the vectors: which vectors cite each rule, accepting and rejecting.

The rules are read from each registered scheme's spec page, so a rule added to a page without vectors shows
up as a gap. A rule's *level* comes from its own text: MUST when it uses MUST, MUST NOT, REQUIRED, SHALL or
SHALL NOT, or no RFC 2119 key word at all (a plain statement of how things are is a requirement); SHOULD or
MAY otherwise. A MUST rule needs a vector that is accepted and one that is rejected, because a requirement
tested only from one side lets an implementation pass by always answering the same; a SHOULD or MAY rule needs
one vector of either kind. A gap that cannot be closed by vectors is *waived* with a reason in the file
``coverage.yaml`` beside the spec page; a waiver that no longer excuses a gap is an error, so waivers do not
outlive their reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance import schemes
from hmac_conformance._exceptions import UsageError
from hmac_conformance._model import Vector

#: The file of waivers, beside a scheme's spec page (``docs/spec/coverage.yaml`` for the built-in schemes).
WAIVER_FILE = "coverage.yaml"
SIDES = ("accept", "reject")
LEVELS = ("MUST", "SHOULD", "MAY")

_MUST = re.compile(r"\b(?:MUST|REQUIRED|SHALL)\b")
_SHOULD = re.compile(r"\b(?:SHOULD|RECOMMENDED)\b")
_MAY = re.compile(r"\b(?:MAY|OPTIONAL)\b")
_FENCE = re.compile(r"^(```|~~~)")


@dataclass(frozen=True)
class Rule:
    """One numbered rule of a spec page, with the level its own text gives it."""

    id: str
    scheme: str
    title: str
    level: str
    where: str


@dataclass(frozen=True)
class Waiver:
    """An excuse for one rule's missing accepting and/or rejecting vectors, with the reason."""

    rule: str
    missing: frozenset[str]
    reason: str
    where: str


@dataclass(frozen=True)
class RuleCoverage:
    """The vectors citing one rule, split by their expected outcome, and the rule's waiver if any."""

    rule: Rule
    accept: tuple[str, ...]
    reject: tuple[str, ...]
    waiver: Waiver | None

    @property
    def gaps(self) -> frozenset[str]:
        """The sides this rule still needs a vector on: both for a MUST rule, either for the others."""
        present = {side for side in SIDES if getattr(self, side)}
        if self.rule.level == "MUST":
            return frozenset(set(SIDES) - present)
        return frozenset() if present else frozenset(SIDES)

    @property
    def unwaived(self) -> frozenset[str]:
        return self.gaps - (self.waiver.missing if self.waiver else frozenset())

    @property
    def stale(self) -> frozenset[str]:
        """Sides a waiver excuses that are not gaps (a vector was added since, or the level changed)."""
        return self.waiver.missing - self.gaps if self.waiver else frozenset()


@dataclass(frozen=True)
class Coverage:
    """Every rule of the selected schemes with its vectors; waivers that name no rule of those schemes."""

    rules: tuple[RuleCoverage, ...]
    unknown_waivers: tuple[Waiver, ...]

    def problems(self) -> list[str]:
        """What ``--require-coverage`` refuses, one line each, in spec order."""
        out = []
        for rc in self.rules:
            if rc.unwaived:
                out.append(f"{rc.rule.id} ({rc.rule.level}, {rc.rule.where}): {_gap_text(rc.rule, rc.unwaived)}")
            if rc.stale and rc.waiver:
                sides = " and ".join(f"{s}ing" for s in sorted(rc.stale))
                out.append(
                    f"{rc.waiver.where}: stale waiver for {rc.rule.id}: it excuses missing {sides} vectors, "
                    "which the rule no longer lacks; remove that from the waiver"
                )
        out += [f"{w.where}: waiver for {w.rule}, which no selected spec page defines" for w in self.unknown_waivers]
        return out


def _gap_text(rule: Rule, sides: frozenset[str]) -> str:
    if rule.level != "MUST" or sides == frozenset(SIDES):
        return "no vector cites it"
    side = next(iter(sides))
    return f"no {side}ing vector cites it (a {rule.level} rule needs both)"


# -- the spec pages ---------------------------------------------------------------------------------------------


def _level(text: str) -> str:
    if _MUST.search(text):
        return "MUST"
    if _SHOULD.search(text):
        return "SHOULD"
    return "MAY" if _MAY.search(text) else "MUST"


def parse_rules(spec: Path, prefix: str, scheme: str) -> list[Rule]:
    """The rules of one spec page: a paragraph that starts ``**<prefix>-<n> — Title.**`` (or whose bold title
    ends before the sentence goes on, ``**FV-2 — Header names** are…``) opens a rule, which runs to the next
    rule or heading. A line that starts like a rule but is not written that way is an error, not a rule lost."""
    try:
        lines = spec.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"{spec}: cannot read the spec page: {exc.strerror}") from None
    heading = re.compile(rf"^\*\*({re.escape(prefix)}-[0-9]+) — (.+?)\*\*")
    near_miss = re.compile(rf"^(?:\*|#)[*#\s`]*{re.escape(prefix)}-[0-9]+\b")
    rules: list[Rule] = []
    body: list[str] | None = None  # the text of the rule being read, None between rules
    opened: tuple[str, str, int] = ("", "", 0)
    in_fence = False

    def close() -> None:
        if body is not None:
            rid, title, number = opened
            rules.append(Rule(rid, scheme, title, _level("\n".join(body)), f"{spec.name}:{number}"))

    for number, line in enumerate(lines, 1):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else heading.match(line)
        if match:
            close()
            if match[1] in {r.id for r in rules}:
                raise UsageError(f"{spec}:{number}: rule {match[1]} is defined twice")
            opened, body = (match[1], match[2].rstrip(".").strip(), number), [line]
        elif not in_fence and near_miss.match(line):
            raise UsageError(f"{spec}:{number}: a rule must start '**{prefix}-<n> — Title.**', not {line[:50]!r}")
        elif not in_fence and line.startswith("#"):
            close()
            body = None
        elif body is not None:
            body.append(line)
    close()
    return rules


def spec_rules(scheme: schemes.Scheme) -> list[Rule]:
    return parse_rules(scheme.spec, scheme.rule_prefix, scheme.name)


# -- waivers ------------------------------------------------------------------------------------------------------


def load_waivers(path: Path) -> list[Waiver]:
    """Read a waiver file; a missing file has none; a malformed one is a usage error naming the file and line.

    The file is a mapping ``waivers:`` to a list of ``{rule, missing, reason}``, where ``missing`` lists what
    the rule lacks by nature (``accept``, ``reject``, or both when no vector can show it at all)."""
    if not path.is_file():
        return []
    try:
        doc = yamlsafe.load(path)
    except yamlsafe.YamlError as exc:
        raise UsageError(str(exc.problem)) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None

    def fail(at: tuple[str | int, ...], message: str) -> UsageError:
        return UsageError(f"{path}:{doc.line_of(at) or 1}: {message}")

    value = doc.value
    if not isinstance(value, dict) or set(value) != {"waivers"} or not isinstance(value["waivers"], list):
        raise fail((), "expected a mapping with one key, 'waivers', holding a list")
    waivers: list[Waiver] = []
    for i, entry in enumerate(value["waivers"]):
        at: tuple[str | int, ...] = ("waivers", i)
        if not isinstance(entry, dict) or set(entry) != {"rule", "missing", "reason"}:
            raise fail(at, "a waiver is a mapping with exactly the keys rule, missing and reason")
        rule, missing, reason = entry["rule"], entry["missing"], entry["reason"]
        if not isinstance(rule, str) or not re.fullmatch(r"[A-Z][A-Z0-9]*-[0-9]+", rule):
            raise fail((*at, "rule"), f"rule must be a rule id such as MAC-6, got {rule!r}")
        if any(w.rule == rule for w in waivers):
            raise fail((*at, "rule"), f"a second waiver for {rule}; give one waiver per rule")
        if (
            not isinstance(missing, list)
            or not missing
            or not all(m in SIDES for m in missing)
            or len(set(missing)) != len(missing)
        ):
            raise fail((*at, "missing"), f"missing must list accept and/or reject, got {missing!r}")
        if not isinstance(reason, str) or len(reason.split()) < 3:
            raise fail((*at, "reason"), "reason must say why in words (a sentence, not a placeholder)")
        waivers.append(Waiver(rule, frozenset(missing), " ".join(reason.split()), f"{path}:{doc.line_of(at)}"))
    return waivers


# -- putting them together ----------------------------------------------------------------------------------------


def outcome(vector: Vector) -> str:
    """``reject`` when the expected result is a rejection (``valid: false``) or a refusal (``refused``), as
    every scheme's operations express them; ``accept`` for an acceptance or a computed output."""
    expected: Mapping[str, Any] = vector.expected
    return "reject" if expected.get("valid") is False or "refused" in expected else "accept"


def coverage(vectors: Iterable[Vector], scheme_names: Sequence[str] | None = None) -> Coverage:
    """The coverage of the selected schemes' rules (all registered schemes by default) by the vectors."""
    registered = schemes.all_schemes()
    selected = [registered[n] for n in (scheme_names or registered)]
    cited: dict[str, dict[str, list[str]]] = {}
    for v in vectors:
        for rule in v.rules:
            cited.setdefault(rule, {s: [] for s in SIDES})[outcome(v)].append(v.id)
    waiver_files = sorted({s.spec.parent / WAIVER_FILE for s in selected})
    waivers = {w.rule: w for path in waiver_files for w in load_waivers(path)}
    prefixes = {s.rule_prefix for s in selected}
    rules: list[RuleCoverage] = []
    for scheme in selected:
        for rule in spec_rules(scheme):
            sides = cited.get(rule.id, {s: [] for s in SIDES})
            rules.append(RuleCoverage(rule, tuple(sides["accept"]), tuple(sides["reject"]), waivers.get(rule.id)))
    defined = {rc.rule.id for rc in rules}
    # A waiver for a scheme that is not selected (``--scheme``) is not this run's business.
    unknown = [
        w
        for w in waivers.values()
        if w.rule not in defined and (w.rule.rsplit("-", 1)[0] in prefixes or not _registered_prefix(w.rule))
    ]
    return Coverage(tuple(rules), tuple(unknown))


def _registered_prefix(rule: str) -> bool:
    return any(rule.rsplit("-", 1)[0] == s.rule_prefix for s in schemes.all_schemes().values())


# -- output -------------------------------------------------------------------------------------------------------


def summary(cov: Coverage) -> dict[str, Any]:
    """Counts per scheme and level: rules, rules with an unwaived gap, waived rules."""
    out: dict[str, Any] = {}
    for rc in cov.rules:
        per = out.setdefault(rc.rule.scheme, {}).setdefault(rc.rule.level, {"rules": 0, "gaps": 0, "waived": 0})
        per["rules"] += 1
        per["gaps"] += bool(rc.unwaived)
        per["waived"] += bool(rc.waiver and rc.gaps & rc.waiver.missing)
    return out


def _status(rc: RuleCoverage) -> str:
    if rc.unwaived:
        return "GAP: " + _gap_text(rc.rule, rc.unwaived)
    if rc.gaps:
        return f"waived ({', '.join(sorted(rc.gaps))}): {rc.waiver.reason if rc.waiver else ''}"
    return "ok"


def to_json(cov: Coverage) -> dict[str, Any]:
    return {
        "format": 1,
        "rules": [
            {
                "rule": rc.rule.id,
                "scheme": rc.rule.scheme,
                "title": rc.rule.title,
                "level": rc.rule.level,
                "defined_at": rc.rule.where,
                "accept": list(rc.accept),
                "reject": list(rc.reject),
                "gaps": sorted(rc.unwaived),
                "waived": sorted(rc.gaps & rc.waiver.missing) if rc.waiver else [],
                "waiver_reason": rc.waiver.reason if rc.waiver else None,
            }
            for rc in cov.rules
        ],
        "summary": summary(cov),
        "problems": cov.problems(),
    }


def _ids(ids: Sequence[str], shown: int = 3) -> str:
    if not ids:
        return "-"
    more = f" (+{len(ids) - shown} more)" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def to_text(cov: Coverage) -> str:
    lines: list[str] = []
    scheme = None
    for rc in cov.rules:
        if rc.rule.scheme != scheme:
            scheme = rc.rule.scheme
            lines += ["" if lines else None, f"{scheme}: rule, level, accepting / rejecting vectors"]
        lines.append(
            f"  {rc.rule.id:<9} {rc.rule.level:<6} {len(rc.accept):>5} / {len(rc.reject):<5} {rc.rule.title}: "
            + _status(rc)
        )
        lines.append(f"    accept: {_ids(rc.accept)}")
        lines.append(f"    reject: {_ids(rc.reject)}")
    lines += ["", _summary_line(cov)]
    return "\n".join(line for line in lines if line is not None) + "\n"


def _summary_line(cov: Coverage) -> str:
    parts = []
    for scheme, levels in summary(cov).items():
        counts = ", ".join(
            f"{n['rules']} {level}" for level, n in sorted(levels.items(), key=lambda i: LEVELS.index(i[0]))
        )
        gaps = sum(n["gaps"] for n in levels.values())
        waived = sum(n["waived"] for n in levels.values())
        parts.append(f"{scheme} {counts} ({gaps} with gaps, {waived} waived)")
    return "rules: " + "; ".join(parts)


def to_markdown(cov: Coverage) -> str:
    lines = ["| rule | level | title | accepting | rejecting | status |", "|---|---|---|---:|---:|---|"]
    for rc in cov.rules:
        title = rc.rule.title.replace("|", "\\|")
        status = _status(rc).replace("|", "\\|")
        lines.append(f"| {rc.rule.id} | {rc.rule.level} | {title} | {len(rc.accept)} | {len(rc.reject)} | {status} |")
    return "\n".join([*lines, "", _summary_line(cov)]) + "\n"


FORMATS = ("text", "json", "markdown")


def render(cov: Coverage, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(cov), indent=1, ensure_ascii=False) + "\n"
    return to_markdown(cov) if fmt == "markdown" else to_text(cov)
