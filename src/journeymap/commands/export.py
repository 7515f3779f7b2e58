"""`journeymap export`: pain points and opportunities as CSV, for spreadsheets and backlog tools."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from journeymap.commands import common


class ExportFormat(StrEnum):
    csv = "csv"


def register(app: typer.Typer) -> None:
    app.command()(export)


def export(
    paths: Annotated[list[str], typer.Argument(help="Map files or folders, or - for stdin.")],
    output_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv: pain points and opportunities, a row each.")
    ] = ExportFormat.csv,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Export pain points and opportunities for spreadsheets and backlog tools."""

    def run() -> int:
        from journeymap.convert.csv_out import export_csv
        from journeymap.io.atomic import write_atomic
        from journeymap.io.output import emit

        exported = export_csv(paths, common.project(config, max_bytes))
        for problem in exported.problems:
            common.error(problem)
        for analysis in exported.skipped:
            for finding in analysis.findings[:5]:
                common.say(finding.as_line())
            common.say(f"journeymap: skipped {analysis.path}: it is not a valid map")
        if out is None:
            emit(exported.text)
        else:
            write_atomic(out, exported.text)
            common.say(f"Wrote {out}")
        return exported.exit_code

    common.run(debug, run)
