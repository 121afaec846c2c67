"""Runner speed, measured (``nox -s bench``): not a test, so machine load never makes CI flaky.

Targets: persistent mode >= 50x one-shot speed per vector; in-process overhead < 20 us per vector.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import statistics
import sys
import time

from hmac_conformance import _reference as reference
from hmac_conformance._adapters.inprocess import InProcessAdapter
from hmac_conformance._adapters.oneshot import OneShotAdapter
from hmac_conformance._adapters.persistent import PersistentAdapter
from hmac_conformance._adapters.process import Command
from hmac_conformance._execute import execute
from hmac_conformance._load import load

EXAMPLE = f"{sys.executable} examples/python/adapter.py"


def per_vector(seconds: float, count: int) -> float:
    return seconds / count


def bench_inprocess(vectors, rounds: int = 7) -> float:
    """Median overhead per vector of execute() + compare over calling the reference directly."""
    small = [v for v in vectors if len(str(v.input)) < 4000]  # the HMAC of 1 MiB would drown the overhead
    overheads = []
    for _ in range(rounds):
        started = time.perf_counter()
        for v in small:
            reference.run_case(v.scheme, v.operation, v.input)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        run = execute(InProcessAdapter("reference", reference), small)
        full = time.perf_counter() - started
        assert run.ok
        overheads.append((full - bare) / len(small))
    return statistics.median(overheads)


def bench_modes(vectors, sample: int = 40) -> tuple[float, float]:
    """Seconds per vector: one-shot on a sample (it is slow), persistent over the whole suite including
    process start and hello, as a real run pays them."""
    small = [v for v in vectors if len(str(v.input)) < 4000]
    command = Command.parse(EXAMPLE)
    chosen = small[:: max(1, len(small) // sample)][:sample]
    started = time.perf_counter()
    assert execute(OneShotAdapter("cmd", command, timeout=30), chosen).ok
    oneshot = per_vector(time.perf_counter() - started, len(chosen))
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        assert execute(PersistentAdapter("jsonl", command, timeout=30), small).ok
        timings.append(per_vector(time.perf_counter() - started, len(small)))
    return oneshot, statistics.median(timings)


def main() -> int:
    vectors = load().vectors
    overhead = bench_inprocess(vectors)
    oneshot, persistent = bench_modes(vectors)
    speedup = oneshot / persistent
    print(f"in-process overhead per vector: {overhead * 1e6:8.1f} us   (target < 20 us)")
    print(f"one-shot per vector:            {oneshot * 1e3:8.2f} ms")
    print(f"persistent per vector:          {persistent * 1e3:8.3f} ms   (includes process start and hello)")
    print(f"persistent speed-up:            {speedup:8.1f} x   (target >= 50 x)")
    ok = overhead < 20e-6 and speedup >= 50
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
