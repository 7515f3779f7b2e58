"""`journeymap site`: a static catalog of every map below a folder (see journeymap.site).

No `from __future__ import annotations` here: typer reads the option types when
the command is built, and `cli` is imported inside `register`.
"""

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add `site` to the app."""
    from journeymap import cli

    @app.command()
    def site(
        folder: Annotated[Path, typer.Argument(help="The folder whose *.journey.yaml maps make the catalog.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="The folder to write the site into.")],
        max_bytes: cli.MaxBytes = cli.DEFAULT_MAX_BYTES,
        debug: cli.Debug = False,
    ) -> None:
        """Build a browsable catalog of every map: an index with search and filters, and a page per map."""

        def run() -> int:
            import sys

            from journeymap.config import load_config
            from journeymap.errors import UsageProblem
            from journeymap.io.sources import discover
            from journeymap.pipeline import CheckOptions
            from journeymap.site import build_entries, write_site

            if not folder.is_dir():
                raise UsageProblem(f"{folder}: not a folder; name the folder that holds the maps")
            if out.resolve() == folder.resolve():
                raise UsageProblem(f"{out}: the site must go into a folder of its own, not the maps' folder")
            config = load_config(None, Path.cwd())
            found = discover([str(folder)], config.exclude)
            if found.problems:
                raise UsageProblem(found.problems[0])
            entries = build_entries(found.targets, CheckOptions(max_bytes=max_bytes, lint=config))
            write_site(entries, out)
            broken = [e for e in entries if e.broken]
            for entry in broken:
                first = entry.analysis.findings[0] if entry.analysis.findings else None
                where = f":{first.line}:{first.column}: {first.message}" if first else ""
                if entry.refused:
                    where = f": {entry.refused}"
                sys.stderr.write(f"journeymap: broken map listed on the index: {entry.target.path}{where}\n")
            sys.stderr.write(f"Wrote {out / 'index.html'}: {len(entries)} maps, {len(broken)} broken.\n")
            if any(e.unreadable for e in entries):
                return cli.EXIT_TOOL
            return cli.EXIT_FINDINGS if broken else cli.EXIT_OK

        raise typer.Exit(cli._guard(debug, run))
