"""Name the bug behind a wrong signature or tag, even when the implementation returns nothing but the value.

Most SDKs (and every vendor sample) return only a signature, so a byte diff of the string to sign is not
available. The runner holds the reference, though: each entry of a catalogue of mistakes real signers make is a
named transform of the signing recipe, run through the reference; every entry, and every pair of entries of
different kinds, that reproduces the implementation's value exactly is named. The catalogue is documented in
docs/diagnosis.md; every entry has a test with a one-bug implementation.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from hmac_conformance.schemes import Finding, Vector
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, full_mac

# -- the signing recipe and its mistakes ---------------------------------------------------------------------------

FIELD_NAMES = ("Api-Key", "Client-Request-Id", "Timestamp")


@dataclass(frozen=True)
class Recipe:
    """How a signer turns its inputs into a MAC: the reference's recipe, or one with mistakes in it."""

    algorithm: str
    secret: bytes
    fields: tuple[str, str, str]  # Api-Key, Client-Request-Id, Timestamp
    body: bytes
    order: tuple[int, int, int] = (0, 1, 2)
    separator: bytes = b""

    def message(self) -> bytes:
        return self.separator.join([*(self.fields[i].encode("utf-8") for i in self.order), self.body])

    def mac(self) -> bytes:
        return full_mac(self.algorithm, self.secret, self.message())


@dataclass(frozen=True)
class Mistake:
    """One catalogue entry: a plain-words title, the rule it breaks, and the transform (None: not applicable)."""

    id: str
    kind: str  # body, fields, key or algorithm: entries of different kinds combine into pairs
    title: str
    rule: str
    apply: Callable[[Recipe], Recipe | None]


