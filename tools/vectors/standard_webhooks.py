"""Write vectors/standard-webhooks/*.yaml, the ``standard-webhooks`` scheme's vectors. Deterministic: same code,
same bytes. For maintainers: this is where each vector's intent is stated; edit here, run, commit both.

    python tools/vectors/standard_webhooks.py          # write the files
    python tools/vectors/standard_webhooks.py --check  # exit 1 if a file differs from what would be written
    python tools/vectors/standard_webhooks.py --differs  # the library-differs evidence, as a Markdown table

Every vector states its *intent* here (``expect=``: True, a reason, or a refusal). The expected value written
to the file is computed by the reference; the generator stops if the reference disagrees with the intent, if
the cross-check disagrees with the reference, or if the scheme's lint (``lint.problems``) finds anything. Published values (the two
fixed signatures) are written here as they appear upstream and must equal what the reference computes.

Upstream data (values only, with provenance): standard-webhooks/standard-webhooks at commit
b2fa7b8719fb75d326b591077f5d1b385cfcdfae, library test files under libraries/.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hmac_conformance._model import materialise
from hmac_conformance.schemes.standard_webhooks import crosscheck, lint, reference

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "vectors" / "standard-webhooks"

SINCE = "1.2.0"
GENERATED = "generated"

# ---------------------------------------------------------------------------------------------- provenance

UPSTREAM = "standard-webhooks/standard-webhooks"
COMMIT = "b2fa7b87"  # b2fa7b8719fb75d326b591077f5d1b385cfcdfae
FILES = {
    "py": "libraries/python/tests/test_webhooks.py",
    "js": "libraries/javascript/src/webhook.test.ts",
    "go": "libraries/go/webhook_test.go",
    "rs": "libraries/rust/src/lib.rs",
    "java-scenario": "libraries/java/src/test/java/com/standardwebhooks/TestScenario.java",
    "java": "libraries/java/src/test/java/com/standardwebhooks/WebhookTest.java",
    "php": "libraries/php/tests/WebhookTest.php",
    "php-payload": "libraries/php/tests/TestPayload.php",
    "rb": "libraries/ruby/spec/webhook_spec.rb",
    "cs": "libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs",
}
MATERIALISED = "the test reads the clock; materialised at now = 1614265330"


def cite(*refs: tuple[str, str]) -> str:
    """'<repo> <path> @ <commit> (<tests>)' for each (file key, test names), joined with '; '."""
    return "; ".join(f"{UPSTREAM} {FILES[key]} @ {COMMIT} ({tests})" for key, tests in refs)


def derived(how: str, *refs: tuple[str, str]) -> str:
    return f"derived from {cite(*refs)}: {how}"


# ---------------------------------------------------------------------------------------------- data

# Published fixtures (upstream library tests).
PUB_SECRET = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105 - published test data; 24 bytes
PUB_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
PUB_PAYLOAD = b'{"test": 2432232314}'
PUB_NOW = 1614265330
PUB_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
PUB_DECOY = "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
RUST_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"  # noqa: S105 - published test data
RUST_ID = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"
RUST_PAYLOAD = b'{"email":"test@example.com","username":"test_user"}'
RUST_TS = "1649367553"
RUST_SIGNATURE = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
RUST_DECOYS = (
    "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ=",
    "v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=",
    "v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE=",
)


def derived_key(label: str, size: int = 32) -> bytes:
    """The suite's own key bytes: SHA-256 (repeated as needed) of a label. Deterministic, unremarkable."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"hmac-conformance standard-webhooks {label} {counter}".encode()).digest()
        counter += 1
    return out[:size]


def secret_text(key: bytes, prefix: str = "whsec_", padded: bool = True) -> str:
    text = base64.b64encode(key).decode("ascii")
    return prefix + (text if padded else text.rstrip("="))


MSG_ID = "msg_2vQk8ZrT3mN6pLxW1cYb9HdE4sJ"
NOW = 1700000000
TS = "1700000000"
PAYLOAD = b'{"type":"invoice.paid","timestamp":"2023-11-14T22:13:20Z","data":{"id":"inv_4Rk2","amount":1250,"currency":"EUR"}}'


def suite_key() -> bytes:
    """The first 'key A<n>' whose secret text and whose MAC of the suite's message both hold '+' and '/':
    the URL-safe vectors need characters that differ between the two alphabets."""
    n = 0
    while True:
        key = derived_key(f"key A{n}")
        mac = base64.b64encode(reference.mac(key, reference.signed_content(MSG_ID, TS, PAYLOAD))).decode()
        text = base64.b64encode(key).decode()
        if all(c in text and c in mac for c in "+/"):
            return key
        n += 1


KEY = suite_key()
SECRET = secret_text(KEY)  # 32 bytes: 43 characters and one '='
OLD_KEY = derived_key("key B")
OLD_SECRET = secret_text(OLD_KEY)
OTHER_KEY = derived_key("key C")
CONTENT_TYPE = ["content-type", "application/json"]


def mac_entry(secret: str, content: bytes) -> str:
    """A v1 entry over arbitrary content (also for timestamps the signer would refuse)."""
    key = reference.decode_secret(secret)
    assert key is not None, secret
    return "v1," + base64.b64encode(reference.mac(key, content)).decode("ascii")


def entry(secret: str, msg_id: str, ts: str, payload: bytes) -> str:
    return mac_entry(secret, reference.signed_content(msg_id, ts, payload))


def value_of(v1_entry: str) -> str:
    return v1_entry.split(",", 1)[1]


def std_headers(sig: str, msg_id: str = MSG_ID, ts: str = TS, extra: bool = True) -> list[list[str]]:
    head = [CONTENT_TYPE] if extra else []
    return [*head, ["webhook-id", msg_id], ["webhook-timestamp", ts], ["webhook-signature", sig]]


# ---------------------------------------------------------------------------------------------- vectors


@dataclass
class Vector:
    group: str
    name: str
    description: str
    operation: str
    rules: list[str]
    tags: list[str]
    input: dict[str, Any]  # payload as a byte-string spec
    expect: Any  # intent: sign: "signed" or ("refused", reason); verify: True or a reason
    source: str = GENERATED
    expected: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"standard-webhooks/{self.group}/{self.name}"


VECTORS: list[Vector] = []
FILE_DESCRIPTIONS = {
    "sign": "Signing: the signed content and the v1 entry, including the two published fixed vectors.",
    "secret": "Secret texts (SW-7): prefix, padding, key length; what a signer accepts and what it refuses.",
    "sign-refusal": "Ids and timestamps a signer must refuse (SW-5, SW-6, SW-10).",
    "scenario": "The upstream libraries' verification tests, materialised at a fixed clock (derived, not published).",
    "headers": "Header names, empty and repeated fields (SW-1 to SW-4).",
    "timestamp": "Timestamp syntax (SW-6): non-canonical texts, signed as text and as the re-serialised number.",
    "tolerance": "The inclusive five-minute window (SW-15).",
    "signature-list": "The webhook-signature list (SW-11 to SW-13): rotation, unknown versions, entries to skip.",
    "payload": "The payload is signed byte for byte (SW-8).",
    "id": "Ids containing '.' (SW-5, SW-8).",
    "order": "Requests with two defects: which reason comes first (SW-17).",
}


def utf8(b: bytes) -> dict[str, Any]:
    return {"utf8": b.decode("utf-8")}


def spec_of(payload: bytes | dict[str, Any]) -> dict[str, Any]:
    """A byte-string spec for a payload: UTF-8 text when it is, hex otherwise; specs pass through."""
    if isinstance(payload, dict):
        return payload
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": payload.hex()}
    return {"utf8": text}


def provenance_tags(source: str) -> list[str]:
    if source == GENERATED:
        return []
    return ["derived"] if source.startswith("derived from ") else ["published"]


def sign_vector(
    group: str,
    name: str,
    description: str,
    rules: list[str],
    tags: list[str],
    *,
    secret: str = SECRET,
    msg_id: str = MSG_ID,
    timestamp: str = TS,
    payload: bytes | dict[str, Any] = PAYLOAD,
    expect: Any = "signed",
    source: str = GENERATED,
) -> None:
    inp = {"secret": secret, "msg_id": msg_id, "timestamp": timestamp, "payload": spec_of(payload)}
    tags = ["sign"] + tags + (["refused"] if expect != "signed" else []) + provenance_tags(source)
    VECTORS.append(Vector(group, name, description, "sign", rules, tags, inp, expect, source))


def verify_vector(
    group: str,
    name: str,
    description: str,
    rules: list[str],
    tags: list[str],
    *,
    headers: list[list[str]],
    secret: str = SECRET,
    payload: bytes | dict[str, Any] = PAYLOAD,
    now: int = NOW,
    expect: Any,
    source: str = GENERATED,
) -> None:
    inp = {"secret": secret, "headers": headers, "payload": spec_of(payload), "now": now, "tolerance": 300}
    tags = ["verify"] + (["valid"] if expect is True else []) + tags + provenance_tags(source)
    VECTORS.append(Vector(group, name, description, "verify", rules, tags, inp, expect, source))


# ---------------------------------------------------------------------------------------------- sign

