"""Commands that connect journeymap to other tools: `export` (CSV) and `import mermaid`.

No `from __future__ import annotations` here: typer reads the option types when
the command is built, and `cli` is imported inside `register`.
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class ExportFormat(StrEnum):
    csv = "csv"


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    from journeymap import cli

    _register_import(app)

    @app.command()
    def export(
        paths: Annotated[list[str], typer.Argument(help="Map files or folders, or - for stdin.")],
        output_format: Annotated[
            ExportFormat, typer.Option("--format", "-f", help="csv: pain points and opportunities, a row each.")
        ] = ExportFormat.csv,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
        max_bytes: cli.MaxBytes = cli.DEFAULT_MAX_BYTES,
        debug: cli.Debug = False,
    ) -> None:
        """Export pain points and opportunities for spreadsheets and backlog tools."""

        def run() -> int:
            import sys

            from journeymap.convert.csv_out import csv_text
            from journeymap.io.atomic import write_atomic
            from journeymap.io.output import emit
            from journeymap.io.sources import InputError, discover
            from journeymap.pipeline import CheckOptions, analyse_target

            found = discover(paths)
            for problem in found.problems:
                sys.stderr.write(f"journeymap: error: {problem}\n")
            journeys, broken, unread = [], False, False
            for target in found.targets:
                try:
                    analysis = analyse_target(target, CheckOptions(max_bytes=max_bytes))
                except InputError as exc:  # reported, and the other maps are still exported
                    sys.stderr.write(f"journeymap: error: {exc}\n")
                    unread = True
                    continue
                if analysis.journey is None:
                    broken = True
                    for f in analysis.findings[:5]:
                        sys.stderr.write(f"{f.path}:{f.line}:{f.column}: {f.severity.value} [{f.rule_id}] "
                                         f"{f.message}\n")
                    sys.stderr.write(f"journeymap: skipped {target.path}: it is not a valid map\n")
                    continue
                journeys.append(analysis.journey)
            text = csv_text(journeys)
            if out is None:
                emit(text)
            else:
                write_atomic(out, text)
                sys.stderr.write(f"Wrote {out}\n")
            if found.problems or unread:
                return cli.EXIT_TOOL
            return cli.EXIT_FINDINGS if broken else cli.EXIT_OK

        raise typer.Exit(cli._guard(debug, run))


def _register_import(app: typer.Typer) -> None:
    from journeymap import cli

    importer = typer.Typer(help="Turn diagrams from other tools into journey maps.", no_args_is_help=True)
    app.add_typer(importer, name="import")

    @importer.command("mermaid")
    def mermaid(
        file: Annotated[str, typer.Argument(help="A Mermaid `journey` diagram (.mmd, or - for stdin).")],
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the map here (default: stdout).")] = None,
        rescale: Annotated[
            bool, typer.Option("--rescale", help="Map the diagram's score range onto -2..+2 when it leaves 1..5.")
        ] = False,
        force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
        debug: cli.Debug = False,
    ) -> None:
        """Convert a Mermaid journey diagram into a valid map (section -> stage, task -> touchpoint)."""

        def run() -> int:
            import sys

            from journeymap.convert.mermaid_in import BadScores, BadText, import_mermaid, map_yaml
            from journeymap.errors import UsageProblem
            from journeymap.io.atomic import write_atomic
            from journeymap.io.output import emit
            from journeymap.io.sources import Target, read_target
            from journeymap.pipeline import analyse_bytes
            from journeymap.schema import SCHEMA_ID
            from journeymap.starters import schema_reference
            from journeymap.strings import one_line

            name = "<stdin>" if file == "-" else one_line(file)
            raw = read_target(Target(file), cli.DEFAULT_MAX_BYTES)
            if len(raw) > cli.DEFAULT_MAX_BYTES:
                # read_target stops one byte past the limit: converting the rest would lose it silently
                sys.stderr.write(f"journeymap: error: {name}: larger than the {cli.DEFAULT_MAX_BYTES:,}-byte limit; "
                                 "a Mermaid journey diagram is far smaller\n")
                return cli.EXIT_FINDINGS
            try:
                source = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise UsageProblem(f"{name}: not UTF-8 text; expected a Mermaid journey diagram") from None
            try:
                imported = import_mermaid(source, name, rescale=rescale)
            except (BadScores, BadText) as exc:
                sys.stderr.write(f"journeymap: error: {exc}\n")
                return cli.EXIT_FINDINGS
            for warning in imported.warnings:
                sys.stderr.write(warning + "\n")
            text = map_yaml(imported.data, schema_reference(out) if out else SCHEMA_ID)
            check = analyse_bytes(text.encode(), str(out or "<import>"))
            if check.journey is None:  # our own output must always be a valid map
                raise RuntimeError(f"imported map is invalid: {check.findings[0].message}")
            if out is None:
                emit(text)
                return cli.EXIT_OK
            try:
                write_atomic(out, text, overwrite=force)
            except FileExistsError:
                raise UsageProblem(f"{out} already exists; pass --force to overwrite it") from None
            stages = imported.data["stages"]
            count = sum(len(s["touchpoints"]) for s in stages)
            sys.stderr.write(f"Wrote {out}: {len(stages)} stages, {count} touchpoints. "
                             f"Next: journeymap validate {out}\n")
            return cli.EXIT_OK

        raise typer.Exit(cli._guard(debug, run))
