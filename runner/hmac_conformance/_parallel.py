"""Loading many vector files on every core: each file is parsed, checked and built on its own, so a large
corpus is split across worker processes and the results are gathered back in file order.

Only where it pays: the workers are forked (they inherit the registered schemes and cost milliseconds to
start), and a corpus smaller than ``MIN_BYTES`` or a machine with one core loads in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

#: Below this many bytes of YAML in all, starting workers costs more than it saves.
MIN_BYTES = 8 * 1024 * 1024
#: Files handed to a worker at a time (fewer round trips; small enough to keep both cores busy to the end).
CHUNK = 8

T = TypeVar("T")


def workers(paths: Sequence[Path]) -> int:
    """How many processes to load ``paths`` with (1: in this process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or len(paths) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue  # the loader reports it
        if size >= MIN_BYTES:
            return min(cores, 8)
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
