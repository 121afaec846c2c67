"""Judge a ``sigv4`` output: a canonical request or string to sign line by line (which line differs, then the
byte within it), a signature (and its intermediates when returned, and the diagnosis catalogue), what signing
added (a multiset), a signer's refusal, a verifier's decision and reason."""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hmac_conformance.schemes import Comparator, Hints, Judgement, Span, Vector, about, decision, diff_bytes, visible
from hmac_conformance.schemes.sigv4 import diagnose
from hmac_conformance.schemes.sigv4.reference import ascii_lower, percent_decode

#: What a verifier most likely got wrong when it accepts a request that must be rejected for this reason, and the
#: rules the hint is about (shown only for a vector that cites one of them).
HINTS: Hints = {
    "missing-authorization": (
        ("SIGV4-26",),
        "a request with neither an Authorization header nor an X-Amz-Algorithm parameter is not signed: reject it",
    ),
    "malformed-authorization": (
        ("SIGV4-26", "SIGV4-27", "SIGV4-28"),
        "parse strictly: one mechanism, one field each, Credential/SignedHeaders/Signature in order, five scope "
        "parts, lowercase sorted unique signed headers, 64 lowercase hex digits",
    ),
    "unsupported-algorithm": (("SIGV4-27",), "compare the algorithm with AWS4-HMAC-SHA256 exactly (case-sensitive)"),
    "malformed-date": (
        ("SIGV4-16", "SIGV4-29"),
        "X-Amz-Date is exactly YYYYMMDD'T'HHMMSS'Z', a real date and time; no lenient ISO 8601 parser",
    ),
    "bad-expires": (("SIGV4-30",), "X-Amz-Expires: one parameter, canonical decimal, from 1 to 604800"),
    "unknown-access-key": (("SIGV4-31",), "look the secret up by the exact access key id; no default key"),
    "wrong-scope": (
        ("SIGV4-17", "SIGV4-31"),
        "the scope date must be the request date's first 8 characters, region and service the verifier's own, "
        "the terminator aws4_request — a right signature under another scope is not enough",
    ),
    "unsigned-header": (
        ("SIGV4-32",),
        "host and every x-amz-* header (except x-amz-security-token) must be listed in SignedHeaders",
    ),
    "missing-signed-header": (
        ("SIGV4-33",),
        "every name in SignedHeaders must be a header of the request; never canonicalise an absent one as empty",
    ),
    "clock-skew": (("SIGV4-34",), "|now − X-Amz-Date| ≤ max_skew_seconds, in both directions, inclusive at the edge"),
    "expired": (
        ("SIGV4-35",),
        "a presigned URL is valid from X-Amz-Date − max skew to X-Amz-Date + X-Amz-Expires, both ends inclusive",
    ),
    "signature-mismatch": (
        ("SIGV4-36",),
        "recompute from the request as received: the body's own hash (not X-Amz-Content-Sha256's value), "
        "every query parameter but X-Amz-Signature, the signed headers in the order listed",
    ),
}

_RULES = {
    "method": "SIGV4-4",
    "canonical URI": "SIGV4-5..8",
    "canonical query string": "SIGV4-9",
    "canonical header": "SIGV4-10..12",
    "empty line ending the canonical headers": "SIGV4-3",
    "signed headers": "SIGV4-14",
    "payload hash": "SIGV4-15",
    "algorithm": "SIGV4-1",
    "request date": "SIGV4-16",
    "credential scope": "SIGV4-17",
    "hash of the canonical request": "SIGV4-18",
}
_WHAT = {"canonical_request": "canonical request", "string_to_sign": "string to sign"}
_SHOWN = 100  # characters of a line shown in a diff


# -- the lines of a canonical request or string to sign ----------------------------------------------------------


def lines_of(field: str, text: str) -> list[tuple[str, str]] | None:
    """The lines of a canonical request (SIGV4-3) or string to sign (SIGV4-18) with their names — ``method``,
    ``canonical URI``, ``canonical header host``… — or None when the text does not have that layout."""
    lines = text.split("\n")
    if field == "string_to_sign":
        if len(lines) != 4:
            return None
        return list(
            zip(("algorithm", "request date", "credential scope", "hash of the canonical request"), lines, strict=True)
        )
    if len(lines) < 6 or lines[-3] != "":
        return None
    named = [("method", lines[0]), ("canonical URI", lines[1]), ("canonical query string", lines[2])]
    named += [(f"canonical header {_header_name(line)}", line) for line in lines[3:-3]]
    named += [
        ("empty line ending the canonical headers", ""),
        ("signed headers", lines[-2]),
        ("payload hash", lines[-1]),
    ]
    return named


def _header_name(line: str) -> str:
    return line.partition(":")[0]


