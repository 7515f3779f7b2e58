"""`draw`: the picture of one valid map in a format, from the module that makes that format.

Each format's module is imported when that format is drawn: a diagram is the common case in
CI and from the command line, and it needs neither the page nor the poster code (whose
imports cost more start-up time than laying out a small map takes `dot`)."""

from __future__ import annotations

from pathlib import Path

from journeymap.errors import JourneymapError
from journeymap.model import Journey
from journeymap.render import FORMATS, Picture, RenderOptions, dot


def draw(journey: Journey, fmt: str, options: RenderOptions, folder: Path | None) -> Picture:
    """The picture of one valid map. `folder` is the map's own folder (None for stdin): the only
    place a poster or page may read a file from (persona photos). Graphviz and WeasyPrint run
    within `options.timeout` and `options.memory`; a diagram Graphviz cannot lay out within them
    is drawn again with the simpler layout, and a note says so."""
    if fmt in ("svg", "png", "pdf", "dot"):
        return _diagram(journey, fmt, options)
    if fmt == "mermaid":
        from journeymap.render.mermaid import mermaid_source  # noqa: PLC0415

        return Picture(mermaid_source(journey).encode("utf-8"))
    if fmt == "html":
        from journeymap.render.hierarchy import CSS, hierarchy_html  # noqa: PLC0415
        from journeymap.render.html import PageExtras, html_page  # noqa: PLC0415

        nav = hierarchy_html(journey, options.hierarchy, options.page_name)
        extras = PageExtras(
            css=CSS if nav.top or nav.touchpoint_notes else "", top=nav.top, touchpoint_notes=nav.touchpoint_notes,
            measured_emotions=options.measured_for(journey), measured_funnel=options.funnel_for(journey),
            measured_kpis=options.kpis_for(journey),
        )
        return Picture(html_page(journey, folder, extras, theme=options.theme).encode("utf-8"))
    if fmt == "poster":
        # WeasyPrint is imported once here, before the fork, not in every confined child
        from journeymap.render import fetch  # noqa: F401, PLC0415
        from journeymap.render.confine import run_confined  # noqa: PLC0415
        from journeymap.render.poster import poster_pdf  # noqa: PLC0415

        def poster() -> bytes:
            return poster_pdf(journey, folder, page=options.page, landscape=options.landscape, theme=options.theme,
                              measured=options.measured_for(journey), funnel=options.funnel_for(journey),
                              kpis=options.kpis_for(journey))

        return Picture(run_confined(poster, what="WeasyPrint", timeout=options.timeout, memory=options.memory))
    raise JourneymapError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")


def _diagram(journey: Journey, fmt: str, options: RenderOptions) -> Picture:
    if fmt == "dot":
        return Picture(dot.dot_source(journey, theme=options.theme).encode("utf-8"))
    drawn: list[dot.Source] = []  # the source dot drew last: the full layout's, or the simpler one's

    def source_of(simple: bool) -> str:
        drawn.append(dot.diagram_source(journey, simple=simple, theme=options.theme))
        return drawn[-1].text

    data, note = dot.laid_out(source_of, fmt, timeout=options.timeout, memory=options.memory)
    if fmt == "svg":
        # the ids of the source just drawn: building the DOT text a second time to learn them
        # cost a fifth of what journeymap adds to dot's own time on a large map
        data = dot.accessible_svg(data, journey, drawn[-1].ids)
    return Picture(data, (note,) if note else ())
