"""A journey in the terminal (`journeymap show`): stages as columns, touchpoints with emotion marks,
an emotion sparkline, and the pain point and opportunity counts; `-> map-id` where a stage or
touchpoint is told in detail by another map.

Drawn with rich to a given width (80 columns unless told): stages that do not
fit side by side wrap to further rows. Without colour (not a terminal, or
NO_COLOR) the output is plain text: no escape sequences, ASCII borders.
Map text is untrusted: control characters and text-direction overrides are
dropped, and it is always handed to rich as `Text`, never as markup, so
`[bold]` in a map is printed as written.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from journeymap.model import Journey, Stage, Touchpoint
from journeymap.schema_values import SEVERITIES, STATUSES
from journeymap.strings import BIDI, clean

COLUMN_MIN = 24  # the narrowest a stage column may be and still show touchpoint names
_BIDI = re.compile(f"[{BIDI}]")
MARKS = {2: "++", 1: "+", 0: "o", -1: "-", -2: "--"}
_STYLES = {2: "bold green", 1: "green", 0: "yellow", -1: "red", -2: "bold red"}
SPARKS = {-2: "▁", -1: "▂", 0: "▄", 1: "▆", 2: "█"}


def safe(text: object) -> str:
    """One line without control characters or direction overrides (rich markup is never parsed)."""
    return _BIDI.sub("", clean(text))


def sparkline(journey: Journey) -> str:
    """One character a touchpoint, in journey order, low to high; a space where no emotion is given."""
    return "".join(SPARKS.get(t.emotion, " ") if t.emotion is not None else " " for t in journey.touchpoints())


def terminal_preview(journey: Journey, width: int = 80, color: bool = False) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, force_terminal=color, no_color=not color, color_system="standard" if color else None,
        highlight=False, markup=False, emoji=False, legacy_windows=False, soft_wrap=False,
    )
    title = Text(safe(journey.title), style="bold")
    facts = [safe(x) for x in (journey.id, journey.owner and f"owner: {journey.owner}") if x]
    if facts:
        title.append("  (" + ", ".join(facts) + ")", style="dim")
    console.print(title)
    border = box.ROUNDED if color else box.ASCII
    per_row = max(1, min(len(journey.stages) or 1, width // COLUMN_MIN))
    for start in range(0, len(journey.stages), per_row):
        stages = journey.stages[start:start + per_row]
        table = Table(box=border, expand=True, show_lines=False, padding=(0, 1))
        for stage in stages:
            table.add_column(Text(_stage_heading(stage)), overflow="fold", ratio=1)
        table.add_row(*(_stage_cell(stage) for stage in stages))
        console.print(table)
    if not journey.stages:
        console.print(Text("No stages yet.", style="dim"))
    line = Text("Emotion  ")
    line.append(sparkline(journey) or "no touchpoints", style="cyan")
    console.print(line)
    console.print(Text(_counts(journey)))
    return out.getvalue()


def _stage_heading(stage: Stage) -> str:
    heading = safe(stage.name) + (f" [{stage.phase}]" if stage.phase else "")
    return heading + (f" -> {stage.journey}" if stage.journey else "")  # told in detail by that map


def _stage_cell(stage: Stage) -> Table | Text:
    """The stage's touchpoints, each a mark and its name (wrapped lines hang under the name)."""

    if not stage.touchpoints:
        return Text("(no touchpoints)", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, no_wrap=True, justify="right")
    grid.add_column(ratio=1, overflow="fold")
    for t in stage.touchpoints:
        mark = Text(_mark(t), style=_STYLES.get(t.emotion, "dim") if t.emotion is not None else "dim")
        name = Text(safe(t.name))
        if t.pain_points:
            name.append(f" !{len(t.pain_points)}", style="bold red")
        if t.journey:
            name.append(f" -> {t.journey}", style="cyan")
        grid.add_row(mark, name)
    return grid


def _mark(t: Touchpoint) -> str:
    return MARKS.get(t.emotion, "?") if t.emotion is not None else "?"


def _counts(journey: Journey) -> str:
    pains = list(journey.pain_points())
    open_ = Counter(p.severity for p in journey.open_pain_points())
    statuses = Counter(o.status for o in journey.opportunities)
    open_total = sum(open_.values())
    by_severity = ", ".join(f"{open_[s]} {s}" for s in reversed(SEVERITIES) if open_[s])
    said = f"Pain points: {len(pains)}, {open_total} open" + (f" ({by_severity})" if by_severity else "")
    by_status = ", ".join(f"{statuses[s]} {s}" for s in STATUSES if statuses[s])
    said += f" · Opportunities: {len(journey.opportunities)}" + (f" ({by_status})" if by_status else "")
    return said
