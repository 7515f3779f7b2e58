"""The poster: the journey-map grid as a print-ready PDF, through WeasyPrint.

A header band (title, description, owner, review date, persona cards, the map
at a glance and the emotion legend), then one column per touchpoint under its
stage (number, phase, name, goal) and one lane per kind of content (see grid).
Landscape by default; fonts are embedded by WeasyPrint.

Type: a few fixed sizes, one a role (title, stage, touchpoint, body, meta), from a table of steps
(`TYPE_STEPS`); each sheet has its own step (A3: 24, 11.5, 9.5, 8.5 and 7 pt) and steps down, as
far as the A4 step, only when that puts the map on fewer pages. Nothing is ever smaller than
7 pt (`MIN_TYPE_PT`). Every cell of a lane uses the same sizes.

Wide maps: as many columns go on a page as stay `MIN_COLUMN_PX` (at the step's scale) wide; a
longer map is split across pages at stage boundaries (a stage wider than a page is split too,
marked "continued"), balanced so pages hold similar numbers of columns; every page repeats the
lane labels, the stage headers and a compact title. The first page carries the full header.

Pages fill the sheet: each page's columns widen to its width, and its lanes share the height
left under the header: lanes grow (and the curve, up to twice its height) when there is room;
when there is not, the tallest lanes are held to a common height and the cells that do not fit
are cut with a visible "… more" mark, never shrunk. A cut cell carries an invisible copy of its
whole text, so the PDF's text layer still holds all of it. Heights come from a model of the
text (characters per line), not a measurement: if WeasyPrint still needs more pages than
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
from journeymap.render.grid import Grid, stage_runs
from journeymap.render.header import header_band, unlinked_band
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
CURVE_PX = 100.0
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


# Steps of the type scale, smallest first: read at arm's length (A4, letter), from a step back
# (A3, tabloid), across a room (A0). A sheet starts at its own step; a map with more columns
# than fit at that step steps down (as far as the A4 step) when that saves pages, so a long
# journey still fits one large sheet. The smallest text anywhere is 7 pt.
TYPE_STEPS: list[TypeScale] = [
    TypeScale(title=20, stage=10, touchpoint=8.5, body=7.5, meta=7),
    TypeScale(title=24, stage=11.5, touchpoint=9.5, body=8.5, meta=7),
    TypeScale(title=30, stage=14, touchpoint=12, body=10.5, meta=9),
    TypeScale(title=40, stage=18, touchpoint=15, body=13, meta=11),
    TypeScale(title=54, stage=24, touchpoint=20, body=18, meta=15),
]
SHEET_STEP = {"A4": 0, "letter": 0, "A3": 1, "tabloid": 1, "A2": 2, "A1": 3, "A0": 4}
MIN_TYPE_PT = 7.0


@dataclass
class Plan:
    """How a map is laid out on paper; sizes in CSS px."""

    page_width_mm: float
    page_height_mm: float
    margin_mm: float
    scale: float  # body size relative to ROOT_PX: paddings, the label column and the curve follow it
    pages: list[tuple[int, int]]  # column ranges [first, stop)
    type: TypeScale = TYPE_STEPS[1]
    columns_px: list[float] = field(default_factory=list)  # column width on each page
    cut: dict[tuple[str, int], str] = field(default_factory=dict)  # cells too full for their lane
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
) -> bytes:
    """The poster as PDF bytes. RenderError (exit 1) when a persona photo is refused. `measured`:
    the emotion customers report by touchpoint id, drawn beside the assumed curve."""
    from journeymap.render.fetch import FolderFetcher

    grid = Grid(journey, measured=measured, funnel=funnel, curve=curve_colours(theme or DEFAULT))
    photos = _photo_urls(journey, folder)
    plan = plan_poster(grid, page, landscape)
    base = folder.resolve().as_uri() + "/" if folder is not None else None
    fetcher = FolderFetcher(folder)
    for attempt in range(_RETRIES + 1):
        document = _layout(poster_html(grid, plan, photos, theme), base, fetcher)
        _refuse_blocked(fetcher)
        if len(document.pages) <= len(plan.pages) or attempt == _RETRIES:
            break
        # the estimate fell short: give the lanes less room (cutting more cells), never smaller type
        _fill(grid, plan, share=0.9 ** (attempt + 1))
    # a tagged PDF (PDF/UA-1): structure tree, the document's language and title, so screen
    # readers and reflowing viewers can read the poster (costs about 15 % more time)
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    _refuse_blocked(fetcher)  # images inside SVG are fetched while drawing, and their errors swallowed
    return pdf


def _refuse_blocked(fetcher: Any) -> None:
    if fetcher.blocked:
        shown = ", ".join(u[:80] for u in fetcher.blocked[:3])
        raise RenderError(
            f"the poster tried to read {shown}, which is not a file inside the map's folder; nothing was fetched",
            exit_code=1,
        )


def _layout(html: str, base: str | None, fetcher: Any) -> Any:
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render()


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
    best: tuple[bool, int, int] | None = None
    chosen: Plan | None = None
    for step in range(SHEET_STEP[kind], -1, -1):
        sizes = TYPE_STEPS[step]
        plan = Plan(width_mm, height_mm, margin, sizes.body * PX_PER_PT / ROOT_PX, [], sizes)
        fewest = _pages(grid, plan)
        # the fewest pages at this size, and one page more (wider columns, fewer lines) in case
        # the fewest pages would have to cut cells
        splits = [fewest]
        if len(grid.columns) > len(fewest):
            more = _split(grid, math.ceil(len(grid.columns) / (len(fewest) + 1)))
            if len(more) > len(fewest):
                splits.append(more)
        for pages in splits:
            candidate = _with_pages(grid, plan, pages)
            # a plan that cuts no cell beats one on fewer pages; then fewer pages; then larger type
            score = (bool(candidate.cut), len(pages), -step)
            if best is None or score < best:
                best, chosen = score, candidate
            if not candidate.cut:
                break
        if best is not None and not best[0] and best[1] == 1:
            break
    assert chosen is not None
    return chosen


def _with_pages(grid: Grid, plan: Plan, pages: list[tuple[int, int]]) -> Plan:
    """A copy of `plan` on these pages, its columns widened to the sheet and its lanes filled."""
    laid = Plan(plan.page_width_mm, plan.page_height_mm, plan.margin_mm, plan.scale, pages, plan.type)
    room = laid.usable_width_px - laid.label_px
    # every page fills the sheet's width: a page holding fewer columns gets wider ones
    laid.columns_px = [room / max(1, stop - first) for first, stop in pages]
    _fill(grid, laid)
    return laid


def _pages(grid: Grid, plan: Plan) -> list[tuple[int, int]]:
    """Column ranges of the pages at the plan's type size: as many columns a page as stay at least
    MIN_COLUMN_PX (scaled) wide."""
    total = len(grid.columns)
    capacity = max(1, int((plan.usable_width_px - plan.label_px) // (MIN_COLUMN_PX * plan.scale)))
    return [(0, total)] if total <= capacity else _split(grid, capacity)


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
    floor = 3.5 * root
    need = {key: max(floor, *heights) if heights else floor for key, heights in cells.items()}
    fixed = parts["header"] + parts["stages"] + parts["unlinked"] + parts["kpis"]
    curve = CURVE_PX * plan.scale
    # 8 % held back: the model of the text errs, and a row taller than planned costs a second layout
    room = max(0.0, (plan.usable_height_px * 0.92 - fixed - curve) * share)
    total = sum(need.values())
    heights: dict[str, float] = {}
    boost = 1.0
    if total and total <= room:
        spare = room - total
        extra_curve = min(curve, spare * 0.25)  # a taller curve reads better, up to twice its height
        boost = 1.0 + extra_curve / curve
        grow = (room - extra_curve) / total
        heights = {key: height * grow for key, height in need.items()}
    elif total:
        level = _level(list(need.values()), room, floor)
        heights = {key: max(floor, min(height, level)) for key, height in need.items()}
        first = plan.pages[index][0]
        for key, column_heights in cells.items():
            for offset, height in enumerate(column_heights):
                if height > heights[key] + 0.5:
                    plan.cut[(key, first + offset)] = "cut"
    if parts["kpis"]:
        heights["kpis"] = parts["kpis"]
    return heights, boost


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
    width_em = plan.columns_px[page_index] / root - 1.2
    return {
        key: [(cell.height_em(width_em) + 1.1) * root for cell in column_cells]
        for key, column_cells in grid.estimates(first, stop).items()
    }


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
    heights["header"] = (_header_em(grid, plan, root) * 1.2 if page_index == 0 else 4.0) * root
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
    if journey.personas:
        card_width = width_em * 0.42 / min(4, len(journey.personas)) - 1.6
        for persona in journey.personas[:4]:
            text = [persona.description, persona.quote]
            height = 3.6 + sum(_text_em(t, card_width, 1.0) for t in text if t)
            half = card_width / 2 - 0.4
            needs = max(
                sum(_text_em(g, half, 1.0) for g in persona.goals),
                sum(_text_em(f, half, 1.0) for f in persona.frustrations),
            )
            persona_em = max(persona_em, height + needs + (1.2 if needs else 0))
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
            header = header_band(journey, photos, logo=logo_html(theme))
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
    )
    pad = 1.1 * plan.root_px  # a cell's padding: its text is clipped to the lane's height less this
    mark = 1.5 * plan.type.meta * PX_PER_PT  # the line that says a cell was cut
    heights = "".join(
        f".sheet-{index} .lane-{key} > th, .sheet-{index} .lane-{key} > td {{ height: {px:.1f}px; }}\n"
        f".sheet-{index} .lane-{key} .cut .fit {{ height: {max(0.0, px - pad - mark):.1f}px; }}\n"
        for index, lanes in enumerate(plan.lane_px)
        for key, px in lanes.items()
    )
    return shared + poster + widths + heights
