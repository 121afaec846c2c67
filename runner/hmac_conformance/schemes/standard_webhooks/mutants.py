"""One-bug mutants of the ``standard-webhooks`` reference (docs/mutants.md): each a mistake real webhook signers
and verifiers make.

``Reference`` is reference.py step by step — the signer and the verifier calling each step through ``self``, the
verifier as the list of SW-17 steps — and answers exactly as the reference does (tests/test_mutants.py checks it
on every vector). A mutant overrides one step (or the order of the steps); nothing here changes the reference
module. Steps a signer and a verifier share in a library (the secret, the signed content) are shared here too.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import re
from types import SimpleNamespace
from typing import Any

from hmac_conformance.schemes import Catalogue, OneBug
from hmac_conformance.schemes.standard_webhooks import reference as ref

mutant = Catalogue("standard-webhooks")

#: SW-17, in order: each is a ``check_<step>`` method that returns a reason code or None.
STEPS = ("headers", "timestamp", "stale", "future", "entries", "signature")


class Reference(OneBug):
    """The reference, one step per method."""

    scheme = "standard-webhooks"
    steps: tuple[str, ...] = STEPS

    # -- shared by signer and verifier ---------------------------------------------------------------------------
    def secret_key(self, text: str) -> bytes | None:
        return ref.decode_secret(text)

    def timestamp_ok(self, text: str) -> bool:
        return ref.TIMESTAMP_TEXT.fullmatch(text) is not None

    def timestamp_value(self, text: str) -> int:
        return int(text)

    def timestamp_signed(self, text: str) -> str:
        """The timestamp text that goes into the signed content."""
        return text

    def payload(self, payload: bytes) -> bytes:
        return payload

    def signed_content(self, msg_id: str, timestamp: str, payload: bytes) -> bytes:
        return ref.signed_content(msg_id, self.timestamp_signed(timestamp), self.payload(payload))

    def mac(self, key: bytes, content: bytes) -> bytes:
        return ref.mac(key, content)

    # -- signer --------------------------------------------------------------------------------------------------
    def id_ok(self, msg_id: str) -> bool:
        return ref.ID_TEXT.fullmatch(msg_id) is not None

    def entry(self, mac: bytes) -> str:
        return ref.VERSION + "," + base64.b64encode(mac).decode("ascii")

    def sign(self, *, secret: str, msg_id: str, timestamp: str, payload: bytes) -> dict[str, Any]:
        key = self.secret_key(secret)
        if key is None:
            return {"refused": "malformed-secret"}
        if not self.id_ok(msg_id):
            return {"refused": "malformed-id"}
        if not self.timestamp_ok(timestamp):
            return {"refused": "malformed-timestamp"}
        content = self.signed_content(msg_id, timestamp, payload)
        return {"signed_content": content, "signature": self.entry(self.mac(key, content))}

    # -- verifier ------------------------------------------------------------------------------------------------
    def fold(self, name: str) -> str:
        return ref.ascii_lower(name)

    def header_fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        seen: dict[str, list[str]] = {name: [] for name in ref.FIELDS}
        for name, value in headers:
            folded = self.fold(name)
            if folded in seen:
                seen[folded].append(value)
        if any(not values or values == [""] for values in seen.values()):
            return {}, "missing-header"
        if any(len(values) > 1 for values in seen.values()):
            return {}, "duplicate-header"
        return {name: values[0] for name, values in seen.items()}, None

    def split(self, header: str) -> list[str]:
        return header.split(" ")

    def entry_mac(self, item: str) -> bytes | None:
        """The MAC an entry carries if it is one to check (SW-12), else None."""
        version, comma, value = item.partition(",")
        if not comma or version != ref.VERSION or ref.V1_VALUE.fullmatch(value) is None:
            return None
        raw = base64.b64decode(value, validate=True)
        return raw if base64.b64encode(raw).decode("ascii") == value else None

    def macs(self, header: str) -> list[bytes]:
        return [mac for mac in map(self.entry_mac, self.split(header)) if mac is not None]

    def equal(self, a: bytes, b: bytes) -> bool:
        return hmac.compare_digest(a, b)

    def check_headers(self, c: SimpleNamespace) -> str | None:
        fields, problem = self.header_fields(c.headers)
        if problem:
            return problem
        c.msg_id, c.timestamp, c.signature = fields[ref.ID], fields[ref.TIMESTAMP], fields[ref.SIGNATURE]
        return None

    def check_timestamp(self, c: SimpleNamespace) -> str | None:
        if not self.timestamp_ok(c.timestamp):
            return "malformed-timestamp"
        c.ts = self.timestamp_value(c.timestamp)
        return None

    def check_stale(self, c: SimpleNamespace) -> str | None:
        return "stale" if c.now - c.ts > c.tolerance else None

    def check_future(self, c: SimpleNamespace) -> str | None:
        return "future" if c.ts - c.now > c.tolerance else None

    def check_entries(self, c: SimpleNamespace) -> str | None:
        c.received = self.macs(c.signature)
        return None if c.received else "no-signature"

    def check_signature(self, c: SimpleNamespace) -> str | None:
        expected = self.mac(c.key, self.signed_content(c.msg_id, c.timestamp, c.payload))
        matched = False
        for candidate in c.received:
            matched |= self.equal(candidate, expected)
        return None if matched else "signature-mismatch"

    def verify(self, *, secret: str, **given: Any) -> dict[str, Any]:
        key = self.secret_key(secret)
        if key is None:
            raise ValueError("the verifier's secret is malformed (SW-7)")
        case = SimpleNamespace(key=key, **given)
        for step in self.steps:
            reason = getattr(self, f"check_{step}")(case)
            if reason:
                return {"valid": False, "reason": reason}
        return {"valid": True}

    def answer(self, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        return self.sign(**input) if operation == "sign" else self.verify(**input)


def _int_or_none(text: str) -> int | None:
    """A general-purpose number parser, as libraries use for the timestamp: int(), then float()."""
    for parse in (int, float):
        with contextlib.suppress(ValueError, OverflowError):
            return int(parse(text))
    return None


# -- the secret (SW-7) -------------------------------------------------------------------------------------------


@mutant(
    "secret-not-decoded",
    "the key is the secret's text (after 'whsec_'), not the bytes its Base64 encodes",
    "SW-7",
    "SW-9",
)
class SecretNotDecoded(Reference):
    def secret_key(self, text: str) -> bytes | None:
        return None if ref.decode_secret(text) is None else text.removeprefix(ref.SECRET_PREFIX).encode("utf-8")


@mutant(
    "secret-prefix-kept", "'whsec_' not removed: a strict Base64 decoder then refuses every prefixed secret", "SW-7"
)
class SecretPrefixKept(Reference):
    def secret_key(self, text: str) -> bytes | None:
        try:
            key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            return None
        return key if ref.MIN_SECRET_BYTES <= len(key) <= ref.MAX_SECRET_BYTES else None


@mutant("secret-prefix-lstrip", "the prefix removed with lstrip('whsec_'), which strips any of those letters", "SW-7")
class SecretPrefixLstrip(Reference):
    def secret_key(self, text: str) -> bytes | None:
        if not text.startswith(ref.SECRET_PREFIX):
            return ref.decode_secret(text)
        return ref.decode_secret(text.lstrip("whsec_"))


@mutant(
    "secret-lenient-decode",
    "the secret decoded leniently (characters outside the alphabet skipped) instead of refused",
    "SW-7",
)
class SecretLenientDecode(Reference):
    def secret_key(self, text: str) -> bytes | None:
        body = text.removeprefix(ref.SECRET_PREFIX)
        try:
            key = base64.b64decode(body + "==")  # validate=False: skips what is not Base64
        except (binascii.Error, ValueError):
            return None
        return key if ref.MIN_SECRET_BYTES <= len(key) <= ref.MAX_SECRET_BYTES else None


@mutant("secret-length-unchecked", "a secret of any length accepted (the 24..64-byte range not enforced)", "SW-7")
class SecretLengthUnchecked(Reference):
    def secret_key(self, text: str) -> bytes | None:
        body = text.removeprefix(ref.SECRET_PREFIX)
        match = ref.SECRET_TEXT.fullmatch(body)
        if match is None or len(match[1]) % 4 == 1 or (match[2] and len(match[2]) != -len(match[1]) % 4):
            return None
        return base64.b64decode(match[1] + "=" * (-len(match[1]) % 4))


@mutant(
    "secret-padding-required", "a secret without its '=' padding refused (a strict decoder, as in Go and Rust)", "SW-7"
)
class SecretPaddingRequired(Reference):
    def secret_key(self, text: str) -> bytes | None:
        body = text.removeprefix(ref.SECRET_PREFIX)
        return ref.decode_secret(text) if len(body) % 4 == 0 else None


# -- the signer (SW-5, SW-6, SW-8, SW-9, SW-10) ------------------------------------------------------------------


@mutant(
    "signer-id-unchecked",
    "the signer signs any webhook-id (empty, CR LF, non-ASCII, surrounding spaces)",
    "SW-5",
    "SW-10",
)
class SignerIdUnchecked(Reference):
    def id_ok(self, msg_id: str) -> bool:
        return True


@mutant(
    "signer-id-crlf-only",
    "the signer looks for CR and LF but signs an id with another control character (TAB, NUL, DEL)",
    "SW-5",
    "SW-10",
)
class SignerIdCrlfOnly(Reference):
    def id_ok(self, msg_id: str) -> bool:
        return bool(msg_id) and msg_id.isascii() and not {"\r", "\n"} & set(msg_id) and msg_id == msg_id.strip(" ")


@mutant(
    "signer-reserialises-timestamp",
    "the signer parses the timestamp as a number and signs it written back out",
    "SW-6",
    "SW-8",
    "SW-10",
)
class SignerReserialisesTimestamp(Reference):
    def sign(self, *, secret: str, msg_id: str, timestamp: str, payload: bytes) -> dict[str, Any]:
        value = _int_or_none(timestamp)
        return super().sign(secret=secret, msg_id=msg_id, timestamp=str(value) if value else timestamp, payload=payload)


@mutant("entry-unpadded", "the v1 entry written as unpadded Base64", "SW-9")
class EntryUnpadded(Reference):
    def entry(self, mac: bytes) -> str:
        return super().entry(mac).rstrip("=")


@mutant("entry-url-safe", "the v1 entry written in URL-safe Base64", "SW-9")
class EntryUrlSafe(Reference):
    def entry(self, mac: bytes) -> str:
        return "v1," + base64.urlsafe_b64encode(mac).decode("ascii")


@mutant("entry-hex", "the v1 entry written as hex", "SW-9")
class EntryHex(Reference):
    def entry(self, mac: bytes) -> str:
        return "v1," + mac.hex()


@mutant(
    "payload-as-text", "the payload decoded as UTF-8 text (invalid bytes replaced) before signing or verifying", "SW-8"
)
class PayloadAsText(Reference):
    def payload(self, payload: bytes) -> bytes:
        return payload.decode("utf-8", "replace").encode("utf-8")


@mutant("payload-reserialised", "a JSON payload parsed and re-serialised compactly before signing or verifying", "SW-8")
class PayloadReserialised(Reference):
    def payload(self, payload: bytes) -> bytes:
        with contextlib.suppress(ValueError):
            return json.dumps(json.loads(payload), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return payload


@mutant("fields-joined-with-comma", "id, timestamp and payload joined with ',' instead of '.'", "SW-8")
class FieldsJoinedWithComma(Reference):
    def signed_content(self, msg_id: str, timestamp: str, payload: bytes) -> bytes:
        return f"{msg_id},{timestamp},".encode() + payload


# -- header fields (SW-2, SW-3, SW-4) ----------------------------------------------------------------------------


@mutant("unicode-case-fold", "header names folded with str.lower() (the Kelvin sign U+212A becomes 'k')", "SW-2")
class UnicodeCaseFold(Reference):
    def fold(self, name: str) -> str:
        return name.lower()


@mutant("underscore-as-hyphen", "'_' in header names read as '-' (CGI-style names)", "SW-2")
class UnderscoreAsHyphen(Reference):
    def fold(self, name: str) -> str:
        return ref.ascii_lower(name).replace("_", "-")


@mutant("empty-value-present", "a field with an empty value counted as present", "SW-3")
class EmptyValuePresent(Reference):
    def header_fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        seen: dict[str, list[str]] = {name: [] for name in ref.FIELDS}
        for name, value in headers:
            if self.fold(name) in seen:
                seen[self.fold(name)].append(value)
        if any(not values for values in seen.values()):
            return {}, "missing-header"
        if any(len(values) > 1 for values in seen.values()):
            return {}, "duplicate-header"
        return {name: values[0] for name, values in seen.items()}, None


@mutant("values-trimmed", "header values trimmed of white space before use", "SW-3")
class ValuesTrimmed(Reference):
    def header_fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        return super().header_fields([(name, value.strip()) for name, value in headers])


@mutant("first-duplicate-wins", "a repeated field: the first copy is used instead of rejecting the request", "SW-4")
class FirstDuplicateWins(Reference):
    def header_fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        seen: dict[str, str] = {}
        for name, value in headers:
            if self.fold(name) in ref.FIELDS:
                seen.setdefault(self.fold(name), value)
        if any(not seen.get(name) for name in ref.FIELDS):
            return {}, "missing-header"
        return seen, None


@mutant(
    "last-duplicate-wins", "a repeated field: the last copy is used (a dict of headers) instead of rejecting", "SW-4"
)
class LastDuplicateWins(Reference):
    def header_fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        seen = {self.fold(name): value for name, value in headers}
        if any(not seen.get(name) for name in ref.FIELDS):
            return {}, "missing-header"
        return {name: seen[name] for name in ref.FIELDS}, None


@mutant("signatures-joined", "repeated webhook-signature fields joined with a space into one list", "SW-4", "SW-11")
class SignaturesJoined(Reference):
    def header_fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        joined = [v for n, v in headers if self.fold(n) == ref.SIGNATURE]
        rest = [(n, v) for n, v in headers if self.fold(n) != ref.SIGNATURE]
        if len(joined) > 1:
            rest.append((ref.SIGNATURE, " ".join(joined)))
        elif joined:
            rest.append((ref.SIGNATURE, joined[0]))
        return super().header_fields(rest)


# -- the timestamp (SW-6, SW-8, SW-15) ---------------------------------------------------------------------------


@mutant(
    "lenient-timestamp",
    "webhook-timestamp read with a number parser (int, then float); the header text is signed",
    "SW-6",
)
class LenientTimestamp(Reference):
    def timestamp_ok(self, text: str) -> bool:
        return _int_or_none(text) is not None

    def timestamp_value(self, text: str) -> int:
        return _int_or_none(text) or 0


@mutant(
    "signs-reserialised-timestamp",
    "webhook-timestamp read with a number parser and signed as that number written back out",
    "SW-6",
    "SW-8",
)
class SignsReserialisedTimestamp(LenientTimestamp):
    def timestamp_signed(self, text: str) -> str:
        value = _int_or_none(text)
        return text if value is None else str(value)


@mutant("milliseconds-accepted", "a 13-digit webhook-timestamp read as milliseconds", "SW-6", "SW-15")
class MillisecondsAccepted(Reference):
    def timestamp_ok(self, text: str) -> bool:
        return re.fullmatch(r"[1-9][0-9]{0,12}", text, re.ASCII) is not None

    def timestamp_value(self, text: str) -> int:
        return int(text) // 1000 if len(text) == 13 else int(text)


@mutant("no-tolerance", "no time window: any webhook-timestamp accepted", "SW-15")
class NoTolerance(Reference):
    def check_stale(self, c: SimpleNamespace) -> str | None:
        return None

    def check_future(self, c: SimpleNamespace) -> str | None:
        return None


@mutant("no-future-check", "only the age is checked: a timestamp far ahead of the clock is accepted", "SW-15")
class NoFutureCheck(Reference):
    def check_future(self, c: SimpleNamespace) -> str | None:
        return None


@mutant("tolerance-exclusive", "the window's edges are exclusive: exactly 300 s old or ahead is rejected", "SW-15")
class ToleranceExclusive(Reference):
    def check_stale(self, c: SimpleNamespace) -> str | None:
        return "stale" if c.now - c.ts >= c.tolerance else None

    def check_future(self, c: SimpleNamespace) -> str | None:
        return "future" if c.ts - c.now >= c.tolerance else None


@mutant("tolerance-in-milliseconds", "the tolerance (seconds) compared with a difference in milliseconds", "SW-15")
class ToleranceInMilliseconds(Reference):
    def check_stale(self, c: SimpleNamespace) -> str | None:
        return "stale" if (c.now - c.ts) * 1000 > c.tolerance else None

    def check_future(self, c: SimpleNamespace) -> str | None:
        return "future" if (c.ts - c.now) * 1000 > c.tolerance else None


# -- the signature list (SW-11 .. SW-14) -------------------------------------------------------------------------


@mutant("split-on-any-whitespace", "the signature list split at any white space (tabs too)", "SW-11")
class SplitOnAnyWhitespace(Reference):
    def split(self, header: str) -> list[str]:
        return header.split()


@mutant("first-entry-only", "only the first entry of the list checked", "SW-13")
class FirstEntryOnly(Reference):
    def split(self, header: str) -> list[str]:
        return [next((item for item in header.split(" ") if item), "")]


@mutant("stops-at-unusable-entry", "an entry that cannot be checked ends the search instead of being skipped", "SW-12")
class StopsAtUnusableEntry(Reference):
    def macs(self, header: str) -> list[bytes]:
        found = []
        for item in filter(None, self.split(header)):
            mac = self.entry_mac(item)
            if mac is None:
                break
            found.append(mac)
        return found


@mutant("skips-only-first-entry", "only the first unusable entry is skipped: a later one ends the search", "SW-12")
class SkipsOnlyFirstEntry(Reference):
    def macs(self, header: str) -> list[bytes]:
        found: list[bytes] = []
        skipped = False
        for item in filter(None, self.split(header)):
            mac = self.entry_mac(item)
            if mac is None:
                if skipped:
                    break
                skipped = True
                continue
            found.append(mac)
        return found


@mutant("every-entry-must-match", "every checked entry must match (all instead of any): key rotation fails", "SW-13")
class EveryEntryMustMatch(Reference):
    def check_signature(self, c: SimpleNamespace) -> str | None:
        expected = self.mac(c.key, self.signed_content(c.msg_id, c.timestamp, c.payload))
        return None if all(self.equal(m, expected) for m in c.received) else "signature-mismatch"


@mutant("accepts-v1a", "versions compared by prefix: 'v1a' (and 'v10') entries checked as 'v1'", "SW-12")
class AcceptsV1a(Reference):
    def entry_mac(self, item: str) -> bytes | None:
        version, comma, value = item.partition(",")
        return super().entry_mac("v1," + value) if comma and version.startswith("v1") else None


@mutant("version-case-insensitive", "versions compared case-insensitively ('V1' checked)", "SW-12")
class VersionCaseInsensitive(Reference):
    def entry_mac(self, item: str) -> bytes | None:
        version, comma, value = item.partition(",")
        return super().entry_mac("v1," + value) if comma and version.lower() == "v1" else None


@mutant(
    "lenient-entry-decoding",
    "entry values decoded leniently (padding restored, URL-safe accepted, unused bits ignored)",
    "SW-12",
)
class LenientEntryDecoding(Reference):
    def entry_mac(self, item: str) -> bytes | None:
        version, comma, value = item.partition(",")
        if not comma or version != "v1":
            return None
        try:
            raw = base64.urlsafe_b64decode(value.replace("+", "-").replace("/", "_") + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return None
        return raw if len(raw) == ref.MAC_BYTES else None


@mutant(
    "extra-comma-ignored", "an entry split at every comma and its first two pieces used ('v1,<mac>,x' checked)", "SW-11"
)
class ExtraCommaIgnored(Reference):
    def entry_mac(self, item: str) -> bytes | None:
        pieces = item.split(",")
        return super().entry_mac(f"{pieces[0]},{pieces[1]}") if len(pieces) > 1 else None


@mutant("signature-before-clock", "the signature list checked before the time window", "SW-17")
class SignatureBeforeClock(Reference):
    steps = ("headers", "timestamp", "entries", "signature", "stale", "future")


@mutant("prefix-compare", "a received MAC compared by prefix (only as many bytes as it has)", "SW-13", "SW-14")
class PrefixCompare(Reference):
    def entry_mac(self, item: str) -> bytes | None:
        version, comma, value = item.partition(",")
        if not comma or version != "v1" or not value:
            return None
        try:
            return base64.b64decode(value + "=" * (-len(value) % 4), validate=True) or None
        except (binascii.Error, ValueError):
            return None

    def equal(self, a: bytes, b: bytes) -> bool:
        return hmac.compare_digest(a, b[: len(a)])


def catalogue() -> tuple:
    return mutant.all()
