"""`journeymap fix`: apply the safe fixes to maps in place (the unsafe ones too with
--unsafe-fixes), keeping everything else as written."""

import difflib
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from journeymap.baseline import judged
from journeymap.commands import common
from journeymap.edit.fixes import fix_paths
from journeymap.io.output import emit
from journeymap.report import ReportContext, reporter

if TYPE_CHECKING:
    from journeymap.config import Project
    from journeymap.edit.fixes import FixRun


def register(app: typer.Typer) -> None:
    app.command()(fix)


def fix(
    paths: Annotated[
        list[str], typer.Argument(help="Map files or folders (every *.journey.yaml below), or - for stdin.")
    ],
    diff: Annotated[bool, typer.Option("--diff", help="Show the changes as a unified diff; write nothing.")] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="Apply the fixes that may change what the map means too "
                           "(guessed references, renamed ids, a review date).")
    ] = False,
    jobs: common.Jobs = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Apply safe fixes (did-you-mean references, quoted yes/no, unused suppressions; with
    --unsafe-fixes also guessed references, slug ids, last_reviewed), then report what is left."""

    def run() -> int:
        project = common.project(config, max_bytes)
        fixed = fix_paths(paths, project, write=not diff, jobs=jobs, unsafe=unsafe_fixes)
        return report(fixed, diff, "text", project)

    common.run(debug, run)


def report(fixed: "FixRun", diff: bool, output_format: str, project: "Project", baseline: str | None = None) -> int:
    """Say what was fixed (stderr), print the diff or the findings left (stdout); the exit code.
    With --diff: 1 when a file would change, so CI can ask that maps be fixed. What is left is
    judged against the baseline (`baseline`, else the configuration's), as validate judges it."""


    for problem in [*fixed.problems, *(f.problem for f in fixed.files if f.problem)]:
        common.error(problem)
    changed = [f for f in fixed.files if f.changed]
    if fixed.held_back:
        count = fixed.held_back
        common.say(f"{count} unsafe {'fix' if count == 1 else 'fixes'} held back; --unsafe-fixes applies them")
    if diff:
        emit("".join(unified(f.path, f.before, f.after) for f in changed))
        common.say(f"{len(changed)} of {len(fixed.files)} maps would change; nothing written")
        if fixed.problems or any(f.problem for f in fixed.files):
            return common.EXIT_TOOL
        return common.EXIT_FINDINGS if changed else common.EXIT_OK
    for f in fixed.files:
        if f.path == "-":  # a filter: the map, fixed or not, to standard output
            emit(f.after)
        elif f.changed:
            common.say(f"Fixed {f.path}: {'; '.join(f.applied)}")
    if not any(f.path == "-" for f in fixed.files):
        count = sum(len(f.applied) for f in changed)
        common.say(f"Fixed {count} {'problem' if count == 1 else 'problems'} in {len(changed)} of "
                   f"{len(fixed.files)} maps")
        analyses = [f.analysis for f in fixed.files if f.analysis is not None]
        readable = [a for a in analyses if a.problem == ""]
        # fixes check each map on its own: the cross-map rules did not run
        outcome = judged(analyses, project, given=baseline, cwd=os.getcwd(), portfolio=False)
        context = ReportContext(project.docs_url, outcome)
        write = reporter(output_format)
        shown = analyses if output_format == "text" else readable
        if readable:
            emit(write(shown, color=common.use_color(sys.stdout), context=context), commands=output_format == "github")
        if context.baseline is not None and fixed.exit_code != common.EXIT_TOOL:
            return context.baseline.exit_code(analyses, fixed.strict)
    return fixed.exit_code


def unified(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path.lstrip('/')}",
        f"b/{path.lstrip('/')}",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