S = ["SW-8", "SW-9", "SW-10"]
sign_vector(
    "sign",
    "published-default",
    "The published fixed vector shared by eight upstream libraries: a signer must reproduce it exactly.",
    ["SW-7", *S],
    ["published"],
    secret="whsec_" + PUB_SECRET,
    msg_id=PUB_ID,
    timestamp=str(PUB_NOW),
    payload=PUB_PAYLOAD,
    source=cite(
        ("py", "test_sign_function"),
        ("js", "sign function works"),
        ("go", "TestWebhookSign"),
        ("java-scenario", "validSigned, used by WebhookTest.verifyWebhookSignWorks"),
        ("php", "testSignFunctionWorks"),
        ("rb", "sign function works"),
        ("cs", "verifyWebhookSignWorks"),
    ),
)
sign_vector(
    "sign",
    "published-rust",
    "The published fixed vector of the upstream Rust library: a signer must reproduce it exactly.",
    ["SW-7", *S],
    ["published"],
    secret=RUST_SECRET,
    msg_id=RUST_ID,
    timestamp=RUST_TS,
    payload=RUST_PAYLOAD,
    source=cite(("rs", "tests::test_sign")),
)
sign_vector(
    "sign",
    "basic",
    "A compact JSON payload: id, '.', timestamp text, '.', payload bytes, then HMAC-SHA256 as 'v1,<base64>'.",
    S,
    [],
)
sign_vector(
    "sign",
    "empty-payload",
    "An empty payload still signs 'id.timestamp.' with the final '.': no 'null', '{}' or dropped separator.",
    S,
    ["empty-payload"],
    payload=b"",
)
sign_vector(
    "sign",
    "non-utf8-payload",
    "Payload bytes that are not UTF-8 are signed as they are, not decoded, replaced or re-encoded.",
    S,
    ["payload", "binary"],
    payload=b"\xff\xfe\x00\x01payload\x80\xc3(\r\n\x00",
)
sign_vector(
    "sign",
    "trailing-newline",
    "A trailing newline is part of the payload: a signer that trims the body signs other bytes.",
    S,
    ["payload", "newline"],
    payload=PAYLOAD + b"\n",
)
sign_vector(
    "sign",
    "pretty-json-crlf",
    "Pretty-printed JSON with CR LF line ends is signed byte for byte, not re-serialised or normalised.",
    S,
    ["payload", "json-reserialisation", "whitespace"],
    payload=b'{\r\n  "type": "invoice.paid",\r\n  "data": {\r\n    "amount": 1250\r\n  }\r\n}\r\n',
)
sign_vector(
    "sign",
    "bom",
    "A UTF-8 byte order mark at the start of the payload is signed, not stripped.",
    S,
    ["payload", "bom"],
    payload=b"\xef\xbb\xbf" + PAYLOAD,
)
sign_vector(
    "sign",
    "unicode-payload",
    "Non-ASCII text is signed as its raw UTF-8 bytes, not as \\u escapes, Latin-1 or UTF-16.",
    S,
    ["payload", "unicode"],
    payload='{"item":"cr\u00e8me br\u00fbl\u00e9e","city":"\u6771\u4eac","note":"\U0001f680"}'.encode(),
)
sign_vector(
    "sign",
    "large-payload",
    "A 1 MiB payload is signed whole: no truncation, no streaming bug at a buffer boundary.",
    S,
    ["payload", "large-payload"],
    payload={"repeat": {"utf8": "0123456789abcdef"}, "count": 65536},
)
sign_vector(
    "sign",
    "id-with-dot",
    "An id containing '.' is signed as given (SW-5 only advises against it): no refusal, escaping or quoting.",
    ["SW-5", *S],
    ["id-dot"],
    msg_id="evt.2023-11-14.0001",
)
sign_vector(
    "sign",
    "id-inner-space",
    "An id with spaces inside travels unchanged in a header, so it is signed, not refused.",
    ["SW-5", *S],
    ["id"],
    msg_id="msg 2vQk8ZrT 3mN6",
)
sign_vector(
    "sign",
    "timestamp-eleven-digits",
    "The longest timestamp SW-6 allows (11 digits) is signed as text, not refused or rounded.",
    ["SW-6", *S],
    ["timestamp"],
    timestamp="99999999999",
)
sign_vector(
    "sign",
    "timestamp-one-digit",
    "The shortest timestamp (one digit) is signed as text: no padding, no refusal.",
    ["SW-6", *S],
    ["timestamp"],
    timestamp="7",
)

# ---------------------------------------------------------------------------------------------- secret

SS = ["SW-7", "SW-10"]
KEY_24 = derived_key("key 24", 24)
KEY_25 = derived_key("key 25", 25)
KEY_64 = derived_key("key 64", 64)
sign_vector(
    "secret",
    "with-prefix",
    "A 'whsec_' secret: the prefix is stripped before Base64 decoding, never decoded or hashed with it.",
    [*SS, "SW-9"],
    ["secret", "prefix"],
    secret=SECRET,
)
sign_vector(
    "secret",
    "without-prefix",
    "The same key without 'whsec_' gives the same signature: the prefix is optional.",
    [*SS, "SW-9"],
    ["secret", "prefix"],
    secret=secret_text(KEY, prefix=""),
)
sign_vector(
    "secret",
    "unpadded-one",
    "A 32-byte key written without its one '=' is the same key: padding is optional.",
    [*SS, "SW-9"],
    ["secret", "secret-encoding"],
    secret=secret_text(KEY, padded=False),
)
sign_vector(
    "secret",
    "unpadded-two",
    "A 25-byte key written without its '==' is the same key: padding is optional.",
    [*SS, "SW-9"],
    ["secret", "secret-encoding"],
    secret=secret_text(KEY_25, padded=False),
)
sign_vector(
    "secret",
    "min-24-bytes",
    "A 24-byte key, the shortest SW-7 allows, is accepted.",
    [*SS, "SW-9"],
    ["secret", "secret-length"],
    secret=secret_text(KEY_24),
)
sign_vector(
    "secret",
    "max-64-bytes",
    "A 64-byte key, the longest SW-7 allows (and HMAC-SHA256's block size), is used as it is.",
    [*SS, "SW-9"],
    ["secret", "secret-length"],
    secret=secret_text(KEY_64),
)
sign_vector(
    "secret",
    "max-64-bytes-unpadded",
    "A 64-byte key without its '==' padding is accepted and is the same key.",
    [*SS, "SW-9"],
    ["secret", "secret-length", "secret-encoding"],
    secret=secret_text(KEY_64, padded=False),
)
_nz = secret_text(KEY_25)  # 25 bytes: 36 characters ending '==', the last data character carries 4 unused bits
_NZ_SECRET = (
    _nz[:-3]
    + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".index(_nz[-3]) ^ 0b0101
    ]
    + "=="
)
sign_vector(
    "secret",
    "nonzero-pad-bits",
    "Unused low bits set in the last Base64 character do not make the secret malformed: same key.",
    [*SS, "SW-9"],
    ["secret", "secret-encoding"],
    secret=_NZ_SECRET,
)

R_SECRET = ("refused", "malformed-secret")
sign_vector(
    "secret",
    "empty",
    "An empty secret must be refused, not used as a zero-length HMAC key.",
    SS,
    ["secret"],
    secret="",
    expect=R_SECRET,
    source=derived(
        "the tests assert that the constructor raises; here the signer refuses",
        ("py", "test_empty_secret_raises_error"),
        ("js", "empty key raises error"),
        ("go", "TestWebhookNoEmptySecrets"),
        ("php", "testRejectsEmptySecret"),
        ("rb", ".new rejects empty webhook secrets"),
        ("cs", "TestEmptySecretRasiesException"),
    ),
)
sign_vector(
    "secret",
    "prefix-only",
    "'whsec_' with nothing after it is an empty key and must be refused.",
    SS,
    ["secret", "prefix"],
    secret="whsec_",  # noqa: S106 - test data
    expect=R_SECRET,
    source=derived(
        "the tests assert that the constructor raises; here the signer refuses",
        ("py", "test_empty_secret_raises_error"),
        ("js", "empty key raises error"),
        ("go", "TestWebhookNoEmptyPrefixedSecrets"),
        ("php", "testRejectsEmptyPrefixedSecret"),
        ("rb", ".new rejects empty webhook secrets"),
        ("cs", "TestEmptySecretRasiesException"),
    ),
)
sign_vector(
    "secret",
    "short-23-bytes",
    "A 23-byte key is below the 24-byte minimum and must be refused, though no upstream library checks it.",
    SS,
    ["secret", "secret-length"],
    secret=PUB_SECRET[:-1],
    expect=R_SECRET,
    source=derived(
        "the upstream test verifies with this unpadded 23-byte secret and expects success; "
        "this suite refuses it (SW-7 length)",
        ("py", "test_signature_verification_with_unpadded_secret"),
    ),
)
sign_vector(
    "secret",
    "short-16-bytes",
    "A 16-byte key is too short (SW-7: 24..64 bytes) and must be refused, not used.",
    SS,
    ["secret", "secret-length"],
    secret=secret_text(derived_key("key 16", 16)),
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "long-65-bytes",
    "A 65-byte key is over the 64-byte maximum and must be refused.",
    SS,
    ["secret", "secret-length"],
    secret=secret_text(derived_key("key 65", 65)),
    expect=R_SECRET,
)
_URLSAFE = secret_text(KEY).replace("+", "-").replace("/", "_")
assert secret_text(KEY) != _URLSAFE, "pick a key whose Base64 holds '+' or '/'"
sign_vector(
    "secret",
    "url-safe-alphabet",
    "A secret in the URL-safe alphabet ('-', '_') must be refused, not decoded to another key.",
    SS,
    ["secret", "secret-encoding"],
    secret=_URLSAFE,
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "trailing-newline",
    "A secret read from a file with its newline must be refused, not silently trimmed or skipped.",
    SS,
    ["secret", "secret-encoding", "whitespace"],
    secret=SECRET + "\n",
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "line-wrapped",
    "A Base64 secret wrapped over two lines must be refused: no character may be skipped.",
    SS,
    ["secret", "secret-encoding", "whitespace"],
    secret=SECRET[:26] + "\n" + SECRET[26:],
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "uppercase-prefix",
    "'WHSEC_' is not the prefix; '_' is not Base64, so the secret must be refused.",
    SS,
    ["secret", "prefix"],
    secret="WHSEC_" + SECRET[6:],
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "double-prefix",
    "The prefix is stripped once: 'whsec_whsec_…' leaves '_' in the Base64 and must be refused.",
    SS,
    ["secret", "prefix"],
    secret="whsec_" + SECRET,
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "ed25519-secret-key",
    "A 'whsk_' (ed25519 secret key) text must be refused by an HMAC signer, not decoded as Base64.",
    SS,
    ["secret", "prefix"],
    secret="whsk_" + SECRET[6:],
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "excess-padding",
    "A 24-byte key needs no '='; one added makes a text that no decoder should guess about.",
    SS,
    ["secret", "secret-encoding"],
    secret=secret_text(KEY_24) + "=",
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "padding-inside",
    "An '=' inside the Base64 ends the data early in lenient decoders: the secret must be refused.",
    SS,
    ["secret", "secret-encoding"],
    secret=SECRET[:20] + "=" + SECRET[21:],
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "length-4k-plus-1",
    "Base64 of 4k+1 characters encodes no byte string: the secret must be refused, not truncated.",
    SS,
    ["secret", "secret-encoding"],
    secret=secret_text(KEY_24) + "A",
    expect=R_SECRET,
)
sign_vector(
    "secret",
    "plain-text",
    "A plain-text password is not a secret text: refuse it instead of using its bytes or a lenient decoding.",
    SS,
    ["secret", "secret-encoding"],
    secret="correct horse battery staple 42!",  # noqa: S106 - test data
    expect=R_SECRET,
)

