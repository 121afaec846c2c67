"""Large byte strings stay as written until used: a vector whose byte strings expand beyond DEFER_ABOVE holds
their specs and expands them on each access, with the same value, the same errors and the same equality as a
vector that holds them expanded."""

from __future__ import annotations

import base64
import copy
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hmac_conformance import _model, schemes
from hmac_conformance import _protocol as protocol
from hmac_conformance._load import LoadResult, load, load_file
from hmac_conformance._model import DEFER_ABOVE, Deferred, fresh_copy
from tests.conftest import VECTORS

LARGE = DEFER_ABOVE // 16 + 1  # repeats of 16 bytes: just over the threshold

FILE = """\
format: 1
scheme: hmac
description: "Large and small messages."
vectors:
  - id: hmac/size/{name}
    description: "A message of {count} repeats."
    operation: mac
    rules: [MAC-1]
    tags: [mac]
    since: "1.0.0"
    source: generated
    input:
      algorithm: sha256
      key: {{hex: "000102030405060708090a0b0c0d0e0f"}}
      message: {{repeat: {{utf8: "0123456789abcdef"}}, count: {count}}}
      tag_length: 32
    expected:
      tag: {{hex: "{mac}"}}
"""


def write(tmp_path: Path, name: str, count: int, mac: str | None = None) -> Path:
    import hashlib
    import hmac

    digest = hmac.new(bytes(range(16)), b"0123456789abcdef" * count, hashlib.sha256).hexdigest()
    path = tmp_path / f"{name}.yaml"
    path.write_text(FILE.format(name=name, count=count, mac=mac or digest), encoding="utf-8")
    return path


def loaded(path: Path) -> LoadResult:
    result = LoadResult()
    load_file(path, result)
    return result


def test_a_large_vector_holds_specs_and_gives_bytes(tmp_path):
    (vector,) = loaded(write(tmp_path, "large", LARGE)).vectors
    held = vector.__dict__["_input"]
    assert isinstance(held, Deferred) and held.byte_paths == (("key",), ("message",))
    assert held.data["message"] == {"repeat": {"utf8": "0123456789abcdef"}, "count": LARGE}
    assert vector.input["message"] == b"0123456789abcdef" * LARGE
    assert vector.input["key"] == bytes(range(16)) and vector.input["algorithm"] == "sha256"
    assert isinstance(vector.expected["tag"], bytes) and len(vector.expected["tag"]) == 32
    assert len(pickle.dumps(vector)) < 2_000, "what a cache entry stores is the spec, not the megabyte"


def test_a_small_vector_holds_its_bytes(tmp_path):
    (vector,) = loaded(write(tmp_path, "small", 4)).vectors
    assert not isinstance(vector.__dict__["_input"], Deferred)
    assert vector.input["message"] == b"0123456789abcdef" * 4
    assert vector.input is vector.input, "held, not rebuilt"


def test_every_access_is_a_fresh_copy(tmp_path):
    (vector,) = loaded(write(tmp_path, "large", LARGE)).vectors
    first = vector.input
    first["message"] = b"changed"
    first["algorithm"] = "md5"
    assert vector.input["message"] == b"0123456789abcdef" * LARGE and vector.input["algorithm"] == "sha256"


def test_deferred_and_held_vectors_are_equal_and_survive_pickling(tmp_path):
    (vector,) = loaded(write(tmp_path, "large", LARGE)).vectors
    held = _model.Vector(**{**{f: getattr(vector, f) for f in vector.__dataclass_fields__}})
    assert not isinstance(held.__dict__["_input"], Deferred)
    assert held == vector
    again = pickle.loads(pickle.dumps(vector))
    assert again == vector and isinstance(again.__dict__["_input"], Deferred)


