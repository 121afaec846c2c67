"""Name the bug behind a wrong ``sigv4`` value — a signature, a canonical request or a string to sign — even when
the implementation returns nothing but a signature.

Each entry of the catalogue below is a mistake real SigV4 signers make, expressed as one changed choice of the
signing recipe; the recipe is run with the reference's building blocks (``reference.py``). Every entry, and
every pair of entries of different kinds, that reproduces the implementation's value exactly is named. An entry
only counts where it changes the value: normalising a path without dot segments changes nothing, so it can
never be the explanation. Every entry has a test with a one-bug signer (tests/impls/sigv4_mistakes.py).

| id | kind | the signer … | breaks |
|---|---|---|---|
| ``single-encoding`` | encoding | encoded the path once, as for S3, where every other service encodes it twice | SIGV4-7 |
| ``double-encoding`` | encoding | encoded an S3 path twice | SIGV4-8 |
| ``path-not-normalized`` | normalisation | did not normalise the path (``.``, ``..``, ``//`` kept) | SIGV4-6 |
| ``path-normalized`` | normalisation | normalised a path that is signed as it is (S3) | SIGV4-8 |
| ``query-unsorted`` | query | left the query parameters in the order they were sent | SIGV4-9 |
| ``query-verbatim`` | query | signed the query as sent (sorted, but not decoded and re-encoded) | SIGV4-9 |
| ``header-values-raw`` | headers | did not trim header values nor fold their runs of whitespace | SIGV4-10 |
| ``header-tabs-kept`` | headers | trimmed and folded spaces only, keeping tabs and line folds | SIGV4-10 |
| ``header-block-no-final-lf`` | layout | joined the canonical header lines with LF but left out the last LF | SIGV4-3 |
| ``payload-empty-hash`` | payload | hashed the empty body instead of the body sent | SIGV4-15 |
| ``unsigned-payload-instead-of-hash`` | payload | wrote ``UNSIGNED-PAYLOAD`` where the body's hash is due | SIGV4-15 |
| ``hash-instead-of-unsigned-payload`` | payload | wrote the body's hash where ``UNSIGNED-PAYLOAD`` is due | SIGV4-15 |
| ``date-extended-format`` | date | wrote the request date in ISO 8601 extended format (``2015-08-30T12:36:00Z``) | SIGV4-16 |
| ``date-with-milliseconds`` | date | kept the milliseconds in the request date (``20150830T123600.000Z``) | SIGV4-16 |
| ``region-service-swapped`` | scope | swapped region and service in the credential scope and the key | SIGV4-17 |
| ``secret-without-aws4-prefix`` | key | keyed the first step with the secret alone, without ``AWS4`` | SIGV4-19 |
| ``signing-key-hex`` | key | keyed each step with the previous step's hex text, not its 32 bytes | SIGV4-19 |

A signature is also read as upper-case hex and as Base64 of the MAC (SIGV4-20 wants 64 lowercase hex digits):
the right MAC in another encoding is named as such, and the catalogue is run on the MAC it holds.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hmac_conformance.schemes import Finding, Vector
from hmac_conformance.schemes.sigv4 import reference as R

_SPACE_RUN = re.compile(r" +")


@dataclass(frozen=True)
class Recipe:
    """The choices a signer makes; ``Recipe.of(input)`` is the reference's."""

    uri_encoding: str  # double | single
    normalize: bool
    payload: str  # item 6: hash | unsigned | empty-hash
    query: str = "canonical"  # canonical | unsorted | verbatim
    header_values: str = "canonical"  # canonical | raw | spaces-only
    header_block_final_lf: bool = True
    date_format: str = "basic"  # basic | extended | milliseconds
    swap_region_service: bool = False
    aws4_prefix: bool = True
    hex_key_chain: bool = False

    @classmethod
    def of(cls, inp: dict[str, Any]) -> Recipe:
        unsigned = inp["payload"] in ("unsigned", "unsigned-header")
        return cls(inp["uri_encoding"], inp["normalize_path"], "unsigned" if unsigned else "hash")


def _date_text(amz_date: str, style: str) -> str:
    if style == "basic":
        return amz_date
    d, t = amz_date[:8], amz_date[9:15]
    if style == "extended":
        return f"{d[:4]}-{d[4:6]}-{d[6:]}T{t[:2]}:{t[2:4]}:{t[4:]}Z"
    return f"{amz_date[:15]}.000Z"


