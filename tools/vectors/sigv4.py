"""Write the ``sigv4`` vector files (``vectors/sigv4/*.yaml``) from the published AWS SigV4 test data and the
suite's own case definitions. A maintainer's tool, not part of the runner: it states how every vector was
made, and it is how a vector is added or changed — edit a case here, rerun, review the diff, run
``hmac-conformance validate``. Deterministic and rerunnable: the same inputs give the same bytes.

The published files are **not part of this repository** (their licences are their projects'). The script
reads an extracted copy of them, by default from ``/work/scratch/issue11/sigv4/`` (``--source DIR``):

- ``aws-c-auth/<case>/*`` — the raw files of ``awslabs/aws-c-auth`` ``tests/aws-signing-test-suite/v4``
  at ``495329c2`` (38 cases, header and query mode);
- ``botocore-cases.json`` — the ``boto/botocore`` copy of the older suite at ``0e6e2404``, from which the
  three cases aws-c-auth lacks and the two older form-body variants are imported; each text is checked against
  the SHA-256 the extraction recorded for the raw file;
- ``smithy-rs/<case>/*`` and ``smithy-rs-extra-cases.json`` — two cases shipped in the ``aws-sigv4`` crate
  (``awslabs/aws-sdk-rust`` at ``c42d314c``); the JSON supplies the contexts reconstructed from the cases.

For every vector the expected value is computed by the scheme's reference, must equal what its independent
cross-check computes, must pass the scheme's lint, and — for published values — must equal the published
file byte for byte (canonical request, string to sign, signature, and the headers or parameters of the signed
request). Any disagreement stops the script before a file is written. Run it from the repository root with
the project installed (``pip install -e .``)::

    python tools/vectors/sigv4.py [--source DIR] [--out vectors/sigv4]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hmac_conformance.schemes.sigv4 import crosscheck, features, lint
from hmac_conformance.schemes.sigv4 import reference as R

ROOT = Path(__file__).resolve().parent.parent.parent

SINCE = "1.2.0"
DEFAULT_SOURCE = Path("/work/scratch/issue11/sigv4")
AWS_C_AUTH = ("awslabs/aws-c-auth", "tests/aws-signing-test-suite/v4", "495329c2433034bd8fd53fc6ba9e0202d3fac876")
BOTOCORE = ("boto/botocore", "tests/unit/auth/aws4_testsuite", "0e6e2404b85dc336dd2889814e089bde7d1a4c55")
SMITHY = ("awslabs/aws-sdk-rust", "sdk/aws-sigv4/aws-signing-test-suite/v4", "c42d314c972a95e7cfd9583eef5113a2e1d6dccb")

EXAMPLE = {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
EXAMPLE2 = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
HOST = "example.amazonaws.com"
T0 = "20150830T123600Z"


def fail(message: str) -> None:
    raise SystemExit(f"generate: {message}")


def rules(*numbers: int) -> list[str]:
    return [f"SIGV4-{n}" for n in sorted(set(numbers))]


# =============================================================================================== YAML out


def q(text: str) -> str:
    """A YAML double-quoted scalar; control characters and invisible Unicode as escapes."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x80:
            out.append(ch)
        elif unicodedata.category(ch)[0] in "CZ":
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def body_object(data: bytes) -> dict[str, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": data.hex()}
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text):
        return {"hex": data.hex()}
    return {"utf8": text}


def flow_bytes(obj: dict[str, str]) -> str:
    ((key, value),) = obj.items()
    return "{" + key + ": " + q(value) + "}"


def flow_pair(pair: list[str]) -> str:
    return "[" + q(pair[0]) + ", " + q(pair[1]) + "]"


def flow_map(obj: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in obj.items()) + "}"


ENUM_WORDS = {"header", "query", "double", "single", "hash", "hash-header", "unsigned", "unsigned-header", "signed"}


def scalar(value: Any, key: str = "") -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if key in ("mode", "uri_encoding", "payload", "session_token", "presigned_payload") and value in ENUM_WORDS:
            return value
        return q(value)
    raise TypeError(type(value))


def emit_request(lines: list[str], request: dict[str, Any], indent: str) -> None:
    lines.append(f"{indent}request:")
    lines.append(f"{indent}  method: {q(request['method'])}")
    lines.append(f"{indent}  target: {q(request['target'])}")
    if request["headers"]:
        lines.append(f"{indent}  headers:")
        for pair in request["headers"]:
            lines.append(f"{indent}    - {flow_pair(pair)}")
    else:
        lines.append(f"{indent}  headers: []")
    lines.append(f"{indent}  body: {flow_bytes(request['body'])}")


def emit_vector(v: dict[str, Any]) -> list[str]:
    lines = [
        f"  - id: {v['id']}",
        f"    description: {q(v['description'])}",
        f"    operation: {v['operation']}",
        f"    rules: [{', '.join(v['rules'])}]",
        f"    tags: [{', '.join(v['tags'])}]",
        f"    since: {q(v['since'])}",
        f"    source: {q(v['source'])}",
        "    input:",
    ]
    inp = v["input"]
    for key, value in inp.items():
        if key == "request":
            emit_request(lines, value, "      ")
        elif key == "credentials" and isinstance(value, list):
            lines.append("      credentials:")
            for entry in value:
                lines.append(f"        - {flow_map(entry)}")
        elif key == "credentials":
            lines.append(f"      credentials: {flow_map(value)}")
        else:
            lines.append(f"      {key}: {scalar(value, key)}")
    exp = v["expected"]
    if v["operation"] == "verify" or "refused" in exp:
        lines.append(
            "    expected: {"
            + ", ".join(f"{k}: {scalar(x) if k not in {'reason', 'refused'} else x}" for k, x in exp.items())
            + "}"
        )
    else:
        lines.append("    expected:")
        for key, value in exp.items():
            if key == "added":
                lines.append("      added:")
                for pair in value:
                    lines.append(f"        - {flow_pair(pair)}")
            else:
                lines.append(f"      {key}: {q(value)}")
    return lines


def write_file(path: Path, description: str, vectors: list[dict[str, Any]]) -> str:
    out = [
        "# hmac-conformance test vectors. Format: docs/vector-format.md. Spec: docs/spec/sigv4.md.",
        "# Written by tools/vectors/sigv4.py; do not edit by hand.",
        "format: 1",
        "scheme: sigv4",
        f"description: {q(description)}",
        "vectors:",
    ]
    for v in vectors:
        out.append("")
        out.extend(emit_vector(v))
    text = "\n".join(out) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


# ======================================================================================== case plumbing


