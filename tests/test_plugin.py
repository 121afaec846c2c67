"""Schemes are plug-ins: a toy scheme that lives only in tests/toy_scheme/ is registered by the environment and
goes through validate, export, run (in-process and jsonl:) and every report, with no generic module naming it.
And the package has an import name of its own, and a crosscheck shares no code with its reference."""

from __future__ import annotations

import ast
import json
import shlex
import subprocess
import sys
import venv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hmac_conformance import _schemas, schemes
from tests.conftest import PY, ROOT

TOY = ROOT / "tests" / "toy_scheme"
VECTORS = str(TOY / "vectors")
ADAPTER = shlex.join([PY, str(TOY / "adapter.py")])


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setenv(schemes.ENVIRONMENT, "tests.toy_scheme")
    assert "toy" in schemes.all_schemes()
    yield
    monkeypatch.delenv(schemes.ENVIRONMENT)
    assert "toy" not in schemes.all_schemes()


def test_a_run_holds_the_registry_it_started_with(monkeypatch):
    """Inside held() (a run) the registry is the one found when it began, whatever the environment says
    meanwhile; nested holds keep theirs; after the last one ends the environment counts again."""
    monkeypatch.delenv(schemes.ENVIRONMENT, raising=False)
    with schemes.held() as outer:
        assert "toy" not in outer
        monkeypatch.setenv(schemes.ENVIRONMENT, "tests.toy_scheme")
        assert schemes.all_schemes() is outer
        with schemes.held() as inner:
            assert inner is outer
        assert "toy" not in schemes.all_schemes()
    assert "toy" in schemes.all_schemes()
    with schemes.held() as again:
        assert "toy" in again
        monkeypatch.delenv(schemes.ENVIRONMENT)
        assert schemes.get("toy") is again["toy"]
    assert "toy" not in schemes.all_schemes()


def test_validate_checks_the_toy_with_its_own_rules_and_recomputation(hc, toy, tmp_path):
    result = hc("validate", VECTORS)
    assert result.code == 0, result.err
    assert "6 vectors in 1 files are valid (toy/check 3, toy/tag 3)" in result.out
    bad = tmp_path / "toy.yaml"
    text = (TOY / "vectors" / "toy.yaml").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("rules: [TOY-1]", "rules: [TOY-9]", 1).replace("reason: tag-mismatch", "reason: malformed-tag")
    )
    result = hc("validate", str(bad))
    assert result.code == 1
    assert "[toy/tag/ascii] cites rule TOY-9, which the spec (docs/spec/) does not define" in result.err
    assert "[toy/check/other-text] expected {'valid': False, 'reason': 'malformed-tag'}; reference says" in result.err


def test_an_unregistered_scheme_is_refused_by_name(hc):
    result = hc("validate", VECTORS)
    assert result.code == 1
    assert f"scheme: 'toy' is not one of {list(schemes.all_schemes())}" in result.err


def test_export_of_the_toy_validates_against_the_composed_schema(hc, toy, tmp_path):
    out = tmp_path / "export.json"
    assert hc("export", VECTORS, "--out", str(out)).code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert not list(_schemas.export().iter_errors(document))
    assert {(v["scheme"], v["operation"]) for v in document["vectors"]} == {("toy", "tag"), ("toy", "check")}
    assert document["vectors"][0]["input"]["key"] == "dG95LWtleQ=="


