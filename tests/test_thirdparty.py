"""The third-party adapters' wiring (thirdparty/, `nox -s thirdparty`), checked without network: every adapter is
in a manifest the session reads, pins its library, has expected-failure and untestable lists that name real
vectors; and, where Go is installed, a real adapter run on a small selection agrees with those lists."""

from __future__ import annotations

import ast
import fnmatch
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import hmac_conformance as hc
from hmac_conformance import _schemas, _yamlsafe, schemes
from tests.conftest import ROOT, require_tool

THIRDPARTY = ROOT / "thirdparty"


def _manifest_glob() -> str:
    """The glob noxfile.py's thirdparty session reads its manifests from (a module-level constant)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        target = (
            node.target
            if isinstance(node, ast.AnnAssign)
            else (node.targets[0] if isinstance(node, ast.Assign) else None)
        )
        if isinstance(target, ast.Name) and target.id == "THIRDPARTY_MANIFESTS":
            assert isinstance(node.value, ast.Constant)
            return node.value.value
    raise AssertionError("noxfile.py has no THIRDPARTY_MANIFESTS")


def _libraries() -> list[dict]:
    found = []
    for manifest in sorted(ROOT.glob(_manifest_glob())):
        entries = json.loads(manifest.read_text(encoding="utf-8"))["libraries"]
        found += [{**entry, "scheme": manifest.parent.name} for entry in entries]
    return found


LIBRARIES = _libraries()
BY_NAME = {lib["name"]: lib for lib in LIBRARIES}
SCHEMES = sorted({lib["scheme"] for lib in LIBRARIES})
#: The session reads only the scheme's own folder of vectors (loading every vector takes far longer).
VECTOR_IDS = {scheme: [v.id for v in hc.load_vectors([ROOT / "vectors" / scheme])] for scheme in SCHEMES}


def _entries(path: str, key: str) -> list[dict]:
    return _yamlsafe.load(ROOT / path).value[key]


def _matching(glob: str, scheme: str) -> list[str]:
    return [i for i in VECTOR_IDS[scheme] if fnmatch.fnmatchcase(i, glob)]


def test_every_adapter_directory_is_in_a_manifest_the_session_reads():
    scheme_dirs = sorted(p for p in THIRDPARTY.iterdir() if p.is_dir())
    assert scheme_dirs and all((d / "libraries.json").is_file() for d in scheme_dirs)
    on_disk = {f"{d.name}/{a.name}" for d in scheme_dirs for a in d.iterdir() if a.is_dir()}
    listed = {f"{lib['scheme']}/{lib['name']}" for lib in LIBRARIES}
    assert on_disk == listed
    for d in scheme_dirs:  # the session runs vectors/<scheme>/: the folder names must agree
        assert {v.scheme for v in hc.load_vectors([ROOT / "vectors" / d.name])} == {d.name}
    assert len(BY_NAME) == len(LIBRARIES), "adapter names must be unique: nox -s thirdparty selects by name"


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_manifest_entry_is_complete(name):
    lib = BY_NAME[name]
    scheme = schemes.get(lib["scheme"])
    assert lib["operations"] and set(lib["operations"]) <= set(scheme.operations)
    for op in lib["operations"]:
        hc.Requirement.parse(f"{lib['scheme']}/{op}")  # what the session passes to --require
    assert any(spec.startswith("jsonl:") for spec in lib["impl"])
    assert lib["build"] and all(isinstance(argv, list) and argv for argv in lib["build"])
    for key in ("xfail", "untestable"):
        assert (ROOT / lib[key]).parent == THIRDPARTY / lib["scheme"] / name


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_expected_failures_parse_and_name_existing_vectors(name):
    lib = BY_NAME[name]
    entries = hc.load_xfail(ROOT / lib["xfail"])  # schema/xfail.schema.json, or a UsageError naming the line
    assert entries
    for entry in entries:
        assert _matching(entry.pattern, lib["scheme"]), (
            f"{entry.where}: {entry.pattern} matches no {lib['scheme']} vector"
        )
        assert lib["version"].lstrip("v") in entry.reason, f"{entry.where}: the reason names the library version"


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_untestable_vectors_exist_and_are_not_expected_failures(name):
    lib = BY_NAME[name]
    entries = _entries(lib["untestable"], "untestable")
    assert isinstance(entries, list)
    xfail_globs = [e.pattern for e in hc.load_xfail(ROOT / lib["xfail"])]
    for entry in entries:
        assert set(entry) == {"id", "reason"} and entry["reason"].strip()
        ids = _matching(entry["id"], lib["scheme"])
        assert ids, f"{lib['untestable']}: {entry['id']} matches no {lib['scheme']} vector"
        both = [i for i in ids if any(fnmatch.fnmatchcase(i, g) for g in xfail_globs)]
        assert not both, f"{name}: {both} is both untestable and an expected failure"


def _pinned_in_requirements(folder: Path, package: str, version: str) -> bool:
    text = (folder / "requirements.txt").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\\n\s+--hash=sha256:", text, re.MULTILINE)
    names = re.findall(r"^[A-Za-z0-9_.-]+", text, re.MULTILINE)
    return (package, version) in pins and len(pins) == len(names)  # every requirement exact and hashed


def _pinned_in_package_json(folder: Path, package: str, version: str) -> bool:
    declared = json.loads((folder / "package.json").read_text(encoding="utf-8"))["dependencies"]
    locked = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    return declared.get(package) == version and locked[f"node_modules/{package}"]["version"] == version


def _pinned_in_go_mod(folder: Path, package: str, version: str) -> bool:
    wanted = f"{package} v{version.lstrip('v')}"
    required = re.search(rf"^\s*(require\s+)?{re.escape(wanted)}$", (folder / "go.mod").read_text(), re.MULTILINE)
    return bool(required) and f"{wanted} h1:" in (folder / "go.sum").read_text(encoding="utf-8")


def _pinned_in_cargo_toml(folder: Path, package: str, version: str) -> bool:
    declared = re.search(
        rf'^{re.escape(package)} = "={re.escape(version)}"$', (folder / "Cargo.toml").read_text(), re.MULTILINE
    )
    locked = f'name = "{package}"\nversion = "{version}"\n' in (folder / "Cargo.lock").read_text(encoding="utf-8")
    return bool(declared) and locked


def _pinned_in_pom(folder: Path, package: str, version: str) -> bool:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    group, artifact = package.split(":")
    for dep in ET.parse(folder / "pom.xml").getroot().iterfind(".//m:dependency", ns):
        if (dep.findtext("m:groupId", namespaces=ns), dep.findtext("m:artifactId", namespaces=ns)) == (group, artifact):
            return dep.findtext("m:version", namespaces=ns) == version
    return False


PIN_CHECKS = {
    "requirements.txt": _pinned_in_requirements,
    "package.json": _pinned_in_package_json,
    "go.mod": _pinned_in_go_mod,
    "Cargo.toml": _pinned_in_cargo_toml,
    "pom.xml": _pinned_in_pom,
}


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_build_file_pins_the_manifest_version(name):
    lib = BY_NAME[name]
    folder = THIRDPARTY / lib["scheme"] / name
    build_files = [f for f in PIN_CHECKS if (folder / f).is_file()]
    assert len(build_files) == 1, f"{name}: expected exactly one build file, found {build_files}"
    assert PIN_CHECKS[build_files[0]](folder, lib["package"], lib["version"]), (
        f"{folder / build_files[0]} does not pin {lib['package']} at {lib['version']}"
    )


def test_readme_table_lists_every_adapter_with_its_version():
    rows = [
        line for line in (THIRDPARTY / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("|")
    ]
    for lib in LIBRARIES:
        row = next((r for r in rows if f"`{lib['name']}`" in r), None)
        assert row is not None, f"thirdparty/README.md has no row for {lib['name']}"
        assert lib["version"] in row and lib["package"] in row


def test_readme_lists_every_divergence_with_its_vectors():
    readme = (THIRDPARTY / "README.md").read_text(encoding="utf-8")
    for lib in LIBRARIES:
        section = readme.partition(f"### `{lib['name']}`")[2].partition("\n### ")[0]
        assert section, f"thirdparty/README.md has no divergence section for {lib['name']}"
        for entry in hc.load_xfail(ROOT / lib["xfail"]):
            assert f"`{entry.pattern}`" in section, f"{entry.where}: {entry.pattern} is not in thirdparty/README.md"
            assert entry.link is None or entry.link in section


def test_ci_runs_a_subset_of_existing_adapters_named_in_the_readme():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in script.splitlines() if line.startswith("python3 -m nox -s thirdparty"))
    names = line.partition(" -- ")[2].split()
    assert names and set(names) <= set(BY_NAME)
    assert " ".join(names) in " ".join((THIRDPARTY / "README.md").read_text(encoding="utf-8").replace("`", "").split())


def test_main_readme_links_the_thirdparty_readme():
    assert "thirdparty/README.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_xfail_files_are_valid_against_the_schema():
    validator = _schemas.validator("xfail.schema.json")
    for lib in LIBRARIES:
        assert not list(validator.iter_errors(_yamlsafe.load(ROOT / lib["xfail"]).value)), lib["xfail"]


# -- a real run ---------------------------------------------------------------------------------------------------

#: One adapter per scheme, built with Go (quick to build, dependencies from the module cache or proxy), on a
#: selection that holds both passing vectors and expected failures.
REAL_RUNS = [
    ("go-standardwebhooks", "standard-webhooks/headers/*"),
    ("go-aws-sdk-v2", "sigv4/headers/*"),
]


@pytest.mark.parametrize(("name", "glob"), REAL_RUNS)
def test_real_adapter_agrees_with_its_lists(name, glob, monkeypatch):
    lib = BY_NAME[name]
    require_tool(lib["tool"])
    for argv in lib["build"]:
        subprocess.run(argv, cwd=ROOT, check=True, timeout=600)
    monkeypatch.chdir(ROOT)  # the manifest's specs are relative to the repository root
    untestable = [e["id"] for e in _entries(lib["untestable"], "untestable")]
    chosen = [
        v
        for v in hc.load_vectors([ROOT / "vectors" / lib["scheme"]])
        if fnmatch.fnmatchcase(v.id, glob) and not any(fnmatch.fnmatchcase(v.id, u) for u in untestable)
    ]
    xfail = [e for e in hc.load_xfail(ROOT / lib["xfail"]) if any(e.matches(v.id) for v in chosen)]
    spec = next(s for s in lib["impl"] if s.startswith("jsonl:"))
    requirements = [hc.Requirement.parse(f"{lib['scheme']}/{op}") for op in lib["operations"]]
    run = hc.run(spec, chosen, xfail=xfail, requirements=[r for r in requirements if any(r.matches(v) for v in chosen)])
    assert run.ok, run.problems
    statuses = {r.vector_id: str(r.status) for r in run.results}
    expected = {v.id: "xfail" if any(e.matches(v.id) for e in xfail) else "pass" for v in chosen}
    assert statuses == expected
    assert "xfail" in statuses.values() and "pass" in statuses.values()