def materialise(inp: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a vector input with the body as bytes (what run_case takes)."""
    data = json.loads(json.dumps(inp))
    body = data["request"]["body"]
    data["request"]["body"] = bytes.fromhex(body["hex"]) if "hex" in body else body["utf8"].encode("utf-8")
    return data


def signing_input(
    method: str,
    target: str,
    headers: list[list[str]],
    body: bytes = b"",
    *,
    creds: dict[str, str] | None = None,
    region: str = "us-east-1",
    service: str = "service",
    time: str = T0,
    mode: str = "header",
    expires: int = 3600,
    uri_encoding: str = "double",
    normalize_path: bool = True,
    payload: str = "hash",
    session_token: str | None = None,
) -> dict[str, Any]:
    inp: dict[str, Any] = {
        "request": {
            "method": method,
            "target": target,
            "headers": [list(h) for h in headers],
            "body": body_object(body),
        },
        "credentials": dict(creds or EXAMPLE),
        "region": region,
        "service": service,
        "time": time,
        "mode": mode,
    }
    if mode == "query":
        inp["expires"] = expires
    inp["uri_encoding"] = uri_encoding
    inp["normalize_path"] = normalize_path
    inp["payload"] = payload
    if "session_token" in inp["credentials"]:
        inp["session_token"] = session_token or "signed"
    return inp


def feature_tags(operation: str, inp: dict[str, Any]) -> list[str]:
    return sorted(features.required(operation, materialise(inp)))


OP_RULES = {
    "canonical-request": (3,),
    "string-to-sign": (1, 3, 16, 17, 18),
    "sign": (1, 3, 16, 17, 18, 19, 20),
}
OP_WORDS = {"canonical-request": "canonical request", "string-to-sign": "string to sign", "sign": "signature"}


def op_rules(operation: str, inp: dict[str, Any], topic: tuple[int, ...]) -> list[str]:
    numbers = set(topic) | set(OP_RULES[operation])
    if inp["mode"] == "query":
        numbers |= {24}
        if operation == "sign":
            numbers |= {25}
    else:
        numbers |= {22}
        if operation == "sign":
            numbers |= {21}
    if "session_token" in inp["credentials"]:
        numbers |= {23}
    return rules(*numbers)


def compute(operation: str, inp: dict[str, Any]) -> dict[str, Any]:
    data = materialise(inp)
    ours = R.run_case(operation, data)
    theirs = crosscheck.run_case(operation, data)
    if ours != theirs:
        fail(f"reference and cross-check disagree on {operation}: {ours!r} vs {theirs!r}")
    return ours


@dataclass
class Vector:
    id: str
    description: str
    operation: str
    rules: list[str]
    tags: list[str]
    source: str
    input: dict[str, Any]
    expected: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "operation": self.operation,
            "rules": self.rules,
            "tags": self.tags,
            "since": SINCE,
            "source": self.source,
            "input": self.input,
            "expected": self.expected,
        }


def tag_list(*groups: Any) -> list[str]:
    seen: list[str] = []
    for group in groups:
        for tag in group:
            if tag not in seen:
                seen.append(tag)
    return seen


def signing_vectors(
    base_id: str,
    description: str,
    inp: dict[str, Any],
    topic: tuple[int, ...],
    tags: list[str],
    source: str,
    operations: tuple[str, ...] = ("canonical-request", "string-to-sign", "sign"),
    extra_tags: Callable[[str], list[str]] | None = None,
    source_of: Callable[[str], str] | None = None,
) -> list[Vector]:
    out = []
    mode = inp["mode"]
    for op in operations:
        expected = compute(op, inp)
        what = "refusal" if "refused" in expected else OP_WORDS[op]
        desc = f"{description} [{mode} mode, {what}]"
        if len(desc) > 200:
            fail(f"description too long ({len(desc)}): {desc}")
        vtags = tag_list(tags, (extra_tags(op) if extra_tags else []), feature_tags(op, inp))
        out.append(
            Vector(
                id=f"{base_id}/{mode}/{op}",
                description=desc,
                operation=op,
                rules=op_rules(op, inp, topic) if "refused" not in expected else rules(24, 25),
                tags=vtags,
                source=source_of(op) if source_of else source,
                input=inp,
                expected=expected,
            )
        )
    return out


# ===================================================================================== published: parsing


def parse_http(raw: str) -> tuple[str, str, list[list[str]], str]:
    """request.txt the way the aws-c-auth harness reads it: request line, headers (an indented line continues
    the previous header: LF kept), an empty line, the body (everything after it)."""
    lines = raw.split("\n")
    method, _, rest = lines[0].partition(" ")
    target = rest[: -len(" HTTP/1.1")] if rest.endswith(" HTTP/1.1") else rest
    headers: list[list[str]] = []
    i = 1
    while i < len(lines) and lines[i] != "":
        line = lines[i]
        if line[0] in " \t":
            headers[-1][1] += "\n" + line
        else:
            name, _, value = line.partition(":")
            headers.append([name, value])
        i += 1
    body = "\n".join(lines[i + 1 :]) if i + 1 < len(lines) else ""
    return method, target, headers, body


def header_multiset(pairs: list[list[str]] | list[tuple[str, str]]) -> Counter:
    return Counter((n.lower(), v.strip(" \t")) for n, v in pairs)


def check_added_header_mode(case: str, inp: dict[str, Any], added: list[list[str]], signed_raw: str) -> None:
    """The published signed request's headers are exactly the input's plus the ones the signer adds."""
    _, _, published_headers, _ = parse_http(signed_raw)
    mine = header_multiset(inp["request"]["headers"]) + header_multiset(added)
    theirs = header_multiset(published_headers)
    if mine != theirs:
        fail(
            f"{case}: signed-request headers differ: ours {sorted(mine.elements())} published {sorted(theirs.elements())}"
        )


def check_added_query_mode(case: str, inp: dict[str, Any], added: list[list[str]], signed_raw: str) -> None:
    """The published presigned target is the input's target plus the added parameters (decoded)."""
    _, published_target, published_headers, _ = parse_http(signed_raw)
    original = inp["request"]["target"]
    sep = "&" if "?" in original else "?"
    if not published_target.startswith(original + sep):
        fail(f"{case}: presigned target does not extend the request's: {published_target!r}")
    tail = published_target[len(original) + 1 :].encode("utf-8")
    theirs = Counter((n.decode("utf-8"), v.decode("utf-8")) for n, v in R.parse_query(tail))
    mine = Counter((n, v) for n, v in added)
    if mine != theirs:
        fail(
            f"{case}: presigned parameters differ: ours {sorted(mine.elements())} published {sorted(theirs.elements())}"
        )
    if header_multiset(published_headers) != header_multiset(inp["request"]["headers"]):
        fail(f"{case}: presigned request headers changed")


def expect_equal(case: str, what: str, ours: str, published: str) -> None:
    if ours.encode("utf-8") != published.encode("utf-8"):
        fail(f"{case}: {what} differs from the published file:\n ours      {ours!r}\n published {published!r}")


def short(commit: str) -> str:
    return commit[:8]


# ===================================================================================== published: cases

AWS_CASES: dict[str, tuple[str, tuple[int, ...], list[str]]] = {
    "get-header-key-duplicate": (
        "A header sent three times: values joined with ',' in received order, duplicates kept",
        (12,),
        ["repeated-header"],
    ),
    "get-header-value-multiline": (
        "An obsolete line fold (value continued on indented lines) becomes single spaces",
        (2, 10, 11),
        ["obs-fold", "header-value"],
    ),
    "get-header-value-order": (
        "Repeated header values keep their received order (value4,value1,value3,value2), not sorted",
        (12,),
        ["repeated-header"],
    ),
    "get-header-value-trim": (
        "Header values trimmed and inner runs of spaces folded; quotes kept",
        (10,),
        ["header-value", "whitespace"],
    ),
    "get-relative-normalized": ("'/example/..' normalises to '/'", (6, 7), ["normalize", "dot-segments"]),
    "get-relative-relative-normalized": (
        "'/example1/example2/../..' normalises to '/'",
        (6, 7),
        ["normalize", "dot-segments"],
    ),
    "get-relative-relative-unnormalized": (
        "Without normalisation '/example1/example2/../..' is signed as it is",
        (7, 8),
        ["normalize", "dot-segments"],
    ),
    "get-relative-unnormalized": (
        "Without normalisation '/example/..' is signed as it is",
        (7, 8),
        ["normalize", "dot-segments"],
    ),
    "get-slash-dot-slash-normalized": ("'/./' normalises to '/'", (6, 7), ["normalize", "dot-segments"]),
    "get-slash-dot-slash-unnormalized": (
        "Without normalisation '/./' is signed as it is",
        (7, 8),
        ["normalize", "dot-segments"],
    ),
    "get-slash-normalized": ("'//' normalises to '/'", (6, 7), ["normalize", "slashes"]),
    "get-slash-pointless-dot-normalized": (
        "'/./example' normalises to '/example'",
        (6, 7),
        ["normalize", "dot-segments"],
    ),
    "get-slash-pointless-dot-unnormalized": (
        "Without normalisation '/./example' is signed as it is",
        (7, 8),
        ["normalize", "dot-segments"],
    ),
    "get-slash-unnormalized": ("Without normalisation '//' is signed as it is", (7, 8), ["normalize", "slashes"]),
    "get-slashes-normalized": (
        "'//example//' normalises to '/example/': repeated slashes merged, final slash kept",
        (6, 7),
        ["normalize", "slashes"],
    ),
    "get-slashes-unnormalized": (
        "Without normalisation '//example//' is signed as it is",
        (7, 8),
        ["normalize", "slashes"],
    ),
    "get-space-normalized": (
        "A space in the path is %20, never '+' (normalisation changes nothing here)",
        (2, 5, 7),
        ["uri-encoding", "space"],
    ),
    "get-space-unnormalized": (
        "A space in the path is %20, never '+', also without normalisation",
        (2, 5, 7),
        ["uri-encoding", "space"],
    ),
    "get-unreserved": (
        "Unreserved characters -._~, digits and letters in the path stay unencoded",
        (5, 7),
        ["uri-encoding", "unreserved"],
    ),
    "get-utf8": (
        "A non-ASCII path character is percent-encoded byte by byte from UTF-8 (%E1%88%B4)",
        (2, 5, 7),
        ["uri-encoding", "utf8"],
    ),
    "get-vanilla": (
        "The plain GET: host and x-amz-date signed, empty query, hash of the empty body",
        (4, 13, 14, 15),
        ["vanilla"],
    ),
    "get-vanilla-empty-query-key": (
        "A one-parameter query (the published name promises an empty key; the request has none)",
        (9,),
        ["query-string", "misnamed"],
    ),
    "get-vanilla-query": (
        "A GET without a query (the published name promises one; identical to get-vanilla)",
        (9,),
        ["query-string", "misnamed"],
    ),
    "get-vanilla-query-order-encoded": (
        "Query sorted by encoded name bytes: %E1%88%B4 before Param before Param-3",
        (9,),
        ["query-string", "query-order", "utf8"],
    ),
    "get-vanilla-query-order-key-case": (
        "Query sorted by name: Param1 before Param2 whatever the wire order",
        (9,),
        ["query-string", "query-order"],
    ),
    "get-vanilla-query-unreserved": (
        "Unreserved characters in query names and values stay unencoded",
        (5, 9),
        ["query-string", "unreserved"],
    ),
    "get-vanilla-utf8-query": (
        "A raw non-ASCII query name is percent-encoded from UTF-8",
        (2, 5, 9),
        ["query-string", "utf8", "wire-form"],
    ),
    "get-vanilla-with-session-token": (
        "A session token is signed: X-Amz-Security-Token is a canonical header or parameter",
        (23,),
        [],
    ),
    "post-header-key-case": (
        "A plain POST (the published name promises header-name case; identical to post-vanilla)",
        (4, 10),
        ["header-name", "misnamed"],
    ),
    "post-header-key-sort": (
        "A custom header signed with host, names lower-cased and sorted",
        (10, 14),
        ["header-name"],
    ),
    "post-header-value-case": (
        "Header value case is kept (VALUE1); only names are lower-cased",
        (10,),
        ["header-value"],
    ),
    "post-sts-header-after": (
        "A session token added after signing: canonical request and signature as without a token",
        (23,),
        [],
    ),
    "post-sts-header-before": (
        "A Base64 session token signed; in the query its '+', '/' and '=' are %2B, %2F and %3D",
        (9, 23),
        [],
    ),
    "post-vanilla": ("The plain POST with an empty body", (4, 15), ["vanilla"]),
    "post-vanilla-empty-query-value": (
        "A POST with a one-parameter query (the published name promises an empty value; there is none)",
        (9,),
        ["query-string", "misnamed"],
    ),
    "post-vanilla-query": ("A POST with a one-parameter query", (9,), ["query-string"]),
    "post-x-www-form-urlencoded": (
        "A form body: its SHA-256 is the payload hash; header mode adds and signs x-amz-content-sha256",
        (15,),
        ["body"],
    ),
    "post-x-www-form-urlencoded-parameters": (
        "A form body with a content-type parameter; header mode adds and signs x-amz-content-sha256",
        (15,),
        ["body"],
    ),
}


def aws_c_auth_vectors(source_dir: Path) -> list[Vector]:
    base = source_dir / "aws-c-auth"
    names = sorted(p.name for p in base.iterdir() if p.is_dir())
    if names != sorted(AWS_CASES):
        fail(f"aws-c-auth cases differ from the list: {sorted(set(names) ^ set(AWS_CASES))}")
    out: list[Vector] = []
    for name in names:
        folder = base / name
        ctx = json.loads((folder / "context.json").read_text(encoding="utf-8"))
        raw = (folder / "request.txt").read_bytes()
        if b"\r" in raw:
            fail(f"{name}: CR in request.txt")
        method, target, headers, body = parse_http(raw.decode("utf-8"))
        creds = dict(
            access_key_id=ctx["credentials"]["access_key_id"], secret_access_key=ctx["credentials"]["secret_access_key"]
        )
        if "token" in ctx["credentials"]:
            creds["session_token"] = ctx["credentials"]["token"]
        if ctx.get("sign_body") is False and body:
            fail(f"{name}: a body with sign_body false (the harness would hash the empty string)")
        description, topic, tags = AWS_CASES[name]
        for mode in ("header", "query"):
            inp = signing_input(
                method,
                target,
                headers,
                body.encode("utf-8"),
                creds=creds,
                region=ctx["region"],
                service=ctx["service"],
                time=ctx["timestamp"].replace("-", "").replace(":", ""),
                mode=mode,
                expires=int(ctx["expiration_in_seconds"]),
                normalize_path=bool(ctx["normalize"]),
                payload="hash-header" if (ctx["sign_body"] and mode == "header") else "hash",
                session_token="unsigned" if ctx.get("omit_session_token") else "signed",
            )
            full = compute("sign", inp)
            for key, file in (
                ("canonical_request", "canonical-request"),
                ("string_to_sign", "string-to-sign"),
                ("signature", "signature"),
            ):
                expect_equal(
                    f"{name}/{mode}", key, full[key], (folder / f"{mode}-{file}.txt").read_bytes().decode("utf-8")
                )
            signed_raw = (folder / f"{mode}-signed-request.txt").read_bytes().decode("utf-8")
            (check_added_header_mode if mode == "header" else check_added_query_mode)(
                name, inp, full["added"], signed_raw
            )
            source = f"{AWS_C_AUTH[0]} {AWS_C_AUTH[1]}/{name} @ {short(AWS_C_AUTH[2])}"
            vtags = tag_list(["published"], tags, ["normalize"] if not ctx["normalize"] else [])
            out += signing_vectors(
                f"sigv4/published/aws-c-auth/{name}", f"Published {name}: {description}", inp, topic, vtags, source
            )
    return out


BOTOCORE_CASES: dict[str, tuple[str, str, tuple[int, ...], list[str]]] = {
    # botocore id -> (vector name, description, topic rules, tags)
    "get-vanilla-query-order-key": (
        "get-vanilla-query-order-key",
        "Repeated query name ordered by value bytes: Value1 before value2 (the name says 'key')",
        (9,),
        ["query-string", "query-order", "misnamed"],
    ),
    "get-vanilla-query-order-value": (
        "get-vanilla-query-order-value",
        "Repeated query name ordered by value: value1 before value2",
        (9,),
        ["query-string", "query-order"],
    ),
    "normalize-path/get-special-character": (
        "get-special-character",
        "'$' in a path is not unreserved and is encoded (%24)",
        (5, 7),
        ["uri-encoding", "reserved"],
    ),
    "post-x-www-form-urlencoded": (
        "post-x-www-form-urlencoded",
        "Older form case: body hashed into the payload, no x-amz-content-sha256, no Content-Length",
        (15,),
        ["body"],
    ),
    "post-x-www-form-urlencoded-parameters": (
        "post-x-www-form-urlencoded-parameters",
        "Older form case with 'charset=utf8': body hashed, no x-amz-content-sha256 header",
        (15,),
        ["body"],
    ),
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def botocore_vectors(source_dir: Path) -> list[Vector]:
    data = json.loads((source_dir / "botocore-cases.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in data["cases"]}
    out: list[Vector] = []
    for case_id, (name, description, topic, tags) in BOTOCORE_CASES.items():
        case = by_id[case_id]
        prov = case["provenance"]
        if prov["commit"] != BOTOCORE[2] or prov["repo"] != BOTOCORE[0]:
            fail(f"botocore {case_id}: unexpected provenance {prov}")
        files = case["files"]
        # the extraction recorded each raw file's SHA-256: the texts used here must be those files
        for key, text in (
            ("req", case["request"]["raw"]),
            ("creq", case["canonical_request"]),
            ("sts", case["string_to_sign"]),
            ("authz", case["authorization"]),
            ("sreq", case["signed_request"]),
        ):
            if _sha(text) != files[key]["sha256"]:
                fail(f"botocore {case_id}: {key} text does not hash to the recorded file hash")
        ctx = case["context"]
        if ctx["session_token"] is not None:
            fail(f"botocore {case_id}: unexpected session token")
        method, target, headers, body = parse_http(case["request"]["raw"])
        # the old suite's requests already carry X-Amz-Date; our signer adds it (SIGV4-22), so it is removed
        dates = [h for h in headers if h[0].lower() == "x-amz-date"]
        if dates != [["X-Amz-Date", T0]]:
            fail(f"botocore {case_id}: expected one X-Amz-Date header, got {dates}")
        headers = [h for h in headers if h[0].lower() != "x-amz-date"]
        source = f"{BOTOCORE[0]} {BOTOCORE[1]}/{case_id} @ {short(BOTOCORE[2])}"
        derived = f"generated from the request of {source} (only header mode is published)"
        for mode in ("header", "query"):
            inp = signing_input(
                method,
                target,
                headers,
                body.encode("utf-8"),
                time=ctx["amz_date"],
                mode=mode,
                normalize_path=bool(ctx["normalize"]),
            )
            full = compute("sign", inp)
            if mode == "header":
                expect_equal(case_id, "canonical request", full["canonical_request"], case["canonical_request"])
                expect_equal(case_id, "string to sign", full["string_to_sign"], case["string_to_sign"])
                expect_equal(case_id, "signature", full["signature"], case["authorization_parsed"]["signature"])
                authorization = dict(full["added"])["Authorization"]
                expect_equal(case_id, "Authorization", authorization, case["authorization"])
                check_added_header_mode(case_id, inp, full["added"], case["signed_request"])
                vtags = tag_list(["published"], tags)
                src = source
            else:
                vtags = tag_list(["derived"], tags)
                src = derived
            out += signing_vectors(
                f"sigv4/published/botocore/{name}", f"botocore {name}: {description}", inp, topic, vtags, src
            )
    return out


def smithy_vectors(source_dir: Path) -> list[Vector]:
    extra = json.loads((source_dir / "smithy-rs-extra-cases.json").read_text(encoding="utf-8"))
    cases = {c["id"]: c for c in extra["cases"]}
    folder = source_dir / "smithy-rs"
    out: list[Vector] = []
    for case_id in ("double-url-encode", "double-encode-path"):
        for f in cases[case_id]["files"].values():
            if f["commit"] != SMITHY[2] or f["repo"] != SMITHY[0]:
                fail(f"smithy {case_id}: unexpected provenance {f}")

    # double-url-encode: one context, canonical request + string to sign + signed request published.
    name = "double-url-encode"
    ctx = cases[name]["context_reconstructed"]
    raw = (folder / name / "request.txt").read_text(encoding="utf-8")
    if raw != cases[name]["request"]:
        fail(f"{name}: request.txt differs from the extraction")
    method, target, headers, body = parse_http(raw)
    headers = [h for h in headers if h[0].lower() != "x-amz-date"]  # the signer adds it (same value)
    time = ctx["timestamp"].replace("-", "").replace(":", "")
    source = f"{SMITHY[0]} {SMITHY[1]}/{name} @ {short(SMITHY[2])}"
    description = "A path already percent-encoded on the wire (%3A) is encoded again (%253A) for a non-S3 service"
    for mode in ("header", "query"):
        inp = signing_input(
            method,
            target,
            headers,
            body.encode("utf-8"),
            creds={"access_key_id": ctx["access_key_id"], "secret_access_key": ctx["secret_access_key"]},
            region=ctx["region"],
            service=ctx["service"],
            time=time,
            mode=mode,
            normalize_path=ctx["normalize"],
        )
        full = compute("sign", inp)
        if mode == "header":
            expect_equal(
                name,
                "canonical request",
                full["canonical_request"],
                (folder / name / "header-canonical-request.txt").read_text(encoding="utf-8"),
            )
            sts_file = (folder / name / "header-string-to-sign.txt").read_text(encoding="utf-8")
            if not sts_file.endswith("\n") or sts_file.endswith("\n\n"):
                fail(f"{name}: the string-to-sign file was expected to end with exactly one LF")
            expect_equal(name, "string to sign", full["string_to_sign"], sts_file[:-1])  # the file adds a final LF
            signed_raw = (folder / name / "header-signed-request.txt").read_text(encoding="utf-8")
            check_added_header_mode(name, inp, full["added"], signed_raw)
            vtags, src = tag_list(["published"], ["uri-encoding", "double-encoding", "percent"]), source
        else:
            vtags = tag_list(["derived"], ["uri-encoding", "double-encoding", "percent"])
            src = f"generated from the request of {source} (only header mode is published)"
        out += signing_vectors(
            f"sigv4/published/smithy-rs/{name}", f"smithy-rs {name}: {description}", inp, (5, 7), vtags, src
        )

    # double-encode-path: the canonical request was made with one context (2021-05-11), the signed request
    # with another (2015-08-30, the crate's test key). Both are imported, each with its own context.
    name = "double-encode-path"
    rc = cases[name]["context_reconstructed"]
    raw = (folder / name / "request.txt").read_text(encoding="utf-8")
    if raw != cases[name]["request"]:
        fail(f"{name}: request.txt differs from the extraction")
    method, target, headers, body = parse_http(raw)
    headers = [h for h in headers if h[0].lower() != "x-amz-date"]
    source = f"{SMITHY[0]} {SMITHY[1]}/{name} @ {short(SMITHY[2])}"
    description = "'@' in a path is %40 and the wire escape %3D becomes %253D (double encoding)"
    sc = rc["signed_request_file"]
    creds = {"access_key_id": sc["access_key_id"], "secret_access_key": sc["secret_access_key"]}
    for mode in ("header", "query"):
        inp = signing_input(
            method,
            target,
            headers,
            body.encode("utf-8"),
            creds=creds,
            region=sc["region"],
            service=sc["service"],
            time=sc["timestamp"].replace("-", "").replace(":", ""),
            mode=mode,
        )
        full = compute("sign", inp)
        if mode == "header":
            signed_raw = (folder / name / "header-signed-request.txt").read_text(encoding="utf-8")
            check_added_header_mode(name, inp, full["added"], signed_raw)
            published_sig = dict(full["added"])["Authorization"].rpartition("Signature=")[2]
            want = cases[name]["signature_from_signed_request"]
            expect_equal(name, "signature", published_sig, want)
            derived = f"generated from the request of {source} (the signed request is published, not this intermediate)"

            def src_of(op: str, source: str = source, derived: str = derived) -> str:
                return source if op == "sign" else derived

            def tags_of(op: str) -> list[str]:
                return ["published"] if op == "sign" else ["derived"]

            out += signing_vectors(
                f"sigv4/published/smithy-rs/{name}",
                f"smithy-rs {name}: {description}",
                inp,
                (5, 7),
                ["uri-encoding", "double-encoding", "percent"],
                source,
                extra_tags=tags_of,
                source_of=src_of,
            )
        else:
            out += signing_vectors(
                f"sigv4/published/smithy-rs/{name}",
                f"smithy-rs {name}: {description}",
                inp,
                (5, 7),
                ["derived", "uri-encoding", "double-encoding", "percent"],
                f"generated from the request of {source} (only header mode is published)",
            )
    cc = rc["canonical_request_file"]
    inp = signing_input(
        method,
        target,
        headers,
        body.encode("utf-8"),
        creds=creds,
        region=cc["region"],
        service=cc["service"],
        time=cc["timestamp"].replace("-", "").replace(":", ""),
    )
    full = compute("sign", inp)
    expect_equal(
        name,
        "canonical request (2021 context)",
        full["canonical_request"],
        (folder / name / "header-canonical-request.txt").read_text(encoding="utf-8"),
    )
    out += signing_vectors(
        f"sigv4/published/smithy-rs/{name}-canonical",
        f"smithy-rs {name} (canonical-request file's own context): {description}",
        inp,
        (5, 7),
        ["published", "uri-encoding", "double-encoding", "percent"],
        source,
        operations=("canonical-request",),
    )
    return out


# =========================================================================== the suite's own signing cases


@dataclass
class Edge:
    group: str
    name: str
    description: str
    topic: tuple[int, ...]
    tags: list[str]
    method: str
    target: str
    headers: list[list[str]]
    body: bytes = b""
    modes: tuple[str, ...] = ("header", "query")
    options: dict[str, Any] = field(default_factory=dict)
    per_mode: dict[str, dict[str, Any]] = field(default_factory=dict)


H = [["Host", HOST]]
S3_HOST = [["Host", "examplebucket.s3.amazonaws.com"]]
TOKEN_PLUS = "FQoGZXIvYXdzE+/gEXAMPLE+token/with==/slashes+plus="  # noqa: S105 - a sample token

EDGES: list[Edge] = [
    # --- paths (SIGV4-5..8)
    Edge(
        "uri",
        "percent-double",
        "A wire escape in the path is encoded again: %20 becomes %2520, %2B becomes %252B",
        (5, 7),
        ["uri-encoding", "double-encoding", "percent"],
        "GET",
        "/documents/report%202024%2Bfinal.pdf",
        H,
    ),
    Edge(
        "uri",
        "percent-single",
        "S3 encodes once: wire escapes %20 and %2B are kept, not encoded again",
        (5, 8),
        ["uri-encoding", "s3", "percent"],
        "GET",
        "/documents/report%202024%2Bfinal.pdf",
        S3_HOST,
        options=dict(uri_encoding="single", normalize_path=False, service="s3"),
    ),
    Edge(
        "uri",
        "single-no-normalize",
        "S3 keys are signed as they are: '//', '.' and '..' stay (no normalisation)",
        (6, 8),
        ["s3", "normalize", "dot-segments", "slashes"],
        "GET",
        "/photos//2024/./summer/../beach/",
        S3_HOST,
        options=dict(uri_encoding="single", normalize_path=False, service="s3"),
    ),
    Edge(
        "uri",
        "single-normalize",
        "Single encoding with normalisation: the two switches are independent",
        (6, 8),
        ["normalize", "dot-segments", "slashes"],
        "GET",
        "/photos//2024/./summer/../beach/",
        S3_HOST,
        options=dict(uri_encoding="single", normalize_path=True, service="s3"),
    ),
    Edge(
        "uri",
        "single-raw-characters",
        "Single encoding still encodes what is not an escape: raw UTF-8 and ':'",
        (2, 5, 8),
        ["uri-encoding", "utf8", "reserved", "wire-form"],
        "GET",
        "/docs/ሴ:1.txt",
        S3_HOST,
        options=dict(uri_encoding="single", normalize_path=False, service="s3"),
    ),
    Edge(
        "uri",
        "dot-dot-final",
        "A final '..' leaves no trailing slash: '/a/b/..' is '/a' (RFC 3986 would give '/a/')",
        (6, 7),
        ["normalize", "dot-segments"],
        "GET",
        "/a/b/..",
        H,
    ),
    Edge(
        "uri",
        "dot-final",
        "A final '.' leaves no trailing slash: '/a/b/.' is '/a/b'",
        (6, 7),
        ["normalize", "dot-segments"],
        "GET",
        "/a/b/.",
        H,
    ),
    Edge(
        "uri",
        "dot-dot-above-root",
        "'..' at the root removes nothing: '/../../a/./b' is '/a/b'",
        (6, 7),
        ["normalize", "dot-segments"],
        "GET",
        "/../../a/./b",
        H,
    ),
    Edge(
        "uri",
        "encoded-dot-segment",
        "'%2E%2E' is not a '..' segment: it survives normalisation, double-encoded",
        (6, 7),
        ["normalize", "dot-segments", "percent"],
        "GET",
        "/a/%2E%2E/b",
        H,
    ),
    Edge(
        "uri",
        "reserved-characters",
        "Characters a path may carry raw (!$&'()*+,;=:@) are all percent-encoded",
        (5, 7),
        ["uri-encoding", "reserved"],
        "GET",
        "/!$&'()*+,;=:@/x",
        H,
    ),
    Edge(
        "uri",
        "reserved-characters-single",
        "S3 single encoding also encodes !$&'()*+,;=:@ (they are not escapes)",
        (5, 8),
        ["uri-encoding", "reserved", "s3", "wire-form"],
        "GET",
        "/!$&'()*+,;=:@/x",
        S3_HOST,
        options=dict(uri_encoding="single", normalize_path=False, service="s3"),
    ),
    # --- query (SIGV4-9)
    Edge(
        "query",
        "empty-value",
        "An empty value keeps its '=': 'a=' (not 'a')",
        (9,),
        ["query-string", "empty-value"],
        "GET",
        "/?a=&b=2",
        H,
    ),
    Edge(
        "query",
        "no-equals",
        "A parameter without '=' has the empty value and is written 'flag='",
        (9,),
        ["query-string", "empty-value"],
        "GET",
        "/?flag&b=2",
        H,
    ),
    Edge(
        "query",
        "repeated-name-by-value",
        "Repeated names are ordered by encoded value bytes: 10, 9, B, a, b",
        (9,),
        ["query-string", "query-order"],
        "GET",
        "/?k=b&k=B&k=a&k=10&k=9",
        H,
    ),
    Edge(
        "query",
        "space-and-slash",
        "In the query a space is %20 and '/' is %2F (unlike in the path)",
        (5, 9),
        ["query-string", "space", "wire-form"],
        "GET",
        "/?q=hello%20world&path=a/b/c",
        H,
    ),
    Edge(
        "query",
        "plus-is-literal",
        "'+' in a query is a plus sign, not a space: it is signed as %2B",
        (9,),
        ["query-string", "plus", "wire-form"],
        "GET",
        "/?q=a+b",
        H,
    ),
    Edge(
        "query",
        "lowercase-escape",
        "Query escapes are decoded and re-encoded: %2f and %3a become %2F and %3A",
        (9,),
        ["query-string", "percent", "wire-form"],
        "GET",
        "/?path=a%2fb%3a",
        H,
    ),
    Edge(
        "query",
        "escaped-unreserved",
        "An escaped unreserved character is signed unescaped: %41 is A, %7E is ~",
        (9,),
        ["query-string", "percent", "unreserved", "wire-form"],
        "GET",
        "/?%41b=%7Ex",
        H,
    ),
    Edge(
        "query",
        "equals-in-value",
        "A value is split at the first '=' only: 'expr=a=b' signs 'expr=a%3Db'",
        (9,),
        ["query-string", "wire-form"],
        "GET",
        "/?expr=a=b&eq=%3D",
        H,
    ),
    Edge(
        "query",
        "name-prefix-sort",
        "Names are compared before values: 'a' < 'a-b' < 'a.b' (not 'a-b=' < 'a=')",
        (9,),
        ["query-string", "query-order"],
        "GET",
        "/?a-b=1&a=2&a.b=3",
        H,
    ),
    # --- headers (SIGV4-10..12)
    Edge(
        "headers",
        "tabs",
        "Tabs are whitespace: trimmed at the ends and folded with spaces into one SP",
        (10,),
        ["header-value", "whitespace", "tab"],
        "GET",
        "/",
        [*H, ["My-Header1", "\tvalue\t\tone \t two\t"]],
    ),
    Edge(
        "headers",
        "space-runs",
        "Leading, trailing and inner runs of spaces: 'a b c'",
        (10,),
        ["header-value", "whitespace"],
        "GET",
        "/",
        [*H, ["My-Header1", "   a    b     c   "]],
    ),
    Edge(
        "headers",
        "obs-fold-crlf",
        "An obsolete fold written with CRLF (as HTTP/1.1 sends it) becomes one SP",
        (2, 10, 11),
        ["header-value", "obs-fold"],
        "GET",
        "/",
        [*H, ["My-Header1", "value1\r\n value2\r\n\tvalue3"]],
    ),
    Edge(
        "headers",
        "nbsp-kept",
        "U+00A0 is not HTTP whitespace: it is kept, only SP runs fold",
        (10,),
        ["header-value", "whitespace", "nbsp", "utf8"],
        "GET",
        "/",
        [*H, ["My-Header1", "a\xa0b  \xa0 c"]],
    ),
    Edge(
        "headers",
        "empty-value",
        "An empty value, and one of spaces only, give 'name:' with nothing after the colon",
        (10,),
        ["header-value", "empty-value"],
        "GET",
        "/",
        [*H, ["X-Empty", ""], ["My-Header1", "   "]],
    ),
    Edge(
        "headers",
        "comma-in-value",
        "'a, b' in one field stays 'a, b'; two fields 'a' and 'b' give 'a,b'",
        (10, 12),
        ["repeated-header", "header-value"],
        "GET",
        "/",
        [*H, ["My-Header1", "a, b"], ["My-Header2", "a"], ["My-Header2", "b"]],
    ),
    Edge(
        "headers",
        "repeated-interleaved",
        "Repeats of one name in mixed case, other headers between, an empty value",
        (10, 12),
        ["repeated-header", "header-name"],
        "GET",
        "/",
        [["X-Multi", " z "], ["Host", HOST], ["x-multi", "a  b"], ["My-Header1", "1"], ["X-MULTI", ""]],
    ),
    Edge(
        "headers",
        "utf8-value",
        "Non-ASCII bytes in a value are signed as they are (UTF-8)",
        (10,),
        ["header-value", "utf8"],
        "GET",
        "/",
        [*H, ["X-City", "Zürich"]],
    ),
    Edge(
        "headers",
        "name-case-sort",
        "Names are lower-cased before sorting: content-type, host, x-a, x-b",
        (10, 14),
        ["header-name"],
        "GET",
        "/",
        [["X-b", "2"], ["Host", HOST], ["x-A", "1"], ["Content-Type", "text/plain"]],
    ),
    # --- payload (SIGV4-15)
    Edge(
        "payload",
        "unsigned",
        "UNSIGNED-PAYLOAD replaces the body hash (S3 presigned URLs; header mode without header)",
        (15,),
        ["s3"],
        "PUT",
        "/examplebucket/key.txt",
        S3_HOST,
        b"hello\n",
        options=dict(uri_encoding="single", normalize_path=False, service="s3", payload="unsigned"),
    ),
    Edge(
        "payload",
        "unsigned-header",
        "UNSIGNED-PAYLOAD with x-amz-content-sha256: UNSIGNED-PAYLOAD added and signed (S3)",
        (15,),
        ["s3"],
        "PUT",
        "/examplebucket/key.txt",
        S3_HOST,
        b"hello\n",
        modes=("header",),
        options=dict(uri_encoding="single", normalize_path=False, service="s3", payload="unsigned-header"),
    ),
    Edge(
        "payload",
        "hash-header-empty-body",
        "x-amz-content-sha256 for an empty body is the empty-string hash",
        (15,),
        ["body"],
        "GET",
        "/",
        H,
        modes=("header",),
        options=dict(payload="hash-header"),
    ),
    Edge(
        "payload",
        "binary-body",
        "A binary body (NUL, CR, LF, 0xFF) is hashed as raw bytes",
        (15,),
        ["body", "binary"],
        "POST",
        "/upload",
        [*H, ["Content-Type", "application/octet-stream"]],
        bytes([0x00, 0xFF, 0x0D, 0x0A, 0x80, 0x7F, 0x41, 0x00]),
    ),
    # --- session token (SIGV4-23)
    Edge(
        "session-token",
        "plus-slash-equals",
        "A token with '+', '/' and '=' is %2B, %2F, %3D in the canonical query",
        (9, 23),
        [],
        "GET",
        "/?list-type=2",
        H,
        options=dict(creds={**EXAMPLE, "session_token": TOKEN_PLUS}),
    ),
    Edge(
        "session-token",
        "plus-slash-equals-unsigned",
        "A token added after signing is in the URL but not in the canonical query",
        (9, 23),
        [],
        "GET",
        "/?list-type=2",
        H,
        modes=("query",),
        options=dict(creds={**EXAMPLE, "session_token": TOKEN_PLUS}, session_token="unsigned"),  # noqa: S106
    ),
    # --- lifetime (SIGV4-25)
    Edge(
        "expires",
        "one-second",
        "The shortest lifetime, X-Amz-Expires=1, is valid",
        (24, 25),
        ["expires"],
        "GET",
        "/",
        H,
        modes=("query",),
        options=dict(expires=1),
    ),
    Edge(
        "expires",
        "seven-days",
        "The longest lifetime, X-Amz-Expires=604800 (seven days), is valid",
        (24, 25),
        ["expires"],
        "GET",
        "/",
        H,
        modes=("query",),
        options=dict(expires=604800),
    ),
    Edge(
        "expires",
        "zero",
        "X-Amz-Expires=0 is outside 1..604800: the signer must refuse",
        (24, 25),
        ["expires", "refusal"],
        "GET",
        "/",
        H,
        modes=("query",),
        options=dict(expires=0),
    ),
    Edge(
        "expires",
        "seven-days-plus-one",
        "X-Amz-Expires=604801 is beyond seven days: the signer must refuse",
        (24, 25),
        ["expires", "refusal"],
        "GET",
        "/",
        H,
        modes=("query",),
        options=dict(expires=604801),
    ),
    # --- another key, region, service and date (SIGV4-16..20)
    Edge(
        "scope",
        "leap-day",
        "Another key, region and service, signed one second before midnight on a leap day",
        (16, 17, 19),
        ["scope", "body"],
        "POST",
        "/prod/orders?id=42",
        [["Host", "abc123.execute-api.ap-southeast-2.amazonaws.com"], ["Content-Type", "application/json"]],
        b'{"item":"book","qty":1}',
        options=dict(creds=EXAMPLE2, region="ap-southeast-2", service="execute-api", time="20240229T235959Z"),
    ),
    Edge(
        "scope",
        "s3-object",
        "An S3 GET as S3 signs it: single encoding, no normalisation, UNSIGNED-PAYLOAD",
        (8, 15, 16, 17, 19),
        ["scope", "s3"],
        "GET",
        "/my-bucket/photos/2023/Dec%2031/IMG_0001.jpg",
        [["Host", "s3.eu-central-1.amazonaws.com"]],
        options=dict(
            creds=EXAMPLE2,
            region="eu-central-1",
            service="s3",
            time="20231231T000000Z",
            uri_encoding="single",
            normalize_path=False,
        ),
        per_mode={"header": dict(payload="unsigned-header"), "query": dict(payload="unsigned")},
    ),
]


def edge_vectors() -> dict[str, list[Vector]]:
    groups: dict[str, list[Vector]] = {}
    seen = set()
    for edge in EDGES:
        if (edge.group, edge.name) in seen:
            fail(f"duplicate edge {edge.group}/{edge.name}")
        seen.add((edge.group, edge.name))
        for mode in edge.modes:
            options = {**edge.options, **edge.per_mode.get(mode, {})}
            inp = signing_input(edge.method, edge.target, edge.headers, edge.body, mode=mode, **options)
            groups.setdefault(edge.group, []).extend(
                signing_vectors(
                    f"sigv4/{edge.group}/{edge.name}", edge.description, inp, edge.topic, edge.tags, "generated"
                )
            )
    return groups


# ==================================================================================== verification cases


@dataclass
class Req:
    """A request before authentication: what a client wants to send."""

    method: str
    target: str
    headers: list[list[str]]
    body: bytes = b""


def _scope(
    date: str, region: str = "us-east-1", service: str = "service", terminator: str = "aws4_request"
) -> tuple[str, ...]:
    return (date[:8], region, service, terminator)


def _payload_for(headers: list[list[str]], body: bytes, presigned_unsigned: bool = False) -> str:
    content = [R.canonical_header_value(v) for n, v in headers if n.lower() == "x-amz-content-sha256"]
    if content == [R.UNSIGNED_PAYLOAD] or (not content and presigned_unsigned):
        return R.UNSIGNED_PAYLOAD
    return R.sha256_hex(body)


def _mac_hex(secret: str, scope: tuple[str, ...], sts_algorithm: str, date: str, canonical: str) -> str:
    sts = "\n".join((sts_algorithm, date, "/".join(scope), R.sha256_hex(canonical.encode("utf-8"))))
    return R.signature(R.signing_key(secret, *scope), sts)


def header_signed(
    req: Req,
    *,
    creds: dict[str, str] = EXAMPLE,
    date: str = T0,
    date_header: bool = True,
    scope: tuple[str, ...] | None = None,
    signed: list[str] | None = None,
    signed_text: str | None = None,
    payload: str | None = None,
    uri_encoding: str = "double",
    normalize: bool = True,
    sts_algorithm: str = R.ALGORITHM,
    auth_algorithm: str = R.ALGORITHM,
    sign_as: Req | None = None,
    fix_value: Callable[[str, str], str] | None = None,
) -> Req:
    """The request with X-Amz-Date and Authorization, signed as a SIGV4 verifier recomputes it — from the
    values the request carries (so a forged scope, date text or signed-headers list is signed as sent).
    ``sign_as`` signs another request (the one the client meant) and sends ``req``: tampering.
    ``fix_value(value, signature)`` rewrites the Authorization value after signing."""
    headers = [list(h) for h in req.headers] + ([["X-Amz-Date", date]] if date_header else [])
    basis = sign_as or req
    basis_headers = [list(h) for h in basis.headers] + ([["X-Amz-Date", date]] if date_header else [])
    scope = scope or _scope(date)
    names = signed or sorted({R.ascii_lower(n) for n, _ in basis_headers})
    block, _ = R.canonical_headers([tuple(h) for h in basis_headers], only=names)
    line = signed_text or ";".join(names)
    path, query = R.split_target(basis.target)
    canonical = R.canonical_request(
        basis.method,
        R.canonical_uri(path, uri_encoding, normalize),
        R.canonical_query(R.parse_query(query)),
        block,
        line,
        payload or _payload_for(basis_headers, basis.body),
    )
    sig = _mac_hex(creds["secret_access_key"], scope, sts_algorithm, date, canonical)
    value = (
        f"{auth_algorithm} Credential={creds['access_key_id']}/{'/'.join(scope)}, SignedHeaders={line}, Signature={sig}"
    )
    if fix_value:
        value = fix_value(value, sig)
    return Req(req.method, req.target, [*headers, ["Authorization", value]], req.body)


def presigned(
    req: Req,
    *,
    creds: dict[str, str] = EXAMPLE,
    date: str = T0,
    expires: str | None = "3600",
    scope: tuple[str, ...] | None = None,
    signed: list[str] | None = None,
    token: str | None = None,
    token_signed: bool = True,
    algorithm: str = R.ALGORITHM,
    presigned_unsigned: bool = False,
    uri_encoding: str = "double",
    normalize: bool = True,
    sign_as: Req | None = None,
    extra: list[tuple[str, str]] | None = None,
    date_param: bool = True,
) -> Req:
    """The request with the SIGV4-24 parameters, signed from the values it carries. ``extra`` parameters are
    appended to the URL after signing (not signed)."""
    basis = sign_as or req
    scope = scope or _scope(date)
    names = signed or sorted({R.ascii_lower(n) for n, _ in basis.headers})
    block, _ = R.canonical_headers([tuple(h) for h in basis.headers], only=names)
    params = [(R.P_ALGORITHM, algorithm), (R.P_CREDENTIAL, f"{creds['access_key_id']}/{'/'.join(scope)}")]
    if date_param:
        params.append((R.P_DATE, date))
    params.append((R.P_SIGNED_HEADERS, ";".join(names)))
    if expires is not None:
        params.append((R.P_EXPIRES, expires))
    if token is not None and token_signed:
        params.append((R.P_TOKEN, token))
    path, query = R.split_target(basis.target)
    pairs = R.parse_query(query) + [(n.encode(), v.encode()) for n, v in params]
    canonical = R.canonical_request(
        basis.method,
        R.canonical_uri(path, uri_encoding, normalize),
        R.canonical_query(pairs),
        block,
        ";".join(names),
        _payload_for(basis.headers, basis.body, presigned_unsigned),
    )
    sig = _mac_hex(creds["secret_access_key"], scope, R.ALGORITHM, date, canonical)
    tail = list(params)
    if token is not None and not token_signed:
        tail.append((R.P_TOKEN, token))
    tail.append((R.P_SIGNATURE, sig))
    tail += extra or []
    encoded = "&".join(
        f"{R.uri_encode(n.encode(), keep_slash=False)}={R.uri_encode(v.encode(), keep_slash=False)}" for n, v in tail
    )
    sep = "&" if "?" in req.target else "?"
    return Req(req.method, req.target + sep + encoded, [list(h) for h in req.headers], req.body)


def verify_input(
    req: Req,
    *,
    now: str = T0,
    store: list[dict[str, str]] | None = None,
    region: str = "us-east-1",
    service: str = "service",
    skew: int = 900,
    uri_encoding: str = "double",
    normalize_path: bool = True,
    presigned_payload: str = "hash",
) -> dict[str, Any]:
    return {
        "request": {
            "method": req.method,
            "target": req.target,
            "headers": [list(h) for h in req.headers],
            "body": body_object(req.body),
        },
        "credentials": [dict(c) for c in (store or [EXAMPLE, EXAMPLE2])],
        "region": region,
        "service": service,
        "now": now,
        "max_skew_seconds": skew,
        "uri_encoding": uri_encoding,
        "normalize_path": normalize_path,
        "presigned_payload": presigned_payload,
    }


def without(req: Req, name: str) -> Req:
    return Req(req.method, req.target, [h for h in req.headers if h[0].lower() != name.lower()], req.body)


def add_headers(req: Req, *extra: list[str]) -> Req:
    return Req(req.method, req.target, [list(h) for h in req.headers] + [list(e) for e in extra], req.body)


def replace_header(req: Req, name: str, value: str) -> Req:
    return Req(
        req.method, req.target, [[n, value if n.lower() == name.lower() else v] for n, v in req.headers], req.body
    )


def shift(stamp: str, seconds: int) -> str:
    when = R.parse_amz_date(stamp)
    assert when is not None
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when + seconds))


BASE = Req("GET", "/v1/items?b=2&a=1", [["Host", HOST], ["My-Header1", "value1"]])
POST = Req("POST", "/v1/items", [["Host", HOST], ["Content-Type", "application/json"]], b'{"name":"pen","qty":3}')
S3_PUT = Req(
    "PUT",
    "/examplebucket//photos/./summer%202024.jpg",
    [["Host", "examplebucket.s3.amazonaws.com"]],
    b"\x89PNG\r\n\x1a\n",
)
TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="  # noqa: S105 - the published sample token
UNKNOWN = {"access_key_id": "AKIDUNKNOWNEXAMPLE", "secret_access_key": "c2VjcmV0LW5vdC1pbi10aGUtc3RvcmU"}
WRONG_SECRET = {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"}


@dataclass
class V:
    group: str  # accept | reject | order
    name: str
    description: str
    rules: tuple[int, ...]
    tags: list[str]
    input: dict[str, Any]
    expected: dict[str, Any]


def ok() -> dict[str, Any]:
    return {"valid": True}


def no(reason: str) -> dict[str, Any]:
    return {"valid": False, "reason": reason}


def _upper_signature(value: str, sig: str) -> str:
    return value.replace(sig, sig.upper())


def _swap_components(value: str, sig: str) -> str:
    alg, _, rest = value.partition(" ")
    cred, sh, sg = rest.split(", ")
    return f"{alg} {sh}, {cred}, {sg}"


def verify_cases() -> list[V]:
    hs = header_signed(BASE)
    qs = presigned(BASE)
    v: list[V] = []
    add = v.append

    # ------------------------------------------------------------------ accepted
    add(
        V(
            "accept",
            "header-mode",
            "A correctly header-signed GET is accepted (a verifier that rejects everything fails)",
            (21, 27, 28, 29, 33, 36, 37),
            ["valid"],
            verify_input(hs),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "query-mode",
            "A correctly presigned GET is accepted",
            (24, 28, 29, 33, 36, 37),
            ["valid"],
            verify_input(qs),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "skew-900s-behind",
            "The verifier's clock 900 s after X-Amz-Date: the skew edge is inclusive",
            (34, 37),
            ["valid", "clock", "edge"],
            verify_input(hs, now=shift(T0, 900)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "skew-900s-ahead",
            "The verifier's clock 900 s before X-Amz-Date: the skew edge is inclusive",
            (34, 37),
            ["valid", "clock", "edge"],
            verify_input(hs, now=shift(T0, -900)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "presigned-last-second",
            "A presigned URL at X-Amz-Date + X-Amz-Expires exactly is still valid",
            (35, 37),
            ["valid", "clock", "edge"],
            verify_input(qs, now=shift(T0, 3600)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "presigned-900s-early",
            "A presigned URL 900 s before its X-Amz-Date is valid (skew allowance, inclusive)",
            (35, 37),
            ["valid", "clock", "edge"],
            verify_input(qs, now=shift(T0, -900)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "presigned-seven-days",
            "X-Amz-Expires=604800 is valid, and so is the URL 604800 s later",
            (30, 35, 37),
            ["valid", "expires", "edge"],
            verify_input(presigned(BASE, expires="604800"), now=shift(T0, 604800)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "session-token-signed",
            "A signed X-Amz-Security-Token header is verified like any signed header",
            (23, 32, 37),
            ["valid"],
            verify_input(header_signed(add_headers(BASE, ["X-Amz-Security-Token", TOKEN]))),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "session-token-unsigned",
            "An X-Amz-Security-Token header added after signing may stay unsigned",
            (23, 32, 37),
            ["valid"],
            verify_input(add_headers(hs, ["X-Amz-Security-Token", TOKEN])),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "session-token-presigned",
            "A presigned URL with a signed token parameter ('+', '/', '=' encoded in the URL)",
            (23, 24, 36, 37),
            ["valid"],
            verify_input(presigned(BASE, token=TOKEN)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "post-body",
            "A POST whose JSON body is hashed into the payload, content-type signed",
            (15, 36, 37),
            ["valid", "body"],
            verify_input(header_signed(POST)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "content-sha256-header",
            "x-amz-content-sha256 carrying the body's hash, signed",
            (15, 36, 37),
            ["valid", "body"],
            verify_input(header_signed(add_headers(POST, ["X-Amz-Content-Sha256", R.sha256_hex(POST.body)]))),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "s3-unsigned-payload",
            "S3: single encoding, no normalisation, x-amz-content-sha256: UNSIGNED-PAYLOAD",
            (8, 15, 36, 37),
            ["valid", "s3"],
            verify_input(
                header_signed(
                    add_headers(S3_PUT, ["x-amz-content-sha256", "UNSIGNED-PAYLOAD"]),
                    scope=_scope(T0, service="s3"),
                    uri_encoding="single",
                    normalize=False,
                ),
                service="s3",
                uri_encoding="single",
                normalize_path=False,
            ),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "s3-presigned-unsigned-payload",
            "S3 presigned PUT: the payload is UNSIGNED-PAYLOAD, the body is not hashed",
            (8, 15, 24, 36, 37),
            ["valid", "s3"],
            verify_input(
                presigned(
                    S3_PUT,
                    scope=_scope(T0, service="s3"),
                    presigned_unsigned=True,
                    uri_encoding="single",
                    normalize=False,
                ),
                service="s3",
                uri_encoding="single",
                normalize_path=False,
                presigned_payload="unsigned",
            ),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "unsigned-ordinary-header",
            "A header that is neither host nor x-amz-* (User-Agent) may be unsigned",
            (32, 37),
            ["valid"],
            verify_input(add_headers(hs, ["User-Agent", "example-client/1.0"])),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "second-key",
            "A request signed with the second key of the store",
            (31, 37),
            ["valid"],
            verify_input(header_signed(BASE, creds=EXAMPLE2)),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "repeated-header",
            "A repeated signed header, its values joined in received order",
            (12, 36, 37),
            ["valid", "repeated-header"],
            verify_input(header_signed(add_headers(BASE, ["My-Header1", "  value2 "], ["my-header1", "value0"]))),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "lowercase-names",
            "Header names in lower case, including authorization and x-amz-date",
            (10, 26, 37),
            ["valid", "header-name"],
            verify_input(Req(hs.method, hs.target, [[n.lower(), val] for n, val in hs.headers])),
            ok(),
        )
    )
    add(
        V(
            "accept",
            "normalized-path",
            "A path with '.' and '//' signed normalised, verified by a normalising service",
            (6, 36, 37),
            ["valid", "normalize"],
            verify_input(header_signed(Req("GET", "/v1/./items//42", [["Host", HOST]])), now=T0),
            ok(),
        )
    )

    # ------------------------------------------------------------------ one defect each
    add(
        V(
            "reject",
            "missing-authorization",
            "No Authorization header and no presigned parameters",
            (26, 37),
            ["missing-authorization"],
            verify_input(without(hs, "Authorization")),
            no("missing-authorization"),
        )
    )
    qs_no_alg = Req(
        qs.method, "&".join(p for p in qs.target.split("&") if not p.startswith("X-Amz-Algorithm=")), qs.headers
    )
    add(
        V(
            "reject",
            "presigned-without-algorithm",
            "Presigned parameters without X-Amz-Algorithm are not a presigned request",
            (26, 37),
            ["missing-authorization", "query"],
            verify_input(qs_no_alg),
            no("missing-authorization"),
        )
    )
    add(
        V(
            "reject",
            "both-mechanisms",
            "An Authorization header and X-Amz-Algorithm in the query: one mechanism only",
            (26, 37),
            ["malformed-authorization"],
            verify_input(header_signed(Req("GET", BASE.target + "&X-Amz-Algorithm=AWS4-HMAC-SHA256", BASE.headers))),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "authorization-twice",
            "Two Authorization fields, even identical, are malformed",
            (26, 37),
            ["malformed-authorization"],
            verify_input(add_headers(hs, hs.headers[-1])),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "signature-twice",
            "A presigned URL with X-Amz-Signature twice is malformed",
            (26, 37),
            ["malformed-authorization", "query"],
            verify_input(Req(qs.method, qs.target + "&" + qs.target.rpartition("&")[2], qs.headers)),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "signature-uppercase-hex",
            "The right MAC in upper-case hex: signatures are lowercase hex",
            (1, 20, 28, 37),
            ["malformed-authorization"],
            verify_input(header_signed(BASE, fix_value=_upper_signature)),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "signature-63-hex",
            "A signature one hex digit short is malformed",
            (28, 37),
            ["malformed-authorization"],
            verify_input(header_signed(BASE, fix_value=lambda val, sig: val.replace(sig, sig[:-1]))),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "components-out-of-order",
            "SignedHeaders before Credential: the components have a fixed order",
            (21, 27, 37),
            ["malformed-authorization"],
            verify_input(header_signed(BASE, fix_value=_swap_components)),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "signature-component-missing",
            "An Authorization header without its Signature component",
            (21, 27, 37),
            ["malformed-authorization"],
            verify_input(header_signed(BASE, fix_value=lambda val, sig: val.rpartition(", ")[0])),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "credential-four-parts",
            "A credential without its terminator has four parts, not five",
            (28, 37),
            ["malformed-authorization"],
            verify_input(header_signed(BASE, fix_value=lambda val, sig: val.replace("/aws4_request,", ","))),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "signed-headers-unsorted",
            "SignedHeaders not in sorted order (signed in that order): malformed",
            (14, 28, 37),
            ["malformed-authorization"],
            verify_input(header_signed(BASE, signed=["x-amz-date", "host", "my-header1"])),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "signed-headers-uppercase",
            "SignedHeaders in mixed case (Host;My-Header1;X-Amz-Date): names are lower case",
            (14, 28, 37),
            ["malformed-authorization"],
            verify_input(header_signed(BASE, signed_text="Host;My-Header1;X-Amz-Date")),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "reject",
            "algorithm-sigv4a",
            "SigV4a (AWS4-ECDSA-P256-SHA256) is another algorithm, not an HMAC request",
            (27, 37),
            ["unsupported-algorithm"],
            verify_input(
                header_signed(BASE, sts_algorithm="AWS4-ECDSA-P256-SHA256", auth_algorithm="AWS4-ECDSA-P256-SHA256")
            ),
            no("unsupported-algorithm"),
        )
    )
    add(
        V(
            "reject",
            "algorithm-lowercase",
            "The algorithm name is case-sensitive: aws4-hmac-sha256 is not supported",
            (27, 37),
            ["unsupported-algorithm"],
            verify_input(header_signed(BASE, auth_algorithm="aws4-hmac-sha256")),
            no("unsupported-algorithm"),
        )
    )
    add(
        V(
            "reject",
            "algorithm-presigned-sha1",
            "A presigned URL with X-Amz-Algorithm=AWS4-HMAC-SHA1",
            (27, 37),
            ["unsupported-algorithm", "query"],
            verify_input(presigned(BASE, algorithm="AWS4-HMAC-SHA1")),
            no("unsupported-algorithm"),
        )
    )
    add(
        V(
            "reject",
            "date-extended-format",
            "X-Amz-Date in extended ISO 8601 (2015-08-30T12:36:00Z), signed as sent",
            (16, 29, 37),
            ["malformed-date"],
            verify_input(header_signed(BASE, date="2015-08-30T12:36:00Z", scope=_scope(T0))),
            no("malformed-date"),
        )
    )
    add(
        V(
            "reject",
            "date-lowercase",
            "X-Amz-Date with lowercase 't' and 'z', signed as sent",
            (16, 29, 37),
            ["malformed-date"],
            verify_input(header_signed(BASE, date="20150830t123600z")),
            no("malformed-date"),
        )
    )
    add(
        V(
            "reject",
            "date-second-60",
            "X-Amz-Date with second 60 is not a valid time",
            (16, 29, 37),
            ["malformed-date"],
            verify_input(header_signed(BASE, date="20150830T123660Z")),
            no("malformed-date"),
        )
    )
    add(
        V(
            "reject",
            "date-missing",
            "No X-Amz-Date at all (and no Date fallback in this suite)",
            (29, 37),
            ["malformed-date"],
            verify_input(header_signed(BASE, date_header=False, signed=["host", "my-header1"])),
            no("malformed-date"),
        )
    )
    add(
        V(
            "reject",
            "date-twice",
            "Two X-Amz-Date fields combine to 'd,d', which is not a date",
            (12, 29, 37),
            ["malformed-date"],
            verify_input(_date_twice()),
            no("malformed-date"),
        )
    )
    add(
        V(
            "reject",
            "date-presigned-no-z",
            "A presigned X-Amz-Date without its 'Z'",
            (16, 29, 37),
            ["malformed-date", "query"],
            verify_input(presigned(BASE, date="20150830T123600", scope=_scope(T0))),
            no("malformed-date"),
        )
    )
    add(
        V(
            "reject",
            "expires-604801",
            "X-Amz-Expires=604801 exceeds seven days (the URL is otherwise valid and signed)",
            (30, 37),
            ["bad-expires", "query"],
            verify_input(presigned(BASE, expires="604801")),
            no("bad-expires"),
        )
    )
    add(
        V(
            "reject",
            "expires-zero",
            "X-Amz-Expires=0 is below the minimum of 1",
            (30, 37),
            ["bad-expires", "query"],
            verify_input(presigned(BASE, expires="0")),
            no("bad-expires"),
        )
    )
    add(
        V(
            "reject",
            "expires-leading-zero",
            "X-Amz-Expires=03600 is not canonical decimal (a lenient parser reads 3600)",
            (30, 37),
            ["bad-expires", "query"],
            verify_input(presigned(BASE, expires="03600")),
            no("bad-expires"),
        )
    )
    add(
        V(
            "reject",
            "expires-missing",
            "A presigned URL without X-Amz-Expires",
            (30, 37),
            ["bad-expires", "query"],
            verify_input(presigned(BASE, expires=None)),
            no("bad-expires"),
        )
    )
    add(
        V(
            "reject",
            "unknown-access-key",
            "An access key id the store does not know",
            (31, 37),
            ["unknown-access-key"],
            verify_input(header_signed(BASE, creds=UNKNOWN)),
            no("unknown-access-key"),
        )
    )
    add(
        V(
            "reject",
            "scope-region",
            "Signed for us-west-2, received by a us-east-1 verifier",
            (31, 37),
            ["wrong-scope"],
            verify_input(header_signed(BASE, scope=_scope(T0, region="us-west-2"))),
            no("wrong-scope"),
        )
    )
    add(
        V(
            "reject",
            "scope-region-case",
            "Region US-EAST-1: scope parts compare exactly",
            (31, 37),
            ["wrong-scope"],
            verify_input(header_signed(BASE, scope=_scope(T0, region="US-EAST-1"))),
            no("wrong-scope"),
        )
    )
    add(
        V(
            "reject",
            "scope-service",
            "Signed for s3, received by the service 'service'",
            (31, 37),
            ["wrong-scope"],
            verify_input(header_signed(BASE, scope=_scope(T0, service="s3"))),
            no("wrong-scope"),
        )
    )
    midnight = "20150830T000010Z"
    add(
        V(
            "reject",
            "scope-date-previous-day",
            "Ten seconds after midnight with the previous day's scope and key",
            (17, 31, 37),
            ["wrong-scope"],
            verify_input(
                header_signed(BASE, date=midnight, scope=("20150829", "us-east-1", "service", "aws4_request")),
                now=midnight,
            ),
            no("wrong-scope"),
        )
    )
    add(
        V(
            "reject",
            "scope-terminator",
            "A terminator other than aws4_request",
            (31, 37),
            ["wrong-scope"],
            verify_input(header_signed(BASE, scope=_scope(T0, terminator="aws4_requests"))),
            no("wrong-scope"),
        )
    )
    add(
        V(
            "reject",
            "scope-presigned-region",
            "A presigned URL for another region",
            (31, 37),
            ["wrong-scope", "query"],
            verify_input(presigned(BASE, scope=_scope(T0, region="eu-west-1"))),
            no("wrong-scope"),
        )
    )
    add(
        V(
            "reject",
            "host-unsigned",
            "host present but not signed: the request could be replayed to another host",
            (13, 32, 37),
            ["unsigned-header"],
            verify_input(header_signed(BASE, signed=["my-header1", "x-amz-date"])),
            no("unsigned-header"),
        )
    )
    add(
        V(
            "reject",
            "x-amz-date-unsigned",
            "The X-Amz-Date header present but not signed",
            (13, 22, 32, 37),
            ["unsigned-header"],
            verify_input(header_signed(BASE, signed=["host", "my-header1"])),
            no("unsigned-header"),
        )
    )
    add(
        V(
            "reject",
            "x-amz-meta-unsigned",
            "An x-amz-meta-* header added after signing",
            (13, 32, 37),
            ["unsigned-header"],
            verify_input(add_headers(hs, ["X-Amz-Meta-Owner", "someone-else"])),
            no("unsigned-header"),
        )
    )
    add(
        V(
            "reject",
            "content-sha256-unsigned",
            "x-amz-content-sha256 present but not signed",
            (15, 22, 32, 37),
            ["unsigned-header", "body"],
            verify_input(
                header_signed(
                    add_headers(POST, ["X-Amz-Content-Sha256", R.sha256_hex(POST.body)]),
                    signed=["content-type", "host", "x-amz-date"],
                )
            ),
            no("unsigned-header"),
        )
    )
    add(
        V(
            "reject",
            "presigned-host-unsigned",
            "A presigned URL whose X-Amz-SignedHeaders leaves out host",
            (13, 32, 37),
            ["unsigned-header", "query"],
            verify_input(presigned(BASE, signed=["my-header1"])),
            no("unsigned-header"),
        )
    )
    add(
        V(
            "reject",
            "signed-header-missing",
            "My-Header1 is signed but absent from the request (dropped in transit)",
            (33, 37),
            ["missing-signed-header"],
            verify_input(without(hs, "My-Header1")),
            no("missing-signed-header"),
        )
    )
    add(
        V(
            "reject",
            "presigned-signed-header-missing",
            "A presigned URL whose signed My-Header1 is not sent",
            (33, 37),
            ["missing-signed-header", "query"],
            verify_input(without(qs, "My-Header1")),
            no("missing-signed-header"),
        )
    )
    add(
        V(
            "reject",
            "skew-901s-behind",
            "The verifier's clock 901 s after X-Amz-Date: one second too late",
            (34, 37),
            ["clock-skew", "clock", "edge"],
            verify_input(hs, now=shift(T0, 901)),
            no("clock-skew"),
        )
    )
    add(
        V(
            "reject",
            "skew-901s-ahead",
            "The verifier's clock 901 s before X-Amz-Date: one second too early",
            (34, 37),
            ["clock-skew", "clock", "edge"],
            verify_input(hs, now=shift(T0, -901)),
            no("clock-skew"),
        )
    )
    add(
        V(
            "reject",
            "presigned-expired",
            "A presigned URL one second after X-Amz-Date + X-Amz-Expires",
            (35, 37),
            ["expired", "query", "clock", "edge"],
            verify_input(qs, now=shift(T0, 3601)),
            no("expired"),
        )
    )
    add(
        V(
            "reject",
            "presigned-not-yet-valid",
            "A presigned URL 901 s before its X-Amz-Date",
            (35, 37),
            ["expired", "query", "clock", "edge"],
            verify_input(qs, now=shift(T0, -901)),
            no("expired"),
        )
    )
    add(
        V(
            "reject",
            "tampered-path",
            "The path changed after signing",
            (36, 37),
            ["signature-mismatch"],
            verify_input(header_signed(Req("GET", "/v1/items2?b=2&a=1", BASE.headers), sign_as=BASE)),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "tampered-query",
            "A query value changed after signing",
            (36, 37),
            ["signature-mismatch"],
            verify_input(header_signed(Req("GET", "/v1/items?b=3&a=1", BASE.headers), sign_as=BASE)),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "tampered-body",
            "The body changed after signing",
            (15, 36, 37),
            ["signature-mismatch", "body"],
            verify_input(
                header_signed(Req(POST.method, POST.target, POST.headers, b'{"name":"pen","qty":300}'), sign_as=POST)
            ),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "tampered-signed-header",
            "A signed header's value changed after signing",
            (36, 37),
            ["signature-mismatch"],
            verify_input(replace_header(hs, "My-Header1", "value2")),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "tampered-method",
            "GET signed, DELETE sent",
            (4, 36, 37),
            ["signature-mismatch"],
            verify_input(header_signed(Req("DELETE", BASE.target, BASE.headers), sign_as=BASE)),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "wrong-secret",
            "Signed with another secret under a known access key id",
            (36, 37),
            ["signature-mismatch"],
            verify_input(header_signed(BASE, creds=WRONG_SECRET)),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "content-sha256-other-body",
            "x-amz-content-sha256 and the signature are for another body than the one sent",
            (15, 36, 37),
            ["signature-mismatch", "body"],
            verify_input(_other_body()),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "unsigned-payload-without-header",
            "UNSIGNED-PAYLOAD signed without the header: the verifier hashes the body",
            (15, 36, 37),
            ["signature-mismatch", "body"],
            verify_input(header_signed(POST, payload=R.UNSIGNED_PAYLOAD)),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "presigned-token-unsigned",
            "A token parameter added after presigning: the verifier signs every parameter",
            (23, 36, 37),
            ["signature-mismatch", "query"],
            verify_input(presigned(BASE, token=TOKEN, token_signed=False)),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "double-encoded-for-s3",
            "A '%' path signed with double encoding, received by an S3 (single) verifier",
            (7, 8, 36, 37),
            ["signature-mismatch", "s3"],
            verify_input(
                header_signed(
                    add_headers(S3_PUT, ["x-amz-content-sha256", "UNSIGNED-PAYLOAD"]),
                    scope=_scope(T0, service="s3"),
                    uri_encoding="double",
                    normalize=False,
                ),
                service="s3",
                uri_encoding="single",
                normalize_path=False,
            ),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "normalized-for-s3",
            "A path signed normalised, received by an S3 verifier that does not normalise",
            (6, 8, 36, 37),
            ["signature-mismatch", "s3"],
            verify_input(
                header_signed(
                    add_headers(S3_PUT, ["x-amz-content-sha256", "UNSIGNED-PAYLOAD"]),
                    scope=_scope(T0, service="s3"),
                    uri_encoding="single",
                    normalize=True,
                ),
                service="s3",
                uri_encoding="single",
                normalize_path=False,
            ),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "plus-signed-as-space",
            "The signer read '+' in the query as a space (%20); it is a plus (%2B)",
            (9, 36, 37),
            ["signature-mismatch", "plus"],
            verify_input(
                header_signed(
                    Req("GET", "/search?q=a+b", [["Host", HOST]]),
                    sign_as=Req("GET", "/search?q=a%20b", [["Host", HOST]]),
                )
            ),
            no("signature-mismatch"),
        )
    )
    add(
        V(
            "reject",
            "tab-not-folded",
            "The signer kept a tab inside a header value; the verifier folds it to a space",
            (10, 36, 37),
            ["signature-mismatch", "tab"],
            verify_input(_tab_not_folded()),
            no("signature-mismatch"),
        )
    )

    # ------------------------------------------------------------------ verification order (several defects)
    add(
        V(
            "order",
            "date-before-key",
            "No X-Amz-Date and an unknown key: the date is checked first",
            (37,),
            ["order"],
            verify_input(header_signed(BASE, creds=UNKNOWN, date_header=False, signed=["host", "my-header1"])),
            no("malformed-date"),
        )
    )
    add(
        V(
            "order",
            "key-before-scope",
            "Unknown key and another region: the key lookup comes first",
            (37,),
            ["order"],
            verify_input(header_signed(BASE, creds=UNKNOWN, scope=_scope(T0, region="us-west-2"))),
            no("unknown-access-key"),
        )
    )
    add(
        V(
            "order",
            "scope-before-clock",
            "Wrong region and 1000 s of skew: the scope is checked before the clock",
            (37,),
            ["order"],
            verify_input(header_signed(BASE, scope=_scope(T0, region="us-west-2")), now=shift(T0, 1000)),
            no("wrong-scope"),
        )
    )
    add(
        V(
            "order",
            "unsigned-before-missing",
            "host unsigned and a signed header absent: unsigned-header first",
            (37,),
            ["order"],
            verify_input(without(header_signed(BASE, signed=["my-header1", "x-amz-date"]), "My-Header1")),
            no("unsigned-header"),
        )
    )
    add(
        V(
            "order",
            "missing-before-clock",
            "A signed header absent and 1000 s of skew: missing-signed-header first",
            (37,),
            ["order"],
            verify_input(without(hs, "My-Header1"), now=shift(T0, 1000)),
            no("missing-signed-header"),
        )
    )
    add(
        V(
            "order",
            "clock-before-signature",
            "1000 s of skew and a tampered header: the clock is checked before the MAC",
            (37,),
            ["order"],
            verify_input(replace_header(hs, "My-Header1", "value2"), now=shift(T0, 1000)),
            no("clock-skew"),
        )
    )
    add(
        V(
            "order",
            "expires-before-expired",
            "X-Amz-Expires=604801 and the URL 604802 s old: bad-expires first",
            (37,),
            ["order", "query"],
            verify_input(presigned(BASE, expires="604801"), now=shift(T0, 604802)),
            no("bad-expires"),
        )
    )
    add(
        V(
            "order",
            "expired-before-signature",
            "An expired presigned URL whose query was also changed: expired first",
            (37,),
            ["order", "query"],
            verify_input(Req(qs.method, qs.target.replace("b=2", "b=3"), qs.headers), now=shift(T0, 3601)),
            no("expired"),
        )
    )
    add(
        V(
            "order",
            "algorithm-before-syntax",
            "SigV4a with a 142-digit (DER-shaped) signature: unsupported-algorithm first",
            (37,),
            ["order"],
            verify_input(
                header_signed(
                    BASE,
                    auth_algorithm="AWS4-ECDSA-P256-SHA256",
                    fix_value=lambda val, sig: val.replace(sig, "3045022100" + sig + "0220" + sig),
                )
            ),
            no("unsupported-algorithm"),
        )
    )
    add(
        V(
            "order",
            "mechanism-before-algorithm",
            "Both mechanisms and an unknown algorithm: malformed-authorization first",
            (37,),
            ["order"],
            verify_input(
                header_signed(
                    Req("GET", BASE.target + "&X-Amz-Algorithm=AWS4-HMAC-SHA256", BASE.headers),
                    auth_algorithm="AWS4-HMAC-SHA512",
                )
            ),
            no("malformed-authorization"),
        )
    )
    add(
        V(
            "order",
            "syntax-before-date",
            "An uppercase-hex signature and a malformed date: malformed-authorization first",
            (37,),
            ["order"],
            verify_input(
                header_signed(BASE, date="2015-08-30T12:36:00Z", scope=_scope(T0), fix_value=_upper_signature)
            ),
            no("malformed-authorization"),
        )
    )
    return v


def _date_twice() -> Req:
    """Two X-Amz-Date fields: the signer canonicalised them as SIGV4-12 says (joined with ',')."""
    req = add_headers(BASE, ["X-Amz-Date", T0], ["X-Amz-Date", T0])
    return header_signed(req, date=f"{T0},{T0}", date_header=False, scope=_scope(T0))


def _other_body() -> Req:
    meant = add_headers(POST, ["X-Amz-Content-Sha256", R.sha256_hex(POST.body)])
    sent = Req(meant.method, meant.target, meant.headers, b'{"name":"pen","qty":300}')
    return header_signed(sent, sign_as=meant)


def _tab_not_folded() -> Req:
    """The client's canonical header kept the tab: forge the canonical request by hand."""
    req = Req("GET", "/", [["Host", HOST], ["My-Header1", "a\tb"]])
    headers = [*req.headers, ["X-Amz-Date", T0]]
    canonical = "\n".join(
        (
            "GET",
            "/",
            "",
            f"host:{HOST}\nmy-header1:a\tb\nx-amz-date:{T0}\n",
            "host;my-header1;x-amz-date",
            R.sha256_hex(b""),
        )
    )
    sig = _mac_hex(EXAMPLE["secret_access_key"], _scope(T0), R.ALGORITHM, T0, canonical)
    value = R.authorization_value(EXAMPLE["access_key_id"], "/".join(_scope(T0)), "host;my-header1;x-amz-date", sig)
    return Req(req.method, req.target, [*headers, ["Authorization", value]], req.body)


def _signed_with_bug(
    req: Req,
    *,
    canonical: Callable[[str], str] = lambda text: text,
    sts: Callable[[str], str] = lambda text: text,
    key: Callable[[str, tuple[str, ...]], bytes] | None = None,
    sign_as: Req | None = None,
) -> Req:
    """``req`` header-signed by a client with one bug: ``canonical`` rewrites the correct canonical request,
    ``sts`` the correct string to sign, ``key`` derives the signing key its own way, ``sign_as`` is the request
    it signed instead of the one it sends. The Authorization header itself is well formed, so a verifier that
    shares the bug accepts the request and is caught."""
    basis = sign_as or req
    headers = [*[list(h) for h in basis.headers], ["X-Amz-Date", T0]]
    names = sorted({R.ascii_lower(n) for n, _ in headers})
    block, _ = R.canonical_headers([tuple(h) for h in headers], only=names)
    path, query = R.split_target(basis.target)
    text = R.canonical_request(
        basis.method,
        R.canonical_uri(path, "double", True),
        R.canonical_query(R.parse_query(query)),
        block,
        ";".join(names),
        _payload_for(headers, basis.body),
    )
    scope = _scope(T0)
    string = sts(R.string_to_sign(T0, "/".join(scope), canonical(text)))
    signing_key = (
        key(EXAMPLE["secret_access_key"], scope) if key else R.signing_key(EXAMPLE["secret_access_key"], *scope)
    )
    value = R.authorization_value(
        EXAMPLE["access_key_id"], "/".join(scope), ";".join(names), R.signature(signing_key, string)
    )
    return Req(
        req.method,
        req.target,
        [*[list(h) for h in req.headers], ["X-Amz-Date", T0], ["Authorization", value]],
        req.body,
    )


def _hex_chained_key(secret: str, scope: tuple[str, ...]) -> bytes:
    """SIGV4-19 done wrong: each step keyed with the previous step's hex text instead of its 32 bytes."""
    key = R.hmac_sha256(("AWS4" + secret).encode("utf-8"), scope[0].encode("utf-8"))
    for part in scope[1:]:
        key = R.hmac_sha256(key.hex().encode("ascii"), part.encode("utf-8"))
    return key


def _encode_uri_component(text: str) -> str:
    """JavaScript's encodeURIComponent: keeps ! ' ( ) *, which SIGV4-5 encodes."""
    return "".join(ch if ch in "!'()*" else R.uri_encode(ch.encode("utf-8"), keep_slash=False) for ch in text)


def signer_bug_cases() -> list[V]:
    """Requests signed by clients that break one signing rule: the verifier recomputes by the rule and the MAC
    differs. Each is the only defect of its request."""
    pretty = b'{\n  "name": "pen",\n  "qty": 3\n}\n'
    cases = [
        (
            "body-reserialised",
            "The client signed its JSON body re-serialised (compact) and sent the pretty bytes: a body is signed "
            "exactly as sent",
            (2, 15),
            ["body"],
            _signed_with_bug(
                Req("POST", "/v1/items", [["Host", HOST], ["Content-Type", "application/json"]], pretty),
                sign_as=POST,
            ),
        ),
        (
            "canonical-request-crlf",
            "The client joined the canonical request with CR LF: SIGV4-3 has LF only, no carriage return",
            (3,),
            ["crlf"],
            _signed_with_bug(BASE, canonical=lambda text: text.replace("\n", "\r\n")),
        ),
        (
            "canonical-request-final-lf",
            "The client ended the canonical request with an LF after the payload hash: there is none",
            (3,),
            [],
            _signed_with_bug(BASE, canonical=lambda text: text + "\n"),
        ),
        (
            "encode-uri-component",
            "The client encoded the query with encodeURIComponent, which keeps ' ( ) * ! unencoded: UriEncode "
            "writes them as %27 %28 %29 %2A %21",
            (5, 9),
            ["wire-form"],
            _signed_with_bug(
                Req("GET", "/search?q=it%27s%20(1)%2A", [["Host", HOST]]),
                canonical=lambda text: text.replace("q=it%27s%20%281%29%2A", "q=" + _encode_uri_component("it's (1)*")),
            ),
        ),
        (
            "fold-kept",
            "The client kept the line break of an obsolete fold in the canonical value: the fold is one space",
            (10, 11),
            ["fold"],
            _signed_with_bug(
                Req("GET", "/", [["Host", HOST], ["My-Header1", "value1\n  value2"]]),
                canonical=lambda text: text.replace("my-header1:value1 value2", "my-header1:value1\nvalue2"),
            ),
        ),
        (
            "string-to-sign-uppercase-hash",
            "The client wrote the canonical request's hash in upper-case hex in the string to sign",
            (1, 18),
            [],
            _signed_with_bug(BASE, sts=lambda text: text[:-64] + text[-64:].upper()),
        ),
        (
            "string-to-sign-final-lf",
            "The client ended the string to sign with an LF: four lines, no LF at the end",
            (18,),
            [],
            _signed_with_bug(BASE, sts=lambda text: text + "\n"),
        ),
        (
            "signing-key-hex-steps",
            "The client keyed each step of the signing key with the previous step's hex text, not its 32 bytes",
            (19,),
            [],
            _signed_with_bug(BASE, key=_hex_chained_key),
        ),
    ]
    return [
        V(
            "signer-bug",
            name,
            description,
            (*numbers, 36),
            ["signature-mismatch", *tags],
            verify_input(req),
            no("signature-mismatch"),
        )
        for name, description, numbers, tags, req in cases
    ]


def verify_vectors() -> dict[str, list[Vector]]:
    groups: dict[str, list[Vector]] = {}
    seen = set()
    for case in verify_cases() + signer_bug_cases():
        vid = f"sigv4/verify/{case.group}/{case.name}"
        if vid in seen:
            fail(f"duplicate id {vid}")
        seen.add(vid)
        data = materialise(case.input)
        ours, theirs = R.run_case("verify", data), crosscheck.run_case("verify", data)
        if not ours == theirs == case.expected:
            fail(f"{vid}: declared {case.expected}, reference {ours}, cross-check {theirs}")
        tags = tag_list(["verify"], case.tags, feature_tags("verify", case.input))
        groups.setdefault(case.group, []).append(
            Vector(
                vid, case.description, "verify", rules(*case.rules, 37), tags, "generated", case.input, case.expected
            )
        )
    return groups


# ================================================================================================== main

FILES = [
    # (file name, description, vectors-key)
    (
        "published-aws-c-auth.yaml",
        "The published AWS SigV4 test suite (aws-c-auth v4, 38 cases), header and query mode.",
        "published-aws-c-auth",
    ),
    (
        "published-botocore.yaml",
        "Cases of the botocore copy of the AWS suite that aws-c-auth lacks, and its older form-body cases.",
        "published-botocore",
    ),
    (
        "published-smithy-rs.yaml",
        "Two published cases of paths that are already percent-encoded on the wire (double encoding).",
        "published-smithy-rs",
    ),
    ("uri.yaml", "Canonical URI: the encoding alphabet, double and single (S3) encoding, path normalisation.", "uri"),
    ("query.yaml", "Canonical query string: decoding, encoding, empty values and the sort order.", "query"),
    ("headers.yaml", "Canonical headers: whitespace, obsolete folds, empty and repeated values, name case.", "headers"),
    ("payload.yaml", "Payload hash: UNSIGNED-PAYLOAD, x-amz-content-sha256, binary bodies.", "payload"),
    (
        "session-token.yaml",
        "Session tokens with '+', '/' and '=' in query mode, signed and added after signing.",
        "session-token",
    ),
    ("expires.yaml", "X-Amz-Expires: the range 1..604800 and the signer's refusal outside it.", "expires"),
    ("scope.yaml", "Another key, region, service and date.", "scope"),
    (
        "verify-accept.yaml",
        "Verification: requests a verifier must accept, including the clock edges.",
        "verify-accept",
    ),
    (
        "verify-reject.yaml",
        "Verification: one rejection per defect, each request otherwise correctly signed.",
        "verify-reject",
    ),
    ("verify-order.yaml", "Verification order (SIGV4-37): requests with several defects on purpose.", "verify-order"),
    (
        "coverage-signer-bugs.yaml",
        "Verification: requests signed by clients that break one signing rule (SIGV4-2…19), each rejected.",
        "verify-signer-bug",
    ),
]


def collect(source_dir: Path) -> dict[str, list[Vector]]:
    out: dict[str, list[Vector]] = {
        "published-aws-c-auth": aws_c_auth_vectors(source_dir),
        "published-botocore": botocore_vectors(source_dir),
        "published-smithy-rs": smithy_vectors(source_dir),
    }
    out.update(edge_vectors())
    for group, vectors in verify_vectors().items():
        out[f"verify-{group}"] = vectors
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, default=DEFAULT_SOURCE, help=f"the extracted published data (default {DEFAULT_SOURCE})"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "vectors" / "sigv4", help="where to write the YAML files")
    args = parser.parse_args()

    groups = collect(args.source)
    keys = {key for _, _, key in FILES}
    if set(groups) != keys:
        fail(f"groups without a file or files without a group: {sorted(set(groups) ^ keys)}")
    ids: set[str] = set()
    problems = 0
    for vectors in groups.values():
        for vec in vectors:
            if vec.id in ids:
                fail(f"duplicate id {vec.id}")
            ids.add(vec.id)
            for message in lint.problems(vec.operation, materialise(vec.input), vec.expected, tuple(vec.tags)):
                print(f"{vec.id}: {message}", file=sys.stderr)
                problems += 1
    if problems:
        fail(f"{problems} lint problems; nothing written")
    args.out.mkdir(parents=True, exist_ok=True)
    written = set()
    counts: Counter = Counter()
    for name, description, key in FILES:
        vectors = [v.as_dict() for v in groups[key]]
        text = write_file(args.out / name, description, vectors)
        loaded = yaml.safe_load(text)
        if loaded["vectors"] != vectors:
            for a, b in zip(loaded["vectors"], vectors, strict=False):
                if a != b:
                    fail(f"{name}: YAML round trip changed {b['id']}:\n{a}\n{b}")
            fail(f"{name}: YAML round trip changed the vector list")
        written.add(name)
        for v in vectors:
            counts[v["operation"]] += 1
        print(f"{name}: {len(vectors)} vectors")
    # mutants-*.yaml are written by hand, to kill the mutants of docs/mutants.md: not this script's to remove.
    made_here = [p for p in args.out.glob("*.yaml") if not p.name.startswith("mutants-")]
    for stale in sorted(p for p in made_here if p.name not in written):
        stale.unlink()
        print(f"removed stale {stale.name}")
    print(
        "per operation: "
        + ", ".join(f"{op} {n}" for op, n in sorted(counts.items()))
        + f"; total {sum(counts.values())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
