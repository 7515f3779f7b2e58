"""The poster: the journey-map grid as a print-ready PDF, through WeasyPrint.

A header band (title, description, owner, review date, persona cards, the map
at a glance and the emotion legend), then one column per touchpoint under its
stage (number, phase, name, goal) and one lane per kind of content (see grid).
Landscape by default; fonts are embedded by WeasyPrint.

Type: a few fixed sizes, one a role (title, stage, touchpoint, body, meta), set by the sheet alone
(`SHEET_TYPE`; A3: 24, 11.5, 9.5, 8.5 and 7 pt; A0's body twice A3's): a long map takes more pages,
never smaller type. Nothing is ever smaller than 7 pt. Every cell of a lane uses the same sizes.

Pages: a page holds as many columns as stay `MIN_COLUMN_PX` (at the sheet's scale) wide. Page counts
are tried from the fewest upwards, each split at stage boundaries as evenly as the stages allow (a
stage wider than a page is split too, marked "continued"), the first page, under the full header,
given fewer columns; the first count that cuts no cell wins. Every page repeats the lane labels,
the stage headers and a compact title. The first page carries the full header. Lanes that hold
nothing anywhere in the map are left out (`poster_grid`), and the legend names them.

Pages fill the sheet: each page's columns widen to its width, and its lanes share the height left
under the header: lanes grow (up to twice what they hold, the curve up to three times its height)
when there is room; when there is not, the tallest lanes are held to a common height and the cells
that do not fit show whole pieces and whole lines only (`grid.Cell.cut_to`, CSS line-clamp), then
a visible "… more": never a sliced line, never shrunk type. A touchpoint name takes at most
`NAME_LINES` lines, so its actions always show. A cut cell (or a held name) carries an invisible
copy of its whole text, so the PDF's text layer still holds all of it. Heights come from a model of
the text (characters per line), not a measurement: if WeasyPrint still needs more pages than
planned, the lanes get less room and the poster is laid out again.

Safety: all map text is escaped; WeasyPrint fetches through `fetch.FolderFetcher`,
which allows only files inside the map's folder (persona photos) and `data:`
URLs, and records anything it refused; any refusal fails the job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from journeymap.model import Journey
from journeymap.render import PAGE_SIZES_MM, RenderError
from journeymap.render.curve import LIGHT_CURVE, CurveColours
from journeymap.render.grid import CHAR_EM, LANES, MAX_CLAMP, NAME_LINES, Grid, stage_runs
from journeymap.render.header import LONG_WORD, header_band, unlinked_band
from journeymap.render.photos import persona_photo
from journeymap.render.text import html_text, wrapped
from journeymap.render.theme import DEFAULT, LOGO_CSS, Theme, curve_colours, logo_html, poster_theme_css, theme_css

PX_PER_MM = 96 / 25.4
PX_PER_PT = 96 / 72
A3_WIDTH_PX = 420 * PX_PER_MM
# design sizes in CSS px for a body size of ROOT_PX; they follow the sheet's body size
ROOT_PX = 11.0
LABEL_PX = 124.0
MIN_COLUMN_PX = 108.0
CURVE_PX = 80.0  # grows (up to three times) when the sheet has room
_RETRIES = 3


@dataclass(frozen=True)
class TypeScale:
    """The poster's few type sizes, in points, one a role; chosen by the sheet, never by the map.
    `meta` (badges, hints, owners, the footer) is the smallest text on the sheet."""

    title: float
    stage: float
    touchpoint: float
    body: float
    meta: float


# The type scale of each sheet: it grows with the sheet, so a poster is read from as far away as its
# size suggests: at arm's length (A4, letter), from a step back (A3, tabloid), across a room (A0,
# its body twice A3's). Never chosen by the map: a long map takes more pages, never smaller type.
# The smallest text anywhere is 7 pt.
SHEET_TYPE: dict[str, TypeScale] = {
    "A4": TypeScale(title=20, stage=10, touchpoint=8.5, body=7.5, meta=7),
    "letter": TypeScale(title=20, stage=10, touchpoint=8.5, body=7.5, meta=7),
    "A3": TypeScale(title=24, stage=11.5, touchpoint=9.5, body=8.5, meta=7),
    "tabloid": TypeScale(title=24, stage=11.5, touchpoint=9.5, body=8.5, meta=7),
    "A2": TypeScale(title=30, stage=14, touchpoint=12, body=10.5, meta=8.5),
    "A1": TypeScale(title=38, stage=17.5, touchpoint=15, body=13.5, meta=11),
    "A0": TypeScale(title=48, stage=22, touchpoint=19, body=17, meta=14),
}
MIN_TYPE_PT = 7.0
MAX_COLUMN_PX = 2.5 * MIN_COLUMN_PX  # wider columns than this save too few lines to be worth a page
_MORE_PAGES = 6  # the most pages beyond the fewest that the layout tries, to cut no cell
_PLANNED_COLUMNS = 300  # longer maps are paged greedily (the even split is quadratic)
PERSONA_SHARE = 0.46  # of the sheet's width, the header's persona cards (grid.css: titles 31 %, side 21 %)


@dataclass
class Plan:
    """How a map is laid out on paper; sizes in CSS px."""

    page_width_mm: float
    page_height_mm: float
    margin_mm: float
    scale: float  # body size relative to ROOT_PX: paddings, the label column and the curve follow it
    pages: list[tuple[int, int]]  # column ranges [first, stop)
    type: TypeScale = SHEET_TYPE["A3"]
    columns_px: list[float] = field(default_factory=list)  # column width on each page
    # cells too full for their lane: ("cut", what is shown) or ("capped", the cell whose name is held)
    cut: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    personas: int = 4  # persona cards shown in the header
    lane_px: list[dict[str, float]] = field(default_factory=list)  # each page's height of each lane
    curve_boosts: list[float] = field(default_factory=list)  # each page's curve, taller than CURVE_PX

    @property
    def label_px(self) -> float:
        return LABEL_PX * self.scale

    def curve_px(self, page_index: int = 0) -> float:
        boost = self.curve_boosts[page_index] if page_index < len(self.curve_boosts) else 1.0
        return CURVE_PX * self.scale * boost

    @property
    def root_px(self) -> float:
        return ROOT_PX * self.scale

    @property
    def column_px(self) -> float:
        """The narrowest page's column width (the one text is measured against)."""
        return min(self.columns_px, default=MIN_COLUMN_PX * self.scale)

    @property
    def usable_width_px(self) -> float:
        return (self.page_width_mm - 2 * self.margin_mm) * PX_PER_MM

    @property
    def usable_height_px(self) -> float:
        return (self.page_height_mm - self.margin_mm * 2.6) * PX_PER_MM


