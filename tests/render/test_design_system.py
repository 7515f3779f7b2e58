"""One design system: the poster, the web page, the site's index, map pages and portfolio page,
the pages and index of `journeymap serve`'s preview and the diagram use the colours of one table
(render/palette.py and the theme's own, render/theme.py) and the one font chain (render/text.py),
in every theme. The test reads each output the way a
reviewer would: every colour value and font family it holds, compared with the table."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from journeymap.config import default_project
from journeymap.render import palette
from journeymap.render.dot import dot_source
from journeymap.render.grid import Grid
from journeymap.render.html import html_page
from journeymap.render.poster import plan_poster, poster_html
from journeymap.render.text import FONT_CHAIN, MONO_FONT
from journeymap.render.theme import (
    COLOUR_KEYS,
    THEMES,
    Theme,
    contrast,
    curve_colours,
    stage_ink,
    theme_of,
)
from journeymap.serve import draw_pages
from tests.conftest import EXAMPLES, run_cli
from tests.render.helpers import GROCERY, journey_of

BRAND = theme_of("light", {"stage": "#7a1fa2", "accent": "#7a1fa2"}, "Inter")
THEME_CASES = {"light": THEMES["light"], "dark": THEMES["dark"], "brand": BRAND}

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")
_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)|\bfont\s*:\s*[^;}\"]*?((?:\"[^\"]+\"\s*,?\s*)+[^;}]*)"
                     r"|fontname=\"([^\"]+)\"")
GENERIC = {"sans-serif", "monospace", "inherit", "system-ui"}


def palette_colours() -> set[str]:
    found = set(palette.SUPPORT.values()) | {palette.INK, palette.MUTED, palette.RULE, palette.KPI_TRACK,
                                             palette.MEASURED, *palette.KPI_FILL.values(), *palette.FINDING.values()}
    for table in (palette.EMOTION, palette.SEVERITY, palette.STATUS):
        for swatch in table.values():
            found |= {swatch.fill, swatch.ink}
    for swatch in (palette.UNKNOWN_EMOTION, palette.ADDRESSED):
        found |= {swatch.fill, swatch.ink}
    return found


def theme_colours(theme: Theme) -> set[str]:
    ink, disc = stage_ink(theme)
    curve = dataclasses.asdict(curve_colours(theme))
    return {getattr(theme, key) for key in COLOUR_KEYS} | {ink, disc} | set(curve.values())


def colours_in(text: str) -> set[str]:
    found = set()
    for value in _HEX.findall(text):
        value = value.lower()
        found.add("#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value)
    found |= {"#" + "".join(f"{int(c):02x}" for c in rgb) for rgb in _RGB.findall(text)}
    return found


def fonts_in(text: str) -> set[str]:
    names = set()
    for groups in _FAMILY.findall(text):
        listed = next(g for g in groups if g)
        for name in re.split(r"[,]", listed):
            name = name.strip().strip("\"'").strip()
            if name and not re.fullmatch(r"[\d.]+(px|pt|em)?(/[\d.]+)?", name):
                names.add(name)
    return names - GENERIC


def outputs(theme: Theme, tmp_path: Path) -> dict[str, str]:
    journey = journey_of(EXAMPLES / "online-shop.journey.yaml")
    grid = Grid(journey, curve=curve_colours(theme))
    out = {
        "page": html_page(journey, None, theme=theme),
        "poster": poster_html(grid, plan_poster(grid), {}, theme),
        "diagram": dot_source(journey, theme=theme),
    }
    site = tmp_path / f"site-{theme.name}"
    config = tmp_path / f"{theme.name}.yaml"
    colours = ", ".join(f'{k}: "{getattr(theme, k)}"' for k in COLOUR_KEYS if getattr(theme, k) !=
                        getattr(THEMES["light"], k))
    font = f", font: {theme.font}" if theme.font else ""
    config.write_text(f"theme: {{base: {'dark' if theme.paper == THEMES['dark'].paper else 'light'}"
                      f"{', ' + colours if colours and theme.name == 'brand' else ''}{font}}}\n", encoding="utf-8")
    run = run_cli("site", str(EXAMPLES), "--out", str(site), "--config", str(config))
    assert run.exit_code == 0, run.stderr
    out["site index"] = (site / "index.html").read_text()
    out["portfolio"] = (site / "portfolio.html").read_text()
    out["site map page"] = next((site / "maps").glob("*.html")).read_text()
    broken = tmp_path / f"broken-{theme.name}.journey.yaml"
    broken.write_text("journeymap: 1\ntitle: [\n", encoding="utf-8")  # listed on the index as broken
    preview = draw_pages([str(EXAMPLES), str(broken)], default_project(), 1, theme)
    out["serve index"] = preview.pages["index.html"].decode("utf-8")
    out["serve map page"] = next(page for name, page in preview.pages.items() if name != "index.html").decode()
    return out


@pytest.mark.parametrize("name", THEME_CASES)
def test_every_output_uses_only_the_design_tables_colours_and_fonts(name, tmp_path):
    theme = THEME_CASES[name]
    allowed = palette_colours() | theme_colours(THEMES["light"]) | theme_colours(theme)
    fonts = set(FONT_CHAIN) | {MONO_FONT} | ({theme.font} if theme.font else set())
    for output, text in outputs(theme, tmp_path).items():
        stray = colours_in(text) - allowed
        assert not stray, f"{output} ({name}) uses colours outside the design table: {sorted(stray)}"
        used = fonts_in(text)
        assert used - fonts == set(), f"{output} ({name}) uses fonts outside the chain: {used - fonts}"
        assert set(FONT_CHAIN) <= used, f"{output} ({name}) lacks part of the font chain: {set(FONT_CHAIN) - used}"
        if theme.font:
            assert theme.font in used, f"{output} ({name}) ignores the brand font"


@pytest.mark.parametrize("name", ["dark", "brand"])
def test_a_theme_reaches_every_output(name, tmp_path):
    theme = THEME_CASES[name]
    for output, text in outputs(theme, tmp_path).items():
        assert theme.stage in colours_in(text) or theme.paper in colours_in(text), output
        if theme.paper != THEMES["light"].paper:
            assert theme.paper in colours_in(text), f"{output} is not on the theme's paper"


def test_the_emotion_colours_never_set_red_against_green():
    # RdYlBu: warm for negative, blue for positive; no hue between yellow-green and cyan-green anywhere
    for colour in palette_colours() | theme_colours(THEMES["dark"]):
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert not (g > r + 40 and g > b + 40), f"{colour} is a green"
    assert palette.EMOTION[-2].fill == "#d7191c" and palette.EMOTION[2].fill == "#2c7bb6"


@pytest.mark.parametrize("stage", ["#7a1fa2", "#ffcc00", "#003366", "#e0f2f1", "#777777", "#ff0000"])
@pytest.mark.parametrize("base", ["light", "dark"])
def test_a_brand_stage_colour_colours_every_stage_and_keeps_the_number_readable(stage, base):
    theme = theme_of(base, {"stage": stage})
    assert theme.stage_alt != THEMES[base].stage_alt  # the second stage colour is the brand's too
    ink, disc = stage_ink(theme)
    for background in (theme.stage, theme.stage_alt):
        assert contrast(disc, background) >= 3.0  # the number disc stands out from every stage
        assert contrast(ink, background) >= 3.0  # the stage's name reads on it


def test_the_dark_poster_fills_the_sheet_and_its_curve_follows_the_theme():
    dark = THEMES["dark"]
    journey = journey_of(GROCERY)
    grid = Grid(journey, curve=curve_colours(dark))
    html = poster_html(grid, plan_poster(grid), {}, dark)
    assert f"@page {{ background: {dark.paper};" in html
    assert f".footer {{ color: {dark.muted}; }}" in html
    curve = curve_colours(dark)
    assert f'fill="{curve.positive}"' in html and f'fill="{curve.negative}"' in html
    assert '"#e8f1f8"' not in html and '"#fcefe3"' not in html  # no light pastel bands on a dark sheet
