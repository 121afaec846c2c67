"""What `run` hands from its options to the run and the reports, called in-process: redaction, requirements, the
vector files in the reproduce line, expected failures kept by --write-xfail, which implementations failed, and
the name a nested subcommand's usage error gives."""

from __future__ import annotations

from pathlib import Path

from hmac_conformance import _reference
from hmac_conformance._cli import main
from hmac_conformance._load import load

MAC = next(v for v in load().vectors if v.id == "hmac/rfc4231/sha256/case-1")
KEY = MAC.input["key"].hex()
FILE = str(MAC.path)


class Leaky:
    """Fails every case with an error that quotes the key."""

    @staticmethod
    def run_case(scheme, operation, value):
        raise RuntimeError(f"bad key {value['key'].hex()}")


class Sha1Only:
    """Right answers, but declares only SHA-1: every SHA-256 vector is unsupported."""

    @staticmethod
    def hello():
        hello = _reference.hello()
        hello["supports"]["hmac"]["algorithms"] = ["sha1"]
        return hello

    run_case = staticmethod(_reference.run_case)


LEAKY, LEAKY_TOO = Leaky(), Leaky()
SHA1_ONLY = Sha1Only()
SHA1 = next(v for v in load().vectors if v.id.startswith("hmac/rfc2202/sha1/"))


def run(capsys, *options: str) -> tuple[int, str]:
    code = main(["run", "--vectors", FILE, "-k", MAC.id, *options])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_redact_keys_reaches_the_run(capsys):
    code, plain = run(capsys, "--impl", "python:tests.test_cli_run_wiring:LEAKY")
    assert code == 1 and KEY in plain
    code, redacted = run(capsys, "--impl", "python:tests.test_cli_run_wiring:LEAKY", "--redact-keys")
    assert code == 1 and KEY not in redacted and "bad key" in redacted


def test_require_reaches_the_run(capsys):
    both = ["--vectors", str(SHA1.path), "-k", SHA1.id, "--impl", "python:tests.test_cli_run_wiring:SHA1_ONLY"]
    assert run(capsys, *both)[0] == 0, "one vector passes, the other is unsupported: no failure"
    code, text = run(capsys, *both, "--require", "hmac:sha256")
    assert code == 1 and "required hmac:sha256: 1 of 1 vectors not tested" in text


def test_the_reproduce_line_names_the_vector_files(capsys):
    code, text = run(capsys, "--impl", "python:tests.test_cli_run_wiring:LEAKY")
    assert code == 1 and f"--vectors {FILE}" in text


def test_write_xfail_keeps_the_reason_of_a_listed_failure(capsys, tmp_path: Path):
    listed, out = tmp_path / "xfail.yaml", tmp_path / "new.yaml"
    listed.write_text(f'expected_failures:\n  - id: "{MAC.id}"\n    reason: "known leak"\n', encoding="utf-8")
    impl = ["--impl", "python:tests.test_cli_run_wiring:LEAKY"]
    code, _ = run(capsys, *impl, "--xfail", str(listed), "--write-xfail", str(out))
    assert code == 0 and f'  - id: "{MAC.id}"\n    reason: "known leak"\n' in out.read_text(encoding="utf-8")


def test_several_implementations_name_each_that_failed(capsys):
    code, text = run(capsys, "--impl", "python:tests.test_cli_run_wiring:LEAKY", "--impl", "reference",
                     "--impl", "python:tests.test_cli_run_wiring:LEAKY_TOO")  # fmt: skip
    one, two = "python:tests.test_cli_run_wiring:LEAKY", "python:tests.test_cli_run_wiring:LEAKY_TOO"
    assert code == 1 and f"1 of 3 implementation runs passed; failed: {one}, {two}" in text
    assert "== reference: 1 vectors" in text


def test_a_nested_subcommand_names_itself_in_a_usage_error(capsys):
    assert main(["vectors", "new", "--bogus"]) == 2
    assert capsys.readouterr().err.startswith("hmac-conformance: new: ")


def test_a_report_path_may_hold_a_colon(capsys, tmp_path: Path):
    target = tmp_path / "run:1.json"
    code, _ = run(capsys, "--impl", "reference", "--report", f"json:{target}")
    assert code == 0 and target.is_file()


def test_a_selection_of_superseded_vectors_says_how_to_include_them(capsys, tmp_path: Path):
    text = MAC.path.read_text(encoding="utf-8")
    start = text.index(f"id: {MAC.id}\n")
    at = text.index("    source:", start)
    at = text.index("\n", at) + 1
    errata = tmp_path / "errata.yaml"
    errata.write_text(text[:at] + "    superseded_by: hmac/rfc4231/sha256/case-2\n" + text[at:], encoding="utf-8")
    base = ["run", "--vectors", str(errata), "--impl", "reference"]
    assert main([*base, "-k", MAC.id]) == 2
    assert capsys.readouterr().err == (
        "hmac-conformance: no vector matches the selection (-k, --exclude, --scheme, --operation, --tag, "
        "--suite-version) (it matches only superseded vectors: add --include-superseded)\n"
    )
    assert main([*base, "-k", MAC.id, "--include-superseded"]) == 0
    assert "1 passed" in capsys.readouterr().out
    assert main([*base, "-k", "hmac/none"]) == 2
    assert capsys.readouterr().err.endswith("--tag, --suite-version)\n"), "no hint when nothing matches at all"
