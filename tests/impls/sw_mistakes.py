"""One-bug ``standard-webhooks`` signers, each written the way a hand-rolled webhook signer gets it wrong (not
with the diagnosis engine's own transforms), returning only the ``webhook-signature`` entry, as libraries do.

Used as ``--impl python:tests.impls.sw_mistakes:<name>``, with ``-`` in a catalogue id written as ``_``. Every
other case is answered by the reference.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from hmac_conformance import _reference as reference

Inputs = dict[str, Any]

PAYLOAD_BUGS = {
    "payload_json_compact": lambda b: json.dumps(json.loads(b), separators=(",", ":"), ensure_ascii=False).encode(),
    "payload_json_python_default": lambda b: json.dumps(json.loads(b)).encode(),
    "payload_json_sorted_keys": lambda b: json.dumps(json.loads(b), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(),
    "payload_json_pretty_2": lambda b: json.dumps(json.loads(b), indent=2, ensure_ascii=False).encode(),
    "payload_newline_added": lambda b: b + b"\n",
    "payload_newline_removed": lambda b: b.decode().rstrip("\n").encode(),
    "payload_crlf_to_lf": lambda b: b"\n".join(b.splitlines()) + (b"\n" if b.endswith(b"\n") else b""),
    "payload_bom_stripped": lambda b: b.decode("utf-8-sig").encode(),
    "payload_utf8_replacement": lambda b: b.decode("utf-8", errors="replace").encode(),
}  # fmt: skip
SEPARATORS = {"fields_joined_none": "", "fields_joined_colon": ":", "fields_joined_comma": ",",
              "fields_joined_newline": "\n"}  # fmt: skip


def _key(secret: str) -> bytes:
    """The right key: the prefix removed, the Base64 decoded (its padding restored)."""
    text = secret[len("whsec_") :] if secret.startswith("whsec_") else secret
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class Signer:
    """A signer with one bug; ``hello()`` and ``run_case()`` as the in-process adapter expects."""

    def __init__(self, bug: str) -> None:
        self.bug = bug

    def hello(self) -> dict[str, Any]:
        info = reference.hello()
        info["implementation"] = {"name": f"sw-mistake-{self.bug}", "version": "0", "language": "python"}
        return info

    def run_case(self, scheme: str, operation: str, inp: Inputs) -> dict[str, Any]:
        if (scheme, operation) == ("standard-webhooks", "sign"):
            return {"signature": self.sign(inp)}
        return reference.run_case(scheme, operation, inp)

    def sign(self, inp: Inputs) -> str:
        bug, secret, msg_id, ts, payload = self.bug, inp["secret"], inp["msg_id"], inp["timestamp"], inp["payload"]
        if bug in ("secret_not_decoded", "secret_not_decoded_hex"):
            key = secret.removeprefix("whsec_").encode()
        elif bug == "secret_with_prefix":
            key = secret.encode()
        elif bug == "secret_prefix_decoded":
            key = base64.b64decode(secret)  # Python's default decoder skips the '_' and keeps 'whsec'
        else:
            key = _key(secret)
        if bug == "timestamp_milliseconds":
            ts = str(int(ts) * 1000)
        payload = PAYLOAD_BUGS[bug](payload) if bug in PAYLOAD_BUGS else payload
        if bug == "id_omitted":
            content = f"{ts}.".encode() + payload
        elif bug in SEPARATORS:
            content = SEPARATORS[bug].join([msg_id, ts]).encode() + SEPARATORS[bug].encode() + payload
        else:
            content = f"{msg_id}.{ts}.".encode() + payload
        mac = hmac.new(key, content, hashlib.sha256).digest()
        forms = {
            "hex": "v1," + mac.hex(),
            "uppercase_hex": "v1," + mac.hex().upper(),
            "base64url": "v1," + base64.urlsafe_b64encode(mac).decode(),
            "base64_unpadded": "v1," + _b64(mac).rstrip("="),
            "base64url_unpadded": "v1," + base64.urlsafe_b64encode(mac).decode().rstrip("="),
            "no_version_prefix": _b64(mac),
            "other_version_prefix": "v1=" + _b64(mac),
            "no_version_prefix_hex": mac.hex(),  # two slips at once: both are named
            "secret_not_decoded_hex": "v1," + mac.hex(),  # a wrong key, written as hex
            "non_canonical_base64": "v1," + _noncanonical(_b64(mac)),
        }
        return forms.get(bug, "v1," + _b64(mac))


def _noncanonical(text: str) -> str:
    """The same 32 bytes with a non-zero unused bit in the last character (a decoder that ignores them)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return text[:42] + alphabet[alphabet.index(text[42]) ^ 1] + text[43:]


def __getattr__(name: str) -> Signer:
    if name.startswith("__"):
        raise AttributeError(name)
    return Signer(name)
