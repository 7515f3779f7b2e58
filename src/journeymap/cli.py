"""The command line: the typer app, assembled from the commands (one module each in commands/).

Nothing here knows how maps are checked or drawn, and nothing in the core
imports this module or the commands.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from journeymap import __version__
from journeymap.commands import COMMANDS, common
from journeymap.io.output import drop_pending_output, emit

# what every command's help and errors look like, whether it is built with the app or on its own
SETTINGS: dict[str, Any] = {
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}


class LazyCommands(TyperGroup):
    """The commands, each imported only when it runs (or when `--help` lists them all): a command
    module imports what it needs at its top, so importing every one would make `journeymap
    validate` pay for measure, render and the language server at every start."""

    # typer's click is its own vendored copy, whose types are private: `Any` stands for them here
    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        one = typer.Typer(**SETTINGS)
        importlib.import_module(f"journeymap.commands.{module}").register(one)
        return typer.main.get_group(one).get_command(ctx, cmd_name)


app = typer.Typer(
    cls=LazyCommands,
    name="journeymap",
    help="Customer journey maps as code: validate, lint, render and diff *.journey.yaml files.",
    add_completion=True,
    no_args_is_help=True,
    **SETTINGS,
)


def _version(value: bool) -> None:
    if value:
        common.guard(False, lambda: emit(f"journeymap {__version__}\n"))
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Customer journey maps as code."""


def main() -> None:
    # what the imports made (modules, classes, tables) lives as long as the process: the garbage
    # collector need not look through it again at every pass while the command runs, which was a
    # twentieth of what drawing a small map costs
    gc.freeze()
    # one name however it is started (`journeymap`, `python -m journeymap`), so usage lines and
    # shell completion scripts agree
    try:
        app(prog_name="journeymap")
    except OSError as exc:
        # the commands guard their own output; this is click's (--help, usage) to a full disk or
        # a closed pipe
        if "--debug" in sys.argv:
            raise

        drop_pending_output()
        if not isinstance(exc, BrokenPipeError):
            sys.stderr.write(f"journeymap: error: cannot write to standard output: {exc.strerror or exc}\n")
        sys.exit(common.EXIT_OK if isinstance(exc, BrokenPipeError) else common.EXIT_TOOL)
