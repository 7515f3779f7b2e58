"""From the command's arguments to a DiffReport, and from the report to an exit code.

Kept apart from the command line so tests (and other tools) can run a diff
and check its exit code without a subprocess. Problems that stop the tool
from doing its job raise JourneymapError (exit 2); everything wrong with the
maps themselves is in the report.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journeymap.config import Project, default_project
from journeymap.diff import git
from journeymap.diff.compare import compare_files, compare_sets
from journeymap.diff.present.words import summary
from journeymap.diff.records import DiffReport, Note
from journeymap.diff.visual import pictures
from journeymap.errors import UsageProblem
from journeymap.findings import Severity
from journeymap.io.atomic import make_folder, write_atomic
from journeymap.io.output import emit
from journeymap.io.sources import STDIN, InputError, Target, discover, read_target
from journeymap.libraries import DiskLibraries, GitLibraries, Libraries
from journeymap.strings import inert, one_line

DEV_NULL = "/dev/null"


@dataclass
class DiffRequest:
    paths: list[str] = field(default_factory=list)
    git: str | None = None
    to: str | None = None
    git_external: bool = False
    cwd: str | None = None


# what `diff --fail-on` can name: the change's own findings that fail a run
FAIL_ON = ("new-errors",)


def exit_status(report: DiffReport, *, exit_code: bool = False, fail_on_new_errors: bool = False) -> int:
    """1 when a map could not be compared or is invalid, when asked to fail on differences or on
    new errors and there are some; else 0."""
    if report.problems:
        return 1
    if exit_code and report.differs:
        return 1
    if fail_on_new_errors and report.introduced(Severity.ERROR):
        return 1
    return 0


def run_diff(request: DiffRequest, project: Project) -> DiffReport:
    """The diff the request asks for. The project's `exclude` leaves files out of folders and
    revisions, and its size limit holds; the lint delta is judged by the default rules, not the
    project's, so that a diff reads the same whoever runs it and wherever (docs/diff.md)."""
    project = project.with_options(rules=default_project().rules)
    cwd = request.cwd or os.getcwd()
    if request.to is not None and request.git is None:
        raise UsageProblem("--to REV2 needs --git REV: `journeymap diff --git REV --to REV2 [PATH...]`")
    if request.git_external:
        if request.git is not None:
            raise UsageProblem("--git-external takes git's arguments; it cannot be combined with --git")
        return external_diff(request.paths, project)
    if request.git is not None:
        return git_diff(request.git, request.to, request.paths, cwd, project)
    if len(request.paths) != 2:
        raise UsageProblem(
            "name two maps or two folders to compare (`journeymap diff OLD NEW`), "
            "or a revision (`journeymap diff --git REV`)"
        )
    return path_diff(request.paths[0], request.paths[1], project)


def path_diff(old: str, new: str, project: Project) -> DiffReport:
    """Two files (either may be `-`, standard input) or two folders."""
    if old == STDIN and new == STDIN:
        raise UsageProblem("only one side can be read from standard input (-)")
    for given in (old, new):
        if given != STDIN and not os.path.lexists(given):
            raise InputError(f"{given}: no such file or directory")
    old_dir, new_dir = os.path.isdir(old), os.path.isdir(new)
    if old_dir != new_dir:
        raise UsageProblem(f"compare a file with a file or a folder with a folder; '{one_line(old)}' and "
                           f"'{one_line(new)}' are one of each")
    if not old_dir:
        return compare_files(
            (old, read_target(Target(old), project.max_bytes)), (new, read_target(Target(new), project.max_bytes)),
            project,
        )
    old_maps, new_maps = _folder(old, project), _folder(new, project)
    if not old_maps and not new_maps:
        raise UsageProblem(f"no *.journey.yaml or *.journey.yml files in '{one_line(old)}' or '{one_line(new)}'")
    # each side's maps use that side's libraries, within that folder
    return compare_sets(old_maps, new_maps, project, old, new, (DiskLibraries(old), DiskLibraries(new)))


def _folder(folder: str, project: Project) -> dict[str, bytes]:
    """The maps below a folder that the project does not exclude, by their path relative to it
    (with `/`), as git names paths."""
    out = {}
    for target in discover([folder], project.excludes).targets:
        key = os.path.relpath(target.path, folder).replace(os.sep, "/")
        out[key] = read_target(target, project.max_bytes)
    return out


