"""Journey maps -> the spreadsheet grid teams keep them in (`journeymap export --format xlsx|csv-grid`).

The grid is the one `journeymap import csv|xlsx` reads: the title above it, the
stage names across one row (each stage as wide as it has touchpoints, its name
merged across them), then one row per lane, labelled as the importer names
them, so that the sheet reads back into the same grid with no guesses. Each
touchpoint has its own column, so its feelings, thoughts and pain points sit
under it; KPIs, the goal and notes (the stage's description) span the stage.

What the grid cannot hold is left out and documented in docs/import.md: ids,
personas, evidence, sources, descriptions of touchpoints, signals, an
opportunity's owner and status. A line break inside one item becomes a space,
since a line break separates items in a cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from journeymap.convert.csv_out import safe_cell
from journeymap.convert.lanes import LABELS, PER_STAGE, STAGE_LABEL, Lane
from journeymap.model import Journey, Stage, Touchpoint

Value = str | int | None


@dataclass
class Layout:
    """A grid as rows of cell values, and the stage cells merged across columns (row, first, last)."""

    title: str
    rows: list[list[Value]]
    merges: list[tuple[int, int, int]] = field(default_factory=list)
    header: int = 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(values: Sequence[str]) -> str:
    return "\n".join(_one_line(v) for v in values if _one_line(v))


def _kpi(name: str, target: str, current: str) -> str:
    parts = [f"target: {_one_line(target)}"] if target else []
    parts += [f"now: {_one_line(current)}"] if current else []
    return f"{_one_line(name)} ({', '.join(parts)})" if parts else _one_line(name)


def _opportunities_by_touchpoint(journey: Journey) -> dict[str, list[str]]:
    """Each of the map's own opportunities under the touchpoint of the first pain point it addresses
    (or the first touchpoint column of the grid when it addresses none here)."""
    where = {pp.id: pp.touchpoint_id for pp in journey.pain_points()}
    first_column = next((tp.id for s in journey.stages for tp in s.touchpoints), None)
    out: dict[str, list[str]] = {}
    for o in journey.opportunities:
        if o.origin:  # a library's: it belongs to the library's own sheet, not this map's
            continue
        home = next((where[p] for p in o.addresses if p in where), first_column)
        key = home if home is not None else f"stage:{journey.stages[0].id}" if journey.stages else ""
        out.setdefault(key, []).append(o.description)
    return out


def _touchpoint_cells(journey: Journey, tp: Touchpoint | None, opportunities: list[str]) -> dict[Lane, Value]:
    if tp is None:
        return {Lane.opportunities: _cell(opportunities)} if opportunities else {}
    channels = {c.id: c.name for c in journey.channels}
    pains = [f"{pp.description} ({pp.severity})" if pp.severity_given else pp.description for pp in tp.pain_points]
    return {
        Lane.touchpoints: _one_line(tp.name),
        Lane.actions: _cell(tp.actions),
        Lane.thoughts: _cell(tp.thoughts),
        Lane.feelings: tp.emotion,
        Lane.channels: _one_line(channels.get(tp.channel, tp.channel)) if tp.channel else "",
        Lane.pain_points: _cell(pains),
        Lane.opportunities: _cell(opportunities),
        Lane.backstage: _cell(tp.backstage),
        Lane.support: _cell(tp.support),
    }


def _stage_cells(stage: Stage) -> dict[Lane, Value]:
    return {
        Lane.kpis: _cell([_kpi(k.name, str(k.target or ""), str(k.current or "")) for k in stage.kpis]),
        Lane.goal: stage.goal.strip(),
        Lane.notes: stage.description.strip(),
    }


def layout(journey: Journey) -> Layout:
    """The grid of one map."""
    by_touchpoint = _opportunities_by_touchpoint(journey)
    columns: list[dict[Lane, Value]] = []
    spans: list[tuple[str, int, int]] = []
    for stage in journey.stages:
        first = len(columns)
        slots: list[Touchpoint | None] = list(stage.touchpoints) or [None]
        for i, tp in enumerate(slots):
            key = tp.id if tp is not None else f"stage:{stage.id}"
            cells = _touchpoint_cells(journey, tp, by_touchpoint.get(key, []))
            if i == 0:
                cells.update(_stage_cells(stage))
            columns.append(cells)
        spans.append((_one_line(stage.name), first, len(columns) - 1))
    lanes = [lane for lane in LABELS if lane is Lane.touchpoints or any(c.get(lane) not in (None, "") for c in columns)]
    rows: list[list[Value]] = [[_one_line(journey.title)]]
    if journey.description.strip():
        rows.append([journey.description.strip()])
    rows.append([])
    header = len(rows)
    heading: list[Value] = [STAGE_LABEL] + [None] * len(columns)
    merges = []
    for name, first, last in spans:
        heading[first + 1] = name
        if last > first:
            merges.append((header, first + 1, last + 1))
    rows.append(heading)
    for lane in lanes:
        rows.append([LABELS[lane], *(c.get(lane) for c in columns)])
        if lane in PER_STAGE:
            merges += [(len(rows) - 1, first + 1, last + 1) for _, first, last in spans if last > first]
    return Layout(_one_line(journey.title), rows, merges, header)


def csv_grid(journey: Journey) -> str:
    """The grid as CSV (UTF-8 with a byte-order mark, as Excel expects), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in layout(journey).rows:
        writer.writerow([safe_cell("" if v is None else str(v)) for v in row])
    return "\ufeff" + out.getvalue()


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(journey: Journey, taken: set[str]) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _NOT_IN_SHEET_NAMES.sub("-", journey.id or journey.title).strip("'") [:31] or "Journey"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def xlsx_bytes(journeys: Sequence[Journey]) -> bytes:
    """A workbook with one sheet a map, each the map's grid. Text cells are stored as text, so map
    text that starts with `=` is never a formula."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    wrap, bold = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
    for journey in journeys:
        grid = layout(journey)
        sheet = book.create_sheet(_sheet_name(journey, taken))
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even when it starts with "="
                cell.alignment = wrap
                if r == 1 or r - 1 == grid.header or c == 1:
                    cell.font = bold
        for row_index, first, last in grid.merges:
            sheet.merge_cells(start_row=row_index + 1, start_column=first + 1, end_row=row_index + 1,
                              end_column=last + 1)
        width = max((len(r) for r in grid.rows), default=1)
        for c in range(1, width + 1):
            sheet.column_dimensions[get_column_letter(c)].width = 16 if c == 1 else 28
        sheet.freeze_panes = sheet.cell(row=grid.header + 2, column=2)
    if not journeys:
        book.create_sheet("Journey")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
