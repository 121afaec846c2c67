"""`validate` refuses every kind of hostile or malformed vector file: exit 1, `PATH:LINE:` and a clear message,
in bounded time, without losing the other problems of the file or the other files of the run.

Each file is a real vector file mutated where a maintainer (or an attacker) would plausibly write the defect.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hmac_conformance import _yamlsafe as yamlsafe
from hmac_conformance._validate import validate
from tests.conftest import VECTORS

RFC = VECTORS / "hmac" / "rfc4231.yaml"
SIGN = VECTORS / "firstvision" / "sign.yaml"
VERIFY = VECTORS / "firstvision" / "verify-timestamp.yaml"
#: Not a speed test (the benchmark measures speed): a bound that only a hang or a blow-up can reach, on any
#: machine and under any load.
TIME_LIMIT_S = 60.0
HI = 'message: {utf8: "Hi There"}'
KEY = 'key: {hex: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"}'


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, f"fixture text {old!r} not found"
    return text.replace(old, new, 1)


def line_of(raw: bytes, needle: bytes) -> int:
    """The 1-based line of the first occurrence of ``needle``."""
    at = raw.index(needle)
    return raw.count(b"\n", 0, at) + 1


@dataclass(frozen=True)
class Hostile:
    """A hostile file: how to build it, where the error must point, and what it must say."""

    name: str
    build: Callable[[], bytes]
    line: Callable[[bytes], int]
    message: str


def edited(source: Path, old: str, new: str) -> Callable[[], bytes]:
    return lambda: replace_once(source.read_text(encoding="utf-8"), old, new).encode("utf-8")


def at(needle: str | bytes) -> Callable[[bytes], int]:
    raw_needle = needle.encode("utf-8") if isinstance(needle, str) else needle
    return lambda raw: line_of(raw, raw_needle)


def first_line(_: bytes) -> int:
    return 1


def billion_laughs() -> bytes:
    levels = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = RFC.read_text(encoding="utf-8")
    return replace_once(text, "vectors:\n", "\n".join(levels) + "\nvectors:\n").encode("utf-8")


def huge_file() -> bytes:
    padding = "x" * (yamlsafe.MAX_FILE_BYTES + 1024)
    return edited(RFC, HI, f'message: {{utf8: "{padding}"}}')()


def deep_nesting() -> bytes:
    depth = 40
    nested = "{concat: [" * depth + '{utf8: "Hi There"}' + "]}" * depth
    return edited(RFC, HI, f"message: {nested}")()


HOSTILE = [
    Hostile(
        "invalid-yaml",
        edited(RFC, "    operation: mac\n", "    operation: mac: sign\n"),
        at("operation: mac: sign"),
        "invalid YAML: mapping values are not allowed",
    ),
    Hostile(
        "unclosed-flow-sequence",
        edited(RFC, "    rules: [MAC-1, MAC-3]\n", "    rules: [MAC-1, MAC-3\n"),
        at("    tags: [published, rfc4231]"),  # YAML can only notice at the next line
        "invalid YAML",
    ),
    Hostile(
        "tab", edited(RFC, "      algorithm: sha256\n", "\talgorithm: sha256\n"), at("\talgorithm"), "tab character"
    ),
    Hostile(
        "duplicate-key",
        edited(RFC, "    operation: mac\n", "    operation: mac\n    operation: mac-verify\n"),
        at("operation: mac-verify"),
        "duplicate key 'operation' (first at line",
    ),
    Hostile("billion-laughs", billion_laughs, at("lol0:"), "YAML anchors (&l0) are not allowed"),
    Hostile(
        "alias",
        edited(RFC, "    tags: [published, rfc4231]\n", "    tags: *common\n"),
        at("tags: *common"),
        "YAML aliases (*name) are not allowed",
    ),
    Hostile(
        "merge-key",
        edited(RFC, "    input:\n", "    input:\n      <<: {algorithm: sha256}\n"),
        at("<<:"),
        "merge keys (<<) are not allowed",
    ),
    Hostile(
        "python-object-tag",
        edited(
            RFC,
            '    description: "HMAC-SHA-224 published answer, test case 1: short key, short message."\n',
            '    description: !!python/object/apply:os.system ["touch /tmp/hmac-conformance-pwned"]\n',
        ),
        at("!!python/object/apply"),
        "explicit YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed",
    ),
    Hostile(
        "binary-tag",
        edited(RFC, KEY, "key: !!binary CwsLCwsLCwsLCwsLCwsLCwsLCws="),
        at("!!binary"),
        "explicit YAML tag tag:yaml.org,2002:binary is not allowed",
    ),
    Hostile("local-tag", edited(RFC, HI, 'message: !utf8 "Hi There"'), at("!utf8"), "explicit YAML tag !utf8"),
    Hostile(
        "non-utf8",
        lambda: RFC.read_bytes().replace("§".encode(), "§".encode("latin-1"), 1),
        at(b"RFC 4231 \xa7"),
        "not valid UTF-8 (byte 0xa7)",
    ),
    Hostile("bom", lambda: b"\xef\xbb\xbf" + RFC.read_bytes(), first_line, "byte order mark"),
    Hostile(
        "nul",
        lambda: RFC.read_bytes().replace(b'"Hi There"', b'"Hi\x00There"', 1),
        at(b"\x00"),
        "NUL byte in file; write bytes as {hex: ...} instead",
    ),
    Hostile(
        "control-character",
        lambda: RFC.read_bytes().replace(b'"Hi There"', b'"Hi\x1bThere"', 1),
        at(b"\x1b"),
        "non-printable character U+001B",
    ),
    Hostile("huge-file", huge_file, first_line, f"the limit is {yamlsafe.MAX_FILE_BYTES}"),
    Hostile("deep-nesting", deep_nesting, at("message: {concat:"), "data nested deeper than 32 levels"),
    Hostile(
        "two-documents",
        lambda: RFC.read_bytes() + b"---\nformat: 1\n",
        lambda raw: raw.count(b"\n", 0, raw.rindex(b"---\n")) + 2,
        "more than one YAML document",
    ),
    Hostile(
        "unknown-field-in-vector",
        edited(RFC, "    source: RFC 4231 §4.2\n", "    source: RFC 4231 §4.2\n    comment: copied by hand\n"),
        at("  - id: hmac/rfc4231/sha224/case-1"),
        "[hmac/rfc4231/sha224/case-1] vector: Additional properties are not allowed ('comment' was unexpected)",
    ),
    Hostile(
        "unknown-field-in-input",
        edited(RFC, "      tag_length: 28\n", "      tag_length: 28\n      truncate: true\n"),
        at("    input:"),
        "input: Additional properties are not allowed ('truncate' was unexpected)",
    ),
    Hostile(
        "unknown-field-in-file",
        edited(RFC, "format: 1\n", "format: 1\nauthor: someone\n"),
        at("format: 1"),
        "file: Additional properties are not allowed ('author' was unexpected)",
    ),
    Hostile(
        "wrong-type-integer",
        edited(RFC, "tag_length: 28", 'tag_length: "28"'),
        at('tag_length: "28"'),
        "input.tag_length: '28' is not of type 'integer'",
    ),
    Hostile(
        "wrong-type-list",
        edited(RFC, "    rules: [MAC-1, MAC-3]\n", "    rules: MAC-1\n"),
        at("rules: MAC-1"),
        "rules: 'MAC-1' is not of type 'array'",
    ),
    Hostile(
        "wrong-type-bytes",
        edited(RFC, HI, 'message: "Hi There"'),
        at('message: "Hi There"'),
        "input.message: 'Hi There' is not of type 'object'",
    ),
    Hostile(
        "implicit-boolean",
        edited(RFC, HI, "message: {utf8: yes}"),
        at("message: {utf8: yes}"),
        "YAML read this unquoted value as a boolean (True); put it in quotes",
    ),
    Hostile(
        "implicit-date",
        edited(RFC, HI, "message: {utf8: 2024-01-01}"),
        at("2024-01-01"),
        "YAML read this unquoted value as a date (datetime.date(2024, 1, 1)); put it in quotes",
    ),
    Hostile(
        "implicit-octal",
        edited(RFC, HI, "message: {utf8: 0755}"),
        at("0755"),
        "YAML read this unquoted value as a number (493); put it in quotes",
    ),
    Hostile(
        "implicit-number-timestamp",
        edited(SIGN, 'timestamp: "1700000000000"', "timestamp: 1700000000000"),
        at("timestamp: 1700000000000"),
        "input.timestamp: must be a string, but YAML read this unquoted value as a number (1700000000000)",
    ),
    Hostile(
        "implicit-boolean-header",
        edited(VERIFY, '["Auth-Token-Type", "HMAC"]', '["Auth-Token-Type", off]'),
        at("off]"),
        "YAML read this unquoted value as a boolean (False); put it in quotes",
    ),
    Hostile(
        "impossible-date",
        edited(RFC, HI, "message: {utf8: 2024-02-30}"),
        at("2024-02-30"),
        "invalid YAML value '2024-02-30'",
    ),
    Hostile(
        "huge-hex-number",
        edited(RFC, "tag_length: 28", "tag_length: 0x" + "f" * 6000),
        at("tag_length: 0x"),
        "a number of 6002 characters; put it in quotes if it is text",
    ),
    Hostile(
        "huge-base-60-number",
        edited(RFC, "tag_length: 28", "tag_length: 1" + ":59" * 200_000),
        at("tag_length: 1:59"),
        "a number of 600001 characters",
    ),
    Hostile(
        "hex-not-hex",
        edited(RFC, KEY, 'key: {hex: "0b0b0b0b0b0b0b0b0b0g"}'),
        at("0b0g"),
        "input.key.hex: byte string: '0b0b0b0b0b0b0b0b0b0g' does not match",
    ),
    Hostile(
        "hex-odd",
        edited(RFC, KEY, 'key: {hex: "0b0b0b0b0b0b0b0b0b0"}'),
        at('key: {hex: "0b0b0b0b0b0b0b0b0b0"}'),
        "input.key: hex has an odd number of digits (19)",
    ),
    Hostile(
        "hex-uppercase",
        edited(RFC, KEY, 'key: {hex: "0B0B0B0B0B0B0B0B0B0B"}'),
        at("0B0B"),
        "input.key: hex must be lowercase",
    ),
    Hostile(
        "hex-trailing-newline",
        edited(RFC, KEY, 'key: {hex: "0b0b0b0b0b0b0b0b0b0\\n"}'),
        at('key: {hex: "0b0b0b0b0b0b0b0b0b0\\n"}'),
        "input.key: hex may contain only the digits 0-9 and a-f",
    ),
    Hostile(
        "base64-unpadded",
        edited(RFC, KEY, 'key: {base64: "CwsLCwsLCwsLCwsLCwsLCwsLCws"}'),
        at("CwsLCwsLCwsLCwsLCwsLCwsLCws"),
        "input.key: not valid padded Base64",
    ),
    Hostile(
        "base64-url-safe",
        edited(RFC, KEY, 'key: {base64: "-_8="}'),
        at("-_8="),
        "input.key: not valid padded Base64",
    ),
    Hostile(
        "base64-non-canonical",
        edited(RFC, KEY, 'key: {base64: "Cx=="}'),
        at("Cx=="),
        "input.key: Base64 is not canonical (padding or trailing bits)",
    ),
    Hostile(
        "repeat-gigabytes",
        edited(RFC, HI, 'message: {repeat: {utf8: "0123456789"}, count: 500000000}'),
        at("count: 500000000"),
        "input.message: expands to 5000000000 bytes; the limit is 67108864",
    ),
    Hostile(
        "repeat-hidden-by-count-zero",
        edited(RFC, HI, 'message: {repeat: {repeat: {hex: "00"}, count: 1000000000000}, count: 0}'),
        at("count: 1000000000000"),
        "input.message: expands to 1000000000000 bytes; the limit is 67108864",
    ),
]


def problem_lines(err: str, path: Path) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(f"{path}:")]


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.name)
def test_hostile_file_is_refused_with_file_line_and_message(hc, tmp_path, case):
    raw = case.build()
    path = tmp_path / f"{case.name}.yaml"
    path.write_bytes(raw)
    started = time.monotonic()
    result = hc("validate", str(path))
    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S, f"validate took {elapsed:.1f} s"
    assert result.code == 1, result.err
    lines = problem_lines(result.err, path)
    assert lines, result.err
    for line in lines:
        assert re.match(rf"{re.escape(str(path))}:\d+:", line), f"no line number: {line}"
    expected_line = case.line(raw)
    matching = [line for line in lines if line.startswith(f"{path}:{expected_line}:") and case.message in line]
    assert matching, f"expected {case.message!r} at line {expected_line}; got:\n{result.err[:3000]}"
    assert len(result.err) < 20_000, "the report must stay readable (no echo of a huge value)"


def test_python_tag_is_never_executed(hc, tmp_path):
    marker = tmp_path / "pwned"
    text = replace_once(
        RFC.read_text(encoding="utf-8"),
        "    source: RFC 4231 §4.2\n",
        f'    source: !!python/object/apply:os.system ["touch {marker}"]\n',
    )
    path = tmp_path / "exec.yaml"
    path.write_text(text, encoding="utf-8")
    assert hc("validate", str(path)).code == 1
    assert not marker.exists()


def vector_block(text: str, vector_id: str) -> tuple[int, int]:
    start = text.index(f"  - id: {vector_id}\n")
    end = text.find("\n  - id: ", start + 1)
    return start, len(text) if end < 0 else end + 1


def mutate_vector(text: str, vector_id: str, old: str, new: str) -> str:
    start, end = vector_block(text, vector_id)
    return text[:start] + replace_once(text[start:end], old, new) + text[end:]


def test_every_problem_of_a_file_is_reported(hc, tmp_path):
    text = RFC.read_text(encoding="utf-8")
    problems = [
        ("hmac/rfc4231/sha224/case-1", KEY, 'key: {hex: "0b0b0b0b0b0b0b0b0b0g"}', "0b0g", "does not match"),
        ("hmac/rfc4231/sha512/case-2", "tag_length: 64", "tag_length: yes", "tag_length: yes", "True is not of type 'integer'"),
        ("hmac/rfc4231/sha256/case-4", "rules: [MAC-1, MAC-3]", "rules: [MAC-1, MAC-77]", "MAC-77", "MAC-77"),
        ("hmac/rfc4231/sha384/case-6", f'key: {{hex: "{"aa" * 131}"}}', 'key: {repeat: {hex: "aa"}, count: 131000000000}',
         "131000000000", "expands to 131000000000 bytes"),
        ("hmac/rfc4231/sha224/case-7", "      tag: {hex: \"3a854166", "      tag: {hex: \"3a854167",
         "3a854167", "expected tag 3a854167"),
    ]  # fmt: skip
    for vector_id, old, new, _, _ in problems:
        text = mutate_vector(text, vector_id, old, new)
    path = tmp_path / "several.yaml"
    path.write_text(text, encoding="utf-8")
    raw = path.read_bytes()
    result = hc("validate", str(path))
    assert result.code == 1
    lines = problem_lines(result.err, path)
    for vector_id, _, _, needle, message in problems:
        line = line_of(raw, needle.encode())
        vector_line = line_of(raw, f"  - id: {vector_id}\n".encode())
        found = [
            x
            for x in lines
            if message in x and (x.startswith(f"{path}:{line}:") or x.startswith(f"{path}:{vector_line}:"))
        ]
        assert found, f"{vector_id}: {message!r} not reported at line {line}:\n{result.err}"
    assert len(lines) == len(problems), result.err


def test_a_bad_file_does_not_hide_the_other_files(hc, tmp_path):
    folder = tmp_path / "vectors"
    folder.mkdir()
    shutil.copy(RFC, folder / "good.yaml")
    bad = folder / "bad.yaml"
    bad.write_bytes(edited(RFC, HI, "message: !!binary SGkgVGhlcmU=")())
    result = hc("validate", str(folder))
    assert result.code == 1
    [reported] = problem_lines(result.err, bad)
    assert reported.startswith(f"{bad}:{line_of(bad.read_bytes(), b'!!binary')}:")
    assert reported.endswith("explicit YAML tag tag:yaml.org,2002:binary is not allowed in vector files")
    assert str(folder / "good.yaml") not in result.err
    loaded, problems = validate([folder])
    assert {p.path for p in problems} == {bad}
    assert sum(v.path == folder / "good.yaml" for v in loaded.outlines) == 28  # the good file was validated in full


def test_a_bad_file_does_not_stop_the_lint_of_the_next(hc, tmp_path):
    folder = tmp_path / "vectors"
    folder.mkdir()
    (folder / "a-hostile.yaml").write_bytes(billion_laughs())
    wrong = folder / "b-wrong-tag.yaml"
    wrong.write_bytes(
        edited(
            RFC,
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff8",
        )()
    )
    result = hc("validate", str(folder))
    assert result.code == 1
    assert "anchors" in result.err
    assert f"{wrong}:{line_of(wrong.read_bytes(), b'id: hmac/rfc4231/sha256/case-1')}:" in result.err
    assert "[hmac/rfc4231/sha256/case-1] expected tag" in result.err