def _spans(named: Sequence[tuple[str, str]]) -> list[Span]:
    """Each line's byte range in the UTF-8 text, its LF included (a line that grew differs at the LF)."""
    spans, start = [], 0
    for name, line in named:
        end = start + len(line.encode("utf-8")) + 1
        spans.append((name, start, end))
        start = end
    return spans


def _rule(name: str) -> str:
    return _RULES.get(name, _RULES["canonical header"] if name.startswith("canonical header") else "SIGV4-3")


def _show(line: str) -> str:
    text = visible(line.encode("utf-8"))
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _shown_line(line: str | None) -> str:
    if line is None:
        return "(no such line)"
    return _show(line) if line else "(empty line)"


#: A differing line: what differs (its name, and how), the rule, the expected line and the got line (None: no
#: such line; "" is an empty line, such as an empty canonical query string).
Difference = tuple[str, str, str | None, str | None]
_HEADER_RULES = "SIGV4-10..12"


def _header_differences(want: list[str], got: list[str]) -> list[Difference]:
    """Canonical header lines aligned by name, not by position (a missing line shifts every later one)."""
    want_by = {_header_name(line): line for line in want}
    got_names = [_header_name(line) for line in got]
    got_by: dict[str, list[str]] = {}
    for line in got:
        got_by.setdefault(_header_name(line), []).append(line)
    out: list[Difference] = []
    for name, line in want_by.items():
        lines = got_by.pop(name, [])
        folded = next((n for n in got_by if ascii_lower(n) == name), None)
        if not lines and folded is not None:
            lines = got_by.pop(folded)
            out.append((f"canonical header {name}, name not lower-cased ({folded!r})", "SIGV4-10", line, lines[0]))
        elif not lines:
            out.append((f"canonical header {name} missing", _HEADER_RULES, line, None))
        elif len(lines) > 1:
            name_lines = f"canonical header {name} on {len(lines)} lines (repeated fields are joined with ',')"
            out.append((name_lines, "SIGV4-12", line, "\n".join(lines)))
        elif lines[0] != line:
            out.append((f"canonical header {name}", _HEADER_RULES, line, lines[0]))
    for name, lines in got_by.items():
        if name == "" and not any(lines):  # an empty line is no header: the header block is cut short
            what = "an empty line" if len(lines) == 1 else f"{len(lines)} empty lines"
            out.append((f"{what} among the canonical headers", "SIGV4-3", None, ""))
        elif name == "":
            out.append(("a canonical header line without a name", "SIGV4-10", None, lines[0]))
        else:
            out.append((f"canonical header {name} not expected", "SIGV4-13", None, lines[0]))
    if not out and got_names != list(want_by):
        out.append(("canonical headers not sorted by name", "SIGV4-10", ";".join(want_by), ";".join(got_names)))
    return out


def _line_differences(field: str, want: list[tuple[str, str]], got_text: str) -> tuple[list[Difference], list[str]]:
    """Every differing line, and notes on the layout of ``got_text``."""
    notes: list[str] = []
    if "\r" in got_text:
        notes.append("the text holds CR: lines are separated by LF alone (SIGV4-3, SIGV4-18)")
    ending = len(got_text) - len(got_text.rstrip("\n"))
    if ending:  # the last line of either text is a hash (or UNSIGNED-PAYLOAD), never empty
        lfs = "LF" if ending == 1 else f"{ending} LFs"
        notes.append(f"it ends with {lfs}: a {_WHAT[field]} has no LF after its last line (SIGV4-3, SIGV4-18)")
        got_text = got_text[:-ending]
    got = lines_of(field, got_text)
    raw = got_text.split("\n")
    if got is None and field == "canonical_request" and len(raw) >= 5 and raw[-3] != "":
        notes.append(
            "no empty line after the canonical headers: each canonical header line ends with LF, so an empty line "
            "comes before the signed headers (SIGV4-3)"
        )
        got = lines_of(field, "\n".join([*raw[:-2], "", *raw[-2:]]))
    if got is None:
        count = "4 lines (SIGV4-18)" if field == "string_to_sign" else "at least 6 lines (SIGV4-3)"
        notes.append(f"got {len(raw)} lines; a {_WHAT[field]} has {count}")
        return [], notes

    def by_position(indexes: Sequence[int]) -> list[Difference]:
        assert got is not None
        return [(want[i][0], _rule(want[i][0]), want[i][1], got[i][1]) for i in indexes if want[i][1] != got[i][1]]

    if field == "string_to_sign":
        return by_position(range(4)), notes
    headers = _header_differences([line for _, line in want[3:-3]], [line for _, line in got[3:-3]])
    return by_position((0, 1, 2)) + headers + by_position((-2, -1)), notes


