"""`journeymap site`: a static catalog of every map below a folder (see journeymap.site)."""

from pathlib import Path
from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.measures import snapshots_by_map
from journeymap.site.catalog import build_site


def register(app: typer.Typer) -> None:
    app.command()(site)


def site(
    folder: Annotated[Path, typer.Argument(help="The folder whose *.journey.yaml maps make the catalog.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to write the site into.")],
    measures: Annotated[
        list[str] | None,
        typer.Option("--measures", help="A `journeymap measure --format json` file (of one map or several): each "
                     "map's page shows its measured curve, funnel and numbers. Repeat for several files."),
    ] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Build a browsable catalog of every map: an index with search and filters, and a page per map."""

    def run() -> int:

        snapshots = None
        if measures:

            snapshots = snapshots_by_map(measures)
        built = build_site(folder, out, common.project(config, max_bytes), snapshots)
        for entry in built.broken:
            common.say(f"journeymap: broken map listed on the index: {entry.target.path}{entry.first_problem()}")
        common.say(f"Wrote {out / 'index.html'}: {len(built.entries)} maps, {len(built.broken)} broken.")
        return built.exit_code

    common.run(debug, run)