# ---------------------------------------------------------------------------------------------- sign-refusal

R_ID = ("refused", "malformed-id")
R_TS = ("refused", "malformed-timestamp")
sign_vector(
    "sign-refusal",
    "id-empty",
    "An empty id must be refused: every verifier treats an empty webhook-id as missing.",
    ["SW-5", "SW-10"],
    ["id"],
    msg_id="",
    expect=R_ID,
)
sign_vector(
    "sign-refusal",
    "id-crlf",
    "An id with CR LF would inject a header line: the signer must refuse it.",
    ["SW-5", "SW-10"],
    ["id"],
    msg_id="msg_1\r\nX-Injected: 1",
    expect=R_ID,
)
sign_vector(
    "sign-refusal",
    "id-leading-space",
    "A leading space is removed by the receiver's HTTP parser, so the signed id would differ: refuse.",
    ["SW-5", "SW-10"],
    ["id", "whitespace"],
    msg_id=" " + MSG_ID,
    expect=R_ID,
)
sign_vector(
    "sign-refusal",
    "id-non-ascii",
    "A non-ASCII id is decoded differently by receivers (Latin-1 or UTF-8): refuse it.",
    ["SW-5", "SW-10"],
    ["id", "unicode"],
    msg_id="msg_caf\u00e9",
    expect=R_ID,
)
sign_vector(
    "sign-refusal",
    "timestamp-plus",
    "'+1700000000' is not canonical: a signer must refuse it, not send a text strict verifiers reject.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax"],
    timestamp="+" + TS,
    expect=R_TS,
)
sign_vector(
    "sign-refusal",
    "timestamp-leading-zero",
    "'01700000000' is not canonical: refuse it.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax"],
    timestamp="0" + TS,
    expect=R_TS,
)
sign_vector(
    "sign-refusal",
    "timestamp-decimal",
    "'1700000000.0' has a fraction: refuse it (and its '.' would shift the signed content).",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax"],
    timestamp=TS + ".0",
    expect=R_TS,
)
sign_vector(
    "sign-refusal",
    "timestamp-milliseconds",
    "A timestamp in milliseconds (13 digits) must be refused: the unit is seconds.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax", "units"],
    timestamp=TS + "000",
    expect=R_TS,
)
sign_vector(
    "sign-refusal",
    "timestamp-empty",
    "An empty timestamp must be refused, not signed as 'id..payload'.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax"],
    timestamp="",
    expect=R_TS,
)
sign_vector(
    "sign-refusal",
    "timestamp-zero",
    "'0' is not a positive integer in SW-6's syntax: refuse it.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax"],
    timestamp="0",
    expect=R_TS,
)
sign_vector(
    "sign-refusal",
    "timestamp-space",
    "' 1700000000' has a space the receiver's HTTP parser strips: refuse it.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax", "whitespace"],
    timestamp=" " + TS,
    expect=R_TS,
)
PHP_REFUSAL = "the test asserts that sign() throws WebhookSigningException; here the signer refuses"
sign_vector(
    "sign-refusal",
    "php-float-timestamp",
    "A timestamp with a fraction ('161426533.0') must be refused.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax", "derived"],
    secret="whsec_" + PUB_SECRET,
    msg_id=PUB_ID,
    timestamp="161426533.0",
    payload=PUB_PAYLOAD,
    expect=R_TS,
    source=derived(PHP_REFUSAL, ("php", "testInvalidFloatTimestamp")),
)
sign_vector(
    "sign-refusal",
    "php-text-timestamp",
    "A timestamp that is not a number ('invalid timestamp') must be refused.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax", "derived"],
    secret="whsec_" + PUB_SECRET,
    msg_id=PUB_ID,
    timestamp="invalid timestamp",
    payload=PUB_PAYLOAD,
    expect=R_TS,
    source=derived(PHP_REFUSAL, ("php", "testInvalidStringTimestamp")),
)
sign_vector(
    "sign-refusal",
    "php-negative-timestamp",
    "A negative timestamp ('-161426533') must be refused.",
    ["SW-6", "SW-10"],
    ["timestamp", "syntax", "derived"],
    secret="whsec_" + PUB_SECRET,
    msg_id=PUB_ID,
    timestamp="-161426533",
    payload=PUB_PAYLOAD,
    expect=R_TS,
    source=derived(PHP_REFUSAL, ("php", "testInvalidNegativeTimestamp")),
)

# ---------------------------------------------------------------------------------------------- scenario

V = ["SW-8", "SW-9", "SW-13", "SW-17"]


def pub_entry(payload: bytes = PUB_PAYLOAD, ts: str = str(PUB_NOW), secret: str = PUB_SECRET) -> str:
    return entry(secret, PUB_ID, ts, payload)


def pub_headers(
    sig: str,
    ts: str = str(PUB_NOW),
    msg_id: str = PUB_ID,
    names: tuple[str, str, str] = ("webhook-id", "webhook-timestamp", "webhook-signature"),
    drop: str | None = None,
) -> list[list[str]]:
    pairs = [[names[0], msg_id], [names[1], ts], [names[2], sig]]
    return [p for p in pairs if p[0] != drop]


def scenario(
    name: str,
    description: str,
    rules: list[str],
    tags: list[str],
    refs: tuple[tuple[str, str], ...],
    *,
    headers: list[list[str]],
    expect: Any,
    secret: str = PUB_SECRET,
    payload: bytes = PUB_PAYLOAD,
    now: int = PUB_NOW,
    how: str = MATERIALISED,
) -> None:
    verify_vector(
        "scenario",
        name,
        description,
        rules,
        [*tags, "derived"],
        headers=headers,
        secret=secret,
        payload=payload,
        now=now,
        expect=expect,
        source=derived(how, *refs),
    )


