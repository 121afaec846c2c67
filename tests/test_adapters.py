"""Adapters, called directly: what each kind of answer becomes (a Response), what an implementation's declared
capabilities exclude, how ``--impl`` is parsed, and that an implementation can never change the vectors."""

from __future__ import annotations

import copy
import itertools

import pytest

from hmac_conformance._adapters import base, inprocess
from hmac_conformance._adapters.inprocess import InProcessAdapter, load_target
from hmac_conformance._exceptions import AdapterError
from hmac_conformance._load import load

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
