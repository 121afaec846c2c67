"""One-bug mutants of the ``firstvision`` reference (docs/mutants.md): each a mistake real signers and verifiers
of the FirstVision request signature make.

``Reference`` is reference.py step by step — the signer and the verifier calling each step through ``self``, the
verifier as the list of FV-16 steps — and answers exactly as the reference does (tests/test_mutants.py checks it
on every vector). A mutant overrides one step (or the order of the steps); nothing here changes the reference
module. Steps shared by a signer and a verifier (field syntax, key, body, MAC) are shared here too, as they are in
an SDK: one mistake shows on both sides.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac as _hmac
import json
import re
from types import SimpleNamespace
from typing import Any

from hmac_conformance.schemes import Catalogue, OneBug
from hmac_conformance.schemes.firstvision import reference as ref
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, full_mac

mutant = Catalogue("firstvision")

#: FV-16, in order: each is a ``check_<step>`` method that returns a reason code or None.
STEPS = ("headers", "auth_type", "api_key", "request_id", "timestamp", "stale", "future", "key", "encoding",
         "signature", "replay")  # fmt: skip


class Reference(OneBug):
    """The reference, one step per method."""

    scheme = "firstvision"
    steps: tuple[str, ...] = STEPS

    # -- shared by signer and verifier ---------------------------------------------------------------------------
    def api_key_ok(self, value: str) -> bool:
        return ref.API_KEY.fullmatch(value) is not None

    def request_id_ok(self, value: str) -> bool:
        return ref.REQUEST_ID.fullmatch(value) is not None

    def timestamp_ok(self, value: str) -> bool:
        return ref.TIMESTAMP.fullmatch(value) is not None

    def timestamp_ms(self, value: str) -> int:
        return int(value)

    def key(self, secret: bytes) -> bytes:
        return secret

    def body(self, body: bytes) -> bytes:
        return body

    def string_to_sign(self, api_key: str, request_id: str, timestamp: str, body: bytes) -> bytes:
        return ref.string_to_sign(api_key, request_id, timestamp, body)

    def mac(self, algorithm: str, secret: bytes, data: bytes) -> bytes:
        return full_mac(algorithm, self.key(secret), data)

    # -- signer --------------------------------------------------------------------------------------------------
    def signer_value(self, value: str) -> str:
        return value

    def encode(self, mac: bytes, encoding: str) -> str:
        return ref.encode_signature(mac, encoding)

    def refusal(self, api_key: str, request_id: str, timestamp: str) -> str | None:
        for ok, reason in (
            (self.api_key_ok(api_key), "malformed-api-key"),
            (self.request_id_ok(request_id), "malformed-request-id"),
            (self.timestamp_ok(timestamp), "malformed-timestamp"),
        ):
            if not ok:
                return reason
        return None

    def sign(self, *, algorithm: str, secret: bytes, api_key: str, client_request_id: str, timestamp: str,
             method: str, path: str, body: bytes, signature_encoding: str) -> dict[str, Any]:  # fmt: skip
        api_key, client_request_id, timestamp = map(self.signer_value, (api_key, client_request_id, timestamp))
        reason = self.refusal(api_key, client_request_id, timestamp)
        if reason:
            return {"refused": reason}
        signed = self.string_to_sign(api_key, client_request_id, timestamp, self.body(body))
        signature = self.encode(self.mac(algorithm, secret, signed), signature_encoding)
        headers = {"Api-Key": api_key, "Client-Request-Id": client_request_id, "Timestamp": timestamp,
                   "Auth-Token-Type": "HMAC", "Authorization": signature}  # fmt: skip
        if body:
            headers["Content-Type"] = "application/json"
        return {"signature": signature, "string_to_sign": signed, "headers": headers}

    # -- verifier ------------------------------------------------------------------------------------------------
    def fold(self, name: str) -> str:
        return ref.ascii_lower(name)

    def trim(self, value: str) -> str:
        return value.strip(ref.OWS)

    def fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        seen: dict[str, list[str]] = {ref.ascii_lower(name): [] for name in ref.SIGNED_FIELDS}
        for name, value in headers:
            if self.fold(name) in seen:
                seen[self.fold(name)].append(self.trim(value))
        if any(not values for values in seen.values()):
            return {}, "missing-header"
        if any(len(values) > 1 for values in seen.values()):
            return {}, "duplicate-header"
        return {name: seen[ref.ascii_lower(name)][0] for name in ref.SIGNED_FIELDS}, None

    def lookup(self, keys: list[dict[str, Any]], api_key: str) -> dict[str, Any] | None:
        return next((k for k in keys if k["api_key"] == api_key), None)

    def decode(self, text: str, algorithm: str, legacy: bool) -> bytes | None:
        return ref.decode_signature(text, algorithm, legacy)

    def equal(self, a: bytes, b: bytes) -> bool:
        return _hmac.compare_digest(a, b)

    def check_headers(self, c: SimpleNamespace) -> str | None:
        fields, problem = self.fields(c.request["headers"])
        if problem:
            return problem
        c.api_key, c.request_id, c.timestamp = fields["Api-Key"], fields["Client-Request-Id"], fields["Timestamp"]
        c.auth_type, c.signature = fields["Auth-Token-Type"], fields["Authorization"]
        return None

    def check_auth_type(self, c: SimpleNamespace) -> str | None:
        return None if c.auth_type == "HMAC" else "bad-auth-type"

    def check_api_key(self, c: SimpleNamespace) -> str | None:
        return None if self.api_key_ok(c.api_key) else "malformed-api-key"

    def check_request_id(self, c: SimpleNamespace) -> str | None:
        return None if self.request_id_ok(c.request_id) else "malformed-request-id"

    def check_timestamp(self, c: SimpleNamespace) -> str | None:
        if not self.timestamp_ok(c.timestamp):
            return "malformed-timestamp"
        c.ts = self.timestamp_ms(c.timestamp)
        return None

    def check_stale(self, c: SimpleNamespace) -> str | None:
        return "stale" if c.now_ms - c.ts > c.window_ms else None

    def check_future(self, c: SimpleNamespace) -> str | None:
        return "future" if c.ts - c.now_ms > c.window_ms else None

    def check_key(self, c: SimpleNamespace) -> str | None:
        c.key = self.lookup(c.keys, c.api_key)
        return "unknown-api-key" if c.key is None else None

    def check_encoding(self, c: SimpleNamespace) -> str | None:
        c.received = self.decode(c.signature, c.key["algorithm"], c.legacy_hex_base64)
        return "malformed-signature" if c.received is None else None

    def check_signature(self, c: SimpleNamespace) -> str | None:
        signed = self.string_to_sign(c.api_key, c.request_id, c.timestamp, self.body(c.request["body"]))
        expected = self.mac(c.key["algorithm"], c.key["secret"], signed)
        return None if self.equal(c.received, expected) else "signature-mismatch"

    def check_replay(self, c: SimpleNamespace) -> str | None:
        return "replay" if c.request_id in c.seen_request_ids else None

    def verify(self, **given: Any) -> dict[str, Any]:
        case = SimpleNamespace(**given)
        for step in self.steps:
            reason = getattr(self, f"check_{step}")(case)
            if reason:
                return {"valid": False, "reason": reason}
        return {"valid": True}

    def answer(self, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        return self.sign(**input) if operation == "sign" else self.verify(**input)


def js_trim(value: str) -> str:
    """JavaScript's String.prototype.trim(): Unicode white space and U+FEFF."""
    return value.strip().strip("\ufeff").strip()


