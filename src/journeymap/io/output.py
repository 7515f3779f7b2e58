"""Writing results to standard output, where a full disk or a closed device is the tool's
problem (exit 2, one line), not an internal error with a traceback."""

from __future__ import annotations

import os
import sys

from journeymap.errors import OutputError
from journeymap.strings import inert


def emit(data: str | bytes, *, commands: bool = False) -> None:
    """Write `data` to standard output and flush it, so a failure is seen here, while it can still
    be reported, and not when the interpreter exits. A reader that went away (`| head`) raises
    BrokenPipeError as before, for the command to end quietly.

    Whatever is printed is made inert for CI runners (`strings.inert`): no map, file name or event
    log can start a workflow command. `commands=True` is for the one output that is workflow
    commands on purpose, the github format, whose reporter escapes the text it quotes."""
    if not commands:
        data = _inert(data)
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


def _inert(data: str | bytes) -> str | bytes:
    if isinstance(data, str):
        return inert(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # a picture or a PDF: not lines a runner reads
    made = inert(text)
    return data if made is text else made.encode("utf-8")
