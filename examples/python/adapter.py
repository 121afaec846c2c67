"""hmac-conformance adapter for the model Python SDK in sdk.py (protocol version 1).

One program for both protocol modes, standard library only, Python >= 3.10:

    python examples/python/adapter.py

- persistent: hmac-conformance run --impl 'jsonl:python examples/python/adapter.py'
- one-shot:   hmac-conformance run --impl 'cmd:python examples/python/adapter.py'

It reads JSON messages line by line from stdin and answers each on stdout: ``hello``
gets the hello response, ``case`` gets one ``result``, ``stop`` or end of input ends
the program with status 0. In one-shot mode the runner sends one case and closes
stdin, so the same loop answers it and exits. Diagnostics go to stderr only.
See docs/protocol.md.
"""

import base64
import json
import sys
from typing import Any

import sdk

NAME, VERSION = "python-stdlib-example", "1.0.0"


def b64(data: bytes) -> str:
    """Encode bytes for the wire (standard Base64, padded)."""
    return base64.b64encode(data).decode("ascii")


def hello() -> dict[str, Any]:
    """The hello response: declare only the algorithms this Python's hashlib provides."""
    algorithms = [a for a in sdk.HASHLIB_NAMES if sdk.is_available(a)]
    return {
        "type": "hello",
        "protocol": 1,
        "implementation": {"name": NAME, "version": VERSION, "language": "python"},
        "supports": {
            "hmac": {"operations": ["mac", "mac-verify"], "algorithms": algorithms},
            "firstvision": {
                "operations": ["sign", "verify"],
                "algorithms": [a for a in sdk.FIRSTVISION_ALGORITHMS if a in algorithms],
                "legacy_hex_base64": True,
            },
        },
    }


def decision(verdict: sdk.Verdict) -> dict[str, Any]:
    """Output of mac-verify and verify: valid, plus the reason code when rejected."""
    if verdict.valid:
        return {"valid": True}
    return {"valid": False, "reason": verdict.reason}


def run_case(operation: str, inp: dict[str, Any]) -> dict[str, Any]:
    """Run one case's input through the SDK and return the ``output`` object."""
    if operation == "mac":
        tag = sdk.mac(
            inp["algorithm"],
            sdk.strict_b64decode(inp["key"]),
            sdk.strict_b64decode(inp["message"]),
            inp["tag_length"],
        )
        return {"tag": b64(tag)}
    if operation == "mac-verify":
        return decision(
            sdk.mac_verify(
                inp["algorithm"],
                sdk.strict_b64decode(inp["key"]),
                sdk.strict_b64decode(inp["message"]),
                sdk.strict_b64decode(inp["tag"]),
                inp["tag_length"],
            )
        )
    if operation == "sign":
        if inp["signature_encoding"] not in ("base64", "legacy-hex-base64"):
            raise ValueError(f"unknown signature_encoding {inp['signature_encoding']!r}")
        try:
            signed = sdk.sign(
                sdk.strict_b64decode(inp["secret"]),
                inp["api_key"],
                inp["client_request_id"],
                inp["timestamp"],
                sdk.strict_b64decode(inp["body"]),
                inp["algorithm"],
                legacy_hex_base64=inp["signature_encoding"] == "legacy-hex-base64",
            )
        except sdk.Refused as refusal:  # FV-17: a refusal is an answer, not an adapter error
            return {"refused": refusal.reason}
        return {
            "signature": signed.signature,
            "string_to_sign": b64(signed.string_to_sign),
            "headers": signed.headers,
        }
    if operation == "verify":
        request = inp["request"]
        keys: dict[str, sdk.Key] = {}
        for entry in inp["keys"]:
            keys.setdefault(
                entry["api_key"],
                sdk.Key(sdk.strict_b64decode(entry["secret"]), entry["algorithm"]),
            )
        return decision(
            sdk.verify(
                [(name, value) for name, value in request["headers"]],
                sdk.strict_b64decode(request["body"]),
                keys,
                inp["now_ms"],
                inp["window_ms"],
                set(inp["seen_request_ids"]),
                inp["legacy_hex_base64"],
            )
        )
    raise ValueError(f"unknown operation {operation!r}")


def answer(case: dict[str, Any]) -> dict[str, Any]:
    """Build the ``result`` message for one case: output, skip or error -- never a crash."""
    result: dict[str, Any] = {"type": "result", "seq": case.get("seq", 0)}
    try:
        operation, inp = case["operation"], case["input"]
        algorithm = inp.get("algorithm")
        if algorithm in sdk.HASHLIB_NAMES and not sdk.is_available(algorithm):
            # Only reached in one-shot mode: persistent mode declared it in hello.
            result["skip"] = {"reason": f"{algorithm} is not available in this Python's hashlib"}
        else:
            result["output"] = run_case(operation, inp)
    except Exception as exc:  # noqa: BLE001 -- report any failure as an adapter error
        print(f"case {case.get('id')}: {exc!r}", file=sys.stderr)
        result["error"] = {"message": f"{type(exc).__name__}: {exc}"[:10000]}
    return result


def send(message: dict[str, Any]) -> None:
    """Write one message as one JSON line (ASCII-only) and flush."""
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main() -> int:
    """The protocol loop shared by both modes."""
    for line in sys.stdin.buffer:  # bytes: JSON is UTF-8 whatever the locale
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError as exc:
            print(f"ignoring a line that is not JSON: {exc}", file=sys.stderr)
            continue
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "hello":
            send(hello())
        elif kind == "case":
            send(answer(message))
        elif kind == "stop":
            break
        else:
            print(f"ignoring message of type {kind!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