def _compact_json(body: bytes) -> bytes:
    with contextlib.suppress(ValueError):
        return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return body  # not JSON: signed as it is


# -- signer inputs (FV-17) ---------------------------------------------------------------------------------------


@mutant("signer-trims", "the signer trims spaces and tabs around the values it is given, then signs", "FV-17")
class SignerTrims(Reference):
    def signer_value(self, value: str) -> str:
        return value.strip(" \t")


@mutant("signer-never-refuses", "the signer signs whatever values it is given, malformed or not", "FV-17")
class SignerNeverRefuses(Reference):
    def refusal(self, api_key: str, request_id: str, timestamp: str) -> str | None:
        return None


@mutant(
    "signer-skips-request-id-check",
    "the signer checks the Api-Key and Timestamp but signs any Client-Request-Id",
    "FV-6",
    "FV-17",
)
class SignerSkipsRequestIdCheck(Reference):
    def refusal(self, api_key: str, request_id: str, timestamp: str) -> str | None:
        if not self.api_key_ok(api_key):
            return "malformed-api-key"
        return None if self.timestamp_ok(timestamp) else "malformed-timestamp"


@mutant(
    "signer-checks-timestamp-first", "the signer checks the Timestamp before the Api-Key and Client-Request-Id", "FV-17"
)
class SignerChecksTimestampFirst(Reference):
    def refusal(self, api_key: str, request_id: str, timestamp: str) -> str | None:
        if not self.timestamp_ok(timestamp):
            return "malformed-timestamp"
        return super().refusal(api_key, request_id, timestamp)


