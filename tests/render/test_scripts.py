"""Every script a map may be written in is drawn with a real glyph: Latin with accents, Japanese,
Arabic and Hebrew (shaped, in their own direction), emoji including a ZWJ sequence."""

from __future__ import annotations

import pytest

from journeymap.render.poster import poster_pdf
from tests.conftest import journey_from_text
from tests.render.helpers import RENDER_FIXTURES, journey_of, pdf_text, squeezed
from tests.render.scripts_check import embedded_font_names, missing_glyph_boxes

pytestmark = pytest.mark.slow

SCRIPTS = RENDER_FIXTURES / "scripts.journey.yaml"
SAMPLES = {
    "latin": "Café",
    "japanese": "注文",
    "arabic": "طلب",
    "hebrew": "עברית",
    "emoji": "😀",
    "zwj emoji": "👩\u200d💻",
}


def titled(title: str) -> bytes:
    text = f'journeymap: 1\nid: t\ntitle: "{title}"\nstages:\n  - id: s\n    name: S\n    touchpoints:\n'
    text += "      - {id: a, name: A, emotion: 1}\n"
    return poster_pdf(journey_from_text(text.encode(), "t.journey.yaml"), None)


@pytest.fixture(scope="module")
def scripts_poster() -> bytes:
    return poster_pdf(journey_of(SCRIPTS), SCRIPTS.parent)


def test_poster_embeds_a_font_for_every_script(scripts_poster):
    names = embedded_font_names(scripts_poster)
    for family in ("Noto-Sans", "Noto-Sans-CJK-JP", "Noto-Sans-Arabic", "Noto-Sans-Hebrew", "Noto-Color-Emoji"):
        assert any(name == family or name.startswith(family + "-") for name in names), (family, names)


def test_poster_text_layer_holds_every_script(scripts_poster):
    text = squeezed(pdf_text(scripts_poster))
    journey = journey_of(SCRIPTS)
    expected = [
        *(p.name for p in journey.personas),
        *(s.goal for s in journey.stages),
        "メニューを閲覧する",
        "文字が小さすぎて読めない",
        "👩\u200d💻",
        "😀",
        "☕",
    ]
    missing = [item for item in expected if squeezed(item) not in text]
    assert missing == []


@pytest.mark.parametrize("script", SAMPLES)
def test_each_script_is_drawn_without_a_missing_glyph_box(script):
    assert missing_glyph_boxes(titled(f"X {SAMPLES[script]} X")) == []


def test_all_scripts_in_one_line_draw_no_missing_glyph_box():
    assert missing_glyph_boxes(titled(" ".join(SAMPLES.values()))) == []


def test_the_check_sees_a_missing_glyph():
    # U+0378 is unassigned: no font has it, so the poster draws the .notdef box the check looks for
    assert len(missing_glyph_boxes(titled("Café \u0378 x"))) == 1
