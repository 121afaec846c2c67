"""hmac-conformance report: the compatibility matrix as HTML (checked in headless Chromium) and Markdown."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hmac_conformance import __version__, load_vectors
from hmac_conformance import _paths as paths
from tests.conftest import ROOT, py_impl, require_tool

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def matrix(tmp_path_factory) -> tuple[Path, Path, str]:
    from hmac_conformance import _cli as cli

    out = tmp_path_factory.mktemp("matrix")
    good, bad = out / "good.json", out / "bad.json"
    assert cli.main(["run", "-q", "--impl=reference", f"--report=json:{good}"]) == 0
    impl = "--impl=jsonl:" + py_impl("impls/buggy.py", "seconds")
    assert cli.main(["run", "-q", impl, f"--report=json:{bad}"]) == 1
    html, md = out / "matrix.html", out / "matrix.md"
    assert cli.main(["report", str(good), str(bad), f"--html={html}", f"--markdown={md}"]) == 0
    text = html.read_text(encoding="utf-8")
    anchor = re.search(r"<a href='#(r\d+c1)'>", text).group(1)
    return html, md, anchor


def test_html_is_self_contained_and_complete(matrix):
    html, _, _ = matrix
    text = html.read_text(encoding="utf-8")
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text and "<link" not in text
    assert f"hmac-conformance-reference {__version__}" in text and "buggy-seconds 0" in text
    assert f"Suite version {paths.suite_version()}" in text
    assert "firstvision/verify/timestamp/seconds" in text


def test_markdown_matrix(matrix):
    _, md, _ = matrix
    text = md.read_text(encoding="utf-8")
    total = sum(1 for v in load_vectors() if (v.scheme, v.operation) == ("firstvision", "verify"))
    row = re.search(rf"\| firstvision / verify \| ✅ {total}/{total} \| ❌ (\d+)/{total} \|", text)
    assert row is not None and 0 < int(row[1]) < total, text
    assert "`firstvision/verify/timestamp/seconds`" in text


def _chromium(*args: str, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    require_tool("chromium")
    profile = Path(ROOT / ".pytest_cache" / "chromium-profile")
    shutil.rmtree(profile, ignore_errors=True)
    return subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=timeout, check=True)  # fmt: skip


def test_renders_in_headless_chromium_and_failing_cell_leads_to_its_ids(matrix, tmp_path):
    html, _, anchor = matrix
    dom = _chromium("--dump-dom", f"{html.as_uri()}#{anchor}").stdout
    assert '<table id="matrix">' in dom
    assert f"hmac-conformance-reference {__version__}" in dom and "buggy-seconds 0" in dom
    # The linked cell's details element is opened by the page's script and lists the failing ids.
    details = re.search(rf'<details id="{anchor}" open="">(.*?)</details>', dom, re.S)
    assert details, "the failing cell's list did not open"
    assert "firstvision/verify/" in details.group(1)
    shot = tmp_path / "matrix.png"
    _chromium("--window-size=1400,1000", f"--screenshot={shot}", html.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