# -- field syntax (shared) ---------------------------------------------------------------------------------------


@mutant("lenient-timestamp", "Timestamp checked with int() (accepts '+1…', ' 1…', '1_7…', Unicode digits)", "FV-7")
class LenientTimestamp(Reference):
    def timestamp_ok(self, value: str) -> bool:
        try:
            int(value)
        except ValueError:
            return False
        return True


@mutant("timestamp-leading-zero", "Timestamp checked with ^[0-9]{1,16}$: a leading zero is allowed", "FV-7")
class TimestampLeadingZero(Reference):
    def timestamp_ok(self, value: str) -> bool:
        return re.fullmatch(r"[0-9]{1,16}", value, re.ASCII) is not None


@mutant(
    "unicode-field-syntax",
    "Api-Key and Client-Request-Id checked with str.isalnum() (Unicode letters, digits)",
    "FV-5",
    "FV-6",
)
class UnicodeFieldSyntax(Reference):
    def api_key_ok(self, value: str) -> bool:
        return 1 <= len(value) <= 128 and value.isalnum()

    def request_id_ok(self, value: str) -> bool:
        return 1 <= len(value) <= 128 and all(ch.isalnum() or ch == "-" for ch in value)


@mutant("timestamp-thirteen-digits", "Timestamp required to have exactly 13 digits (milliseconds of this era)", "FV-7")
class TimestampThirteenDigits(Reference):
    def timestamp_ok(self, value: str) -> bool:
        return re.fullmatch(r"[1-9][0-9]{12}", value, re.ASCII) is not None


@mutant("no-length-limit", "Api-Key and Client-Request-Id of any length accepted", "FV-5", "FV-6")
class NoLengthLimit(Reference):
    def api_key_ok(self, value: str) -> bool:
        return re.fullmatch(r"[A-Za-z0-9]+", value) is not None

    def request_id_ok(self, value: str) -> bool:
        return re.fullmatch(r"[A-Za-z0-9-]+", value) is not None


# -- the string to sign, key and encoding (shared) ---------------------------------------------------------------


@mutant("body-reserialised", "a JSON body parsed and re-serialised compactly before signing or verifying", "FV-8")
class BodyReserialised(Reference):
    def body(self, body: bytes) -> bytes:
        return _compact_json(body)


@mutant("body-trimmed", "the body trimmed of surrounding white space and newlines before signing or verifying", "FV-8")
class BodyTrimmed(Reference):
    def body(self, body: bytes) -> bytes:
        return body.strip()


@mutant("fields-joined-with-colon", "the fields and body joined with ':' instead of concatenated", "FV-8")
class FieldsJoinedWithColon(Reference):
    def string_to_sign(self, api_key: str, request_id: str, timestamp: str, body: bytes) -> bytes:
        return ":".join((api_key, request_id, timestamp)).encode("utf-8") + b":" + body


@mutant("secret-hex-decoded", "a secret that looks like hex is hex-decoded to make the key", "FV-9")
class SecretHexDecoded(Reference):
    def key(self, secret: bytes) -> bytes:
        if re.fullmatch(rb"(?:[0-9a-fA-F]{2})+", secret):
            return bytes.fromhex(secret.decode("ascii"))
        return secret


@mutant("secret-base64-decoded", "a secret that looks like Base64 is decoded to make the key", "FV-9")
class SecretBase64Decoded(Reference):
    def key(self, secret: bytes) -> bytes:
        try:
            return base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError):
            return secret


