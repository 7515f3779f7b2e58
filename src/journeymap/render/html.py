"""One self-contained web page: the journey-map grid for a browser, readable on a laptop and a phone.

Everything is inline: the stylesheet, the emotion curves (SVG), persona photos
(as `data:` URLs, read by `photos.persona_photo` from the map's folder only).
The page loads nothing else and works from `file://`. A Content-Security-Policy
meta tag allows only that one stylesheet and journeymap's one small script (both
by their hash) and `data:` images, so even a mistake in escaping could not run a
script of a map's making or reach the network. Details open with `<details>` on
click, and curve points and cells show their text on hover.

On a laptop the grid fills the window's width (a short map's columns widen) and
scrolls sideways with the lane labels kept in view; below 760 px wide the page
shows the same content as stacked stages of cards. The script (`PAGE_SCRIPT`)
only adds what a reader would otherwise miss, and the page reads the same
without it: a "Fit the whole map" button that zooms the grid to fit the window,
and moving with the arrow keys (one focusable cell at a time, a roving tabindex):
left and right from touchpoint to touchpoint, up to the touchpoint's stage and
down back into it, left and right from stage to stage on the stage row, Home and
End to the first and last; the focus is drawn as a thick outline.
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
from journeymap.render.grid import Grid, emotion_class
from journeymap.render.header import header_band, unlinked_band
from journeymap.render.palette import emotion_score, emotion_swatch
from journeymap.render.photos import persona_photo
from journeymap.render.text import html_text
from journeymap.render.theme import DEFAULT, LOGO_CSS, Theme, curve_colours, logo_html, theme_css

COLUMN_PX = 14.5 * 15  # .c in page.css, at the 15 px root size
CURVE_PX = 120.0

# Zoom to fit and arrow keys (see the module's docstring). It never reads map text; it sets
# tabindex and the grid's zoom through the DOM, which the page's policy allows (no style attribute
# in the markup). Kept short and dependency-free: it runs from file:// too.
PAGE_SCRIPT = """(function(){
var s=document.querySelector('.scroller'),g=s&&s.querySelector('table.grid'),b=document.getElementById('fit');
if(!g)return;
function fit(){g.style.zoom='';if(b.getAttribute('aria-pressed')!=='true'){s.classList.remove('fitted');return;}
s.classList.add('fitted');var z=Math.min(1,s.clientWidth/g.offsetWidth,(window.innerHeight-16)/g.offsetHeight);
g.style.zoom=String(Math.max(0.2,z));s.scrollLeft=0;s.scrollTop=0;}
var tools=document.getElementById('page-tools');if(tools){tools.hidden=false;}
if(b){b.addEventListener('click',function(){
b.setAttribute('aria-pressed',b.getAttribute('aria-pressed')==='true'?'false':'true');fit();
if(b.getAttribute('aria-pressed')==='true'){s.scrollIntoView({block:'start'});}});
window.addEventListener('resize',fit);}
var heads=[].slice.call(g.querySelectorAll('thead th.stage')),cells=[].slice.call(
g.querySelectorAll('tr.lane-touchpoints > td.cell')),stageOf=[],firstOf=[],n=0;
heads.forEach(function(h,i){var span=parseInt(h.getAttribute('colspan')||'1',10);firstOf.push(n);
for(var k=0;k<span;k++){stageOf.push(i);}n+=span;});
var items=heads.concat(cells);items.forEach(function(e){e.tabIndex=-1;});
if(cells.length){cells[0].tabIndex=0;}else if(heads.length){heads[0].tabIndex=0;}
function go(e){if(!e)return;items.forEach(function(x){x.tabIndex=-1;});e.tabIndex=0;e.focus();}
g.addEventListener('keydown',function(ev){var c=cells.indexOf(ev.target),h=heads.indexOf(ev.target),to=null;
if(c<0&&h<0)return;var k=ev.key;
if(c>=0){if(k==='ArrowRight')to=cells[c+1];else if(k==='ArrowLeft')to=cells[c-1];
else if(k==='ArrowUp')to=heads[stageOf[c]];else if(k==='Home')to=cells[0];else if(k==='End')to=cells[cells.length-1];}
else{if(k==='ArrowRight')to=heads[h+1];else if(k==='ArrowLeft')to=heads[h-1];
else if(k==='ArrowDown')to=cells[firstOf[h]];else if(k==='Home')to=heads[0];else if(k==='End')to=heads[heads.length-1];}
if(to){ev.preventDefault();go(to);}});})();"""


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
    # (stage id, KPI name) -> the measured value as written and its status (met, off-target, ...)
    measured_kpis: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


def html_page(
    journey: Journey, folder: Path | None, extras: PageExtras = PageExtras(), theme: Theme | None = None
) -> str:
    notes = extras.touchpoint_notes

    def details(grid: Grid, touchpoint: Touchpoint) -> str:
        return touchpoint_details(grid, touchpoint) + notes.get(touchpoint.id, "")

    look = theme or DEFAULT
    grid = Grid(journey, details=details, measured=extras.measured_emotions, funnel=extras.measured_funnel,
                kpis=extras.measured_kpis,
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
        fluid_curve=True,
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
        f"{_fit_button() if grid.columns else ''}"
        f'<div class="scroller">{table}</div>'
        f'<div class="cards">{_cards(grid)}</div>'
        f"{unlinked_band(grid)}{extras.bottom}</main>"
        f'<footer class="made">{_footer(journey)}</footer>'
        f"<script>{PAGE_SCRIPT}</script>"
        f"{f'<script>{extras.script}</script>' if extras.script else ''}</body></html>\n"
    )


def _fit_button() -> str:
    # hidden until the script shows it: without the script neither the button nor the keys work
    return (
        '<div class="page-tools" id="page-tools" hidden>'
        '<button type="button" id="fit" class="fit" aria-pressed="false">Fit the whole map</button> '
        '<span class="keys">Arrow keys move between touchpoints and stages</span></div>'
    )


def _policy(css: str, extras: PageExtras) -> str:
    scripts = [PAGE_SCRIPT, *([extras.script] if extras.script else [])]
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
    personas = journey.persona_names(touchpoint.personas) or ", ".join(p.name for p in journey.personas)
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
