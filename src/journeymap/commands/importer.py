"""`journeymap import mermaid|csv|xlsx FILE`: diagrams and spreadsheets from other tools become journey maps."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from journeymap.commands import common
from journeymap.convert.mermaid_in import convert_file
from journeymap.convert.sheet_in import convert_sheet
from journeymap.io.output import emit

if TYPE_CHECKING:
    from journeymap.convert.finish import Conversion

Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write the map here (default: stdout).")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")]
SheetBytes = Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse spreadsheet files larger than this.")]


def register(app: typer.Typer) -> None:
    importer = typer.Typer(help="Turn diagrams and spreadsheets from other tools into journey maps.",
                           no_args_is_help=True)
    importer.command("mermaid")(mermaid)
    importer.command("csv")(csv)
    importer.command("xlsx")(xlsx)
    app.add_typer(importer, name="import")


def mermaid(
    file: Annotated[str, typer.Argument(help="A Mermaid `journey` diagram (.mmd, or - for stdin).")],
    out: Out = None,
    rescale: Annotated[
        bool, typer.Option("--rescale", help="Map the diagram's score range onto -2..+2 when it leaves 1..5.")
    ] = False,
    midpoint: Annotated[
        float | None,
        typer.Option("--midpoint", help="Rescale so this score is neutral (0) and the farthest from it ±2 "
                     "(e.g. 5.5 for a 1..10 scale); implies --rescale."),
    ] = None,
    force: Force = False,
    debug: common.Debug = False,
) -> None:
    """Convert a Mermaid journey diagram into a valid map (section -> stage, task -> touchpoint)."""

    def run() -> int:
        return _report(convert_file(file, out, rescale=rescale, midpoint=midpoint, force=force), out)

    common.run(debug, run)


def csv(
    file: Annotated[str, typer.Argument(help="A journey grid saved as CSV (or - for stdin).")],
    out: Out = None,
    force: Force = False,
    max_bytes: SheetBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Convert a spreadsheet grid saved as CSV (stages across, lanes down) into a valid map."""

    def run() -> int:
        return _report(convert_sheet(file, "csv", out, force=force, max_bytes=max_bytes), out)

    common.run(debug, run)


def xlsx(
    file: Annotated[str, typer.Argument(help="An Excel workbook (.xlsx, or - for stdin).")],
    out: Out = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The sheet to read (default: the one that looks like a grid).")
    ] = None,
    force: Force = False,
    max_bytes: SheetBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Convert a journey grid in an Excel workbook (stages across, lanes down) into a valid map."""

    def run() -> int:
        return _report(convert_sheet(file, "xlsx", out, sheet=sheet, force=force, max_bytes=max_bytes), out)

    common.run(debug, run)


def _report(converted: "Conversion", out: Path | None) -> int:
    if converted.refused:
        common.error(converted.refused)
        return converted.exit_code
    for warning in converted.warnings:
        common.say(warning)
    if out is None:
        emit(converted.text)
    else:
        common.say(f"Wrote {out}: {_count(converted.stages, 'stage')}, "
                   f"{_count(converted.touchpoints, 'touchpoint')}. Next: journeymap validate {out}")
    return converted.exit_code


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