@mutant("secret-trimmed", "the secret trimmed of surrounding white space before use", "FV-9")
class SecretTrimmed(Reference):
    def key(self, secret: bytes) -> bytes:
        return secret.strip()


@mutant("hex-signature", "the signature written as lowercase hex instead of Base64", "FV-10")
class HexSignature(Reference):
    def encode(self, mac: bytes, encoding: str) -> str:
        return mac.hex()


@mutant("url-safe-signature", "the signature written in URL-safe Base64 ('-', '_')", "FV-10")
class UrlSafeSignature(Reference):
    def encode(self, mac: bytes, encoding: str) -> str:
        return base64.urlsafe_b64encode(mac if encoding != "legacy-hex-base64" else mac.hex().encode()).decode()


@mutant("unpadded-signature", "the signature written without its '=' padding", "FV-10")
class UnpaddedSignature(Reference):
    def encode(self, mac: bytes, encoding: str) -> str:
        return ref.encode_signature(mac, encoding).rstrip("=")


@mutant("legacy-always", "the signer always Base64-encodes the hex text of the MAC (the legacy form)", "FV-10", "FV-12")
class LegacyAlways(Reference):
    def encode(self, mac: bytes, encoding: str) -> str:
        return ref.encode_signature(mac, "legacy-hex-base64")


@mutant(
    "legacy-option-ignored", "signature_encoding ignored: the canonical form even when legacy is asked for", "FV-12"
)
class LegacyOptionIgnored(Reference):
    def encode(self, mac: bytes, encoding: str) -> str:
        return ref.encode_signature(mac, "canonical")


# -- headers (verifier) ------------------------------------------------------------------------------------------


@mutant("unicode-case-fold", "header names folded with str.lower() (the Kelvin sign U+212A becomes 'k')", "FV-2")
class UnicodeCaseFold(Reference):
    def fold(self, name: str) -> str:
        return name.lower()


@mutant("case-sensitive-names", "header names matched case-sensitively ('api-key' is not 'Api-Key')", "FV-2")
class CaseSensitiveNames(Reference):
    def fold(self, name: str) -> str:
        canonical = {n: ref.ascii_lower(n) for n in ref.SIGNED_FIELDS}
        return canonical.get(name, name)


@mutant("js-trim", "header values trimmed with JavaScript's trim() (Unicode white space and U+FEFF)", "FV-3")
class JsTrim(Reference):
    def trim(self, value: str) -> str:
        return js_trim(value)


@mutant("no-trim", "header values used untrimmed: spaces or tabs around a value make it malformed", "FV-3")
class NoTrim(Reference):
    def trim(self, value: str) -> str:
        return value


@mutant("first-duplicate-wins", "a repeated header: the first copy is used instead of rejecting the request", "FV-4")
class FirstDuplicateWins(Reference):
    def fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        seen: dict[str, str] = {}
        for name, value in headers:
            seen.setdefault(self.fold(name), self.trim(value))
        if any(ref.ascii_lower(n) not in seen for n in ref.SIGNED_FIELDS):
            return {}, "missing-header"
        return {n: seen[ref.ascii_lower(n)] for n in ref.SIGNED_FIELDS}, None


@mutant(
    "last-duplicate-wins", "a repeated header: the last copy is used (a dict of headers) instead of rejecting", "FV-4"
)
class LastDuplicateWins(Reference):
    def fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        seen = {self.fold(name): self.trim(value) for name, value in headers}
        if any(ref.ascii_lower(n) not in seen for n in ref.SIGNED_FIELDS):
            return {}, "missing-header"
        return {n: seen[ref.ascii_lower(n)] for n in ref.SIGNED_FIELDS}, None


@mutant("no-auth-type-check", "Auth-Token-Type required but its value never checked", "FV-1", "FV-16")
class NoAuthTypeCheck(Reference):
    def check_auth_type(self, c: SimpleNamespace) -> str | None:
        return None


@mutant("auth-type-case-insensitive", "Auth-Token-Type compared case-insensitively ('hmac' accepted)", "FV-1", "FV-16")
class AuthTypeCaseInsensitive(Reference):
    def check_auth_type(self, c: SimpleNamespace) -> str | None:
        return None if c.auth_type.upper() == "HMAC" else "bad-auth-type"


