"""Python's garbage collector held back while a run builds many short-lived, acyclic objects.

Checking a folder of maps (thousands of containers a file, freed by reference counting) and
laying out a poster (WeasyPrint's boxes, alive until the PDF is written) both make the
collector walk through objects that hold no cycle, again and again; at the default threshold
that was a good part of lint's share of a folder run and a tenth of a poster's time. Raised for
the block, as type checkers do for the same reason, and put back afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collecting_seldom(after: int) -> Iterator[None]:
    """The collector's first generation is examined only every `after` new objects in the block."""
    before = gc.get_threshold()
    gc.set_threshold(after, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
