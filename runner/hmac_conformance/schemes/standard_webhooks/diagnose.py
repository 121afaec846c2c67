"""Name the bug behind a wrong ``standard-webhooks`` signature from the signature alone.

Signing libraries return the ``webhook-signature`` entry and nothing else, so the runner rarely has the signed
content to diff. It has the reference, though: each entry of the catalogue below is a mistake signers make,
written as a transform of the signing recipe (the key, the signed fields, the payload) and run through the
reference's MAC. Every entry, and every pair of entries of different kinds, that reproduces the implementation's
MAC exactly is named — read from the signature text in each form a signer may have written it (hex, URL-safe,
unpadded, without the ``v1,`` prefix). Every entry has a test with a one-bug implementation
(tests/test_standard_webhooks.py).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hmac_conformance.schemes import Finding, Vector
from hmac_conformance.schemes.standard_webhooks import reference

PREFIX = reference.SECRET_PREFIX
_ALPHABET = re.compile(r"[A-Za-z0-9+/]")


@dataclass(frozen=True)
class Recipe:
    """How a signer turns its inputs into a MAC: the reference's recipe (SW-7..SW-9), or one with mistakes."""

    secret: str
    key: bytes
    msg_id: str
    timestamp: str
    payload: bytes
    separator: bytes = b"."
    with_id: bool = True

    def content(self) -> bytes:
        fields = [self.msg_id.encode("utf-8")] if self.with_id else []
        return self.separator.join([*fields, self.timestamp.encode("utf-8"), self.payload])

    def mac(self) -> bytes:
        return reference.mac(self.key, self.content())


@dataclass(frozen=True)
class Mistake:
    """One catalogue entry: an id, a kind (entries of different kinds combine into pairs), a plain-words title,
    the rule it breaks, and the transform (None: not applicable to this vector)."""

    id: str
    kind: str
    title: str
    rule: str
    apply: Callable[[Recipe], Recipe | None]


# -- key -----------------------------------------------------------------------------------------------------------


def _base64_text(secret: str) -> str:
    return secret.removeprefix(PREFIX)


def _not_decoded(recipe: Recipe) -> Recipe | None:
    return replace(recipe, key=_base64_text(recipe.secret).encode("utf-8"))


def _with_prefix(recipe: Recipe) -> Recipe | None:
    if not recipe.secret.startswith(PREFIX):
        return None
    return replace(recipe, key=recipe.secret.encode("utf-8"))


def _prefix_decoded(recipe: Recipe) -> Recipe | None:
    """The whole text, prefix included, through a decoder that skips what is not in the alphabet (Python's
    ``base64.b64decode`` without ``validate``): ``whsec`` becomes five more Base64 characters."""
    if not recipe.secret.startswith(PREFIX):
        return None
    data = "".join(_ALPHABET.findall(recipe.secret))
    if len(data) % 4 == 1:
        return None
    try:
        key = base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except binascii.Error:  # pragma: no cover - excluded by the filter above
        return None
    return replace(recipe, key=key)


# -- fields --------------------------------------------------------------------------------------------------------


def _milliseconds(recipe: Recipe) -> Recipe | None:
    return replace(recipe, timestamp=recipe.timestamp + "000") if recipe.timestamp.isdecimal() else None


def _separator(sep: bytes) -> Callable[[Recipe], Recipe | None]:
    return lambda recipe: replace(recipe, separator=sep)


def _id_omitted(recipe: Recipe) -> Recipe | None:
    return replace(recipe, with_id=False)


