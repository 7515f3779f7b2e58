"""`journeymap lsp`: the language server editors start (VS Code, Neovim, Helix; see docs/editors.md)."""

import os
import sys
from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.lsp.server import serve


def register(app: typer.Typer) -> None:
    app.command()(lsp)


def lsp(
    stdio: Annotated[bool, typer.Option("--stdio", help="Talk over standard input and output (the default; "
                                        "accepted because some editors always pass it).")] = True,
    debounce: Annotated[
        int, typer.Option("--debounce", min=0, max=5000, help="Milliseconds of quiet after an edit before a "
                          "map is checked again.")
    ] = 50,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Run the journey-map language server over standard input and output."""

    def run() -> int:
        stdin = sys.stdin.fileno()
        return serve(lambda size: os.read(stdin, size), sys.stdout.buffer, debounce / 1000, max_bytes)

    common.run(debug, run)
