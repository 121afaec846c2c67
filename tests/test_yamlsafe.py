"""The strict YAML reader: hostile and malformed files are refused with file and line, in bounded time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._load import LoadResult, load_file

P = Path("v.yaml")


def refuse(text: bytes | str) -> yamlsafe.Problem:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(yamlsafe.YamlError) as info:
        yamlsafe.load(P, raw)
    return info.value.problem


REFUSED = [
    ("a: 1\nb: [\n", 3, "invalid YAML"),
    ("a: 1\nb:\n\t- 1\n", 3, "tab character"),
    ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)"),
    ("a: &x [1]\nb: *x\n", 1, "anchors"),
    ("a: 1\n<<: {b: 2}\n", 2, "merge keys"),
    ("a: !!python/object/apply:os.system [echo hi]\n", 1, "explicit YAML tag"),
    ("a: !!binary aGk=\n", 1, "explicit YAML tag"),
    ("a: !custom 1\n", 1, "explicit YAML tag"),
    ("a: 1\n---\nb: 2\n", 3, "more than one YAML document"),
    ("a: 2024-02-30\n", 1, "invalid YAML value"),
    ("? [a, b]\n: 1\n", 1, "mapping keys must be plain strings"),
    ("v:\n  - a:\n      b: 1\n      b: 2\n", 4, "duplicate key 'b' (first at line 3)"),
]


@pytest.mark.parametrize(("text", "line", "message"), REFUSED)
def test_refused_with_line(text, line, message):
    problem = refuse(text)
    assert problem.line == line
    assert message in problem.message
    assert str(problem).startswith(f"v.yaml:{line}")


def test_bom_nul_and_non_utf8():
    assert "byte order mark" in refuse(b"\xef\xbb\xbfa: 1\n").message
    problem = refuse(b"a: 1\nb: '\x00'\n")
    assert problem.line == 2 and "NUL" in problem.message
    problem = refuse(b"a: 1\n\nb: '\xff'\n")
    assert problem.line == 3 and "not valid UTF-8" in problem.message


def test_billion_laughs_is_refused_fast():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    tracemalloc.start()
    try:
        problem = refuse(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem.line == 1 and "anchors" in problem.message, "refused at the first anchor, before any expansion"
    assert peak < 5 * 2**20


def test_deep_nesting_and_huge_file_are_bounded():
    deep = "a: " + "[" * 10_000 + "]" * 10_000 + "\n"
    message = refuse(deep).message  # our limit, or libyaml's own (1000 levels) for flow collections this deep
    assert "nested deeper" in message or "exceeded maximum nesting depth" in message
    huge = b"a: '" + b"x" * (yamlsafe.MAX_FILE_BYTES + 1) + b"'\n"
    problem = refuse(huge)
    assert "limit" in problem.message


def test_implicit_types_are_kept_for_the_schema_to_reject():
    doc = yamlsafe.load(P, b"a: yes\nb: 0755\nc: 2024-01-01\nd: '0755'\ne: 1.5\nf: ~\ng: 0x1f\n")
    assert doc.value["a"] is True and doc.value["b"] == 493 and doc.value["d"] == "0755"
    assert doc.value["e"] == 1.5 and doc.value["f"] is None and doc.value["g"] == 31
    assert doc.line_of(("c",)) == 3


def test_a_plain_number_boolean_or_null_key_is_its_text_and_others_are_refused():
    doc = yamlsafe.load(P, b"1: a\ntrue: b\n~: c\n'2': d\n")
    assert doc.value == {"1": "a", "true": "b", "None": "c", "2": "d"}
    assert doc.line_of(("None",)) == 3
    assert refuse(b"true: b\nyes: e\n").message == "duplicate key 'true' (first at line 1)"
    for text, line in ((b"a: 1\n1.5: x\n", 2), (b"a: 1\nb: 2\n2024-01-01: x\n", 3)):
        problem = refuse(text)
        assert (problem.line, problem.message) == (line, "mapping keys must be plain strings")


def test_line_of_finds_nearest_node():
    doc = yamlsafe.load(P, b"a:\n  b:\n    - x\n    - {c: 1}\n")
    assert doc.line_of(("a", "b", 1, "c")) == 4
    assert doc.line_of(("a", "b", 1, "missing")) == 4


def test_repeat_count_cannot_allocate_gigabytes(tmp_path):
    text = (Path(__file__).parent.parent / "vectors" / "hmac" / "rfc4231.yaml").read_text(encoding="utf-8")
    text = text.replace('message: {utf8: "Hi There"}', 'message: {repeat: {utf8: "0123456789"}, count: 500000000}', 1)
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    result = LoadResult()
    tracemalloc.start()
    try:
        load_file(path, result)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20, "the size is computed before anything is allocated"
    assert any("expands to 5000000000 bytes" in p.message and p.line for p in result.problems)


# The C event parser (libyaml) and PyYAML's pure-Python one, which is used where PyYAML lacks libyaml, must give
# the same document or the same error, line and message.
PARSERS = [pytest.param(False, id="python"), pytest.param(True, id="libyaml")]
SAMPLES = [
    "a: 1\nb: [\n",
    "a: 1\nb: 2\na: 3\n",
    "a: &x [1]\nb: *x\n",
    "a: 1\n<<: {b: 2}\n",
    "a: !custom 1\n",
    "a: 1\n---\nb: 2\n",
    "a: 2024-02-30\n",
    "? [a, b]\n: 1\n",
    "a: [" * 40 + "]" * 40 + "\n",
    "a: yes\nb: 0755\nc: 2024-01-01\nd: '0755'\ne: 1.5\nf: ~\ng: 0x1f\nh: [1, {i: j}]\n",
]


@pytest.mark.parametrize("libyaml", PARSERS)
@pytest.mark.parametrize("text", SAMPLES)
def test_both_parsers_agree(text, libyaml):
    if libyaml and not yamlsafe.WITH_LIBYAML:
        pytest.skip("PyYAML was built without libyaml")

    def outcome(use_c: bool) -> object:
        try:
            doc = yamlsafe.load(P, text.encode("utf-8"), libyaml=use_c)
        except yamlsafe.YamlError as exc:
            return (exc.problem.line, exc.problem.message.split(":")[0])
        return (doc.value, doc.marks)

    assert outcome(libyaml) == outcome(False)


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "vectors").rglob("*.yaml"))[:12], ids=str)
def test_both_parsers_agree_on_the_suite(path):
    if not yamlsafe.WITH_LIBYAML:
        pytest.skip("PyYAML was built without libyaml")
    fast, slow = yamlsafe.load(path, libyaml=True), yamlsafe.load(path, libyaml=False)
    assert fast.value == slow.value and fast.marks == slow.marks


def _every_file() -> list[Path]:
    from tests.conftest import ROOT

    return sorted((ROOT / "vectors").rglob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml"))


def test_a_shallow_document_answers_every_line_as_a_full_one():
    """depth=2 records the positions of the top two levels only; every line asked of it, at any depth, is the
    one the full parse gives, and so is its value."""
    for path in _every_file():
        try:
            full = yamlsafe.load(path)
        except yamlsafe.YamlError:
            continue
        shallow = yamlsafe.load(path, depth=2)
        assert shallow.value == full.value, path
        assert shallow.marks == {at: m for at, m in full.marks.items() if len(at) <= 2}, path
        deep = [at for at in full.marks if len(at) > 2]
        for at in [at for at in full.marks if len(at) <= 2] + deep:
            assert shallow.line_of(at) == full.line_of(at), (path, at)
        assert shallow.marks == full.marks or not deep, "asked for a deeper line, it holds them all"


@pytest.mark.parametrize(("text", "line", "message"), REFUSED)
def test_a_shallow_parse_refuses_alike(text, line, message):
    with pytest.raises(yamlsafe.YamlError) as full:
        yamlsafe.load(P, text.encode("utf-8"))
    with pytest.raises(yamlsafe.YamlError) as shallow:
        yamlsafe.load(P, text.encode("utf-8"), depth=2)
    assert shallow.value.problem == full.value.problem


# The C composer (runner/native/, optional) must answer exactly as the Python one over the same libyaml events:
# the same values, of the same types, at the same positions, or (by handing the file back) the same error.
def _require_native() -> None:
    from tests.conftest import REQUIRE_ALL

    if yamlsafe.NATIVE is None:
        if REQUIRE_ALL:
            pytest.fail("the C composer (runner/native) is required (HMAC_CONFORMANCE_REQUIRE_ALL=1) but not installed")
        pytest.skip("the C composer (runner/native) is not installed")


def _typed(value: object) -> object:
    """``value`` with every scalar's type beside it: True == 1 and 1 == 1.0 must not make two answers equal."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value), value)