# -- payload -------------------------------------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _json(dump: Callable[[Any], str]) -> Callable[[Recipe], Recipe | None]:
    def apply(recipe: Recipe) -> Recipe | None:
        try:
            value = json.loads(recipe.payload.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return replace(recipe, payload=dump(value).encode("utf-8"))

    return apply


def _payload(change: Callable[[bytes], bytes | None]) -> Callable[[Recipe], Recipe | None]:
    def apply(recipe: Recipe) -> Recipe | None:
        changed = change(recipe.payload)
        return None if changed is None else replace(recipe, payload=changed)

    return apply


SEPARATORS = {"none": b"", "colon": b":", "comma": b",", "newline": b"\n"}

CATALOGUE: tuple[Mistake, ...] = (
    # key
    Mistake("secret-not-decoded", "key", "the secret's Base64 text used as the key, not decoded", "SW-7",
            _not_decoded),
    Mistake("secret-with-prefix", "key", "the whole secret text, 'whsec_' included, used as the key", "SW-7",
            _with_prefix),
    Mistake("secret-prefix-decoded", "key",
            "'whsec_' left on the secret and the text decoded by a lenient Base64 decoder", "SW-7", _prefix_decoded),
    # timestamp
    Mistake("timestamp-milliseconds", "timestamp", "the timestamp in milliseconds instead of seconds", "SW-6",
            _milliseconds),
    # fields
    Mistake("id-omitted", "fields", "webhook-id left out: timestamp '.' payload signed", "SW-8", _id_omitted),
    *(
        Mistake(f"fields-joined-{name}", "fields",
                "id, timestamp and payload concatenated without '.'" if name == "none"
                else f"id, timestamp and payload joined with {sep.decode()!r} instead of '.'", "SW-8", _separator(sep))
        for name, sep in SEPARATORS.items()
    ),
    # payload
    Mistake("payload-json-compact", "payload", "payload re-serialised as compact JSON", "SW-8",
            _json(lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False))),
    Mistake("payload-json-python-default", "payload",
            "payload re-serialised with Python's json.dumps defaults (', ', ': ', non-ASCII as \\u escapes)", "SW-8",
            _json(json.dumps)),
    Mistake("payload-json-sorted-keys", "payload", "payload re-serialised as JSON with its keys sorted", "SW-8",
            _json(lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False, sort_keys=True))),
    Mistake("payload-json-pretty-2", "payload", "payload re-serialised as JSON indented by 2 spaces", "SW-8",
            _json(lambda v: json.dumps(v, indent=2, ensure_ascii=False))),
    Mistake("payload-newline-added", "payload", "a newline added at the end of the payload", "SW-8",
            _payload(lambda b: b + b"\n")),
    Mistake("payload-newline-removed", "payload", "the payload's final newline removed", "SW-8",
            _payload(lambda b: b[:-1] if b.endswith(b"\n") else None)),
    Mistake("payload-crlf-to-lf", "payload", "CR LF line ends of the payload turned into LF", "SW-8",
            _payload(lambda b: b.replace(b"\r\n", b"\n"))),
    Mistake("payload-bom-stripped", "payload", "the payload's UTF-8 byte order mark dropped", "SW-8",
            _payload(lambda b: b.removeprefix(b"\xef\xbb\xbf"))),
    Mistake("payload-utf8-replacement", "payload",
            "payload held as text: bytes that are not UTF-8 became U+FFFD", "SW-8",
            _payload(lambda b: b.decode("utf-8", "replace").encode("utf-8"))),
)  # fmt: skip


def combinations(catalogue: Sequence[Mistake] = CATALOGUE) -> Iterator[tuple[Mistake, ...]]:
    """Every entry, then every pair of entries of different kinds."""
    for mistake in catalogue:
        yield (mistake,)
    for a, b in itertools.combinations(catalogue, 2):
        if a.kind != b.kind:
            yield (a, b)


def _apply(recipe: Recipe, combo: tuple[Mistake, ...]) -> Recipe | None:
    """The recipe with every mistake of ``combo`` made, or None unless each one changes something."""
    current = recipe
    for mistake in combo:
        changed = mistake.apply(current)
        if changed is None or changed == current:
            return None
        current = changed
    return current


# -- the signature text --------------------------------------------------------------------------------------------


def _b64(text: str, altchars: bytes | None = None, pad: bool = False) -> bytes | None:
    if pad:
        if "=" in text or len(text) % 4 == 1:
            return None
        text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text.encode("ascii"), altchars=altchars, validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def _hex(text: str, upper: bool) -> bytes | None:
    pattern = r"[0-9A-F]*[A-F][0-9A-F]*" if upper else r"[0-9a-f]+"
    return bytes.fromhex(text) if len(text) % 2 == 0 and re.fullmatch(pattern, text) else None


def _url_only(text: str) -> bool:
    return "-" in text or "_" in text


@dataclass(frozen=True)
class Form:
    """A way to write a MAC as the value of an entry: an id, a title, and the decoder (None: not this form)."""

    id: str
    title: str
    decode: Callable[[str], bytes | None]


FORMS: tuple[Form, ...] = (
    Form("base64", "padded standard Base64 of the MAC", _b64),
    Form("hex", "hex of the MAC instead of Base64", lambda t: _hex(t, upper=False)),
    Form("uppercase-hex", "uppercase hex of the MAC instead of Base64", lambda t: _hex(t, upper=True)),
    Form("base64url", "URL-safe Base64 ('-', '_') of the MAC", lambda t: _b64(t, b"-_") if _url_only(t) else None),
    Form("base64-unpadded", "Base64 of the MAC without its '=' padding", lambda t: _b64(t, pad=True)),
    Form("base64url-unpadded", "URL-safe Base64 of the MAC without padding",
         lambda t: _b64(t, b"-_", pad=True) if _url_only(t) else None),
)  # fmt: skip
#: A version label other than ``v1`` followed by a separator: ``V1,``, ``v1=``, ``v1:``, ``sha256=``…
_OTHER_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9]{0,7})[,=:]")


