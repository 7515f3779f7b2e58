"""Pictures of a journey map: Graphviz diagrams, a PDF poster, a web page, Mermaid.

One module per output (dot, poster, html, mermaid); they share the colours
(palette), the emotion curve (curve), the lanes of the journey-map grid (grid)
and the text escaping (text). This package module holds what they all share (the formats,
page sizes, options, RenderError) and imports none of them; `pictures.draw` picks the module for
a format; the command line and batch handling live in `batch`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

__all__ = ["DEFAULT_MEMORY_BYTES", "DEFAULT_TIMEOUT", "FORMATS", "Picture", "RenderError",
           "RenderOptions"]
from journeymap.defaults import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT
from journeymap.model import Journey
from journeymap.render.errors import RenderError

if TYPE_CHECKING:
    from journeymap.measures import MeasuresByMap, MeasuresSnapshot
    from journeymap.render.hierarchy import Hierarchy
    from journeymap.render.theme import Theme


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
    theme: Theme | None = None  # None: the default (light) theme

    def _snapshot(self, journey: Journey) -> MeasuresSnapshot | None:
        return self.measures.for_map(journey.id, journey.file) if self.measures else None

    def measured_for(self, journey: Journey) -> Mapping[str, float]:
        """Touchpoint id -> the emotion customers report."""
        snapshot = self._snapshot(journey)
        return snapshot.measured_emotions() if snapshot else {}

    def funnel_for(self, journey: Journey) -> Mapping[str, float]:
        """Stage id -> the measured share of the funnel's first stage."""
        snapshot = self._snapshot(journey)
        return snapshot.funnel_shares() if snapshot else {}

    def kpis_for(self, journey: Journey) -> Mapping[tuple[str, str], tuple[str, str]]:
        """(stage id, KPI name) -> the measured value as written and its status."""
        snapshot = self._snapshot(journey)
        return snapshot.measured_kpis() if snapshot else {}


@dataclass(frozen=True)
class Picture:
    data: bytes
    notes: tuple[str, ...] = ()  # warnings for the user: the picture was drawn, but not as asked
