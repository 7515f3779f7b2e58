"""Themes: light (the default, unchanged pictures), dark, and a brand theme from the configuration,
for the diagram, the page, the poster and the site; the palettes stay colour-blind-safe."""

from __future__ import annotations

import pytest

from journeymap.render import RenderError
from journeymap.render.theme import THEMES, theme_css, theme_of
from tests.conftest import needs_dot, run_cli
from tests.render.helpers import GROCERY


def test_light_is_the_default_and_adds_nothing():
    assert theme_of() == THEMES["light"]
    assert theme_css(theme_of("light")) == ""


def test_a_brand_theme_puts_colours_and_a_font_over_a_base():
    brand = theme_of("dark", {"accent": "#0055AA", "stage": "#003366"}, "Inter")
    assert (brand.name, brand.accent, brand.stage, brand.paper, brand.font) == (
        "brand", "#0055aa", "#003366", THEMES["dark"].paper, "Inter")
    css = theme_css(brand)
    assert '"Inter", "Noto Sans"' in css and ".kicker { color: #0055aa; }" in css


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("sepia",), "unknown theme 'sepia'; choose one of: light, dark"),
        (("light", {"accent": "red"}), "theme colour 'accent' must be written #rrggbb"),
        (("light", {"glow": "#ffffff"}), "a theme has no colour 'glow'"),
        (("light", {}, 'Inter"; } body { x'), "must be a font family name"),
    ],
)
def test_bad_theme_settings_are_refused_with_what_to_write(args, says):
    with pytest.raises(RenderError, match=says):
        theme_of(*args)


def test_dark_page_keeps_its_content_security_policy_and_the_palettes(tmp_path):
    out = tmp_path / "page.html"
    run = run_cli("render", str(GROCERY), "-f", "html", "--theme", "dark", "-o", str(out))
    assert run.exit_code == 0, run.stderr
    text = out.read_text()
    assert "html, body { background: #111827; color: #f3f4f6; }" in text
    # the emotion palette and its score badges are the same in every theme: never colour alone
    assert ".score.e-m2, .swatch.e-m2 { background: #d7191c;" in text and ">−2</span>" in text


@needs_dot
def test_dark_diagram_colours_the_paper_and_stage_boxes_not_the_nodes(tmp_path):
    run = run_cli("render", str(GROCERY), "-f", "dot", "--theme", "dark")
    assert run.exit_code == 0
    assert 'bgcolor="#111827"' in run.stdout and 'fillcolor="#1f2937", color="#374151"' in run.stdout
    assert 'fillcolor="#abd9e9"' in run.stdout  # a +1 touchpoint keeps its palette colour


def test_configuration_theme_reaches_the_site_and_the_poster_html(tmp_path):
    config = tmp_path / ".journeymap.yaml"
    config.write_text('theme: {base: dark, accent: "#22aa88"}\n', encoding="utf-8")
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "g.journey.yaml").write_bytes(GROCERY.read_bytes())
    run = run_cli("site", str(maps), "--out", str(tmp_path / "site"), "--config", str(config))
    assert run.exit_code == 0, run.stderr
    index = (tmp_path / "site" / "index.html").read_text()
    assert "--accent:#22aa88" in index and "--bg:#111827" in index
    page = next((tmp_path / "site" / "maps").glob("*.html")).read_text()
    assert ".kicker { color: #22aa88; }" in page


def test_a_bad_theme_in_the_configuration_stops_render_with_exit_2(tmp_path):
    config = tmp_path / ".journeymap.yaml"
    config.write_text("theme: neon\n", encoding="utf-8")
    run = run_cli("render", str(GROCERY), "-f", "mermaid", "--config", str(config))
    assert run.exit_code == 2
    assert "unknown theme 'neon'; choose one of: light, dark" in run.stderr
