"""Which hello ``supports.sigv4.features`` a vector needs (a vector needing an unlisted one is not sent).

Features (schema/supports.schema.json): ``query`` (presigned URLs), ``session-token``,
``unsigned-session-token`` (a token added after signing), ``single-encoding`` (S3 paths, SIGV4-8),
``no-normalize`` (no path normalisation), ``unsigned-payload`` (``UNSIGNED-PAYLOAD``), ``payload-header``
(``X-Amz-Content-Sha256``). Standard library only; used by the runner's selection and by ``lint.py``.
"""

from __future__ import annotations

from typing import Any

FEATURES = (
    "query",
    "session-token",
    "unsigned-session-token",
    "single-encoding",
    "no-normalize",
    "unsigned-payload",
    "payload-header",
)


def _lower(name: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)


def required(operation: str, input: dict[str, Any]) -> frozenset[str]:  # noqa: A002 - as run_case
    needed: set[str] = set()
    if input["uri_encoding"] == "single":
        needed.add("single-encoding")
    if not input["normalize_path"]:
        needed.add("no-normalize")
    if operation == "verify":
        request = input["request"]
        names = [_lower(n) for n, _ in request["headers"]]
        query = request["target"].partition("?")[2]
        params = [piece.partition("=")[0] for piece in query.split("&") if piece]
        presigned = "X-Amz-Algorithm" in params
        if presigned:
            needed.add("query")
            if input["presigned_payload"] == "unsigned" and "x-amz-content-sha256" not in names:
                needed.add("unsigned-payload")
        if "x-amz-content-sha256" in names:
            needed.add("payload-header")
            values = [v.strip(" \t") for n, v in request["headers"] if _lower(n) == "x-amz-content-sha256"]
            if "UNSIGNED-PAYLOAD" in values:
                needed.add("unsigned-payload")
        if "x-amz-security-token" in names or "X-Amz-Security-Token" in params:
            needed.add("session-token")
            if "x-amz-security-token" in names and not presigned:
                auth = " ".join(v for n, v in request["headers"] if _lower(n) == "authorization")
                signed = auth.partition("SignedHeaders=")[2].partition(",")[0].split(";")
                if "x-amz-security-token" not in signed:
                    needed.add("unsigned-session-token")
        return frozenset(needed)
    if input["mode"] == "query":
        needed.add("query")
    if "session_token" in input["credentials"]:
        needed.add("session-token")
        if input.get("session_token") == "unsigned":
            needed.add("unsigned-session-token")
    if input["payload"] in ("unsigned", "unsigned-header"):
        needed.add("unsigned-payload")
    if input["payload"] in ("hash-header", "unsigned-header"):
        needed.add("payload-header")
    return frozenset(needed)