def page_size_mm(page: str, landscape: bool) -> tuple[float, float]:
    key = next((k for k in PAGE_SIZES_MM if k.lower() == page.lower()), None)
    if key is None:
        raise RenderError(f"unknown page size '{page}'; choose one of: {', '.join(PAGE_SIZES_MM)}")
    width, height = PAGE_SIZES_MM[key]
    return (height, width) if landscape else (width, height)


def poster_pdf(
    journey: Journey, folder: Path | None, *, page: str = "A3", landscape: bool = True, theme: Theme | None = None,
    measured: Mapping[str, float] | None = None,
    funnel: Mapping[str, float] | None = None,
    kpis: Mapping[tuple[str, str], tuple[str, str]] | None = None,
) -> bytes:
    """The poster as PDF bytes. RenderError (exit 1) when a persona photo is refused. `measured`:
    the emotion customers report by touchpoint id, drawn beside the assumed curve; `kpis` the
    measured KPIs (see Grid)."""
    from journeymap.render.fetch import FolderFetcher  # noqa: PLC0415
    from journeymap.render.weasy import patient_collector  # noqa: PLC0415

    grid = poster_grid(journey, measured=measured, funnel=funnel, kpis=kpis, curve=curve_colours(theme or DEFAULT))
    photos = _photo_urls(journey, folder)
    plan = plan_poster(grid, page, landscape)
    base = folder.resolve().as_uri() + "/" if folder is not None else None
    fetcher = FolderFetcher(folder)
    with patient_collector():  # WeasyPrint's boxes live until the PDF is written: nothing to collect
        return _printed(grid, plan, photos, theme, base, fetcher)