assert pub_entry() == PUB_SIGNATURE
scenario(
    "valid",
    "A correct v1 signature over the upstream fixture at the verifier's own time is accepted.",
    V,
    [],
    (
        ("py", "test_valid_signature_is_valid_and_returns_json, test_valid_signature_is_valid_without_returning_json"),
        ("js", "valid signature is valid and returns valid json"),
        ("go", "TestWebhook: valid signature is valid"),
        ("java", "verifyValidPayloadAndHeaders"),
        ("php", "testValidSignatureIsValidAndReturnsJson"),
        ("rb", "valid signature is valid and returns valid json"),
        ("cs", "TestValidSignatureIsValid"),
    ),
    headers=pub_headers(pub_entry()),
    expect=True,
)
PHP_PAYLOAD = b'{"test": 2432232315}'
scenario(
    "valid-php-payload",
    "The PHP fixture's payload (…315, not …314) signed correctly is accepted.",
    V,
    [],
    (("php-payload", "TestPayload"), ("php", "testValidSignatureIsValidAndReturnsJson")),
    headers=pub_headers(pub_entry(PHP_PAYLOAD)),
    payload=PHP_PAYLOAD,
    expect=True,
)
scenario(
    "valid-prefixed-secret",
    "A verifier configured with 'whsec_' + the Base64 the signer used has the same key and accepts.",
    [*V, "SW-7"],
    ["secret", "prefix"],
    (
        ("py", "test_signature_verification_with_and_without_prefix"),
        ("js", "verification works with and without signature prefix"),
        ("go", "TestWebhookPrefix"),
        ("java", "verifySecretWorksWithOrWithoutPrefix"),
        ("php", "testSignatureVerificationWithAndWithoutPrefix"),
        ("rb", "signature verification works with and without prefix"),
        ("cs", "TestSivnatureVerificationWorksWithoutPrefix"),
    ),
    headers=pub_headers(pub_entry()),
    secret="whsec_" + PUB_SECRET,
    expect=True,
)
_PUB25 = PUB_SECRET + "Br"  # 25 bytes; padded form ends '=='
scenario(
    "valid-unpadded-secret",
    "A verifier configured with an unpadded 25-byte secret has the same key as the signer and accepts.",
    [*V, "SW-7"],
    ["secret", "secret-encoding"],
    (("py", "test_signature_verification_with_unpadded_secret"),),
    headers=pub_headers(pub_entry(secret=_PUB25 + "==")),
    secret=_PUB25,
    expect=True,
    how=MATERIALISED + "; the signer used the padded text",
)
scenario(
    "valid-unpadded-prefixed-secret",
    "'whsec_' and an unpadded 25-byte secret together still give the signer's key.",
    [*V, "SW-7"],
    ["secret", "secret-encoding", "prefix"],
    (("py", "test_signature_verification_with_unpadded_secret"),),
    headers=pub_headers(pub_entry(secret=_PUB25 + "==")),
    secret="whsec_" + _PUB25,
    expect=True,
    how=MATERIALISED + "; the signer used the padded text",
)
scenario(
    "valid-mixed-case-names",
    "Header names in mixed case name the signed fields (SW-2): accepted.",
    [*V, "SW-2"],
    ["header-case"],
    (("java", "verifyCaseInsensitiveHeaders"),),
    headers=pub_headers(pub_entry(), names=("Webhook-Id", "WEBHOOK-TIMESTAMP", "webhook-SIGNATURE")),
    expect=True,
)
scenario(
    "valid-empty-payload",
    "An empty payload signed as 'id.timestamp.' is accepted.",
    V,
    ["empty-payload"],
    (("js", "empty payload returns undefined"),),
    headers=pub_headers(pub_entry(b"")),
    payload=b"",
    expect=True,
)
scenario(
    "valid-multi-signature",
    "One valid v1 entry among decoys and a v2 entry is enough (SW-13); the others are ignored.",
    [*V, "SW-11", "SW-12"],
    ["rotation", "unknown-version"],
    (
        ("py", "test_multi_sig_payload_is_valid"),
        ("js", "multi sig payload is valid"),
        ("go", "TestWebhook: valid multi sig is valid"),
        (
            "java-scenario",
            "withMultipleSignatures, used by WebhookTest.verifyValidPayloadWithMultipleSignaturesIsValid",
        ),
        ("php", "testMultiSigPayloadIsValid"),
        ("rb", "multi sig pyload is valid"),
        ("cs", "TestMultiSigPayloadIsValid"),
    ),
    headers=pub_headers(" ".join(["v1," + PUB_DECOY, "v2," + PUB_DECOY, pub_entry(), "v1," + PUB_DECOY])),
    expect=True,
)
_rust = entry(RUST_SECRET, RUST_ID, str(PUB_NOW), RUST_PAYLOAD)
scenario(
    "valid-rust",
    "The Rust fixture signed at the verifier's time is accepted.",
    V,
    [],
    (("rs", "tests::test_verify"),),
    headers=pub_headers(_rust, msg_id=RUST_ID),
    secret=RUST_SECRET,
    payload=RUST_PAYLOAD,
    expect=True,
)
scenario(
    "valid-rust-multi-signature",
    "The valid entry third of four v1 entries is found (SW-13).",
    [*V, "SW-11"],
    ["rotation"],
    (("rs", "tests::test_verify_with_multiple_signatures"),),
    headers=pub_headers(" ".join([*RUST_DECOYS[:2], _rust, RUST_DECOYS[2]]), msg_id=RUST_ID),
    secret=RUST_SECRET,
    payload=RUST_PAYLOAD,
    expect=True,
)
scenario(
    "rust-no-entry-matches",
    "Three well-formed v1 entries, none of them right: signature-mismatch.",
    [*V, "SW-11"],
    ["rotation"],
    (("rs", "tests::test_no_verify_with_multiple_signatures"),),
    headers=pub_headers(" ".join(RUST_DECOYS), msg_id=RUST_ID),
    secret=RUST_SECRET,
    payload=RUST_PAYLOAD,
    expect="signature-mismatch",
)
scenario(
    "rust-wrong-signature",
    "A well-formed v1 entry with the wrong MAC: signature-mismatch.",
    V,
    [],
    (("rs", "tests::test_no_verify"),),
    headers=pub_headers("v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=", msg_id=RUST_ID),
    secret=RUST_SECRET,
    payload=RUST_PAYLOAD,
    expect="signature-mismatch",
)
MISSING = (
    ("py", "test_missing_{}_raises_error"),
    ("js", "missing {} raises error"),
    ("go", "TestWebhook: missing {} returns error"),
    ("java", "verifyMissing{}ThrowsException"),
    ("php", "testMissing{}ThrowsException"),
    ("rb", "missing {} raises error"),
    ("cs", "TestMissing{}ThrowsException"),
    ("rs", "tests::test_missing_headers"),
)
for field_name, word in (("webhook-id", "id"), ("webhook-timestamp", "timestamp"), ("webhook-signature", "signature")):
    refs = tuple((k, t.format(word.capitalize() if k in ("java", "php", "cs") else word)) for k, t in MISSING)
    # Upstream test names that break the pattern (spelling as upstream).
    refs = tuple(
        (
            k,
            {
                "test_missing_timestamp_raises_error": "test_timestamp_raises_error",
                "TestMissingIdThrowsException": "TestMissingIdRasiesException",
            }.get(t, t),
        )
        for k, t in refs
    )
    scenario(
        f"missing-{word}",
        f"A request without {field_name} is rejected as missing-header, not verified with a default.",
        ["SW-1", "SW-17"],
        ["missing-header"],
        refs,
        headers=pub_headers(pub_entry(), drop=field_name),
        expect="missing-header",
    )
scenario(
    "timestamp-hello",
    "'hello' as the timestamp (header replaced after signing) is malformed-timestamp before any MAC check.",
    ["SW-6", "SW-17"],
    ["timestamp", "syntax", "order"],
    (("py", "test_invalid_timestamp_raises_error"), ("js", "invalid timestamp throws error")),
    headers=pub_headers(pub_entry(), ts="hello"),
    expect="malformed-timestamp",
    how=MATERIALISED + "; signed for 1614265330, then the header was replaced (two defects)",
)
scenario(
    "timestamp-teadwd",
    "'teadwd' as the timestamp, signed over that very text, is still malformed-timestamp.",
    ["SW-6", "SW-17"],
    ["timestamp", "syntax"],
    (("rb", "invalid timestamp raises error"),),
    headers=pub_headers(pub_entry(ts="teadwd"), ts="teadwd"),
    expect="malformed-timestamp",
)
scenario(
    "too-old",
    "A correctly signed message 301 s old is stale.",
    ["SW-15", "SW-17"],
    ["window"],
    (
        ("py", "test_old_timestamp_fails"),
        ("js", "old timestamp fails"),
        ("php", "testOldTimestampThrowsException"),
        ("rb", "old timestamp raises error"),
        ("cs", "TestOldTimestampThrowsException"),
    ),
    headers=pub_headers(pub_entry(ts=str(PUB_NOW - 301)), ts=str(PUB_NOW - 301)),
    expect="stale",
)
scenario(
    "too-new",
    "A correctly signed message 301 s ahead of the clock is future.",
    ["SW-15", "SW-17"],
    ["window"],
    (
        ("py", "test_new_timestamp_fails"),
        ("js", "new timestamp fails"),
        ("go", "TestWebhook: new timestamp fails"),
        ("php", "testNewTimestampThrowsException"),
        ("rb", "new timestamp raises error"),
        ("cs", "TestNewTimestampThrowsException"),
    ),
    headers=pub_headers(pub_entry(ts=str(PUB_NOW + 301)), ts=str(PUB_NOW + 301)),
    expect="future",
)
scenario(
    "exactly-300s-old",
    "Exactly 300 s old is inside the inclusive window: accepted (the Go library's own test rejects it).",
    ["SW-15", "SW-17", *V[:3]],
    ["window", "edge"],
    (("go", "TestWebhook: old timestamp fails"),),
    headers=pub_headers(pub_entry(ts=str(PUB_NOW - 300)), ts=str(PUB_NOW - 300)),
    expect=True,
    how=MATERIALISED + "; the test expects rejection (sub-second clock), SW-15's whole-second inclusive edge accepts",
)
scenario(
    "timestamp-replaced",
    "The timestamp is signed: replacing it (here by 2000-01-01) after signing is signature-mismatch.",
    ["SW-8", "SW-13", "SW-17"],
    [],
    (("go", "TestWebhook: invalid timestamp fails when ignoring tolerance"),),
    headers=pub_headers(pub_entry(), ts="946684800"),
    now=946684800,
    expect="signature-mismatch",
    how="the test skips the time check; materialised with the clock at the replaced timestamp, 946684800, "
    "so that only the signature fails",
)
scenario(
    "last-character-changed",
    "A well-formed entry differing from the right one in its last Base64 character: signature-mismatch.",
    V,
    [],
    (("py", "test_invalid_signature_raises_error"),),
    headers=pub_headers("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="),
    expect="signature-mismatch",
)
scenario(
    "decoy",
    "A well-formed v1 entry that is someone else's MAC: signature-mismatch.",
    V,
    [],
    (("go", "TestWebhook: invalid signature is invalid"),),
    headers=pub_headers("v1," + PUB_DECOY),
    expect="signature-mismatch",
)
NS = ["SW-11", "SW-12", "SW-17"]
scenario(
    "garbage-value",
    "A v1 value that is not Base64 of 32 bytes is skipped, leaving no-signature; no exception escapes.",
    NS,
    ["malformed-entry"],
    (("js", "invalid signature throws error"), ("php", "testInvalidSignatureThrowsException")),
    headers=pub_headers("v1,dawfeoifkpqwoekfpqoekf"),
    expect="no-signature",
)
scenario(
    "truncated-unpadded",
    "A 43-character value without '=' is not a checked entry: no-signature.",
    NS,
    ["malformed-entry", "signature-encoding"],
    (("rb", "invalid signature raises error"), ("cs", "TestInvalidSignatureThrowsException")),
    headers=pub_headers("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd"),
    expect="no-signature",
)
scenario(
    "not-base64",
    "'v1,invalid_signature' is skipped ('_' is not Base64): no-signature.",
    NS,
    ["malformed-entry"],
    (("java-scenario", "withInvalidSignatureValue, used by WebhookTest.verifySignatureMismatchThrowsException"),),
    headers=pub_headers("v1,invalid_signature"),
    expect="no-signature",
)
scenario(
    "no-comma",
    "An entry without a comma is skipped; with nothing else, no-signature (and no crash).",
    NS,
    ["malformed-entry"],
    (
        (
            "java-scenario",
            "withInvalidSignatureFormat, used by WebhookTest.verifyMissingPartsInSignatureThrowsException",
        ),
    ),
    headers=pub_headers("invalid_signature"),
    expect="no-signature",
)
scenario(
    "wrong-version",
    "The right MAC under version 'v2' is not checked: a verifier that ignores the version accepts it.",
    NS,
    ["unknown-version"],
    (("java-scenario", "withWrongVersion, used by WebhookTest.verifySignatureWithDifferentVersionThrowsException"),),
    headers=pub_headers("v2," + value_of(PUB_SIGNATURE)),
    expect="no-signature",
)
scenario(
    "empty-value",
    "'v1,' has no value: skipped, no-signature.",
    NS,
    ["malformed-entry"],
    (
        ("js", "partial signature throws error"),
        ("go", "TestWebhook: partial signature is invalid"),
        ("rs", "tests::test_verify_partial_signature"),
    ),
    headers=pub_headers("v1,"),
    expect="no-signature",
)
scenario(
    "first-8-characters",
    "The first 8 characters of the right entry ('v1,g0hM9') are no signature: no prefix matching.",
    NS,
    ["malformed-entry"],
    (("js", "partial signature throws error"), ("rs", "tests::test_verify_partial_signature")),
    headers=pub_headers(PUB_SIGNATURE[:8]),
    expect="no-signature",
)

