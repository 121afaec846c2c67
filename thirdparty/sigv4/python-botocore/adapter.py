"""hmac-conformance adapter (protocol v1, `sigv4` scheme) for botocore's Signature Version 4 signers.

One loop serves both modes: it answers `hello` and `case` lines and stops at `stop` or end of input.
Run: thirdparty/sigv4/python-botocore/.venv/bin/python thirdparty/sigv4/python-botocore/adapter.py
"""

import base64
import json
import sys
from importlib.metadata import version
from urllib.parse import unquote

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

# Each signer class fixes the path handling and the payload modes it can produce; a case asking for any
# other combination is skipped (see README.md).
SIGNERS = {
    # (mode, uri_encoding, normalize_path): (class, payloads it expresses)
    ("header", "double", True): (SigV4Auth, {"hash", "unsigned-header"}),
    ("header", "single", False): (S3SigV4Auth, {"hash-header", "unsigned-header"}),
    ("query", "double", True): (SigV4QueryAuth, {"hash", "unsigned"}),
    ("query", "single", False): (S3SigV4QueryAuth, {"unsigned"}),
}
HELLO = {
    "type": "hello",
    "protocol": 1,
    "implementation": {
        "name": "botocore",
        "version": version("botocore"),
        "language": "python",
        "homepage": "https://pypi.org/project/botocore/",
    },
    "supports": {
        "sigv4": {
            "operations": ["canonical-request", "string-to-sign", "sign"],
            "features": [
                "query",
                "session-token",
                "single-encoding",
                "no-normalize",
                "unsigned-payload",
                "payload-header",
            ],
        }
    },
}


class Unsupported(Exception):
    pass


def query_pairs(url):
    query = url.partition("?")[2]
    return [tuple(unquote(part) for part in piece.partition("=")[::2]) for piece in query.split("&") if piece]


def sign(inp):
    request_in, creds = inp["request"], inp["credentials"]
    key = (inp["mode"], inp["uri_encoding"], inp["normalize_path"])
    if key not in SIGNERS:
        raise Unsupported(
            "botocore's signers normalise and double-encode (generic) or do neither (S3); "
            f"uri_encoding={key[1]} with normalize_path={key[2]} is not one of them"
        )
    cls, payloads = SIGNERS[key]
    if inp["payload"] not in payloads:
        raise Unsupported(f"{cls.__name__} cannot sign with payload={inp['payload']}")
    if inp.get("session_token") == "unsigned":
        raise Unsupported("botocore always signs the session token")

    credentials = Credentials(creds["access_key_id"], creds["secret_access_key"], creds.get("session_token"))
    args = (credentials, inp["service"], inp["region"])
    signer = cls(*args, expires=inp["expires"]) if inp["mode"] == "query" else cls(*args)

    host = next(value for name, value in request_in["headers"] if name.lower() == "host")
    request = AWSRequest(
        method=request_in["method"],
        url=f"https://{host}{request_in['target']}",
        data=base64.b64decode(request_in["body"]),
    )
    for name, value in request_in["headers"]:
        request.headers[name] = value  # an HTTPMessage appends: repeats stay, in order
    # The signing time goes where add_auth() puts the clock's reading; the payload switches are the
    # documented ones (request context for the generic signers, the S3 client config for S3).
    request.context["timestamp"] = inp["time"]
    if inp["payload"] in ("unsigned", "unsigned-header") and cls is S3SigV4Auth:
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    elif inp["payload"] in ("unsigned", "unsigned-header"):
        request.context["payload_signing_enabled"] = False
    headers_before = list(request.headers.items())
    url_before = request.url

    # add_auth() without its clock read: the library's own steps, in add_auth()'s order.
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    signature = signer.signature(string_to_sign, request)
    signer._inject_signature_to_request(request, signature)

    if inp["mode"] == "header":
        added = list(request.headers.items())
        for pair in headers_before:
            added.remove(pair)
    else:
        added = query_pairs(request.url)
        for pair in query_pairs(url_before):
            if pair in added:
                added.remove(pair)
    return {
        "signature": signature,
        "added": [list(p) for p in added],
        "canonical_request": canonical,
        "string_to_sign": string_to_sign,
    }


def answer(message):
    seq = message["seq"]
    try:
        result = sign(message["input"])
    except Unsupported as exc:
        return {"type": "result", "seq": seq, "skip": {"reason": str(exc)}}
    except Exception as exc:  # noqa: BLE001 - the library's own error, reported as an adapter error
        return {"type": "result", "seq": seq, "error": {"message": f"{type(exc).__name__}: {exc}"[:10000]}}
    operation = message["operation"]
    if operation == "canonical-request":
        result = {"canonical_request": result["canonical_request"]}
    elif operation == "string-to-sign":
        result = {"string_to_sign": result["string_to_sign"]}
    return {"type": "result", "seq": seq, "output": result}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if message.get("type") == "hello":
            reply = HELLO
        elif message.get("type") == "case":
            reply = answer(message)
        else:
            break
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
