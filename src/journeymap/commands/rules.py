"""`journeymap rules [RULE]`: every rule, or one explained (why it matters, an example, how to fix)."""

from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.errors import UsageProblem
from journeymap.io.output import emit
from journeymap.lint import docs


def register(app: typer.Typer) -> None:
    app.command()(rules)


def rules(
    rule: Annotated[str | None, typer.Argument(help="A rule id or name to explain.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="text, json or markdown.")] = "text",
    config: common.ConfigFile = None,
    debug: common.Debug = False,
) -> None:
    """List the rules, or explain one: why it matters, an example, how to fix."""

    def run() -> int:
        if output_format not in docs.FORMATS:
            raise UsageProblem(f"unknown format '{output_format}'; choose text, json or markdown")
        # the configuration's `docs_url`, so the address shown is the one findings link to
        docs_url = common.project(config).docs_url
        if rule is None:
            emit(docs.listing(output_format, docs_url))
        else:
            emit(docs.explain_named(rule, output_format, docs_url))
        return common.EXIT_OK

    common.run(debug, run)
