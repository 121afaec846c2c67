"""The adapters' small decisions, called directly, with exact results: how a one-shot answer is read (each way it
can be wrong), which command a one-shot adapter starts, the defaults of an --impl, the mode of a spec and the
command line that reproduces one vector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmac_conformance import _adapters as adapters
from hmac_conformance import _protocol as protocol
from hmac_conformance._adapters import oneshot
from hmac_conformance._adapters.oneshot import OneShotAdapter
from hmac_conformance._adapters.process import Command, Exchange
from hmac_conformance._exceptions import ProtocolError, UsageError
from hmac_conformance._outcome import Response
from tests.test_adapters import MAC

COMMAND = Command(("x",), Path.cwd(), {})
RESULT = json.dumps({"type": "result", "seq": 0, "output": {"tag": "AAEC"}}).encode()


def interpreted(answer: Exchange, timeout: float = 5.0) -> Response:
    return OneShotAdapter("cmd:x", COMMAND, timeout)._interpret(answer, MAC)


def protocol_error(line: bytes) -> str:
    with pytest.raises(ProtocolError) as caught:
        protocol.parse_result(line)
    return str(caught.value)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Exchange(None, b"", "", timed_out=True), "timeout: no complete answer within 5 s"),
        (Exchange(None, b"x" * 10, "", overflow=True), "response larger than 16 MiB"),
        (Exchange(3, RESULT + b"\n", ""), "exit status 3 (one-shot adapters must exit 0)"),
        (Exchange(0, b"\n  \n", ""), "expected exactly one response line on stdout, got 0"),
        (Exchange(0, RESULT + b"\n" + RESULT + b"\n", ""), "expected exactly one response line on stdout, got 2"),
        (Exchange(0, RESULT.replace(b'"seq": 0', b'"seq": 7') + b"\n", ""),
         "response seq 7 does not echo the case's seq 0"),
    ],
    ids=["timeout", "overflow", "exit-status", "no-line", "two-lines", "seq"],
)  # fmt: skip
def test_each_wrong_one_shot_answer_is_an_error_saying_why(answer, message):
    assert interpreted(answer) == Response("error", message=message)


def test_a_one_shot_answer_that_is_no_result_message():
    line = b'{"type": "result"}'
    assert interpreted(Exchange(0, line + b"\n", "")) == Response("error", message=protocol_error(line))


def test_a_right_one_shot_answer():
    assert interpreted(Exchange(0, RESULT + b"\n", "")) == Response("output", output={"tag": b"\0\1\2"})


def test_the_one_shot_adapter_starts_its_own_command(monkeypatch):
    commands = []

    def exchange(command, data, timeout):
        commands.append(command)
        return Exchange(0, RESULT + b"\n", "")

    monkeypatch.setattr(oneshot, "exchange", exchange)
    adapter = OneShotAdapter("cmd:x", COMMAND, 5.0)
    adapter.start()
    adapter.run_one(MAC)
    assert commands == [COMMAND, COMMAND]
    assert adapter.jobs == 1


def test_the_defaults_of_an_impl():
    cmd = adapters.implementation("cmd:sh")
    assert (cmd.timeout, cmd.jobs) == (5.0, 1)
    jsonl = adapters.implementation("jsonl:sh")
    assert (jsonl.timeout, jsonl.startup_timeout) == (5.0, 30.0)
    with pytest.raises(UsageError) as caught:
        adapters.implementation("cmd:'unclosed")
    assert str(caught.value) == '--impl "cmd:\'unclosed": cannot split the command line: No closing quotation'


def test_the_mode_is_read_from_the_first_colon():
    assert adapters.mode("cmd:a:b") == "one-shot"
    assert adapters.mode("jsonl:a:b") == "persistent"
    assert adapters.mode("python:m:f") == "in-process"


@pytest.mark.parametrize(
    ("spec", "paths", "line"),
    [
        ("cmd:./a b", (), "hmac-conformance case hmac/x | ./a b"),
        ("cmd:go:run", ("v/a b.yaml", "w.yaml"), "hmac-conformance case hmac/x --vectors 'v/a b.yaml' --vectors w.yaml | go:run"),
        ("jsonl:./a", ("w.yaml",), "hmac-conformance case hmac/x --vectors w.yaml --persistent | ./a"),
        ("python:m:f", (), "hmac-conformance run --impl python:m:f -k hmac/x"),
        ("reference", ("w.yaml",), "hmac-conformance run --impl reference --vectors w.yaml -k hmac/x"),
    ],
)  # fmt: skip
def test_the_command_line_that_reproduces_one_vector(spec, paths, line):
    assert adapters.reproduce(spec, "hmac/x", paths) == line
    assert adapters.reproduce(spec, "hmac/a b", paths) == line.replace("hmac/x", "'hmac/a b'")


def test_the_in_process_target_gets_the_case_and_a_copy_of_its_input():
    calls = []

    class Target:
        @staticmethod
        def run_case(scheme, operation, inp):
            calls.append((scheme, operation, inp))
            inp["key"] = b"changed"
            return {"tag": b""}

    from hmac_conformance._adapters.inprocess import InProcessAdapter

    ((vector, response),) = list(InProcessAdapter("python:t", Target()).run([MAC]))
    assert (vector, response.kind) == (MAC, "output")
    assert calls == [("hmac", "mac", {**MAC.input, "key": b"changed"})]
    assert MAC.input["key"] != b"changed"
