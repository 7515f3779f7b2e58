"""`journeymap init FILE`: a new, valid, commented map to start from; never overwrites a file."""

from pathlib import Path
from typing import Annotated

import typer

from journeymap import starters
from journeymap.commands import common
from journeymap.errors import UsageProblem
from journeymap.io.output import emit


def register(app: typer.Typer) -> None:
    app.command()(init)


def init(
    file: Annotated[Path | None, typer.Argument(help="The map file to create (e.g. checkout.journey.yaml).")] = None,
    template: Annotated[str, typer.Option("--template", "-t", help="Which starter map to use.")] = "starter",
    list_templates: Annotated[bool, typer.Option("--list", help="List the templates.")] = False,
    debug: common.Debug = False,
) -> None:
    """Write a new, valid, commented map to start from. Never overwrites a file."""

    def run() -> int:
        if list_templates:
            emit("".join(f"{name:22} {summary}\n" for name, summary in starters.available().items()))
            return common.EXIT_OK
        if file is None:
            raise UsageProblem("name the file to create, e.g. `journeymap init checkout.journey.yaml`")
        schema = starters.write_new_map(file, template)
        if schema is not None:
            common.say(f"Wrote {schema}: editors read the schema from there, offline (commit it with your maps)")
        common.say(f"Created {file} from the '{template}' template. Check it with: journeymap validate {file}")
        return common.EXIT_OK

    common.run(debug, run)
