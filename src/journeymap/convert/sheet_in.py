"""Spreadsheet grids -> journey maps (`journeymap import csv|xlsx`).

The grid teams draw: stage names across one row, one row per lane below it,
the lanes' names in a label column. The grid is found wherever it sits on the
sheet (a title above it, blank rows and columns around it); a stage header may
span several columns (merged, or followed by blank header cells), and then
each column under it is a group of touchpoints of its own.

How lanes become the map (docs/import.md has a worked example):
- each item of a Touchpoints cell is a touchpoint of that stage (with no
  Touchpoints row, each item of the Actions row is);
- the other per-touchpoint lanes (actions, thoughts, feelings, channels, pain
  points, opportunities, backstage, support) go to the touchpoints of their
  column (of every column a merged cell spans): one item each when the counts match, all of them when the column has
  one touchpoint, a single feeling or channel to every touchpoint of it;
  otherwise (a warning says so) to the first touchpoint, or for feelings their
  average to each;
- KPIs, Goal and Notes belong to the stage; a row journeymap does not know is
  kept in the stage's description under its label.
Every guess (a synonym read as a lane, a word or face read as a feeling, a
scale other than -2..+2) is named in a warning with its cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeymap.convert.finish import Conversion, finish
from journeymap.convert.lanes import (
    PER_STAGE,
    PER_TOUCHPOINT,
    Lane,
    Scale,
    is_stage_label,
    items,
    lane_of,
    names_a_lane,
    read_feeling,
    scale_of,
)
from journeymap.convert.mermaid_in import unnumbered
from journeymap.convert.sheet_read import Merge, NotAGrid, Table, cell_name, column_letter, read_csv, read_xlsx
from journeymap.defaults import DEFAULT_MAX_BYTES
from journeymap.io.sources import Target, read_target
from journeymap.schema import schema
from journeymap.strings import CONTROL, one_line, short, slug

MAX_NAME = 200  # the format's maxLength for the title and for stage, touchpoint, channel and KPI names
MAX_WARNINGS = 60
LABEL_LENGTH = 80  # longer text in the label column is content, not a lane's name


def _schema_values() -> tuple[int, int, tuple[str, ...]]:
    """The feelings range and the pain point severities, as the schema states them."""

    defs = schema()["$defs"]
    emotion = defs["touchpoint"]["properties"]["emotion"]
    return int(emotion["minimum"]), int(emotion["maximum"]), tuple(defs["pain_point"]["properties"]["severity"]["enum"])


@dataclass
class Say:
    """The warnings of one import, each naming the sheet and the cell it is about."""

    source: str
    lines: list[str] = field(default_factory=list)
    dropped: int = 0

    def __call__(self, ref: str, text: str) -> None:
        if len(self.lines) >= MAX_WARNINGS:
            self.dropped += 1
            return
        self.lines.append(f"{self.source}{' ' + ref if ref else ''}: warning: {text}")

    def all(self) -> list[str]:
        return self.lines + ([f"{self.source}: {self.dropped:,} more warnings"] if self.dropped else [])


# --- finding the grid -----------------------------------------------------------------------------


@dataclass
class Span:
    """A stage: its name, where its header is, and the columns under it."""

    name: str
    row: int
    columns: list[int]


@dataclass
class LaneRow:
    lane: Lane
    label: str  # as written, for notes of unknown rows
    rows: list[int]
    known: bool = True


@dataclass
class Grid:
    title: str
    description: list[str]
    stages: list[Span]
    lanes: list[LaneRow]
    cells: list[list[str]]

    merges: list[Merge] = field(default_factory=list)

    def cell(self, row: int, column: int) -> str:
        line = self.cells[row] if row < len(self.cells) else []
        return line[column] if column < len(line) else ""

    def spanned(self, rows: list[int], column: int, columns: list[int]) -> list[int]:
        """The columns a cell covers: more than its own when it is merged across them (a feeling or
        a pain point spanning a stage's touchpoints), within the given ones."""
        for first_row, first, last_row, last in self.merges:
            if first == column and any(first_row <= r <= last_row for r in rows):
                return [c for c in columns if first <= c <= last]
        return [column]


def _clean(table: Table, say: Say) -> list[list[str]]:
    """Cell text with Windows line ends made plain and control characters (which a map cannot
    hold) made spaces, each such cell named."""
    out = []
    for r, row in enumerate(table.rows):
        line = []
        for c, value in enumerate(row):
            text = value.replace("\r\n", "\n").replace("\r", "\n")
            if CONTROL.search(text):
                say(cell_name(r, c), "a control character (invisible) became a space")
                text = CONTROL.sub(" ", text)
            line.append(text.strip())
        out.append(line)
    return out


def _is_label(text: str) -> bool:
    return bool(text) and len(text) <= LABEL_LENGTH and "\n" not in text


def _is_lane(text: str) -> bool:
    return _is_label(text) and lane_of(text) is not None


LABEL_COLUMNS = 10  # the label column is among the first this many columns that hold anything


def _lane_counts(cells: list[list[str]]) -> list[int]:
    """How many lane names each column holds (0 for columns right of where a label column can be)."""
    width = max((len(r) for r in cells), default=0)
    used = [c for c in range(width) if any(c < len(row) and row[c] for row in cells)][:LABEL_COLUMNS]
    return [sum(1 for row in cells if c < len(row) and _is_lane(row[c])) if c in used else 0 for c in range(width)]


def _label_column(cells: list[list[str]], name: str) -> int:
    by_column = _lane_counts(cells)
    width = len(by_column)
    # lanes across a row: counted by their plain names only, which is fast on a wide sheet
    by_row = [sum(1 for text in row if _is_label(text) and names_a_lane(text)) for row in cells]
    best = max(range(width), key=lambda c: (by_column[c], -c), default=0)
    if not width or by_column[best] == 0:
        raise NotAGrid(f"{name}: no lanes found: expected stage names across a row and, down a column, lanes such "
                       "as Touchpoints, Feelings, Pain points (see docs/import.md)")
    across = max(range(len(by_row)), key=lambda r: by_row[r])
    if by_row[across] >= 3 and by_row[across] > by_column[best]:
        raise NotAGrid(f"{name}: the lanes run across row {across + 1}; journeymap reads stages across and lanes "
                       "down: transpose the sheet (Paste Special > Transpose) and import it again")
    return best


def _header_row(cells: list[list[str]], label_column: int, name: str) -> int:
    """The row of stage names: the first labelled "Stage" (or "Phase") with names right of the label,
    else the nearest row with text above the first lane."""
    for r, row in enumerate(cells):
        if label_column < len(row) and is_stage_label(row[label_column]) and any(row[label_column + 1:]):
            return r
    first_lane = min(r for r, row in enumerate(cells) if label_column < len(row) and _is_lane(row[label_column]))
    for r in range(first_lane - 1, -1, -1):
        if any(text for text in cells[r][label_column + 1:]):
            return r
    raise NotAGrid(f"{name}: no stage names above the first lane (row {first_lane + 1}); put the stages across "
                   "the row above the lanes")


def find_grid(table: Table, say: Say) -> Grid:
    """The grid on a sheet; NotAGrid when there is none."""
    cells = _clean(table, say)
    if not any(text for row in cells for text in row):
        raise NotAGrid(f"{say.source}: the sheet is empty")
    lc = _label_column(cells, say.source)
    header = _header_row(cells, lc, say.source)
    above = [text for row in cells[:header] for text in row if text]
    corner = cells[header][lc] if lc < len(cells[header]) else ""
    if corner and not is_stage_label(corner):
        say(cell_name(header, lc), f"'{short(corner)}' above the lane names is kept in the map's description")
        above.append(corner)
    stages = _stages(cells, header, lc, say)
    if not stages:
        raise NotAGrid(f"{say.source}: row {header + 1} has no stage names right of column "
                       f"{column_letter(lc)}; put the stages across it")
    lanes = _lanes(cells, header, lc, stages, say)
    return Grid(above[0] if above else "", above[1:], stages, lanes, cells, table.merges)


def _stages(cells: list[list[str]], header: int, lc: int, say: Say) -> list[Span]:
    width = max(len(r) for r in cells)
    row = cells[header]
    stages: list[Span] = []
    for c in range(lc + 1, width):
        name = row[c] if c < len(row) else ""
        if name:
            stages.append(Span(name, header, [c]))
        elif stages:
            stages[-1].columns.append(c)  # a merged or two-column-wide stage header
        elif any(c < len(r) and r[c] for r in cells[header + 1:]):
            say(cell_name(header, c), f"column {column_letter(c)} has content but no "
                "stage above it; left out: give it a stage name")
    return stages


def _lanes(cells: list[list[str]], header: int, lc: int, stages: list[Span], say: Say) -> list[LaneRow]:
    first = stages[0].columns[0]
    lanes: list[LaneRow] = []
    for r in range(header + 1, len(cells)):
        row = cells[r]
        label = row[lc] if lc < len(row) else ""
        has_content = any(text for text in row[first:])
        ref = cell_name(r, lc)
        if not label:
            if has_content and lanes:
                say(ref, f"row {r + 1} has no label; read as more of row {lanes[-1].rows[0] + 1} "
                    f"'{short(lanes[-1].label, 30)}'")
                lanes[-1].rows.append(r)
            elif has_content:
                say(ref, f"row {r + 1} has no label and comes before any lane; left out: label it")
            continue
        reading = lane_of(label) if _is_label(label) else None
        if reading is None:
            if has_content:
                say(ref, f"row {r + 1} '{short(label, 30)}' is not a lane journeymap knows; kept in each stage's "
                    "description under that label")
                lanes.append(LaneRow(Lane.notes, label, [r], known=False))
            else:
                say(ref, f"'{short(label, 40)}' has nothing under the stages; left out")
            continue
        if reading.guess:
            say(ref, f"row {r + 1} '{short(label, 30)}' read as {reading.lane.value}")
        lanes.append(LaneRow(reading.lane, label, [r]))
    return lanes


# --- building the map -----------------------------------------------------------------------------


class Ids:
    """Unique ids of one kind, made from names."""

    def __init__(self, fallback: str, limit: int = 60) -> None:
        self.taken: set[str] = set()
        self.fallback = fallback
        self.limit = limit

    def make(self, name: str) -> str:
        base = slug(name, self.limit) or f"{self.fallback}-{len(self.taken) + 1}"
        candidate, n = base, 2
        while candidate in self.taken:
            candidate = f"{base}-{n}"
            n += 1
        self.taken.add(candidate)
        return candidate


@dataclass
class Cell:
    ref: str
    items: list[str]


@dataclass
class Builder:
    grid: Grid
    say: Say
    bottom: int
    top: int
    severities: tuple[str, ...]
    scale: Scale | None = None
    touchpoint_lane: Lane | None = None
    stage_ids: Ids = field(default_factory=lambda: Ids("stage"))
    touchpoint_ids: Ids = field(default_factory=lambda: Ids("touchpoint"))
    pain_ids: Ids = field(default_factory=lambda: Ids("pain-point"))
    opportunity_ids: Ids = field(default_factory=lambda: Ids("opportunity"))
    channel_ids: dict[str, str] = field(default_factory=dict)  # name -> id
    channel_id_maker: Ids = field(default_factory=lambda: Ids("channel"))
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    feeling_words: dict[str, list[str]] = field(default_factory=dict)  # reading -> cells
    addressing: list[str] = field(default_factory=list)  # cells of opportunities given pain points to address

    def cells_of(self, lane: LaneRow, column: int) -> Cell:
        refs = [cell_name(r, column) for r in lane.rows if self.grid.cell(r, column)]
        found = [item for r in lane.rows for item in items(self.grid.cell(r, column))]
        return Cell(refs[0] if refs else cell_name(lane.rows[0], column), found)


def _name(text: str, what: str, ref: str, say: Say) -> tuple[str, str]:
    """A name the format can hold, and the full text when it had to be shortened."""
    if len(text) <= MAX_NAME:
        return text, ""
    say(ref, f"the {what} is {len(text):,} characters long; shortened to {MAX_NAME}, the full text kept in its "
        "description")
    return text[: MAX_NAME - 1].rstrip() + "…", text


def _set_feeling_scale(builder: Builder) -> None:
    numbers = []
    for lane in builder.grid.lanes:
        if lane.lane is Lane.feelings:
            for stage in builder.grid.stages:
                for c in stage.columns:
                    numbers += [f.raw for f in map(read_feeling, builder.cells_of(lane, c).items) if f.raw is not None]
    builder.scale = scale_of(numbers, builder.bottom, builder.top)
    rows = [lane.rows[0] + 1 for lane in builder.grid.lanes if lane.lane is Lane.feelings]
    if builder.scale is None:
        builder.say("", f"the feelings in row {rows[0]} run from {min(numbers):g} to {max(numbers):g}, which is no "
                    "scale journeymap knows (-2..+2, 1..5, 1..7, 1..10); they are kept as notes")
    elif (builder.scale.low, builder.scale.high) != (builder.bottom, builder.top):
        s = builder.scale
        each = ", ".join(f"{v} → {signed(s.emotion(v, builder.bottom, builder.top))}" for v in range(s.low, s.high + 1))
        builder.say("", f"feelings in row {rows[0]} read on a {s.name} scale: {each}")


def _feelings(builder: Builder, cell: Cell, notes: list[str]) -> list[int]:
    values = []
    for item in cell.items:
        feeling = read_feeling(item)
        if feeling.raw is not None and builder.scale is not None:
            value = builder.scale.emotion(feeling.raw, builder.bottom, builder.top)
            if feeling.raw != int(feeling.raw):
                builder.say(cell.ref, f"feeling '{short(item, 20)}' read as {signed(value)}")
            values.append(value)
        elif feeling.raw is not None:  # on no scale journeymap knows, which was said once for the row
            notes.append(f"Feeling: {item}")
        elif feeling.emotion is not None:
            if feeling.how:
                key = f"feeling '{short(item, 30)}' read as {signed(feeling.emotion)} ({feeling.how})"
                builder.feeling_words.setdefault(key, []).append(cell.ref)
            values.append(feeling.emotion)
        else:
            builder.say(cell.ref, f"feeling '{short(item, 30)}' is not a number, face or word journeymap reads; "
                        "kept in the stage's description")
            notes.append(f"Feeling: {item}")
    return values


def _spread(
    builder: Builder, lane: Lane, cell: Cell, touchpoints: list[dict[str, Any]], notes: list[str]
) -> None:
    """Attach one cell's items of a per-touchpoint lane to the touchpoints they belong to."""
    if not cell.items or not touchpoints:
        return
    if lane is Lane.feelings:
        _spread_feelings(builder, cell, touchpoints, notes)
    elif lane is Lane.channels:
        _spread_channels(builder, cell, touchpoints, notes)
    else:
        _spread_items(builder, lane, cell, touchpoints)


def _spread_feelings(builder: Builder, cell: Cell, touchpoints: list[dict[str, Any]], notes: list[str]) -> None:
    values = _feelings(builder, cell, notes)
    if not values:
        return
    if len(values) == len(touchpoints):
        for tp, value in zip(touchpoints, values, strict=True):
            tp["emotion"] = value
        return
    value = values[0] if len(values) == 1 else round(sum(values) / len(values))
    if len(values) > 1:
        builder.say(cell.ref, f"{len(values)} feelings for {_count(len(touchpoints), 'touchpoint')}; each "
                    f"touchpoint got their average, {signed(value)}")
    for tp in touchpoints:
        tp["emotion"] = value


def _spread_channels(builder: Builder, cell: Cell, touchpoints: list[dict[str, Any]], notes: list[str]) -> None:
    names = [_name(n, "channel name", cell.ref, builder.say)[0] for n in cell.items]
    if len(names) == 1:
        names = names * len(touchpoints)  # one channel for the whole column
    if len(names) != len(touchpoints):
        builder.say(cell.ref, f"{len(names)} channels for {_count(len(touchpoints), 'touchpoint')} do not line up; "
                    "kept in the stage's description: put one channel a touchpoint")
        notes.append("Channels: " + ", ".join(names))
        return
    for tp, name in zip(touchpoints, names, strict=True):
        tp["channel"] = _channel(builder, name)


_FIELDS = {Lane.actions: "actions", Lane.thoughts: "thoughts", Lane.backstage: "backstage", Lane.support: "support",
           Lane.pain_points: "pain_points"}


def _spread_items(builder: Builder, lane: Lane, cell: Cell, touchpoints: list[dict[str, Any]]) -> None:
    made: list[Any] = [_pain_point(builder, item) for item in cell.items] if lane is Lane.pain_points else cell.items
    values_for: list[list[Any]]
    if len(made) == len(touchpoints):
        values_for = [[v] for v in made]
    else:
        if len(touchpoints) > 1:
            first = short(touchpoints[0]["name"], 30)
            builder.say(cell.ref, f"{lane.value}: {_count(len(made), 'item')} for "
                        f"{_count(len(touchpoints), 'touchpoint')}; {'it goes' if len(made) == 1 else 'all go'} "
                        f"to the first, '{first}'")
        values_for = [made] + [[] for _ in touchpoints[1:]]
    for tp, values in zip(touchpoints, values_for, strict=True):
        if values:
            tp.setdefault(_FIELDS[lane], []).extend(values)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


_SEVERITY = re.compile(r"^(?P<text>.*?)\s*[(\[](?P<severity>[A-Za-z]+)[)\]]$")


def _pain_point(builder: Builder, item: str) -> dict[str, Any]:
    found = _SEVERITY.match(item)
    severity = found.group("severity").lower() if found else ""
    if found and severity in builder.severities and found.group("text"):
        item = found.group("text")
    else:
        severity = ""
    point: dict[str, Any] = {"id": builder.pain_ids.make(item), "description": item}
    if severity:
        point["severity"] = severity
    return point


def _channel(builder: Builder, name: str) -> str:
    if name not in builder.channel_ids:
        builder.channel_ids[name] = builder.channel_id_maker.make(name)
    return builder.channel_ids[name]


_KPI = re.compile(r"^(?P<name>.+?)\s*\((?P<inner>[^()]*\b(?:target|now|current)\b[^()]*)\)$", re.IGNORECASE)
_KPI_PART = re.compile(r"^\s*(target|now|current)\s*:?\s*(.+?)\s*$", re.IGNORECASE)


def kpi_of(item: str) -> dict[str, str]:
    """A KPI item: "Ad click-through (target: 2%, now: 1.4%)" or just a name."""
    found = _KPI.match(item)
    if not found:
        return {"name": item}
    kpi = {"name": found.group("name")}
    for part in found.group("inner").split(","):
        bit = _KPI_PART.match(part)
        if not bit:
            return {"name": item}
        kpi["target" if bit.group(1).lower() == "target" else "current"] = bit.group(2)
    return kpi


@dataclass
class Placed:
    """A cell of a per-touchpoint lane and the touchpoints under it (none: the stage's)."""

    lane: Lane
    cell: Cell
    targets: list[dict[str, Any]]


def _stage(builder: Builder, span: Span) -> dict[str, Any]:
    grid, say = builder.grid, builder.say
    ref = cell_name(span.row, span.columns[0])
    plain = unnumbered(" ".join(span.name.split()))  # a header on two lines is one name
    if plain != span.name:
        say(ref, f"stage '{short(span.name, 30)}' read as '{short(plain, 30)}': journeymap numbers stages itself")
    name, full = _name(plain, "stage name", ref, say)
    stage: dict[str, Any] = {"id": builder.stage_ids.make(name), "name": name}
    notes: list[str] = [full] if full else []
    by_column = {column: _touchpoints(builder, column) for column in span.columns}
    touchpoints = [tp for column in span.columns for tp in by_column[column]]
    placed = []
    for lane in grid.lanes:
        if lane.lane in PER_TOUCHPOINT and lane.lane is not builder.touchpoint_lane and lane.known:
            for column in span.columns:
                cell = builder.cells_of(lane, column)
                if cell.items:
                    under = grid.spanned(lane.rows, column, span.columns)
                    placed.append(Placed(lane.lane, cell, [tp for c in under for tp in by_column[c]]))
    orphans = [p for p in placed if not p.targets]
    if orphans and not touchpoints and any(p.lane is not Lane.opportunities for p in orphans):
        say(orphans[0].cell.ref, f"stage '{short(name, 30)}' has no touchpoints; its lanes go to one touchpoint "
            "named after the stage")
        touchpoints = [{"id": builder.touchpoint_ids.make(name), "name": name}]
    for p in orphans:  # a column with no touchpoints: its items go to the stage's
        p.targets = touchpoints
    ordered = [p for p in placed if p not in orphans] + orphans
    for p in ordered:
        if p.lane is not Lane.opportunities:
            _spread(builder, p.lane, p.cell, p.targets, notes)
    for p in ordered:
        if p.lane is Lane.opportunities:
            _address(builder, p)
    stage_level(builder, span, stage, notes)
    if touchpoints:
        stage["touchpoints"] = touchpoints
    return stage


def _touchpoints(builder: Builder, column: int) -> list[dict[str, Any]]:
    lanes = [lane for lane in builder.grid.lanes if lane.lane is builder.touchpoint_lane]
    out = []
    for lane in lanes:
        cell = builder.cells_of(lane, column)
        for item in cell.items:
            name, full = _name(item, "touchpoint name", cell.ref, builder.say)
            tp: dict[str, Any] = {"id": builder.touchpoint_ids.make(name), "name": name}
            if full:
                tp["description"] = full
            out.append(tp)
    return out


def _address(builder: Builder, placed: Placed) -> None:
    """Opportunities of one cell, addressing the pain points of the touchpoints under it: one each,
    in order, when the counts match, else all of them."""
    cell = placed.cell
    pains = [p["id"] for tp in placed.targets for p in tp.get("pain_points", [])]
    paired = len(cell.items) == len(pains)
    for i, item in enumerate(cell.items):
        opportunity: dict[str, Any] = {"id": builder.opportunity_ids.make(item), "description": item}
        addresses = [pains[i]] if paired else pains
        if addresses:
            opportunity["addresses"] = addresses
        builder.opportunities.append(opportunity)
    if pains:
        builder.addressing.append(cell.ref)


def stage_level(builder: Builder, span: Span, stage: dict[str, Any], notes: list[str]) -> None:
    """KPIs, the goal and notes of a stage, from every column under it."""
    goals, kpis = [], []
    for lane in builder.grid.lanes:
        if lane.lane not in PER_STAGE and lane.known:
            continue
        texts = [builder.grid.cell(r, c) for c in span.columns for r in lane.rows if builder.grid.cell(r, c)]
        if not texts:
            continue
        if not lane.known:
            notes.append(f"{lane.label}: " + "\n".join(texts))
        elif lane.lane is Lane.goal:
            goals += texts
        elif lane.lane is Lane.notes:
            notes += texts
        else:
            for c in span.columns:
                cell = builder.cells_of(lane, c)
                for item in cell.items:
                    kpi = kpi_of(item)
                    kpi["name"] = _name(kpi["name"], "KPI name", cell.ref, builder.say)[0]
                    kpis.append(kpi)
    if goals:
        stage["goal"] = "\n".join(goals)
    if notes:
        stage["description"] = "\n".join(notes)
    if kpis:
        stage["kpis"] = kpis


def _refs(refs: list[str]) -> str:
    return ", ".join(refs[:5]) + (" …" if len(refs) > 5 else "")


def import_grid(table: Table, source: str, fallback_title: str) -> tuple[dict[str, Any], list[str]]:
    """The map a sheet's grid holds, and the warnings about how it was read."""
    say = Say(source)
    grid = find_grid(table, say)
    bottom, top, severities = _schema_values()
    builder = Builder(grid, say, bottom, top, severities)
    present = {lane.lane for lane in grid.lanes if lane.known}
    if Lane.touchpoints in present:
        builder.touchpoint_lane = Lane.touchpoints
    elif Lane.actions in present:
        builder.touchpoint_lane = Lane.actions
        row = next(lane.rows[0] for lane in grid.lanes if lane.lane is Lane.actions)
        say("", f"no Touchpoints row: each item of row {row + 1} (actions) became a touchpoint")
    if Lane.feelings in present:
        _set_feeling_scale(builder)
    stages = [_stage(builder, span) for span in grid.stages]
    for reading, refs in builder.feeling_words.items():
        say(_refs(refs), reading)
    if builder.addressing:
        say(_refs(builder.addressing), "opportunities read as addressing the pain points in their column (one each, "
            "in order, when the counts match; else all of them)")
    title, full_title = _name(" ".join((grid.title or fallback_title).split()), "title", "", say)
    description = [full_title] if full_title else []
    description += grid.description
    data: dict[str, Any] = {"journeymap": 1, "id": slug(title) or "imported-journey", "title": title}
    if description:
        data["description"] = "\n".join(description)
    if builder.channel_ids:
        data["channels"] = [{"id": cid, "name": name} for name, cid in builder.channel_ids.items()]
    data["stages"] = stages
    if builder.opportunities:
        data["opportunities"] = builder.opportunities
    return data, table.notes + say.all()


# --- files ----------------------------------------------------------------------------------------


def _title_from(file: str) -> str:
    stem = Path(file).name.rsplit(".", 1)[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split()).capitalize() or "Imported journey"


def choose(tables: Iterable[Table], wanted: str | None, name: str) -> tuple[Table, list[str]]:
    """The sheet to read: the one named, or the one that looks most like a grid (most lane labels)."""
    tables = list(tables)
    names = [t.name for t in tables]
    if wanted is not None:
        for table in tables:
            if table.name == wanted:
                return table, []
        shown = ", ".join(f"'{short(n, 30)}'" for n in names)
        raise NotAGrid(f"{name}: no sheet named '{short(wanted, 40)}'; the workbook has {shown}")

    if not tables:
        raise NotAGrid(f"{name}: the workbook has no sheets")
    scores = [max(_lane_counts([[c.strip() for c in row] for row in t.rows]), default=0) for t in tables]
    best = tables[max(range(len(tables)), key=lambda i: (scores[i], -i))]
    notes = []
    if len(tables) > 1:
        others = ", ".join(f"'{short(n, 30)}'" for n in names if n != best.name)
        notes.append(f"{name}: note: read sheet '{short(best.name, 30)}' (it looks most like a journey grid); "
                     f"left out {others}: pick another with --sheet")
    return best, notes


def convert_sheet(
    file: str, kind: str, out: Path | None = None, *, sheet: str | None = None, force: bool = False,
    max_bytes: int | None = None,
) -> Conversion:
    """Read a CSV file or an .xlsx workbook (`kind`), or `-` for standard input, and convert its grid
    into a map, written atomically to `out`. Anything that is no grid raises NotAGrid (exit 2)."""

    limit = max_bytes or DEFAULT_MAX_BYTES
    name = "<stdin>" if file == "-" else one_line(file)
    raw = read_target(Target(file), limit)
    if len(raw) > limit:
        raise NotAGrid(f"{name}: larger than the {limit:,}-byte limit; a journey grid is far smaller "
                       "(raise it with --max-bytes)")
    if not raw.strip():
        raise NotAGrid(f"{name}: the file is empty")
    if kind == "xlsx":
        table, notes = choose(read_xlsx(raw, name), sheet, name)
        source = f"{name} [{table.name}]"
        fallback = table.name if not re.fullmatch(r"(?i)sheet\s*\d*", table.name) else _title_from(name)
    else:
        table, notes, source, fallback = read_csv(raw, name), [], name, _title_from(name)
    data, warnings = import_grid(table, source, fallback)
    return finish(data, notes + warnings, out, force, file)