def test_a_bad_byte_string_in_a_large_vector_is_still_a_located_problem(tmp_path):
    path = write(tmp_path, "large", LARGE, mac="AB" * 32)
    result = loaded(path)
    assert result.vectors == []
    (problem,) = result.problems
    assert problem.vector_id == "hmac/size/large" and problem.line == 18
    assert problem.message == "expected.tag: hex must be lowercase"


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, {"b": b"x"}], "c": "text", "d": None, "e": 1.5, "f": True},
        [[], {}, ""],
        b"bytes",
        ({"in": "a tuple"},),
        {"t": ({"in": [1]},), "l": [[{"x": []}], b"y", ("z",)]},
    ],
)
def test_fresh_copy_is_a_deep_copy(value):
    copied = fresh_copy(value)
    assert copied == copy.deepcopy(value)
    mutable = [value]
    seen_copy = [copied]
    while mutable:  # no dict or list is shared between the value and its copy
        item, twin = mutable.pop(), seen_copy.pop()
        if isinstance(item, dict | list | tuple):
            if not isinstance(item, tuple):
                assert item is not twin
            children = list(item.values()) if isinstance(item, dict) else list(item)
            twins = list(twin.values()) if isinstance(twin, dict) else list(twin)
            mutable += children
            seen_copy += twins


_UNITS = st.one_of(
    st.binary(max_size=7).map(lambda b: {"hex": b.hex()}),
    st.text(max_size=4).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)).map(lambda t: {"utf8": t}),
)
_SPECS = st.recursive(
    _UNITS,
    lambda inner: (
        st.builds(lambda unit, count: {"repeat": unit, "count": count}, inner, st.integers(0, 40))
        | st.lists(inner, max_size=3).map(lambda parts: {"concat": parts})
    ),
    max_leaves=6,
)


@given(_SPECS)
def test_base64_made_from_a_spec_is_the_base64_of_its_bytes(spec):
    """Repeats of every unit length (whole three-byte groups or not, empty), any count, nested and concatenated."""
    assert b"".join(_model.base64_text(spec).pieces) == base64.b64encode(_model.materialise(spec))


def test_a_large_input_goes_on_the_wire_as_base64_without_being_expanded(tmp_path, monkeypatch):
    (vector,) = loaded(write(tmp_path, "large", LARGE)).vectors
    wire = vector.wire_input()
    assert isinstance(wire["message"], _model.Base64Text)
    assert base64.b64decode(b"".join(wire["message"].pieces)) == vector.input["message"]
    expand = _model.materialise

    def small_only(spec, at=()):
        assert _model.byte_size(spec) <= 64, "a large byte string was expanded"
        return expand(spec, at)

    monkeypatch.setattr(_model, "materialise", small_only)
    assert vector.wire_input()["message"] == wire["message"]
    monkeypatch.undo()
    (small,) = loaded(write(tmp_path, "small", 3)).vectors
    assert small.wire_input() == small.input, "a small input goes as it is held"


def test_a_large_case_is_sent_in_pieces_of_one_small_buffer(tmp_path):
    """The pieces make the exact line json.dumps gives; the repeated text is one buffer of at most 64 KiB, given
    again and again, so sending a large case never makes a text as large as its message."""
    (vector,) = loaded(write(tmp_path, "large", 64 * LARGE)).vectors
    pieces = protocol.case_pieces(7, vector)
    assert b"".join(pieces) == protocol.encode(protocol.case_message(7, vector))
    assert len(b"".join(pieces)) > 64 * DEFER_ABOVE
    assert max(map(len, pieces)) <= 64 * 1024
    repeated = max(pieces, key=pieces.count)
    assert sum(piece is repeated for piece in pieces) * len(repeated) > 0.9 * len(b"".join(pieces))


def test_capability_checks_never_expand_a_large_input(monkeypatch):
    """features and unsupported run for every case: on the suite's large vectors of every scheme they read the
    input as held, and answer as they would from the expanded input."""
    large = [v for v in load([VECTORS]).vectors if v.__dict__["_input"].__class__ is Deferred]
    assert {v.scheme for v in large} >= {"hmac", "firstvision", "standard-webhooks"}
    for vector in large:
        scheme = schemes.get(vector.scheme)
        entry = {**scheme.reference_supports, "algorithms": ["md5"], "features": []}
        expanded = _model.Vector(**{f: getattr(vector, f) for f in vector.__dataclass_fields__})
        want = scheme.features(expanded), scheme.unsupported(entry, expanded)
        with monkeypatch.context() as patched:
            patched.setattr(_model, "materialise", _refuse_large)
            assert (scheme.features(vector), scheme.unsupported(entry, vector)) == want, vector.id


def _refuse_large(spec, at=()):
    assert _model.byte_size(spec) <= 64, "a large byte string was expanded"
    return _expand(spec, at)


_expand = _model.materialise
