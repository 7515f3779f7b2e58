"""What every command shares: its common options, loading the project, and turning problems
into one line and an exit code.

Commands are thin: they parse options, call one function of the core and
map its result to output and an exit code (CONVENTIONS: 0 clean, 1 the map
is at fault, 2 the tool could not do its job). Heavy modules are imported
inside the command that needs them, so `journeymap --help` and `validate`
start fast; this module imports only typer and the light error types.

No `from __future__ import annotations` in the command modules: typer reads
the option types when a command is built.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from journeymap.config import load_project
from journeymap.defaults import DEFAULT_MAX_BYTES
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL, JourneymapError
from journeymap.strings import inert, short

if TYPE_CHECKING:
    from journeymap.config import Project

__all__ = ["DEFAULT_MAX_BYTES", "EXIT_FINDINGS", "EXIT_OK", "EXIT_TOOL"]

T = TypeVar("T")

Debug = Annotated[bool, typer.Option("--debug", help="Show the full traceback when something goes wrong.")]
MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse map files larger than this.")]
Jobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes for many files (default: the number of CPUs)."),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", help="Configuration file for every map (default: each map's own .journeymap.yaml "
                 "or pyproject.toml, the nearest from the map's folder up)."),
]


def project(
    config: Path | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    strict: bool = False,
) -> Project:
    """The project this command runs in: the file named with --config, else the current folder's
    configuration, which finds each map's own (`Project.for_file`); the flags go on top."""

    loaded = load_project(config, Path.cwd(), select=select, ignore=ignore, strict=strict)
    return loaded.with_options(max_bytes=max_bytes)


def say(line: str) -> None:
    """One line for the user on standard error (progress, warnings, what was written), inert for CI
    runners: it may quote a map, a file name or a log."""

    sys.stderr.write(inert(line) + "\n")


def error(message: str) -> None:
    say(f"journeymap: error: {message}")


def fail(message: str, code: int = EXIT_TOOL) -> NoReturn:
    error(message)
    raise typer.Exit(code)


def run(debug: bool, action: Callable[[], int]) -> NoReturn:
    """Run a command body and exit with its code: known problems become one line and exit 2;
    --debug shows tracebacks."""
    raise typer.Exit(guard(debug, action))


def guard(debug: bool, action: Callable[[], T]) -> T:
    try:
        return action()
    except typer.Exit:
        raise
    except JourneymapError as exc:
        if debug:
            raise
        fail(str(exc))
    except KeyboardInterrupt:
        say("journeymap: interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        # the reader went away (`| head`): not an error worth a message
        sys.stderr.close()
        raise typer.Exit(EXIT_OK) from None
    except Exception as exc:
        if debug:
            raise

        fail(
            f"internal error: {type(exc).__name__}: {short(exc, 200)} "
            "(run again with --debug for the traceback, and please report it)"
        )


def use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
