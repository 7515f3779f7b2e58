"""`journeymap rename`: give an id a new name, with every reference to it."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.commands.fix import unified
from journeymap.edit.rename import RenameProblem, rename_edits
from journeymap.edit.spans import apply
from journeymap.io.atomic import write_atomic
from journeymap.io.output import emit
from journeymap.io.sources import Target, read_target
from journeymap.pipeline import analyse_bytes
from journeymap.vocabulary import BY_NAME, KINDS

# the kinds of id, as the vocabulary names them (`pain point` is written `pain-point` here)
Kind = StrEnum("Kind", {kind.option: kind.option for kind in KINDS})  # type: ignore[misc]


def register(app: typer.Typer) -> None:
    app.command()(rename)


def rename(
    path: Annotated[Path, typer.Argument(help="The map file.")],
    old: Annotated[str, typer.Argument(help="The id to rename.")],
    new: Annotated[str, typer.Argument(help="Its new id (lowercase letters, digits, single hyphens).")],
    kind: Annotated[
        Kind | None, typer.Option("--kind", help="Which kind of id, when two kinds share OLD.")
    ] = None,
    diff: Annotated[bool, typer.Option("--diff", help="Show the change as a unified diff; write nothing.")] = False,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Rename an id (a persona, channel, source, stage, touchpoint, pain point, opportunity or the
    map's own) and every reference to it, KPI measures included; comments and formatting stay as
    they are."""

    def run() -> int:
        project = common.project(None, max_bytes).with_options(lint=False)
        raw = read_target(Target(str(path)), project.max_bytes)
        analysis = analyse_bytes(raw, str(path), project)
        if analysis.document is None:
            for finding in analysis.findings:
                common.say(finding.as_line())
            common.fail(f"{path} cannot be read as a map; fix the finding above first", common.EXIT_FINDINGS)
        try:
            text = raw.decode("utf-8")  # the file's own text, a byte-order mark included
            chosen = BY_NAME[kind.value.replace("-", " ")] if kind else None
            shared = analysis.journey.shared_ids() if analysis.journey else None
            renaming = rename_edits(analysis.document, old, new, chosen, shared, text)
        except RenameProblem as exc:
            common.fail(str(exc), common.EXIT_FINDINGS)
        text = renaming.text
        after = apply(text, list(renaming.edits))
        if diff:
            emit(unified(str(path), text, after))
            return common.EXIT_OK
        if path.is_symlink():
            common.fail(f"{path} is a symbolic link; rename in the file it points to")
        write_atomic(path, after.encode("utf-8"))
        common.say(
            f"Renamed {renaming.kind.name} '{old}' to '{new}' in {path}: the id and "
            f"{renaming.references} reference{'s' if renaming.references != 1 else ''}"
        )
        if renaming.kind.across_maps:
            common.say("Other maps that name it (`related:`, `journey:`) are not changed; rename it there too")
        return common.EXIT_OK

    common.run(debug, run)
