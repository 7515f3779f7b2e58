"""`journeymap export`: maps for spreadsheets and backlog tools (pain points as CSV, or the whole grid)."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.convert.csv_out import Export, csv_text, valid_journeys
from journeymap.convert.sheet_out import csv_grid, xlsx_bytes
from journeymap.io.atomic import write_atomic
from journeymap.io.output import emit


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    csv_grid = "csv-grid"


def register(app: typer.Typer) -> None:
    app.command()(export)


def export(
    paths: Annotated[list[str], typer.Argument(help="Map files or folders, or - for stdin.")],
    output_format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csv: pain points and opportunities, a row each; xlsx: each map as the "
                     "grid teams keep in spreadsheets (a sheet a map; needs --out); csv-grid: one map's grid as "
                     "CSV. `journeymap import xlsx|csv` reads the grids back."),
    ] = ExportFormat.csv,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Export maps for spreadsheets and backlog tools."""

    def run() -> int:
        if output_format is ExportFormat.xlsx and out is None:
            common.fail("an .xlsx workbook is a binary file: name it with --out FILE.xlsx")
        journeys, problems, skipped = valid_journeys(paths, common.project(config, max_bytes))
        for problem in problems:
            common.error(problem)
        for analysis in skipped:
            for finding in analysis.findings[:5]:
                common.say(finding.as_line())
            common.say(f"journeymap: skipped {analysis.path}: it is not a valid map")
        exported = Export("", problems, skipped)
        data: str | bytes
        if output_format is ExportFormat.csv:
            data = csv_text(journeys)
        else:
            if not journeys:
                return exported.exit_code or common.EXIT_TOOL
            if output_format is ExportFormat.xlsx:
                data = xlsx_bytes(journeys)
            elif len(journeys) > 1:
                common.fail(f"csv-grid holds one map and {len(journeys)} were named: name one map, or use "
                            "--format xlsx for a sheet a map")
            else:
                data = csv_grid(journeys[0])
        if out is None:
            emit(data if isinstance(data, str) else data.decode())
        else:
            write_atomic(out, data)
            common.say(f"Wrote {out}")
        return exported.exit_code

    common.run(debug, run)
