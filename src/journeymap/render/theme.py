"""Themes: light (the default), dark, and a brand theme a repository builds from either, for the
poster, the web page, the site and the diagram.

A theme is a small table of colours for the surfaces and text around the content (paper,
panels, ink, muted text, rules, stage headers, an accent) and an optional font put before the
font chain. The emotion, severity and status palettes never change with the theme: they are
chosen to be safe for colour-blind readers, and every badge also says its value in words or
numbers, so colour is never the only cue. Their cards keep their own light fills and dark ink
in every theme, which keeps their contrast.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

from journeymap.render.errors import RenderError


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


def theme_of(base: str = "light", colours: Mapping[str, str] | None = None, font: str = "") -> Theme:
    """The theme `base` with `colours` and `font` put over it (a brand theme); RenderError (exit 2)
    for an unknown theme, colour key, or a value that is not `#rrggbb` or a plain font name."""
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
    name = base if not changes and not font else "brand"
    return dataclasses.replace(THEMES[base], name=name, font=font, **changes)


DEFAULT = THEMES["light"]


def theme_css(theme: Theme) -> str:
    """CSS put after the poster's or page's own: nothing for the default theme."""
    if theme == DEFAULT:
        return ""
    t = theme
    font = f'body {{ font-family: "{t.font}", "Noto Sans", "Noto Sans CJK JP", "Noto Sans Arabic", ' \
        '"Noto Sans Hebrew", "DejaVu Sans", sans-serif; }\n' if t.font else ""
    return font + f"""
html, body {{ background: {t.paper}; color: {t.ink}; }}
h1, .persona h2, .tp h3, .meta dd, .lane-title, .kpi-name {{ color: {t.ink}; }}
.description, .who, .quote, .desc, .actions, .plain, .kpi-values, .lane-hint, .meta dt, .for, .side h3,
.persona .needs h3, .empty, .none, .footer, footer.made, .band.compact .part {{ color: {t.muted}; }}
.kicker {{ color: {t.accent}; }}
.band {{ border-bottom-color: {t.stage}; }}
.persona, .lane-label, .overview th a {{ background: {t.panel}; }}
.persona .avatar, .stage .num, .overview .ov-num {{ background: {t.stage}; color: #ffffff; }}
.stage, .corner {{ background: {t.stage}; }}
.stage.stage-b {{ background: {t.stage_alt}; }}
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
details.more dl {{ background: {t.panel}; }}
"""


def site_css(theme: Theme) -> str:
    """The site's colours (its stylesheet reads them from custom properties)."""
    if theme == DEFAULT:
        return ""
    font = f'body{{font-family:"{theme.font}",sans-serif}}' if theme.font else ""
    return (f":root{{--ink:{theme.ink};--muted:{theme.muted};--line:{theme.rule};--bg:{theme.paper};"
            f"--accent:{theme.accent}}}{font}")
