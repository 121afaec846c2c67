"""One-bug mutants of the ``sigv4`` reference (docs/mutants.md): each a mistake real SigV4 signers and verifiers
make.

``Reference`` is reference.py step by step — ``sign`` and the verifier calling each canonicalisation step through
``self``, the verifier as the list of SIGV4-37 steps — and answers exactly as the reference does
(tests/test_mutants.py checks it on every vector). A mutant overrides one step (or the order of the steps);
nothing here changes the reference module. The signer and the verifier share the canonicalisation, as they do in
an SDK, so a canonicalisation mistake shows on both sides.
"""

from __future__ import annotations

import calendar
import datetime
import hmac
import re
from types import SimpleNamespace
from typing import Any

from hmac_conformance.schemes import Catalogue, OneBug
from hmac_conformance.schemes.sigv4 import reference as ref
from hmac_conformance.schemes.sigv4.reference import Refused, Reject

mutant = Catalogue("sigv4")

#: SIGV4-37, in order: each is a ``check_<step>`` method that raises Reject or returns None.
STEPS = ("present", "mechanism", "algorithm", "syntax", "date", "expires", "key", "scope", "unsigned", "missing",
         "skew", "window", "signature")  # fmt: skip


def _reject(ok: bool, reason: str) -> None:
    if not ok:
        raise Reject(reason)


