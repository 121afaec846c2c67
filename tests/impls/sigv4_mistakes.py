"""One-bug SigV4 signers, each written the way a real SDK gets it wrong (with ``urllib.parse.quote``,
``str.split`` and ``hashlib``, not with the diagnosis engine's recipe), for ``sigv4`` ``canonical-request``,
``string-to-sign`` and ``sign`` — the last returning only a signature and what it adds, as most SDKs do.

Used as ``--impl python:tests.impls.sigv4_mistakes:<name>``, with ``-`` in a catalogue id written as ``_``;
``correct`` has no bug (it must pass every signing vector).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any
from urllib.parse import quote, unquote_to_bytes

FEATURES = ["query", "session-token", "unsigned-session-token", "single-encoding", "no-normalize",
            "unsigned-payload", "payload-header"]  # fmt: skip


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _normalise(path: str) -> str:
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            kept = kept[:-1]
        elif segment not in ("", "."):
            kept.append(segment)
    return "/" + "/".join(kept) + ("/" if kept and path.endswith("/") else "")


def _clean(value: str, bug: str) -> str:
    if bug == "header_values_raw":
        return value
    if bug == "header_tabs_kept":  # `' '.join(v.split(' '))` style: spaces only
        return " ".join(part for part in value.split(" ") if part)
    return re.sub(r"[ \t\r\n]+", " ", value).strip(" ")


def sign(inp: dict[str, Any], bug: str) -> dict[str, Any]:
    request, creds = inp["request"], inp["credentials"]
    query_mode = inp["mode"] == "query"
    if query_mode and not 1 <= inp["expires"] <= 604800:
        return {"refused": "bad-expires"}
    stamp = inp["time"]
    if bug == "date_extended_format":  # datetime.isoformat() style
        stamp = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}Z"
    elif bug == "date_with_milliseconds":  # JavaScript: toISOString().replace(/[:-]/g, '')
        stamp = inp["time"][:-1] + ".000Z"
    day = inp["time"][:8]
    region, service = inp["region"], inp["service"]
    if bug == "region_service_swapped":
        region, service = service, region
    scope = f"{day}/{region}/{service}/aws4_request"

    unsigned = inp["payload"].startswith("unsigned")
    if bug == "unsigned_payload_instead_of_hash":
        unsigned = True
    elif bug == "hash_instead_of_unsigned_payload":
        unsigned = False
    body = b"" if bug == "payload_empty_hash" else request["body"]
    payload = "UNSIGNED-PAYLOAD" if unsigned else _sha(body)

    token = creds.get("session_token")
    token_signed = token is not None and inp["session_token"] == "signed"
    headers = [(name, value) for name, value in request["headers"]]
    mine: list[tuple[str, str]] = []
    if not query_mode:
        mine.append(("X-Amz-Date", stamp))
        if token_signed:
            mine.append(("X-Amz-Security-Token", token))
        if inp["payload"].endswith("-header"):
            mine.append(("X-Amz-Content-Sha256", payload))
    grouped: dict[str, list[str]] = {}
    for name, value in headers + mine:
        grouped.setdefault(name.lower(), []).append(_clean(value, bug))
    names = sorted(grouped)
    lines = [f"{name}:{','.join(grouped[name])}" for name in names]
    block = "\n".join(lines) + ("" if bug == "header_block_no_final_lf" else "\n")
    signed = ";".join(names)

    path, _, query = request["target"].partition("?")
    normalise = {"path_not_normalized": False, "path_normalized": True}.get(bug, inp["normalize_path"])
    if normalise:
        path = _normalise(path)
    single = {"single_encoding": True, "double_encoding": False}.get(bug, inp["uri_encoding"] == "single")
    uri = quote(unquote_to_bytes(path), safe="/") if single else quote(path.encode(), safe="/")

    params: list[tuple[str, str]] = []
    if query_mode:
        params = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", f"{creds['access_key_id']}/{scope}"),
                  ("X-Amz-Date", stamp), ("X-Amz-Expires", str(inp["expires"])), ("X-Amz-SignedHeaders", signed)]  # fmt: skip
        if token_signed:
            params.append(("X-Amz-Security-Token", token))
    pieces = [p.partition("=") for p in query.split("&") if p]
    if bug == "query_verbatim":
        pairs = [(n, v) for n, _, v in pieces] + [(quote(n, safe=""), quote(v, safe="")) for n, v in params]
    else:
        decoded = [(unquote_to_bytes(n), unquote_to_bytes(v)) for n, _, v in pieces]
        decoded += [(n.encode(), v.encode()) for n, v in params]
        pairs = [(quote(n, safe=""), quote(v, safe="")) for n, v in decoded]
    if bug != "query_unsorted":
        pairs.sort()
    canonical = "\n".join([request["method"], uri, "&".join(f"{n}={v}" for n, v in pairs), block, signed, payload])
    sts = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, _sha(canonical.encode())])

    key = (("" if bug == "secret_without_aws4_prefix" else "AWS4") + creds["secret_access_key"]).encode()
    for part in (day, region, service, "aws4_request"):
        step = hmac.new(key, part.encode(), hashlib.sha256)
        key = step.hexdigest().encode() if bug == "signing_key_hex" else step.digest()
    mac = hmac.new(key, sts.encode(), hashlib.sha256).digest()
    signature = {"uppercase_hex": mac.hex().upper(), "base64_of_the_mac": base64.b64encode(mac).decode()}.get(
        bug, mac.hex()
    )

    if query_mode:
        added = [*params, *([("X-Amz-Security-Token", token)] if token and not token_signed else [])]
        added.append(("X-Amz-Signature", signature))
    else:
        added = [*mine, *([("X-Amz-Security-Token", token)] if token and not token_signed else [])]
        authorization = f"AWS4-HMAC-SHA256 Credential={creds['access_key_id']}/{scope}, SignedHeaders={signed}"
        added.append(("Authorization", f"{authorization}, Signature={signature}"))
    return {"canonical_request": canonical, "string_to_sign": sts, "signature": signature,
            "added": [list(pair) for pair in added]}  # fmt: skip


class Signer:
    """A signer with one bug; ``hello()`` and ``run_case()`` as the in-process adapter expects."""

    def __init__(self, bug: str) -> None:
        self.bug = bug

    def hello(self) -> dict[str, Any]:
        return {
            "implementation": {"name": f"sigv4-mistake-{self.bug}", "version": "0", "language": "python"},
            "supports": {
                "sigv4": {"operations": ["canonical-request", "string-to-sign", "sign"], "features": FEATURES}
            },
        }

    def run_case(self, scheme: str, operation: str, inp: dict[str, Any]) -> dict[str, Any]:
        out = sign(inp, self.bug)
        if "refused" in out:
            return out
        if operation == "sign":  # like most SDKs: the signature and the request, no intermediates
            return {"signature": out["signature"], "added": out["added"]}
        field = operation.replace("-", "_")
        return {field: out[field]}


def __getattr__(name: str) -> Signer:
    if name.startswith("__"):
        raise AttributeError(name)
    return Signer(name)