# ---------------------------------------------------------------------------------------------- headers

GOOD = entry(SECRET, MSG_ID, TS, PAYLOAD)
DECOY_OTHER = entry(secret_text(OTHER_KEY), MSG_ID, TS, PAYLOAD)  # a real MAC, with a key the verifier lacks
H = ["SW-1", "SW-2", "SW-17"]
verify_vector(
    "headers",
    "lowercase-names",
    "The plain case: lowercase names among other headers, correctly signed, accepted.",
    ["SW-1", "SW-8", "SW-13"],
    ["header-case"],
    headers=[CONTENT_TYPE, ["user-agent", "Webhooks/1.0"], *std_headers(GOOD, extra=False), ["content-length", "112"]],
    expect=True,
)
verify_vector(
    "headers",
    "uppercase-names",
    "Upper-case field names name the same fields (SW-2): accepted.",
    H,
    ["header-case"],
    headers=[["WEBHOOK-ID", MSG_ID], ["WEBHOOK-TIMESTAMP", TS], ["WEBHOOK-SIGNATURE", GOOD]],
    expect=True,
)
verify_vector(
    "headers",
    "canonical-names",
    "Title-case names as Go's http.Header writes them: accepted.",
    H,
    ["header-case"],
    headers=[["Webhook-Id", MSG_ID], ["Webhook-Timestamp", TS], ["Webhook-Signature", GOOD]],
    expect=True,
)
verify_vector(
    "headers",
    "kelvin-sign-name",
    "'webhoo\\u212a-id' (Kelvin sign) is not webhook-id: only ASCII letters fold, so the id is missing.",
    H,
    ["missing-header", "header-case", "unicode"],
    headers=[CONTENT_TYPE, ["webhoo\u212a-id", MSG_ID], ["webhook-timestamp", TS], ["webhook-signature", GOOD]],
    expect="missing-header",
)
verify_vector(
    "headers",
    "underscore-name",
    "'webhook_id' is not webhook-id, even where a server maps '_' and '-' alike: missing.",
    H,
    ["missing-header"],
    headers=[CONTENT_TYPE, ["webhook_id", MSG_ID], ["webhook-timestamp", TS], ["webhook-signature", GOOD]],
    expect="missing-header",
)
verify_vector(
    "headers",
    "empty-id",
    "An empty webhook-id counts as absent, even when the signature covers the empty id.",
    ["SW-3", "SW-17"],
    ["missing-header"],
    headers=std_headers(entry(SECRET, "", TS, PAYLOAD), msg_id=""),
    expect="missing-header",
)
verify_vector(
    "headers",
    "empty-timestamp",
    "An empty webhook-timestamp counts as absent (missing-header), not as time 0.",
    ["SW-3", "SW-17"],
    ["missing-header"],
    headers=std_headers(mac_entry(SECRET, reference.signed_content(MSG_ID, "", PAYLOAD)), ts=""),
    expect="missing-header",
)
verify_vector(
    "headers",
    "empty-signature",
    "An empty webhook-signature counts as absent: missing-header.",
    ["SW-3", "SW-17"],
    ["missing-header"],
    headers=std_headers(""),
    expect="missing-header",
)
verify_vector(
    "headers",
    "duplicate-id-equal",
    "webhook-id twice with equal values is ambiguous and rejected, not de-duplicated.",
    ["SW-4", "SW-17"],
    ["duplicate-header"],
    headers=[*std_headers(GOOD), ["webhook-id", MSG_ID]],
    expect="duplicate-header",
)
verify_vector(
    "headers",
    "duplicate-timestamp-equal",
    "webhook-timestamp twice with equal values: duplicate-header.",
    ["SW-4", "SW-17"],
    ["duplicate-header"],
    headers=[
        CONTENT_TYPE,
        ["webhook-id", MSG_ID],
        ["webhook-timestamp", TS],
        ["webhook-timestamp", TS],
        ["webhook-signature", GOOD],
    ],
    expect="duplicate-header",
)
verify_vector(
    "headers",
    "duplicate-signature-equal",
    "webhook-signature twice with equal values: duplicate-header.",
    ["SW-4", "SW-17"],
    ["duplicate-header"],
    headers=[*std_headers(GOOD), ["webhook-signature", GOOD]],
    expect="duplicate-header",
)
verify_vector(
    "headers",
    "duplicate-id-case-variant",
    "'webhook-id' and 'Webhook-Id' are one field given twice: duplicate-header.",
    ["SW-2", "SW-4", "SW-17"],
    ["duplicate-header", "header-case"],
    headers=[["webhook-id", MSG_ID], ["Webhook-Id", MSG_ID], ["webhook-timestamp", TS], ["webhook-signature", GOOD]],
    expect="duplicate-header",
)
verify_vector(
    "headers",
    "duplicate-signature-first-valid",
    "Two webhook-signature fields, the first one valid: rejected; catches readers of the first copy.",
    ["SW-4", "SW-17"],
    ["duplicate-header"],
    headers=[*std_headers(GOOD), ["webhook-signature", DECOY_OTHER]],
    expect="duplicate-header",
)
verify_vector(
    "headers",
    "duplicate-signature-last-valid",
    "Two webhook-signature fields, the last one valid: rejected; catches readers of the last copy.",
    ["SW-4", "SW-17"],
    ["duplicate-header"],
    headers=[*std_headers(DECOY_OTHER), ["webhook-signature", GOOD]],
    expect="duplicate-header",
)
verify_vector(
    "headers",
    "duplicate-timestamp-first-signed",
    "Two timestamps, the first one signed: rejected; catches readers of the first copy.",
    ["SW-4", "SW-17"],
    ["duplicate-header"],
    headers=[
        CONTENT_TYPE,
        ["webhook-id", MSG_ID],
        ["webhook-timestamp", TS],
        ["webhook-signature", GOOD],
        ["webhook-timestamp", str(NOW + 1)],
    ],
    expect="duplicate-header",
)
_TS_EARLY = str(NOW - 1)
verify_vector(
    "headers",
    "duplicate-timestamp-last-signed",
    "Two timestamps, the last one signed: rejected; catches readers of the last copy.",
    ["SW-4", "SW-17"],
    ["duplicate-header"],
    headers=[
        CONTENT_TYPE,
        ["webhook-id", MSG_ID],
        ["webhook-timestamp", _TS_EARLY],
        ["webhook-signature", entry(SECRET, MSG_ID, TS, PAYLOAD)],
        ["webhook-timestamp", TS],
    ],
    expect="duplicate-header",
)
verify_vector(
    "headers",
    "duplicate-unrelated-field",
    "Repeating a field that is not signed (content-type) changes nothing: accepted.",
    ["SW-1", "SW-4", "SW-13"],
    [],
    headers=[CONTENT_TYPE, ["content-type", "text/plain"], *std_headers(GOOD, extra=False)],
    expect=True,
)
verify_vector(
    "headers",
    "id-leading-space",
    "Values are used as received (SW-3): an id with a leading space, signed with it, is accepted.",
    ["SW-3", "SW-8", "SW-13"],
    ["whitespace"],
    headers=std_headers(entry(SECRET, " " + MSG_ID, TS, PAYLOAD), msg_id=" " + MSG_ID),
    expect=True,
)

# ---------------------------------------------------------------------------------------------- timestamp

T = ["SW-6", "SW-8", "SW-17"]
FORMS = (  # name, header text, what the bug is
    ("plus", "+" + TS, "a '+' sign"),
    ("leading-zero", "0" + TS, "a leading zero"),
    ("decimal-zero", TS + ".0", "a '.0' fraction"),
    ("fraction", TS + ".9", "a fraction (.9)"),
    ("exponent", "1.7e9", "exponent notation"),
    ("leading-space", " " + TS, "a leading space"),
    ("trailing-space", TS + " ", "a trailing space"),
    ("trailing-letters", TS + "abc", "trailing letters"),
    ("underscores", "1_700_000_000", "'_' digit separators"),
    ("fullwidth-digits", "".join(chr(0xFF10 + int(d)) for d in TS), "fullwidth digits"),
)
for name, text, what in FORMS:
    assert lint.lenient_integer(text) == NOW, name
    verify_vector(
        "timestamp",
        f"{name}-reserialised",
        f"Timestamp with {what}, signed over the re-serialised number: catches verifiers that parse and re-serialise it.",
        T,
        ["timestamp", "syntax", "signed-as-reserialised"] + (["unicode"] if "fullwidth" in name else []),
        headers=std_headers(GOOD, ts=text),
        expect="malformed-timestamp",
    )
    verify_vector(
        "timestamp",
        f"{name}-literal",
        f"Timestamp with {what}, signed over that text: catches verifiers that sign the text but parse it leniently.",
        T,
        ["timestamp", "syntax"] + (["unicode"] if "fullwidth" in name else []),
        headers=std_headers(mac_entry(SECRET, reference.signed_content(MSG_ID, text, PAYLOAD)), ts=text),
        expect="malformed-timestamp",
    )
