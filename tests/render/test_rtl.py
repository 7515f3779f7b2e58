"""Right-to-left text (Arabic, Hebrew) is marked right-to-left and set flush right in every lane of
the poster and the page, opportunities included, and on the site's pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from journeymap.render.grid import Grid
from journeymap.render.html import html_page
from journeymap.render.poster import plan_poster, poster_html
from journeymap.render.text import MINUS, signed, text_direction
from tests.conftest import journey_from_text, run_cli
from tests.render.helpers import RENDER_FIXTURES, journey_of

SIXTY = RENDER_FIXTURES / "sixty-touchpoints.journey.yaml"
ARABIC = "يقارن خيارات التوصيل"

MAP = f"""\
journeymap: 1
id: rtl
title: "{ARABIC}"
stages:
  - id: s
    name: "{ARABIC}"
    goal: "{ARABIC}"
    kpis: [{{name: "{ARABIC}", target: "5%", current: "4%"}}]
    touchpoints:
      - id: t
        name: "{ARABIC}"
        description: "{ARABIC}"
        actions: ["{ARABIC}"]
        thoughts: ["{ARABIC}"]
        backstage: ["{ARABIC}"]
        support: ["{ARABIC}"]
        emotion: -1
        pain_points: [{{id: p, description: "{ARABIC}", severity: high}}]
opportunities:
  - {{id: o, description: "{ARABIC}", addresses: [p]}}
"""


class Directions(HTMLParser):
    """Each piece of text and whether it sits inside an element marked dir="rtl"."""

    VOID = frozenset({"meta", "img", "br", "col", "input", "link"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.skip = 0
        self.pieces: list[tuple[str, bool]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.skip += tag in ("style", "script", "title")
        self.stack.append(dict(attrs).get("dir") == "rtl" or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        self.skip -= tag in ("style", "script", "title")
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip() and not self.skip:
            self.pieces.append((data.strip(), bool(self.stack and self.stack[-1])))


def unmarked(html: str) -> list[str]:
    return [text for text, marked in Directions(html).pieces if text_direction(text) == "rtl" and not marked]


def test_every_lane_of_the_page_and_poster_marks_right_to_left_text():
    journey = journey_from_text(MAP)
    page = html_page(journey, None)
    grid = Grid(journey)
    poster = poster_html(grid, plan_poster(grid), {})
    for html in (page, poster):
        assert unmarked(html) == []
        assert '[dir="rtl"] { text-align: right; }' in html
    # the opportunity, which was not marked at all
    assert re.search(f'<p[^>]* dir="rtl" lang="ar">{ARABIC}</p>', page.split('class="opp')[1])


def test_the_sixty_touchpoint_map_has_no_unmarked_arabic():
    journey = journey_of(SIXTY)
    assert unmarked(html_page(journey, SIXTY.parent)) == []


def test_the_site_marks_right_to_left_titles(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "rtl.journey.yaml").write_text(MAP, encoding="utf-8")
    run = run_cli("site", str(maps), "--out", str(tmp_path / "site"))
    assert run.exit_code == 0, run.stderr
    for name in ("index.html", "portfolio.html"):
        assert unmarked((tmp_path / "site" / name).read_text()) == [], name


@given(st.floats(min_value=-1000, max_value=1000, allow_nan=False))
def test_signed_numbers_use_one_minus_sign(value):
    shown = signed(value)
    assert "-" not in shown  # never a hyphen
    assert shown.startswith(MINUS) == (round(value, 1) < 0)
    assert float(shown.replace(MINUS, "-")) == round(value, 1)
