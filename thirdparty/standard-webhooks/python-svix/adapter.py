"""hmac-conformance adapter (protocol v1) for the PyPI package `svix` (its `Webhook` class).

One loop serves both modes (jsonl: persistent, cmd: one-shot); see README.md. Only `sign` is offered:
the library's `verify` always reads the system clock, so no verify vector can be run against it.
"""

import base64
import json
import re
import sys
from datetime import datetime, timezone
from importlib.metadata import version

from svix.webhooks import Webhook

LIBRARY = "svix"
INTEGER_TEXT = re.compile(r"-?[0-9]+")


class Inexpressible(Exception):
    """The case's input has no exact counterpart in the library's parameter types."""


def timestamp_value(text: str) -> datetime:
    # sign() takes a datetime and writes it back as decimal seconds; passing anything but the exact
    # decimal text of an integer would let this adapter, not the library, decide what gets signed.
    # The length bound keeps int() within its digit limit; no datetime holds that many seconds anyway.
    seconds = int(text) if INTEGER_TEXT.fullmatch(text) and len(text) <= 20 else None
    if seconds is None or str(seconds) != text:
        raise Inexpressible(f"sign() takes a datetime; {text!r} is not the decimal text of an integer")
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError) as exc:
        raise Inexpressible(f"sign() takes a datetime, which cannot hold {text}: {exc}") from None


def payload_text(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise Inexpressible("sign() takes the payload as str; these bytes are not UTF-8") from None


def sign(inp: dict) -> dict:
    try:
        webhook = Webhook(inp["secret"])
    except Exception as exc:  # noqa: BLE001 - any constructor exception is the library rejecting the secret
        print(f"Webhook(secret) raised {type(exc).__name__}: {exc}", file=sys.stderr)
        return {"refused": "malformed-secret"}
    when = timestamp_value(inp["timestamp"])
    payload = payload_text(base64.b64decode(inp["payload"], validate=True))
    return {"signature": webhook.sign(inp["msg_id"], when, payload)}


def answer(case: dict) -> dict:
    result = {"type": "result", "seq": case.get("seq", 0)}
    try:
        if case.get("scheme") != "standard-webhooks" or case.get("operation") != "sign":
            result["skip"] = {"reason": f"{LIBRARY} has no verify that can be given the case's clock"}
        else:
            result["output"] = sign(case["input"])
    except Inexpressible as exc:
        result["skip"] = {"reason": str(exc)}
    except Exception as exc:  # noqa: BLE001 - anything else is this adapter's failure, reported as such
        print(f"case {case.get('id')}: {exc!r}", file=sys.stderr)
        result["error"] = {"message": f"{type(exc).__name__}: {exc}"[:10000]}
    return result


def hello() -> dict:
    return {
        "type": "hello",
        "protocol": 1,
        "implementation": {
            "name": LIBRARY,
            "version": version(LIBRARY),
            "language": "python",
            "homepage": "https://pypi.org/project/svix/",
        },
        "supports": {"standard-webhooks": {"operations": ["sign"], "features": []}},
    }


def main() -> int:
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError as exc:
            print(f"ignoring a line that is not JSON: {exc}", file=sys.stderr)
            continue
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "hello":
            reply = hello()
        elif kind == "case":
            reply = answer(message)
        elif kind == "stop":
            break
        else:
            print(f"ignoring message of type {kind!r}", file=sys.stderr)
            continue
        sys.stdout.write(json.dumps(reply, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
