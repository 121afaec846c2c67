"""One-bug signers, each written the way a real SDK gets it wrong (not with the diagnosis engine's own
transforms), returning only a signature or a tag — no string to sign — as vendor code does.

Used as ``--impl python:tests.impls.mistakes:<name>``, with ``-`` in a catalogue id written as ``_``.
JavaScript's JSON.stringify and string conversion are run in a real Node.js process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
from collections.abc import Callable
from typing import Any

from hmac_conformance import _reference as reference

Inputs = dict[str, Any]


def _node(script: str, data: bytes) -> bytes:
    return subprocess.run(["node", "-e", script], input=data, capture_output=True, check=True, timeout=30).stdout


def _js_stringify(body: bytes) -> bytes:
    code = "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8'))))"
    return _node(code, body)


def _js_body_text(body: bytes) -> bytes:
    """Postman-style: an empty body is an empty object, and `'' + {}` is '[object Object]'."""
    code = "const t = require('fs').readFileSync(0, 'utf8'); process.stdout.write(t === '' ? '' + {} : t)"
    return _node(code, body)


def _parts(inp: Inputs) -> list[bytes]:
    return [inp["api_key"].encode(), inp["client_request_id"].encode(), inp["timestamp"].encode()]


BodyBug = Callable[[bytes], bytes]
BODY_BUGS: dict[str, BodyBug] = {
    "body_json_compact": lambda b: json.dumps(json.loads(b), separators=(",", ":"), ensure_ascii=False).encode(),
    "body_json_sorted_keys": lambda b: json.dumps(json.loads(b), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(),
    "body_json_pretty_2": lambda b: json.dumps(json.loads(b), indent=2, ensure_ascii=False).encode(),
    "body_json_pretty_4": lambda b: json.dumps(json.loads(b), indent=4, ensure_ascii=False).encode(),
    "body_json_python_default": lambda b: json.dumps(json.loads(b)).encode(),
    "body_json_php": lambda b: json.dumps(json.loads(b), separators=(",", ":")).replace("/", "\\/").encode(),
    "body_json_stringify": _js_stringify,
    "body_trimmed": lambda b: b.strip(),
    "body_newline_added": lambda b: b + b"\n",
    "body_newline_removed": lambda b: b[:-1] if b.endswith(b"\n") else b,
    "body_crlf_to_lf": lambda b: b.replace(b"\r\n", b"\n"),
    "body_lf_to_crlf": lambda b: b.replace(b"\n", b"\r\n"),
    "body_bom_stripped": lambda b: b.decode("utf-8-sig").encode(),
    "body_utf8_replacement": lambda b: b.decode("utf-8", errors="replace").encode(),
    "body_latin1_decoded": lambda b: b.decode("iso-8859-1").encode("utf-8"),
    "body_latin1_encoded": lambda b: b.decode("utf-8").encode("iso-8859-1"),
    "body_empty_as_object_text": _js_body_text,
    "body_empty_as_braces": lambda b: b or b"{}",
    "body_omitted": lambda b: b"",
}  # fmt: skip


def _mac(inp: Inputs, message: bytes, secret: bytes | None = None, algorithm: str | None = None) -> bytes:
    return hmac.new(secret if secret is not None else inp["secret"], message, algorithm or inp["algorithm"]).digest()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class Signer:
    """A signer with one bug; ``hello()`` and ``run_case()`` as the in-process adapter expects."""

    def __init__(self, bug: str) -> None:
        self.bug = bug

    def hello(self) -> dict[str, Any]:
        info = reference.hello()
        info["implementation"] = {"name": f"mistake-{self.bug}", "version": "0", "language": "python"}
        return info

    def run_case(self, scheme: str, operation: str, inp: Inputs) -> dict[str, Any]:
        if operation == "sign":
            return {"signature": self.sign(inp)}
        if operation == "mac":
            return {"tag": self.tag(inp)}
        return reference.run_case(scheme, operation, inp)

    def sign(self, inp: Inputs) -> str:
        bug, parts, body = self.bug, _parts(inp), inp["body"]
        if bug in BODY_BUGS:
            return _b64(_mac(inp, b"".join(parts) + BODY_BUGS[bug](body)))
        if bug == "timestamp_seconds":
            seconds = str(int(inp["timestamp"]) // 1000).encode()
            return _b64(_mac(inp, parts[0] + parts[1] + seconds + body))
        if bug.startswith("fields_order_"):
            order = ["akt".index(c) for c in bug.removeprefix("fields_order_")]
            return _b64(_mac(inp, b"".join(parts[i] for i in order) + body))
        if bug.startswith("fields_joined_"):
            sep = {"colon": b":", "newline": b"\n", "ampersand": b"&", "comma": b",", "pipe": b"|"}[bug[14:]]
            return _b64(_mac(inp, sep.join([*parts, body])))
        if bug == "secret_hex_decoded":
            return _b64(_mac(inp, b"".join(parts) + body, secret=bytes.fromhex(inp["secret"].decode())))
        if bug == "secret_base64_decoded":
            return _b64(_mac(inp, b"".join(parts) + body, secret=base64.b64decode(inp["secret"])))
        if bug == "other_algorithm":
            other = "sha512" if inp["algorithm"] == "sha256" else "sha256"
            return _b64(_mac(inp, b"".join(parts) + body, algorithm=other))
        mac = _mac(inp, b"".join(parts) + body)
        encodings = {
            "hex": mac.hex(),
            "uppercase_hex": mac.hex().upper(),
            "legacy_hex_base64": _b64(mac.hex().encode()),
            "base64_of_uppercase_hex": _b64(mac.hex().upper().encode()),
            "base64url": base64.urlsafe_b64encode(mac).decode(),
            "base64_unpadded": _b64(mac).rstrip("="),
            "base64url_unpadded": base64.urlsafe_b64encode(mac).decode().rstrip("="),
            "encoding_option_ignored": _b64(mac),
        }
        if bug in encodings:
            return encodings[bug]
        if bug == "legacy_with_sha256":  # a SHA-256 legacy signer on a SHA-512 vector
            return _b64(_mac(inp, b"".join(parts) + body, algorithm="sha256").hex().encode())
        if bug == "legacy_with_stringify":  # two bugs at once: a legacy label must not hide the second
            return _b64(_mac(inp, b"".join(parts) + _js_stringify(body)).hex().encode())
        raise NotImplementedError(bug)

    def tag(self, inp: Inputs) -> bytes:
        bug, key, msg, algorithm, t = self.bug, inp["key"], inp["message"], inp["algorithm"], inp["tag_length"]
        h = algorithm.replace("-", "_")  # the hashlib name: sha3-224 -> sha3_224, sha512-224 -> sha512_224
        if bug.startswith("other_algorithm_"):
            return hmac.new(key, msg, bug.removeprefix("other_algorithm_")).digest()[:t]
        if bug == "truncated_rightmost":
            return hmac.new(key, msg, h).digest()[-t:]
        if bug == "not_truncated":
            return hmac.new(key, msg, h).digest()
        if bug == "plain_hash_key_first":
            return hashlib.new(h, key + msg).digest()[:t]
        if bug == "plain_hash_key_last":
            return hashlib.new(h, msg + key).digest()[:t]
        block = hashlib.new(h).block_size
        if bug.startswith("block_length_"):
            block = int(bug.removeprefix("block_length_"))
        if bug == "long_key_not_hashed":
            k = key[:block]
        elif bug == "key_always_hashed" or len(key) > block:
            k = hashlib.new(h, key).digest()
        else:
            k = key
        k = k.ljust(block, b"\0")
        inner = hashlib.new(h, bytes(x ^ 0x36 for x in k) + msg).digest()
        return hashlib.new(h, bytes(x ^ 0x5C for x in k) + inner).digest()[:t]


def __getattr__(name: str) -> Signer:
    if name.startswith("__"):
        raise AttributeError(name)
    return Signer(name)