def text_diff(vector: Vector, field: str, got: str) -> tuple[str, str]:
    """A one-line summary naming the differing lines, and the detail: the first differing line and the byte
    within it (``diff_bytes`` over the text with one span per line), every differing line, the diagnosis."""
    want = vector.expected[field]
    named = lines_of(field, want)
    if named is None:  # not a canonical layout: the lint reports such an expected value
        named, differing, notes = [(_WHAT[field], want)], [], []
    else:
        differing, notes = _line_differences(field, named, got)
    want_bytes, got_bytes = want.encode("utf-8"), got.encode("utf-8")
    first = _first_line(named, want_bytes, got_bytes)
    first_name = named[first][0]
    detail = [f"{_WHAT[field]}: first differing line is line {first + 1}, the {first_name} ({_rule(first_name)})"]
    detail.append(diff_bytes(want_bytes, got_bytes, _spans(named)))
    if differing:
        detail.append("differing lines:")
        for name, rule, w, g in differing:
            detail.append(f"  {name} ({rule})")
            detail.append(f"    expected: {_shown_line(w)}")
            detail.append(f"    got:      {_shown_line(g)}")
    detail += [f"note: {n}" for n in notes]
    if field == "string_to_sign" and [d[0] for d in differing] == ["hash of the canonical request"]:
        twin = vector.id.rpartition("/")[0] + "/canonical-request"
        detail.append(
            f"only the hash differs: the canonical request behind it is wrong (the vector {twin} shows it), "
            "or it is not hashed as the lowercase hex SHA-256 of its UTF-8 bytes"
        )
    finding = diagnose.text(vector, field, got)
    detail += finding.lines
    names = [d[0] for d in differing] or [first_name]
    summary = f"{_WHAT[field]} differs: {', '.join(names)}"
    if finding.entries:
        summary += f" ({finding.summary})"
    return summary, "\n".join(detail)


def _first_line(named: Sequence[tuple[str, str]], want: bytes, got: bytes) -> int:
    at = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), min(len(want), len(got)))
    for index, (_, start, end) in enumerate(_spans(named)):
        if start <= at < end:
            return index
    return len(named) - 1


# -- refusals ------------------------------------------------------------------------------------------------------


def _refusal(vector: Vector, output: Mapping[str, Any], strict_reasons: bool, what: str) -> Judgement:
    """A vector that expects a refusal (SIGV4-25), or a signer that refused."""
    want, got = vector.expected.get("refused"), output.get("refused")
    if want is None:
        hint = "hint: a signer refuses only a query-mode expires outside 1..604800 (SIGV4-25)"
        return "fail", f"refused to sign valid inputs (said {got!r})", f"{about(vector)}\n{hint}"
    if got is None:
        detail = f"expires given: {vector.input.get('expires')!r}\nhint: a presigned URL lives 1 to 604800 seconds"
        return (
            "fail",
            f"produced a {what} although expires is outside 1..604800; a signer must refuse (SIGV4-25)",
            detail,
        )
    if got != want:
        note = f"refused for reason {got!r}; the spec's reason is {want!r}"
        return ("fail" if strict_reasons else "pass"), note, ""
    return "pass", "", ""


# -- the operations ------------------------------------------------------------------------------------------------