def _outcomes(path: Path, raw: bytes, depth: int | None, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What the C composer and the Python one make of ``raw``: (typed value, marks), or the problem raised."""
    native = yamlsafe.NATIVE
    answers = []
    for composer in (native, None):
        monkeypatch.setattr(yamlsafe, "NATIVE", composer)
        try:
            doc = yamlsafe.load(path, raw, depth=depth)
        except yamlsafe.YamlError as exc:
            answers.append(exc.problem)
        else:
            answers.append((_typed(doc.value), doc.marks))
    monkeypatch.setattr(yamlsafe, "NATIVE", native)
    return answers[0], answers[1]


@pytest.mark.parametrize("depth", [None, 2])
def test_the_c_composer_answers_as_the_python_one_on_every_file(depth, monkeypatch):
    _require_native()
    files = _every_file()
    assert len(files) > 50
    limit = depth if depth is not None else yamlsafe.MAX_DEPTH + 1
    composed = 0
    for path in files:
        native, python = _outcomes(path, path.read_bytes(), depth, monkeypatch)
        assert native == python, path
        if isinstance(python, tuple):  # accepted: the C composer answered for it, rather than handing it back
            text = path.read_text(encoding="utf-8")
            typed_first = yamlsafe._TYPED_FIRST
            assert yamlsafe.NATIVE.compose(text, limit, yamlsafe.MAX_DEPTH, yamlsafe.MAX_NODES, yamlsafe._plain_value,
                                           typed_first)  # fmt: skip
            composed += 1
    assert composed > 50


@pytest.mark.parametrize("text", [text for text, _, _ in REFUSED] + SAMPLES)
def test_the_c_composer_hands_back_what_the_python_one_refuses(text, monkeypatch):
    _require_native()
    native, python = _outcomes(P, text.encode("utf-8"), None, monkeypatch)
    assert native == python


def test_the_c_composer_answers_as_the_python_one_on_mutated_files(monkeypatch):
    """Thousands of small edits of the suite's files (a deleted, repeated or replaced run of bytes, YAML's
    punctuation among the replacements): each edit is composed alike, or refused alike."""
    import random

    _require_native()
    rng = random.Random(20261130)
    files = sorted((Path(__file__).parents[1] / "vectors").rglob("*.yaml"))
    pieces = [b"", b":", b"- ", b"-", b"[", b"]", b"{", b"}", b",", b"&a ", b"*a", b"!t ", b"? ", b"<<: ", b"\n",
              b"  ", b"'", b'"', b"#", b"|", b">", b"yes", b"0x1f", b"~", b"2024-02-30", b"1.5", b"---\n", b"a: 1\n"]  # fmt: skip
    seen = set()
    for _ in range(3000):
        raw = rng.choice(files).read_bytes()[: rng.randrange(200, 4000)]
        at = rng.randrange(len(raw))
        cut = rng.randrange(0, 8)
        raw = raw[:at] + rng.choice(pieces) + raw[at + cut :]
        native, python = _outcomes(P, raw, rng.choice([None, 2]), monkeypatch)
        assert native == python, raw
        seen.add(type(python).__name__)
    assert seen == {"tuple", "Problem"}, "both kinds of answer were compared"


def test_the_c_composer_is_bounded_alike(monkeypatch):
    _require_native()
    for text in ("a: " + "[" * (yamlsafe.MAX_DEPTH + 2) + "]" * (yamlsafe.MAX_DEPTH + 2) + "\n",
                 "a: [" + "x, " * yamlsafe.MAX_NODES + "]\n"):  # fmt: skip
        native, python = _outcomes(P, text.encode(), None, monkeypatch)
        assert native == python and isinstance(python, yamlsafe.Problem)
    plain = (yamlsafe._plain_value, yamlsafe._TYPED_FIRST)
    assert yamlsafe.NATIVE.compose("a: [[1]]\n", 3, 2, 100, *plain) is None, "deeper than max_depth: handed back"
    assert yamlsafe.NATIVE.compose("a: [[1]]\n", 3, 3, 100, *plain) is not None
    assert yamlsafe.NATIVE.compose("a: [1, 2]\n", 3, 32, 4, *plain) is None, "more than max_nodes: handed back"
    marks = {(): (1, 1), ("a",): (1, 1)}
    assert yamlsafe.NATIVE.compose("a: [1, 2]\n", 1, 32, 5, *plain) == ({"a": [1, 2]}, marks), "positions to depth 1"


def test_a_plain_scalar_is_text_without_asking_the_resolver_only_where_no_type_can_begin_so(monkeypatch):
    """The C composer resolves a plain scalar only where the resolver has a type for its first character (or
    it is empty, or begins beyond ASCII): every first character, alone and followed by text, digits or a space,
    is composed as the Python composer composes it."""
    _require_native()
    firsts = [chr(c) for c in range(0x20, 0x7F)] + ["é", "€", "😀"]
    for first in firsts:
        for rest in ("", "1", "abc", "0.5", " x", "e3", "-1"):
            raw = f"a: {first}{rest}\nb: [{first}{rest}]\n".encode()
            native, python = _outcomes(P, raw, None, monkeypatch)
            assert native == python, raw
    assert yamlsafe._TYPED_FIRST is not None and b"a" not in yamlsafe._TYPED_FIRST
    assert all(first.encode() in yamlsafe._TYPED_FIRST for first in "0123456789-+.~nNyYtTfFoO<=")
    compose = yamlsafe.NATIVE.compose
    assert compose("a: 1\n", 2, 32, 100, yamlsafe._plain_value, b"")[0] == {"a": "1"}, "nothing typed: text"
    assert compose("a: 1\n", 2, 32, 100, yamlsafe._plain_value, None)[0] == {"a": 1}, "None: every one resolved"
    with pytest.raises(TypeError):
        compose("a: 1\n", 2, 32, 100, yamlsafe._plain_value, "01")


@pytest.mark.parametrize("composer", ["c", "python"])
def test_repeated_plain_text_is_one_object(composer, monkeypatch):
    """A key or a tag repeated in every vector is held (and pickled, and sent between processes) once, not once
    per vector: at 100,000 vectors a copy each was a third more memory for `run`."""
    if composer == "c":
        _require_native()
    else:
        monkeypatch.setattr(yamlsafe, "NATIVE", None)
    raw = b"vectors:\n- id: one\n  tags: [published, mac]\n- id: two\n  tags: [published, mac]\n"
    first, second = yamlsafe.load(P, raw).value["vectors"]
    assert next(k for k in first if k == "tags") is next(k for k in second if k == "tags")
    assert first["tags"][0] is second["tags"][0] and first["tags"][1] is second["tags"][1]


def test_no_fast_path_where_the_resolver_has_a_type_for_any_first_character():
    assert yamlsafe._typed_first({"": [], "1": [], "y": []}) == b"1y"
    assert yamlsafe._typed_first({None: [], "1": []}) is None, "a resolver tried on every scalar"
    assert yamlsafe._typed_first({"é": [], "1": []}) is None, "a first character beyond ASCII"


def test_every_non_printable_character_is_refused_with_its_line():
    """ASCII files take a quicker path to the same answer: every character YAML does not allow is found, in an
    ASCII file and in one with other characters, and every one it allows is let through. (NUL and tab have
    messages of their own.)"""
    allowed = {0x0A, 0x0D, 0x85, *range(0x20, 0x7F)}
    refused = [code for code in [*range(0x01, 0xA0), 0xFFFE, 0xFFFF] if code not in allowed and code != 0x09]
    assert len(refused) == 62
    for code in refused:
        for before in ("a: x\n", "a: é\n"):
            problem = refuse(f"{before}b: 'y{chr(code)}'\n")
            assert (problem.line, problem.message.split(";")[0]) == (2, f"non-printable character U+{code:04X}")
    for code in sorted(allowed):  # in a comment, where any printable character may stand
        assert yamlsafe.load(P, f"a: x  # y{chr(code)}\n".encode()).value == {"a": "x"}