def test_run_in_process_and_jsonl_with_every_report(hc, toy, tmp_path):
    reports = {k: tmp_path / f"r.{k}" for k in ("json", "junit", "markdown")}
    args = [f"--report={k}:{p}" for k, p in reports.items()]
    result = hc("run", "--impl=reference", f"--impl=jsonl:{ADAPTER} upper", f"--vectors={VECTORS}", *args,
                "--require=toy/check", "--strict-reasons")  # fmt: skip
    assert result.code == 1, result.out
    reference, adapter = json.loads(reports["json"].read_text(encoding="utf-8"))["runs"]
    assert reference["ok"] and reference["counts"]["pass"] == 6
    statuses = {r["id"]: r["status"] for r in adapter["results"]}
    assert statuses == {"toy/tag/ascii": "fail", "toy/tag/empty": "fail", "toy/tag/unicode": "unsupported",
                        "toy/check/right": "pass", "toy/check/upper": "pass", "toy/check/other-text": "pass"}  # fmt: skip
    assert adapter["untested"] == {"toy/tag": {"unsupported": 1, "skip": 0}}
    failing = next(r for r in adapter["results"] if r["id"] == "toy/tag/ascii")
    assert failing["message"] == "tag differs: upper-case hex (TOY-1)" and failing["input"]["key"] == "dG95LWtleQ=="
    suite = ET.parse(reports["junit"]).getroot().findall("testsuite")[1]
    assert suite.get("failures") == "2" and suite.get("skipped") == "1"
    markdown = reports["markdown"].read_text(encoding="utf-8")
    assert "| toy | tag | 0 | 2 | 0 | 1 | 0 | 0 | 0 |" in markdown and "`toy/tag/ascii`" in markdown
    html = tmp_path / "m.html"
    assert hc("report", str(reports["json"]), f"--html={html}").code == 0
    assert "toy / tag" in html.read_text(encoding="utf-8")


def test_requirement_and_redaction_use_the_toys_declarations(hc, toy, tmp_path):
    report = tmp_path / "r.json"
    result = hc("run", f"--impl=jsonl:{ADAPTER} upper", f"--vectors={VECTORS}", "--require=toy/tag:unicode",
                "--redact-keys", f"--report=json:{report}")  # fmt: skip
    assert "required toy/tag:unicode: 1 of 1 vectors not tested (feature unicode not supported)" in result.out
    failing = next(r for r in json.loads(report.read_text())["runs"][0]["results"] if r["status"] == "fail")
    assert failing["input"]["key"] == "<redacted>"


def test_two_schemes_may_share_operation_names():
    from hmac_conformance import _protocol

    operations = [(name, op) for name, s in schemes.all_schemes().items() for op in s.operations]
    assert len(operations) == len(set(operations))
    assert _protocol.decode_output("firstvision", "verify", {"valid": True}) == {"valid": True}


# -- independence and the import name -----------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            found.update(f"{module}.{alias.name}" for alias in node.names) if module else None
            found.add(module)
    return found


@pytest.mark.parametrize("scheme", sorted(schemes.all_schemes()))
def test_a_crosscheck_imports_nothing_of_any_reference(scheme):
    """The point of the cross-check is independence: it may use other cross-checks, never a reference or the
    runner's own helpers."""
    folder = schemes.get(scheme).schema_dir.parent
    imported = _imports(folder / "crosscheck.py")
    ours = {name for name in imported if name.startswith("hmac_conformance")}
    assert all(name.startswith("hmac_conformance.schemes.") and ".crosscheck" in name for name in ours), ours
    assert not any("reference" in name for name in imported)


def test_the_wheel_installs_hmac_conformance_and_no_runner(tmp_path):
    """The importable package is hmac_conformance; `import runner` fails after installing the wheel."""
    dist = tmp_path / "dist"
    subprocess.run([PY, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], check=True, timeout=300)
    wheel = next(dist.glob("hmac_conformance-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False, system_site_packages=False)
    python = env_dir / "bin" / "python"
    target = tmp_path / "site"
    subprocess.run([PY, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True)
    deps = [p for p in sys.path if p.endswith("site-packages")]
    env = {"PYTHONPATH": ":".join([str(target), *deps]), "PATH": "/usr/bin:/bin"}
    check = subprocess.run(
        [str(python), "-c", "import runner"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert check.returncode == 1 and "No module named 'runner'" in check.stderr
    script = "import hmac_conformance as hc; print(len(hc.load_vectors()), hc.__file__)"
    ok = subprocess.run([str(python), "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    count, location = ok.stdout.split()
    assert int(count) > 0 and location.startswith(str(target)), "the wheel carries the vectors and schemas"
