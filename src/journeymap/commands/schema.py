"""`journeymap schema`: the JSON schema of the map format (or the library format), for editors and other tools."""

from typing import Annotated

import typer

from journeymap.commands import common


def register(app: typer.Typer) -> None:
    app.command()(schema)


def schema(
    library: Annotated[
        bool, typer.Option("--library", help="The schema of library files (*.library.yaml) instead of maps.")
    ] = False,
    debug: common.Debug = False,
) -> None:
    """Print the JSON schema of the map format (for editors and other tools)."""

    def run() -> int:
        from journeymap.io.output import emit
        from journeymap.schema import library_schema_text, schema_text

        emit(library_schema_text() if library else schema_text())
        return common.EXIT_OK

    common.run(debug, run)
