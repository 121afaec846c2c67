"""A misbehaving implementation for the fault-injection tests: correct answers (from the reference) except
that cases whose id matches GLOB trigger FAULT. Speaks both protocol modes.

usage: faulty.py FAULT GLOB MARKER   (MARKER only makes the processes findable with ps)
"""

from __future__ import annotations

import base64
import fnmatch
import json
import os
import subprocess
import sys
import time

from hmac_conformance import _protocol as protocol
from hmac_conformance import _reference as reference
from hmac_conformance._model import to_wire

FAULT, GLOB = sys.argv[1], sys.argv[2]
out = sys.stdout


def say(message: object) -> None:
    out.write(message if isinstance(message, str) else json.dumps(message) + "\n")
    out.flush()


BYTE_FIELDS = {"key", "message", "tag", "secret", "body"}


def decode(value: object, name: str = "") -> object:
    if isinstance(value, dict):
        return {k: decode(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v, name) for v in value]
    return base64.b64decode(value) if name in BYTE_FIELDS and isinstance(value, str) else value


def answer(case: dict) -> dict:
    inp = decode(case["input"])
    if case["operation"] == "verify":
        inp["request"]["headers"] = [tuple(h) for h in inp["request"]["headers"]]
    output = to_wire(reference.run_case(case["scheme"], case["operation"], inp))
    return {"type": "result", "seq": case["seq"], "output": output}


if FAULT == "exit-at-start":
    sys.exit(3)
if FAULT == "banner":
    say("adapter v1.2 starting...\n")
if FAULT == "spawn-grandchild":
    subprocess.Popen(["sleep", "300", sys.argv[3]])  # must be killed with the adapter

held: dict | None = None
for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "stop":
        break
    if message["type"] == "hello":
        if FAULT == "no-hello":
            time.sleep(300)
        hello = reference.hello()
        hello["implementation"] = {"name": f"faulty-{FAULT}", "version": "0", "language": "python"}
        say({"type": "hello", "protocol": protocol.VERSION, **hello})
        continue
    if not fnmatch.fnmatchcase(message["id"], GLOB):
        say(answer(message))
        if held is not None:  # out-of-order: the held answer goes after a later one
            say(held)
            held = None
        continue
    result = answer(message)
    if FAULT == "hang":
        time.sleep(300)
    elif FAULT == "late":
        time.sleep(float(os.environ.get("FAULT_DELAY", "2")))
        say(result)
    elif FAULT == "crash":
        os._exit(7)
    elif FAULT == "non-json":
        say("this is not json\n")
    elif FAULT == "wrong-id":
        say({**result, "seq": result["seq"] + 100000})
    elif FAULT == "twice":
        say(result)
        say(result)
    elif FAULT == "out-of-order":
        held = result
    elif FAULT == "huge-line":
        chunk = "x" * (1 << 20)
        out.write('{"type":"result","seq":' + str(result["seq"]) + ',"output":{"tag":"')
        for _ in range(100):
            out.write(chunk)
        say('"}}\n')
    elif FAULT == "stderr-flood":
        block = "noise " * 10000 + "\n"
        for _ in range(1000):  # about 60 MB
            sys.stderr.write(block)
        sys.stderr.flush()
        say(result)
    elif FAULT == "close-stdout":
        out.close()
        os.close(1)
        time.sleep(300)
    elif FAULT == "wrong-types":
        say({**result, "output": {k: 12345 for k in result["output"]}})
    elif FAULT == "schema-invalid":
        say({"type": "result", "sequence": result["seq"], "output": result["output"]})
    elif FAULT == "leak-key":  # an implementation that logs its key, then answers wrongly
        key = base64.b64decode(message["input"]["key"])
        sys.stderr.write(f"debug: key={key.hex()} b64={message['input']['key']}\n")
        sys.stderr.flush()
        say(
            {
                **result,
                "output": {"tag": base64.b64encode(bytes(len(base64.b64decode(result["output"]["tag"])))).decode()},
            }
        )
    elif FAULT == "duplicate-key":  # a wrong tag, then the right one: a last-key-wins reader would pass it
        right = result["output"]["tag"]
        say(f'{{"type":"result","seq":{result["seq"]},"output":{{"tag":"AAAA","tag":"{right}"}}}}\n')
    elif FAULT == "nonzero-exit":
        say(result)
        sys.exit(1)
    else:
        say(result)
if held is not None:  # end of input (one-shot mode): nothing came after it
    say(held)