def _printed(grid: Grid, plan: Plan, photos: dict[str, str], theme: Theme | None, base: str | None,
             fetcher: Any) -> bytes:
    """The PDF of the planned poster, laid out again with less room for the lanes if WeasyPrint
    needs more pages than planned."""
    for attempt in range(_RETRIES + 1):
        document = _layout(poster_html(grid, plan, photos, theme), base, fetcher)
        _refuse_blocked(fetcher)
        if len(document.pages) <= len(plan.pages) or attempt == _RETRIES:
            break
        # the estimate fell short: give the lanes less room (cutting more cells), never smaller type
        _fill(grid, plan, share=0.9 ** (attempt + 1))
    # a tagged PDF (PDF/UA-1): structure tree, the document's language and title, so screen
    # readers and reflowing viewers can read the poster (writing it takes 0.07 s more of a 40-touchpoint
    # poster's 1.5 s)
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    _refuse_blocked(fetcher)  # images inside SVG are fetched while drawing, and their errors swallowed
    return pdf


def poster_grid(
    journey: Journey, measured: Mapping[str, float] | None = None, funnel: Mapping[str, float] | None = None,
    curve: CurveColours = LIGHT_CURVE, kpis: Mapping[tuple[str, str], tuple[str, str]] | None = None,
) -> Grid:
    """The grid a poster prints: without the lanes that hold nothing anywhere in the map."""
    return Grid(journey, measured=measured, funnel=funnel, kpis=kpis, leave_out_empty=True, curve=curve)


def _refuse_blocked(fetcher: Any) -> None:
    if fetcher.blocked:
        shown = ", ".join(u[:80] for u in fetcher.blocked[:3])
        raise RenderError(
            f"the poster tried to read {shown}, which is not a file inside the map's folder; nothing was fetched",
            exit_code=1,
        )


def _layout(html: str, base: str | None, fetcher: Any) -> Any:
    from journeymap.render.weasy import HTML  # noqa: PLC0415

    return HTML(string=html, base_url=base, url_fetcher=fetcher).render()


def _photo_urls(journey: Journey, folder: Path | None) -> dict[str, str]:
    urls = {}
    for persona in journey.personas:
        photo = persona_photo(persona, folder)
        if photo is not None:
            urls[persona.id] = photo.path.as_uri()
    return urls


# -- planning -------------------------------------------------------------------------------------


def plan_poster(grid: Grid, page: str = "A3", landscape: bool = True) -> Plan:
    """How the map goes on paper: the sheet's type sizes, its pages, their column widths, the
    height of each lane and which cells are cut (see the module's docstring for the rules)."""
    width_mm, height_mm = page_size_mm(page, landscape)
    kind = next(k for k in PAGE_SIZES_MM if k.lower() == page.lower())
    paper = width_mm * PX_PER_MM / A3_WIDTH_PX
    margin = 9.0 * min(2.5, max(0.8, paper**0.5))
    sizes = SHEET_TYPE[kind]
    plan = Plan(width_mm, height_mm, margin, sizes.body * PX_PER_PT / ROOT_PX, [], sizes)
    plan.personas = _personas_shown(grid, plan)
    total = len(grid.columns)
    capacity = columns_per_page(plan, MIN_COLUMN_PX)
    fewest = max(1, math.ceil(total / capacity))
    # more pages make wider columns, so fewer lines a cell; past MAX_COLUMN_PX they stop helping
    widest = math.ceil(total / columns_per_page(plan, MAX_COLUMN_PX))
    most = min(max(1, total), fewest + _MORE_PAGES, max(fewest, widest))
    # the first page holds the full header, so it has less height for the lanes: it gets fewer columns
    # (wider ones, fewer lines a cell) in proportion
    fixed, header = _fixed_heights(grid, plan)
    first_share = max(0.3, (plan.usable_height_px - fixed) / max(1.0, plan.usable_height_px - fixed + header))
    chosen: Plan | None = None
    for count in range(fewest, most + 1):
        for pages in candidate_splits(grid, count, capacity, first_share):
            candidate = with_pages(grid, plan, pages)
            if not cuts(candidate):
                return candidate  # the fewest pages that cut no cell
            # no page count cuts nothing: the one that cuts fewest cells, on the fewest pages
            if chosen is None or cuts(candidate) < cuts(chosen):
                chosen = candidate
    assert chosen is not None
    return chosen


