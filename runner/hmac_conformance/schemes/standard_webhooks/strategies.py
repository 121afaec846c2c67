"""How ``hmac-conformance fuzz`` generates ``standard-webhooks`` cases (docs/fuzz.md).

Signers get secrets in every form SW-7 allows (prefix or not, padding or not, 24 to 64 bytes) and forms it does
not (23 and 65 bytes, URL-safe or foreign characters, white space, a second or an upper-case prefix, wrong
padding), ids and timestamps at and past the edges of SW-5 and SW-6, and payloads that re-serialising, decoding
or trimming would change.

Verifiers get a webhook signed correctly and then changed in up to three ways, each re-signed as a lenient
verifier reads it so that such a verifier accepts what it must reject: signature lists with rotated, unknown,
upper-case, ``v1a`` or malformed entries and other separators, entries that only a lenient decoder reads,
header names in other cases (the Kelvin sign, ``_`` for ``-``), values with white space, empty, repeated or
missing fields, timestamps that only a number parser reads (signed as sent or as written back), milliseconds,
the window's edges, payloads signed after re-serialising or decoding, and keys taken from the secret's text.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from hmac_conformance.schemes import Fuzzing, Generated
from hmac_conformance.schemes.standard_webhooks import compare
from hmac_conformance.schemes.standard_webhooks.reference import mac, signed_content

TOLERANCE = 300  # the lint holds every vector to the spec's default window (SW-15)
NOW = 1_700_000_000
MSG_ID = "msg_2vQk8ZrT3mN6pLxW1cYb9HdE4sJ"
KEY = bytes.fromhex("3e7e7b5f09fc820bdad6a838bc7c942838d25dc701938cdf9fa84ed4f926bfef")
PAYLOAD = b'{"type":"invoice.paid","data":{"id":"inv_4Rk2","amount":1250,"currency":"EUR"}}'
FIELDS = ("webhook-id", "webhook-timestamp", "webhook-signature")
AROUND = [" ", "\t", "\u00a0", "\u000b", "\r", "\ufeff", "\u3000", "\n"]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def entry(key: bytes, msg_id: str, timestamp: str, payload: bytes) -> str:
    return "v1," + b64(mac(key, signed_content(msg_id, timestamp, payload)))


# -- values --------------------------------------------------------------------------------------------------------


@st.composite
def keys(draw: st.DrawFn, lengths: st.SearchStrategy[int]) -> bytes:
    length = draw(lengths)
    return KEY[:length] if draw(st.booleans()) and length <= len(KEY) else draw(st.binary(min_size=length,
                                                                                            max_size=length))  # fmt: skip


def secret_text(key: bytes, prefix: bool, padded: bool) -> str:
    text = b64(key)
    return ("whsec_" if prefix else "") + (text if padded else text.rstrip("="))


@st.composite
def good_secrets(draw: st.DrawFn) -> tuple[str, bytes, str]:
    key = draw(keys(st.sampled_from([32, 24, 64, 25, 33, 63]) | st.integers(24, 64)))
    prefix, padded = draw(st.booleans()), draw(st.booleans())
    return secret_text(key, prefix, padded), key, f"secret of {len(key)} bytes, prefix {prefix}, padded {padded}"


def bad_secret_forms(key: bytes) -> dict[str, str]:
    """Secret texts SW-7 refuses, the way mistaken or lenient parsers take them."""
    text = "whsec_" + b64(key)
    return {
        "23-bytes": "whsec_" + b64(key[:23]),
        "65-bytes": "whsec_" + b64((key * 3)[:65]),
        "url-safe": "whsec_" + b64(key).replace("+", "-").replace("/", "_") + "-",
        "inner-space": text[:12] + " " + text[12:],
        "trailing-newline": text + "\n",
        "upper-case-prefix": "WHSEC_" + b64(key),
        "double-prefix": "whsec_" + text,
        "wrong-padding": text.rstrip("=") + "===",
        "inner-equals": text[:10] + "=" + text[10:],
        "foreign-character": text[:-2] + "!" + text[-1:],
        "one-extra-character": text.rstrip("=") + "A",
        "ed25519-prefix": "whsk_" + b64(key),
        "empty": "",
    }


payloads = st.one_of(
    st.just(PAYLOAD),
    st.sampled_from(
        [
            b"",
            PAYLOAD + b"\n",
            b"\xef\xbb\xbf" + PAYLOAD,
            b'{\r\n  "type": "invoice.paid",\r\n  "amount": 1250\r\n}\r\n',
            b'{"name":"Caf\xc3\xa9","emoji":"\xf0\x9f\x92\xb3","path":"a\\/b","n":1.50}',
            b"\xff\xfe\x80 not text",
            b"  {}  ",
            b"x" * 70_000,
        ]
    ),
    st.binary(max_size=300),
    st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
ids = st.sampled_from([MSG_ID, "a", "msg.with.dots", "msg id with spaces", "x" * 255, "~!@#$%^&*()"]) | st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60
)


def bad_id_forms(msg_id: str) -> dict[str, str]:
    return {
        "empty": "",
        "leading-space": " " + msg_id,
        "trailing-space": msg_id + " ",
        "crlf": msg_id + "\r\nx-injected: 1",
        "non-ascii": msg_id + "\u00e9",
        "tab": msg_id + "\t",
        "nul": msg_id + "\x00",
    }


def timestamp_forms(ts: str) -> dict[str, str]:
    """The same instant written as number parsers accept it, and in milliseconds (of the value's ASCII digits:
    an earlier change may have wrapped it in white space)."""
    ts = "".join(c for c in ts if c in "0123456789").lstrip("0") or "1"
    return {
        "milliseconds": ts + "000",
        "plus-sign": "+" + ts,
        "leading-zero": "0" + ts,
        "decimal-point": ts + ".0",
        "fraction": ts + ".9",
        "exponent": f"{int(ts) / 10 ** (len(ts) - 1)!r}e{len(ts) - 1}",
        "underscores": ts[:1] + "_" + ts[1:],
        "fullwidth-digits": "".join(chr(0xFF10 + int(d)) for d in ts),
        "surrounding-space": " " + ts + " ",
        "trailing-letters": ts + "s",
        "twelve-digits": ts.rjust(12, "1"),
        "negative": "-" + ts,
    }


def lenient_int(text: str) -> int | None:
    """What a general-purpose number parser makes of a timestamp text (Python's int(), then float())."""
    for parse in (int, float):
        try:
            return int(parse(text))
        except (ValueError, OverflowError):
            continue
    return None


# -- signing -------------------------------------------------------------------------------------------------------


timestamps = st.sampled_from([NOW, 1, 99_999_999_999]) | st.integers(1, 2 * NOW)


@st.composite
def sign_inputs(draw: st.DrawFn) -> Generated:
    secret, key, how = draw(good_secrets())
    msg_id, ts, payload = draw(ids), str(draw(timestamps)), draw(payloads)
    steps = [how]
    broken = draw(st.sampled_from([None, None, "secret", "id", "timestamp"]))
    if broken:
        forms = {"secret": bad_secret_forms(key), "id": bad_id_forms(msg_id), "timestamp": timestamp_forms(ts)}[broken]
        form = draw(st.sampled_from(sorted(forms)))
        if broken == "secret":
            secret = forms[form]
        elif broken == "id":
            msg_id = forms[form]
        else:
            ts = forms[form]
        steps.append(f"{broken} {form}")
    return Generated({"secret": secret, "msg_id": msg_id, "timestamp": ts, "payload": payload}, tuple(steps))


# -- verification --------------------------------------------------------------------------------------------------


@dataclass
class Draft:
    """A webhook under construction: what is sent, what the entries are computed over, and how."""

    secret: str
    key: bytes
    msg_id: str
    ts: str
    payload: bytes
    signing_key: bytes
    #: What the right entry is computed over, when it is not what is sent (None: as sent).
    signed_id: str | None = None
    signed_ts: str | None = None
    signed_payload: bytes | None = None
    #: How the signature list is made from the right entry (None: the right entry alone).
    entries: Callable[[str], list[str]] | None = None
    separator: str = " "
    how: list[str] = field(default_factory=list)

    def right_entry(self) -> str:
        return entry(self.signing_key, *self.signed())

    def signed(self) -> tuple[str, str, bytes]:
        return (
            self.msg_id if self.signed_id is None else self.signed_id,
            self.ts if self.signed_ts is None else self.signed_ts,
            self.payload if self.signed_payload is None else self.signed_payload,
        )

    def signature_header(self) -> str:
        right = self.right_entry()
        return self.separator.join(self.entries(right) if self.entries else [right])


ENTRY_CHANGES = ("unpadded", "url-safe", "unused-bits-set", "hex", "upper-case-version", "v1a-version",
                 "v10-version", "no-version", "extra-comma", "prefix-of-mac", "empty-value", "inner-space")  # fmt: skip


def changed_entry(change: str, right: str) -> str:
    value = right[3:]
    raw = base64.b64decode(value)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet[alphabet.index(value[-2]) | 1]
    return {
        "unpadded": "v1," + value.rstrip("="),
        "url-safe": "v1," + value.replace("+", "-").replace("/", "_"),
        "unused-bits-set": "v1," + value[:-2] + last + "=",
        "hex": "v1," + raw.hex(),
        "upper-case-version": "V1," + value,
        "v1a-version": "v1a," + value,
        "v10-version": "v10," + value,
        "no-version": "," + value,
        "extra-comma": right + ",x",
        "prefix-of-mac": "v1," + b64(raw[:16]),
        "empty-value": "v1,",
        "inner-space": "v1," + value[:10] + " " + value[10:],
    }[change]


def signature_list(draw: st.DrawFn, d: Draft) -> None:
    """Rotation and skipped entries: the right entry among others, possibly in a form SW-12 skips."""
    change = draw(st.sampled_from(["none", *ENTRY_CHANGES]))
    others = draw(st.lists(st.sampled_from(["v1,wrong-key", "v1a,ed25519", "v2,next", "unusable", "empty"]),
                           max_size=2))  # fmt: skip
    at = draw(st.integers(0, len(others)))
    d.separator = draw(st.sampled_from([" ", "  ", "\t", ", ", ","]))

    def entries(right: str) -> list[str]:
        made = {
            "v1,wrong-key": entry(b"\x01" * 32, *d.signed()),
            "v1a,ed25519": "v1a," + b64(bytes(64)),
            "v2,next": "v2," + b64(bytes(32)),
            "unusable": "v1,!!",
            "empty": "",
        }
        listed = [made[o] for o in others]
        listed.insert(at, right if change == "none" else changed_entry(change, right))
        return listed

    d.entries = entries
    d.how.append(f"signature list: own entry {change} at {at} among {others}, separated by {d.separator!r}")


def timestamp_text(draw: st.DrawFn, d: Draft) -> None:
    forms = timestamp_forms(d.ts)
    form = draw(st.sampled_from(sorted(forms)))
    d.ts = forms[form]
    reading = draw(st.sampled_from(["as sent", "as written back by a number parser"]))
    parsed = lenient_int(d.ts)
    d.signed_ts = str(parsed) if reading != "as sent" and parsed is not None else None
    d.how.append(f"webhook-timestamp {form} {d.ts!r}, signed {reading}")


def payload_signed_as(draw: st.DrawFn, d: Draft) -> None:
    transforms = {
        "re-serialised": lambda b: json.dumps(json.loads(b), separators=(",", ":"), ensure_ascii=False).encode(),
        "decoded-as-text": lambda b: b.decode("utf-8", "replace").encode(),
        "trimmed": bytes.strip,
        "bom-removed": lambda b: b.removeprefix(b"\xef\xbb\xbf"),
        "crlf-to-lf": lambda b: b.replace(b"\r\n", b"\n"),
    }
    name = draw(st.sampled_from(sorted(transforms)))
    try:
        d.signed_payload = transforms[name](d.payload)
    except ValueError:
        d.signed_payload = d.payload
    d.how.append(f"payload signed {name}" + ("" if d.signed_payload != d.payload else " (no change)"))


def key_from_text(draw: st.DrawFn, d: Draft) -> None:
    """Keys a verifier that mistakes the secret's text would compute with."""
    text = d.secret.removeprefix("whsec_")
    forms = {"text-bytes": text.encode(), "text-with-prefix": d.secret.encode(), "first-24-bytes": d.key[:24]}
    form = draw(st.sampled_from(sorted(forms)))
    d.signing_key = forms[form]
    d.how.append(f"signed with the key {form}")


def value_around(draw: st.DrawFn, d: Draft) -> None:
    which = draw(st.sampled_from(["id", "timestamp"]))
    before, after = draw(st.sampled_from(["", *AROUND])), draw(st.sampled_from([*AROUND, ""]))
    if which == "id":
        d.signed_id, d.msg_id = d.signed()[0], before + d.msg_id + after
    else:
        d.signed_ts, d.ts = d.signed()[1], before + d.ts + after
    d.how.append(f"webhook-{which} wrapped in {before!r} and {after!r}, signed as trimmed")


VALUE_MUTATIONS = {"signature-list": signature_list, "timestamp": timestamp_text, "payload": payload_signed_as,
                   "key": key_from_text, "around": value_around}  # fmt: skip


def name_variants(name: str) -> dict[str, str]:
    return {
        "title-case": "-".join(part.capitalize() for part in name.split("-")),
        "uppercase": name.upper(),
        "kelvin-sign": name.replace("k", "\u212a"),
        "underscore": name.replace("-", "_"),
        "trailing-space": name + " ",
        "dotless-i": name.replace("i", "\u0131"),
    }


def headers_changed(draw: st.DrawFn, headers: list[list[str]], d: Draft) -> list[list[str]]:
    for change in draw(st.lists(st.sampled_from(["name", "duplicate", "drop", "empty", "split-signatures"]),
                                max_size=2)):  # fmt: skip
        signed = [i for i, (n, _) in enumerate(headers) if n in FIELDS]
        if not signed:
            break
        index = draw(st.sampled_from(signed))
        name, value = headers[index]
        if change == "name":
            variants = name_variants(name)
            variant = draw(st.sampled_from(sorted(variants)))
            headers[index] = [variants[variant], value]
            d.how.append(f"header {name!r} named {variants[variant]!r}")
        elif change == "duplicate":
            other = draw(st.sampled_from(["same value", "another value", "empty value"]))
            copy_value = {"same value": value, "another value": value[:-1] + "1", "empty value": ""}[other]
            first = draw(st.booleans())
            headers[index : index + 1] = [[name, copy_value], [name, value]] if first else [[name, value],
                                                                                              [name, copy_value]]  # fmt: skip
            d.how.append(f"header {name!r} repeated with {other} {'before' if first else 'after'} it")
        elif change == "drop":
            del headers[index]
            d.how.append(f"header {name!r} left out")
        elif change == "empty":
            headers[index] = [name, ""]
            d.how.append(f"header {name!r} empty")
        elif name == "webhook-signature" and " " in value:
            parts = [p for p in value.split(" ") if p]
            headers[index : index + 1] = [[name, p] for p in parts]
            d.how.append("signature entries in separate webhook-signature fields")
    return headers


@st.composite
def verify_inputs(draw: st.DrawFn) -> Generated:
    secret, key, how = draw(good_secrets())
    now = draw(st.sampled_from([NOW, 301, 99_999_999_000]) | st.integers(1_000_000_000, 2_000_000_000))
    offset = draw(st.sampled_from([0, -TOLERANCE, TOLERANCE, -TOLERANCE - 1, TOLERANCE + 1])
                  | st.integers(-3 * TOLERANCE, 3 * TOLERANCE))  # fmt: skip
    d = Draft(secret, key, draw(ids), str(max(1, now + offset)), draw(payloads), key)
    d.how += [how, f"webhook-timestamp now{offset:+d} s"]
    for name in draw(st.lists(st.sampled_from(sorted(VALUE_MUTATIONS)), max_size=3, unique=True)):
        VALUE_MUTATIONS[name](draw, d)
    headers = [["webhook-id", d.msg_id], ["webhook-timestamp", d.ts], ["webhook-signature", d.signature_header()]]
    if draw(st.booleans()):
        headers.insert(0, ["content-type", "application/json"])
    headers = draw(st.permutations(headers)) if draw(st.booleans()) else headers
    headers = headers_changed(draw, [list(h) for h in headers], d)
    inp = {"secret": secret, "headers": headers, "payload": d.payload, "now": now, "tolerance": TOLERANCE}
    return Generated(inp, tuple(d.how))


def rules(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> tuple[str, ...]:
    if operation == "sign":
        refusal = {"malformed-secret": "SW-7", "malformed-id": "SW-5", "malformed-timestamp": "SW-6"}
        cited = [refusal[expected["refused"]], "SW-10"] if "refused" in expected else ["SW-7", "SW-8", "SW-9", "SW-10"]
    elif expected["valid"]:
        cited = ["SW-8", "SW-9", "SW-13", "SW-17"]
    else:
        cited = [*compare.HINTS[expected["reason"]][0], "SW-17"]
    return tuple(sorted(set(cited), key=lambda r: int(r.split("-")[1])))


def tags(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> list[tuple[str, ...]]:
    if operation == "sign":
        return [("sign", "refused") if "refused" in expected else ("sign",)]
    if expected["valid"]:
        return [("verify", "valid")]
    return [("verify",), ("verify", "signed-as-reserialised"), ("verify", "order")]


FUZZING = Fuzzing(inputs={"sign": sign_inputs(), "verify": verify_inputs()}, rules=rules, tags=tags)
