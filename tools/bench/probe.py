"""One measurement of the benchmark, in a fresh interpreter so that its peak memory is its own.

``python tools/bench/probe.py KIND ARGS...`` prints one JSON object: the seconds measured and what they cover.
The driver (tools/bench/bench.py) starts one probe per measurement and reads its peak RSS from the kernel.
"""

from __future__ import annotations

import hmac
import json
import sys
import time
from pathlib import Path
from typing import Any


def floor_json(folder: str) -> dict[str, Any]:
    """The floor of loading: the same vectors as JSON, read with the standard library, one HMAC each."""
    started = time.perf_counter()
    count = 0
    for path in sorted(Path(folder).rglob("*.json")):
        for vector in json.loads(path.read_bytes())["vectors"]:
            hmac.digest(b"bench", vector["id"].encode(), "sha256")
            count += 1
    return {"seconds": time.perf_counter() - started, "vectors": count}


def load(folder: str) -> dict[str, Any]:
    """The runner's load: strict YAML, schema check, vectors built (what every command pays first)."""
    from hmac_conformance._load import held_for_the_command  # noqa: PLC0415 - imported before the clock starts
    from hmac_conformance._load import load as load_vectors  # noqa: PLC0415

    started = time.perf_counter()
    with held_for_the_command():  # as every command loads
        result = load_vectors([Path(folder)])
    seconds = time.perf_counter() - started
    assert not result.problems, result.problems[:3]
    return {"seconds": seconds, "vectors": len(result.vectors)}


def examples(folder: str, schemes: str, lines: str, sample: str, repeat: str, *commands: str) -> dict[str, Any]:
    """For each command: a persistent (``jsonl:``) run of every case, the process's start and hello included
    (best of ``repeat``), and a one-shot (``cmd:``) run of an evenly spread sample. The vectors are loaded once,
    and the exact lines a persistent run sends are written to ``lines`` for the adapter-alone floor."""
    from hmac_conformance import _protocol as protocol  # noqa: PLC0415
    from hmac_conformance._adapters.oneshot import OneShotAdapter  # noqa: PLC0415
    from hmac_conformance._adapters.persistent import PersistentAdapter  # noqa: PLC0415
    from hmac_conformance._adapters.process import Command  # noqa: PLC0415
    from hmac_conformance._execute import execute  # noqa: PLC0415
    from hmac_conformance._load import held_for_the_command  # noqa: PLC0415
    from hmac_conformance._load import load as load_vectors  # noqa: PLC0415

    wanted = set(schemes.split(","))
    with held_for_the_command():  # as `run` loads
        vectors = [v for v in load_vectors([Path(folder)]).vectors if v.scheme in wanted]
    with Path(lines).open("wb") as sink:
        sink.write(protocol.encode(protocol.HELLO))
        for seq, vector in enumerate(vectors, 1):
            sink.write(protocol.case_line(seq, vector))
        sink.write(protocol.encode(protocol.STOP))
    chosen = vectors[:: max(1, len(vectors) // int(sample))][: int(sample)]
    out: dict[str, Any] = {"seconds": 0.0, "lines": len(vectors)}
    for command in commands:
        best = float("inf")
        for _ in range(int(repeat)):
            started = time.perf_counter()
            run = execute(PersistentAdapter("jsonl", Command.parse(command), timeout=60), vectors)
            best = min(best, time.perf_counter() - started)
            assert run.ok, [r for r in run.results if r.status != "pass"][:3]
        started = time.perf_counter()
        oneshot = execute(OneShotAdapter("cmd", Command.parse(command), timeout=60), chosen)
        seconds = time.perf_counter() - started
        assert oneshot.ok, [r for r in oneshot.results if r.status != "pass"][:3]
        out[command] = {"persistent": best, "cases": run.executed, "oneshot": seconds, "oneshot_cases": len(chosen)}
    return out


KINDS = {"floor-json": floor_json, "load": load, "examples": examples}

if __name__ == "__main__":
    print(json.dumps(KINDS[sys.argv[1]](*sys.argv[2:])))
