"""`journeymap lsp`: the language server editors start (VS Code, Neovim, Helix; see docs/editors.md)."""

from typing import Annotated

import typer

from journeymap.commands import common


def register(app: typer.Typer) -> None:
    app.command()(lsp)


def lsp(
    stdio: Annotated[bool, typer.Option("--stdio", help="Talk over standard input and output (the default; "
                                        "accepted because some editors always pass it).")] = True,
    debounce: Annotated[
        int, typer.Option("--debounce", min=0, max=5000, help="Milliseconds of quiet after an edit before a "
                          "map is checked again.")
    ] = 100,
    debug: common.Debug = False,
) -> None:
    """Run the journey-map language server over standard input and output."""

    def run() -> int:
        import sys

        from journeymap.lsp.server import serve

        return serve(sys.stdin.buffer, sys.stdout.buffer, debounce / 1000)

    common.run(debug, run)