def _json_value(body: bytes, js_numbers: bool = False) -> Any:
    """The body as a JSON value, or None when it is not JSON (then no JSON mistake applies)."""
    if not body.strip():
        return None
    try:
        text = body.decode("utf-8")
        if js_numbers:  # JSON.parse: every number is an IEEE double
            return json.loads(text, parse_int=float, parse_float=float, parse_constant=_no_constant)
        return json.loads(text, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _json_body(dump: Callable[[Any], str], js_numbers: bool = False) -> Callable[[Recipe], Recipe | None]:
    def apply(recipe: Recipe) -> Recipe | None:
        value = _json_value(recipe.body, js_numbers)
        if value is None:
            return None
        return replace(recipe, body=dump(value).encode("utf-8"))

    return apply


_JS_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


def js_number(x: float) -> str:
    """ECMAScript Number::toString for a finite double (shortest round-trip digits, JavaScript's layout)."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return "null"  # JSON.stringify(Infinity)
    _, digits_tuple, exp = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digits_tuple))
    stripped = digits.rstrip("0") or "0"
    exp = int(exp) + len(digits) - len(stripped)
    k, n = len(stripped), len(stripped) + exp
    if k <= n <= 21:
        text = stripped + "0" * (n - k)
    elif 0 < n <= 21:
        text = stripped[:n] + "." + stripped[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + stripped
    else:
        e = n - 1
        mantissa = stripped if k == 1 else stripped[0] + "." + stripped[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return ("-" if x < 0 else "") + text


def _js_string(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _JS_ESCAPES:
            out.append(_JS_ESCAPES[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def js_stringify(value: Any) -> str:
    """JSON.stringify of what JSON.parse returned: doubles, array-index keys first in numeric order."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number(float(value))
    if isinstance(value, str):
        return _js_string(value)
    if isinstance(value, list):
        return "[" + ",".join(js_stringify(v) for v in value) + "]"
    index_keys = sorted((k for k in value if _ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1), key=int)
    keys = index_keys + [k for k in value if k not in set(index_keys)]
    return "{" + ",".join(_js_string(k) + ":" + js_stringify(value[k]) for k in keys) + "}"


def _body(transform: Callable[[bytes], bytes | None]) -> Callable[[Recipe], Recipe | None]:
    def apply(recipe: Recipe) -> Recipe | None:
        body = transform(recipe.body)
        return None if body is None or body == recipe.body else replace(recipe, body=body)

    return apply


def _latin1_as_utf8(body: bytes) -> bytes | None:
    return body.decode("latin-1").encode("utf-8") if any(b >= 0x80 for b in body) else None


def _utf8_as_latin1(body: bytes) -> bytes | None:
    try:
        return body.decode("utf-8").encode("latin-1")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None


def _when_empty(text: bytes) -> Callable[[bytes], bytes | None]:
    return lambda body: text if not body else None


def _seconds(recipe: Recipe) -> Recipe | None:
    api_key, request_id, timestamp = recipe.fields
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) > 3):
        return None
    return replace(recipe, fields=(api_key, request_id, str(int(timestamp) // 1000)))


def _order(order: tuple[int, int, int]) -> Callable[[Recipe], Recipe | None]:
    return lambda recipe: replace(recipe, order=order)


def _separator(sep: bytes) -> Callable[[Recipe], Recipe | None]:
    return lambda recipe: replace(recipe, separator=sep)


def _secret_hex(recipe: Recipe) -> Recipe | None:
    try:
        text = recipe.secret.decode("ascii")
        return replace(recipe, secret=bytes.fromhex(text)) if text and len(text) % 2 == 0 else None
    except (UnicodeDecodeError, ValueError):
        return None


def _secret_base64(recipe: Recipe) -> Recipe | None:
    try:
        decoded = base64.b64decode(recipe.secret, validate=True)
    except (binascii.Error, ValueError):
        return None
    return replace(recipe, secret=decoded) if recipe.secret else None


def _other_algorithm(recipe: Recipe) -> Recipe | None:
    other = {"sha256": "sha512", "sha512": "sha256"}.get(recipe.algorithm)
    return replace(recipe, algorithm=other) if other else None


def _order_title(order: tuple[int, int, int]) -> str:
    return "fields signed in the order " + ", ".join(FIELD_NAMES[i] for i in order) + ", body"


_SEPARATORS = {":": b":", "newline": b"\n", "&": b"&", ",": b",", "|": b"|"}

CATALOGUE: tuple[Mistake, ...] = (
    # body: the bytes signed are not the bytes sent (FV-8)
    Mistake("body-json-compact", "body", "body re-serialised as compact JSON", "FV-8",
            _json_body(lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False))),
    Mistake("body-json-sorted-keys", "body", "body re-serialised as JSON with its keys sorted", "FV-8",
            _json_body(lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False, sort_keys=True))),
    Mistake("body-json-pretty-2", "body", "body re-serialised as JSON indented by 2 spaces", "FV-8",
            _json_body(lambda v: json.dumps(v, indent=2, ensure_ascii=False))),
    Mistake("body-json-pretty-4", "body", "body re-serialised as JSON indented by 4 spaces", "FV-8",
            _json_body(lambda v: json.dumps(v, indent=4, ensure_ascii=False))),
    Mistake("body-json-python-default", "body",
            "body re-serialised with Python's json.dumps defaults (', ' and ': ', non-ASCII as \\u escapes)", "FV-8",
            _json_body(json.dumps)),
    Mistake("body-json-php", "body",
            "body re-serialised with PHP's json_encode defaults (non-ASCII as \\u escapes, '/' as '\\/')", "FV-8",
            _json_body(lambda v: json.dumps(v, separators=(",", ":")).replace("/", "\\/"))),
    Mistake("body-json-stringify", "body",
            "body re-serialised with JavaScript's JSON.stringify(JSON.parse(body)) (numbers as doubles)", "FV-8",
            _json_body(js_stringify, js_numbers=True)),
    Mistake("body-trimmed", "body", "body trimmed of leading and trailing whitespace", "FV-8",
            _body(lambda b: b.strip())),
    Mistake("body-newline-added", "body", "a trailing newline added to the body", "FV-8",
            _body(lambda b: b + b"\n")),
    Mistake("body-newline-removed", "body", "the body's trailing newline removed", "FV-8",
            _body(lambda b: b.removesuffix(b"\r\n") if b.endswith(b"\r\n") else b.removesuffix(b"\n"))),
    Mistake("body-crlf-to-lf", "body", "CRLF line ends in the body converted to LF", "FV-8",
            _body(lambda b: b.replace(b"\r\n", b"\n"))),
    Mistake("body-lf-to-crlf", "body", "LF line ends in the body converted to CRLF", "FV-8",
            _body(lambda b: re.sub(rb"(?<!\r)\n", b"\r\n", b))),
    Mistake("body-bom-stripped", "body", "the body's UTF-8 byte order mark stripped", "FV-8",
            _body(lambda b: b.removeprefix(b"\xef\xbb\xbf"))),
    Mistake("body-utf8-replacement", "body",
            "body decoded as UTF-8 with replacement (invalid bytes became U+FFFD)", "FV-8",
            _body(lambda b: b.decode("utf-8", "replace").encode("utf-8"))),
    Mistake("body-latin1-decoded", "body", "body bytes read as Latin-1 text, then encoded as UTF-8", "FV-8",
            _body(_latin1_as_utf8)),
    Mistake("body-latin1-encoded", "body", "body text encoded as Latin-1 instead of UTF-8", "FV-8",
            _body(_utf8_as_latin1)),
    Mistake("body-empty-as-object-text", "body", "an empty body signed as the text '[object Object]'", "FV-8",
            _body(_when_empty(b"[object Object]"))),
    Mistake("body-empty-as-braces", "body", "an empty body signed as '{}'", "FV-8", _body(_when_empty(b"{}"))),
    Mistake("body-omitted", "body", "the body left out of the string to sign", "FV-8",
            _body(lambda b: b"" if b else None)),
    # fields
    Mistake("timestamp-seconds", "fields", "Timestamp in seconds instead of milliseconds", "FV-7", _seconds),
    *(
        Mistake(f"fields-order-{''.join('akt'[i] for i in order)}", "fields", _order_title(order), "FV-8",
                _order(order))
        for order in itertools.permutations(range(3))
        if order != (0, 1, 2)
    ),
    *(
        Mistake(f"fields-joined-{name if name.isalpha() else {':': 'colon', '&': 'ampersand', ',': 'comma', '|': 'pipe'}[name]}",
                "fields", f"fields and body joined with {name!r}" if name != "newline" else "fields and body joined with newlines",
                "FV-8", _separator(sep))
        for name, sep in _SEPARATORS.items()
    ),
    # key
    Mistake("secret-hex-decoded", "key", "the secret hex-decoded instead of used as its UTF-8 bytes", "FV-9",
            _secret_hex),
    Mistake("secret-base64-decoded", "key", "the secret Base64-decoded instead of used as its UTF-8 bytes", "FV-9",
            _secret_base64),
    # algorithm
    Mistake("other-algorithm", "algorithm", "the other algorithm (SHA-256 and SHA-512 swapped)", "FV-9",
            _other_algorithm),
)  # fmt: skip


def combinations(catalogue: Sequence[Mistake] = CATALOGUE) -> Iterator[tuple[Mistake, ...]]:
    """Every entry, then every pair of entries of different kinds."""
    for mistake in catalogue:
        yield (mistake,)
    for a, b in itertools.combinations(catalogue, 2):
        if a.kind != b.kind:
            yield (a, b)


# -- signature encodings -------------------------------------------------------------------------------------------


def _b64(text: str, altchars: bytes | None = None, pad: bool = False) -> bytes | None:
    if pad:
        if "=" in text or len(text) % 4 == 1:
            return None
        text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text.encode("ascii"), altchars=altchars, validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw


def _hex_text(raw: bytes | None, upper: bool) -> bytes | None:
    if raw is None:
        return None
    pattern = rb"[0-9A-F]*[A-F][0-9A-F]*" if upper else rb"[0-9a-f]+"
    return bytes.fromhex(raw.decode("ascii")) if len(raw) % 2 == 0 and re.fullmatch(pattern, raw) else None


def _url_only(text: str) -> bool:
    return "-" in text or "_" in text


@dataclass(frozen=True)
class Encoding:
    id: str
    title: str
    decode: Callable[[str], bytes | None]


ENCODINGS: tuple[Encoding, ...] = (
    Encoding("base64", "Base64 of the MAC", _b64),
    Encoding("legacy-hex-base64", "Base64 of the lowercase hex text of the MAC (the legacy encoding, FV-12)",
             lambda t: _hex_text(_b64(t), upper=False)),
    Encoding("base64-of-uppercase-hex", "Base64 of the uppercase hex text of the MAC",
             lambda t: _hex_text(_b64(t), upper=True)),
    Encoding("hex", "hex of the MAC, not Base64", lambda t: _hex_text(t.encode("ascii", "replace"), upper=False)),
    Encoding("uppercase-hex", "uppercase hex of the MAC, not Base64",
             lambda t: _hex_text(t.encode("ascii", "replace"), upper=True)),
    Encoding("base64url", "URL-safe Base64 ('-' and '_') of the MAC",
             lambda t: _b64(t, b"-_") if _url_only(t) else None),
    Encoding("base64-unpadded", "Base64 of the MAC without '=' padding", lambda t: _b64(t, pad=True)),
    Encoding("base64url-unpadded", "URL-safe Base64 of the MAC without '=' padding",
             lambda t: _b64(t, b"-_", pad=True) if _url_only(t) else None),
)  # fmt: skip
WANTED = {"base64": "Base64 of the MAC (FV-10)", "legacy-hex-base64": "the legacy encoding (FV-12)"}
LEGACY_SHAPES = ("legacy-hex-base64", "base64-of-uppercase-hex")


def _mac_lengths() -> set[int]:
    return {ALGORITHMS[a][1] for a in ("sha256", "sha512")}


def decode_signature(text: str) -> list[tuple[Encoding, bytes]]:
    """Every reading of a signature text as an encoded MAC of a firstvision algorithm's length."""
    lengths = _mac_lengths()
    out = []
    for encoding in ENCODINGS:
        raw = encoding.decode(text)
        if raw is not None and len(raw) in lengths:
            out.append((encoding, raw))
    return out


def signature(vector: Vector, got: str) -> Finding:
    """Why a firstvision signature differs from the expected one (``got`` is not the expected text)."""
    inp = vector.input
    recipe = Recipe(
        inp["algorithm"], inp["secret"], (inp["api_key"], inp["client_request_id"], inp["timestamp"]), inp["body"]
    )
    want_encoding = inp["signature_encoding"]
    readings = decode_signature(got)
    if not readings:
        return Finding("not an encoding of a 32- or 64-byte MAC")
    expected = recipe.mac()
    for encoding, mac in readings:
        if mac == expected:
            if want_encoding == "legacy-hex-base64" and encoding.id == "base64":
                return Finding(
                    "correct MAC, but the encoding option was ignored (encoding-option-ignored)",
                    (
                        "diagnosis: correct MAC, but signature_encoding: legacy-hex-base64 was ignored: "
                        "the signer produced the canonical encoding [encoding-option-ignored] (FV-12)",
                    ),
                    ("encoding-option-ignored",),
                )
            if encoding.id == want_encoding:
                return Finding(
                    "correct MAC, non-canonical Base64 text (non-canonical-base64)",
                    (
                        "diagnosis: correct MAC, but the Base64 text is not canonical (non-zero unused bits) [non-canonical-base64] (FV-10)",
                    ),
                    ("non-canonical-base64",),
                )
            return Finding(
                f"correct MAC, wrong encoding: {encoding.id}",
                (
                    f"diagnosis: correct MAC, wrong encoding: {encoding.title} instead of {WANTED[want_encoding]} [{encoding.id}]",
                ),
                (encoding.id,),
            )
    lines: list[str] = []
    summary_prefix = ""
    legacy = next((mac for enc, mac in readings if enc.id in LEGACY_SHAPES), None)
    if legacy is not None and want_encoding == "base64":
        lines.append("diagnosis: legacy encoding (Base64 of the hex text of the MAC, FV-12), and the MAC is wrong")
        summary_prefix = "legacy encoding, and "
    by_mac: dict[bytes, list[Encoding]] = {}
    for encoding, mac in readings:
        by_mac.setdefault(mac, []).append(encoding)
    names: list[str] = []
    for combo in combinations():
        candidate = _apply(recipe, combo)
        if candidate is None:
            continue
        for encoding in by_mac.get(candidate.mac(), ()):
            what = " + ".join(m.title for m in combo)
            ids = "+".join(m.id for m in combo)
            rules = ", ".join(dict.fromkeys(m.rule for m in combo))
            if encoding.id != want_encoding and encoding.id not in LEGACY_SHAPES:
                ids += f"+{encoding.id}"
            enc = "" if encoding.id == want_encoding else f"; encoded as {encoding.title}"
            lines.append(f"diagnosis: reproduced exactly with {what}{enc} [{ids}] ({rules})")
            names.append(ids)
    if not names:
        lines.append("diagnosis: no catalogue entry or pair of entries reproduces this signature (docs/diagnosis.md)")
        return Finding(summary_prefix + "different MAC", tuple(lines))
    shown = "; or ".join(names[:3]) + (f"; or {len(names) - 3} more" if len(names) > 3 else "")
    return Finding(summary_prefix + shown, tuple(lines), tuple(names))


def _apply(recipe: Recipe, combo: tuple[Mistake, ...]) -> Recipe | None:
    """The recipe with every mistake of ``combo`` made, or None unless each one changes something."""
    current = recipe
    for mistake in combo:
        changed = mistake.apply(current)
        if changed is None or changed == current:
            return None
        current = changed
    return current
