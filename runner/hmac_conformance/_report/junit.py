"""JUnit XML: one testsuite per implementation, one testcase per vector (GitLab, Jenkins, GitHub annotations)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from hmac_conformance import _outputs as outputs
from hmac_conformance._execute import Run
from hmac_conformance._report.console import not_tested

_CONTROL = dict.fromkeys([c for c in range(32) if c not in (9, 10, 13)], "?")


def _text(value: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped."""
    return value.translate(_CONTROL)


def write(path: Path, runs: list[Run]) -> None:
    suites = ET.Element("testsuites", name="hmac-conformance")
    for run in runs:
        c = run.counts
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=_text(f"{run.identity.get('name')} ({run.spec})"),
            tests=str(len(run.results)),
            failures=str(c["fail"] + c["xpass"]),
            errors=str(c["error"]),
            skipped=str(c["unsupported"] + c["skip"] + c["xfail"]),
            time=f"{run.seconds:.3f}",
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="verdict", value="OK" if run.ok else "FAILED")
        ET.SubElement(props, "property", name="not-tested", value=_text(not_tested(run)))
        for problem in run.problems:
            ET.SubElement(props, "property", name="problem", value=_text(problem))
        for r in run.results:
            classname = f"{r.scheme}.{r.operation}"
            case = ET.SubElement(suite, "testcase", name=r.vector_id, classname=classname, time=f"{r.seconds:.6f}")
            body = _text("\n".join(x for x in (r.message, r.diagnostic) if x))
            if r.status in ("fail", "xpass"):
                ET.SubElement(case, "failure", message=_text(r.message[:500]), type=r.status).text = body
            elif r.status == "error":
                ET.SubElement(case, "error", message=_text(r.message[:500]), type="adapter-error").text = body
            elif r.status in ("unsupported", "skip", "xfail"):
                ET.SubElement(case, "skipped", message=_text(f"{r.status}: {r.message}"[:500]))
            if r.stderr and r.status != "pass":  # a passing testcase has no body: the report grows with failures
                ET.SubElement(case, "system-err").text = _text(r.stderr)
    ET.indent(suites)
    outputs.write_text(
        path, '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
