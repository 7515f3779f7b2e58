"""`journeymap validate`: schema, references and lint rules over maps; the one command CI runs."""

from enum import StrEnum
from typing import Annotated

import typer

from journeymap.commands import common


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


def register(app: typer.Typer) -> None:
    app.command()(validate)


def validate(
    paths: Annotated[
        list[str], typer.Argument(help="Map files, folders (every *.journey.yaml below), or - for stdin.")
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "--output-format", "-f", help="How to print findings.")
    ] = OutputFormat.text,
    jobs: common.Jobs = None,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="Rules to run (ids, names, prefixes: JM1; all). Repeatable.")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Lint rules to skip. Repeatable.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    no_lint: Annotated[bool, typer.Option("--no-lint", help="Check schema and references only.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes first (as `journeymap fix`).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="With --fix: show the fixes as a diff; write nothing.")] = False,
    measures: Annotated[
        list[str] | None,
        typer.Option("--measures", help="A `journeymap measure --format json` snapshot: turns on the rules that "
                     "judge a map against its data (emotion-contradicts-data, kpi-off-target, ...). Repeatable."),
    ] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Check maps against the schema, their references and the lint rules."""

    def run() -> int:
        import sys

        from journeymap.io.output import emit
        from journeymap.pipeline import check_paths
        from journeymap.report import reporter

        project = common.project(config, max_bytes, select=select, ignore=ignore, strict=strict)
        if measures:
            from journeymap.measures import snapshots_by_map

            project = project.with_options(measures=snapshots_by_map(measures))
        if diff and not fix:
            common.fail("--diff shows what --fix would change; add --fix")
        if fix:
            from journeymap.commands.fix import report
            from journeymap.edit.fixes import fix_paths

            fixed = fix_paths(paths, project.with_options(lint=not no_lint), write=not diff, jobs=jobs)
            return report(fixed, diff, output_format.value)
        checked = check_paths(paths, project.with_options(lint=not no_lint), jobs)
        for problem in [*checked.problems, *(a.problem for a in checked.analyses if a.problem)]:
            common.error(problem)
        write = reporter(output_format.value)
        readable = checked.readable
        if output_format is OutputFormat.text:
            if readable:  # the summary counts the unreadable files too
                emit(write(checked.analyses, color=common.use_color(sys.stdout)))
        else:
            emit(write(readable, color=common.use_color(sys.stdout)),
                 commands=output_format is OutputFormat.github)
        return checked.exit_code

    common.run(debug, run)
