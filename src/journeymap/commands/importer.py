"""`journeymap import mermaid FILE`: diagrams from other tools become journey maps."""

from pathlib import Path
from typing import Annotated

import typer

from journeymap.commands import common


def register(app: typer.Typer) -> None:
    importer = typer.Typer(help="Turn diagrams from other tools into journey maps.", no_args_is_help=True)
    importer.command("mermaid")(mermaid)
    app.add_typer(importer, name="import")


def mermaid(
    file: Annotated[str, typer.Argument(help="A Mermaid `journey` diagram (.mmd, or - for stdin).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the map here (default: stdout).")] = None,
    rescale: Annotated[
        bool, typer.Option("--rescale", help="Map the diagram's score range onto -2..+2 when it leaves 1..5.")
    ] = False,
    midpoint: Annotated[
        float | None,
        typer.Option("--midpoint", help="Rescale so this score is neutral (0) and the farthest from it ±2 "
                     "(e.g. 5.5 for a 1..10 scale); implies --rescale."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    debug: common.Debug = False,
) -> None:
    """Convert a Mermaid journey diagram into a valid map (section -> stage, task -> touchpoint)."""

    def run() -> int:
        from journeymap.convert.mermaid_in import convert_file
        from journeymap.io.output import emit

        converted = convert_file(file, out, rescale=rescale, midpoint=midpoint, force=force)
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

    common.run(debug, run)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
