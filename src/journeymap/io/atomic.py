"""Atomic file writes: a temporary file beside the target, then a rename.

A run that fails or is interrupted leaves either the old file or none, never
half of a new one, and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from journeymap.errors import OutputError


def write_atomic(target: Path, data: bytes | str, *, overwrite: bool = True) -> None:
    """Write `data` to `target`. With overwrite=False an existing file raises FileExistsError;
    any other failure (a full disk, a folder that cannot be written) raises OutputError."""
    try:
        _write(target, data.encode("utf-8") if isinstance(data, str) else data, overwrite)
    except FileExistsError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None


def make_folder(folder: Path) -> None:
    """Create `folder` and its parents if missing; OutputError when that cannot be done."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None


def _write(target: Path, payload: bytes, overwrite: bool) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        if overwrite:
            os.replace(temp, target)
        else:
            os.link(temp, target)  # fails if target exists, with no window for a race
            os.unlink(temp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