@mutant("duplicate-before-missing", "repeated headers looked for before missing ones", "FV-16")
class DuplicateBeforeMissing(Reference):
    def fields(self, headers: list[Any]) -> tuple[dict[str, str], str | None]:
        counts: dict[str, int] = {}
        for name, _ in headers:
            counts[self.fold(name)] = counts.get(self.fold(name), 0) + 1
        if any(counts.get(ref.ascii_lower(n), 0) > 1 for n in ref.SIGNED_FIELDS):
            return {}, "duplicate-header"
        return super().fields(headers)


@mutant(
    "auth-type-after-field-syntax",
    "Auth-Token-Type checked after the syntax of Api-Key, Client-Request-Id and Timestamp",
    "FV-16",
)
class AuthTypeAfterFieldSyntax(Reference):
    steps = ("headers", "api_key", "request_id", "timestamp", "auth_type", *STEPS[5:])


@mutant("request-id-before-api-key", "Client-Request-Id syntax checked before Api-Key syntax", "FV-16")
class RequestIdBeforeApiKey(Reference):
    steps = ("headers", "auth_type", "request_id", "api_key", *STEPS[4:])


# -- time and replay (verifier) ----------------------------------------------------------------------------------


@mutant("window-exclusive", "the window's edges are exclusive: exactly 300000 ms old or ahead is rejected", "FV-14")
class WindowExclusive(Reference):
    def check_stale(self, c: SimpleNamespace) -> str | None:
        return "stale" if c.now_ms - c.ts >= c.window_ms else None

    def check_future(self, c: SimpleNamespace) -> str | None:
        return "future" if c.ts - c.now_ms >= c.window_ms else None


@mutant("no-future-check", "only the age is checked: a timestamp far ahead of the clock is accepted", "FV-14")
class NoFutureCheck(Reference):
    def check_future(self, c: SimpleNamespace) -> str | None:
        return None


@mutant("seconds-accepted", "a 10-digit Timestamp read as seconds and multiplied by 1000", "FV-7", "FV-14")
class SecondsAccepted(Reference):
    def timestamp_ms(self, value: str) -> int:
        return int(value) * 1000 if len(value) <= 10 else int(value)


@mutant("window-in-seconds", "the window compared in seconds: the clock and Timestamp divided by 1000 first", "FV-14")
class WindowInSeconds(Reference):
    def check_stale(self, c: SimpleNamespace) -> str | None:
        return "stale" if c.now_ms // 1000 - c.ts // 1000 > c.window_ms // 1000 else None

    def check_future(self, c: SimpleNamespace) -> str | None:
        return "future" if c.ts // 1000 - c.now_ms // 1000 > c.window_ms // 1000 else None


@mutant(
    "one-sided-window", "|now − Timestamp| compared with the window once: everything outside it is 'stale'", "FV-14"
)
class OneSidedWindow(Reference):
    def check_stale(self, c: SimpleNamespace) -> str | None:
        return "stale" if abs(c.now_ms - c.ts) > c.window_ms else None


@mutant("no-replay-check", "the Client-Request-Id cache never consulted", "FV-15")
class NoReplayCheck(Reference):
    def check_replay(self, c: SimpleNamespace) -> str | None:
        return None


@mutant("replay-id-case-insensitive", "seen Client-Request-Ids compared case-insensitively", "FV-15")
class ReplayIdCaseInsensitive(Reference):
    def check_replay(self, c: SimpleNamespace) -> str | None:
        return "replay" if c.request_id.lower() in {s.lower() for s in c.seen_request_ids} else None


@mutant("replay-before-signature", "the replay cache consulted before the signature is checked", "FV-15", "FV-16")
class ReplayBeforeSignature(Reference):
    steps = (*STEPS[:9], "replay", "signature")


@mutant("key-before-clock", "the key looked up before the clock is checked", "FV-16")
class KeyBeforeClock(Reference):
    steps = (*STEPS[:5], "key", "stale", "future", *STEPS[8:])


# -- key and signature (verifier) --------------------------------------------------------------------------------