def _header_value(value: str, style: str) -> str:
    if style == "canonical":
        return R.canonical_header_value(value)
    if style == "spaces-only":
        return _SPACE_RUN.sub(" ", value).strip(" ")
    return value


def _header_block(headers: list[tuple[str, str]], recipe: Recipe) -> tuple[str, str]:
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(R.ascii_lower(name), []).append(_header_value(value, recipe.header_values))
    names = sorted(values, key=lambda n: n.encode("utf-8"))
    lines = [f"{name}:{','.join(values[name])}" for name in names]
    block = "".join(line + "\n" for line in lines) if recipe.header_block_final_lf else "\n".join(lines)
    return block, ";".join(names)


def _query(raw: bytes | None, added: list[tuple[str, str]], style: str) -> str:
    pairs = R.parse_query(raw) + [(n.encode("utf-8"), v.encode("utf-8")) for n, v in added]
    if style == "canonical":
        return R.canonical_query(pairs)
    if style == "unsorted":
        return "&".join(f"{R.uri_encode(n, keep_slash=False)}={R.uri_encode(v, keep_slash=False)}" for n, v in pairs)
    # verbatim: the wire components as sent (a missing '=' added), the signer's own parameters encoded
    wire = [c.decode("utf-8", "surrogateescape").partition("=") for c in (raw or b"").split(b"&") if c]
    mine = [(R.uri_encode(n.encode(), keep_slash=False), R.uri_encode(v.encode(), keep_slash=False)) for n, v in added]
    components = sorted([(n, v) for n, _, v in wire] + mine, key=lambda p: (p[0].encode(), p[1].encode()))
    return "&".join(f"{n}={v}" for n, v in components)


def _mac(key: bytes, data: str) -> bytes:
    return hmac.new(key, data.encode("utf-8"), hashlib.sha256).digest()


def compute(inp: dict[str, Any], recipe: Recipe) -> dict[str, str]:
    """The canonical request, string to sign and signature a signer following ``recipe`` produces."""
    request, creds, mode = inp["request"], inp["credentials"], inp["mode"]
    date = _date_text(inp["time"], recipe.date_format)
    region, service = inp["region"], inp["service"]
    if recipe.swap_region_service:
        region, service = service, region
    scope = R.credential_scope(inp["time"], region, service)
    token = creds.get("session_token")
    token_signed = token is not None and inp.get("session_token", "signed") == "signed"
    body = request["body"]
    item6 = {"hash": R.sha256_hex(body), "unsigned": R.UNSIGNED_PAYLOAD, "empty-hash": R.sha256_hex(b"")}
    payload = item6[recipe.payload]
    headers = [(n, v) for n, v in request["headers"]]
    if mode == "header":
        headers.append((R.H_DATE, date))
        if token_signed:
            headers.append((R.H_TOKEN, token))
        if inp["payload"] in ("hash-header", "unsigned-header"):
            headers.append((R.H_CONTENT, payload))
    block, signed = _header_block(headers, recipe)
    path, raw_query = R.split_target(request["target"])
    added: list[tuple[str, str]] = []
    if mode == "query":
        added = [
            (R.P_ALGORITHM, R.ALGORITHM),
            (R.P_CREDENTIAL, f"{creds['access_key_id']}/{scope}"),
            (R.P_DATE, date),
            (R.P_EXPIRES, str(inp["expires"])),
            (R.P_SIGNED_HEADERS, signed),
        ]
        if token_signed:
            added.append((R.P_TOKEN, token))
    canonical = R.canonical_request(
        request["method"],
        R.canonical_uri(path, recipe.uri_encoding, recipe.normalize),
        _query(raw_query, added, recipe.query),
        block,
        signed,
        payload,
    )
    sts = R.string_to_sign(date, scope, canonical)
    key = (("AWS4" if recipe.aws4_prefix else "") + creds["secret_access_key"]).encode("utf-8")
    for part in (inp["time"][:8], region, service, R.TERMINATOR):
        digest = _mac(key, part)
        key = digest.hex().encode("ascii") if recipe.hex_key_chain else digest
    return {"canonical_request": canonical, "string_to_sign": sts, "signature": _mac(key, sts).hex()}


