"""Writing results to standard output, where a full disk or a closed device is the tool's
problem (exit 2, one line), not an internal error with a traceback."""

from __future__ import annotations

import os
import sys

from journeymap.errors import OutputError


def emit(data: str | bytes) -> None:
    """Write `data` to standard output and flush it, so a failure is seen here, while it can still
    be reported, and not when the interpreter exits. A reader that went away (`| head`) raises
    BrokenPipeError as before, for the command to end quietly."""
    try:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        drop_pending_output()
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def drop_pending_output() -> None:
    # what is still buffered would fail again when Python flushes at exit, with a message of its own
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's captured stream): nothing will be flushed at exit
