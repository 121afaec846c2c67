"""hmac-conformance: conformance test vectors and a runner for HMAC request signatures.

The public API — everything else in this package is private and may change::

    import hmac_conformance as hc

    vectors = hc.load_vectors()                                  # the suite's vectors (or load_vectors(paths))
    chosen = hc.select(vectors, schemes=["firstvision"], operations=["sign"])
    run = hc.run("jsonl:./my-adapter", chosen)                   # or "python:my_sdk.conformance:Impl"
    for result in run.results:
        print(result.vector_id, result.status, result.message)
    assert run.ok, run.problems

In an SDK's own pytest suite (the pytest plugin, ``pytest --hmac-impl SPEC``, runs the vectors with no test
file of your own)::

    @pytest.mark.parametrize("case", hc.cases(scheme="firstvision", operation="sign"), ids=str)
    def test_sign(case):
        case.check(my_sdk_adapter.sign(**case.input))   # AssertionError with the runner's diagnosis

Scheme authors: ``hmac_conformance.schemes`` (docs/adding-a-scheme.md).
"""

from hmac_conformance._adapters import implementation
from hmac_conformance._api import Case, cases, load_vectors, read_report, run, select
from hmac_conformance._exceptions import AdapterError, UsageError, VectorFileError
from hmac_conformance._execute import Run
from hmac_conformance._expectations import ExpectedFailure, load_xfail
from hmac_conformance._gate import Requirement
from hmac_conformance._model import Problem, Vector
from hmac_conformance._outcome import Result, Status
from hmac_conformance._select import Selection
from hmac_conformance._version import __version__

__all__ = [
    "AdapterError",
    "Case",
    "ExpectedFailure",
    "Problem",
    "Requirement",
    "Result",
    "Run",
    "Selection",
    "Status",
    "UsageError",
    "Vector",
    "VectorFileError",
    "__version__",
    "cases",
    "implementation",
    "load_vectors",
    "load_xfail",
    "read_report",
    "run",
    "select",
]
