"""`journeymap schema`: the JSON schema of the map format (or the library format), for editors and other tools."""

from pathlib import Path
from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.io.atomic import write_atomic
from journeymap.io.output import emit
from journeymap.schema import library_schema_text, schema_text


def register(app: typer.Typer) -> None:
    app.command()(schema)


def schema(
    library: Annotated[
        bool, typer.Option("--library", help="The schema of library files (*.library.yaml) instead of maps.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write it to this file (e.g. schemas/journeymap.schema.json).")
    ] = None,
    debug: common.Debug = False,
) -> None:
    """Print the JSON schema of the map format (for editors and other tools), or write it with --out."""

    def run() -> int:
        text = library_schema_text() if library else schema_text()
        if out is None:
            emit(text)
        else:
            write_atomic(out, text)
            common.say(f"Wrote {out}; point maps at it with `# yaml-language-server: $schema=<relative path>`")
        return common.EXIT_OK

    common.run(debug, run)
