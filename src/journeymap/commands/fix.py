"""`journeymap fix`: apply the safe fixes to maps in place, keeping everything else as written."""

from typing import TYPE_CHECKING, Annotated

import typer

from journeymap.commands import common

if TYPE_CHECKING:
    from journeymap.edit.fixes import FixRun


def register(app: typer.Typer) -> None:
    app.command()(fix)


def fix(
    paths: Annotated[
        list[str], typer.Argument(help="Map files or folders (every *.journey.yaml below), or - for stdin.")
    ],
    diff: Annotated[bool, typer.Option("--diff", help="Show the changes as a unified diff; write nothing.")] = False,
    jobs: common.Jobs = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Apply safe fixes (did-you-mean references, quoted yes/no, slug ids, last_reviewed, unused
    suppressions), then report what is left."""

    def run() -> int:
        from journeymap.edit.fixes import fix_paths

        project = common.project(config, max_bytes)
        fixed = fix_paths(paths, project, write=not diff, jobs=jobs)
        return report(fixed, diff, "text")

    common.run(debug, run)


def report(fixed: "FixRun", diff: bool, output_format: str) -> int:
    """Say what was fixed (stderr), print the diff or the findings left (stdout); the exit code.
    With --diff: 1 when a file would change, so CI can ask that maps be fixed."""
    import sys

    from journeymap.io.output import emit
    from journeymap.report import reporter

    for problem in [*fixed.problems, *(f.problem for f in fixed.files if f.problem)]:
        common.error(problem)
    changed = [f for f in fixed.files if f.changed]
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
        common.say(f"Fixed {sum(len(f.applied) for f in changed)} problems in {len(changed)} of "
                   f"{len(fixed.files)} maps")
        analyses = [f.analysis for f in fixed.files if f.analysis is not None]
        readable = [a for a in analyses if a.problem == ""]
        write = reporter(output_format)
        shown = analyses if output_format == "text" else readable
        if readable:
            emit(write(shown, color=common.use_color(sys.stdout)), commands=output_format == "github")
    return fixed.exit_code


def unified(path: str, before: str, after: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path.lstrip('/')}",
        f"b/{path.lstrip('/')}",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
