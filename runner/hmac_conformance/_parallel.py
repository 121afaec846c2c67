"""Work on every core: loading many vector files (each is parsed, checked and built on its own) and running
many cases of the reference. The work is split across worker processes and the results are gathered back in
order.

Only where it pays: the workers are forked (they inherit the registered schemes, and what ``map_ranges`` hands
them, and cost milliseconds to start), and small work or a machine with one core stays in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

#: Below this many bytes of YAML in all, starting workers costs more than it saves.
MIN_BYTES = 8 * 1024 * 1024
#: Files handed to a worker at a time (fewer round trips; small enough to keep both cores busy to the end).
CHUNK = 8

T = TypeVar("T")


def cores() -> int:
    """How many worker processes this machine can keep busy (1: work in this process)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(count, 8)


def workers(paths: Sequence[Path]) -> int:
    """How many processes to load ``paths`` with (1: in this process)."""
    cores_here = cores()
    if cores_here < 2 or len(paths) < 2:
        return 1
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue  # the loader reports it
        if size >= MIN_BYTES:
            return cores_here
    return 1


def map_in_order(
    function: Callable[[Path], T], paths: Sequence[Path], answered: Callable[[Path], T | None] | None = None
) -> Iterator[T]:
    """``map(function, paths)``, across worker processes when that pays; results come in the order of paths.

    ``answered(path)`` is a cheap answer from this process (a cache hit) or None: the files it answers are not
    handed to workers, whose results would cost more to send back than the hit costs here."""
    known = {path: hit for path in paths if answered is not None and (hit := answered(path)) is not None}
    pending = [path for path in paths if path not in known]
    count = workers(pending)
    if count == 1:
        for path in paths:
            yield known[path] if path in known else function(path)
        return
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
        computed = pool.map(function, pending, chunksize=CHUNK)
        for path in paths:
            yield known[path] if path in known else next(computed)


#: What the workers of ``map_ranges`` inherit: set before they are forked, so nothing of it is pickled.
_INHERITED: list[tuple[Callable[[Any, int, int], Any], Any]] = []


def _inherited(bounds: tuple[int, int]) -> Any:
    function, state = _INHERITED[-1]
    return function(state, *bounds)


def map_ranges(function: Callable[[Any, int, int], T], state: Any, total: int, per_task: int) -> Iterator[T]:
    """``function(state, start, stop)`` for consecutive ranges of ``per_task`` covering ``range(total)``, in
    forked workers that inherit ``state`` (a run's vectors and its started adapter: never copied), results in
    order. The caller decides that the work is large enough to pay for the workers (``cores()`` says how many
    there would be). A worker that dies raises ``BrokenProcessPool`` here, after the results before it."""
    bounds = [(start, min(start + per_task, total)) for start in range(0, total, per_task)]
    _INHERITED.append((function, state))
    try:
        with ProcessPoolExecutor(cores(), mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_inherited, bounds)
    finally:
        _INHERITED.pop()
