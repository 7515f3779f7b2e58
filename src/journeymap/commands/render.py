"""`journeymap render`: diagrams, posters, web pages and Mermaid from maps (see journeymap.render).

No `from __future__ import annotations` here: typer reads the option types of
`render` when the command is built, and `Debug` and `Jobs` are imported inside
`register` (from journeymap.cli, which imports this module).
"""

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from journeymap.batch import Job, Outcome


class RenderFormat(StrEnum):
    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"
    poster = "poster"
    html = "html"
    mermaid = "mermaid"


class PageSize(StrEnum):
    A4 = "A4"
    A3 = "A3"
    A2 = "A2"
    A1 = "A1"
    A0 = "A0"
    letter = "letter"
    tabloid = "tabloid"


def register(app: typer.Typer) -> None:
    """Add `render` to the app."""
    from journeymap.cli import DEFAULT_MAX_BYTES, Debug, Jobs, MaxBytes

    @app.command()
    def render(
        paths: Annotated[
            list[str], typer.Argument(help="Map files, folders (every *.journey.yaml below), or - for stdin.")
        ],
        output_format: Annotated[
            RenderFormat,
            typer.Option(
                "--format",
                "-f",
                case_sensitive=False,
                help="svg, png or pdf (Graphviz diagram), dot (its source), poster (PDF of the journey-map grid), "
                "html (one self-contained page) or mermaid (for GitHub Markdown).",
            ),
        ] = RenderFormat.svg,
        out: Annotated[
            str | None,
            typer.Option(
                "--out",
                "-o",
                help="Output file, or folder for several maps (one file each). Without it, text formats go to "
                "standard output; - writes any format there.",
            ),
        ] = None,
        page: Annotated[
            PageSize, typer.Option("--page", case_sensitive=False, help="Poster paper size.")
        ] = PageSize.A3,
        portrait: Annotated[bool, typer.Option("--portrait", help="Poster in portrait (default: landscape).")] = False,
        timeout: Annotated[
            float | None,
            typer.Option(
                "--timeout", min=1, show_default=False,
                help="Seconds Graphviz or WeasyPrint may take for one picture (default: render.timeout in the "
                "configuration, else 120); a diagram Graphviz cannot lay out in time is drawn again with a "
                "simpler layout.",
            ),
        ] = None,
        memory: Annotated[
            int | None,
            typer.Option(
                "--memory", min=64, metavar="MB", show_default=False,
                help="Memory Graphviz or WeasyPrint may use, in MB (default: render.memory in the configuration, "
                "else 2048).",
            ),
        ] = None,
        max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
        jobs: Jobs = None,
        debug: Debug = False,
    ) -> None:
        """Draw maps: Graphviz diagrams, a print-ready PDF poster, a web page, or Mermaid."""
        from journeymap import cli

        def run() -> int:
            import os
            import sys
            from pathlib import Path

            from journeymap import batch
            from journeymap.config import load_config
            from journeymap.io.sources import discover
            from journeymap.render import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT, RenderOptions

            fmt = output_format.value
            if fmt in ("svg", "png", "pdf"):
                from journeymap.render.dot import find_dot

                find_dot()  # missing Graphviz stops everything up front, with the install command
            # the configuration's `exclude` holds for every command: those paths are never read
            config = load_config(None, Path.cwd())
            found = discover(paths, config.exclude)
            for problem in found.problems:
                sys.stderr.write(f"journeymap: error: {problem}\n")
            # a flag wins over the configuration's `render:`, which wins over the default
            memory_mb = memory if memory is not None else config.render.get("memory")
            options = RenderOptions(
                page=page.value,
                landscape=not portrait,
                timeout=timeout if timeout is not None else config.render.get("timeout", DEFAULT_TIMEOUT),
                memory=int(memory_mb * 2**20) if memory_mb is not None else DEFAULT_MEMORY_BYTES,
                max_bytes=max_bytes,
            )
            planned = batch.plan_jobs(found.targets, paths, fmt, out, options)
            outcomes = _render_all(planned, jobs or os.cpu_count() or 1)
            if len(planned) > 1 or any(o.exit_code for o in outcomes):
                sys.stderr.write(batch.summary(outcomes, fmt, out) + "\n")
            elif planned and planned[0].output is not None:
                sys.stderr.write(f"Wrote {planned[0].output}\n")
            return batch.exit_code(outcomes, len(found.problems))

        raise typer.Exit(cli._guard(debug, run))


def _render_all(planned: "list[Job]", workers: int) -> "list[Outcome]":
    """Run the jobs; with more than one map, a progress bar on stderr that messages print above."""
    from journeymap import batch

    if len(planned) <= 1:  # one map: no bar, and no need to load rich at all
        return batch.run_jobs(planned, workers, lambda outcome: _report(outcome, _stderr_line))
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    if not console.is_terminal:
        # no bar in CI logs and pipes: it would only add noise there
        return batch.run_jobs(planned, workers, lambda outcome: _report(outcome, _stderr_line))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("Rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # no refresh thread: worker processes are forked while the bar is shown, and a thread holding
    # the terminal's lock at that moment would leave it locked in every worker
    with Progress(*columns, console=console, auto_refresh=False) as progress:
        task = progress.add_task("render", total=len(planned))

        def say(line: str) -> None:
            progress.console.print(line, markup=False, highlight=False, soft_wrap=True)

        def step(outcome: "Outcome") -> None:
            _report(outcome, say)
            progress.advance(task)
            progress.refresh()

        return batch.run_jobs(planned, workers, step)


def _report(outcome: "Outcome", say: Callable[[str], None]) -> None:
    from journeymap import batch

    for line in outcome.messages:
        say(line)
    if outcome.data is not None:
        batch.write_stdout(outcome.data)


def _stderr_line(line: str) -> None:
    import sys

    sys.stderr.write(line + "\n")