def candidate_splits(
    grid: Grid, count: int, capacity: int, first_share: float
) -> list[list[tuple[int, int]]]:
    """The ways of putting the map on `count` pages that the layout tries, best first: as even as the
    stages allow, then the first page (under the full header) given fewer and fewer columns, down to
    a little less than its share of the height suggests (the header's height is an estimate)."""
    splits: list[list[tuple[int, int]]] = []
    lowest = first_share * 0.6
    shares = sorted({1.0, 0.9, 0.8, 0.7, 0.6, 0.5, first_share, first_share * 0.8, lowest}, reverse=True)
    for share in (s for s in shares if s >= lowest):
        pages = split_into(grid, count, capacity, share)
        if pages is not None and pages not in splits:
            splits.append(pages)
    return splits


def cuts(plan: Plan) -> int:
    return sum(1 for mark, _ in plan.cut.values() if mark == "cut")


def columns_per_page(plan: Plan, column_px: float) -> int:
    """How many columns of at least `column_px` (at the sheet's scale) a page holds."""
    return max(1, int((plan.usable_width_px - plan.label_px) // (column_px * plan.scale)))


def _personas_shown(grid: Grid, plan: Plan) -> int:
    """As many persona cards as fit the header's persona area at their narrowest readable width
    (a card with only a name needs less room than one with a quote and needs)."""
    personas = grid.journey.personas
    rich = any(p.description or p.quote or p.goals or p.frustrations for p in personas)
    # a name's longest unbreakable word (longer ones break at a syllable) fits beside the picture
    longest = max((len(w) for p in personas for w in p.name.split() if len(w) <= LONG_WORD), default=0)
    name_em = 4.4 + longest * CHAR_EM * 1.15 * plan.type.touchpoint / plan.type.body
    card_em = max(14.0 if rich else 8.0, name_em) + 0.7  # the card and the gap beside it
    # cards with details stand in one row; cards with only a name flow in up to three rows
    rows = 1 if rich else 3
    fit = max(1, rows * int(plan.usable_width_px * PERSONA_SHARE / plan.root_px // card_em))
    # a "+ N more" card takes a card's place: only worth it for two or more hidden personas (with one
    # hidden, header_band shows it rather than the card)
    return len(personas) if len(personas) <= fit else max(1, fit - 1)


def with_pages(grid: Grid, plan: Plan, pages: list[tuple[int, int]]) -> Plan:
    """A copy of `plan` on these pages, its columns widened to the sheet and its lanes filled."""
    laid = Plan(plan.page_width_mm, plan.page_height_mm, plan.margin_mm, plan.scale, pages, plan.type,
                personas=plan.personas)
    room = laid.usable_width_px - laid.label_px
    # every page fills the sheet's width: a page holding fewer columns gets wider ones
    laid.columns_px = [room / max(1, stop - first) for first, stop in pages]
    _fill(grid, laid)
    return laid


def split_into(grid: Grid, count: int, capacity: int, first_share: float = 1.0) -> list[tuple[int, int]] | None:
    """Column ranges for exactly `count` pages of at most `capacity` columns: cut at stage boundaries
    wherever possible, then as close as the stages allow to an even share, the first page's share
    weighted by `first_share` (a dynamic programme over the cut points); None when `count` pages
    cannot hold the map. Very long maps are packed greedily instead."""
    total = len(grid.columns)
    if total == 0:
        return [(0, 0)]  # a map with no stages yet: one page that says so
    if count > total or count * capacity < total:
        return None
    if total > _PLANNED_COLUMNS:
        greedy = _split(grid, capacity)
        return greedy if len(greedy) == count else None
    columns = grid.columns
    starts = {0, total} | {i for i in range(1, total) if columns[i].stage_index != columns[i - 1].stage_index}
    mean = total / (count - 1 + first_share)
    cost = [[math.inf] * (total + 1) for _ in range(count + 1)]
    back = [[0] * (total + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for page in range(1, count + 1):
        for stop in range(page, total - (count - page) + 1):
            # a page that ends inside a stage costs more than any unevenness
            split = 0.0 if stop in starts else 1000.0
            for size in range(1, min(capacity, stop) + 1):
                before = cost[page - 1][stop - size]
                target = mean * first_share if page == 1 else mean
                value = before + (size - target) ** 2 + split
                if value < cost[page][stop]:
                    cost[page][stop], back[page][stop] = value, stop - size
    if math.isinf(cost[count][total]):
        return None
    ranges, stop = [], total
    for page in range(count, 0, -1):
        ranges.append((back[page][stop], stop))
        stop = back[page][stop]
    return ranges[::-1]


def _fixed_heights(grid: Grid, plan: Plan) -> tuple[float, float]:
    """The height of the first page's parts that are never cut (header, stages, KPIs, curve) at the
    narrowest columns, and how much of it the full header takes beyond a later page's title."""
    probe = Plan(plan.page_width_mm, plan.page_height_mm, plan.margin_mm, plan.scale, [(0, len(grid.columns))],
                 plan.type, personas=plan.personas)
    probe.columns_px = [MIN_COLUMN_PX * plan.scale]
    parts = _part_heights(grid, probe, 0)
    fixed = parts["header"] + parts["stages"] + parts["kpis"] + CURVE_PX * plan.scale
    return fixed, parts["header"] - _COMPACT_HEADER_EM * plan.root_px


def _split(grid: Grid, capacity: int) -> list[tuple[int, int]]:
    """Column ranges of at most `capacity`, cut at stage boundaries where possible, in as few pages as
    filling each page would take, but with the columns shared out as evenly as stages allow."""
    runs = stage_runs(grid.columns)
    greedy = _pack(runs, capacity)
    for limit in range(math.ceil(len(grid.columns) / len(greedy)), capacity):
        balanced = _pack(runs, limit, hard=capacity)
        if len(balanced) <= len(greedy):
            return balanced
    return greedy


def _pack(runs: list[tuple[int, int]], limit: int, hard: int | None = None) -> list[tuple[int, int]]:
    """Fill pages stage by stage up to `limit` columns. A stage that does not fit what is left of a
    page starts the next page, unless the page is less than half full and the stage fits within
    `hard`; a stage longer than a whole page fills up the current page and continues on the next."""
    hard = hard or limit
    pages: list[tuple[int, int]] = []
    first = position = 0
    for _, count in runs:
        remaining = count
        while remaining:
            used = position - first
            fits_here = used + remaining <= limit or (used + remaining <= hard and used < limit / 2)
            if used and not fits_here and remaining <= hard:
                pages.append((first, position))  # keep the stage whole on the next page
                first = position
                continue
            take = min(remaining, hard - used)
            position += take
            remaining -= take
            if position - first >= hard:
                pages.append((first, position))
                first = position
    if position > first:
        pages.append((first, position))
    return pages


def _fill(grid: Grid, plan: Plan, share: float = 1.0) -> None:
    """Set each page's lane heights so its grid fills the sheet's height. Lanes that need less
    than their share of the room grow; when the lanes need more than the room, the tallest are
    held to a common level (never below about two lines) and their over-full cells are cut
    (`plan.cut`), with a mark."""
    plan.cut, plan.lane_px, plan.curve_boosts = {}, [], []
    for index in range(len(plan.pages)):
        heights, boost = _page_heights(grid, plan, index, share)
        plan.lane_px.append(heights)
        plan.curve_boosts.append(boost)


def _page_heights(grid: Grid, plan: Plan, index: int, share: float) -> tuple[dict[str, float], float]:
    root = plan.root_px
    parts = _part_heights(grid, plan, index)
    cells = _cell_heights(grid, plan, index)
    floor = 2.8 * root  # two lines of body text and the padding
    need = {key: max(floor, *heights) if heights else floor for key, heights in cells.items()}
    fixed = parts["header"] + parts["stages"] + parts["unlinked"] + parts["kpis"]
    curve = CURVE_PX * plan.scale
    # 7 % held back: the model of the text errs, and a row taller than planned costs a second layout
    room = max(0.0, (plan.usable_height_px * 0.93 - fixed - curve) * share)
    total = sum(need.values())
    heights: dict[str, float] = {}
    boost = 1.0
    if total and total <= room:
        spare = room - total
        extra_curve = min(2 * curve, spare * 0.3)  # a taller curve reads better, up to three times its height
        boost = 1.0 + extra_curve / curve
        # lanes grow to fill the sheet, but no more than twice what they hold: a sparse draft keeps
        # compact lanes (and white paper below) rather than tall empty boxes
        grow = min(_MAX_GROW, (room - extra_curve) / total)
        heights = {key: height * grow for key, height in need.items()}
    elif total:
        level = _level(list(need.values()), room, floor)
        heights = {key: max(floor, min(height, level)) for key, height in need.items()}
    _markcuts(grid, plan, index, cells, heights)
    if parts["kpis"]:
        heights["kpis"] = parts["kpis"]
    return heights, boost


def _markcuts(
    grid: Grid, plan: Plan, index: int, cells: dict[str, list[float]], heights: dict[str, float]
) -> None:
    """Cells taller than their lane show whole parts and whole lines only, then "… more"; a
    touchpoint whose name is held to NAME_LINES is "capped" (its whole name stays in the text layer)."""
    first, stop = plan.pages[index]
    root = plan.root_px
    width_em = _cell_width_em(plan, index)
    mark_em = 1.5 * plan.type.meta * PX_PER_PT / root  # the "… more" line
    estimates = grid.estimates(first, stop)
    for key, column_heights in cells.items():
        for offset, height in enumerate(column_heights):
            cell = estimates[key][offset]
            if height > heights[key] + 0.5:
                room_em = heights[key] / root - _PAD_EM - mark_em
                plan.cut[(key, first + offset)] = ("cut", cell.cut_to(room_em, width_em))
            elif key == "touchpoints" and cell.capped(width_em):
                plan.cut[(key, first + offset)] = ("capped", cell.html)


def _level(needs: list[float], room: float, floor: float) -> float:
    """The height L at which lanes of min(need, L) (at least `floor`) fill `room` (bisection)."""
    low, high = floor, max(needs)
    for _ in range(40):
        middle = (low + high) / 2
        if sum(max(floor, min(n, middle)) for n in needs) > room:
            high = middle
        else:
            low = middle
    return low


def _cell_heights(grid: Grid, plan: Plan, page_index: int) -> dict[str, list[float]]:
    """Estimated height in CSS px of each per-column cell on one page (padding included), by lane."""
    first, stop = plan.pages[page_index]
    root = plan.root_px
    width_em = _cell_width_em(plan, page_index)
    return {
        key: [(cell.height_em(width_em) + _PAD_EM) * root for cell in column_cells]
        for key, column_cells in grid.estimates(first, stop).items()
    }


# a cell's padding and rules, top and bottom, in em (grid.css: .cell)
_PAD_EM = 1.1
# a later page's header: the title and "Part n of m"
_COMPACT_HEADER_EM = 4.0
_MAX_GROW = 2.0


def _cell_width_em(plan: Plan, page_index: int) -> float:
    """The width of a cell's text on one page, in em of the body size."""
    return plan.columns_px[page_index] / plan.root_px - 1.2


def _part_heights(grid: Grid, plan: Plan, page_index: int) -> dict[str, float]:
    """Estimated height in CSS px of the parts of one page that are never cut: header, stage row,
    KPIs (one cell a stage), the unlinked opportunities."""
    first, stop = plan.pages[page_index]
    root = plan.root_px
    column = plan.columns_px[page_index]
    sizes = plan.type
    heights: dict[str, float] = {}
    runs = stage_runs(grid.columns[first:stop])
    stage_em = 0.0
    for stage_index, count in runs:
        stage = grid.journey.stages[stage_index]
        run_width = count * column / root - 1.4
        name = _text_em(stage.name, run_width, sizes.stage / sizes.body)
        stage_em = max(stage_em, name + _text_em(stage.goal, run_width, 1.0) + 2.4)
    heights["stages"] = stage_em * root
    heights["kpis"] = 0.0
    if "kpis" in grid.lanes_by_key:
        kpi_em = max(
            (grid.kpi_cell(grid.journey.stages[s]).height_em(c * column / root - 1.2) for s, c in runs),
            default=0.0,
        )
        heights["kpis"] = (max(kpi_em, 2.4) + 1.1) * root
    heights["header"] = (_header_em(grid, plan, root) if page_index == 0 else _COMPACT_HEADER_EM) * root
    heights["unlinked"] = 6.0 * root if grid.unlinked and page_index == len(plan.pages) - 1 else 0.0
    return heights


def _header_em(grid: Grid, plan: Plan, root: float) -> float:
    journey = grid.journey
    width_em = plan.usable_width_px / root
    titles_em = width_em * 0.3
    title = plan.type.title / plan.type.body
    titles = 1.2 + title * 1.1 * len(_lines_of(journey.title, titles_em / title)) + 4.2
    titles += _text_em(journey.description, titles_em, 1.05)
    persona_em = 0.0
    if journey.personas and not any(p.description or p.quote or p.goals or p.frustrations for p in journey.personas):
        per_row = max(1, int(width_em * PERSONA_SHARE // 12.0))
        persona_em = -(-min(plan.personas + 1, len(journey.personas)) // per_row) * 3.6
    elif journey.personas:
        card_width = width_em * PERSONA_SHARE / min(plan.personas + 1, len(journey.personas)) - 1.6
        for persona in journey.personas[: plan.personas]:
            text = [persona.description, persona.quote]
            name = _text_em(persona.name, card_width - 3.2, 1.12)
            height = 1.2 + name + sum(_text_em(t, card_width, 1.0) for t in text if t)
            half = card_width / 2 - 1.6  # a column of bullets: its indent and the gap between the two
            needs = max(
                sum(_text_em(g, half, 1.0) for g in persona.goals),
                sum(_text_em(f, half, 1.0) for f in persona.frustrations),
            )
            # narrow columns wrap words worse than the average the model assumes: 15 % more
            persona_em = max(persona_em, (height + needs + (1.2 if needs else 0)) * 1.15)
    return max(titles, persona_em, 9.0) + 2.0


def _lines_of(text: str, width_em: float) -> list[str]:
    return wrapped(text, max(4, int(width_em / 0.56)))


def _text_em(text: str, width_em: float, size: float) -> float:
    if not text:
        return 0.0
    return len(_lines_of(text, width_em / size)) * 1.28 * size


# -- the HTML -------------------------------------------------------------------------------------


def poster_html(grid: Grid, plan: Plan, photos: dict[str, str], theme: Theme | None = None) -> str:
    """The complete HTML document the poster is printed from."""
    journey = grid.journey
    sheets = []
    count = len(plan.pages)
    curve_scale = plan.scale
    for index, (first, stop) in enumerate(plan.pages):
        if index == 0:
            empty = [LANES[lane.key].title for lane in grid.empty_lanes]
            header = header_band(journey, photos, max_personas=plan.personas, empty_lanes=empty, logo=logo_html(theme))
        else:
            header = (
                f'<header class="band compact"><h1>{html_text(journey.title)}</h1>'
                f'<p class="part">Part {index + 1} of {count}</p></header>'
            )
        table = grid.table(
            first,
            stop,
            curve_width=(stop - first) * plan.columns_px[index],
            curve_height=plan.curve_px(index),
            scale=curve_scale,
            cut=plan.cut,
        )
        tail = unlinked_band(grid) if index == count - 1 else ""
        sheets.append(f'<section class="sheet sheet-{index}">{header}{table}{tail}</section>')
    footer_bits = [html_text(Path(journey.file).name) if journey.file and journey.file != "-" else "", "journeymap"]
    if journey.last_reviewed:
        footer_bits.insert(1, f"reviewed {html_text(journey.last_reviewed)}")
    footer = " · ".join(b for b in footer_bits if b)
    body = f'<div class="footer">{footer}</div>' + "".join(sheets)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_text(journey.title)}</title><style>{_css(plan)}{_theme_css(theme or DEFAULT)}</style></head>"
        f"<body>{breakable(body)}</body></html>"
    )


def _theme_css(theme: Theme) -> str:
    """The theme's colours over the shared ones, the sheet to its edges, the logo's size."""
    return theme_css(theme) + poster_theme_css(theme) + (LOGO_CSS if theme.logo else "")


# a run of 100 or more characters (an entity counts as one) with no place to break a line: longer
# than any real word or web address worth reading on a wall
_UNBROKEN = re.compile(r"(?:[^\s&<>]|&#?\w+;){100,}")
_CHARACTER = re.compile(r"&#?\w+;|.", re.DOTALL)


def breakable(body: str) -> str:
    """The body with a zero-width space every 50 characters of an over-long word in its text (never
    in a tag). WeasyPrint breaks a word that has no break opportunity by laying the rest of it out
    again for every line: a 10,000-character word in a few cells took it 17 s; with the spaces, a
    second. They are invisible, print nothing, and are only ever in text far too long to read."""

    def split(run: re.Match[str]) -> str:
        pieces = _CHARACTER.findall(run.group())
        return "\u200b".join("".join(pieces[i : i + 50]) for i in range(0, len(pieces), 50))

    return re.sub(r">([^<]+)<", lambda text: ">" + _UNBROKEN.sub(split, text.group(1)) + "<", body)


def _css(plan: Plan) -> str:
    folder = resources.files("journeymap.render").joinpath("templates")
    shared = folder.joinpath("grid.css").read_text(encoding="utf-8")
    widths = "".join(
        f".grid.cols-{stop - first} .c {{ width: {column:.1f}px; }}\n"
        for (first, stop), column in sorted(dict(zip(plan.pages, plan.columns_px, strict=True)).items())
    )
    poster = Template(folder.joinpath("poster.css").read_text(encoding="utf-8")).substitute(
        page_width=f"{plan.page_width_mm:.1f}",
        page_height=f"{plan.page_height_mm:.1f}",
        margin=f"{plan.margin_mm:.1f}",
        margin_bottom=f"{plan.margin_mm * 1.6:.1f}",
        root_px=f"{plan.root_px:.2f}",
        label_px=f"{plan.label_px:.1f}",
        grid_px=f"{plan.usable_width_px:.1f}",
        title_pt=f"{plan.type.title:g}",
        stage_pt=f"{plan.type.stage:g}",
        touchpoint_pt=f"{plan.type.touchpoint:g}",
        body_pt=f"{plan.type.body:g}",
        meta_pt=f"{plan.type.meta:g}",
        name_lines=str(NAME_LINES),
    )
    # a lane's height goes on its label cell alone: the row takes it all the same, and the cells that
    # hold the map's text then match the same rules on every page. WeasyPrint computes a style once
    # for all the elements that match the same rules under a parent of the same style: with the
    # height on every cell, each page's cells (and all they hold) had styles of their own, twice as
    # many in all, and computing them took 0.1 s of a 40-touchpoint poster's 1.4 s
    heights = "".join(
        f".sheet-{index} .lane-{key} > th {{ height: {px:.1f}px; }}\n"
        for index, lanes in enumerate(plan.lane_px)
        for key, px in lanes.items()
    )
    # a piece of text held to whole lines where a cell is cut (grid.Cell.cut_to)
    clamps = "".join(f".clamp-{n} {{ line-clamp: {n}; }}\n" for n in range(1, MAX_CLAMP + 1))
    return shared + poster + widths + heights + clamps
