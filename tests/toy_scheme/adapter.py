"""A toy-scheme implementation speaking protocol v1 in both modes (standard library only). With argv[1] ==
"upper" it writes tags in upper case: a one-bug implementation for the plug-in tests."""

import base64
import hmac
import json
import sys

UPPER = sys.argv[1:] == ["upper"]


def answer(case):
    inp = case["input"]
    tag = hmac.new(base64.b64decode(inp["key"]), inp["text"].encode(), "sha256").hexdigest()
    if case["operation"] == "tag":
        return {"tag": tag.upper() if UPPER else tag}
    if len(inp["tag"]) != 64 or any(c not in "0123456789abcdef" for c in inp["tag"]):
        return {"valid": False, "reason": "malformed-tag"}
    return {"valid": True} if hmac.compare_digest(inp["tag"], tag) else {"valid": False, "reason": "tag-mismatch"}


for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "hello":
        supports = {"toy": {"operations": ["tag", "check"], "features": []}}  # no non-ASCII text: unsupported
        implementation = {"name": "toy-adapter", "version": "1", "language": "python"}
        reply = {"type": "hello", "protocol": 1, "implementation": implementation, "supports": supports}
    elif message["type"] == "stop":
        break
    else:
        reply = {"type": "result", "seq": message["seq"], "output": answer(message)}
    print(json.dumps(reply), flush=True)
