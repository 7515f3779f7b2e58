"""Pictures of a journey map: Graphviz diagrams, a PDF poster, a web page, Mermaid.

One module per output (dot, poster, html, mermaid); they share the colours
(palette), the emotion curve (curve), the lanes of the journey-map grid (grid)
and the text escaping (text). `draw` picks the module for a format; the
command line and batch handling live in `batch`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from journeymap.errors import JourneymapError

__all__ = ["DEFAULT_MEMORY_BYTES", "DEFAULT_TIMEOUT", "FORMATS", "Picture", "RenderError",
           "RenderOptions", "draw"]
from journeymap.defaults import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT
from journeymap.model import Journey

if TYPE_CHECKING:
    from journeymap.measure.snapshot import MeasuresByMap
    from journeymap.render.hierarchy import Hierarchy
    from journeymap.render.theme import Theme


class RenderError(JourneymapError):
    """A map could not be drawn. `exit_code` 1: the map is at fault; 2: a tool failed. `node`: the
    path of the value at fault in the map's document, so the message can give its line and column."""

    def __init__(self, message: str, exit_code: int = 2, node: tuple[str | int, ...] | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.node = node


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    binary: bool
    needs_dot: bool
    summary: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("svg", ".svg", False, True, "Graphviz diagram as SVG (the default)"),
        Format("png", ".png", True, True, "Graphviz diagram as PNG"),
        Format("pdf", ".pdf", True, True, "Graphviz diagram as PDF"),
        Format("dot", ".dot", False, False, "the Graphviz source, for your own styling"),
        Format("poster", ".poster.pdf", True, False, "the journey-map grid as a print-ready PDF poster"),
        Format("html", ".html", False, False, "one self-contained web page"),
        Format("mermaid", ".mmd", False, False, "a Mermaid journey diagram for GitHub Markdown"),
    )
}

PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    # portrait width x height
    "A4": (210, 297),
    "A3": (297, 420),
    "A2": (420, 594),
    "A1": (594, 841),
    "A0": (841, 1189),
    "letter": (215.9, 279.4),
    "tabloid": (279.4, 431.8),
}


@dataclass(frozen=True)
class RenderOptions:
    page: str = "A3"
    landscape: bool = True
    timeout: float = DEFAULT_TIMEOUT  # seconds Graphviz or WeasyPrint may take for one picture
    memory: int = DEFAULT_MEMORY_BYTES  # address space Graphviz or WeasyPrint may use
    # html: the other pages of the batch, for links down to sub-journeys and up to parents
    hierarchy: Hierarchy | None = None
    page_name: str = ""  # html: this page's file name, which the links are relative to
    # `render --measures`: the snapshots, of which each map draws its own (the emotion customers
    # report beside the assumed curve, each stage's share of the funnel)
    measures: MeasuresByMap | None = None

    def measured_for(self, journey: Journey) -> Mapping[str, float]:
        """Touchpoint id -> the emotion customers report."""
        snapshot = self.measures.for_map(journey.id, journey.file) if self.measures else None
        return snapshot.measured_emotions() if snapshot else {}

    def funnel_for(self, journey: Journey) -> Mapping[str, float]:
        """Stage id -> the measured share of the funnel's first stage."""
        snapshot = self.measures.for_map(journey.id, journey.file) if self.measures else None
        return snapshot.funnel_shares() if snapshot else {}
    theme: Theme | None = None  # None: the default (light) theme


@dataclass(frozen=True)
class Picture:
    data: bytes
    notes: tuple[str, ...] = ()  # warnings for the user: the picture was drawn, but not as asked


def draw(journey: Journey, fmt: str, options: RenderOptions, folder: Path | None) -> Picture:
    """The picture of one valid map. `folder` is the map's own folder (None for stdin): the only
    place a poster or page may read a file from (persona photos). Graphviz and WeasyPrint run
    within `options.timeout` and `options.memory`; a diagram Graphviz cannot lay out within them
    is drawn again with the simpler layout, and a note says so."""
    if fmt in ("svg", "png", "pdf", "dot"):
        from journeymap.render import dot

        if fmt == "dot":
            return Picture(dot.dot_source(journey, theme=options.theme).encode("utf-8"))
        data, note = dot.laid_out(
            lambda simple: dot.dot_source(journey, simple=simple, theme=options.theme),
            fmt,
            timeout=options.timeout,
            memory=options.memory,
        )
        if fmt == "svg":
            data = dot.accessible_svg(data, journey)
        return Picture(data, (note,) if note else ())
    if fmt == "mermaid":
        from journeymap.render.mermaid import mermaid_source

        return Picture(mermaid_source(journey).encode("utf-8"))
    if fmt == "html":
        from journeymap.render.hierarchy import CSS, hierarchy_html
        from journeymap.render.html import PageExtras, html_page

        nav = hierarchy_html(journey, options.hierarchy, options.page_name)
        extras = PageExtras(
            css=CSS if nav.top or nav.touchpoint_notes else "", top=nav.top, touchpoint_notes=nav.touchpoint_notes,
            measured_emotions=options.measured_for(journey), measured_funnel=options.funnel_for(journey),
        )
        return Picture(html_page(journey, folder, extras, theme=options.theme).encode("utf-8"))
    if fmt == "poster":
        from journeymap.render import fetch  # noqa: F401  (imports WeasyPrint once, before the fork)
        from journeymap.render.confine import run_confined
        from journeymap.render.poster import poster_pdf

        def poster() -> bytes:
            return poster_pdf(journey, folder, page=options.page, landscape=options.landscape, theme=options.theme,
                              measured=options.measured_for(journey), funnel=options.funnel_for(journey))

        return Picture(run_confined(poster, what="WeasyPrint", timeout=options.timeout, memory=options.memory))
    raise JourneymapError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")