@dataclass(frozen=True)
class Reading:
    """The signature text read as an entry: the prefix problem (None: ``v1,`` as it should be), the form of the
    value, and the 32-byte MAC it carries."""

    prefix: str | None
    form: Form
    mac: bytes

    def ids(self) -> list[str]:
        return [x for x in (self.prefix, None if self.form.id == "base64" else self.form.id) if x]

    def titles(self) -> list[str]:
        prefix = {
            "no-version-prefix": "no 'v1,' prefix",
            "other-version-prefix": "another version label than 'v1,'",
        }.get(self.prefix or "")
        return [x for x in (prefix, None if self.form.id == "base64" else self.form.title) if x]


def readings(text: str) -> list[Reading]:
    """Every reading of a signature text as one entry carrying a 32-byte MAC."""
    values: list[tuple[str | None, str]] = []
    if text.startswith("v1,"):
        values.append((None, text[3:]))
    else:
        values.append(("no-version-prefix", text))
        other = _OTHER_PREFIX.match(text)
        if other:
            values.append(("other-version-prefix", text[other.end() :]))
    out = []
    for prefix, value in values:
        for form in FORMS:
            raw = form.decode(value)
            if raw is not None and len(raw) == reference.MAC_BYTES:
                out.append(Reading(prefix, form, raw))
    return out


def describe(text: str) -> str:
    """What a signature text looks like, so that a form bug is named even when the MAC is wrong too."""
    if not text:
        return "empty"
    if " " in text.strip():
        return f"{len(text.split())} entries; a signer with one secret produces one entry (SW-10)"
    found = readings(text)
    if not found:
        return "not an entry carrying a 32-byte MAC in any form"
    best = found[0]
    if not best.ids():
        return "'v1,' and Base64 of 32 bytes (right form, different MAC)"
    return "; ".join(best.titles()) + " (SW-9)"


def _recipe(vector: Vector) -> Recipe:
    inp = vector.input
    key = reference.decode_secret(inp["secret"])
    assert key is not None, "a vector that expects a signature has a well-formed secret (lint)"
    return Recipe(inp["secret"], key, inp["msg_id"], inp["timestamp"], inp["payload"])


def signature(vector: Vector, got: str) -> Finding:
    """Why a signature differs from the expected one (``got`` is not the expected text)."""
    found = readings(got)
    if not found:
        return Finding(f"not an entry carrying a 32-byte MAC: {describe(got)}")
    recipe = _recipe(vector)
    expected = recipe.mac()
    for reading in found:
        if reading.mac != expected:
            continue
        if not reading.ids():
            return Finding(
                "correct MAC, non-canonical Base64 text (non-canonical-base64)",
                ("diagnosis: correct MAC, but its Base64 text is not canonical (non-zero unused bits) "
                 "[non-canonical-base64] (SW-9)",),
                ("non-canonical-base64",),
            )  # fmt: skip
        ids = "+".join(reading.ids())
        return Finding(
            f"correct MAC, wrong form: {ids}",
            (f"diagnosis: correct MAC, written wrongly: {' and '.join(reading.titles())} [{ids}] (SW-9)",),
            (ids,),
        )
    by_mac: dict[bytes, list[Reading]] = {}
    for reading in found:
        by_mac.setdefault(reading.mac, []).append(reading)
    lines: list[str] = []
    names: list[str] = []
    for combo in combinations():
        candidate = _apply(recipe, combo)
        if candidate is None:
            continue
        for reading in by_mac.get(candidate.mac(), ()):
            what = " + ".join(m.title for m in combo)
            ids = "+".join([*(m.id for m in combo), *reading.ids()])
            rules = ", ".join(dict.fromkeys([*(m.rule for m in combo), *(["SW-9"] if reading.ids() else [])]))
            form = f"; written as {' and '.join(reading.titles())}" if reading.ids() else ""
            lines.append(f"diagnosis: reproduced exactly with {what}{form} [{ids}] ({rules})")
            names.append(ids)
    if not names:
        lines.append("diagnosis: no catalogue entry or pair of entries reproduces this signature")
        return Finding("different MAC", tuple(lines))
    shown = "; or ".join(names[:3]) + (f"; or {len(names) - 3} more" if len(names) > 3 else "")
    return Finding(shown, tuple(lines), tuple(names))
