"""Run an in-process renderer (WeasyPrint) in a forked child with a time and memory limit.

WeasyPrint is a library, not a program, so it cannot be given a timeout the way
`dot` is. A map that makes it lay out for minutes, or grow without bound,
would otherwise hang a CI job or take the machine's memory with it. The child
is a fork of this process (the imports and the parsed map are already there,
so it costs a few milliseconds), limited with `setrlimit`, and hands its bytes
back through a pipe. The child never writes a file: the parent writes the
result atomically, so a child that is killed leaves nothing behind.

Ctrl-C ends the child at once (it is in the terminal's process group) and the
parent raises KeyboardInterrupt for it; a parent interrupted while it waits
kills the child. Either way one Ctrl-C stops the run cleanly.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable

from journeymap.render.errors import RenderError
from journeymap.strings import short

_OK, _FAILED = b"o", b"e"


def run_confined(work: Callable[[], bytes], *, what: str, timeout: float, memory: int) -> bytes:
    """`work()` run in a child limited to `timeout` seconds and `memory` bytes of address space.
    A RenderError it raises comes back as it was; running out of time or memory, or dying,
    becomes a RenderError (exit 2) that says which limit to raise."""
    result_read, result_write = os.pipe()
    said_read, said_write = os.pipe()
    # no Ctrl-C inside fork itself: Python would raise it in a fork hook and print it as ignored
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except OSError as exc:  # out of processes or memory before anything ran
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for fd in (result_read, result_write, said_read, said_write):
            os.close(fd)
        raise RenderError(f"could not start {what}: {exc.strerror or exc}") from None
    if pid == 0:  # the child: never returns into the caller's code
        os.close(result_read)
        os.close(said_read)
        _child(work, result_write, said_write, timeout, memory)
    os.close(result_write)
    os.close(said_write)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        output = _read_all([result_read, said_read], time.monotonic() + timeout)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(result_read)
        os.close(said_read)
    if output is None:
        _kill(pid)
        raise RenderError(f"{what} took longer than {timeout:g} s and was stopped; raise the limit with --timeout")
    _, status = os.waitpid(pid, 0)
    payload, said = output[result_read], output[said_read]
    return _result(payload, status, what, memory, short(said.decode("utf-8", "replace"), 160))


def _child(work: Callable[[], bytes], fd: int, stderr: int, timeout: float, memory: int) -> None:
    code = 0
    try:
        # what C libraries print when they fail (GLib: "creating thread: ...") is part of the
        # parent's one-line error, not loose lines on the terminal
        os.dup2(stderr, 2)
        os.close(stderr)

        faulthandler.disable()  # a crash is the parent's to report, in one line
        # Ctrl-C ends the child at once and quietly; the parent turns that back into KeyboardInterrupt
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        limit_resources(timeout, memory)
        try:
            message = _OK + work()
        except RenderError as exc:
            message = _FAILED + pickle.dumps((str(exc), exc.exit_code, exc.node))
        except MemoryError:
            message = _FAILED + pickle.dumps((f"it ran {_out_of_memory(memory)}", 2, None))
        except SystemError as exc:
            # a C extension whose allocation failed under the address-space limit returns an error
            # without raising one (cffi, Pillow): Python can only call that a SystemError
            said = f"it ran {_out_of_memory(memory)}" if "without exception set" in str(exc) else \
                f"SystemError: {str(exc)[:200]}"
            message = _FAILED + pickle.dumps((said, 2, None))
        except Exception as exc:
            message = _FAILED + pickle.dumps((f"{type(exc).__name__}: {str(exc)[:200]}", 2, None))
        _write_all(fd, message)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def limit_resources(timeout: float, memory: int) -> None:
    """Limit this process (a child about to draw) to `memory` bytes of address space, and its CPU
    time to a little over `timeout`: a backstop should the parent die with nobody to enforce it."""

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(timeout) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _read_all(fds: list[int], deadline: float) -> dict[int, bytes] | None:
    """Everything the child writes to each pipe until it closes them all, or None when the
    deadline passes first."""
    chunks: dict[int, list[bytes]] = {fd: [] for fd in fds}
    open_fds = list(fds)
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select(open_fds, [], [], left)
        if not ready:
            return None
        for fd in ready:
            chunk = os.read(fd, 1 << 20)
            if chunk:
                chunks[fd].append(chunk)
            else:
                open_fds.remove(fd)
    return {fd: b"".join(parts) for fd, parts in chunks.items()}


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _result(payload: bytes, status: int, what: str, memory: int, said: str) -> bytes:
    if payload[:1] == _OK and os.waitstatus_to_exitcode(status) == 0:
        return payload[1:]
    if payload[:1] == _FAILED:
        message, exit_code, node = pickle.loads(payload[1:])
        raise RenderError(f"{what} failed: {message}" if exit_code == 2 else message, exit_code, node)
    code = os.waitstatus_to_exitcode(status)
    if code == -signal.SIGINT:
        raise KeyboardInterrupt
    detail = f" ({said})" if said else ""
    if code < 0:
        raise RenderError(stopped_by_signal(what, -code, memory) + detail)
    raise RenderError(f"{what} stopped without an answer (exit {code}){detail}")


def _out_of_memory(memory: int) -> str:
    return f"out of memory: the limit is {memory // 2**20:,} MB; raise it with --memory"


def stopped_by_signal(what: str, number: int, memory: int) -> str:
    """Why a renderer died of a signal, and which limit to raise. Out of address space, C libraries
    abort (GLib: SIGTRAP or SIGABRT) or crash; SIGXCPU is the CPU-time backstop."""
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if number == signal.SIGXCPU:
        return f"{what} was stopped by {name}: it ran out of CPU time; raise the limit with --timeout"
    return f"{what} was stopped by {name}, most likely {_out_of_memory(memory)}"
