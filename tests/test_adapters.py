"""Adapters, called directly: what each kind of answer becomes (a Response), what an implementation's declared
capabilities exclude, how ``--impl`` is parsed, and that an implementation can never change the vectors."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
from pathlib import Path

import pytest

from hmac_conformance import _adapters as adapters
from hmac_conformance import _protocol as protocol
from hmac_conformance import _reference as reference
from hmac_conformance import schemes
from hmac_conformance._adapters import base, inprocess, oneshot
from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._adapters.oneshot import OneShotAdapter
from hmac_conformance._adapters.persistent import PersistentAdapter
from hmac_conformance._adapters.process import Command, Exchange
from hmac_conformance._exceptions import AdapterError, UsageError
from hmac_conformance._load import load
from hmac_conformance._model import to_wire

VECTORS = {v.id: v for v in load().vectors}
MAC = VECTORS["hmac/rfc4231/sha256/case-1"]
SHA512 = VECTORS["hmac/rfc4231/sha512/case-1"]
SIGN = VECTORS["firstvision/sign/post-json"]
VERIFY = VECTORS["firstvision/verify/replay/seen-id"]


# -- capabilities ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("supports", "why"),
    [
        (None, None),
        ({"hmac": {"operations": ["mac"], "algorithms": ["sha256"]}}, None),
        ({}, "scheme hmac not supported"),
        ({"firstvision": {"operations": ["sign"]}}, "scheme hmac not supported"),
        ({"hmac": {"operations": ["mac-verify"], "algorithms": ["sha256"]}}, "operation mac not supported"),
        ({"hmac": {"algorithms": ["sha256"]}}, "operation mac not supported"),
        ({"hmac": {"operations": ["mac"], "algorithms": ["sha512"]}}, "algorithm sha256 not supported"),
    ],
)
def test_unsupported_reason(supports, why):
    assert base.unsupported_reason(supports, MAC) == why


@pytest.mark.parametrize(
    ("entry", "key", "needed", "why"),
    [
        ({"features": ["a", "b"]}, "features", ["b", "a"], None),
        ({"features": ["a"]}, "features", [], None),
        ({}, "features", ["z", "a", "z"], "feature a, z not supported"),
        ({"features": ["b"]}, "features", ["c", "b", "a"], "feature a, c not supported"),
        ({"algorithms": ["sha256"]}, "algorithms", {"sha512"}, "algorithm sha512 not supported"),
        ({"algorithms": ["sha256"]}, "features", ["sha256"], "feature sha256 not supported"),
    ],
)
def test_missing_names_what_the_entry_lacks_sorted_once_each(entry, key, needed, why):
    assert schemes.missing(entry, needed, key) == why


# -- in-process ------------------------------------------------------------------------------------------------------


class Outer:
    class Inner:
        @staticmethod
        def run_case(scheme, operation, inp):
            return {"tag": b""}


def test_load_target_follows_dotted_attributes_and_says_what_is_missing():
    assert load_target("tests.test_adapters:Outer.Inner") is Outer.Inner
    assert load_target("hmac_conformance._reference").__name__ == "hmac_conformance._reference"
    with pytest.raises(AdapterError, match=r"^cannot import 'tests.nosuch': ModuleNotFoundError: No module named"):
        load_target("tests.nosuch:x")
    with pytest.raises(AdapterError, match=r"^'tests.test_adapters' has no attribute 'Outer.Missing'$"):
        load_target("tests.test_adapters:Outer.Missing")
    with pytest.raises(AdapterError, match=r"^'tests.test_adapters:Outer' has no run_case\(scheme, operation, input\)"):
        load_target("tests.test_adapters:Outer")


class Scripted:
    """Answers each case with the next behaviour: a value to return, or an exception to raise."""

    def __init__(self, *behaviours, hello=None):
        self.behaviours = iter(behaviours)
        if hello is not None:
            self.hello = lambda: hello

    def run_case(self, scheme, operation, inp):
        behaviour = next(self.behaviours)
        if isinstance(behaviour, BaseException):
            raise behaviour
        return behaviour(inp) if callable(behaviour) else behaviour


def responses(adapter, vectors):
    adapter.start()
    return [(v.id, r.kind, r.message) for v, r in adapter.run(vectors)]


def test_in_process_every_case_gets_a_response_whatever_the_one_before_did():
    target = Scripted(KeyError("k"), NotImplementedError("no sha512"), NotImplementedError(), {"tag": b"x"})
    assert responses(InProcessAdapter("python:t", target), [MAC, SHA512, MAC, MAC]) == [
        (MAC.id, "error", "raised KeyError: 'k'"),
        (SHA512.id, "skip", "no sha512"),
        (MAC.id, "skip", "not implemented"),
        (MAC.id, "output", ""),
    ]


def test_in_process_declared_capabilities_exclude_vectors_without_calling_them():
    supports = {"hmac": {"operations": ["mac"], "algorithms": ["sha256"]}}
    target = Scripted({"tag": b"1"}, {"tag": b"2"}, hello={"supports": supports})
    adapter = InProcessAdapter("python:t", target)
    assert responses(adapter, [SHA512, MAC, SIGN, MAC]) == [
        (SHA512.id, "unsupported", "algorithm sha512 not supported"),
        (MAC.id, "output", ""),
        (SIGN.id, "unsupported", "scheme firstvision not supported"),
        (MAC.id, "output", ""),
    ]
    assert adapter.identity == {"name": "python:t", "version": "unknown", "language": "python"}, "no identity given"


def test_in_process_hello_identity():
    ident = {"name": "sdk", "version": "3", "language": "python"}
    adapter = InProcessAdapter("python:t", Scripted(hello={"implementation": ident}))
    adapter.start()
    assert adapter.identity == ident and adapter.supports is None
    plain = InProcessAdapter("python:t", Scripted())
    plain.start()
    assert plain.identity["name"] == "python:t" and plain.supports is None


def test_in_process_output_and_its_time(monkeypatch):
    ticks = itertools.count(10.0, 0.25)
    monkeypatch.setattr(inprocess.time, "perf_counter", lambda: next(ticks))
    adapter = InProcessAdapter("python:t", Scripted({"tag": b"x"}))
    ((vector, response),) = list(adapter.run([MAC]))
    assert (vector, response.kind, response.output, response.seconds) == (MAC, "output", {"tag": b"x"}, 0.25)


def test_an_implementation_that_changes_its_input_changes_no_vector():
    def vandal(inp):
        inp["request"]["headers"].clear()
        inp["keys"][0]["secret"] = b"stolen"
        inp.clear()
        return {"valid": True}

    before = copy.deepcopy(VERIFY.input)
    list(InProcessAdapter("python:t", Scripted(vandal)).run([VERIFY]))
    assert VERIFY.input == before


# -- --impl ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "mode"),
    [("reference", "in-process"), ("python:m:A", "in-process"), ("cmd:./a", "one-shot"), ("jsonl:./a", "persistent"),
     ("other", "in-process"), ("cmd", "one-shot")],
)  # fmt: skip
def test_mode_of_each_kind(spec, mode):
    assert adapters.mode(spec) == mode


def test_implementation_of_each_kind(tmp_path):
    ref = adapters.implementation("reference")
    assert isinstance(ref, InProcessAdapter) and ref.spec == "reference"
    assert ref.target.__name__ == "hmac_conformance._reference"
    py = adapters.implementation("python:tests.test_adapters:Outer.Inner")
    assert (
        isinstance(py, InProcessAdapter)
        and py.target is Outer.Inner
        and py.spec == "python:tests.test_adapters:Outer.Inner"
    )
    one = adapters.implementation("cmd:sh -c 'exit 0'", timeout=2.5, jobs=3, cwd=tmp_path, env={"X": "1"})
    assert isinstance(one, OneShotAdapter)
    assert (one.spec, one.timeout, one.jobs) == ("cmd:sh -c 'exit 0'", 2.5, 3)
    assert one.command.argv == ("sh", "-c", "exit 0") and one.command.cwd == tmp_path.resolve()
    assert one.command.env["X"] == "1"
    persistent = adapters.implementation("jsonl:sh", timeout=1.5, startup_timeout=7.0, jobs=4)
    assert isinstance(persistent, PersistentAdapter)
    assert (persistent.spec, persistent.timeout, persistent.startup_timeout) == ("jsonl:sh", 1.5, 7.0)
    assert persistent.command.argv == ("sh",) and persistent.command.cwd == Path.cwd().resolve()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("cmd:", "--impl 'cmd:': use reference, python:MODULE[:ATTR], cmd:COMMAND or jsonl:COMMAND"),
        ("jsonl:  ", "--impl 'jsonl:  ': use reference, python:MODULE[:ATTR], cmd:COMMAND or jsonl:COMMAND"),
        ("sdk", "--impl 'sdk': use reference, python:MODULE[:ATTR], cmd:COMMAND or jsonl:COMMAND"),
        ("grpc:host:1", "--impl 'grpc:host:1': unknown kind 'grpc' (reference, python:, cmd: or jsonl:)"),
        ("python:tests.test_adapters:Nope", "--impl 'python:tests.test_adapters:Nope': 'tests.test_adapters' has no attribute 'Nope'"),
        ("cmd:no-such-program-anywhere", "--impl 'cmd:no-such-program-anywhere': program 'no-such-program-anywhere' not found on PATH"),
    ],
)  # fmt: skip
def test_implementation_refusals(spec, message):
    with pytest.raises(UsageError) as caught:
        adapters.implementation(spec)
    assert str(caught.value) == message


def test_a_program_with_a_path_must_exist_and_be_executable(tmp_path):
    script = tmp_path / "adapter.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        adapters.implementation("cmd:./adapter.sh", cwd=tmp_path)
    assert str(caught.value) == f"--impl 'cmd:./adapter.sh': {tmp_path.resolve() / 'adapter.sh'} is not executable"
    script.chmod(0o755)
    assert adapters.implementation("jsonl:./adapter.sh", cwd=tmp_path).command.argv == ("./adapter.sh",)
    assert adapters.implementation(f"cmd:{script}").command.argv == (str(script),)
    with pytest.raises(UsageError) as caught:
        adapters.implementation("cmd:./missing.sh", cwd=tmp_path)
    assert str(caught.value) == f"--impl 'cmd:./missing.sh': no such program: {tmp_path.resolve() / 'missing.sh'}"
    with pytest.raises(UsageError) as caught:
        adapters.implementation(f"cmd:{tmp_path}/missing.sh", cwd=Path("/"))
    assert str(caught.value) == f"--impl 'cmd:{tmp_path}/missing.sh': no such program: {tmp_path}/missing.sh"


def test_a_bare_program_is_looked_up_on_the_implementations_path(tmp_path):
    (tmp_path / "my-adapter").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "my-adapter").chmod(0o755)
    with pytest.raises(UsageError, match="program 'my-adapter' not found on PATH"):
        adapters.implementation("cmd:my-adapter")
    assert adapters.implementation("cmd:my-adapter", env={"PATH": str(tmp_path)}).command.argv == ("my-adapter",)


# -- one-shot --------------------------------------------------------------------------------------------------------

HELLO_LINE = json.dumps({"type": "hello", "protocol": 1, **reference.hello()}).encode() + b"\n"


class Exchanges:
    """A fake exchange(): records each request and returns the scripted Exchange (or raises it)."""

    def __init__(self, *answers):
        self.answers, self.sent = list(answers), []

    def __call__(self, command, data, timeout):
        self.sent.append((json.loads(data), timeout))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer(json.loads(data)) if callable(answer) else answer


def one_shot(monkeypatch, *answers, timeout=5.0, jobs=1):
    fake = Exchanges(*answers)
    monkeypatch.setattr(oneshot, "exchange", fake)
    return OneShotAdapter("cmd:x", Command(("x",), Path.cwd(), {}), timeout, jobs), fake


def right_answer(case):
    vector = VECTORS[case["id"]]
    output = reference.run_case(vector.scheme, vector.operation, vector.input)
    return Exchange(0, json.dumps({"type": "result", "seq": case["seq"], "output": to_wire(output)}).encode(), "")


def test_response_from_message():
    skip = {"type": "result", "seq": 0, "skip": {"reason": "no sha3", "link": "https://l"}}
    assert oneshot.response_from_message(skip, MAC) == oneshot.Response("skip", message="no sha3", link="https://l")
    error = {"type": "result", "seq": 0, "error": {"message": "boom"}}
    assert oneshot.response_from_message(error, MAC) == oneshot.Response(
        "error", message="implementation reported: boom"
    )
    tag = {"type": "result", "seq": 0, "output": {"tag": "AAEC"}}
    assert oneshot.response_from_message(tag, MAC) == oneshot.Response("output", output={"tag": b"\0\1\2"})
    bad = {"type": "result", "seq": 0, "output": {"tag": 5}}
    response = oneshot.response_from_message(bad, MAC)
    assert response.kind == "error" and response.message.startswith("invalid hmac mac output (tag): ")


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ({"skip": {"reason": "no sha3"}}, "skip"),
        ({"error": {"message": "boom"}}, "error"),
        ({"output": {"tag": "AAEC"}}, "output"),
        ({"output": {"tag": 5}}, "error"),
    ],
)
def test_every_response_carries_its_time_and_stderr(message, kind):
    got = oneshot.response_from_message({"type": "result", "seq": 0, **message}, MAC, seconds=1.5, stderr="said\n")
    assert (got.kind, got.seconds, got.stderr) == (kind, 1.5, "said\n")


def test_one_shot_hello_gives_identity_and_capabilities(monkeypatch):
    adapter, fake = one_shot(monkeypatch, Exchange(0, b"\n" + HELLO_LINE + b"  \n", ""), timeout=2.0)
    adapter.start()
    assert fake.sent == [(protocol.HELLO, 2.0)]
    assert adapter.identity == reference.hello()["implementation"] and adapter.supports == reference.hello()["supports"]


@pytest.mark.parametrize(
    "answer",
    [Exchange(1, HELLO_LINE, ""), Exchange(0, HELLO_LINE * 2, ""), Exchange(0, b'{"type":"hello"}\n', ""),
     Exchange(0, b"", "")],
)  # fmt: skip
def test_one_shot_without_a_usable_hello_keeps_its_command_line_name(monkeypatch, answer):
    adapter, _ = one_shot(monkeypatch, answer)
    adapter.start()
    assert adapter.identity == {"name": "x", "version": "unknown", "language": "unknown"} and adapter.supports is None


def test_one_shot_that_cannot_be_started(monkeypatch):
    adapter, _ = one_shot(monkeypatch, OSError("cannot start 'x': No such file or directory"))
    with pytest.raises(AdapterError, match=r"^cannot start 'x': No such file or directory$"):
        adapter.start()
    ticks = itertools.count(1.0, 0.5)
    monkeypatch.setattr(oneshot.time, "monotonic", lambda: next(ticks))
    response = adapter.run_one(MAC)
    assert (response.kind, response.message, response.seconds) == (
        "error",
        "cannot start 'x': No such file or directory",
        0.5,
    )


def test_one_shot_case_message_timing_and_stderr(monkeypatch):
    adapter, fake = one_shot(
        monkeypatch, lambda case: dataclasses.replace(right_answer(case), stderr="note"), timeout=0.5
    )
    ticks = itertools.count(10.0, 0.125)
    monkeypatch.setattr(oneshot.time, "monotonic", lambda: next(ticks))
    response = adapter.run_one(MAC)
    assert fake.sent == [(protocol.case_message(0, MAC), 0.5)]
    assert (response.kind, response.stderr, response.seconds) == ("output", "note", 0.125)
    assert response.output == reference.run_case("hmac", "mac", MAC.input)


def test_one_shot_timeout_message_uses_the_timeout_as_given(monkeypatch):
    adapter, _ = one_shot(monkeypatch, Exchange(None, b"", "", timed_out=True), timeout=0.25)
    assert adapter.run_one(MAC).message == "timeout: no complete answer within 0.25 s"


def test_one_shot_declared_capabilities_exclude_vectors_without_starting_them(monkeypatch):
    adapter, fake = one_shot(monkeypatch, right_answer)
    adapter.supports = {"hmac": {"operations": ["mac"], "algorithms": ["sha256"]}}
    assert [(v.id, r.kind, r.message) for v, r in adapter.run([SHA512, MAC])] == [
        (SHA512.id, "unsupported", "algorithm sha512 not supported"),
        (MAC.id, "output", ""),
    ]
    assert [case["id"] for case, _ in fake.sent] == [MAC.id]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_one_shot_runs_keep_the_order_of_the_vectors_in_parallel_too(monkeypatch, jobs):
    vectors = [v for v in VECTORS.values() if v.scheme == "hmac" and v.operation == "mac"][:20]
    adapter, fake = one_shot(monkeypatch, right_answer, jobs=jobs)
    got = [(v.id, r.kind) for v, r in adapter.run(iter(vectors))]
    assert got == [(v.id, "output") for v in vectors]
    assert sorted(case["id"] for case, _ in fake.sent) == sorted(v.id for v in vectors)
    assert adapter.jobs == jobs


def test_one_shot_jobs_is_at_least_one(monkeypatch):
    assert one_shot(monkeypatch, right_answer, jobs=0)[0].jobs == 1
    assert one_shot(monkeypatch, right_answer, jobs=-3)[0].jobs == 1
