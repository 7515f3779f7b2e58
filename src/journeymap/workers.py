"""Worker processes for many maps, that stop cleanly on Ctrl-C.

A terminal's Ctrl-C sends SIGINT to every process of the job: journeymap and
each of its workers. Left alone, an idle worker dies inside the pool's queue
code and multiprocessing prints its traceback; a pool left to shut down in the
ordinary way would go on to run every queued map. Here a worker raises
KeyboardInterrupt only while it is working on a map, so that work unwinds
(atomic writes remove their temporary files) and comes back as a result; an
idle worker ignores the signal. The parent drops every map not yet started,
waits for the workers to finish, and lets the interrupt go on to the command,
which says "interrupted" and exits 130.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_busy = False


def in_workers(work: Callable[[T], R], items: Iterable[T], workers: int, chunksize: int = 1) -> Iterator[R]:
    """`work(item)` for every item in forked worker processes, the results in input order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the imported modules (and the compiled schema) with the workers
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_interruptible_only_when_busy)
    try:
        yield from pool.map(partial(_busy_with, work), items, chunksize=chunksize)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _interruptible_only_when_busy() -> None:
    signal.signal(signal.SIGINT, _on_interrupt)


def _on_interrupt(signum: int, frame: Any) -> None:
    if _busy:
        raise KeyboardInterrupt


def _busy_with(work: Callable[[T], R], item: T) -> R:
    global _busy
    _busy = True
    try:
        return work(item)
    finally:
        _busy = False
