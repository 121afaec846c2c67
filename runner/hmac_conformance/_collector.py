"""Python's cycle collector paused around work that makes no cycles: loading vectors and running cases. Each full
collection scans every object alive, so over a large load or run the collector rescans every vector and result
again and again, and finds nothing."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block and back as it was after it (also when the block raises); what cyclic
    garbage the block leaves is collected once it resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
