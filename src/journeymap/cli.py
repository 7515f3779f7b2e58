"""The command line: parse arguments, call plain functions, turn results into exit codes.

Nothing here knows how maps are checked or drawn. Heavy modules are imported
inside the command that needs them, so `journeymap validate` starts fast.
Exit codes follow CONVENTIONS: 0 clean, 1 the map is at fault, 2 the tool
could not do its job.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from journeymap import __version__
from journeymap.errors import JourneymapError, UsageProblem
from journeymap.io.output import emit

app = typer.Typer(
    name="journeymap",
    help="Customer journey maps as code: validate, lint, render and diff *.journey.yaml files.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_FINDINGS, EXIT_TOOL = 0, 1, 2
T = TypeVar("T")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


Debug = Annotated[bool, typer.Option("--debug", help="Show the full traceback when something goes wrong.")]
# the loader's DEFAULT_MAX_BYTES; not imported from there to keep `journeymap --help` light
MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse map files larger than this.")]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
Jobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes for many files (default: the number of CPUs)."),
]


def _fail(message: str, code: int = EXIT_TOOL) -> NoReturn:
    sys.stderr.write(f"journeymap: error: {message}\n")
    raise typer.Exit(code)


def _guard(debug: bool, action: Callable[[], T]) -> T:
    """Run a command body: known problems become one line and exit 2; --debug shows tracebacks."""
    try:
        return action()
    except typer.Exit:
        raise
    except JourneymapError as exc:
        if debug:
            raise
        _fail(str(exc))
    except KeyboardInterrupt:
        sys.stderr.write("journeymap: interrupted\n")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        # the reader went away (`| head`): not an error worth a message
        sys.stderr.close()
        raise typer.Exit(EXIT_OK) from None
    except Exception as exc:
        if debug:
            raise
        from journeymap.strings import short

        _fail(
            f"internal error: {type(exc).__name__}: {short(exc, 200)} "
            "(run again with --debug for the traceback, and please report it)"
        )


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _version(value: bool) -> None:
    if value:
        _guard(False, lambda: emit(f"journeymap {__version__}\n"))
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Customer journey maps as code."""


@app.command()
def validate(
    paths: Annotated[
        list[str], typer.Argument(help="Map files, folders (every *.journey.yaml below), or - for stdin.")
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "--output-format", "-f", help="How to print findings.")
    ] = OutputFormat.text,
    jobs: Jobs = None,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="Lint rules to run (ids or names; 'all'). Repeatable.")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Lint rules to skip. Repeatable.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    no_lint: Annotated[bool, typer.Option("--no-lint", help="Check schema and references only.")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="Configuration file (default: .journeymap.yaml or pyproject.toml).")
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    debug: Debug = False,
) -> None:
    """Check maps against the schema, their references and the lint rules."""

    def run() -> int:
        from journeymap.config import load_config
        from journeymap.io.sources import discover
        from journeymap.pipeline import CheckOptions, check_targets
        from journeymap.report import reporter

        lint_config = load_config(
            config, Path.cwd(), select=select, ignore=ignore, strict=strict
        )
        found = discover(paths, lint_config.exclude)
        for problem in found.problems:
            sys.stderr.write(f"journeymap: error: {problem}\n")
        options = CheckOptions(max_bytes=max_bytes, lint=None if no_lint else lint_config)
        results = check_targets(found.targets, options, jobs)
        for result in results:
            if result.problem:
                sys.stderr.write(f"journeymap: error: {result.problem}\n")
        readable = [r for r in results if r.problem is None]
        write = reporter(output_format.value)
        if output_format is OutputFormat.text:
            if readable:  # the summary counts the unreadable files too
                emit(write(results, color=_use_color(sys.stdout)))
        else:
            emit(write(readable, color=_use_color(sys.stdout)))
        if found.problems or any(r.problem for r in results):
            return EXIT_TOOL
        return exit_code_for(readable, lint_config.strict)

    raise typer.Exit(_guard(debug, run))


def exit_code_for(results: list, strict: bool) -> int:  # type: ignore[type-arg]
    from journeymap.findings import Severity

    worst = {f.severity for r in results for f in r.findings}
    if Severity.ERROR in worst or (strict and Severity.WARNING in worst):
        return EXIT_FINDINGS
    return EXIT_OK


@app.command()
def schema(debug: Debug = False) -> None:
    """Print the JSON schema of the map format (for editors and other tools)."""

    def run() -> int:
        from journeymap.schema import schema_text

        emit(schema_text())
        return EXIT_OK

    raise typer.Exit(_guard(debug, run))


@app.command()
def rules(
    rule: Annotated[str | None, typer.Argument(help="A rule id or name to explain.")] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text, json or markdown.")
    ] = "text",
    debug: Debug = False,
) -> None:
    """List the rules, or explain one: why it matters, an example, how to fix."""

    def run() -> int:
        from journeymap.lint import docs as rules_doc

        if output_format not in ("text", "json", "markdown"):
            raise UsageProblem(f"unknown format '{output_format}'; choose text, json or markdown")
        if rule is None:
            emit(rules_doc.listing(output_format))
            return EXIT_OK
        from journeymap.lint.registry import all_rules, find_rule

        found = find_rule(rule)
        if found is None:
            names = ", ".join(r.name for r in all_rules())
            raise UsageProblem(f"no rule '{rule}'; known rules: {names}")
        emit(rules_doc.explain(found, output_format))
        return EXIT_OK

    raise typer.Exit(_guard(debug, run))


@app.command()
def init(
    file: Annotated[Path | None, typer.Argument(help="The map file to create (e.g. checkout.journey.yaml).")] = None,
    template: Annotated[str, typer.Option("--template", "-t", help="Which starter map to use.")] = "starter",
    list_templates: Annotated[bool, typer.Option("--list", help="List the templates.")] = False,
    debug: Debug = False,
) -> None:
    """Write a new, valid, commented map to start from. Never overwrites a file."""

    def run() -> int:
        from journeymap import starters as templates

        if list_templates:
            for name, summary in templates.available().items():
                emit(f"{name:22} {summary}\n")
            return EXIT_OK
        if file is None:
            raise UsageProblem("name the file to create, e.g. `journeymap init checkout.journey.yaml`")
        try:
            templates.write_new_map(file, template)
        except templates.TemplateProblem as exc:
            raise UsageProblem(str(exc)) from None
        sys.stderr.write(f"Created {file} from the '{template}' template. Check it with: journeymap validate {file}\n")
        return EXIT_OK

    raise typer.Exit(_guard(debug, run))


def _register_commands() -> None:
    import importlib

    from journeymap.commands import COMMAND_MODULES

    for name in COMMAND_MODULES:
        importlib.import_module(f"journeymap.commands.{name}").register(app)


_register_commands()


def main() -> None:
    # one name however it is started (`journeymap`, `python -m journeymap`), so usage lines and
    # shell completion scripts agree
    try:
        app(prog_name="journeymap")
    except OSError as exc:
        # the commands guard their own output; this is click's (--help, usage) to a full disk or
        # a closed pipe
        if "--debug" in sys.argv:
            raise
        from journeymap.io.output import drop_pending_output

        drop_pending_output()
        if not isinstance(exc, BrokenPipeError):
            sys.stderr.write(f"journeymap: error: cannot write to standard output: {exc.strerror or exc}\n")
        sys.exit(EXIT_OK if isinstance(exc, BrokenPipeError) else EXIT_TOOL)