_T11 = "99999999999"
verify_vector(
    "timestamp",
    "eleven-digits",
    "An 11-digit timestamp (the most SW-6 allows) at a clock that matches it is accepted.",
    ["SW-6", "SW-15", "SW-13"],
    ["timestamp", "edge"],
    headers=std_headers(entry(SECRET, MSG_ID, _T11, PAYLOAD), ts=_T11),
    now=int(_T11),
    expect=True,
)
_T12 = "100000000000"
verify_vector(
    "timestamp",
    "twelve-digits",
    "A 12-digit timestamp is malformed even when the clock matches it: the 11-digit limit is checked.",
    T,
    ["timestamp", "syntax", "edge"],
    headers=std_headers(mac_entry(SECRET, reference.signed_content(MSG_ID, _T12, PAYLOAD)), ts=_T12),
    now=int(_T12),
    expect="malformed-timestamp",
)
verify_vector(
    "timestamp",
    "milliseconds",
    "A timestamp in milliseconds is malformed-timestamp (13 digits) before it is future.",
    T,
    ["timestamp", "syntax", "units", "order"],
    headers=std_headers(mac_entry(SECRET, reference.signed_content(MSG_ID, TS + "000", PAYLOAD)), ts=TS + "000"),
    expect="malformed-timestamp",
)
_SHIFT_PAYLOAD = b'{"amount":12.50,"currency":"EUR"}'
_SHIFT_SIG = entry(SECRET, MSG_ID, TS, _SHIFT_PAYLOAD)
_SHIFT_TS, _SHIFT_REST = '1700000000.{"amount":12', b'50,"currency":"EUR"}'
assert reference.signed_content(MSG_ID, _SHIFT_TS, _SHIFT_REST) == reference.signed_content(MSG_ID, TS, _SHIFT_PAYLOAD)
verify_vector(
    "timestamp",
    "boundary-shift",
    "Payload bytes moved into the timestamp keep the signed content; a strict SW-6 check rejects it.",
    T,
    ["timestamp", "syntax", "boundary-shift"],
    headers=std_headers(_SHIFT_SIG, ts=_SHIFT_TS),
    payload=_SHIFT_REST,
    expect="malformed-timestamp",
)

# ---------------------------------------------------------------------------------------------- tolerance

W = ["SW-15", "SW-17"]
for offset, name, expect, description in (
    (0, "now", True, "A timestamp equal to the verifier's clock is accepted."),
    (-300, "minus-300", True, "Exactly 300 s old: the edge is inclusive, accepted."),
    (300, "plus-300", True, "Exactly 300 s ahead: the edge is inclusive, accepted."),
    (-301, "minus-301", "stale", "One second past the window in the past: stale."),
    (301, "plus-301", "future", "One second past the window in the future: future."),
    (-86400, "minus-1-day", "stale", "A day-old message replayed with its valid signature: stale."),
    (3600, "plus-1-hour", "future", "An hour ahead (a sender's clock off by a time zone): future."),
):
    ts = str(NOW + offset)
    verify_vector(
        "tolerance",
        name,
        description,
        W + (["SW-13"] if expect is True else []),
        ["window"] + (["edge"] if abs(offset) in (300, 301) else []),
        headers=std_headers(entry(SECRET, MSG_ID, ts, PAYLOAD), ts=ts),
        expect=expect,
    )

# ---------------------------------------------------------------------------------------------- signature-list

L = ["SW-11", "SW-12", "SW-13", "SW-17"]
OLD = entry(OLD_SECRET, MSG_ID, TS, PAYLOAD)
V1A = "v1a," + base64.b64encode(hashlib.sha512(b"hmac-conformance: not an ed25519 signature").digest()).decode()
verify_vector(
    "signature-list",
    "rotation-valid-first",
    "During key rotation: new-key entry first, old-key entry second; a new-key verifier accepts.",
    L,
    ["rotation"],
    headers=std_headers(f"{GOOD} {OLD}"),
    expect=True,
)
verify_vector(
    "signature-list",
    "rotation-valid-last",
    "The valid entry last of three (after an old-key and a foreign entry) is found.",
    L,
    ["rotation"],
    headers=std_headers(f"{OLD} {DECOY_OTHER} {GOOD}"),
    expect=True,
)
verify_vector(
    "signature-list",
    "rotation-old-key-verifier",
    "A consumer still on the old key finds its entry after the new one.",
    L,
    ["rotation"],
    secret=OLD_SECRET,
    headers=std_headers(f"{GOOD} {OLD}"),
    expect=True,
)
verify_vector(
    "signature-list",
    "rotation-among-unknown-versions",
    "A v1 entry after v1a and v2 entries is found; the others are skipped.",
    L,
    ["rotation", "unknown-version"],
    headers=std_headers(f"{V1A} v2,{value_of(DECOY_OTHER)} {GOOD}"),
    expect=True,
)
verify_vector(
    "signature-list",
    "rotation-retired-key",
    "Only an entry made with a key the verifier no longer has: signature-mismatch.",
    L,
    ["rotation"],
    headers=std_headers(OLD),
    expect="signature-mismatch",
)
verify_vector(
    "signature-list",
    "v1a-only",
    "A v1a (ed25519) entry alone is skipped by an HMAC verifier: no-signature.",
    L,
    ["unknown-version"],
    headers=std_headers(V1A),
    expect="no-signature",
)
verify_vector(
    "signature-list",
    "v1a-with-hmac",
    "The right HMAC under version 'v1a' is not checked: catches version tests by prefix ('v1…').",
    L,
    ["unknown-version"],
    headers=std_headers("v1a," + value_of(GOOD)),
    expect="no-signature",
)
verify_vector(
    "signature-list",
    "v2-with-hmac",
    "The right HMAC under version 'v2' is not checked: catches verifiers that ignore the version.",
    L,
    ["unknown-version"],
    headers=std_headers("v2," + value_of(GOOD)),
    expect="no-signature",
)
verify_vector(
    "signature-list",
    "v10-with-hmac",
    "The right HMAC under 'v10' is not checked: catches version tests by prefix.",
    L,
    ["unknown-version"],
    headers=std_headers("v10," + value_of(GOOD)),
    expect="no-signature",
)
verify_vector(
    "signature-list",
    "uppercase-version",
    "'V1' is not 'v1' (versions are case-sensitive): no-signature.",
    L,
    ["unknown-version"],
    headers=std_headers("V1," + value_of(GOOD)),
    expect="no-signature",
)
verify_vector(
    "signature-list",
    "empty-version",
    "',<mac>' has an empty version: skipped, no-signature.",
    L,
    ["unknown-version", "malformed-entry"],
    headers=std_headers("," + value_of(GOOD)),
    expect="no-signature",
)
_URLSAFE_GOOD = value_of(GOOD).replace("+", "-").replace("/", "_")
assert value_of(GOOD) != _URLSAFE_GOOD, "the suite key's MAC must hold '+' or '/'"
_nc = value_of(GOOD)
_NONCANON = _nc[:42] + crosscheck._ALPHABET[crosscheck._ALPHABET.index(_nc[42]) ^ 0b01] + "="
_MAC = base64.b64decode(value_of(GOOD))
MALFORMED = (  # name, entry, bug, extra tags
    ("no-comma", value_of(GOOD), "the bare MAC without 'v1,'", []),
    ("extra-comma", GOOD + ",x", "'v1,<mac>,x' (a second comma)", []),
    ("empty-value", "v1,", "'v1,' (empty value)", []),
    ("not-base64", "v1,!!" + value_of(GOOD)[2:], "a value with characters outside Base64", []),
    ("unpadded", GOOD.rstrip("="), "the right MAC without its '='", ["signature-encoding"]),
    ("url-safe", "v1," + _URLSAFE_GOOD, "the right MAC in the URL-safe alphabet", ["signature-encoding"]),
    (
        "nonzero-pad-bits",
        "v1," + _NONCANON,
        "the right MAC with unused bits set in the last character",
        ["signature-encoding"],
    ),
    (
        "mac-plus-one-byte",
        "v1," + base64.b64encode(_MAC + b"\x00").decode(),
        "the right MAC plus one byte (prefix comparison)",
        [],
    ),
    (
        "mac-truncated",
        "v1," + base64.b64encode(_MAC[:16]).decode(),
        "the first 16 bytes of the right MAC (short comparison)",
        [],
    ),
)
for name, bad, what, extra in MALFORMED:
    verify_vector(
        "signature-list",
        f"{name}-alone",
        f"An entry with {what} is skipped, never matched: no-signature.",
        L,
        ["malformed-entry", *extra],
        headers=std_headers(bad),
        expect="no-signature",
    )
    verify_vector(
        "signature-list",
        f"{name}-then-valid",
        f"An entry with {what} is skipped, not fatal: the valid entry after it is accepted.",
        L,
        ["malformed-entry", *extra],
        headers=std_headers(f"{bad} {GOOD}"),
        expect=True,
    )
