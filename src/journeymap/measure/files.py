"""Which files a data path names: matched here, once, and handed to the engines as the
resolved real paths of regular files, never as a pattern.

A map or configuration comes from whoever wrote the pull request, so its paths are confined:
every file must really lie inside the repository and outside `.git` (where a CI checkout
keeps its token). Globs are matched by walking folders without following symbolic links
(a committed link to `.` or `/` would make the walk endless), within a number of files and
a time limit. DuckDB and Hadoop expand `*`, `?`, `[` and `{` in every path they are given,
so a resolved path that still holds one of those characters is refused, not escaped: there
is no escape both engines honour.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase

from journeymap.errors import UsageProblem
from journeymap.io.sources import inside

GLOB = frozenset("*?[")
# what DuckDB's and Hadoop's globbing reads as a pattern in a path they are handed
ENGINE_PATTERN = frozenset("*?[]{}\\")
MAX_FILES = 1000
MAX_SECONDS = 10.0
GIT = ".git"


@dataclass(frozen=True)
class Naming:
    """A data path as written, and what confines it."""

    pattern: str  # as the user wrote it, for messages
    base: str  # the folder it is relative to
    repo: str | None  # the repository it must stay inside; None for a command-line flag
    what: str  # "event log", "survey file"


def data_files(
    naming: Naming, max_files: int = MAX_FILES, max_seconds: float = MAX_SECONDS
) -> tuple[str, ...]:
    """The real paths of the regular files `naming` names, sorted; UsageProblem (exit 2) when
    there are none, too many, or one the engines must not open."""
    pattern = naming.pattern
    if naming.repo is not None and GIT in _parts(pattern):
        raise UsageProblem(f"{naming.what} '{pattern}' names a file under .git; journeymap never reads .git")
    # a flag's path stays as the user wrote it (relative to the current folder)
    full = pattern if os.path.isabs(pattern) or naming.repo is None else os.path.join(naming.base, pattern)
    if any(ch in pattern for ch in GLOB):
        found = _matches(full, naming, max_files, max_seconds)
        if not found:
            raise UsageProblem(f"{naming.what} '{pattern}' matches no file")
    else:
        found = [full]
    return tuple(sorted({_checked(path, naming) for path in found}))


def _checked(path: str, naming: Naming) -> str:
    """The real path of `path`, once it is known to be one the engines may open."""
    what, pattern = naming.what, naming.pattern
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageProblem(f"{what} '{pattern}': no such file") from None
    except OSError as exc:
        raise UsageProblem(f"{what} '{pattern}': cannot read it: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise UsageProblem(f"{what} '{pattern}' is not a regular file")
    real = os.path.realpath(path)
    if naming.repo is not None:
        if not inside(real, naming.repo):
            raise UsageProblem(
                f"{what} '{pattern}' lies outside the repository ({naming.repo}); name it with a flag "
                "(--events/--surveys) to read it anyway"
            )
        if GIT in _parts(os.path.relpath(real, naming.repo)):
            raise UsageProblem(f"{what} '{pattern}' leads to a file under .git; journeymap never reads .git")
    if any(ch in ENGINE_PATTERN for ch in real):
        # the engines would expand the name again and could reach another file
        raise UsageProblem(
            f"{what} '{pattern}': the file's path holds one of * ? [ ] {{ }} \\, which the engines read as a "
            "pattern; rename the file or its folder"
        )
    return real


def _parts(path: str) -> list[str]:
    # .GIT is .git on a case-insensitive file system
    return [part.lower() for part in path.replace("\\", "/").split("/")]


class _Walk:
    """One glob's walk: counts what it found and stops at the caps."""

    def __init__(self, naming: Naming, max_files: int, max_seconds: float) -> None:
        self.naming, self.max_files, self.max_seconds = naming, max_files, max_seconds
        self.deadline = time.monotonic() + max_seconds
        self.found: list[str] = []

    def worth(self, folder: str) -> bool:
        """Whether a file below `folder` could be inside the repository: a glob from a map never
        walks the rest of the machine (`/**/x`) only to refuse what it finds there."""
        repo = self.naming.repo
        if repo is None:
            return True
        real = os.path.realpath(folder)
        return inside(real, repo) or inside(repo, real)

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise UsageProblem(
                f"{self.naming.what} '{self.naming.pattern}' took longer than {self.max_seconds:g} s to match; "
                "name the files with a narrower pattern"
            )

    def add(self, path: str) -> None:
        self.found.append(path)
        if len(self.found) > self.max_files:
            raise UsageProblem(
                f"{self.naming.what} '{self.naming.pattern}' matches more than {self.max_files:,} files "
                f"(the limit is {self.max_files:,}); name fewer, or merge them"
            )


def _matches(full: str, naming: Naming, max_files: int, max_seconds: float) -> list[str]:
    """The paths matching glob `full` (`*`, `?`, `[...]` within a name, `**` for any folders)."""
    parts = full.split(os.sep)
    first = next(i for i, part in enumerate(parts) if any(ch in part for ch in GLOB))
    start = os.sep.join(parts[:first]) or (os.sep if full.startswith(os.sep) else os.curdir)
    walk = _Walk(naming, max_files, max_seconds)
    if os.path.isdir(start):
        _match(start, parts[first:], walk, top=first == 0 and not full.startswith(os.sep))
    return walk.found


def _match(folder: str, rest: list[str], walk: _Walk, top: bool = False) -> None:
    if not walk.worth(folder):
        return
    part, more = rest[0], rest[1:]
    if part == "**":
        # zero folders, then each real sub-folder (a link to a folder is not followed)
        if more:
            _match(folder, more, walk, top)
        for entry in _entries(folder, walk):
            if _hidden(entry.name, part) or not entry.is_dir(follow_symlinks=False):
                continue
            _match(_join(folder, entry.name, top), rest, walk)
        return
    if not any(ch in part for ch in GLOB):
        path = _join(folder, part, top)
        if not more:
            if os.path.lexists(path):
                walk.add(path)
        elif _real_folder(path):
            _match(path, more, walk)
        return
    for entry in _entries(folder, walk):
        if _hidden(entry.name, part) or not fnmatchcase(entry.name, part):
            continue
        path = _join(folder, entry.name, top)
        if not more:
            walk.add(path)
        elif entry.is_dir(follow_symlinks=False):
            _match(path, more, walk)


def _entries(folder: str, walk: _Walk) -> Iterator[os.DirEntry[str]]:
    walk.tick()
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        walk.tick()
        yield entry


def _hidden(name: str, part: str) -> bool:
    """As in a shell: a pattern matches a name starting with '.' only when it starts with one
    itself; .git is never walked into."""
    return name.lower() == GIT or (name.startswith(".") and not part.startswith("."))


def _real_folder(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _join(folder: str, name: str, top: bool) -> str:
    return name if top else os.path.join(folder, name)
