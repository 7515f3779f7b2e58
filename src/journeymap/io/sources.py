"""Which files to read, and reading them safely.

Directories are walked without following symlinked folders (no loops), hidden
folders are skipped, and a symlinked map inside a walked tree is read only when
it points back inside that tree: a link to a secret elsewhere, or to a device
such as /dev/zero, is never opened. Only regular files are read, and never more
than the size limit.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journeymap.errors import JourneymapError
from journeymap.strings import MAP_SUFFIXES

STDIN = "-"


class InputError(JourneymapError):
    """The tool cannot read an input at all (exit 2): missing, unreadable, not a file."""


@dataclass(frozen=True)
class Target:
    """A map to read: `path` as shown to the user; `-` is standard input."""

    path: str

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


@dataclass
class Discovery:
    targets: list[Target]
    problems: list[str]


def is_map_name(name: str) -> bool:
    return name.endswith(MAP_SUFFIXES)


LIBRARY_SUFFIXES = (".library.yaml", ".library.yml")


def is_library_name(name: str) -> bool:
    return name.endswith(LIBRARY_SUFFIXES)


def _nothing_excluded(path: str) -> bool:
    return False


def discover(
    paths: Sequence[str], excluded: Callable[[str], bool] = _nothing_excluded, *, libraries: bool = False
) -> Discovery:
    """Expand files, directories and `-` into the maps to read, in a stable order. Maps found in a
    folder are left out when `excluded(path)` (the project's `exclude`); a file named explicitly
    is always read. `libraries`: library files found in folders are read too (validate checks them)."""
    found = Discovery([], [])
    seen: set[str] = set()
    for given in paths:
        if given == STDIN:
            found.targets.append(Target(STDIN))
            continue
        if os.path.isdir(given):
            maps = [p for p in _walk(given, libraries) if not excluded(p)]
            if not maps:
                found.problems.append(f"{given}: no *.journey.yaml or *.journey.yml files found in this folder")
            for p in maps:
                if p not in seen:
                    seen.add(p)
                    found.targets.append(Target(p))
        elif os.path.lexists(given):
            if given not in seen:  # a file named explicitly is always read
                seen.add(given)
                found.targets.append(Target(given))
        else:
            found.problems.append(f"{given}: no such file or directory")
    return found


def _walk(root: str, libraries: bool = False) -> list[str]:
    real_root = os.path.realpath(root)
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            wanted = is_map_name(name) or (libraries and is_library_name(name))
            if not wanted or name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            if os.path.islink(path) and not inside(os.path.realpath(path), real_root):
                continue
            out.append(path)
    return out


def inside(path: str, root: str) -> bool:
    """Whether `path` is `root` or below it (both already resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def repository_root(folder: str) -> str:
    """The repository holding `folder` (resolved): the nearest folder from it up that holds `.git`,
    else `folder` itself. Files a map names (libraries, event logs, the schema) stay inside it."""
    here = os.path.realpath(folder)
    at = here
    while True:
        if os.path.lexists(os.path.join(at, ".git")):
            return at
        parent = os.path.dirname(at)
        if parent == at:
            return here
        at = parent


def read_target(target: Target, max_bytes: int) -> bytes:
    """The file's bytes, at most max_bytes + 1 of them (the caller reports the excess)."""
    if target.is_stdin:
        return sys.stdin.buffer.read(max_bytes + 1)
    try:
        info = os.stat(target.path)
    except FileNotFoundError:
        raise InputError(f"{target.path}: no such file (a broken symlink?)") from None
    except OSError as exc:
        raise InputError(f"{target.path}: cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{target.path}: not a regular file; name a .journey.yaml file or a folder")
    try:
        with open(target.path, "rb") as handle:
            return handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"{target.path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"{target.path}: cannot read: {exc.strerror}") from None
