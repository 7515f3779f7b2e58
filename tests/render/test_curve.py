"""The emotion curve's key (assumed line, measured band) sits where it covers no score: the first
touchpoints at +1 put their scores under a key drawn top left."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.measures import MeasuredEmotion
from journeymap.render.curve import emotion_curve_svg

NS = "{http://www.w3.org/2000/svg}"
COLUMN, HEIGHT = 160.0, 90.0


def measured(value: float) -> MeasuredEmotion:
    made = MeasuredEmotion(value)
    made.low, made.high, made.answers = value - 0.4, value + 0.4, 30
    return made


def texts(svg: str, group: str) -> list[tuple[float, float, str, str]]:
    """(x, baseline, text, anchor) of the texts in <g class=group>, in pixels."""
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(f"{NS}g"):
        if g.get("class") != group:
            continue
        for t in g.iter(f"{NS}text"):
            anchor = t.get("text-anchor") or g.get("text-anchor") or "start"
            out.append((float(t.get("x", "0")), float(t.get("y", "0")), t.text or "", anchor))
    return out


def key_box(svg: str) -> tuple[float, float, float, float]:
    """left, right, top, bottom of the key's two lines, at a narrow half an em a character."""
    root = ET.fromstring(svg)
    key = next(g for g in root.iter(f"{NS}g") if g.get("class") == "legend")
    size = float(key.get("font-size", "8"))
    lines = texts(svg, "legend")
    wide = max(0.5 * size * len(text) for _, _, text, _ in lines)
    x, anchor = lines[0][0], lines[0][3]
    left = x - wide if anchor == "end" else x
    return left, left + wide, min(y for _, y, _, _ in lines) - size, max(y for _, y, _, _ in lines)


def scores(svg: str) -> list[tuple[float, float]]:
    """(x, baseline) of every score, assumed and measured."""
    return [(x, y) for group in ("point", "measured") for x, y, _, _ in texts(svg, group)]


def covered(svg: str, font: float = 8.5) -> list[tuple[float, float]]:
    left, right, top, bottom = key_box(svg)
    return [(x, y) for x, y in scores(svg)
            if left - font < x < right + font and top < y and y - font < bottom]


def test_a_first_score_at_plus_one_is_not_under_the_key() -> None:
    emotions = [1, 1, 1, -1, 0, 1]
    svg = emotion_curve_svg(emotions, COLUMN, HEIGHT, measured=[measured(v) for v in (1, 1, 1, -1, -1.6, 0.9)])
    assert covered(svg) == []
    _, _, top, _ = key_box(svg)
    assert top > HEIGHT / 2  # moved to the bottom, the first free corner
    assert "band: 95% interval" in svg


def test_the_key_stays_top_left_when_the_scores_are_low() -> None:
    svg = emotion_curve_svg([-1, -2, -1, -1], COLUMN, HEIGHT, measured=[measured(-1.2)] * 4)
    left, _, top, _ = key_box(svg)
    assert left < COLUMN / 2 and top < HEIGHT / 4
    assert covered(svg) == []


def test_without_intervals_the_key_says_the_line_is_dashed() -> None:
    svg = emotion_curve_svg([2, 2, 2], COLUMN, HEIGHT, measured=[1.5, 1.0, 2.0])
    assert "- - measured (surveys)" in svg and 'class="band"' not in svg
    assert covered(svg) == []


values = st.one_of(st.none(), st.integers(-2, 2))


@settings(max_examples=200, deadline=None)
@given(st.lists(values, min_size=4, max_size=12), st.data())
def test_the_key_covers_no_score_when_a_corner_is_free(emotions: list[int | None], data: st.DataObject) -> None:
    found = [None if e is None else data.draw(st.floats(-2, 2)) for e in emotions]
    shown = [measured(v) if v is not None else None for v in found]
    if all(v is None for v in shown):
        shown[0] = measured(0.0)
    svg = emotion_curve_svg(emotions, COLUMN, HEIGHT, measured=shown)
    # a corner is surely free when the two columns at that end have every value on the other side
    # of zero, so that their markers and scores stay in the other half
    ends = (emotions[:2], found[:2]), (emotions[-2:], found[-2:])
    free = any(
        all(v is not None and (v <= -1 if top else v >= 1) for v in (*assumed, *seen))
        for assumed, seen in ends for top in (True, False)
    )
    if free:
        assert covered(svg) == [], svg
