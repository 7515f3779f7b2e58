"""`journeymap render`: diagrams, posters, web pages and Mermaid from maps (see journeymap.render
for the pictures and journeymap.batch for where they go)."""

import os
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from journeymap import batch
from journeymap.commands import common
from journeymap.errors import UsageProblem
from journeymap.io.sources import discover
from journeymap.measures import snapshots_by_map
from journeymap.render import RenderOptions
from journeymap.render.dot import find_dot

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
    app.command()(render)


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
    page: Annotated[PageSize, typer.Option("--page", case_sensitive=False, help="Poster paper size.")] = PageSize.A3,
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
    watch: Annotated[
        bool, typer.Option("--watch", help="Stay running and draw again whenever a map below the paths is saved.")
    ] = False,
    theme: Annotated[
        str | None,
        typer.Option("--theme", help="light, dark, or the base of the configuration's brand theme "
                     "(default: theme in the configuration, else light)."),
    ] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    jobs: common.Jobs = None,
    measures: Annotated[
        list[str] | None,
        typer.Option("--measures", help="A `journeymap measure --format json` snapshot: the poster and page draw "
                     "the emotion customers report beside the assumed curve. Repeatable."),
    ] = None,
    debug: common.Debug = False,
) -> None:
    """Draw maps: Graphviz diagrams, a print-ready PDF poster, a web page, or Mermaid."""

    def run() -> int:
        if not watch:
            return render_once()
        if out is None or out == "-":
            raise UsageProblem("--watch draws into files: name them with --out")
        return watched(paths, render_once)

    def render_once() -> int:
        fmt = output_format.value
        if fmt in ("svg", "png", "pdf"):
            find_dot()  # missing Graphviz stops everything up front, with the install command
        project = common.project(config, max_bytes)
        found = discover(paths, project.excludes)
        for problem in found.problems:
            common.error(problem)
        snapshots = None
        if measures:
            snapshots = snapshots_by_map(measures)
        options = RenderOptions(page=page.value, landscape=not portrait, measures=snapshots)
        planned = batch.plan_jobs(found.targets, paths, fmt, out, options, project)
        # limits and theme come from each map's own configuration (the flags win)
        planned = batch.in_own_settings(planned, project, theme, timeout, memory)
        outcomes = _render_all(planned, jobs or os.cpu_count() or 1)
        if len(planned) > 1 or any(o.exit_code for o in outcomes):
            common.say(batch.summary(outcomes, fmt, out))
        elif planned and planned[0].output is not None:
            common.say(f"Wrote {planned[0].output}")
        return batch.exit_code(outcomes, len(found.problems))

    common.run(debug, run)


def watched(paths: list[str], render_once: Callable[[], int]) -> int:
    """Render, then again after every save of a map or library below the paths, until Ctrl-C."""

    from watchfiles import watch  # noqa: PLC0415

    code = render_once()
    # folders, not files: editors save by writing a new file and renaming it over the old one
    folders = sorted({os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths})
    common.say("Watching for changes (Ctrl-C stops).")
    for changes in watch(*folders, debounce=200, raise_interrupt=False):
        if any(path.endswith((".yaml", ".yml")) for _, path in changes):
            code = render_once()
    return code


def _render_all(planned: "list[Job]", workers: int) -> "list[Outcome]":
    """Run the jobs; with more than one map, a progress bar on stderr that messages print above."""

    if len(planned) <= 1:  # one map: no bar, and no need to load rich at all
        return batch.run_jobs(planned, workers, lambda outcome: _report(outcome, common.say))

    # rich (a twentieth of a second to load) only for the bar: one map, the common case, needs none
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    console = Console(stderr=True, highlight=False)
    if not console.is_terminal:
        # no bar in CI logs and pipes: it would only add noise there
        return batch.run_jobs(planned, workers, lambda outcome: _report(outcome, common.say))

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
    for line in outcome.messages:
        say(line)
    if outcome.data is not None:
        batch.write_stdout(outcome.data)