def git_diff(rev: str, to: str | None, paths: Sequence[str], cwd: str, project: Project) -> DiffReport:
    root = git.repository_root(cwd)
    wanted = list(paths) or ["."]
    old_commit = git.resolve_commit(rev, cwd)
    old = git.revision_maps(old_commit, root, cwd, wanted, project)
    # maps are keyed relative to the root; each side reads its libraries as they are on that side
    readers: tuple[Libraries, Libraries]
    if to is not None:
        new_commit = git.resolve_commit(to, cwd)
        new = git.revision_maps(new_commit, root, cwd, wanted, project)
        readers = (GitLibraries(old_commit, root), GitLibraries(new_commit, root))
    else:
        new = git.working_tree_maps(root, cwd, wanted, project)
        readers = (GitLibraries(old_commit, root), DiskLibraries(root))
    if not old.files and not new.files and not old.notes and not new.notes:
        where = ", ".join(one_line(p) for p in wanted)
        raise UsageProblem(f"no journey maps in {where} at {one_line(rev)} or in {one_line(to or 'the working tree')}")
    report = compare_sets(old.files, new.files, project, rev, to or "working tree", readers)
    report.notes = _unique([*old.notes, *new.notes, *report.notes])
    return report


def _unique(notes: list[Note]) -> list[Note]:
    return list(dict.fromkeys(notes))


def external_diff(args: Sequence[str], project: Project) -> DiffReport:
    """git's external diff call: `path old-file old-hex old-mode new-file new-hex new-mode`, and for a
    rename two more, `new-path` and git's rename message; one argument alone for an unmerged path."""
    if len(args) == 1:
        report = DiffReport(args[0], args[0])
        report.notes.append(Note(args[0], "unmerged: resolve the conflict, then diff again"))
        return report
    if len(args) not in (7, 9):
        raise UsageProblem(
            f"--git-external expects git's 7 arguments (path old-file old-hex old-mode new-file new-hex new-mode), "
            f"got {len(args)}; set it up with git config diff.journeymap.command 'journeymap diff --git-external'"
        )
    path, old_file, _, old_mode, new_file, _, new_mode = args[:7]
    new_path = args[7] if len(args) == 9 else path
    old = _external_side(path, old_file, old_mode, project)
    new = _external_side(new_path, new_file, new_mode, project)
    notes = [n for n in (old, new) if isinstance(n, Note)]
    if notes:
        report = DiffReport(f"a/{path}", f"b/{new_path}")
        report.notes = _unique(notes)
        return report
    assert not isinstance(old, Note) and not isinstance(new, Note)
    renamed = old is not None and new is not None and path != new_path
    return compare_files(old, new, project, f"a/{path}", f"b/{new_path}", renamed=renamed)


def _external_side(path: str, file: str, mode: str, project: Project) -> tuple[str, bytes] | Note | None:
    if file == DEV_NULL or mode == ".":
        return None
    if mode == "120000":
        return Note(path, "symbolic link; not compared")
    try:
        return path, read_target(Target(file), project.max_bytes)
    except InputError as exc:
        raise InputError(f"{path}: git gave a file journeymap cannot read ({exc})") from None


def write_pictures(report: DiffReport, fmt: str, out: str | None, inputs: Sequence[str]) -> None:
    """Draw each changed map (visual.pictures): to stdout when there is one and no --out, else into
    --out (a file for one map; a folder, created if needed, for several). Problems go to stderr,
    as stdout holds the picture; files are written atomically and never over an input."""

    for problem in report.problems:
        sys.stderr.write(inert(f"journeymap: {problem.side.value} {one_line(problem.path)}:{problem.line}:"
                               f"{problem.column}: {one_line(problem.message)}") + "\n")
    drawn = pictures(report.maps, fmt, report.old_label, report.new_label, summary(report))
    if not drawn:
        sys.stderr.write(f"Nothing to draw. {summary(report)}\n")
        return
    if out is None or out == STDIN:
        if len(drawn) > 1:
            raise UsageProblem(f"{len(drawn)} maps changed; name a folder for their pictures with --out DIR")

        emit(drawn[0][1])
        return
    target = Path(out)
    into_folder = len(drawn) > 1 or target.is_dir() or out.endswith(("/", os.sep))
    names = [name for name, _ in drawn]
    if len(set(names)) < len(names):
        clash = next(n for n in names if names.count(n) > 1)
        raise UsageProblem(f"two changed maps would both be drawn as '{clash}'; compare them separately")
    files = [(target / name if into_folder else target, data) for name, data in drawn]
    protected = {os.path.realpath(p) for p in inputs if p != STDIN}
    for path, _ in files:
        if os.path.realpath(path) in protected:
            raise UsageProblem(f"--out {one_line(out)} would write over an input map")
    if into_folder:
        make_folder(target)
    for path, data in files:
        write_atomic(path, data)
    where = f"{one_line(out)}" if into_folder else one_line(str(files[0][0]))
    sys.stderr.write(f"Drew {len(files)} changed map{'s' if len(files) != 1 else ''} into {where}.\n")