def _text(field: str) -> Comparator:
    def judge(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
        if "refused" in vector.expected or "refused" in output:
            return _refusal(vector, output, strict_reasons, _WHAT[field])
        if output[field] == vector.expected[field]:
            return "pass", "", ""
        summary, detail = text_diff(vector, field, output[field])
        return "fail", summary, detail

    judge.__name__ = field
    return judge


canonical_request = _text("canonical_request")
string_to_sign = _text("string_to_sign")


def describe_signature(got: str, want: str) -> str:
    """What a signature text looks like, so an encoding bug is named rather than just shown."""
    if not got:
        return "empty"
    if got.lower() == want:
        return "the right MAC in upper-case hex; SIGV4-20 wants lowercase"
    if "Signature=" in got or got.startswith("AWS4-"):
        return "an Authorization value, not the signature alone"
    if re.fullmatch(r"[0-9a-fA-F]+", got):
        if len(got) != 64:
            return f"{len(got)} hex digits; a signature has 64 (SIGV4-20)"
        return "64 hex digits (right shape, different MAC)"
    try:
        raw = base64.b64decode(got, validate=True)
    except (binascii.Error, ValueError):
        return "not hex"
    if raw == bytes.fromhex(want):
        return "Base64 of the right MAC; SIGV4-20 wants lowercase hex"
    return f"Base64 of {len(raw)} bytes, not hex (SIGV4-20)"


def _pairs(value: Any) -> list[tuple[str, str]] | None:
    if not isinstance(value, list | tuple):
        return None
    pairs = []
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            return None
        pairs.append((item[0], item[1]))
    return pairs


def _added(vector: Vector, got_value: Any, got_signature: str) -> tuple[list[str], list[str]]:
    """``added`` as a multiset (SIGV4-22, SIGV4-24): header names case-insensitive, query names exact, order free."""
    got = _pairs(got_value)
    if got is None:
        return ["added is not a list of [name, value] pairs"], [f"added: got {got_value!r}"]
    header = vector.input["mode"] == "header"
    kind = "header" if header else "parameter"

    def key(name: str) -> str:
        return ascii_lower(name) if header else name

    want = [(name, value) for name, value in vector.expected["added"]]
    want_count = Counter((key(n), v) for n, v in want)
    got_count = Counter((key(n), v) for n, v in got)
    lacking, extra = sorted((want_count - got_count).elements()), sorted((got_count - want_count).elements())
    spelled = {key(n): n for n, _ in got} | {key(n): n for n, _ in want}
    problems: list[str] = []
    details: list[str] = []
    for name, value in lacking:
        label = spelled[name]
        match = next((e for e in extra if e[0] == name), None)
        match = match or next((e for e in extra if ascii_lower(e[0]) == ascii_lower(name)), None)
        if match is None:
            problems.append(f"added {kind} {label} missing")
            details.append(f"added {label}: expected {value!r}")
            continue
        extra.remove(match)
        got_name, got_text = match
        if got_name != name:  # query mode: parameter names are exact
            problems.append(f"added parameter {label} spelled {got_name!r}")
            details.append(f"added {label}: query parameter names are exact, {label!r} (SIGV4-24)")
            if got_text == value:
                continue
        if got_signature != vector.expected["signature"] and _carries(name, value, got_text, got_signature, key):
            continue  # the signature is explained above
        if not header and percent_decode(got_text.encode("utf-8")) == value.encode("utf-8"):
            problems.append(f"added parameter {label} percent-encoded")
            details.append(f"added {label}: values are listed decoded (SIGV4-24); got {got_text!r}")
            continue
        problems.append(f"added {kind} {label} differs")
        details.append(f"added {label}:\n" + diff_bytes(value.encode("utf-8"), got_text.encode("utf-8")))
    for name, value in extra:
        listed = sum(1 for n, _ in want if key(n) == name)
        what = f"listed more than {listed} time{'s' if listed > 1 else ''}" if listed else "not expected"
        problems.append(f"added {kind} {spelled.get(name, name)} {what}")
        details.append(f"added {spelled.get(name, name)}: got {value!r}")
    return problems, details


def _carries(name: str, want: str, got: str, signature: str, key: Callable[[str], str]) -> bool:
    """An Authorization header or X-Amz-Signature parameter that is right but for the (wrong) signature
    returned, which is reported already."""
    if name == "X-Amz-Signature":
        return got == signature
    return name == key("Authorization") and got == f"{want.rpartition('Signature=')[0]}Signature={signature}"


def sign(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    if "refused" in vector.expected or "refused" in output:
        return _refusal(vector, output, strict_reasons, "signature")
    want = vector.expected
    problems: list[str] = []
    details: list[str] = []
    signature_ok = output["signature"] == want["signature"]
    if not signature_ok:
        finding = diagnose.signature(vector, output["signature"])
        problems.append(f"signature differs: {finding.summary}")
        details.append(
            f"signature: expected {want['signature']!r}\n           got      {output['signature']!r}"
            f"\n           looks like: {describe_signature(output['signature'], want['signature'])}"
        )
        details.extend(finding.lines)
    intermediates = {f: output.get(f) for f in _WHAT if output.get(f) is not None}
    for field, got in intermediates.items():
        if not isinstance(got, str):
            problems.append(f"{_WHAT[field]} returned is not text")
        elif got != want[field]:
            summary, detail = text_diff(vector, field, got)
            problems.append(summary)
            details.append(detail)
    if not signature_ok:
        right = [f for f, got in intermediates.items() if got == want[f]]
        if not intermediates and not finding.entries:
            details.append("(return canonical_request and string_to_sign from sign to see the first differing line)")
        elif "string_to_sign" in right:
            details.append(
                "the string to sign is right: the signing key is not ('AWS4' + secret, the scope date, region and "
                "service, each step keyed with the previous step's 32 raw bytes; SIGV4-19), or the encoding of the "
                "signature is not (SIGV4-20)"
            )
    more_problems, more_details = _added(vector, output["added"], output["signature"])
    problems += more_problems
    details += more_details
    if problems:
        return "fail", "; ".join(problems), "\n".join(details)
    return "pass", "", ""


def verify(vector: Vector, output: Mapping[str, Any], strict_reasons: bool) -> Judgement:
    return decision(vector, output, strict_reasons, HINTS)  # type: ignore[return-value]