# -- the catalogue -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """One catalogue entry: a plain-words title, the rule it breaks, and the changed choice (None: not
    applicable to this input)."""

    id: str
    kind: str  # entries of different kinds combine into pairs
    title: str
    rule: str
    apply: Callable[[Recipe, dict[str, Any]], Recipe | None]


def _when(test: Callable[[Recipe, dict[str, Any]], bool], **change: Any) -> Callable[..., Recipe | None]:
    def apply(recipe: Recipe, inp: dict[str, Any]) -> Recipe | None:
        return replace(recipe, **change) if test(recipe, inp) else None

    return apply


CATALOGUE: tuple[Mistake, ...] = (
    Mistake("single-encoding", "encoding", "the path encoded once, as for S3 (its escapes not encoded again)",
            "SIGV4-7", _when(lambda r, i: r.uri_encoding == "double", uri_encoding="single")),
    Mistake("double-encoding", "encoding", "an S3 path encoded twice, as for the other services", "SIGV4-8",
            _when(lambda r, i: r.uri_encoding == "single", uri_encoding="double")),
    Mistake("path-not-normalized", "normalisation", "the path not normalised ('.', '..' and '//' kept)", "SIGV4-6",
            _when(lambda r, i: r.normalize, normalize=False)),
    Mistake("path-normalized", "normalisation", "the path normalised although it is signed as it is (S3)",
            "SIGV4-8", _when(lambda r, i: not r.normalize, normalize=True)),
    Mistake("query-unsorted", "query", "the query parameters left in the order sent, not sorted", "SIGV4-9",
            _when(lambda r, i: r.query == "canonical", query="unsorted")),
    Mistake("query-verbatim", "query", "the query signed as sent (sorted, not decoded and re-encoded)", "SIGV4-9",
            _when(lambda r, i: r.query == "canonical", query="verbatim")),
    Mistake("header-values-raw", "headers", "header values not trimmed, runs of whitespace not folded",
            "SIGV4-10", _when(lambda r, i: r.header_values == "canonical", header_values="raw")),
    Mistake("header-tabs-kept", "headers", "only spaces trimmed and folded in header values (tabs, line folds kept)",
            "SIGV4-10", _when(lambda r, i: r.header_values == "canonical", header_values="spaces-only")),
    Mistake("header-block-no-final-lf", "layout",
            "the canonical header lines joined with LF, without the LF after the last one", "SIGV4-3",
            _when(lambda r, i: r.header_block_final_lf, header_block_final_lf=False)),
    Mistake("payload-empty-hash", "payload", "the hash of the empty body instead of the body sent", "SIGV4-15",
            _when(lambda r, i: r.payload == "hash" and bool(i["request"]["body"]), payload="empty-hash")),
    Mistake("unsigned-payload-instead-of-hash", "payload", "UNSIGNED-PAYLOAD instead of the body's hash",
            "SIGV4-15", _when(lambda r, i: r.payload == "hash", payload="unsigned")),
    Mistake("hash-instead-of-unsigned-payload", "payload", "the body's hash instead of UNSIGNED-PAYLOAD",
            "SIGV4-15", _when(lambda r, i: r.payload == "unsigned", payload="hash")),
    Mistake("date-extended-format", "date", "the request date in ISO 8601 extended format (2015-08-30T12:36:00Z)",
            "SIGV4-16", _when(lambda r, i: r.date_format == "basic", date_format="extended")),
    Mistake("date-with-milliseconds", "date", "the request date with milliseconds (20150830T123600.000Z)",
            "SIGV4-16", _when(lambda r, i: r.date_format == "basic", date_format="milliseconds")),
    Mistake("region-service-swapped", "scope", "region and service swapped in the credential scope and the key",
            "SIGV4-17", _when(lambda r, i: i["region"] != i["service"], swap_region_service=True)),
    Mistake("secret-without-aws4-prefix", "key", "the first key step keyed with the secret alone, without 'AWS4'",
            "SIGV4-19", _when(lambda r, i: r.aws4_prefix, aws4_prefix=False)),
    Mistake("signing-key-hex", "key", "each key step keyed with the previous step's hex text, not its 32 bytes",
            "SIGV4-19", _when(lambda r, i: not r.hex_key_chain, hex_key_chain=True)),
)  # fmt: skip


def _explanations(inp: dict[str, Any], field: str, got: set[str]) -> list[tuple[tuple[Mistake, ...], str]]:
    """The entries, then the pairs of entries of different kinds, whose recipe gives one of ``got`` for
    ``field``. An entry counts only where it changes that value, and a pair only where it gives a value that
    neither of its entries gives alone."""
    right = Recipe.of(inp)
    correct = compute(inp, right)[field]
    alone: dict[str, tuple[Recipe, str]] = {}
    for mistake in CATALOGUE:
        recipe = mistake.apply(right, inp)
        if recipe is not None and (value := compute(inp, recipe)[field]) != correct:
            alone[mistake.id] = (recipe, value)
    found = [((m,), alone[m.id][1]) for m in CATALOGUE if m.id in alone and alone[m.id][1] in got]
    for a, b in itertools.combinations(CATALOGUE, 2):
        if a.kind == b.kind or a.id not in alone or b.id not in alone:
            continue
        recipe = b.apply(alone[a.id][0], inp)
        if recipe is None:
            continue
        value = compute(inp, recipe)[field]
        if value in got and value not in (correct, alone[a.id][1], alone[b.id][1]):
            found.append(((a, b), value))
    return found


def _line(combo: tuple[Mistake, ...], suffix: str = "", *also: str) -> str:
    """A diagnosis line naming the mistakes, and every rule they break (``also``: one broken besides them)."""
    what = " + ".join(m.title for m in combo)
    rules = ", ".join(dict.fromkeys([*(m.rule for m in combo), *also]))
    return f"diagnosis: reproduced exactly with {what}{suffix} [{_ids(combo)}] ({rules})"


def _ids(combo: tuple[Mistake, ...]) -> str:
    return "+".join(m.id for m in combo)


def _summary(names: list[str]) -> str:
    return "; or ".join(names[:3]) + (f"; or {len(names) - 3} more" if len(names) > 3 else "")


def text(vector: Vector, field: str, got: str) -> Finding:
    """Why a canonical request or string to sign (``field``) differs from the expected one."""
    found = [combo for combo, _ in _explanations(vector.input, field, {got})]
    if not found:
        return Finding("", (f"diagnosis: no catalogue entry or pair of entries reproduces this {_WORDS[field]}",))
    names = [_ids(combo) for combo in found]
    return Finding(_summary(names), tuple(_line(combo) for combo in found), tuple(names))


_WORDS = {"canonical_request": "canonical request", "string_to_sign": "string to sign", "signature": "signature"}

#: How a signature text may hold a MAC: lowercase hex is SIGV4-20's; the others are mistakes in themselves.
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("uppercase-hex", "upper-case hex"),
    ("base64", "Base64 of the MAC"),
)


def _readings(got: str) -> list[tuple[str | None, str]]:
    """The lowercase hex MAC(s) a signature text may stand for, with the encoding that is wrong (None: none)."""
    out: list[tuple[str | None, str]] = []
    if re.fullmatch(r"[0-9a-f]{64}", got):
        out.append((None, got))
    if re.fullmatch(r"[0-9A-F]{64}", got) and not got.isdigit():
        out.append(("uppercase-hex", got.lower()))
    if len(got) == 44 and got.endswith("="):
        try:
            raw = base64.b64decode(got, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) == 32:
            out.append(("base64", raw.hex()))
    return out


def signature(vector: Vector, got: str) -> Finding:
    """Why a ``sign`` signature differs from the expected one (``got`` is not the expected text)."""
    want = vector.expected["signature"]
    readings = _readings(got)
    titles = dict(ENCODINGS)
    for encoding, mac in readings:
        if mac == want and encoding is not None:
            return Finding(
                f"correct MAC, wrong encoding: {encoding}",
                (f"diagnosis: correct MAC, written as {titles[encoding]} instead of lowercase hex [{encoding}] "
                 "(SIGV4-20)",),
                (encoding,),
            )  # fmt: skip
    if not readings:
        return Finding("not 64 hex digits", ("diagnosis: the signature is not the hex (or Base64) of a 32-byte MAC",))
    encoding_of = {mac: encoding for encoding, mac in readings}
    lines: list[str] = []
    names: list[str] = []
    for combo, mac in _explanations(vector.input, "signature", set(encoding_of)):
        encoding = encoding_of[mac]
        if encoding:  # the encoding is a mistake of its own, against SIGV4-20
            lines.append(_line(combo, f"; written as {titles[encoding]}", "SIGV4-20"))
        else:
            lines.append(_line(combo))
        names.append(_ids(combo) + (f"+{encoding}" if encoding else ""))
    if not names:
        lines.append("diagnosis: no catalogue entry or pair of entries reproduces this signature")
        return Finding("different MAC", tuple(lines))
    return Finding(_summary(names), tuple(lines), tuple(names))