class Reference(OneBug):
    """The reference, one step per method."""

    scheme = "sigv4"
    steps: tuple[str, ...] = STEPS

    # -- canonicalisation (shared by signer and verifier) ---------------------------------------------------------
    def method(self, method: str) -> str:
        return method

    def uri_encode(self, data: bytes, *, keep_slash: bool, keep_escapes: bool = False) -> str:
        return ref.uri_encode(data, keep_slash=keep_slash, keep_escapes=keep_escapes)

    def percent_decode(self, data: bytes) -> bytes:
        return ref.percent_decode(data)

    def normalize_path(self, path: bytes) -> bytes:
        return ref.normalize_path(path)

    def canonical_uri(self, path: bytes, uri_encoding: str, normalize: bool) -> str:
        if normalize:
            path = self.normalize_path(path)
        if not path:
            path = b"/"
        return self.uri_encode(path, keep_slash=True, keep_escapes=(uri_encoding == "single"))

    def parse_query(self, query: bytes | None) -> list[tuple[bytes, bytes]]:
        if not query:
            return []
        pairs = []
        for component in query.split(b"&"):
            if not component:
                continue
            name, _, value = component.partition(b"=")
            pairs.append((self.percent_decode(name), self.percent_decode(value)))
        return pairs

    def sort_query(self, encoded: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(encoded)

    def canonical_query(self, pairs: list[tuple[bytes, bytes]]) -> str:
        encoded = [(self.uri_encode(n, keep_slash=False), self.uri_encode(v, keep_slash=False)) for n, v in pairs]
        return "&".join(f"{name}={value}" for name, value in self.sort_query(encoded))

    def header_value(self, value: str) -> str:
        return ref.canonical_header_value(value)

    def join_values(self, values: list[str]) -> str:
        return ",".join(values)

    def header_names(self, names: list[str]) -> list[str]:
        return sorted(names, key=lambda n: n.encode("utf-8"))

    def canonical_headers(self, headers: list[tuple[str, str]], only: list[str] | None = None) -> tuple[str, str]:
        values: dict[str, list[str]] = {}
        for name, value in headers:
            values.setdefault(ref.ascii_lower(name), []).append(self.header_value(value))
        names = self.header_names(list(values))
        if only is not None:
            names = [n for n in only if n in values]
        block = "".join(f"{name}:{self.join_values(values[name])}\n" for name in names)
        return block, ";".join(names)

    def canonical_request(self, method: str, uri: str, query: str, block: str, signed: str, payload: str) -> str:
        return ref.canonical_request(self.method(method), uri, query, block, signed, payload)

    def string_to_sign(self, amz_date: str, scope: str, canonical: str) -> str:
        return ref.string_to_sign(amz_date, scope, canonical)

    def signing_key(self, secret: str, date: str, region: str, service: str) -> bytes:
        return ref.signing_key(secret, date, region, service)

    def signature(self, key: bytes, sts: str) -> str:
        return ref.signature(key, sts)

    # -- signer --------------------------------------------------------------------------------------------------
    def expires_ok(self, expires: int) -> bool:
        return ref.MIN_EXPIRES <= expires <= ref.MAX_EXPIRES

    def payload_value(self, payload: str, body: bytes) -> str:
        return ref.UNSIGNED_PAYLOAD if payload in ("unsigned", "unsigned-header") else ref.sha256_hex(body)

    def token_signed(self, inp: dict[str, Any]) -> bool:
        return inp["credentials"].get("session_token") is not None and inp.get("session_token", "signed") == "signed"

    def sign(self, inp: dict[str, Any]) -> dict[str, Any]:
        request, creds = inp["request"], inp["credentials"]
        mode, payload = inp["mode"], inp["payload"]
        amz_date, region, service = inp["time"], inp["region"], inp["service"]
        token = creds.get("session_token")
        token_signed = self.token_signed(inp)
        if mode == "query" and not self.expires_ok(inp["expires"]):
            raise Refused("bad-expires")
        payload_value = self.payload_value(payload, request["body"])
        scope = ref.credential_scope(amz_date, region, service)
        headers = [tuple(h) for h in request["headers"]]
        added_headers: list[tuple[str, str]] = []
        if mode == "header":
            added_headers.append((ref.H_DATE, amz_date))
            if token_signed:
                added_headers.append((ref.H_TOKEN, token))
            if payload in ("hash-header", "unsigned-header"):
                added_headers.append((ref.H_CONTENT, payload_value))
        block, signed_headers = self.canonical_headers(headers + added_headers)
        path, query = ref.split_target(request["target"])
        pairs = self.parse_query(query)
        auth_params: list[tuple[str, str]] = []
        if mode == "query":
            auth_params = [
                (ref.P_ALGORITHM, ref.ALGORITHM),
                (ref.P_CREDENTIAL, f"{creds['access_key_id']}/{scope}"),
                (ref.P_DATE, amz_date),
                (ref.P_EXPIRES, str(inp["expires"])),
                (ref.P_SIGNED_HEADERS, signed_headers),
            ]
            if token_signed:
                auth_params.append((ref.P_TOKEN, token))
            pairs = pairs + [(n.encode("utf-8"), v.encode("utf-8")) for n, v in auth_params]
        canonical = self.canonical_request(
            request["method"],
            self.canonical_uri(path, inp["uri_encoding"], inp["normalize_path"]),
            self.canonical_query(pairs),
            block,
            signed_headers,
            payload_value,
        )
        sts = self.string_to_sign(amz_date, scope, canonical)
        sig = self.signature(self.signing_key(creds["secret_access_key"], amz_date[:8], region, service), sts)
        if mode == "header":
            added = list(added_headers)
            if token is not None and not token_signed:
                added.append((ref.H_TOKEN, token))
            added.append(
                (ref.H_AUTHORIZATION, ref.authorization_value(creds["access_key_id"], scope, signed_headers, sig))
            )
        else:
            added = list(auth_params)
            if token is not None and not token_signed:
                added.append((ref.P_TOKEN, token))
            added.append((ref.P_SIGNATURE, sig))
        return {"canonical_request": canonical, "string_to_sign": sts, "signature": sig,
                "added": [[name, value] for name, value in added]}  # fmt: skip

    # -- verifier ------------------------------------------------------------------------------------------------
    def params(self, c: SimpleNamespace, name: str) -> list[str]:
        key = name.encode("utf-8")
        return [v.decode("utf-8", "surrogateescape") for n, v in c.pairs if n == key]

    def parse_date(self, text: str) -> int | None:
        return ref.parse_amz_date(text)

    def signature_syntax_ok(self, sent: str) -> bool:
        return ref._LOWER_HEX_64.fullmatch(sent) is not None

    def signed_headers_ok(self, text: str) -> bool:
        return ref._signed_headers_ok(text)

    def expires_text_ok(self, given: list[str]) -> bool:
        return len(given) == 1 and ref._EXPIRES.fullmatch(given[0]) is not None

    def lookup(self, credentials: list[dict[str, Any]], access_key_id: str) -> str | None:
        return next((c["secret_access_key"] for c in credentials if c["access_key_id"] == access_key_id), None)

    def scope_ok(self, c: SimpleNamespace) -> bool:
        return (c.date == c.amz_date[:8] and c.region == c.inp["region"] and c.service == c.inp["service"]
                and c.terminator == ref.TERMINATOR)  # fmt: skip

    def must_sign(self, name: str) -> bool:
        """Whether a header present in the request must be among the signed headers (SIGV4-32)."""
        return name.startswith("x-amz-") and name != "x-amz-security-token"

    def verifier_payload(self, c: SimpleNamespace) -> str:
        content = [ref.canonical_header_value(v) for v in c.by_name.get("x-amz-content-sha256", [])]
        if content == [ref.UNSIGNED_PAYLOAD] or (
            not content and c.presigned and c.inp["presigned_payload"] == "unsigned"
        ):
            return ref.UNSIGNED_PAYLOAD
        return ref.sha256_hex(c.request["body"])

    def signed_pairs(self, c: SimpleNamespace) -> list[tuple[bytes, bytes]]:
        """The query parameters of the canonical query: all of them, but X-Amz-Signature of a presigned URL."""
        return [(n, v) for n, v in c.pairs if n != ref.P_SIGNATURE.encode("utf-8")] if c.presigned else c.pairs

    def equal(self, expected: str, sent: str) -> bool:
        return hmac.compare_digest(expected.encode("ascii"), sent.encode("ascii"))

    def check_present(self, c: SimpleNamespace) -> None:
        c.auth_fields = c.by_name.get("authorization", [])
        c.presigned = bool(self.params(c, ref.P_ALGORITHM))
        _reject(bool(c.auth_fields) or c.presigned, "missing-authorization")

    def check_mechanism(self, c: SimpleNamespace) -> None:
        _reject(not (c.auth_fields and c.presigned), "malformed-authorization")
        if c.presigned:
            for name in (ref.P_ALGORITHM, ref.P_CREDENTIAL, ref.P_SIGNED_HEADERS, ref.P_SIGNATURE):
                _reject(len(self.params(c, name)) <= 1, "malformed-authorization")
        else:
            _reject(len(c.auth_fields) == 1, "malformed-authorization")

    def check_algorithm(self, c: SimpleNamespace) -> None:
        if c.presigned:
            _reject(self.params(c, ref.P_ALGORITHM)[0] == ref.ALGORITHM, "unsupported-algorithm")
        else:
            c.algorithm, _, c.rest = c.auth_fields[0].strip(ref._OWS).partition(" ")
            _reject(c.algorithm == ref.ALGORITHM, "unsupported-algorithm")

    def check_syntax(self, c: SimpleNamespace) -> None:
        if c.presigned:
            found = [self.params(c, n) for n in (ref.P_CREDENTIAL, ref.P_SIGNED_HEADERS, ref.P_SIGNATURE)]
            _reject(all(found), "malformed-authorization")
            c.credential, c.signed_text, c.sent = (f[0] for f in found)
        else:
            m = ref._AUTH_PARAMS.fullmatch(c.rest.lstrip(" "))
            _reject(m is not None, "malformed-authorization")
            c.credential, c.signed_text, c.sent = m.groups()  # type: ignore[union-attr]
        _reject(ref._credential_ok(c.credential), "malformed-authorization")
        _reject(self.signed_headers_ok(c.signed_text), "malformed-authorization")
        _reject(self.signature_syntax_ok(c.sent), "malformed-authorization")

    def check_date(self, c: SimpleNamespace) -> None:
        if c.presigned:
            dates = self.params(c, ref.P_DATE)
            c.amz_date = dates[0] if len(dates) == 1 else ""
        else:
            c.amz_date = ",".join(ref.canonical_header_value(v) for v in c.by_name.get("x-amz-date", []))
        c.when = self.parse_date(c.amz_date)
        _reject(c.when is not None, "malformed-date")

    def check_expires(self, c: SimpleNamespace) -> None:
        c.expires = 0
        if c.presigned:
            given = self.params(c, ref.P_EXPIRES)
            _reject(self.expires_text_ok(given), "bad-expires")
            c.expires = int(given[0])
            _reject(ref.MIN_EXPIRES <= c.expires <= ref.MAX_EXPIRES, "bad-expires")

    def check_key(self, c: SimpleNamespace) -> None:
        c.access_key_id, c.date, c.region, c.service, c.terminator = c.credential.split("/")
        c.secret = self.lookup(c.inp["credentials"], c.access_key_id)
        _reject(c.secret is not None, "unknown-access-key")

    def check_scope(self, c: SimpleNamespace) -> None:
        _reject(self.scope_ok(c), "wrong-scope")

    def check_unsigned(self, c: SimpleNamespace) -> None:
        c.signed = c.signed_text.split(";")
        _reject("host" in c.signed, "unsigned-header")
        for name in c.by_name:
            if self.must_sign(name):
                _reject(name in c.signed, "unsigned-header")

    def check_missing(self, c: SimpleNamespace) -> None:
        _reject(all(name in c.by_name for name in c.signed), "missing-signed-header")

    def check_skew(self, c: SimpleNamespace) -> None:
        c.now = self.parse_date(c.inp["now"])
        if not c.presigned:
            _reject(abs(c.now - c.when) <= c.inp["max_skew_seconds"], "clock-skew")

    def check_window(self, c: SimpleNamespace) -> None:
        if c.presigned:
            skew = c.inp["max_skew_seconds"]
            _reject(c.when - skew <= c.now <= c.when + c.expires, "expired")

    def check_signature(self, c: SimpleNamespace) -> None:
        block, _ = self.canonical_headers(c.headers, only=c.signed)
        canonical = self.canonical_request(
            c.request["method"],
            self.canonical_uri(c.path, c.inp["uri_encoding"], c.inp["normalize_path"]),
            self.canonical_query(self.signed_pairs(c)),
            block,
            c.signed_text,
            self.verifier_payload(c),
        )
        sts = self.string_to_sign(c.amz_date, f"{c.date}/{c.region}/{c.service}/{c.terminator}", canonical)
        expected = self.signature(self.signing_key(c.secret, c.date, c.region, c.service), sts)
        _reject(self.equal(expected, c.sent), "signature-mismatch")

    def verify(self, inp: dict[str, Any]) -> dict[str, Any]:
        request = inp["request"]
        headers = [tuple(h) for h in request["headers"]]
        by_name: dict[str, list[str]] = {}
        for name, value in headers:
            by_name.setdefault(ref.ascii_lower(name), []).append(value)
        path, query = ref.split_target(request["target"])
        case = SimpleNamespace(inp=inp, request=request, headers=headers, by_name=by_name, path=path,
                               pairs=self.parse_query(query))  # fmt: skip
        try:
            for step in self.steps:
                getattr(self, f"check_{step}")(case)
        except Reject as rejection:
            return {"valid": False, "reason": rejection.reason}
        return {"valid": True}

    def answer(self, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        if operation == "verify":
            return self.verify(input)
        try:
            result = self.sign(input)
        except Refused as refusal:
            return {"refused": refusal.reason}
        if operation == "canonical-request":
            return {"canonical_request": result["canonical_request"]}
        if operation == "string-to-sign":
            return {"string_to_sign": result["string_to_sign"]}
        return result


# -- the canonical URI (SIGV4-5 .. SIGV4-8) ----------------------------------------------------------------------


@mutant("lowercase-hex-escapes", "percent-escapes written with lower-case hex digits (%2f)", "SIGV4-5")
class LowercaseHexEscapes(Reference):
    def uri_encode(self, data: bytes, *, keep_slash: bool, keep_escapes: bool = False) -> str:
        text = ref.uri_encode(data, keep_slash=keep_slash, keep_escapes=keep_escapes)
        return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


@mutant("encode-uri-component", "JavaScript's encodeURIComponent: ! ' ( ) * left unencoded", "SIGV4-5")
class EncodeUriComponent(Reference):
    def uri_encode(self, data: bytes, *, keep_slash: bool, keep_escapes: bool = False) -> str:
        text = ref.uri_encode(data, keep_slash=keep_slash, keep_escapes=keep_escapes)
        return re.sub(r"%2[1789A]", lambda m: chr(int(m.group(0)[1:], 16)), text)


@mutant("tilde-encoded", "'~' percent-encoded (%7E), as Python 2's quote and RFC 2396 encoders do", "SIGV4-5")
class TildeEncoded(Reference):
    def uri_encode(self, data: bytes, *, keep_slash: bool, keep_escapes: bool = False) -> str:
        return ref.uri_encode(data, keep_slash=keep_slash, keep_escapes=keep_escapes).replace("~", "%7E")


@mutant("no-path-normalisation", "normalize_path ignored: '.', '..' and '//' segments signed as they are", "SIGV4-6")
class NoPathNormalisation(Reference):
    def normalize_path(self, path: bytes) -> bytes:
        return path


@mutant("rfc3986-dot-segments", "dot segments removed as RFC 3986 does ('/a/b/..' is '/a/'; '//' kept)", "SIGV4-6")
class Rfc3986DotSegments(Reference):
    def normalize_path(self, path: bytes) -> bytes:
        out: list[bytes] = []
        segments = path.split(b"/")[1:]
        for i, segment in enumerate(segments):
            last = i == len(segments) - 1
            if segment == b".":
                if last:
                    out.append(b"")
            elif segment == b"..":
                if out:
                    out.pop()
                if last:
                    out.append(b"")
            else:
                out.append(segment)
        return b"/" + b"/".join(out)


@mutant(
    "normalises-always",
    "the path normalised even when normalize_path is false (S3 keys with '//', '.', '..')",
    "SIGV4-8",
)
class NormalisesAlways(Reference):
    def canonical_uri(self, path: bytes, uri_encoding: str, normalize: bool) -> str:
        return super().canonical_uri(path, uri_encoding, True)


@mutant("single-encoding-everywhere", "the wire path's escapes kept for every service (no second encoding)", "SIGV4-7")
class SingleEncodingEverywhere(Reference):
    def canonical_uri(self, path: bytes, uri_encoding: str, normalize: bool) -> str:
        return super().canonical_uri(path, "single", normalize)


@mutant("double-encoding-everywhere", "the wire path encoded again for S3 too", "SIGV4-8")
class DoubleEncodingEverywhere(Reference):
    def canonical_uri(self, path: bytes, uri_encoding: str, normalize: bool) -> str:
        return super().canonical_uri(path, "double", normalize)


@mutant(
    "path-verbatim-for-s3", "S3: the wire path signed verbatim (raw ':' '@' space or non-ASCII not encoded)", "SIGV4-8"
)
class PathVerbatimForS3(Reference):
    def canonical_uri(self, path: bytes, uri_encoding: str, normalize: bool) -> str:
        if uri_encoding == "single":
            path = self.normalize_path(path) if normalize else path
            return (path or b"/").decode("utf-8", "surrogateescape")
        return super().canonical_uri(path, uri_encoding, normalize)


# -- the canonical query (SIGV4-9) -------------------------------------------------------------------------------


@mutant("unsorted-query", "query parameters kept in wire order instead of sorted", "SIGV4-9")
class UnsortedQuery(Reference):
    def sort_query(self, encoded: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return encoded


@mutant(
    "query-sorted-as-strings", "query parameters sorted as 'name=value' strings ('Param-3' before 'Param')", "SIGV4-9"
)
class QuerySortedAsStrings(Reference):
    def sort_query(self, encoded: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(encoded, key=lambda p: f"{p[0]}={p[1]}")


@mutant(
    "query-sorted-by-name-only", "query parameters sorted by name only: repeated names keep their wire order", "SIGV4-9"
)
class QuerySortedByNameOnly(Reference):
    def sort_query(self, encoded: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(encoded, key=lambda p: p[0])


@mutant(
    "query-not-decoded",
    "query names and values encoded as they are on the wire, not decoded first ('%2F' → '%252F')",
    "SIGV4-9",
)
class QueryNotDecoded(Reference):
    def percent_decode(self, data: bytes) -> bytes:
        return data


@mutant("plus-decoded-as-space", "'+' in the query decoded as a space (HTML form decoding)", "SIGV4-9")
class PlusDecodedAsSpace(Reference):
    def parse_query(self, query: bytes | None) -> list[tuple[bytes, bytes]]:
        return super().parse_query(query.replace(b"+", b" ") if query else query)


@mutant("space-as-plus", "a space in query names and values encoded as '+' (quote_plus)", "SIGV4-5", "SIGV4-9")
class SpaceAsPlus(Reference):
    def canonical_query(self, pairs: list[tuple[bytes, bytes]]) -> str:
        return super().canonical_query(pairs).replace("%20", "+")


@mutant("slash-kept-in-query", "'/' left unencoded in query names and values", "SIGV4-5", "SIGV4-9")
class SlashKeptInQuery(Reference):
    def canonical_query(self, pairs: list[tuple[bytes, bytes]]) -> str:
        return super().canonical_query(pairs).replace("%2F", "/")


@mutant("valueless-parameter-without-equals", "a parameter without a value written as 'name', not 'name='", "SIGV4-9")
class ValuelessParameterWithoutEquals(Reference):
    def canonical_query(self, pairs: list[tuple[bytes, bytes]]) -> str:
        return "&".join(p.removesuffix("=") for p in super().canonical_query(pairs).split("&"))


# -- the canonical headers (SIGV4-10 .. SIGV4-14) ----------------------------------------------------------------


@mutant("header-values-untrimmed", "header values not trimmed (inner runs still folded)", "SIGV4-10")
class HeaderValuesUntrimmed(Reference):
    def header_value(self, value: str) -> str:
        return re.sub(r"[ \t\r\n]+", " ", value)


@mutant("inner-spaces-kept", "runs of spaces inside a header value kept (only the ends trimmed)", "SIGV4-10")
class InnerSpacesKept(Reference):
    def header_value(self, value: str) -> str:
        return value.strip(" \t\r\n")


@mutant("tabs-kept", "only spaces trimmed and folded: a tab survives into the canonical request", "SIGV4-10")
class TabsKept(Reference):
    def header_value(self, value: str) -> str:
        return re.sub(r"[ \r\n]+", " ", value).strip(" ")


@mutant(
    "unicode-whitespace-folded", "every Unicode white space folded (str.split()): U+00A0 becomes a space", "SIGV4-10"
)
class UnicodeWhitespaceFolded(Reference):
    def header_value(self, value: str) -> str:
        return " ".join(value.split())


@mutant("no-obsolete-fold", "a CR or LF inside a value kept as it is (no obsolete-fold handling)", "SIGV4-11")
class NoObsoleteFold(Reference):
    def header_value(self, value: str) -> str:
        return re.sub(r"[ \t]+", " ", value).strip(" \t")


@mutant(
    "repeated-values-sorted", "the values of a repeated header sorted instead of kept in order received", "SIGV4-12"
)
class RepeatedValuesSorted(Reference):
    def join_values(self, values: list[str]) -> str:
        return ",".join(sorted(values))


@mutant("repeated-values-comma-space", "the values of a repeated header joined with ', '", "SIGV4-12")
class RepeatedValuesCommaSpace(Reference):
    def join_values(self, values: list[str]) -> str:
        return ", ".join(values)


@mutant(
    "signed-headers-unsorted",
    "canonical headers and signed headers in the order received, not sorted",
    "SIGV4-10",
    "SIGV4-14",
)
class SignedHeadersUnsorted(Reference):
    def header_names(self, names: list[str]) -> list[str]:
        return names


@mutant(
    "header-block-without-final-lf", "the canonical headers joined with LF but without the LF after the last", "SIGV4-3"
)
class HeaderBlockWithoutFinalLf(Reference):
    def canonical_request(self, method: str, uri: str, query: str, block: str, signed: str, payload: str) -> str:
        return super().canonical_request(method, uri, query, block.removesuffix("\n"), signed, payload)


@mutant("method-uppercased", "the method upper-cased before signing", "SIGV4-4")
class MethodUppercased(Reference):
    def method(self, method: str) -> str:
        return method.upper()


# -- payload, key, signature (SIGV4-15 .. SIGV4-25) --------------------------------------------------------------


@mutant("unsigned-payload-ignored", "the body hashed even when UNSIGNED-PAYLOAD is asked for", "SIGV4-15")
class UnsignedPayloadIgnored(Reference):
    def payload_value(self, payload: str, body: bytes) -> str:
        return ref.sha256_hex(body)


@mutant("no-aws4-prefix", "the first signing-key step keyed with the secret alone, without 'AWS4'", "SIGV4-19")
class NoAws4Prefix(Reference):
    def signing_key(self, secret: str, date: str, region: str, service: str) -> bytes:
        return _key(secret, date, region, service, prefix="")


@mutant("signing-key-hex", "each signing-key step keyed with the previous step's hex text, not its bytes", "SIGV4-19")
class SigningKeyHex(Reference):
    def signing_key(self, secret: str, date: str, region: str, service: str) -> bytes:
        key = ("AWS4" + secret).encode("utf-8")
        for part in (date, region, service, ref.TERMINATOR):
            key = ref.hmac_sha256(key, part.encode("utf-8")).hex().encode("ascii")
        return key


@mutant("uppercase-hex-signature", "the signature written in upper-case hex", "SIGV4-1", "SIGV4-20")
class UppercaseHexSignature(Reference):
    def signature(self, key: bytes, sts: str) -> str:
        return ref.signature(key, sts).upper()


@mutant("session-token-always-signed", "session_token: unsigned ignored: the token is always signed", "SIGV4-23")
class SessionTokenAlwaysSigned(Reference):
    def token_signed(self, inp: dict[str, Any]) -> bool:
        return inp["credentials"].get("session_token") is not None


@mutant("expires-unchecked", "the signer presigns with any X-Amz-Expires (0 or more than seven days)", "SIGV4-25")
class ExpiresUnchecked(Reference):
    def expires_ok(self, expires: int) -> bool:
        return True


# -- verification (SIGV4-26 .. SIGV4-37) -------------------------------------------------------------------------


@mutant("lenient-date", "X-Amz-Date parsed leniently (ISO 8601 extended form, lower case, no 'Z' accepted)", "SIGV4-29")
class LenientDate(Reference):
    def parse_date(self, text: str) -> int | None:
        if (strict := ref.parse_amz_date(text)) is not None:
            return strict
        try:
            when = datetime.datetime.fromisoformat(text.upper().rstrip("Z"))
        except ValueError:
            return None
        return calendar.timegm(when.timetuple())


@mutant("signature-case-insensitive", "the received signature's hex compared case-insensitively", "SIGV4-28")
class SignatureCaseInsensitive(Reference):
    def signature_syntax_ok(self, sent: str) -> bool:
        return re.fullmatch(r"[0-9a-fA-F]{64}", sent) is not None

    def equal(self, expected: str, sent: str) -> bool:
        return hmac.compare_digest(expected.encode("ascii"), sent.lower().encode("ascii"))


@mutant("signed-headers-order-unchecked", "SignedHeaders not required to be sorted and unique", "SIGV4-28")
class SignedHeadersOrderUnchecked(Reference):
    def signed_headers_ok(self, text: str) -> bool:
        return all(ref._HEADER_NAME.fullmatch(n) for n in text.split(";"))


@mutant("lenient-expires", "X-Amz-Expires read with int() (leading zeros, sign, spaces accepted)", "SIGV4-30")
class LenientExpires(Reference):
    def expires_text_ok(self, given: list[str]) -> bool:
        try:
            int(given[0])
        except (ValueError, IndexError):
            return False
        return len(given) == 1


@mutant("first-expires-wins", "a repeated X-Amz-Expires parameter: the first one used", "SIGV4-30")
class FirstExpiresWins(Reference):
    def expires_text_ok(self, given: list[str]) -> bool:
        return bool(given) and ref._EXPIRES.fullmatch(given[0]) is not None


@mutant("region-case-insensitive", "the scope's region and service compared case-insensitively", "SIGV4-31")
class RegionCaseInsensitive(Reference):
    def scope_ok(self, c: SimpleNamespace) -> bool:
        return (c.date == c.amz_date[:8] and c.region.lower() == c.inp["region"].lower()
                and c.service.lower() == c.inp["service"].lower() and c.terminator == ref.TERMINATOR)  # fmt: skip


@mutant("scope-date-unchecked", "the scope date not compared with the request date", "SIGV4-31")
class ScopeDateUnchecked(Reference):
    def scope_ok(self, c: SimpleNamespace) -> bool:
        return c.region == c.inp["region"] and c.service == c.inp["service"] and c.terminator == ref.TERMINATOR


@mutant(
    "scope-date-from-clock",
    "the scope date compared with the verifier's clock's date, not the request date",
    "SIGV4-31",
)
class ScopeDateFromClock(Reference):
    def scope_ok(self, c: SimpleNamespace) -> bool:
        return (c.date == c.inp["now"][:8] and c.region == c.inp["region"] and c.service == c.inp["service"]
                and c.terminator == ref.TERMINATOR)  # fmt: skip


@mutant("host-not-required", "a signature that leaves out host accepted", "SIGV4-32")
class HostNotRequired(Reference):
    def check_unsigned(self, c: SimpleNamespace) -> None:
        c.signed = c.signed_text.split(";")
        for name in c.by_name:
            _reject(not self.must_sign(name) or name in c.signed, "unsigned-header")


@mutant("x-amz-headers-not-required", "x-amz-* headers outside SignedHeaders accepted (only host required)", "SIGV4-32")
class XAmzHeadersNotRequired(Reference):
    def must_sign(self, name: str) -> bool:
        return False


@mutant("session-token-must-be-signed", "an unsigned x-amz-security-token rejected", "SIGV4-23", "SIGV4-32")
class SessionTokenMustBeSigned(Reference):
    def must_sign(self, name: str) -> bool:
        return name.startswith("x-amz-")


@mutant(
    "absent-signed-header-as-empty",
    "a signed header that is absent canonicalised as empty instead of rejected",
    "SIGV4-33",
)
class AbsentSignedHeaderAsEmpty(Reference):
    def check_missing(self, c: SimpleNamespace) -> None:
        for name in c.signed:
            if name not in c.by_name:
                c.by_name[name] = [""]
                c.headers.append((name, ""))


@mutant("skew-exclusive", "the clock-skew edge exclusive: exactly 900 s off is rejected", "SIGV4-34")
class SkewExclusive(Reference):
    def check_skew(self, c: SimpleNamespace) -> None:
        c.now = self.parse_date(c.inp["now"])
        if not c.presigned:
            _reject(abs(c.now - c.when) < c.inp["max_skew_seconds"], "clock-skew")


@mutant("skew-past-only", "only a request older than the skew rejected: one from the future accepted", "SIGV4-34")
class SkewPastOnly(Reference):
    def check_skew(self, c: SimpleNamespace) -> None:
        c.now = self.parse_date(c.inp["now"])
        if not c.presigned:
            _reject(c.now - c.when <= c.inp["max_skew_seconds"], "clock-skew")


@mutant("presigned-never-expires", "a presigned URL's validity window not checked", "SIGV4-35")
class PresignedNeverExpires(Reference):
    def check_window(self, c: SimpleNamespace) -> None:
        return None


@mutant("presigned-no-early-skew", "a presigned URL valid only from its date (no clock skew before it)", "SIGV4-35")
class PresignedNoEarlySkew(Reference):
    def check_window(self, c: SimpleNamespace) -> None:
        if c.presigned:
            _reject(c.when <= c.now <= c.when + c.expires, "expired")


@mutant(
    "payload-hash-from-header",
    "the payload hash taken from X-Amz-Content-Sha256 instead of computed from the body",
    "SIGV4-36",
)
class PayloadHashFromHeader(Reference):
    def verifier_payload(self, c: SimpleNamespace) -> str:
        content = [ref.canonical_header_value(v) for v in c.by_name.get("x-amz-content-sha256", [])]
        return content[0] if len(content) == 1 else super().verifier_payload(c)


@mutant("header-wins-over-query", "a request signed both ways verified by its Authorization header", "SIGV4-26")
class HeaderWinsOverQuery(Reference):
    def check_present(self, c: SimpleNamespace) -> None:
        super().check_present(c)
        if c.auth_fields:
            c.presigned = False


@mutant("first-authorization-wins", "a repeated Authorization field: the first one used", "SIGV4-26")
class FirstAuthorizationWins(Reference):
    def check_mechanism(self, c: SimpleNamespace) -> None:
        c.auth_fields = c.auth_fields[:1]
        super().check_mechanism(c)


@mutant("scope-before-key", "the scope checked before the access key is looked up", "SIGV4-37")
class ScopeBeforeKey(Reference):
    def check_key(self, c: SimpleNamespace) -> None:
        c.access_key_id, c.date, c.region, c.service, c.terminator = c.credential.split("/")
        _reject(self.scope_ok(c), "wrong-scope")
        c.secret = self.lookup(c.inp["credentials"], c.access_key_id)
        _reject(c.secret is not None, "unknown-access-key")

    def check_scope(self, c: SimpleNamespace) -> None:
        return None


@mutant("clock-before-headers", "the clock checked before the signed headers", "SIGV4-37")
class ClockBeforeHeaders(Reference):
    steps = (*STEPS[:8], "skew", "window", "unsigned", "missing", "signature")


@mutant("syntax-before-algorithm", "the signature's components checked for syntax before the algorithm", "SIGV4-37")
class SyntaxBeforeAlgorithm(Reference):
    def check_algorithm(self, c: SimpleNamespace) -> None:
        if not c.presigned:
            c.algorithm, _, c.rest = c.auth_fields[0].strip(ref._OWS).partition(" ")
        self.check_syntax(c)
        super().check_algorithm(c)


@mutant(
    "access-key-case-insensitive",
    "the access key id looked up case-insensitively (a case-insensitive key store)",
    "SIGV4-31",
)
class AccessKeyCaseInsensitive(Reference):
    def lookup(self, credentials: list[dict[str, Any]], access_key_id: str) -> str | None:
        wanted = access_key_id.upper()
        return next((c["secret_access_key"] for c in credentials if c["access_key_id"].upper() == wanted), None)


@mutant("first-date-parameter-wins", "a repeated X-Amz-Date parameter: the first one used", "SIGV4-29")
class FirstDateParameterWins(Reference):
    def check_date(self, c: SimpleNamespace) -> None:
        if c.presigned:
            dates = self.params(c, ref.P_DATE)
            c.amz_date = dates[0] if dates else ""
            c.when = self.parse_date(c.amz_date)
            _reject(c.when is not None, "malformed-date")
        else:
            super().check_date(c)


@mutant(
    "skew-checked-for-presigned", "a presigned URL also held to the clock skew around its date", "SIGV4-34", "SIGV4-35"
)
class SkewCheckedForPresigned(Reference):
    def check_skew(self, c: SimpleNamespace) -> None:
        c.now = self.parse_date(c.inp["now"])
        _reject(abs(c.now - c.when) <= c.inp["max_skew_seconds"], "clock-skew")


@mutant(
    "signature-in-canonical-query",
    "the verifier keeps X-Amz-Signature in the canonical query of a presigned URL",
    "SIGV4-24",
    "SIGV4-36",
)
class SignatureInCanonicalQuery(Reference):
    def signed_pairs(self, c: SimpleNamespace) -> list[tuple[bytes, bytes]]:
        return c.pairs


def _key(secret: str, date: str, region: str, service: str, prefix: str) -> bytes:
    key = ref.hmac_sha256((prefix + secret).encode("utf-8"), date.encode("utf-8"))
    for part in (region, service, ref.TERMINATOR):
        key = ref.hmac_sha256(key, part.encode("utf-8"))
    return key


def catalogue() -> tuple:
    return mutant.all()
