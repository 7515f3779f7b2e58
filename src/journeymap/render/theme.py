"""Themes: light (the default), dark, and a brand theme a repository builds from either, for the
poster, the web page, the site and the diagram.

A theme is a small table of colours for the surfaces and text around the content (paper,
panels, ink, muted text, rules, stage headers, an accent) and an optional font put before the
font chain, and an optional logo. The emotion, severity and status palettes never change with
the theme: they are chosen to be safe for colour-blind readers, and every badge also says its
value in words or numbers, so colour is never the only cue. Their cards keep their own light
fills and dark ink in every theme, which keeps their contrast.

A theme covers the whole picture: the poster's sheet to its edges (margins and footer
included), the emotion curve's zones, the stage headers (every stage, with a number disc that
stays readable on the stage's colour: at least WCAG's 3:1), the web page, the site's index
and portfolio pages, and the diagram. `tests/render/test_design_system.py` collects the
colours and fonts every output uses and holds them to this table and render/palette.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

from journeymap.render.curve import LIGHT_CURVE, CurveColours
from journeymap.render.errors import RenderError
from journeymap.render.palette import EMOTION
from journeymap.render.text import FONT_CHAIN


@dataclass(frozen=True)
class Theme:
    name: str
    paper: str
    panel: str
    ink: str
    muted: str
    rule: str
    stage: str
    stage_alt: str
    accent: str
    font: str = ""  # a font family tried before the chain (a brand font), or none
    logo: str = ""  # the brand's logo as a data: URL (render.logo), or none


THEMES: dict[str, Theme] = {
    "light": Theme("light", paper="#ffffff", panel="#f0f4f8", ink="#1f2933", muted="#52606d", rule="#d9e2ec",
                   stage="#243b53", stage_alt="#334e68", accent="#0f766e"),
    "dark": Theme("dark", paper="#111827", panel="#1f2937", ink="#f3f4f6", muted="#cbd2d9", rule="#374151",
                  stage="#0b3b5b", stage_alt="#164e63", accent="#5eead4"),
}
COLOUR_KEYS = ("paper", "panel", "ink", "muted", "rule", "stage", "stage_alt", "accent")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# a font name goes into CSS and Graphviz attributes: letters, digits, spaces and hyphens only
_FONT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]{0,59}")


def theme_from(base: str, colours: Mapping[str, str], font: str, logo: str, folder: str) -> Theme:
    """The theme a configuration asks for: `theme_of` with the logo (a path relative to the
    configuration's `folder`) read and embedded (render.logo)."""
    if not logo.strip():
        return theme_of(base, colours, font)
    # reading a picture safely is the logo's alone: a theme without one never loads it
    from journeymap.render.logo import logo_url  # noqa: PLC0415

    return theme_of(base, colours, font, logo_url(logo, folder))


def theme_of(
    base: str = "light", colours: Mapping[str, str] | None = None, font: str = "", logo: str = ""
) -> Theme:
    """The theme `base` with `colours`, `font` and `logo` (a data: URL) put over it (a brand theme);
    RenderError (exit 2) for an unknown theme, colour key, or a value that is not `#rrggbb` or a
    plain font name.

    A brand that sets `stage` but not `stage_alt` gets a second stage colour made from its own
    (a little lighter, or darker on a light stage colour), so every stage wears the brand, not
    every other one."""
    if base not in THEMES:
        raise RenderError(f"unknown theme '{base}'; choose one of: {', '.join(THEMES)}")
    changes: dict[str, str] = {}
    for key, value in (colours or {}).items():
        if key not in COLOUR_KEYS:
            raise RenderError(f"a theme has no colour '{key}'; its colours: {', '.join(COLOUR_KEYS)}")
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            raise RenderError(f"theme colour '{key}' must be written #rrggbb, not {value!r}")
        changes[key] = value.lower()
    if font and not _FONT.fullmatch(font):
        raise RenderError(f"theme font {font!r} must be a font family name (letters, digits, spaces, hyphens)")
    if "stage" in changes and "stage_alt" not in changes:
        stage = changes["stage"]
        changes["stage_alt"] = mix(stage, "#ffffff" if luminance(stage) < 0.4 else "#000000", 0.12)
    name = base if not changes and not font and not logo else "brand"
    return dataclasses.replace(THEMES[base], name=name, font=font, logo=logo, **changes)


# -- colour arithmetic (WCAG 2 relative luminance and contrast) ------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def mix(colour: str, other: str, share: float) -> str:
    """`colour` moved `share` of the way towards `other` (both #rrggbb)."""
    a, b = _rgb(colour), _rgb(other)
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on(background: str, dark: str = "#102a43", light: str = "#ffffff") -> str:
    """Whichever of `dark` and `light` text reads better on `background`."""
    return dark if contrast(background, dark) >= contrast(background, light) else light


def stage_ink(theme: Theme) -> tuple[str, str]:
    """(text, number disc) colours for the stage headers: the text is white or dark, whichever
    reads better on both stage colours; the disc is the text colour, with the number in the
    stage's own colour, so the disc stands out from every stage as much as the text does."""
    ink = readable_on(theme.stage)
    if contrast(theme.stage_alt, ink) < contrast(theme.stage, ink):
        ink = readable_on(theme.stage_alt)
    return ink, ink


def curve_colours(theme: Theme) -> CurveColours:
    """The emotion curve in the theme: on light paper the design's pale zones; on any other paper
    the zones are the emotion palette's blue and orange faintly over the paper, and the line and
    marks take the theme's muted ink, so the lane reads like the rest of the sheet."""
    if theme.paper == THEMES["light"].paper:
        return LIGHT_CURVE
    return CurveColours(
        positive=mix(theme.paper, EMOTION[2].fill, 0.22),
        negative=mix(theme.paper, EMOTION[-1].fill, 0.2),
        line=theme.muted,
        paper=theme.paper,
        marks=theme.muted,
    )


def font_family(theme: Theme) -> str:
    """The CSS font-family list: the theme's font (if any) before the one font chain."""
    names = ([theme.font] if theme.font else []) + list(FONT_CHAIN)
    return ", ".join(f'"{n}"' for n in names) + ", sans-serif"


DEFAULT = THEMES["light"]


def theme_css(theme: Theme) -> str:
    """CSS put after the poster's or page's own: nothing for the default theme."""
    if theme == DEFAULT:
        return ""
    t = theme
    font = f"body {{ font-family: {font_family(t)}; }}\n" if t.font else ""
    ink, disc = stage_ink(t)
    return font + f"""
html, body {{ background: {t.paper}; color: {t.ink}; }}
h1, .persona h2, .tp h3, .meta dd, .lane-title, .kpi-name {{ color: {t.ink}; }}
.description, .who, .quote, .desc, .actions, .plain, .kpi-values, .lane-hint, .meta dt, .for, .side h3,
.persona .needs h3, .empty, .none, .footer, footer.made, .band.compact .part {{ color: {t.muted}; }}
.kicker {{ color: {t.accent}; }}
.band {{ border-bottom-color: {t.stage}; }}
.persona, .lane-label, .overview th a {{ background: {t.panel}; }}
.persona .avatar, .overview .ov-num {{ background: {t.stage}; color: {readable_on(t.stage)}; }}
.stage, .corner {{ background: {t.stage}; color: {ink}; }}
.stage .num {{ background: {disc}; color: {t.stage}; }}
.stage.stage-b .num {{ background: {disc}; color: {t.stage_alt}; }}
.stage .phase, .stage .cont, .stage .goal {{ color: {ink}; }}
.stage.stage-b {{ background: {t.stage_alt}; }}
.stage {{ border-left-color: {t.paper}; }}
.cell.stage-a, .curve-cell, .scroller, .overview, .unlinked {{ background: {t.paper}; }}
.stage-b.cell {{ background: {t.panel}; }}
.cell, .lane-label, .curve-cell {{ border-color: {t.rule}; }}
.thought {{ background: {t.paper}; color: {t.ink}; border-color: {t.rule}; }}
.pain, .opp, .pain p, .opp > p {{ color: #1f2933; }}
.overview th a {{ color: {t.ink}; }}
.band {{ background: {t.paper}; }}
.persona .who, .persona .quote, .persona .needs ul {{ color: {t.ink}; }}
.persona .needs h3 {{ color: {t.muted}; }}
.lane-backstage .lane-label, .lane-support .lane-label, .lane-backstage .cell, .lane-support .cell {{
  background: {t.panel}; }}
details.more summary {{ color: {t.accent}; }}
body .hierarchy {{ background: {t.panel}; border-color: {t.rule}; color: {t.ink}; }}
body .hierarchy a, body .sub-journey a {{ color: {t.accent}; }}
body .hierarchy .label {{ color: {t.muted}; }}
.page-tools {{ color: {t.muted}; }}
.page-tools .fit {{ background: {t.stage}; color: {ink}; }}
details.more dl {{ background: {t.panel}; }}
"""


def poster_theme_css(theme: Theme) -> str:
    """The poster's sheet in the theme, to its edges: WeasyPrint paints `@page`'s background under
    the margins too, so a dark or brand poster has no white frame, and its footer and page
    numbers take the theme's muted ink. Nothing for the default theme."""
    if theme == DEFAULT:
        return ""
    return (
        f"@page {{ background: {theme.paper}; @bottom-right {{ color: {theme.muted}; }} }}\n"
        f".footer {{ color: {theme.muted}; }}\n"
    )


LOGO_CSS = "img.logo { display: block; max-height: 3.2em; max-width: 16em; margin: 0 0 0.5em; }\n"


def logo_html(theme: Theme | None) -> str:
    """The brand's logo as an <img> of its data: URL (an image element never runs a script in it),
    or nothing."""
    if theme is None or not theme.logo:
        return ""
    return f'<img class="logo" src="{theme.logo}" alt="Logo">'


def site_css(theme: Theme) -> str:
    """The site's colours and fonts (its stylesheets read them from custom properties): the same
    theme table as the poster and page, the same font chain. On dark paper the cards are the
    theme's panel and the chips its rule colour; on light paper the cards are the paper."""
    if theme == DEFAULT:
        return ""
    dark = luminance(theme.paper) < 0.4
    bg, card, panel = (theme.paper, theme.panel, theme.rule) if dark else (theme.panel, theme.paper, theme.panel)
    return (f":root{{--ink:{theme.ink};--muted:{theme.muted};--line:{theme.rule};--bg:{bg};--card:{card};"
            f"--panel:{panel};--accent:{theme.accent}}}"
            f"body{{font-family:{font_family(theme)}}}"
            f".chip.on{{color:{readable_on(theme.accent)}}}")
