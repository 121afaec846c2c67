"""The reference with one classic SDK bug switched on (argv[1]); speaks both protocol modes.

Used by the end-to-end tests to prove that each bug is caught, with the right diagnostic.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import sys

from hmac_conformance import _reference as reference
from hmac_conformance import schemes
from hmac_conformance._model import expand, set_at
from hmac_conformance.schemes.firstvision import reference as fv
from hmac_conformance.schemes.hmac import reference as rh

BUG = sys.argv[1]


def sign(**kw):
    if BUG == "signer-trims":  # FV-3's trimming applied to signer inputs, then the usual checks
        for name in ("api_key", "client_request_id", "timestamp"):
            kw[name] = kw[name].strip(" \t")
    if BUG == "reserialise-json" and kw["body"]:
        with contextlib.suppress(ValueError):  # not JSON: the SDK would sign it raw
            kw["body"] = json.dumps(json.loads(kw["body"]), separators=(",", ":"), ensure_ascii=False).encode()
    if BUG == "strip-body":
        kw["body"] = kw["body"].strip()
    out = fv.sign(**kw)
    if "refused" in out:  # FV-17: the bugs below are in what a signer does with valid inputs
        return out
    if BUG == "hex-signature":
        out["signature"] = rh.full_mac(kw["algorithm"], kw["secret"], out["string_to_sign"]).hex()
        out["headers"]["Authorization"] = out["signature"]
    if BUG == "legacy-always":
        out["signature"] = fv.encode_signature(
            rh.full_mac(kw["algorithm"], kw["secret"], out["string_to_sign"]), "legacy-hex-base64"
        )
        out["headers"]["Authorization"] = out["signature"]
    return out


def js_trim(value):
    """JavaScript's String.prototype.trim(): Unicode white space (Python's str.strip()) and U+FEFF."""
    while value != (value := value.strip().strip("\ufeff")):
        pass
    return value


def verify(**kw):
    if BUG == "js-trim":
        request = kw["request"]
        kw["request"] = {**request, "headers": [(name, js_trim(value)) for name, value in request["headers"]]}
    if BUG == "no-replay-check":
        kw["seen_request_ids"] = []
    if BUG == "seconds":
        kw["now_ms"] //= 1000
        kw["window_ms"] //= 1000
    return fv.verify(**kw)


def mac_verify(**kw):
    if BUG == "prefix-compare":
        expected = rh.full_mac(kw["algorithm"], kw["key"], kw["message"])
        n = min(len(expected), len(kw["tag"]))
        ok = hmac.compare_digest(expected[:n], kw["tag"][:n])
        return {"valid": True} if ok else {"valid": False, "reason": "tag-mismatch"}
    return rh.mac_verify(**kw)


class _LenientInt:
    """int() as a syntax check: accepts '+1', ' 1', '1_000', fullwidth and Arabic-Indic digits."""

    def fullmatch(self, text):
        try:
            int(text)
        except ValueError:
            return None
        return True


class _UnicodeClasses:
    """A syntax check with Unicode classes (\\p{L}\\p{N}, str.isalnum()): accepts 'é', 'Ω', '１', '²'."""

    def __init__(self, extra=""):
        self.extra = extra

    def fullmatch(self, text):
        ok = 1 <= len(text) <= 128 and all(ch.isalnum() or ch in self.extra for ch in text)
        return True if ok else None


if BUG == "lenient-timestamp":
    fv.TIMESTAMP = _LenientInt()
if BUG == "unicode-syntax":
    fv.API_KEY = _UnicodeClasses()
    fv.REQUEST_ID = _UnicodeClasses(extra="-")

OPS = {"mac": rh.mac, "mac-verify": mac_verify, "sign": sign, "verify": verify}
BYTES_IN = {"key", "message", "tag", "secret", "body"}


def decode(value, name=""):
    if isinstance(value, dict):
        return {k: decode(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v, name) for v in value]
    return base64.b64decode(value) if name in BYTES_IN and isinstance(value, str) else value


def encode(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        hello = reference.hello()
        hello["implementation"] = {"name": f"buggy-{BUG}", "version": "0", "language": "python"}
        print(json.dumps({"type": "hello", "protocol": 1, **hello}), flush=True)
    elif msg["type"] == "stop":
        break
    elif msg["scheme"] not in ("hmac", "firstvision"):  # the bugs are in these two; any other scheme: the reference
        inp = msg["input"]
        for path in schemes.operation(msg["scheme"], msg["operation"]).byte_inputs:
            for at, value in list(expand(path, inp)):
                set_at(inp, at, base64.b64decode(value))
        output = encode(reference.run_case(msg["scheme"], msg["operation"], inp))
        print(json.dumps({"type": "result", "seq": msg["seq"], "output": output}), flush=True)
    else:
        inp = decode(msg["input"])
        if msg["operation"] == "verify":
            inp["keys"] = [{**k, "secret": base64.b64decode(k["secret"])} for k in msg["input"]["keys"]]
        print(
            json.dumps({"type": "result", "seq": msg["seq"], "output": encode(OPS[msg["operation"]](**inp))}),
            flush=True,
        )
