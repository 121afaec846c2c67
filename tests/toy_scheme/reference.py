"""The toy scheme's reference (standard library)."""

from __future__ import annotations

import hmac
import re
from typing import Any

TAG = re.compile(r"[0-9a-f]{64}")


def tag(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), "sha256").hexdigest()


def run_case(operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    if operation == "tag":
        return {"tag": tag(input["key"], input["text"])}
    if not TAG.fullmatch(input["tag"]):
        return {"valid": False, "reason": "malformed-tag"}
    if not hmac.compare_digest(input["tag"], tag(input["key"], input["text"])):
        return {"valid": False, "reason": "tag-mismatch"}
    return {"valid": True}
