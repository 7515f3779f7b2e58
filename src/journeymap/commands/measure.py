"""`journeymap measure`: the journey as customers walk it, from event logs and surveys."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from journeymap.commands import common
from journeymap.io.atomic import write_atomic
from journeymap.io.output import emit
from journeymap.measure.engine import limits_of
from journeymap.measure.present import formatted
from journeymap.measure.run import measure_paths
from journeymap.measure.spec import Options


class MeasureFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class Every(StrEnum):
    day = "day"
    week = "week"


class Order(StrEnum):
    eventual = "eventual"
    strict = "strict"


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def register(app: typer.Typer) -> None:
    app.command()(measure)


def measure(
    paths: Annotated[list[str], typer.Argument(help="Map files or folders.")],
    events: Annotated[
        str | None, typer.Option("--events", help="Event log: a CSV (.csv.gz too), Parquet or NDJSON file, a glob, "
                                 "or a PostgreSQL table as postgresql://USER@HOST/DB?table=NAME "
                                 "(default: the map's or the configuration's data.events).")
    ] = None,
    database: Annotated[
        str | None,
        typer.Option("--database", metavar="URL", help="The PostgreSQL database (postgresql://USER@HOST/DB) of a "
                     "table named by data.events.table or data.surveys.table (default: the JOURNEYMAP_DATABASE_URL "
                     "environment variable)."),
    ] = None,
    surveys: Annotated[
        str | None, typer.Option("--surveys", help="Survey answers: a file, or a PostgreSQL table as "
                                 "postgresql://USER@HOST/DB?table=NAME (default: data.surveys).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only events at or after this date (UTC).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only events before this date (UTC).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Split every section by this attribute or column.")] = None,
    window: Annotated[
        str | None, typer.Option("--window", help="Funnel window from entering the first stage, e.g. 7d "
                                 "(s, m, h, d or w; default: data.window, else none).")
    ] = None,
    order: Annotated[
        Order | None, typer.Option("--order", help="Funnel order: eventual (default: the next stage at any later "
                                   "moment) or strict (the next stage must be the next one the user goes to).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", metavar="EVENT", help="An event no touchpoint claims (a name "
                                       "or a pattern with * ? [abc]) that takes a user out of the funnel at the "
                                       "step they reached; repeat for more (default: data.exclusions).")
    ] = None,
    step_events: Annotated[
        bool, typer.Option("--step-events", help="Also list, for each funnel step, the events users did just before "
                           "reaching it and what those who dropped there did next (default: data.step_events).")
    ] = False,
    every: Annotated[Every | None, typer.Option("--every", help="Each stage's conversion per day or week.")] = None,
    engine: Annotated[EngineName | None, typer.Option("--engine", help="duckdb (default) or spark.")] = None,
    memory: Annotated[
        int | None,
        typer.Option("--memory", min=64, max=2**30, metavar="MB", show_default=False,
                     help="Memory the engine may use, in MB; it spills to disk beyond (default: measure.memory in "
                     "the configuration, else a quarter of the machine's memory, at most 4096)."),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option("--threads", min=1, max=1024, show_default=False,
                     help="Threads the engine may use (default: measure.threads in the configuration, else 2)."),
    ] = None,
    output_format: Annotated[
        MeasureFormat, typer.Option("--format", "-f", help="text, markdown, html, or json (the versioned snapshot).")
    ] = MeasureFormat.text,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Measure the journey from event logs and surveys: funnel, stages, touchpoints, KPIs."""

    def run() -> int:


        options = Options(events=events, surveys=surveys, since=since, until=until, by=by, window=window,
                          every=every.value if every else None, engine=engine.value if engine else None,
                          database=database, order=order.value if order else None,
                          exclusions=tuple(exclude or ()), step_events=step_events or None)
        project = common.project(config, max_bytes)
        limits = limits_of(memory if memory is not None else project.measure.memory_mb,
                           threads if threads is not None else project.measure.threads)
        with _progress(sys.stderr) as (step, share):
            measured = measure_paths(paths, project, options, step, share, limits, _show_settings if debug else None)
        for problem in measured.problems:
            common.error(problem)
        for analysis in measured.skipped:
            for finding in analysis.findings[:5]:
                common.say(finding.as_line())
            common.say(f"journeymap: skipped {analysis.path}: it is not a valid map")
        for warning in measured.warnings:
            common.say(f"journeymap: warning: {warning}")
        if measured.snapshots:

            text = formatted(measured.snapshots, output_format.value)
            if out is None:
                emit(text)
            else:
                write_atomic(out, text)
                common.say(f"Wrote {out}")
        return measured.exit_code

    common.run(debug, run)


def _show_settings(map_file: str, settings: dict[str, str]) -> None:
    """--debug: the engine's settings for this map, as the engine reports them back."""
    common.say(f"journeymap: debug: {map_file}: the engine's settings for this run:")
    for name, value in settings.items():
        common.say(f"  {name} = {value}")


class _progress:
    """A rich progress line on a terminal's standard error while data is read and measured;
    nothing when standard error is not a terminal (CI logs stay clean)."""

    def __init__(self, stream: object) -> None:
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.live:
            return None, None
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("measuring", total=100)

        def step(what: str) -> None:
            self.bar.update(task, description=what, completed=0)

        def share(done: float) -> None:
            self.bar.update(task, completed=done)

        return step, share

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
