"""`journeymap schema`: the JSON schema of the map format, for editors and other tools."""

import typer

from journeymap.commands import common


def register(app: typer.Typer) -> None:
    app.command()(schema)


def schema(debug: common.Debug = False) -> None:
    """Print the JSON schema of the map format (for editors and other tools)."""

    def run() -> int:
        from journeymap.io.output import emit
        from journeymap.schema import schema_text

        emit(schema_text())
        return common.EXIT_OK

    common.run(debug, run)
