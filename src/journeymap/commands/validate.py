"""`journeymap validate`: schema, references and lint rules over maps; the one command CI runs."""

import os
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from journeymap.baseline import judged, write_baseline
from journeymap.commands import common
from journeymap.io.output import emit
from journeymap.pipeline import check_paths
from journeymap.report import ReportContext, reporter

if TYPE_CHECKING:
    from journeymap.config import Project
    from journeymap.pipeline import Checked


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
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="With --fix: apply the fixes that may change what the map means too.")
    ] = False,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", help="Report and fail on findings this baseline file does not hold (default: "
                     "`baseline:` in the configuration)."),
    ] = None,
    no_baseline: Annotated[
        bool, typer.Option("--no-baseline", help="Report every finding, whatever the configuration's `baseline:` holds "
                           "back.")
    ] = False,
    write_baseline: Annotated[
        str | None,
        typer.Option("--write-baseline", help="Write every current finding to this baseline file, and nothing else."),
    ] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Check maps against the schema, their references and the lint rules."""

    def run() -> int:
        project = common.project(config, max_bytes, select=select, ignore=ignore, strict=strict)
        if measures:
            # an option's own modules, loaded when it is used: every start would pay for them otherwise
            from journeymap.measures import snapshots_by_map  # noqa: PLC0415

            project = project.with_options(measures=snapshots_by_map(measures))
        if (diff or unsafe_fixes) and not fix:
            common.fail(f"{'--diff' if diff else '--unsafe-fixes'} goes with --fix; add --fix")
        if write_baseline and fix:
            common.fail("--write-baseline records the findings as they are; run `journeymap fix` first, then write it")
        project = project.with_options(lint=not no_lint, baseline=None if no_baseline else project.baseline,
                                       names_findings=bool(baseline or write_baseline))
        if fix:
            from journeymap.commands.fix import report  # noqa: PLC0415
            from journeymap.edit.fixes import fix_paths  # noqa: PLC0415

            fixed = fix_paths(paths, project, write=not diff, jobs=jobs, unsafe=unsafe_fixes)
            return report(fixed, diff, output_format.value, project, baseline)
        checked = check_paths(paths, project, jobs)
        for problem in [*checked.problems, *(a.problem for a in checked.analyses if a.problem)]:
            common.error(problem)
        if write_baseline:
            return _write_baseline(write_baseline, checked, project)
        # the cross-map rules ran when a folder was named (and lint is on)
        portfolio = project.lint and any(os.path.isdir(p) for p in paths)
        outcome = judged(checked.analyses, project, given=baseline, cwd=os.getcwd(), portfolio=portfolio)
        write = reporter(output_format.value)
        readable = checked.readable
        context = ReportContext(project.docs_url, outcome)
        if output_format is OutputFormat.text:
            if readable:  # the summary counts the unreadable files too
                emit(write(checked.analyses, color=common.use_color(sys.stdout), context=context))
        else:
            emit(write(readable, color=common.use_color(sys.stdout), context=context),
                 commands=output_format is OutputFormat.github)
        if outcome is None or checked.problems:
            return checked.exit_code
        return outcome.exit_code(checked.analyses, project.strict)

    common.run(debug, run)


def _write_baseline(given: str, checked: "Checked", project: "Project") -> int:
    if checked.problems:
        return common.EXIT_TOOL  # a path named no map: the baseline would be missing its findings
    total = write_baseline(given, os.getcwd(), checked.analyses, project.max_bytes)
    maps = sum(1 for a in checked.analyses if a.findings)
    findings = f"{total} finding{'s' if total != 1 else ''}"
    common.say(f"Wrote {findings} (in {maps} of {len(checked.analyses)} files) to the baseline {given}; "
               f"`journeymap validate --baseline {given}` now fails on new findings only")
    return common.EXIT_OK