verify_vector(
    "signature-list",
    "leading-space",
    "A leading space makes an empty item, which is ignored: accepted.",
    L,
    ["whitespace"],
    headers=std_headers(" " + GOOD),
    expect=True,
)
verify_vector(
    "signature-list",
    "trailing-space",
    "A trailing space makes an empty item, which is ignored: accepted.",
    L,
    ["whitespace"],
    headers=std_headers(GOOD + " "),
    expect=True,
)
verify_vector(
    "signature-list",
    "double-space",
    "Two spaces between entries make an empty item, which is ignored: accepted.",
    L,
    ["whitespace"],
    headers=std_headers(f"{DECOY_OTHER}  {GOOD}"),
    expect=True,
)
verify_vector(
    "signature-list",
    "tab-separated",
    "Only the space separates entries: with a tab, the two form one malformed entry: no-signature.",
    L,
    ["whitespace"],
    headers=std_headers(f"{DECOY_OTHER}\t{GOOD}"),
    expect="no-signature",
)
verify_vector(
    "signature-list",
    "malformed-and-wrong",
    "A malformed entry and a well-formed wrong one: signature-mismatch (a checked entry exists).",
    L,
    ["malformed-entry"],
    headers=std_headers(f"v1,invalid_signature {DECOY_OTHER}"),
    expect="signature-mismatch",
)

# ---------------------------------------------------------------------------------------------- payload

P = ["SW-8", "SW-13", "SW-17"]


def signed(payload: bytes) -> list[list[str]]:
    return std_headers(entry(SECRET, MSG_ID, TS, payload))


verify_vector(
    "payload",
    "empty",
    "An empty payload signed as 'id.timestamp.' is accepted.",
    P,
    ["empty-payload"],
    headers=signed(b""),
    payload=b"",
    expect=True,
)
_BIN = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x80"
verify_vector(
    "payload",
    "non-utf8",
    "A payload that is not UTF-8 (NUL, 0xff, 0x80) is verified over its bytes, not decoded first.",
    P,
    ["binary"],
    headers=signed(_BIN),
    payload=_BIN,
    expect=True,
)
verify_vector(
    "payload",
    "trailing-newline-signed",
    "A trailing newline sent and signed is part of the payload: a verifier that trims it rejects.",
    P,
    ["newline"],
    headers=signed(PAYLOAD + b"\n"),
    payload=PAYLOAD + b"\n",
    expect=True,
)
verify_vector(
    "payload",
    "trailing-newline-added",
    "A newline appended after signing changes the payload: signature-mismatch.",
    P,
    ["newline"],
    headers=signed(PAYLOAD),
    payload=PAYLOAD + b"\n",
    expect="signature-mismatch",
)
verify_vector(
    "payload",
    "trailing-newline-removed",
    "The signed trailing newline lost in transit: signature-mismatch.",
    P,
    ["newline"],
    headers=signed(PAYLOAD + b"\n"),
    payload=PAYLOAD,
    expect="signature-mismatch",
)
_ODD_JSON = b'{ "data": {"currency": "EUR", "amount": 1250},\n  "type": "invoice.paid" }'
verify_vector(
    "payload",
    "json-unusual-layout",
    "JSON with unsorted keys and odd spacing is verified as sent: re-serialising it breaks the MAC.",
    P,
    ["json-reserialisation", "whitespace"],
    headers=signed(_ODD_JSON),
    payload=_ODD_JSON,
    expect=True,
)
_NUM_JSON = b'{"amount":1.50,"ratio":1e2,"id":12345678901234567890}'
verify_vector(
    "payload",
    "json-number-forms",
    "Numbers like 1.50, 1e2 and 20 digits survive only byte for byte; JSON.parse/stringify changes them.",
    P,
    ["json-reserialisation"],
    headers=signed(_NUM_JSON),
    payload=_NUM_JSON,
    expect=True,
)
_COMPACT = b'{"type":"invoice.paid","data":{"amount":1250}}'
_PRETTY = b'{\n  "type": "invoice.paid",\n  "data": {\n    "amount": 1250\n  }\n}'
verify_vector(
    "payload",
    "json-reformatted",
    "Same JSON value, other bytes than signed: signature-mismatch; catches verifiers that compare re-serialised JSON.",
    P,
    ["json-reserialisation"],
    headers=signed(_COMPACT),
    payload=_PRETTY,
    expect="signature-mismatch",
)
verify_vector(
    "payload",
    "bom",
    "A UTF-8 byte order mark sent and signed is part of the payload: accepted; a verifier that strips it rejects.",
    P,
    ["bom"],
    headers=signed(b"\xef\xbb\xbf" + PAYLOAD),
    payload=b"\xef\xbb\xbf" + PAYLOAD,
    expect=True,
)
_CRLF = PAYLOAD.replace(b",", b",\r\n")
verify_vector(
    "payload",
    "crlf",
    "CR LF line ends are verified as sent: a verifier that normalises newlines rejects.",
    P,
    ["newline", "whitespace"],
    headers=signed(_CRLF),
    payload=_CRLF,
    expect=True,
)
_UNI = '{"item":"cr\u00e8me br\u00fbl\u00e9e","city":"\u6771\u4eac","note":"\U0001f680"}'.encode()
verify_vector(
    "payload",
    "unicode",
    "Raw UTF-8 text (2-, 3- and 4-byte characters) is verified over its bytes.",
    P,
    ["unicode"],
    headers=signed(_UNI),
    payload=_UNI,
    expect=True,
)
_LARGE = {"repeat": {"utf8": "0123456789abcdef"}, "count": 65536}
verify_vector(
    "payload",
    "large",
    "A 1 MiB payload is verified whole: no truncation, no buffer-boundary bug.",
    P,
    ["large-payload"],
    headers=signed(b"0123456789abcdef" * 65536),
    payload=_LARGE,
    expect=True,
)

# ---------------------------------------------------------------------------------------------- id

_DOT_ID = "evt.2023-11-14.0001"
verify_vector(
    "id",
    "with-dot",
    "An id containing '.' is signed and verified as given: no splitting or rejection of the id.",
    ["SW-5", "SW-8", "SW-13"],
    ["id-dot"],
    headers=std_headers(entry(SECRET, _DOT_ID, TS, PAYLOAD), msg_id=_DOT_ID),
    expect=True,
)
_A_ID = MSG_ID + ".1700000000"
_A_PAYLOAD = b'{"amount":1250}'
_B_PAYLOAD = b"1700000000." + _A_PAYLOAD
assert reference.signed_content(_A_ID, TS, _A_PAYLOAD) == reference.signed_content(MSG_ID, TS, _B_PAYLOAD)
verify_vector(
    "id",
    "boundary-shift",
    "Bytes moved from an id with '.' into the payload keep the signature: accepted; why SW-5 keeps '.' out of ids.",
    ["SW-5", "SW-8", "SW-13"],
    ["id-dot", "boundary-shift"],
    headers=std_headers(entry(SECRET, _A_ID, TS, _A_PAYLOAD)),
    payload=_B_PAYLOAD,
    expect=True,
)

# ---------------------------------------------------------------------------------------------- order

ORDER = ["SW-17"]
verify_vector(
    "order",
    "missing-before-duplicate",
    "webhook-id absent and webhook-timestamp repeated: missing-header comes first.",
    [*ORDER, "SW-1", "SW-4"],
    ["order"],
    headers=[CONTENT_TYPE, ["webhook-timestamp", TS], ["webhook-timestamp", TS], ["webhook-signature", GOOD]],
    expect="missing-header",
)
verify_vector(
    "order",
    "duplicate-before-malformed",
    "webhook-id repeated and a '+' timestamp: duplicate-header comes first.",
    [*ORDER, "SW-4", "SW-6"],
    ["order"],
    headers=[*std_headers(GOOD, ts="+" + TS), ["webhook-id", MSG_ID]],
    expect="duplicate-header",
)
verify_vector(
    "order",
    "malformed-before-stale",
    "'01600000000' is malformed and, read leniently, stale: malformed-timestamp comes first.",
    [*ORDER, "SW-6", "SW-15"],
    ["order"],
    headers=std_headers(entry(SECRET, MSG_ID, "1600000000", PAYLOAD), ts="01600000000"),
    expect="malformed-timestamp",
)
_OLD_TS = str(NOW - 301)
verify_vector(
    "order",
    "stale-before-no-signature",
    "A stale timestamp and only a v2 entry: stale comes first (no MAC work for old messages).",
    [*ORDER, "SW-12", "SW-15"],
    ["order"],
    headers=std_headers("v2," + value_of(entry(SECRET, MSG_ID, _OLD_TS, PAYLOAD)), ts=_OLD_TS),
    expect="stale",
)
_NEW_TS = str(NOW + 301)
verify_vector(
    "order",
    "future-before-mismatch",
    "A future timestamp and a wrong MAC: future comes first.",
    [*ORDER, "SW-13", "SW-15"],
    ["order"],
    headers=std_headers(DECOY_OTHER, ts=_NEW_TS),
    expect="future",
)


# ---------------------------------------------------------------------------------------------- evidence

