"""Maps as they were at a git revision, and as they are in the working tree.

Git runs as a subprocess with an argument list, never through a shell. A
revision is checked to be a commit before use (and may not start with `-`,
so it cannot pass for an option); paths go after `--`. `git ls-tree` lists
a revision's files with their object ids and sizes, and one `git cat-file
--batch` reads them all, so a tree of many maps costs two processes, not one
per file. Files larger than the size limit are read only up to it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

from journeymap.config import Project
from journeymap.diff.records import Note
from journeymap.errors import JourneymapError
from journeymap.io.sources import Target, is_map_name, read_target
from journeymap.strings import one_line, short

_REGULAR = ("100644", "100755")
_SYMLINK = "120000"


class GitProblem(JourneymapError):
    """Git could not give us what we asked (exit 2): not a repository, an unknown revision."""


@dataclass
class RevisionFiles:
    """The maps of one side, by path relative to the repository root, plus notes on files left out."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def run_git(args: Sequence[str], cwd: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise GitProblem("git is not installed or not on PATH; install git, or compare two files or folders") from None


def _reason(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return short(lines[-1], 200) if lines else f"git exited with status {result.returncode}"


def repository_root(cwd: str) -> str:
    result = run_git(["rev-parse", "--show-toplevel"], cwd)
    if result.returncode != 0:
        raise GitProblem(
            f"{one_line(cwd)} is not in a git repository ({_reason(result)}); "
            "run diff --git inside one, or compare two files or folders"
        )
    return result.stdout.decode("utf-8", "surrogateescape").rstrip("\n")


def resolve_commit(rev: str, cwd: str) -> str:
    """The commit id `rev` names; GitProblem when it names none."""
    if not rev or rev.startswith("-"):
        raise GitProblem(f"'{short(rev)}' is not a revision; name a commit, branch or tag such as HEAD~1 or main")
    result = run_git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd)
    if result.returncode != 0:
        raise GitProblem(
            f"unknown revision '{short(rev)}': no such commit, branch or tag in this repository "
            "(in CI, fetch it first, e.g. actions/checkout with fetch-depth: 0)"
        )
    return result.stdout.decode("ascii").strip()


@dataclass(frozen=True)
class _Entry:
    mode: str
    oid: str
    size: int
    path: str


def revision_maps(commit: str, root: str, cwd: str, paths: Sequence[str], project: Project) -> RevisionFiles:
    """The maps under `paths` (relative to cwd) at `commit`: map-named files the project does not
    exclude, and files named exactly."""
    max_bytes = project.max_bytes
    result = run_git(["ls-tree", "-r", "-z", "-l", "--full-name", commit, "--", *paths], cwd)
    if result.returncode != 0:
        raise GitProblem(f"git ls-tree failed: {_reason(result)}")
    explicit = {relative_to_root(p, root) for p in paths}
    found = RevisionFiles()
    wanted: list[_Entry] = []
    for record in result.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid, size = meta.decode("ascii").split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != "blob" or not _selected(path, explicit, root, project):
            continue
        if mode == _SYMLINK:
            found.notes.append(Note(path, "symbolic link; not compared"))
        elif mode in _REGULAR:
            wanted.append(_Entry(mode, oid, int(size), path))
    small = [e for e in wanted if e.size <= max_bytes]
    contents = read_blobs([e.oid for e in small], cwd)
    for entry in wanted:
        small_enough = entry.size <= max_bytes
        found.files[entry.path] = contents[entry.oid] if small_enough else _head(entry.oid, cwd, max_bytes)
    return found


def _selected(path: str, explicit: set[str], root: str, project: Project) -> bool:
    if path in explicit:
        return True  # a file named on the command line is always read, as validate does
    parts = path.split("/")
    if not is_map_name(parts[-1]) or any(p.startswith(".") for p in parts):
        return False
    return not project.excludes(os.path.join(root, *parts))


def relative_to_root(path: str, root: str) -> str:
    """`path` (relative to the current folder) as git names it: relative to the root, with `/`."""
    folder, name = os.path.split(os.path.abspath(path))
    full = os.path.join(os.path.realpath(folder), name) if name else os.path.realpath(folder)
    relative = os.path.relpath(full, root)
    return "" if relative == "." else relative.replace(os.sep, "/")


def read_blobs(oids: Sequence[str], cwd: str) -> dict[str, bytes]:
    """The contents of blobs, all through one `git cat-file --batch`."""
    unique = list(dict.fromkeys(oids))
    if not unique:
        return {}
    result = run_git(["cat-file", "--batch"], cwd, stdin="".join(f"{oid}\n" for oid in unique).encode("ascii"))
    if result.returncode != 0:
        raise GitProblem(f"git cat-file failed: {_reason(result)}")
    out: dict[str, bytes] = {}
    data = result.stdout
    at = 0
    for oid in unique:
        end = data.index(b"\n", at)
        header = data[at:end].decode("ascii").split()
        if len(header) != 3:
            raise GitProblem(f"git cat-file could not read object {oid}")
        size = int(header[2])
        out[oid] = data[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return out


def _head(oid: str, cwd: str, max_bytes: int) -> bytes:
    """The first max_bytes + 1 bytes of a large blob (enough to say it is too large), without reading the rest."""
    with subprocess.Popen(["git", "cat-file", "blob", oid], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as process:
        assert process.stdout is not None
        head = process.stdout.read(max_bytes + 1)
        process.kill()
    return head


def working_tree_maps(root: str, cwd: str, paths: Sequence[str], project: Project) -> RevisionFiles:
    """The maps under `paths` in the working tree, keyed as `revision_maps` keys them.

    Files are listed by git (tracked, and untracked but not ignored), as
    `git diff` would see them; a tracked file deleted from the disk is simply
    absent: the map was deleted.
    """
    result = run_git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "--", *paths], cwd)
    if result.returncode != 0:
        raise GitProblem(f"git ls-files failed: {_reason(result)}")
    explicit = {relative_to_root(p, root) for p in paths}
    found = RevisionFiles()
    for raw_path in dict.fromkeys(result.stdout.split(b"\0")):
        path = raw_path.decode("utf-8", "surrogateescape")
        if not path or not _selected(path, explicit, root, project):
            continue
        full = os.path.join(root, *path.split("/"))
        if os.path.islink(full):
            found.notes.append(Note(path, "symbolic link; not compared"))
        elif os.path.lexists(full):
            found.files[path] = read_target(Target(full), project.max_bytes)
    return found
