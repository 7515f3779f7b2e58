"""`journeymap show`: a map previewed in the terminal (stages, emotions, pain points, opportunities)."""

import shutil
import sys
from typing import Annotated

import typer

from journeymap.analysis import State
from journeymap.commands import common
from journeymap.io.output import emit
from journeymap.io.sources import Target
from journeymap.pipeline import analyse
from journeymap.render.terminal import terminal_preview


def register(app: typer.Typer) -> None:
    app.command()(show)


def show(
    path: Annotated[str, typer.Argument(help="The map file, or - for stdin.")],
    width: Annotated[
        int | None,
        typer.Option("--width", min=40, max=400, help="Columns to fit (default: the terminal's, 80 when not one)."),
    ] = None,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Preview a map in the terminal: stages as columns, emotions, pain points and opportunities."""

    def run() -> int:
        project = common.project(config, max_bytes).with_options(lint=False)
        analysis = analyse(Target(path), project)
        if analysis.state is State.UNREADABLE:
            common.error(analysis.problem)
            return common.EXIT_TOOL
        if analysis.journey is None or not analysis.valid:
            for finding in analysis.findings[:5]:
                common.say(finding.as_line())
            what = "a library, not a map" if analysis.kind == "library" else "not a valid map"
            common.error(f"{path}: {what}; `journeymap validate {path}` says why")
            return common.EXIT_FINDINGS
        tty = sys.stdout.isatty()
        columns = width or (shutil.get_terminal_size((80, 24)).columns if tty else 80)
        emit(terminal_preview(analysis.journey, max(40, columns), color=common.use_color(sys.stdout)))
        return common.EXIT_OK

    common.run(debug, run)
