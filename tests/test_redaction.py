"""--redact-keys: every form of every secret (text, hex in both cases, Base64) is scrubbed from every field of a
result and from every report written from it; reported inputs lose their secret fields, and the vectors
themselves are never touched."""

from __future__ import annotations

import base64
import contextlib
import copy
import dataclasses
import io
import json
from pathlib import Path

from hmac_conformance._adapters.inprocess import InProcessAdapter
from hmac_conformance._execute import execute
from hmac_conformance._load import load
from hmac_conformance._outcome import Result
from hmac_conformance._redact import MARK, Redactor, redacted_input, secrets_of
from hmac_conformance._report import console, jsonreport, junit, markdown

VECTORS = {v.id: v for v in load().vectors}
MAC = VECTORS["hmac/rfc4231/sha256/case-1"]
SIGN = VECTORS["firstvision/sign/post-json"]
VERIFY = VECTORS["firstvision/verify/replay/seen-id"]


def with_key(key: bytes, vector=MAC):
    return dataclasses.replace(vector, id=f"{vector.id}/k{len(key)}", input={**vector.input, "key": key})


def forms(secret: bytes) -> list[str]:
    out = [secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode()]
    with contextlib.suppress(UnicodeDecodeError):
        out.append(secret.decode("utf-8"))
    return out


def test_the_secrets_of_each_operation():
    assert secrets_of(MAC) == [MAC.input["key"]]
    assert secrets_of(SIGN) == [SIGN.input["secret"]]
    assert secrets_of(VERIFY) == [k["secret"] for k in VERIFY.input["keys"]] and len(secrets_of(VERIFY)) >= 1


def test_a_key_that_is_not_utf8_is_scrubbed_in_its_other_forms():
    key = b"\xff\xfe\x80secret"
    redact = Redactor([with_key(key)])
    assert sorted(redact.forms) == sorted(forms(key)) and len(redact.forms) == 3
    text = " ".join(forms(key))
    assert redact.scrub(text) == " ".join([MARK] * 3)


def test_the_longest_form_goes_first_so_no_part_of_a_secret_is_left():
    # "1234" is inside "01234" (text) and its hex 31323334 inside 3031323334: the longer must be replaced first.
    redact = Redactor([with_key(b"1234"), with_key(b"01234")])
    assert [len(f) for f in redact.forms] == sorted((len(f) for f in redact.forms), reverse=True)
    assert redact.scrub("key=01234;") == f"key={MARK};"
    assert redact.scrub("hex=3031323334") == f"hex={MARK}"
    assert redact.scrub("both 1234 and 01234") == f"both {MARK} and {MARK}"
    assert redact.scrub("") == "" and redact.scrub("nothing secret") == "nothing secret"


def test_input_is_redacted_only_where_it_is_reported_and_the_vector_is_left_alone():
    original = json.dumps(VERIFY.input, default=bytes.hex, sort_keys=True)
    redact = Redactor([VERIFY])
    reported = Result(VERIFY.id, "firstvision", "verify", (), "fail", input=VERIFY.input)
    not_reported = Result(VERIFY.id, "firstvision", "verify", (), "pass", input=None)
    got = redact(reported, VERIFY)
    assert [k["secret"] for k in got.input["keys"]] == [MARK] * len(VERIFY.input["keys"])
    assert [k["api_key"] for k in got.input["keys"]] == [k["api_key"] for k in VERIFY.input["keys"]]
    assert redact(not_reported, VERIFY).input is None
    assert json.dumps(VERIFY.input, default=bytes.hex, sort_keys=True) == original, "the vector was changed"
    assert redacted_input(MAC) == {**MAC.input, "key": MARK}
    assert MAC.input["key"] != MARK


class _Leaky:
    """Fails every case, putting the key in every form into its error message."""

    def run_case(self, scheme, operation, inp):
        key = inp.get("key") or inp.get("secret")
        raise ValueError(" ".join(forms(key)))


def test_no_form_of_any_key_reaches_any_report(tmp_path: Path):
    vectors = [with_key(b"first-private-key"), with_key(b"\x00\x01second\xff"), dataclasses.replace(MAC)]
    secrets = [v.input["key"] for v in vectors]
    run = execute(InProcessAdapter("python:leaky", _Leaky()), vectors, redact_keys=True)
    assert [r.status for r in run.results] == ["error"] * 3
    assert all(r.message.startswith(f"raised ValueError: {MARK} {MARK} {MARK}") for r in run.results)
    written = []
    for name, write in (("r.json", jsonreport.write), ("r.xml", junit.write), ("r.md", markdown.write)):
        write(tmp_path / name, [run])
        written.append((tmp_path / name).read_text(encoding="utf-8"))
    out = io.StringIO()
    console.Console(out, verbosity=1).summary(run)
    written.append(out.getvalue())
    for text in written:
        assert MARK.replace("<", "&lt;").replace(">", "&gt;") in text or MARK in text
        for secret in secrets:
            for form in forms(secret):
                if len(form) >= 4:
                    assert form not in text, (form, text[:200])
    unredacted = execute(InProcessAdapter("python:leaky", _Leaky()), vectors[:1])
    assert forms(secrets[0])[0] in unredacted.results[0].message, "without --redact-keys nothing is scrubbed"


def test_a_secret_given_as_text_is_scrubbed_as_its_utf8_bytes_and_the_vector_is_left_whole():
    from hmac_conformance._redact import redacted_input, secrets_of

    vector = next(v for v in load().vectors if v.scheme == "sigv4" and v.operation == "sign")
    secret = vector.input["credentials"]["secret_access_key"]
    assert isinstance(secret, str) and secrets_of(vector) == [secret.encode("utf-8")]
    before = copy.deepcopy(vector.input)
    redacted = redacted_input(vector)
    assert redacted["credentials"]["secret_access_key"] == "<redacted>"
    assert redacted["credentials"]["access_key_id"] == vector.input["credentials"]["access_key_id"]
    assert vector.input == before, "the vector itself keeps its secret"
