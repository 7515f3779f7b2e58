"""Commands that connect journeymap to other tools: `export` (CSV for spreadsheets and backlogs).

No `from __future__ import annotations` here: typer reads the option types when
the command is built, and `cli` is imported inside `register`.
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class ExportFormat(StrEnum):
    csv = "csv"


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    from journeymap import cli

    @app.command()
    def export(
        paths: Annotated[list[str], typer.Argument(help="Map files or folders, or - for stdin.")],
        output_format: Annotated[
            ExportFormat, typer.Option("--format", "-f", help="csv: pain points and opportunities, a row each.")
        ] = ExportFormat.csv,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
        debug: cli.Debug = False,
    ) -> None:
        """Export pain points and opportunities for spreadsheets and backlog tools."""

        def run() -> int:
            import sys

            from journeymap.atomic import write_atomic
            from journeymap.export import csv_text
            from journeymap.sources import InputError, discover
            from journeymap.validate import analyse_target

            found = discover(paths)
            for problem in found.problems:
                sys.stderr.write(f"journeymap: error: {problem}\n")
            journeys, broken = [], False
            for target in found.targets:
                try:
                    analysis = analyse_target(target)
                except InputError as exc:
                    sys.stderr.write(f"journeymap: error: {exc}\n")
                    return cli.EXIT_TOOL
                if analysis.journey is None:
                    broken = True
                    for f in analysis.findings[:5]:
                        sys.stderr.write(f"{f.path}:{f.line}:{f.column}: {f.severity.value} [{f.rule_id}] "
                                         f"{f.message}\n")
                    sys.stderr.write(f"journeymap: skipped {target.path}: it is not a valid map\n")
                    continue
                journeys.append(analysis.journey)
            text = csv_text(journeys)
            if out is None:
                sys.stdout.write(text)
            else:
                write_atomic(out, text)
                sys.stderr.write(f"Wrote {out}\n")
            if found.problems:
                return cli.EXIT_TOOL
            return cli.EXIT_FINDINGS if broken else cli.EXIT_OK

        raise typer.Exit(cli._guard(debug, run))
