"""How ``hmac-conformance fuzz`` generates ``firstvision`` cases (docs/fuzz.md).

Signers get valid-but-edgy values (lengths 1 and 128, digit-only ids, secrets that look like hex or Base64,
bodies with a BOM, CR LF, a trailing newline, pretty JSON, bytes that are not UTF-8) and, sometimes, one or two
values that break FV-5..7 the way real inputs do (white space around them, non-ASCII letters and digits, signs,
leading zeros, seconds).

Verifiers get a request signed correctly and then changed in up to three ways, each one a mistake a lenient
verifier would forgive: the request is re-signed as that verifier reads it, so that it accepts what it must
reject. Header names in other cases (and the Kelvin sign), white space around values (signed as a general-purpose
trim reads them), repeated and missing fields, Auth-Token-Type variants, field values that only a lenient syntax
check accepts (signed as sent, or as an integer parser reads the timestamp), timestamps at the window's edges
and in seconds, signatures in other encodings, bodies signed after re-serialising or trimming, replayed ids in
other cases, and key stores where the Api-Key is unknown, differs in case, or the first key is not the one.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from hmac_conformance.schemes import Fuzzing, Generated
from hmac_conformance.schemes.firstvision import compare
from hmac_conformance.schemes.firstvision.reference import encode_signature, string_to_sign
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, full_mac

DIGITS = "0123456789"
LETTERS_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + DIGITS
WINDOW = 300_000
API_KEY, REQUEST_ID, TIMESTAMP = "Aq7vYx2mLp9RtW4cZn8bKd3fHs6jGe1u", "3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b", "Timestamp"
SECRET = b"m2Q9vX7pL4sT8wZ1cB6nR3yK5hF0dJ2gA9eU4iO7tP1q"
NAMES = ("Api-Key", "Client-Request-Id", "Timestamp", "Auth-Token-Type", "Authorization")
BODY = b'{"cardId":"c-7781","amount":{"value":1250,"currency":"MXN"},"merchant":"Cafe Nandu"}'

api_keys = st.sampled_from([API_KEY, "a", "0", "A" * 128, "1234567890"]) | st.text(LETTERS_DIGITS, min_size=1,
                                                                                    max_size=128)  # fmt: skip
request_ids = st.sampled_from([REQUEST_ID, "-", "a", "0", "-a-", "f" * 128, "12345"]) | st.text(
    LETTERS_DIGITS + "-", min_size=1, max_size=128
)
#: Clocks in milliseconds: today, a small clock (timestamps near zero), 2**53 (where a double loses integers), and
#: the largest 16-digit timestamp.
clocks = st.sampled_from([1_700_000_000_000, 2**53 - 1, 9_007_199_254_000_000, 300_000]) | st.integers(
    1_000_000_000_000, 2_000_000_000_000
)
windows = st.sampled_from([WINDOW, 0, 1, 60_000, 86_400_000])
secrets = st.one_of(
    st.just(SECRET),
    st.sampled_from([b"", b"k", b"00ff" * 16, b"c2VjcmV0LWtleQ==", bytes(range(64)), b"x" * 129, b"s\x00s"]),
    st.binary(max_size=200),
    st.text(LETTERS_DIGITS + "+/=_-", max_size=100).map(str.encode),
)
bodies = st.one_of(
    st.just(BODY),
    st.sampled_from(
        [
            b"",
            BODY + b"\n",
            b"\xef\xbb\xbf" + BODY,
            b'{\n  "cardId": "c-7781",\r\n  "amount": 1250\n}\n',
            b'{"merchant":"Caf\xc3\xa9 \xc3\x91and\xc3\xba","emoji":"\xf0\x9f\x92\xb3"}',
            b'{"merchant":"Caf\\u00e9","path":"a\\/b","n":1.0,"big":12345678901234567890}',
            b'  {"a":1}  ',
            b"\xff\xfe\x00{}",
            b"[object Object]",
            b"a" * 70_000,
        ]
    ),
    st.binary(max_size=300),
    st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


def signature(algorithm: str, secret: bytes, fields: tuple[str, str, str], body: bytes, encoding: str) -> str:
    return encode_signature(full_mac(algorithm, secret, string_to_sign(*fields, body)), encoding)


# -- field values a lenient syntax check accepts -------------------------------------------------------------------

#: Around a header value: SP and HTAB (FV-3 trims them), and what general-purpose trims also remove.
AROUND = [" ", "\t", "\u00a0", "\u000b", "\u000c", "\r", "\ufeff", "\u3000", "\u2028", "\u0085", "\u200b", "\n"]


def _digits_in(ts: str, zero: int) -> str:
    return "".join(chr(zero + int(d)) for d in ts)


def lenient_int(text: str) -> int | None:
    """The integer a general-purpose parser reads from a timestamp text (Python's int(), then float())."""
    for parse in (int, float):
        try:
            return int(parse(text))
        except (ValueError, OverflowError):
            continue
    return None


def timestamp_forms(ts: str) -> dict[str, str]:
    """The same instant written as lenient parsers accept it, and the usual seconds-for-milliseconds mistake (of
    the value's ASCII digits: it may already carry white space or other characters)."""
    ts = "".join(c for c in ts if c in DIGITS).lstrip("0") or "1"
    return {
        "seconds": ts[:-3] or "1",
        "plus-sign": "+" + ts,
        "leading-zero": "0" + ts,
        "decimal-point": ts + ".0",
        "exponent": f"{int(ts) / 10 ** (len(ts) - 1)!r}e{len(ts) - 1}",
        "underscores": ts[:1] + "_" + ts[1:],
        "fullwidth-digits": _digits_in(ts, 0xFF10),
        "arabic-indic-digits": _digits_in(ts, 0x0660),
        "inner-space": ts[:4] + " " + ts[4:],
        "seventeen-digits": ts.rjust(17, "1"),
        "negative": "-" + ts,
        "hex": hex(int(ts)),
    }


def field_forms(value: str, allowed: str) -> dict[str, str]:
    """Api-Key and Client-Request-Id values that break FV-5/FV-6 the way Unicode-aware or lax checks allow."""
    return {
        "e-acute": value + "\u00e9",
        "greek-omega": "\u03a9" + value,
        "fullwidth-a": "\uff21" + value[1:],
        "kelvin-sign": value + "\u212a",
        "arabic-indic-digit": value + "\u0663",
        "superscript-two": value + "\u00b2",
        "underscore": value + "_",
        "dot": value[:1] + "." + value[1:],
        "hyphen": value + "-" if "-" not in allowed else value + "_",
        "inner-space": value[:1] + " " + value[1:],
        "too-long": (value * 129)[:129],
        "empty": "",
    }


# -- a request being built -----------------------------------------------------------------------------------------


@dataclass
class Draft:
    """A verify case under construction: what is sent, what was signed, and how the two were made."""

    algorithm: str
    secret: bytes
    sent: dict[str, str]
    signed: dict[str, str]
    body: bytes
    signed_body: bytes
    now: int
    window: int
    legacy: bool
    encoding: str
    keys: list[dict[str, Any]]
    seen: list[str] = field(default_factory=list)
    signature_change: str | None = None
    authorization_around: tuple[str, str] = ("", "")
    how: list[str] = field(default_factory=list)

    def authorization(self) -> str:
        fields = (self.signed["Api-Key"], self.signed["Client-Request-Id"], self.signed["Timestamp"])
        mac = full_mac(self.algorithm, self.secret, string_to_sign(*fields, self.signed_body))
        text = encode_signature(mac, self.encoding)
        if self.signature_change:
            text = changed_signature(self.signature_change, mac, text, self.algorithm)
        before, after = self.authorization_around
        return before + text + after


def changed_signature(change: str, mac: bytes, text: str, algorithm: str) -> str:
    """The signature text in another encoding or slightly wrong (FV-10..13)."""
    other = "sha512" if algorithm == "sha256" else "sha256"
    hex_text = mac.hex()
    return {
        "hex": hex_text,
        "upper-hex": hex_text.upper(),
        "url-safe": text.replace("+", "-").replace("/", "_"),
        "unpadded": text.rstrip("="),
        "legacy": base64.b64encode(hex_text.encode()).decode(),
        "legacy-upper-hex": base64.b64encode(hex_text.upper().encode()).decode(),
        "unused-bits-set": _unused_bits_set(text),
        "inner-space": text[:20] + " " + text[20:],
        "inner-newline": text[:20] + "\n" + text[20:],
        "truncated": text[:-4],
        "one-bit-flipped": base64.b64encode(bytes([mac[0] ^ 1]) + mac[1:]).decode(),
        "other-algorithm-length": base64.b64encode((mac * 2)[: ALGORITHMS[other][1]]).decode(),
        "empty": "",
        "mac-prefix": base64.b64encode(mac[:16]).decode(),
    }.get(change, text)


def _unused_bits_set(text: str) -> str:
    """The same MAC with a non-zero unused bit in the last Base64 character (a non-canonical text)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    data = text.rstrip("=")
    pad = len(text) - len(data)
    last = alphabet.index(data[-1])
    return data[:-1] + alphabet[last | (1 if pad == 1 else 3)] + "=" * pad


BODY_TRANSFORMS = {
    "re-serialised-compact": lambda b: json.dumps(json.loads(b), separators=(",", ":"), ensure_ascii=False).encode(),
    "re-serialised-default": lambda b: json.dumps(json.loads(b)).encode(),
    "keys-sorted": lambda b: json.dumps(json.loads(b), sort_keys=True, separators=(",", ":")).encode(),
    "trimmed": bytes.strip,
    "newline-added": lambda b: b + b"\n",
    "bom-removed": lambda b: b.removeprefix(b"\xef\xbb\xbf"),
    "crlf-to-lf": lambda b: b.replace(b"\r\n", b"\n"),
    "as-text-replaced": lambda b: b.decode("utf-8", "replace").encode(),
    "object-object-for-empty": lambda b: b or b"[object Object]",
}


def _transformed(name: str, body: bytes) -> bytes:
    try:
        return BODY_TRANSFORMS[name](body)
    except ValueError:  # not JSON: such a verifier would use it as it is
        return body


# -- value mutations (before signing) ------------------------------------------------------------------------------


def wrap(draw: st.DrawFn, d: Draft) -> None:
    name = draw(st.sampled_from(NAMES))
    before, after = draw(st.sampled_from(["", *AROUND])), draw(st.sampled_from([*AROUND, ""]))
    if name == "Authorization":
        d.authorization_around = (before, after)
    else:
        d.sent[name] = before + d.sent[name] + after
    d.how.append(f"{name} wrapped in {before!r} and {after!r}, signed as trimmed")


def syntax(draw: st.DrawFn, d: Draft) -> None:
    name = draw(st.sampled_from(["Api-Key", "Client-Request-Id", "Timestamp"]))
    if name == "Timestamp":
        forms = timestamp_forms(d.sent["Timestamp"])
    else:
        forms = field_forms(d.sent[name], LETTERS_DIGITS if name == "Api-Key" else LETTERS_DIGITS + "-")
    form = draw(st.sampled_from(sorted(forms)))
    value = forms[form]
    reading = draw(st.sampled_from(["as sent", "as an integer parser reads it"])) if name == "Timestamp" else "as sent"
    parsed = lenient_int(value)
    signed = str(parsed) if reading != "as sent" and parsed is not None else value
    if name == "Timestamp" and form == "seconds":
        signed = value
    d.sent[name], d.signed[name] = value, signed
    if name == "Api-Key":
        d.keys = [{**k, "api_key": value} if k["secret"] == d.secret else k for k in d.keys]
    d.how.append(f"{name} written {form}: {value!r}, signed {reading}")


def auth_type(draw: st.DrawFn, d: Draft) -> None:
    value = draw(
        st.sampled_from(["hmac", "Hmac", "HMAC ", "HMAC\u00a0", "AccessToken", "", "HMAC-SHA256", "HMAC,HMAC"])
    )
    d.sent["Auth-Token-Type"] = value
    d.how.append(f"Auth-Token-Type {value!r}")


SIGNATURE_CHANGES = ("hex", "upper-hex", "url-safe", "unpadded", "legacy", "legacy-upper-hex", "unused-bits-set",
                     "inner-space", "inner-newline", "truncated", "one-bit-flipped", "other-algorithm-length",
                     "empty", "mac-prefix")  # fmt: skip


def encoding(draw: st.DrawFn, d: Draft) -> None:
    d.signature_change = draw(st.sampled_from(SIGNATURE_CHANGES))
    d.how.append(f"signature {d.signature_change}")


def body_signed_as(draw: st.DrawFn, d: Draft) -> None:
    name = draw(st.sampled_from(sorted(BODY_TRANSFORMS)))
    d.signed_body = _transformed(name, d.body)
    d.how.append(f"body signed {name}" + ("" if d.signed_body != d.body else " (no change)"))


def replay(draw: st.DrawFn, d: Draft) -> None:
    rid = d.sent["Client-Request-Id"]
    seen = draw(st.sampled_from([rid, rid.upper(), rid.lower(), rid + "0", rid[:-1]]))
    d.seen = [*d.seen, seen]
    d.how.append(f"seen request ids include {seen!r}")


def key_store(draw: st.DrawFn, d: Draft) -> None:
    api_key = d.sent["Api-Key"]
    change = draw(st.sampled_from(["case-differs", "unknown-first-key-signs", "other-algorithm", "right-key-second",
                                   "unknown"]))  # fmt: skip
    own = {"api_key": api_key, "secret": d.secret, "algorithm": d.algorithm}
    other_algorithm = "sha512" if d.algorithm == "sha256" else "sha256"
    if change == "case-differs":
        d.keys = [{**own, "api_key": api_key.swapcase() if api_key.swapcase() != api_key else api_key + "x"}]
    elif change == "unknown-first-key-signs":
        d.keys = [{**own, "api_key": "default" + api_key[:100]}, {**own, "api_key": "Z" + api_key[:100],
                                                                   "secret": b"another"}]  # fmt: skip
    elif change == "other-algorithm":
        d.keys = [{**own, "algorithm": other_algorithm}]
    elif change == "right-key-second":
        d.keys = [{"api_key": "first" + api_key[:100], "secret": b"first", "algorithm": other_algorithm}, own]
    else:
        d.keys = [{**own, "api_key": api_key + "0"}]
    d.how.append(f"key store: {change}")


def clock(draw: st.DrawFn, d: Draft) -> None:
    d.legacy = not d.legacy
    d.how.append(f"legacy_hex_base64 {d.legacy}")


VALUE_MUTATIONS = {"wrap": wrap, "syntax": syntax, "auth-type": auth_type, "encoding": encoding,
                   "body": body_signed_as, "replay": replay, "keys": key_store, "legacy-flag": clock}  # fmt: skip


# -- header list mutations (after signing) -------------------------------------------------------------------------


def name_variants(name: str) -> dict[str, str]:
    return {
        "lowercase": name.lower(),
        "uppercase": name.upper(),
        "kelvin-sign": name.replace("k", "\u212a").replace("K", "\u212a"),
        "underscore": name.replace("-", "_"),
        "no-hyphen": name.replace("-", ""),
        "trailing-space": name + " ",
        "dotless-i": name.replace("i", "\u0131"),
    }


def headers_changed(draw: st.DrawFn, headers: list[list[str]], d: Draft) -> list[list[str]]:
    for change in draw(st.lists(st.sampled_from(["name", "duplicate", "drop"]), max_size=2)):
        index = draw(st.integers(0, len(headers) - 1)) if headers else 0
        if not headers:
            break
        name, value = headers[index]
        if change == "name":
            variants = name_variants(name)
            variant = draw(st.sampled_from(sorted(variants)))
            headers[index] = [variants[variant], value]
            d.how.append(f"header {name!r} named {variants[variant]!r} ({variant})")
        elif change == "duplicate":
            other = draw(st.sampled_from(["same value", "another value"]))
            copy_value = value if other == "same value" else value[:-1] + ("1" if value[-1:] != "1" else "2")
            first = draw(st.booleans())
            pair = [[name, copy_value], [name, value]] if first else [[name, value], [name, copy_value]]
            headers[index : index + 1] = pair
            d.how.append(f"header {name!r} repeated with {other} {'before' if first else 'after'} it")
        else:
            del headers[index]
            d.how.append(f"header {name!r} left out")
    return headers


# -- the strategies ------------------------------------------------------------------------------------------------


@st.composite
def drafts(draw: st.DrawFn) -> Draft:
    algorithm = draw(st.sampled_from(["sha256", "sha512"]))
    secret, api_key, rid = draw(secrets), draw(api_keys), draw(request_ids)
    now, window = draw(clocks), draw(windows)
    offset = draw(st.sampled_from([0, -window, window, -window - 1, window + 1, 1 - window, window - 1])
                  | st.integers(-2 * window - 2, 2 * window + 2))  # fmt: skip
    ts = str(max(1, min(now + offset, 10**16 - 1)))
    body = draw(bodies)
    legacy, encoding_name = draw(st.sampled_from([(False, "base64"), (True, "base64"), (True, "legacy-hex-base64")]))
    sent = {"Api-Key": api_key, "Client-Request-Id": rid, "Timestamp": ts, "Auth-Token-Type": "HMAC"}
    how = [f"HMAC-{algorithm}, window {window} ms, Timestamp now{offset:+d} ms, {encoding_name}"]
    keys = [{"api_key": api_key, "secret": secret, "algorithm": algorithm}]
    return Draft(algorithm, secret, dict(sent), dict(sent), body, body, now, window, legacy, encoding_name, keys,
                 how=how)  # fmt: skip


@st.composite
def verify_inputs(draw: st.DrawFn) -> Generated:
    d = draw(drafts())
    for name in draw(st.lists(st.sampled_from(sorted(VALUE_MUTATIONS)), max_size=3)):
        VALUE_MUTATIONS[name](draw, d)
    headers = [[name, d.sent[name]] for name in NAMES[:4]] + [["Authorization", d.authorization()]]
    if d.body:
        headers.insert(0, ["Content-Type", "application/json"])
    headers = draw(st.permutations(headers)) if draw(st.booleans()) else headers
    headers = headers_changed(draw, [list(h) for h in headers], d)
    inp = {
        "request": {"method": "POST", "path": "/v1/cards", "headers": headers, "body": d.body},
        "keys": d.keys,
        "now_ms": d.now,
        "window_ms": d.window,
        "seen_request_ids": d.seen,
        "legacy_hex_base64": d.legacy,
    }
    return Generated(inp, tuple(d.how))


@st.composite
def sign_inputs(draw: st.DrawFn) -> Generated:
    d = draw(drafts())
    values = {
        "Api-Key": d.sent["Api-Key"],
        "Client-Request-Id": d.sent["Client-Request-Id"],
        TIMESTAMP: d.sent[TIMESTAMP],
    }
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        name = draw(st.sampled_from(sorted(values)))
        if draw(st.booleans()):
            forms = {f"wrapped in {c!r}": c + values[name] for c in AROUND} | {
                f"followed by {c!r}": values[name] + c for c in AROUND
            }
        elif name == TIMESTAMP:
            forms = timestamp_forms(values[name])
        else:
            forms = field_forms(values[name], LETTERS_DIGITS)
        form = draw(st.sampled_from(sorted(forms)))
        values[name] = forms[form]
        d.how.append(f"{name} {form}: {values[name]!r}")
    inp = {
        "algorithm": d.algorithm,
        "secret": d.secret,
        "api_key": values["Api-Key"],
        "client_request_id": values["Client-Request-Id"],
        "timestamp": values[TIMESTAMP],
        "method": draw(st.sampled_from(["POST", "GET", "PUT", "DELETE", "PATCH", ""])),
        "path": draw(st.sampled_from(["/v1/cards", "/", "", "/v1/cards?limit=10", "/v1/caf\u00e9"])),
        "body": d.body,
        "signature_encoding": d.encoding,
    }
    return Generated(inp, tuple(d.how[1:]) or ("valid values",))


def rules(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> tuple[str, ...]:
    if operation == "sign":
        if "refused" in expected:
            field_rule = {"malformed-api-key": "FV-5", "malformed-request-id": "FV-6", "malformed-timestamp": "FV-7"}
            cited = [field_rule[expected["refused"]], "FV-17"]
        else:
            cited = ["FV-8", "FV-9", "FV-10"] + (["FV-12"] if inp["signature_encoding"] != "base64" else [])
    elif expected["valid"]:
        cited = ["FV-8", "FV-9", "FV-13", "FV-16"]
    else:
        cited = [*compare.HINTS[expected["reason"]][0], "FV-16"]
    return tuple(sorted(set(cited), key=lambda r: int(r.split("-")[1])))


def tags(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> list[tuple[str, ...]]:
    if operation == "sign":
        return [("sign",), ("sign", "order")]
    return [("verify",), ("verify", "lenient-trim"), ("verify", "order")]


FUZZING = Fuzzing(inputs={"sign": sign_inputs(), "verify": verify_inputs()}, rules=rules, tags=tags)
