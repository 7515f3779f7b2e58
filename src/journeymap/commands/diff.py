"""`journeymap diff`: what changed between two versions of journey maps, by id.

Three ways in: two files or two folders (`diff OLD NEW`); a git revision
against the working tree or another revision (`diff --git REV [--to REV2]
[PATH...]`); and git's external diff driver (`diff --git-external`, given
git's seven arguments), so `git diff` itself shows the semantic diff.

No `from __future__ import annotations` here: typer reads the option types
when the command is built, and `Debug` is imported inside `register` (from
journeymap.cli, which imports this module).
"""

import sys
from enum import StrEnum
from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.diff.present import presenter
from journeymap.diff.run import DiffRequest, exit_status, run_diff, write_pictures
from journeymap.errors import UsageProblem
from journeymap.io.output import emit
from journeymap.measure.compare import moved_markdown, moved_text
from journeymap.measures import moved_pairs, read_snapshots

_EXTERNAL_HELP = (
    "Act as git's external diff driver: take git's arguments (path old-file old-hex old-mode new-file "
    "new-hex new-mode). Set up with: git config diff.journeymap.command 'journeymap diff --git-external'."
)


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    svg = "svg"
    html = "html"


_PICTURES = (DiffFormat.svg, DiffFormat.html)


class FailOn(StrEnum):
    new_errors = "new-errors"


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)


def diff(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="OLD NEW: two map files or two folders. With --git: the files or folders to compare "
            "(default: the current folder).",
            show_default=False,
        ),
    ] = None,
    git: Annotated[
        str | None,
        typer.Option("--git", metavar="REV", help="Compare the maps at git revision REV with the working tree."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="REV2", help="With --git: compare with REV2, not the working tree."),
    ] = None,
    git_external: Annotated[bool, typer.Option("--git-external", help=_EXTERNAL_HELP)] = False,
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format", "--output-format", "-f",
            help="text, markdown (a pull-request comment) or json; svg or html draw the new map with the "
            "changes marked.",
        ),
    ] = DiffFormat.text,
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="With --format svg or html: the file, or the folder for several maps."),
    ] = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when the maps differ.")] = False,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="new-errors: exit 1 when the change introduces findings at error severity."),
    ] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Show what changed in journey maps, by id: stages, touchpoints, emotions, pain points, lint findings."""

    def run() -> int:
        if paths and len(paths) == 2 and all(p.endswith(".json") for p in paths) and not git:
            return _snapshots(paths, output_format, exit_code)
        request = DiffRequest(paths=list(paths or []), git=git, to=to, git_external=git_external)
        if out is not None and output_format not in _PICTURES:
            raise UsageProblem("--out is for --format svg or html; redirect other formats with >")
        if git_external and output_format in _PICTURES:
            raise UsageProblem("the git diff driver prints text, markdown or json, not pictures")
        report = run_diff(request, common.project(config, max_bytes))
        if output_format in _PICTURES:
            write_pictures(report, output_format.value, out, [*(paths or [])])
        else:
            color = output_format is DiffFormat.text and common.use_color(sys.stdout)
            emit(presenter(output_format.value)(report, color=color))
        if git_external:
            return common.EXIT_OK  # git stops at the first file whose driver exits non-zero
        return exit_status(report, exit_code=exit_code, fail_on_new_errors=fail_on is FailOn.new_errors)

    common.run(debug, run)


def _snapshots(paths: list[str], output_format: DiffFormat, exit_code: bool) -> int:
    """Two measures snapshots (`journeymap measure --format json`): what moved in the data."""

    old, new = (read_snapshots(p) for p in paths)
    if output_format not in (DiffFormat.text, DiffFormat.markdown):
        raise UsageProblem("two measures snapshots compare as text or markdown")
    pairs = moved_pairs(old, new)
    if not pairs:
        raise UsageProblem(f"{paths[0]} and {paths[1]} measure no map in common")
    write = moved_text if output_format is DiffFormat.text else moved_markdown
    texts, any_changed = [], False
    for before, after in pairs:
        text, changed = write(before, after)
        texts.append(text)
        any_changed = any_changed or changed
    emit("\n".join(texts))
    return common.EXIT_FINDINGS if exit_code and any_changed else common.EXIT_OK