# Vectors on which at least one upstream library (standard-webhooks/standard-webhooks @ b2fa7b87, or its published
# package) is known to decide otherwise; each gets the tag 'library-differs'. The evidence is named: "source" =
# read in the library's code at that commit; "notes" = measured with the published packages (as the table in
# spec section 7); "probe" = measured by driving the Python package standardwebhooks 1.1.0 over the vectors.
STRICT_B64 = "Go, Rust and C# decode the secret with strict padded Base64 and refuse it (notes)"
PY_LENIENT_DECODER = "Python's decoder skips characters outside the alphabet and signs with another key (probe)"
PY_IDS = "Python signs any id (probe); no library checks the id"
DUPS = "no library detects a repeated field: Go, Java and Rust read the first copy, JS, PHP, Python and Ruby a map (source)"
PY_RAISES = "Python raises ValueError/binascii.Error on the skipped entry instead of trying the next one (probe)"
DIFFERS = {
    "sign/non-utf8-payload": "Python's sign() takes the payload as text (probe)",
    "secret/unpadded-one": STRICT_B64,
    "secret/unpadded-two": STRICT_B64,
    "secret/max-64-bytes-unpadded": STRICT_B64,
    "secret/nonzero-pad-bits": "Rust's base64 STANDARD engine rejects non-zero trailing bits (crate docs)",
    "secret/short-23-bytes": "no library enforces the 24..64-byte range (notes; probe)",
    "secret/short-16-bytes": "no library enforces the 24..64-byte range (notes; probe)",
    "secret/long-65-bytes": "no library enforces the 24..64-byte range (notes; probe)",
    "secret/trailing-newline": PY_LENIENT_DECODER,
    "secret/line-wrapped": PY_LENIENT_DECODER,
    "secret/uppercase-prefix": PY_LENIENT_DECODER,
    "secret/double-prefix": PY_LENIENT_DECODER,
    "secret/ed25519-secret-key": PY_LENIENT_DECODER,
    "secret/excess-padding": PY_LENIENT_DECODER,
    "secret/padding-inside": PY_LENIENT_DECODER,
    "secret/plain-text": PY_LENIENT_DECODER,
    "sign-refusal/id-empty": PY_IDS,
    "sign-refusal/id-crlf": PY_IDS,
    "sign-refusal/id-leading-space": PY_IDS,
    "sign-refusal/id-non-ascii": PY_IDS,
    "scenario/valid-unpadded-secret": STRICT_B64,
    "scenario/valid-unpadded-prefixed-secret": STRICT_B64,
    "scenario/exactly-300s-old": "Go compares against a sub-second clock and rejects; its own test expects that (source)",
    "headers/kelvin-sign-name": "Python lowercases names with str.lower, which maps U+212A to 'k' (probe)",
    "headers/duplicate-id-equal": DUPS,
    "headers/duplicate-timestamp-equal": DUPS,
    "headers/duplicate-signature-equal": DUPS,
    "headers/duplicate-id-case-variant": DUPS,
    "headers/duplicate-signature-first-valid": DUPS,
    "headers/duplicate-signature-last-valid": DUPS,
    "headers/duplicate-timestamp-first-signed": DUPS,
    "headers/duplicate-timestamp-last-signed": DUPS,
    "order/duplicate-before-malformed": DUPS + "; Go also re-serialises '+1700000000' (notes)",
    "timestamp/plus-reserialised": "Python, npm and Go re-serialise the parsed number and accept (notes)",
    "timestamp/leading-zero-reserialised": "Python, npm and Go re-serialise the parsed number and accept (notes)",
    "timestamp/decimal-zero-reserialised": "Python (float) and npm (parseInt) re-serialise and accept (notes; probe)",
    "timestamp/fraction-reserialised": "Python (float) and npm (parseInt) re-serialise and accept (notes; probe)",
    "timestamp/exponent-reserialised": "Python (float) re-serialises and accepts (notes; probe)",
    "timestamp/leading-space-reserialised": "Python (float) and npm (parseInt) re-serialise and accept (notes; probe)",
    "timestamp/trailing-space-reserialised": "Python (float) and npm (parseInt) re-serialise and accept (probe; source)",
    "timestamp/trailing-letters-reserialised": "npm (parseInt) re-serialises and accepts (notes)",
    "timestamp/underscores-reserialised": "Python (float accepts '_') re-serialises and accepts (probe)",
    "timestamp/fullwidth-digits-reserialised": "Python (float accepts Unicode digits) re-serialises and accepts (probe)",
    "timestamp/twelve-digits": "every library parses the number without a digit limit and accepts (source)",
    "signature-list/extra-comma-alone": "Go, JS, Java and C# split at every comma and use the second field (notes; source)",
    "signature-list/extra-comma-then-valid": PY_RAISES,
    "signature-list/no-comma-then-valid": PY_RAISES + "; C# throws on the first comma-less entry (notes)",
    "signature-list/not-base64-then-valid": PY_RAISES,
    "signature-list/unpadded-then-valid": PY_RAISES,
    "signature-list/url-safe-then-valid": PY_RAISES,
    "signature-list/nonzero-pad-bits-alone": "Python decodes the value leniently and compares bytes: accepts (probe)",
    "signature-list/leading-space": PY_RAISES + " (the empty item)",
    "signature-list/double-space": PY_RAISES + " (the empty item)",
    "payload/non-utf8": "Python decodes the payload as UTF-8 (probe); Rust requires UTF-8 (notes)",
}


# ---------------------------------------------------------------------------------------------- output


def materialised(vec: Vector) -> dict[str, Any]:
    inp = dict(vec.input)
    inp["payload"] = materialise(inp["payload"])
    return inp


def compute(vec: Vector) -> None:
    """Fill in the expected value from the reference; stop on any disagreement with the intent or the checks."""
    inp = materialised(vec)
    out = reference.run_case(vec.operation, inp)
    if vec.operation == "sign":
        got = "signed" if "signature" in out else ("refused", out["refused"])
        assert got == vec.expect, (vec.id, got, vec.expect)
        if "signature" in out:
            head = reference.signed_content(vec.input["msg_id"], vec.input["timestamp"], b"")
            payload_spec = vec.input["payload"]
            content = (
                {"utf8": out["signed_content"].decode("utf-8")}
                if "utf8" in payload_spec
                else {"concat": [{"utf8": head.decode("utf-8")}, payload_spec]}
            )
            assert materialise(content) == out["signed_content"], vec.id
            vec.expected = {"signed_content": content, "signature": out["signature"]}
        else:
            vec.expected = {"refused": out["refused"]}
    else:
        got = True if out["valid"] else out["reason"]
        assert got == vec.expect, (vec.id, got, vec.expect)
        vec.expected = dict(out)
    if vec.id.endswith("/published-default"):
        assert vec.expected["signature"] == PUB_SIGNATURE
    if vec.id.endswith("/published-rust"):
        assert vec.expected["signature"] == RUST_SIGNATURE
    exp = dict(vec.expected)
    if "signed_content" in exp:
        exp["signed_content"] = materialise(exp["signed_content"])
    assert crosscheck.run_case(vec.operation, inp) == exp, vec.id
    found = lint.problems(vec.operation, inp, exp, tuple(vec.tags))
    assert not found, (vec.id, found)


def q(text: str) -> str:
    """A YAML double-quoted scalar, ASCII only: escapes for '"', '\\', controls and every non-ASCII character."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or 0x7F <= code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        elif code > 0xFFFF:
            out.append(f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def flow(value: Any) -> str:
    """A byte-string spec or an expected decision as a YAML flow mapping."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return q(value)


def decision(expected: dict[str, Any]) -> str:
    """An expected decision or refusal as a flow mapping; reason codes are plain YAML scalars."""
    return "{" + ", ".join(f"{k}: {flow(v) if isinstance(v, bool) else v}" for k, v in expected.items()) + "}"


def render(group: str, vectors: list[Vector]) -> str:
    lines = [
        "# hmac-conformance test vectors. Format: docs/vector-format.md. Spec: docs/spec/standard-webhooks.md.",
        "# Written by tools/vectors/standard_webhooks.py (deterministic): change it and run it, do not edit by hand.",
        "format: 1",
        "scheme: standard-webhooks",
        f"description: {q(FILE_DESCRIPTIONS[group])}",
        "vectors:",
    ]
    for vec in vectors:
        lines += [
            "",
            f"  - id: {vec.id}",
            f"    description: {q(vec.description)}",
            f"    operation: {vec.operation}",
            f"    rules: [{', '.join(sorted(vec.rules, key=lambda r: int(r[3:])))}]",
            f"    tags: [{', '.join(vec.tags)}]",
            f'    since: "{SINCE}"',
            f"    source: {q(vec.source) if vec.source != GENERATED else GENERATED}",
            "    input:",
            f"      secret: {q(vec.input['secret'])}",
        ]
        if vec.operation == "sign":
            lines += [
                f"      msg_id: {q(vec.input['msg_id'])}",
                f"      timestamp: {q(vec.input['timestamp'])}",
                f"      payload: {flow(vec.input['payload'])}",
            ]
            if "refused" in vec.expected:
                lines.append(f"    expected: {decision(vec.expected)}")
            else:
                lines += [
                    "    expected:",
                    f"      signed_content: {flow(vec.expected['signed_content'])}",
                    f"      signature: {q(vec.expected['signature'])}",
                ]
        else:
            lines.append("      headers:")
            lines += [f"        - [{q(name)}, {q(value)}]" for name, value in vec.input["headers"]]
            lines += [
                f"      payload: {flow(vec.input['payload'])}",
                f"      now: {vec.input['now']}",
                f"      tolerance: {vec.input['tolerance']}",
                f"    expected: {decision(vec.expected)}",
            ]
    return "\n".join(lines) + "\n"


def render_all() -> dict[str, str]:
    ids = [v.id for v in VECTORS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    unknown = set(DIFFERS) - {f"{v.group}/{v.name}" for v in VECTORS}
    assert not unknown, f"DIFFERS names vectors that do not exist: {unknown}"
    groups: dict[str, list[Vector]] = {}
    for vec in VECTORS:
        if f"{vec.group}/{vec.name}" in DIFFERS:
            vec.tags.append("library-differs")
        if not vec.expected:
            compute(vec)
        vec.tags = list(dict.fromkeys(vec.tags))
        groups.setdefault(vec.group, []).append(vec)
    return {f"{group}.yaml": render(group, vecs) for group, vecs in groups.items()}


def main(argv: list[str]) -> int:
    if "--differs" in argv:  # the evidence table
        for name, why in DIFFERS.items():
            print(f"| `{name}` | {why} |")
        return 0
    files = render_all()
    out_dir = OUT
    stale = [
        name
        for name, text in files.items()
        if not (out_dir / name).exists() or (out_dir / name).read_text(encoding="ascii") != text
    ]
    if "--check" in argv:
        for name in stale:
            print(f"vectors/standard-webhooks/{name} differs from what this generator writes")
        return 1 if stale else 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="ascii", newline="\n")
    print(f"wrote {len(files)} files, {len(VECTORS)} vectors ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