@mutant("default-key", "an unknown Api-Key falls back to the first key of the store", "FV-9")
class DefaultKey(Reference):
    def lookup(self, keys: list[dict[str, Any]], api_key: str) -> dict[str, Any] | None:
        return next((k for k in keys if k["api_key"] == api_key), keys[0] if keys else None)


@mutant("api-key-case-insensitive", "the key store looked up case-insensitively", "FV-9")
class ApiKeyCaseInsensitive(Reference):
    def lookup(self, keys: list[dict[str, Any]], api_key: str) -> dict[str, Any] | None:
        return next((k for k in keys if k["api_key"].lower() == api_key.lower()), None)


@mutant(
    "signature-decoded-before-key-lookup", "the signature's Base64 checked before the Api-Key is looked up", "FV-16"
)
class SignatureDecodedBeforeKeyLookup(Reference):
    def check_key(self, c: SimpleNamespace) -> str | None:
        if ref.strict_b64decode(c.signature) is None:
            return "malformed-signature"
        return super().check_key(c)


@mutant("malformed-signature-as-mismatch", "a signature that does not decode reported as a mismatch", "FV-11", "FV-16")
class MalformedSignatureAsMismatch(Reference):
    def check_encoding(self, c: SimpleNamespace) -> str | None:
        c.received = self.decode(c.signature, c.key["algorithm"], c.legacy_hex_base64) or b""
        return None


@mutant(
    "lenient-base64",
    "the signature decoded with a lenient Base64 decoder (characters outside the alphabet skipped)",
    "FV-11",
)
class LenientBase64(Reference):
    def decode(self, text: str, algorithm: str, legacy: bool) -> bytes | None:
        try:
            raw = base64.b64decode(text.encode("utf-8"))
        except (binascii.Error, ValueError):
            return None
        return self._mac_from(raw, algorithm, legacy)

    @staticmethod
    def _mac_from(raw: bytes, algorithm: str, legacy: bool) -> bytes | None:
        length = ALGORITHMS[algorithm][1]
        if len(raw) == length:
            return raw
        if legacy and len(raw) == 2 * length and ref.LOWER_HEX.fullmatch(raw):
            return bytes.fromhex(raw.decode("ascii"))
        return None


@mutant("url-safe-accepted", "the verifier also decodes URL-safe Base64 ('-' and '_')", "FV-11")
class UrlSafeAccepted(Reference):
    def decode(self, text: str, algorithm: str, legacy: bool) -> bytes | None:
        return ref.decode_signature(text.replace("-", "+").replace("_", "/"), algorithm, legacy)


@mutant("unpadded-accepted", "the verifier restores missing '=' padding before decoding", "FV-11")
class UnpaddedAccepted(Reference):
    def decode(self, text: str, algorithm: str, legacy: bool) -> bytes | None:
        return ref.decode_signature(text + "=" * (-len(text) % 4), algorithm, legacy)


@mutant("non-canonical-base64", "the unused low bits of the last Base64 character not checked", "FV-11")
class NonCanonicalBase64(Reference):
    def decode(self, text: str, algorithm: str, legacy: bool) -> bytes | None:
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return None
        return LenientBase64._mac_from(raw, algorithm, legacy)


@mutant(
    "legacy-always-accepted",
    "the legacy hex-in-Base64 form accepted even when the verifier is not configured for it",
    "FV-12",
)
class LegacyAlwaysAccepted(Reference):
    def decode(self, text: str, algorithm: str, legacy: bool) -> bytes | None:
        return ref.decode_signature(text, algorithm, True)


@mutant("legacy-uppercase-hex", "the legacy form's hex decoded case-insensitively (uppercase hex accepted)", "FV-12")
class LegacyUppercaseHex(Reference):
    def decode(self, text: str, algorithm: str, legacy: bool) -> bytes | None:
        raw = ref.strict_b64decode(text)
        length = ALGORITHMS[algorithm][1]
        if raw is not None and legacy and len(raw) == 2 * length and re.fullmatch(rb"[0-9a-fA-F]+", raw):
            return bytes.fromhex(raw.decode("ascii"))
        return ref.decode_signature(text, algorithm, legacy)


def catalogue() -> tuple:
    return mutant.all()
