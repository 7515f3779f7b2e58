"""The journey-map grid that poster and web page share: one column per touchpoint, grouped
under its stage, and one lane (table row) per kind of content.

Lanes, top to bottom: touchpoints and actions, channel, thoughts, the emotion
curve, pain points, opportunities, KPIs (one cell per stage), and backstage and
support only when the map has them. Every cell is built here once, as HTML
with class names only (no inline styles, so the web page's Content-Security-
Policy holds), from parts (a name, an action, a thought, a card) with a rough
measure of their height that the poster uses to share the sheet's height among
the lanes and, for a cell too full for its lane, to show whole parts and whole
lines only. The poster leaves out lanes that hold nothing anywhere in the map.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from journeymap.model import Journey, Opportunity, Stage, Touchpoint
from journeymap.render.curve import LIGHT_CURVE, CurveColours, curve_padding, emotion_curve_svg
from journeymap.render.palette import (
    INK,
    KPI_FILL,
    KPI_TRACK,
    emotion_score,
    emotion_swatch,
    severity_swatch,
    status_swatch,
)
from journeymap.render.text import clean, direction_attrs, display_width, html_text, shortened
from journeymap.schema_values import CHANNEL_KINDS, SEVERITIES, STATUSES

# Average advance of a Latin character, word wrapping included, in em: used only to estimate line
# counts, so it errs on the safe side (Noto Sans, measured on the examples' text in WeasyPrint:
# 0.50 em in 20 em wide columns, 0.53 em in 12 em ones). Text is counted by display width: a CJK
# character takes two.
CHAR_EM = 0.56
_LINE_EM = 1.28


@dataclass(frozen=True)
class Column:
    """One grid column: a touchpoint, or the single empty column of a stage without any."""

    stage_index: int
    touchpoint: Touchpoint | None


@dataclass(frozen=True)
class Lane:
    key: str
    title: str
    hint: str
    budget_em: float  # a rough size of a full cell, in em


LANES = {
    lane.key: lane
    for lane in (
        Lane("touchpoints", "Touchpoints", "what they do", 9.0),
        Lane("channels", "Channel", "where", 2.6),
        Lane("thoughts", "Thinking", "in their words", 5.5),
        Lane("emotion", "Feeling", "", 0),
        Lane("pains", "Pain points", "by severity", 8.0),
        Lane("opportunities", "Opportunities", "owner · status", 9.0),
        Lane("kpis", "KPIs", "current vs target", 0),
        Lane("backstage", "Backstage", "what the organisation does", 5.5),
        Lane("support", "Support", "systems and partners", 5.5),
    )
}


# a touchpoint's name takes at most this many lines, so its actions always show under it
NAME_LINES = 3


@dataclass(frozen=True)
class Part:
    """One piece of a cell that the poster keeps or leaves out whole: a name, an action, a thought, a
    card. `render(clamp)` is its HTML, `clamp` a class that limits its text to whole lines ("" for
    none); `chars`, `size` (em) and `extra` (em of padding) estimate its height. Consecutive parts
    of one `group` (e.g. `<ul class="actions">`) share that wrapper. `optional` parts (a
    touchpoint's description) are the first left out when the cell is cut."""

    render: Callable[[str], str]
    chars: int
    size: float
    extra: float
    group: str = ""
    optional: bool = False
    max_lines: int | None = None

    def natural_lines(self, width_em: float) -> int:
        per_line = max(1, int(width_em / (CHAR_EM * self.size)))
        return max(1, -(-self.chars // per_line))  # ceil; CHAR_EM already allows for word wrapping

    def lines(self, width_em: float) -> int:
        lines = self.natural_lines(width_em)
        return min(lines, self.max_lines) if self.max_lines else lines

    def height_em(self, width_em: float) -> float:
        return self.lines(width_em) * _LINE_EM * self.size + self.extra


class Cell:
    """A cell's parts, its inner HTML and a rough measure of its height."""

    def __init__(self, html_or_parts: str | Sequence[Part] = "") -> None:
        if isinstance(html_or_parts, str):
            self.parts: list[Part] = []
            self.html = html_or_parts
        else:
            self.parts = list(html_or_parts)
            self.html = _joined([(part, "") for part in self.parts])

    def height_em(self, width_em: float) -> float:
        return sum(part.height_em(width_em) for part in self.parts)

    def capped(self, width_em: float) -> bool:
        """Whether a part (a touchpoint's name) is held to fewer lines than its text needs."""
        return any(p.lines(width_em) < p.natural_lines(width_em) for p in self.parts)

    def cut_to(self, room_em: float, width_em: float) -> str:
        """The cell's HTML holding only what fits `room_em`: whole parts, then the next part's text
        clamped to the whole lines left (never a sliced line); optional parts are left out."""
        kept: list[tuple[Part, str]] = []
        used = 0.0
        for part in self.parts:
            if part.optional:
                continue
            height = part.height_em(width_em)
            if used + height <= room_em:
                kept.append((part, ""))
                used += height
                continue
            lines = int((room_em - used - part.extra) / (_LINE_EM * part.size))
            if lines >= 1:
                kept.append((part, f" clamp-{min(lines, MAX_CLAMP)}"))
            break
        return _joined(kept)


# the most lines a clamped piece of text is held to (poster.css has a class for each count)
MAX_CLAMP = 40


def _joined(parts: Sequence[tuple[Part, str]]) -> str:
    """The parts' HTML, consecutive parts of a group inside one wrapper."""
    out: list[str] = []
    group = ""
    for part, clamp in parts:
        if part.group != group:
            if group:
                out.append(_closing(group))
            if part.group:
                out.append(part.group)
            group = part.group
        out.append(part.render(clamp))
    if group:
        out.append(_closing(group))
    return "".join(out)


def _closing(opening: str) -> str:
    return "</" + opening[1:].split(" ")[0].rstrip(">") + ">"


_FOR_WHOM = Lane("channels", "For whom", "when not everyone", 2.6)


def columns_of(journey: Journey) -> list[Column]:
    columns = []
    for index, stage in enumerate(journey.stages):
        if stage.touchpoints:
            columns += [Column(index, t) for t in stage.touchpoints]
        else:
            columns.append(Column(index, None))
    return columns


def lanes_of(journey: Journey) -> list[Lane]:
    keys = ["touchpoints", "channels", "thoughts", "emotion", "pains", "opportunities", "kpis"]
    touchpoints = list(journey.touchpoints())
    if any(t.backstage for t in touchpoints):
        keys.append("backstage")
    if any(t.support for t in touchpoints):
        keys.append("support")
    return [LANES[k] for k in keys]


def _holds_something(grid: Grid, lane: Lane) -> bool:
    """Whether any cell of the lane, anywhere in the map, has something in it."""
    if lane.key in ("touchpoints", "emotion"):
        return True  # the journey itself: a draft's columns and its (unrecorded) feeling
    if lane.key == "kpis":
        return any(stage.kpis for stage in grid.journey.stages)
    return any(grid.cell(lane.key, c.touchpoint).parts for c in grid.columns if c.touchpoint is not None)


def stage_runs(columns: Sequence[Column]) -> list[tuple[int, int]]:
    """(stage index, number of columns) for each run of columns of one stage, in order."""
    runs: list[tuple[int, int]] = []
    for column in columns:
        if runs and runs[-1][0] == column.stage_index:
            runs[-1] = (column.stage_index, runs[-1][1] + 1)
        else:
            runs.append((column.stage_index, 1))
    return runs


# measure's verdict on a KPI (met, off-target) in the words the lane's own verdict uses
_MEASURED_VERDICT = {"met": "on", "off-target": "off"}


class Grid:
    """Builds the cells of one map; `table()` writes the grid for a run of columns."""

    def __init__(
        self, journey: Journey, details: Callable[[Grid, Touchpoint], str] | None = None,
        measured: Mapping[str, float] | None = None,
        funnel: Mapping[str, float] | None = None,
        leave_out_empty: bool = False,
        kpis: Mapping[tuple[str, str], tuple[str, str]] | None = None,
        curve: CurveColours = LIGHT_CURVE,
    ) -> None:
        """`details` adds more HTML under each touchpoint's name (the web page's click-to-open details);
        `measured` is the emotion customers report, by touchpoint id, drawn beside the assumed curve;
        `funnel` the measured share of entrants who reached each stage in order, by stage id;
        `kpis` the measured KPIs, (stage id, KPI name) -> (value as written, status), shown in the
        KPI lane and judged instead of the map's own `current:`;
        `curve` the emotion curve's colours in the page's theme (render.theme.curve_colours).
        `leave_out_empty` drops the lanes that hold nothing anywhere in the map (the poster: a
        first draft then looks finished, not like an empty template); `empty_lanes` names them."""
        self.journey = journey
        self.curve = curve
        self.details = details
        self.measured = dict(measured or {})
        self.funnel = dict(funnel or {})
        self.kpis = dict(kpis or {})
        self.columns = columns_of(journey)
        self.first_column: dict[int, int] = {}
        self._estimates: dict[tuple[int, int], dict[str, list[Cell]]] = {}
        for position, column in enumerate(self.columns):
            self.first_column.setdefault(column.stage_index, position)
        self.channels = {c.id: c for c in journey.channels}
        touchpoints = list(journey.touchpoints())
        self.has_channels = bool(journey.channels) or any(t.channel for t in touchpoints)
        self.pains = {p.id: p for p in journey.pain_points()}
        self.opportunities_at: dict[str, list[Opportunity]] = defaultdict(list)
        self.unlinked: list[Opportunity] = []
        for opportunity in journey.opportunities:
            anchor = next((self.pains[a] for a in opportunity.addresses if a in self.pains), None)
            if anchor is None:
                self.unlinked.append(opportunity)
            else:
                self.opportunities_at[anchor.touchpoint_id].append(opportunity)
        self.lanes = lanes_of(journey)
        if not self.has_channels:  # the lane then only says whom a touchpoint is for
            self.lanes = [_FOR_WHOM if lane.key == "channels" else lane for lane in self.lanes]
        self.empty_lanes: list[Lane] = []
        if leave_out_empty:
            self.empty_lanes = [lane for lane in self.lanes if not _holds_something(self, lane)]
            self.lanes = [lane for lane in self.lanes if lane not in self.empty_lanes]
        self.lanes_by_key = {lane.key: lane for lane in self.lanes}

    # -- cells ---------------------------------------------------------------------------------------

    def cell(self, lane: str, touchpoint: Touchpoint | None) -> Cell:
        if touchpoint is None:
            if lane == "touchpoints":
                return Cell([_part('<p class="empty{}">No touchpoints yet</p>', 18, 0.9, 0.3)])
            return Cell()
        if lane == "touchpoints":
            return self.touchpoint_cell(touchpoint)
        if lane == "channels":
            return self.channel_cell(touchpoint)
        if lane == "thoughts":
            return self.thoughts_cell(touchpoint)
        if lane == "pains":
            return self.pains_cell(touchpoint)
        if lane == "opportunities":
            return self.opportunities_cell(touchpoint)
        if lane == "backstage":
            return _list_cell(touchpoint.backstage)
        if lane == "support":
            return _list_cell(touchpoint.support)
        raise ValueError(f"no lane {lane}")

    def touchpoint_cell(self, t: Touchpoint) -> Cell:
        swatch = emotion_swatch(t.emotion)
        head = (
            f'<div class="tp"><span class="score {emotion_class(t.emotion)}" title="{html_text(swatch.word)}">'
            f"{emotion_score(t.emotion)}</span><h3{direction_attrs(t.name)}>{html_text(t.name)}</h3></div>"
        )
        # the name is held to NAME_LINES lines on paper (poster.css), so the estimate holds it there too
        parts = [Part(_fixed(head), display_width(clean(t.name)) + 4, 1.08, 0.4, max_lines=NAME_LINES)]
        if t.description:
            desc = f'<p class="desc{{}}"{direction_attrs(t.description)}>{_braced(html_text(t.description))}</p>'
            parts.append(_part(desc, display_width(clean(t.description)), 0.9, 0.2, optional=True))
        parts += [
            _part(f'<li class="action{{}}"{direction_attrs(a)}>{_braced(html_text(a))}</li>',
                  display_width(clean(a)) + 3, 0.92, 0.1, group='<ul class="actions">')
            for a in t.actions
        ]
        cell = Cell(parts)
        if self.details is not None:
            cell.html += self.details(self, t)
        return cell

    def channel_cell(self, t: Touchpoint) -> Cell:
        parts = []
        channel = self.channels.get(t.channel or "")
        if channel is not None:
            kind = channel.kind if channel.kind in CHANNEL_KINDS else "other"
            parts.append(_part(f'<span class="chip k-{kind}{{}}">{_braced(html_text(channel.name))}</span>',
                               display_width(clean(channel.name)) + 3, 0.9, 0.4))
        elif t.channel:
            parts.append(_part(f'<span class="chip k-other{{}}">{_braced(html_text(t.channel))}</span>',
                               len(t.channel) + 3, 0.9, 0.4))
        elif self.has_channels:
            # a gap worth filling only on a map that records channels at all
            parts.append(_part('<span class="chip k-none{}">no channel</span>', 12, 0.9, 0.4))
        personas = self.journey.persona_names(t.personas)
        if personas:
            parts.append(_part(f'<span class="for{{}}">for {_braced(html_text(personas))}</span>',
                               len(personas) + 4, 0.85, 0.2))
        return Cell(parts)

    def thoughts_cell(self, t: Touchpoint) -> Cell:
        return Cell([
            _part(f'<p class="thought{{}}"{_braced(direction_attrs(x))}>{_braced(html_text(x))}</p>',
                  display_width(clean(x)) + 2, 0.95, 0.7)
            for x in t.thoughts
        ])

    def pains_cell(self, t: Touchpoint) -> Cell:
        parts = []
        for pain in t.pain_points:
            swatch = severity_swatch(pain.severity)
            parts.append(_part(
                f'<div class="pain sev-{severity_class(pain.severity)}">'
                f'<span class="sev">{_braced(html_text(swatch.word))}</span>'
                f'<p class="{{}}"{_braced(direction_attrs(pain.description))}>'
                f"{_braced(html_text(pain.description))}</p></div>",
                display_width(clean(pain.description)), 0.95, 1.9,
            ))
        return Cell(parts)

    def opportunities_cell(self, t: Touchpoint) -> Cell:
        return Cell([self.opportunity_part(o, home=t.id) for o in self.opportunities_at.get(t.id, [])])

    def opportunity_card(self, o: Opportunity, home: str | None = None) -> str:
        return self.opportunity_part(o, home).render("")

    def opportunity_part(self, o: Opportunity, home: str | None = None) -> Part:
        swatch = status_swatch(o.status)
        owner = html_text(o.owner) if o.owner else '<span class="missing">no owner yet</span>'
        also = [self.pains[a] for a in o.addresses if a in self.pains and self.pains[a].touchpoint_id != home]
        extra = ""
        # the owner line and "also addresses" are never clamped: they count as the card's padding
        extra_em = 2.2 + 0.8 * _LINE_EM
        if home is not None and also:
            named = "; ".join(_quoted(shortened(p.description, 60)) for p in also)
            extra = f'<p class="also">Also addresses {html_text(named)}</p>'
            extra_em += 0.8 * _LINE_EM * 2 + 0.2
        html = (
            f'<div class="opp st-{status_class(o.status)}"><p class="{{}}"{direction_attrs(o.description)}>'
            f"{_braced(html_text(o.description))}</p>"
            f"{_braced(extra)}"
            # the status comes first so that, floated right, it shares the owner's line when there is room
            f'<div class="meta"><span class="status">{_braced(html_text(swatch.word))}</span>'
            f'<span class="owner">{_braced(owner)}</span></div></div>'
        )
        return _part(html, display_width(clean(o.description)), 0.95, extra_em)

    def kpi_cell(self, stage: Stage) -> Cell:
        parts = []
        for kpi in stage.kpis:
            values = []
            measured = self.kpis.get((stage.id, kpi.name))
            # a measured value is what the reader judges the target by; the map's `current:` (an
            # assumption, or an older reading) stays beside it
            current = measured[0] if measured else kpi.current
            if measured:
                values.append(f"<b>{html_text(measured[0])}</b> measured")
            if kpi.current:
                values.append(f"{html_text(kpi.current)} in the map" if measured
                              else f"<b>{html_text(kpi.current)}</b> now")
            if kpi.target:
                values.append(f"target {html_text(kpi.target)}{' or lower' if kpi.lower_is_better else ''}")
            verdict = _MEASURED_VERDICT.get(measured[1], "") if measured else \
                kpi_verdict(kpi.current, kpi.target, kpi.lower_is_better)
            if verdict:
                values.append(f'<span class="verdict {verdict}-target">{verdict} target</span>')
            bar = kpi_bar(current, kpi.target, kpi.lower_is_better)
            html = (
                f'<div class="kpi"><span class="kpi-name"{direction_attrs(kpi.name)}>{html_text(kpi.name)}</span>'
                f'<span class="kpi-values">{" · ".join(values)}</span>{bar}</div>'
            )
            shown = (measured[0] if measured else "") + kpi.current + kpi.target
            values_em = (display_width(clean(shown)) + 14) * 0.85 * CHAR_EM
            parts.append(Part(_fixed(html), display_width(clean(kpi.name)), 0.9,
                              0.2 + 0.9 + _LINE_EM * 0.85 * max(1.0, values_em / 12)))
        return Cell(parts)

    # -- the table ---------------------------------------------------------------------------------

    def table(
        self,
        first: int,
        stop: int,
        *,
        curve_width: float,
        curve_height: float,
        scale: float = 1.0,
        cut: Mapping[tuple[str, int], tuple[str, str]] | None = None,
        anchors: bool = False,
        fluid_curve: bool = False,
    ) -> str:
        """The grid for columns `first` to `stop` (a whole map, or the stages one poster page holds).

        `curve_width` is the combined width of those columns in CSS pixels;
        `cut` maps (lane key, column number) of a cell too full for its lane to a class ("cut": marked
        "… more"; "capped": only its name held to fewer lines) and the HTML shown in its place.
        `anchors` gives each stage header an id (`stage-1`, ...) that links and keyboard focus can
        reach (the web page's overview); generated, never map text. `fluid_curve` draws the
        curve as wide as its cell (the web page, whose grid widens to the window).
        """
        cut = cut or {}
        columns = self.columns[first:stop]
        if not columns:
            return '<p class="empty">This map has no stages yet: add stages and touchpoints to see the journey.</p>'
        runs = stage_runs(columns)
        zebra = {stage: "stage-a" if stage % 2 == 0 else "stage-b" for stage, _ in runs}
        starts = _run_starts(runs)
        out = [f'<table class="grid cols-{len(columns)}">', '<colgroup><col class="lane-col">']
        out += ['<col class="c">'] * len(columns)
        out.append('</colgroup><thead><tr class="stages"><th class="corner" scope="col">'
                   '<span class="sr-only">Lane</span></th>')
        for (stage_index, count), start in zip(runs, sorted(starts), strict=True):
            stage = self.journey.stages[stage_index]
            continued = first + start > self.first_column[stage_index]
            anchor = f' id="stage-{stage_index + 1}" tabindex="-1"' if anchors and not continued else ""
            out.append(
                f'<th scope="colgroup" colspan="{count}" class="stage {zebra[stage_index]}"{anchor}>'
                f"{self.stage_header(stage_index, stage, continued)}</th>"
            )
        out.append("</tr></thead><tbody>")
        for lane in self.lanes:
            out.append(f'<tr class="lane lane-{lane.key}">{self.lane_label(lane, curve_height, scale)}')
            if lane.key == "emotion":
                out.append(self.curve_cell(columns, curve_width, curve_height, scale, starts, fluid_curve))
            elif lane.key == "kpis":
                for stage_index, count in runs:
                    cell = self.kpi_cell(self.journey.stages[stage_index])
                    out.append(f'<td colspan="{count}" class="cell {zebra[stage_index]} first">{cell.html}</td>')
            else:
                for position, column in enumerate(columns):
                    cell = self.cell(lane.key, column.touchpoint)
                    classes = ["cell", zebra[column.stage_index]]
                    if position in starts:
                        classes.append("first")
                    if lane.key == "touchpoints" and column.touchpoint is not None:
                        classes.append(emotion_class(column.touchpoint.emotion))
                    inner = cell.html
                    if (lane.key, first + position) in cut:
                        mark, inner = cut[(lane.key, first + position)]
                        classes.append(mark)
                        # the cut cell shows what its lane holds, in whole lines; a second, invisible
                        # copy keeps the whole text in a PDF's text layer (searchable, copyable). The
                        # copy comes first: after the shown text, WeasyPrint would not draw it at all.
                        # (the wrapper places the copy; other cells go without: every element costs
                        # WeasyPrint a style for itself and its pseudo-elements)
                        inner = f'<div class="fit"><div class="full">{_text_only(cell.html)}</div>{inner}</div>'
                    out.append(f'<td class="{" ".join(classes)}">{inner}</td>')
            out.append("</tr>")
        out.append("</tbody></table>")
        return "".join(out)

    def overview(self) -> str:
        """The whole map at a glance, for the web page: one row of stages (links to their place in
        the grid, reachable with the keyboard) over one row of cells coloured and scored by each
        touchpoint's feeling, every stage as wide as its touchpoints are many."""
        runs = stage_runs(self.columns)
        stages = "".join(
            f'<th scope="col" colspan="{count}"><a href="#stage-{index + 1}">'
            f'<span class="ov-num">{index + 1}</span> {_marked(self.journey.stages[index].name)}</a></th>'
            for index, count in runs
        )
        cells = []
        for column in self.columns:
            t = column.touchpoint
            if t is None:
                cells.append('<td class="ov-empty"><span class="sr-only">no touchpoints</span></td>')
            else:
                cells.append(
                    f'<td class="{emotion_class(t.emotion)}">{emotion_score(t.emotion)}'
                    f'<span class="sr-only"> {_marked(t.name)}</span></td>'
                )
        return (
            '<nav class="overview" aria-label="The journey at a glance: go to a stage">'
            f'<table><tbody><tr>{stages}</tr><tr class="ov-feel">{"".join(cells)}</tr></tbody></table></nav>'
        )

    def stage_header(self, stage_index: int, stage: Stage, continued: bool) -> str:
        phase = f'<span class="phase">{html_text(stage.phase)}</span>' if stage.phase else ""
        more = '<span class="cont">continued</span>' if continued else ""
        goal = f'<p class="goal"{direction_attrs(stage.goal)}>{html_text(stage.goal)}</p>' if stage.goal else ""
        share = self.funnel.get(stage.id)
        reached = f'<p class="goal funnel">Measured funnel: {share * 100:.1f}% reach here</p>' if share is not None \
            else ""
        return (
            f'<div class="stage-top"><span class="num">{stage_index + 1}</span>{phase}{more}</div>'
            f"<h2{direction_attrs(stage.name)}>{html_text(stage.name)}</h2>{goal}{reached}"
        )

    def lane_label(self, lane: Lane, curve_height: float, scale: float) -> str:
        if lane.key == "emotion":
            return (
                f'<th scope="row" class="lane-label"><span class="lane-title floating">{lane.title}</span>'
                f"{_scale_svg(curve_height, scale, self.curve.marks)}</th>"
            )
        hint = f'<span class="lane-hint">{lane.hint}</span>' if lane.hint else ""
        return f'<th scope="row" class="lane-label"><span class="lane-title">{lane.title}</span>{hint}</th>'

    def curve_cell(
        self, columns: Sequence[Column], width: float, height: float, scale: float, starts: set[int],
        fluid: bool = False,
    ) -> str:
        emotions = [c.touchpoint.emotion if c.touchpoint else None for c in columns]
        names = [c.touchpoint.name if c.touchpoint else "" for c in columns]
        svg = emotion_curve_svg(
            emotions,
            width / max(1, len(columns)),
            height,
            names=names,
            stage_starts=sorted(starts),
            empty={i for i, c in enumerate(columns) if c.touchpoint is None},
            scale=scale,
            measured=[self.measured.get(c.touchpoint.id) if c.touchpoint else None for c in columns],
            colours=self.curve,
            fluid=fluid,
        )
        return f'<td colspan="{len(columns)}" class="curve-cell">{svg}</td>'

    def estimates(self, first: int, stop: int) -> dict[str, list[Cell]]:
        """The cells of every per-column lane for columns `first` to `stop`, for measuring."""
        key = (first, stop)
        if key not in self._estimates:
            self._estimates[key] = {
                lane.key: [self.cell(lane.key, c.touchpoint) for c in self.columns[first:stop]]
                for lane in self.lanes
                if lane.key not in ("emotion", "kpis")
            }
        return self._estimates[key]


def _run_starts(runs: Iterable[tuple[int, int]]) -> set[int]:
    starts, position = set(), 0
    for _, count in runs:
        starts.add(position)
        position += count
    return starts


def _list_cell(items: Sequence[str]) -> Cell:
    return Cell([
        _part(f'<li class="{{}}"{direction_attrs(i)}>{_braced(html_text(i))}</li>', display_width(clean(i)) + 2,
              0.9, 0.15, group='<ul class="plain">')
        for i in items
    ])


def _part(template: str, chars: int, size: float, extra: float, **options: Any) -> Part:
    """A part from an HTML template whose one `{}` takes the clamp class (map text in it is braced)."""
    return Part(lambda clamp: template.format(clamp), chars, size, extra, **options)


def _text_only(html: str) -> str:
    """The text of a cell's HTML (still escaped), its pieces apart by spaces: the invisible copy a PDF's
    text layer keeps of a cut cell."""
    return " ".join(piece for piece in re.split(r"<[^>]*>", html) if piece.strip())


def _fixed(html: str) -> Callable[[str], str]:
    """A part's HTML that is never clamped (a name held by CSS, a KPI)."""
    return lambda _clamp: html


def _braced(html: str) -> str:
    """HTML to put inside a template: its braces doubled, so `format` leaves them alone."""
    return html.replace("{", "{{").replace("}", "}}")


def _marked(text: str) -> str:
    """Text that may be right-to-left inside other text (a number before it): its own span,
    marked right-to-left when it is; plain text otherwise."""
    attrs = direction_attrs(text)
    return f"<span{attrs}>{html_text(text)}</span>" if attrs else html_text(text)


def _quoted(text: str) -> str:
    return f"“{text}”"


def emotion_class(emotion: int | None) -> str:
    if emotion is None:
        return "e-none"
    return f"e-m{-emotion}" if emotion < 0 else f"e-p{emotion}"


def severity_class(severity: str) -> str:
    return severity if severity in SEVERITIES else "medium"


def status_class(status: str) -> str:
    return status if status in STATUSES else "idea"


def kpi_verdict(current: str, target: str, lower_is_better: bool = False) -> str:
    """"on" or "off" target when current and target are numbers in the same unit, judged the way
    the KPI improves (`better: lower` for abandonment or waiting time); "" when they cannot be
    compared."""
    now, goal = _number(current), _number(target)
    if now is None or goal is None or now[1] != goal[1]:
        return ""
    met = now[0] <= goal[0] if lower_is_better else now[0] >= goal[0]
    return "on" if met else "off"


def kpi_bar(current: str, target: str, lower_is_better: bool = False) -> str:
    """A small bar: current as the fill, target as a tick, when both are numbers in the same unit.

    The fill is the palette's on-target blue or off-target orange (never red against green), judged
    the way the KPI improves; the cell also says "on target" or "off target" in words.
    """
    now, goal = _number(current), _number(target)
    if now is None or goal is None or now[1] != goal[1] or max(now[0], goal[0]) <= 0 or min(now[0], goal[0]) < 0:
        return ""
    top = max(now[0], goal[0]) * 1.1
    fill, tick = now[0] / top * 100, goal[0] / top * 100
    verdict = kpi_verdict(current, target, lower_is_better)
    return (
        f'<svg class="kpi-bar {verdict}-target" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect x="0" y="1" width="100" height="4" rx="2" fill="{KPI_TRACK}"/>'
        f'<rect x="0" y="1" width="{fill:.1f}" height="4" rx="2" fill="{KPI_FILL[verdict]}"/>'
        f'<rect x="{max(0.0, tick - 0.6):.1f}" y="0" width="1.2" height="6" fill="{INK}"/></svg>'
    )


def _number(text: str) -> tuple[float, str] | None:
    match = re.fullmatch(r"\s*([-+]?\d+(?:[.,]\d+)?)\s*([%a-zA-Z€$£]*)\s*", text or "")
    if not match:
        return None
    return float(match.group(1).replace(",", ".")), match.group(2)


def _scale_svg(height: float, scale: float, ink: str) -> str:
    """Score marks beside the curve, on the curve's own vertical scale (the lane title sits above +2)."""
    pad = curve_padding(scale)
    font = 8 * scale
    marks = []
    for emotion in (2, 1, 0, -1, -2):
        y = pad + (2 - emotion) / 4 * (height - 2 * pad)
        marks.append(
            f'<text x="98%" y="{y + font / 3:.1f}" text-anchor="end" font-size="{font:.1f}" '
            f'fill="{ink}">{emotion_score(emotion)}</text>'
        )
    faces = (
        f'<text x="70%" y="{pad + font / 2:.1f}" text-anchor="end" font-size="{font * 1.5:.1f}" fill="#2c7bb6">☺</text>'
        f'<text x="70%" y="{height - pad + font / 2:.1f}" text-anchor="end" font-size="{font * 1.5:.1f}" '
        'fill="#d7191c">☹</text>'
    )
    return (
        f'<svg class="scale" width="100%" height="{height:.1f}" aria-hidden="true">{faces}{"".join(marks)}</svg>'
    )
