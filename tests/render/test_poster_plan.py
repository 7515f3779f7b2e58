"""The poster's plan, checked on generated maps without printing them: the fewest pages that cut
no cell, pages that start at stages, cuts in whole lines, names that never hide their actions."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.render.grid import NAME_LINES, Grid
from journeymap.render.header import LONG_WORD, hyphenated
from journeymap.render.poster import (
    MIN_COLUMN_PX,
    PERSONA_SHARE,
    candidate_splits,
    columns_per_page,
    cuts,
    plan_poster,
    poster_grid,
    split_into,
    with_pages,
)
from tests.conftest import journey_from_text

WORDS = ["parcel", "courier", "basket", "refund", "delivery", "supermarket", "app", "evening", "slot", "door"]


def map_text(stages: list[list[tuple[int, int, int]]]) -> str:
    """A map of the given stages, each a list of touchpoints (name words, actions, pain words)."""
    out = ["journeymap: 1", "title: Generated", "stages:"]
    for s, touchpoints in enumerate(stages):
        out += [f"  - id: s{s}", f"    name: Stage {s}", "    touchpoints:"]
        for t, (name_words, actions, pain_words) in enumerate(touchpoints):
            name = " ".join(WORDS[(s + t + i) % len(WORDS)] for i in range(name_words))
            out += [f"      - id: t{s}-{t}", f"        name: {name}"]
            if actions:
                out.append("        actions: [" + ", ".join(f"Action {s}-{t}-{a}" for a in range(actions)) + "]")
            if pain_words:
                pain = " ".join(WORDS[i % len(WORDS)] for i in range(pain_words))
                out.append(f"        pain_points: [{{id: p{s}-{t}, description: {pain}}}]")
    return "\n".join(out) + "\n"


touchpoint = st.tuples(st.integers(1, 20), st.integers(0, 4), st.integers(0, 120))
maps = st.lists(st.lists(touchpoint, min_size=1, max_size=6), min_size=1, max_size=7)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps, st.sampled_from(["A4", "A3", "A1"]))
def test_the_plan_takes_the_fewest_pages_that_cut_no_cell(stages, sheet):
    grid = poster_grid(journey_from_text(map_text(stages)))
    plan = plan_poster(grid, sheet)
    capacity = columns_per_page(plan, MIN_COLUMN_PX)
    assert all(stop - first <= capacity for first, stop in plan.pages)
    assert plan.pages[0][0] == 0 and plan.pages[-1][1] == len(grid.columns)
    assert all(a[1] == b[0] for a, b in zip(plan.pages, plan.pages[1:], strict=False))
    if cuts(plan) == 0 and len(plan.pages) > 1:
        # the even split on one page fewer (one of the layout's candidates) cuts a cell or cannot
        # hold the map
        even = split_into(grid, len(plan.pages) - 1, capacity)
        assert even is None or even in candidate_splits(grid, len(plan.pages) - 1, capacity, 0.7)
        assert even is None or cuts(with_pages(grid, plan, even)) > 0
    assert plan.type.body >= 7.5  # the sheet's type, never squeezed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps)
def test_a_cut_cell_shows_whole_pieces_and_keeps_the_actions(stages):
    grid = poster_grid(journey_from_text(map_text(stages)))
    plan = plan_poster(grid, "A4")
    for (lane, column), (mark, shown) in plan.cut.items():
        touchpoint = grid.columns[column].touchpoint
        assert touchpoint is not None
        full = grid.cell(lane, touchpoint).html
        # every clamp holds whole lines, and names the count
        assert all(1 <= int(n) <= 40 for n in re.findall(r"clamp-(\d+)", shown))
        # what is shown is the cell's own text, never anything else
        assert set(re.findall(r">([^<]+)<", shown)) <= set(re.findall(r">([^<]+)<", full))
        if lane == "touchpoints" and mark == "capped":
            assert shown == full  # only the name is held (to NAME_LINES), by the poster's CSS
    # a touchpoint's actions always show: its name never takes more than NAME_LINES lines
    for key, cells in grid.estimates(0, len(grid.columns)).items():
        if key == "touchpoints":
            for cell in cells:
                if cell.parts:
                    assert cell.parts[0].lines(1.0) <= NAME_LINES


def test_a_map_without_channels_shows_no_channel_chip():
    text = map_text([[(2, 1, 0), (3, 0, 0)]])
    grid = Grid(journey_from_text(text))
    assert all("no channel" not in grid.cell("channels", c.touchpoint).html for c in grid.columns)
    channels = "title: Generated\nchannels: [{id: web, name: Web, kind: digital}]"
    with_channels = text.replace("title: Generated", channels)
    with_channels = with_channels.replace("        name: ", "        channel: web\n        name: ", 1)
    grid = Grid(journey_from_text(with_channels))
    assert any("no channel" in grid.cell("channels", c.touchpoint).html for c in grid.columns)


@settings(deadline=None)  # the first call loads the hyphenation dictionary
@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=20), min_size=1, max_size=4))
def test_only_long_words_get_soft_hyphens(words):
    out = hyphenated(" ".join(words))
    for word, marked in zip(words, out.split(" "), strict=True):
        if len(word) <= LONG_WORD:
            assert marked == word  # a short word ("Magasin") never breaks
        else:
            assert marked.replace("&shy;", "") == word


def personas_map(count: int, details: bool) -> str:
    extra = ", description: Shops on the way home" if details else ""
    personas = "".join(f"  - {{id: p{n}, name: Person {n}{extra}}}\n" for n in range(count))
    return f"journeymap: 1\ntitle: People\npersonas:\n{personas}"


@given(st.integers(1, 14), st.booleans(), st.integers(1, 6))
@settings(max_examples=40, deadline=None)
def test_no_persona_disappears_from_the_header(count, details, limit):
    from journeymap.render.header import header_band

    journey = journey_from_text(personas_map(count, details))
    html = header_band(journey, {}, max_personas=limit)
    # every persona is on a card or named on the "+ N more" card, which never stands for just one
    assert all(f"Person {n}" in html for n in range(count))
    assert "+ 1 more persona<" not in html


@given(st.integers(1, 8), st.sampled_from(["A4", "A3", "A0"]))
@settings(max_examples=20, deadline=None)
def test_rich_cards_are_wide_enough_for_unauthenticated_whole(count, sheet):
    text = personas_map(count, True)
    for n in range(count):
        text = text.replace(f"name: Person {n},", f"name: Unauthenticated Users {n},")
    grid = poster_grid(journey_from_text(text))
    plan = plan_poster(grid, sheet)
    slots = plan.personas + (1 if plan.personas < count else 0)
    card_em = plan.usable_width_px * PERSONA_SHARE / plan.root_px / slots
    # the picture, the padding and "Unauthenticated" in bold at the touchpoint size fit one card
    assert card_em >= 4.4 + len("Unauthenticated") * 0.6 * plan.type.touchpoint / plan.type.body
    assert hyphenated("Unauthenticated Users") == "Unauthenticated Users"
