"""Worker processes for many maps, that stop cleanly on Ctrl-C.

A terminal's Ctrl-C sends SIGINT to every process of the job: journeymap, each
of its workers, and the programs they run (dot, the poster's child). Python's
default would raise KeyboardInterrupt in a worker wherever it happens to be:
in the pool's queue code, or inside a fork hook, where it is printed as an
"Exception ignored" traceback. So a worker only notes the signal, and starts
no map after it; the map it is busy with ends by itself, because its `dot` or
poster child died of the same Ctrl-C and that is turned back into
KeyboardInterrupt (see render.dot and render.confine); a map being written is
written whole (atomic writes). The parent drops every map not yet started,
waits for the workers and lets the interrupt go on to the command, which says
"interrupted" and exits 130.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_interrupted = False


def in_workers(work: Callable[[T], R], items: Iterable[T], workers: int, chunksize: int = 1) -> Iterator[R]:
    """`work(item)` for every item in forked worker processes, the results in input order."""

    # imported here: a run of one map starts no process, and these cost about 20 ms to import
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    # fork shares the imported modules (and the compiled schema) with the workers
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_note_interrupts)
    try:
        # the workers are forked while the work is handed out: with Ctrl-C blocked then, a worker
        # cannot be interrupted before its initializer has set the handler that only notes it (the
        # signal waits, and is noted); the parent's own Ctrl-C arrives as soon as it is unblocked
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            results = pool.map(partial(_unless_interrupted, work), items, chunksize=chunksize)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        yield from results
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _note_interrupts() -> None:
    signal.signal(signal.SIGINT, _on_interrupt)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _on_interrupt(signum: int, frame: Any) -> None:
    global _interrupted
    _interrupted = True


def _unless_interrupted(work: Callable[[T], R], item: T) -> R:
    if _interrupted:
        raise KeyboardInterrupt
    return work(item)
