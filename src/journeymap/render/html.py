"""One self-contained web page: the journey-map grid for a browser, readable on a laptop and a phone.

Everything is inline: the stylesheet, the emotion curves (SVG), persona photos
(as `data:` URLs, read by `photos.persona_photo` from the map's folder only).
The page loads nothing else and works from `file://`. A Content-Security-Policy
meta tag allows only that one stylesheet (by its hash) and `data:` images, so
even a mistake in escaping could not run a script or reach the network. There
is no JavaScript: details open with `<details>` on click, and curve points and
cells show their text on hover.

On a laptop the grid scrolls sideways with the lane labels kept in view; below
760 px wide the page shows the same content as stacked stages of cards.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from journeymap.model import Journey, Stage, Touchpoint
from journeymap.render.csp import policy
from journeymap.render.curve import emotion_curve_svg
from journeymap.render.grid import Grid, emotion_class, persona_names
from journeymap.render.header import header_band, unlinked_band
from journeymap.render.palette import emotion_score, emotion_swatch
from journeymap.render.photos import persona_photo
from journeymap.render.text import html_text
from journeymap.render.theme import DEFAULT, LOGO_CSS, Theme, curve_colours, logo_html, theme_css

COLUMN_PX = 14.5 * 15  # .c in page.css, at the 15 px root size
CURVE_PX = 120.0


@dataclass(frozen=True)
class PageExtras:
    """What a page built on this one (a catalog page, a visual diff) adds to it, so that it never
    has to edit the page's text. Everything here is HTML or CSS written by journeymap: map text
    in it must already be escaped (`text.html_text`).

    `css` joins the page's one stylesheet (and its hash in the page's policy); `top` opens the
    page, above the header; `bottom` closes it, above the footer; `touchpoint_notes` go under a
    touchpoint's details, by touchpoint id, in the grid and in the phone layout alike. `script`
    (journeymap's own, never map text) runs at the end of the page, allowed by its hash; with
    `same_origin` it may ask the server the page came from (the live preview).
    """

    css: str = ""
    top: str = ""
    bottom: str = ""
    touchpoint_notes: Mapping[str, str] = field(default_factory=dict)
    script: str = ""
    same_origin: bool = False
    # the emotion customers report, by touchpoint id (a measures snapshot), drawn beside the curve
    measured_emotions: Mapping[str, float] = field(default_factory=dict)
    # the measured share of entrants who reached each stage, in the map's order, by stage id
    measured_funnel: Mapping[str, float] = field(default_factory=dict)


def html_page(
    journey: Journey, folder: Path | None, extras: PageExtras = PageExtras(), theme: Theme | None = None
) -> str:
    notes = extras.touchpoint_notes

    def details(grid: Grid, touchpoint: Touchpoint) -> str:
        return touchpoint_details(grid, touchpoint) + notes.get(touchpoint.id, "")

    look = theme or DEFAULT
    grid = Grid(journey, details=details, measured=extras.measured_emotions, funnel=extras.measured_funnel,
                curve=curve_colours(look))
    photos = {}
    for persona in journey.personas:
        photo = persona_photo(persona, folder)
        if photo is not None:
            photos[persona.id] = f"data:{photo.mime};base64,{base64.b64encode(photo.data).decode('ascii')}"
    css = _css() + theme_css(look) + (LOGO_CSS if look.logo else "") + extras.css
    table = grid.table(
        0,
        len(grid.columns),
        curve_width=len(grid.columns) * COLUMN_PX,
        curve_height=CURVE_PX,
        scale=1.2,
        anchors=True,
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_policy(css, extras)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{html_text(journey.title)} · journey map</title>"
        f"<style>{css}</style></head>\n"
        # landmarks: the title band is the banner, the grid the main content, then the footer
        f"<body>{extras.top}{header_band(journey, photos, logo=logo_html(look))}"
        f'<main class="page" aria-label="The journey, stage by stage">'
        f"{grid.overview() if grid.columns else ''}"
        f'<div class="scroller">{table}</div>'
        f'<div class="cards">{_cards(grid)}</div>'
        f"{unlinked_band(grid)}{extras.bottom}</main>"
        f'<footer class="made">{_footer(journey)}</footer>'
        f"{f'<script>{extras.script}</script>' if extras.script else ''}</body></html>\n"
    )


def _policy(css: str, extras: PageExtras) -> str:
    scripts = [extras.script] if extras.script else []
    return policy(styles=[css], scripts=scripts, same_origin=extras.same_origin)


def _css() -> str:
    folder = resources.files("journeymap.render").joinpath("templates")
    return folder.joinpath("grid.css").read_text(encoding="utf-8") + folder.joinpath("page.css").read_text(
        encoding="utf-8"
    )


def _footer(journey: Journey) -> str:
    name = Path(journey.file).name if journey.file and journey.file != "-" else ""
    bits = [f"From {html_text(name)}" if name else "", "made with journeymap"]
    return " · ".join(b for b in bits if b)


def touchpoint_details(grid: Grid, touchpoint: Touchpoint) -> str:
    journey = grid.journey
    rows = [("Feeling", f"{emotion_score(touchpoint.emotion)} ({emotion_swatch(touchpoint.emotion).word})")]
    personas = persona_names(journey, touchpoint.personas) or ", ".join(p.name for p in journey.personas)
    if personas:
        rows.append(("Personas", html_text(personas)))
    sources = {s.id: s for s in journey.sources}
    evidence = []
    for source_id in touchpoint.evidence:
        source = sources.get(source_id)
        if source is None:
            continue
        line = html_text(source.title or source.id)
        if source.url:
            # shown as text, never as a link: a map's URL could be anything
            line += f' <span class="source-url">{html_text(source.url)}</span>'
        evidence.append(f"<div>{line}</div>")
    rows.append(("Evidence", "".join(evidence) or '<span class="missing">none cited</span>'))
    rows.append(("Id", html_text(touchpoint.id)))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<details class="more"><summary>Details</summary><dl>{body}</dl></details>'


def _cards(grid: Grid) -> str:
    out = []
    for index, stage in enumerate(grid.journey.stages):
        out.append(_stage_cards(grid, index, stage))
    return "".join(out)


def _stage_cards(grid: Grid, index: int, stage: Stage) -> str:
    head = grid.stage_header(index, stage, continued=False)
    parts = [f'<section class="card-stage"><header class="stage">{head}</header>']
    if stage.touchpoints:
        # about as wide as a phone, so the curve shows at its natural size there
        width = min(180.0, max(60.0, 340 / len(stage.touchpoints)))
        svg = emotion_curve_svg(
            [t.emotion for t in stage.touchpoints],
            width,
            84,
            names=[t.name for t in stage.touchpoints],
            scale=1.0,
            colours=grid.curve,
        )
        parts.append(f'<div class="mini">{svg}</div>')
    for touchpoint in stage.touchpoints:
        lanes = ("touchpoints", "channels", "thoughts", "pains", "opportunities")
        cells = [grid.cell(lane, touchpoint).html for lane in lanes]
        for lane, title in (("backstage", "Backstage"), ("support", "Support")):
            if getattr(touchpoint, lane):
                cells.append(f'<div><span class="lane-title">{title}</span>{grid.cell(lane, touchpoint).html}</div>')
        body = "".join(c for c in cells if c)
        parts.append(f'<article class="card {emotion_class(touchpoint.emotion)}">{body}</article>')
    if not stage.touchpoints:
        parts.append('<article class="card"><p class="empty">No touchpoints yet</p></article>')
    if stage.kpis:
        parts.append(f'<div class="card-kpis"><span class="lane-title">KPIs</span>{grid.kpi_cell(stage).html}</div>')
    parts.append("</section>")
    return "".join(parts)
