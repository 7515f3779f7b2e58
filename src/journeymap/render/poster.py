"""The poster: the journey-map grid as a print-ready PDF, through WeasyPrint.

A header band (title, description, owner, review date, persona cards, the map
at a glance and the emotion legend), then one column per touchpoint under its
stage (number, phase, name, goal) and one lane per kind of content (see grid).
Landscape by default; fonts (DejaVu Sans) are embedded by WeasyPrint.

Wide maps: the design is drawn at a scale. It starts at the paper's size
relative to A3 (A0 draws everything 2.8 times larger, for reading from a
distance), and shrinks until every column fits across the page, down to
`MIN_SCALE` (body text about 6 pt). A map that would need smaller text is
split across pages at stage boundaries (a stage wider than a page is split
too, marked "continued"), balanced so pages hold similar numbers of columns;
every page repeats the lane labels, the stage headers and a compact title,
and all pages share one scale and one column width, so they can be taped
side by side into one long poster. The first page carries the full header.

Text never overflows: cells wrap (long words break anywhere); a cell holding
much more text than its lane's budget is set smaller (`dense`, `denser`); and
if the table is estimated taller than the page the scale drops further. The
estimate is a model of DejaVu Sans, not a measurement: if WeasyPrint still
needs more pages than planned, the poster is laid out again at a smaller scale.

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
from journeymap.render.grid import Grid, Lane, stage_runs
from journeymap.render.header import header_band, unlinked_band
from journeymap.render.photos import persona_photo
from journeymap.render.text import html_text

PX_PER_MM = 96 / 25.4
A3_WIDTH_PX = 420 * PX_PER_MM
MIN_SCALE = 0.72
# design sizes in CSS px at scale 1 (A3)
ROOT_PX = 11.0
LABEL_PX = 112.0
MIN_COLUMN_PX = 128.0
CURVE_PX = 100.0
_RETRIES = 3


@dataclass
class Plan:
    """How a map is laid out on paper; sizes in CSS px."""

    page_width_mm: float
    page_height_mm: float
    margin_mm: float
    scale: float
    pages: list[tuple[int, int]]  # column ranges [first, stop)
    column_px: float = 0.0
    dense: dict[tuple[str, int], str] = field(default_factory=dict)
    lane_px: dict[str, float] = field(default_factory=dict)  # minimum height of each lane
    curve_boost: float = 1.0

    @property
    def label_px(self) -> float:
        return LABEL_PX * self.scale

    @property
    def curve_px(self) -> float:
        return CURVE_PX * self.scale * self.curve_boost

    @property
    def root_px(self) -> float:
        return ROOT_PX * self.scale

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
    journey: Journey, folder: Path | None, *, page: str = "A3", landscape: bool = True,
    measured: Mapping[str, float] | None = None,
    funnel: Mapping[str, float] | None = None,
) -> bytes:
    """The poster as PDF bytes. RenderError (exit 1) when a persona photo is refused. `measured`:
    the emotion customers report by touchpoint id, drawn beside the assumed curve."""
    from journeymap.render.fetch import FolderFetcher

    grid = Grid(journey, measured=measured, funnel=funnel)
    photos = _photo_urls(journey, folder)
    plan = plan_poster(grid, page, landscape)
    base = folder.resolve().as_uri() + "/" if folder is not None else None
    fetcher = FolderFetcher(folder)
    for attempt in range(_RETRIES + 1):
        document = _layout(poster_html(grid, plan, photos), base, fetcher)
        _refuse_blocked(fetcher)
        if len(document.pages) <= len(plan.pages) or attempt == _RETRIES or plan.scale <= MIN_SCALE * 0.6:
            break
        plan = _at_scale(grid, plan, plan.scale * 0.88)
        _fits(grid, plan)  # recomputes which cells are shrunk
    pdf: bytes = document.write_pdf()
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
    """How the map goes on paper: its pages, the scale, the column width, which cells are set
    smaller and how tall each lane is (see the module's docstring for the rules)."""
    width_mm, height_mm = page_size_mm(page, landscape)
    paper = width_mm * PX_PER_MM / A3_WIDTH_PX
    margin = 9.0 * min(2.5, max(0.8, paper**0.5))
    usable = Plan(width_mm, height_mm, margin, 1.0, []).usable_width_px
    total = len(grid.columns)

    def fitting_scale(columns: int) -> float:
        return usable / (LABEL_PX + columns * MIN_COLUMN_PX)

    floor = min(MIN_SCALE, paper)
    if fitting_scale(total) >= floor:
        pages = [(0, total)]
    else:
        capacity = max(1, int((usable / floor - LABEL_PX) // MIN_COLUMN_PX))
        pages = _split(grid, capacity)
    plan = Plan(width_mm, height_mm, margin, floor, pages)
    # the largest scale at which the columns stay wide enough and every page fits the paper's height
    scale = min(paper * 1.2, fitting_scale(max(1, *(stop - first for first, stop in pages))) * 1.3)
    while scale > floor * 0.75:
        candidate = _at_scale(grid, plan, scale)
        if candidate.column_px / candidate.root_px >= MIN_COLUMN_PX / ROOT_PX * 0.92 and _fits(grid, candidate):
            return _stretched(grid, candidate)
        scale *= 0.95
    smallest = _at_scale(grid, plan, floor * 0.75)
    _fits(grid, smallest)  # marks the over-full cells even though the page may overflow
    return smallest


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


def _at_scale(grid: Grid, plan: Plan, scale: float) -> Plan:
    """The plan at `scale`: the column width follows from the label width and the widest page."""
    scaled = Plan(plan.page_width_mm, plan.page_height_mm, plan.margin_mm, scale, plan.pages)
    widest = max(1, *(stop - first for first, stop in plan.pages))
    scaled.column_px = (scaled.usable_width_px - scaled.label_px) / widest
    return scaled


def _fits(grid: Grid, plan: Plan) -> bool:
    plan.dense = {}
    return all(_estimate_height(grid, plan, index) <= plan.usable_height_px for index in range(len(plan.pages)))


def _estimate_height(grid: Grid, plan: Plan, page_index: int) -> float:
    """Estimated height of one page in CSS px (see `_lane_heights`)."""
    return sum(_lane_heights(grid, plan, page_index).values())


def _lane_heights(grid: Grid, plan: Plan, page_index: int) -> dict[str, float]:
    """Estimated height in CSS px of each part of one page: header, stage row, each lane, the unlinked
    opportunities. Fills `plan.dense` with the over-full cells it shrinks on the way."""
    first, stop = plan.pages[page_index]
    root = plan.root_px
    width_em = plan.column_px / root - 1.2
    heights: dict[str, float] = {}
    lanes: dict[str, Lane] = {lane.key: lane for lane in grid.lanes}
    for key, column_cells in grid.estimates(first, stop).items():
        budget = lanes[key].budget_em
        tallest = 0.0
        for offset, cell in enumerate(column_cells):
            height = cell.height_em(width_em)
            if budget and height > budget:
                factor, name = (0.88, "dense") if height <= budget * 1.5 else (0.76, "denser")
                plan.dense[(key, first + offset)] = name
                height = cell.height_em(width_em / factor) * factor
            tallest = max(tallest, height)
        heights[key] = (max(tallest, 2.4) + 1.1) * root
    runs = stage_runs(grid.columns[first:stop])
    stage_em = 0.0
    for stage_index, count in runs:
        stage = grid.journey.stages[stage_index]
        run_width = count * plan.column_px / root - 1.4
        stage_em = max(stage_em, _text_em(stage.name, run_width, 1.32) + _text_em(stage.goal, run_width, 0.9) + 2.4)
    heights["stages"] = stage_em * root
    if "kpis" in lanes:
        kpi_em = max(
            (grid.kpi_cell(grid.journey.stages[s]).height_em(c * plan.column_px / root - 1.2) for s, c in runs),
            default=0.0,
        )
        heights["kpis"] = (max(kpi_em, 2.4) + 1.1) * root
    heights["emotion"] = plan.curve_px
    heights["header"] = (_header_em(grid, plan, root) if page_index == 0 else 3.4) * root
    heights["unlinked"] = 6.0 * root if grid.unlinked and page_index == len(plan.pages) - 1 else 0.0
    return heights


def _stretched(grid: Grid, plan: Plan) -> Plan:
    """Share the paper's spare height among the lanes (and a taller curve), the same on every page,
    so the grid fills the sheet and pages taped side by side line up."""
    per_page = [_lane_heights(grid, plan, index) for index in range(len(plan.pages))]
    lanes = [lane.key for lane in grid.lanes]
    tallest = {key: max(page[key] for page in per_page) for key in lanes}
    fixed = max(page["header"] + page["stages"] + page["unlinked"] for page in per_page)
    spare = plan.usable_height_px * 0.95 - fixed
    grow = min(1.6, spare / sum(tallest.values())) if sum(tallest.values()) else 1.0
    if grow > 1.0:
        plan.curve_boost = min(1.5, grow)
        plan.lane_px = {key: height * grow for key, height in tallest.items() if key != "emotion"}
    return plan


def _header_em(grid: Grid, plan: Plan, root: float) -> float:
    journey = grid.journey
    width_em = plan.usable_width_px / root
    titles_em = width_em * 0.3
    titles = 1.2 + 2.45 * 1.1 * len(_lines_of(journey.title, titles_em / 2.45)) + 4.2
    titles += _text_em(journey.description, titles_em, 1.05)
    persona_em = 0.0
    if journey.personas:
        card_width = width_em * 0.42 / min(4, len(journey.personas)) - 1.6
        for persona in journey.personas[:4]:
            text = [persona.description, persona.quote]
            height = 3.6 + sum(_text_em(t, card_width, 0.88) for t in text if t)
            half = card_width / 2 - 0.4
            needs = max(
                sum(_text_em(g, half, 0.88) for g in persona.goals),
                sum(_text_em(f, half, 0.88) for f in persona.frustrations),
            )
            persona_em = max(persona_em, height + needs + (1.2 if needs else 0))
    return max(titles, persona_em, 9.0) + 2.0


def _lines_of(text: str, width_em: float) -> list[str]:
    from journeymap.render.text import wrapped

    return wrapped(text, max(4, int(width_em / 0.56)))


def _text_em(text: str, width_em: float, size: float) -> float:
    if not text:
        return 0.0
    return len(_lines_of(text, width_em / size)) * 1.28 * size


# -- the HTML -------------------------------------------------------------------------------------


def poster_html(grid: Grid, plan: Plan, photos: dict[str, str]) -> str:
    """The complete HTML document the poster is printed from."""
    journey = grid.journey
    sheets = []
    count = len(plan.pages)
    curve_scale = plan.scale
    for index, (first, stop) in enumerate(plan.pages):
        if index == 0:
            header = header_band(journey, photos)
        else:
            header = (
                f'<header class="band compact"><h1>{html_text(journey.title)}</h1>'
                f'<p class="part">Part {index + 1} of {count}</p></header>'
            )
        table = grid.table(
            first,
            stop,
            curve_width=(stop - first) * plan.column_px,
            curve_height=plan.curve_px,
            scale=curve_scale,
            dense=plan.dense,
        )
        tail = unlinked_band(grid) if index == count - 1 else ""
        sheets.append(f'<section class="sheet">{header}{table}{tail}</section>')
    footer_bits = [html_text(Path(journey.file).name) if journey.file and journey.file != "-" else "", "journeymap"]
    if journey.last_reviewed:
        footer_bits.insert(1, f"reviewed {html_text(journey.last_reviewed)}")
    footer = " · ".join(b for b in footer_bits if b)
    body = f'<div class="footer">{footer}</div>' + "".join(sheets)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_text(journey.title)}</title><style>{_css(plan)}</style></head>"
        f"<body>{breakable(body)}</body></html>"
    )


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
        f".grid.cols-{n} {{ width: {plan.label_px + n * plan.column_px:.1f}px; }}\n"
        for n in sorted({stop - first for first, stop in plan.pages})
    )
    poster = Template(folder.joinpath("poster.css").read_text(encoding="utf-8")).substitute(
        page_width=f"{plan.page_width_mm:.1f}",
        page_height=f"{plan.page_height_mm:.1f}",
        margin=f"{plan.margin_mm:.1f}",
        margin_bottom=f"{plan.margin_mm * 1.6:.1f}",
        root_px=f"{plan.root_px:.2f}",
        footer_px=f"{max(7.0, plan.root_px * 0.8):.1f}",
        label_px=f"{plan.label_px:.1f}",
        column_px=f"{plan.column_px:.1f}",
    )
    heights = "".join(
        f".lane-{key} > th, .lane-{key} > td {{ height: {px:.1f}px; }}\n" for key, px in plan.lane_px.items()
    )
    return shared + poster + widths + heights
