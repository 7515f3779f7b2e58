"""The emotion curve: one inline SVG line across the touchpoints, shared by poster and web page.

Points sit at the centre of each touchpoint's column, so the curve lines up
with the grid above and below it. The band above the zero line is tinted as
the positive zone, the band below as the negative zone. Segments are cubic
curves with flat tangents at every point, so the line never overshoots a
score. A touchpoint without a recorded emotion gets a hollow marker on the
zero line and the line bridges it with a dotted stroke.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from journeymap.render.palette import MEASURED as _MEASURED
from journeymap.render.palette import MUTED, emotion_score, emotion_swatch
from journeymap.render.text import html_text, signed


@dataclass(frozen=True)
class CurveColours:
    """The curve's own colours, which follow the theme (render.theme.curve_colours): the tinted
    positive and negative zones, the line and its scores, the thin rules across the zones and
    the stage separators (the paper's colour), and the score marks beside the lane. The markers
    keep the emotion palette in every theme."""

    positive: str = "#e8f1f8"
    negative: str = "#fcefe3"
    line: str = "#334e68"
    paper: str = "#ffffff"
    marks: str = MUTED


LIGHT_CURVE = CurveColours()


def emotion_curve_svg(
    emotions: Sequence[int | None],
    column_width: float,
    height: float,
    *,
    names: Sequence[str] = (),
    stage_starts: Sequence[int] = (),
    empty: Collection[int] = (),
    scale: float = 1.0,
    measured: Sequence[float | None] = (),
    colours: CurveColours = LIGHT_CURVE,
    fluid: bool = False,
) -> str:
    """An SVG element `len(emotions) * column_width` wide; sizes in CSS pixels.

    `fluid` (the web page, whose grid widens to the window) makes it as wide as its cell instead:
    every horizontal position is a share of the width, the lines are stretched sideways only (their
    strokes keep their width), and markers and scores keep their size and shape, so the curve still
    meets the middle of each column and its scale beside the lane.

    `names` become hover titles on the points (escaped), `stage_starts` are
    the column indexes where a new stage begins (drawn as thin separators),
    `empty` the columns of stages without touchpoints (no marker at all). `measured`, when
    given, is the emotion customers report (from a measures snapshot) for each column: drawn
    beside the assumed curve as a band over its 95% interval (a value with `low` and `high`, as
    measures.MeasuredEmotion has) through square markers, with a legend.
    """
    width = max(1, len(emotions)) * column_width
    pad = curve_padding(scale)
    radius = 5.2 * scale
    font = 8.5 * scale

    def y_of(emotion: float) -> float:
        return pad + (2 - emotion) / 4 * (height - 2 * pad)

    def x_of(index: int) -> float:
        return (index + 0.5) * column_width

    def fx(x: float) -> str:
        """A horizontal position as written: pixels, or a share of the width when fluid."""
        return f"{x / width * 100:.3f}%" if fluid else f"{x:.1f}"

    mid = y_of(0)
    size = f'width="100%" height="{height:.1f}"' if fluid else \
        f'width="{width:.1f}" height="{height:.1f}" viewBox="0 0 {width:.1f} {height:.1f}"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="curve" {size} role="img" aria-label="Emotion curve">',
        f'<rect x="0" y="0" width="{fx(width)}" height="{mid:.1f}" fill="{colours.positive}"/>',
        f'<rect x="0" y="{mid:.1f}" width="{fx(width)}" height="{height - mid:.1f}" fill="{colours.negative}"/>',
    ]
    for level in (2, 1, -1, -2):
        parts.append(
            f'<line x1="0" x2="{fx(width)}" y1="{y_of(level):.1f}" y2="{y_of(level):.1f}" '
            f'stroke="{colours.paper}" stroke-width="{max(0.6, scale):.2f}"/>'
        )
    parts.append(
        f'<line x1="0" x2="{fx(width)}" y1="{mid:.1f}" y2="{mid:.1f}" stroke="{colours.marks}" '
        f'stroke-width="{0.8 * scale:.2f}" stroke-dasharray="{3 * scale:.1f} {3 * scale:.1f}"/>'
    )
    for start in stage_starts:
        if 0 < start < len(emotions):
            x = fx(start * column_width)
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="0" y2="{height:.1f}" stroke="{colours.paper}" '
                f'stroke-width="{2 * scale:.2f}"/>'
            )
    lines = _line(emotions, x_of, y_of, scale, colours.line)
    dots = []
    for index, emotion in enumerate(emotions):
        if index in empty:
            continue
        dots.append(_marker(index, emotion, fx(x_of(index)), y_of(emotion or 0), radius, font, scale, names, colours))
    if any(m is not None for m in measured):
        measured_path, measured_marks, banded = _measured(measured, x_of, fx, y_of, radius, font, scale, names,
                                                          colours)
        lines += measured_path
        dots += measured_marks
        taken = _taken(emotions, measured, empty, x_of, y_of, radius, font, scale)
        dots.append(_legend(banded, taken, width, height, font, scale, fx, colours))
    parts += _stretched(lines, width, height) if fluid else lines
    parts += dots
    parts.append("</svg>")
    return "".join(parts)


def _stretched(paths: list[str], width: float, height: float) -> list[str]:
    """The curve's lines in a box drawn at the pixel width and stretched sideways to the cell's; the
    strokes keep their width (non-scaling-stroke), the dots and scores are drawn outside it."""
    if not paths:
        return []
    inner = "".join(p.replace("<path ", '<path vector-effect="non-scaling-stroke" ', 1) for p in paths)
    return [
        f'<svg x="0" y="0" width="100%" height="{height:.1f}" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'preserveAspectRatio="none" overflow="visible">{inner}</svg>'
    ]


def curve_padding(scale: float) -> float:
    """Room above +2 and below −2 for the markers and their scores."""
    return 16 * scale


def _line(
    emotions: Sequence[int | None], x_of: Callable[[int], float], y_of: Callable[[int], float], scale: float,
    line: str,
) -> list[str]:
    known = [(i, e) for i, e in enumerate(emotions) if e is not None]  # empty columns are None too
    solid: list[str] = []
    dotted: list[str] = []
    for (i0, e0), (i1, e1) in itertools.pairwise(known):
        x0, y0, x1, y1 = x_of(i0), y_of(e0), x_of(i1), y_of(e1)
        half = (x1 - x0) / 2
        segment = f"M{x0:.1f},{y0:.1f} C{x0 + half:.1f},{y0:.1f} {x1 - half:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        (solid if i1 == i0 + 1 else dotted).append(segment)
    out = []
    if solid:
        out.append(
            f'<path d="{" ".join(solid)}" fill="none" stroke="{line}" stroke-width="{2.2 * scale:.2f}" '
            'stroke-linecap="round"/>'
        )
    if dotted:
        out.append(
            f'<path d="{" ".join(dotted)}" fill="none" stroke="{line}" stroke-width="{1.4 * scale:.2f}" '
            f'stroke-dasharray="{2 * scale:.1f} {3 * scale:.1f}"/>'
        )
    return out


def _marker(
    index: int, emotion: int | None, x: str, y: float, radius: float, font: float, scale: float,
    names: Sequence[str], colours: CurveColours,
) -> str:
    swatch = emotion_swatch(emotion)
    title = ""
    if index < len(names):
        title = f"<title>{html_text(names[index])}: {emotion_score(emotion)} ({swatch.word})</title>"
    if emotion is None:
        circle = (
            f'<circle cx="{x}" cy="{y:.1f}" r="{radius:.1f}" fill="{colours.paper}" stroke="{colours.marks}" '
            f'stroke-width="{1.2 * scale:.2f}" stroke-dasharray="{1.5 * scale:.1f} {1.5 * scale:.1f}"/>'
        )
    else:
        circle = (
            f'<circle cx="{x}" cy="{y:.1f}" r="{radius:.1f}" fill="{swatch.fill}" stroke="{colours.line}" '
            f'stroke-width="{1.3 * scale:.2f}"/>'
        )
    ty = _score_y(emotion, y, radius, font, scale)
    label = (
        f'<text x="{x}" y="{ty:.1f}" text-anchor="middle" font-size="{font:.1f}" font-weight="bold" '
        f'fill="{colours.line}">{emotion_score(emotion)}</text>'
    )
    return f'<g class="point">{title}{circle}{label}</g>'


def _measured(
    values: Sequence[float | None], x_of: Callable[[int], float], fx: Callable[[float], str],
    y_of: Callable[[float], float], radius: float, font: float, scale: float, names: Sequence[str],
    colours: CurveColours,
) -> tuple[list[str], list[str], bool]:
    """The measured emotion: a band over each value's 95% interval, joining neighbours (the first
    list, drawn under the curve), then square markers, each with its score (the second), and
    whether it is banded. Values without an interval (a snapshot written before intervals) are
    joined by a dashed line instead."""
    known = [(i, max(-2.0, min(2.0, v))) for i, v in enumerate(values) if v is not None]
    spans = {i: _span(values[i]) for i, _ in known}
    lines = _band(spans, x_of, y_of, radius * 0.8)
    banded = bool(lines)
    out: list[str] = []
    if len(known) > 1 and not banded:
        path = " ".join(f"{'M' if n == 0 else 'L'}{x_of(i):.1f},{y_of(v):.1f}" for n, (i, v) in enumerate(known))
        lines.append(
            f'<path d="{path}" fill="none" stroke="{_MEASURED}" stroke-width="{1.8 * scale:.2f}" '
            f'stroke-dasharray="{5 * scale:.1f} {3 * scale:.1f}"/>'
        )
    side = radius * 0.8
    for i, v in known:
        x, y = fx(x_of(i)), y_of(v)
        title = f"<title>{html_text(names[i])}: measured {signed(v)}</title>" if i < len(names) else ""
        ty = _measured_score_y(v, y, side, font, scale)
        out.append(
            # moved back by half its side after its place is found, which may be a share of the width
            f'<g class="measured">{title}<rect x="{x}" y="{y - side:.1f}" width="{2 * side:.1f}" '
            f'transform="translate({-side:.1f},0)" '
            f'height="{2 * side:.1f}" fill="{colours.paper}" stroke="{_MEASURED}" stroke-width="{1.6 * scale:.2f}"/>'
            f'<text x="{x}" y="{ty:.1f}" text-anchor="middle" font-size="{font * 0.9:.1f}" '
            f'fill="{_MEASURED}">{signed(v)}</text></g>'
        )
    return lines, out, banded


def _score_y(emotion: float | None, y: float, radius: float, font: float, scale: float) -> float:
    """The baseline of an assumed score: on the side away from the zero line, where the curve is not."""
    return y - radius - 2.5 * scale if emotion is None or emotion >= 0 else y + radius + font


def _measured_score_y(value: float, y: float, side: float, font: float, scale: float) -> float:
    """The baseline of a measured score: on the side away from the assumed one's."""
    return y + side + font if value >= 0 else y - side - 2.5 * scale


Box = tuple[float, float, float, float]  # left, right, top, bottom


def _taken(
    emotions: Sequence[int | None], measured: Sequence[float | None], empty: Collection[int],
    x_of: Callable[[int], float], y_of: Callable[[float], float], radius: float, font: float, scale: float,
) -> list[Box]:
    """The boxes the markers and their scores take (a score is about two characters wide)."""
    boxes: list[Box] = []
    half = max(radius, font)
    for index, emotion in enumerate(emotions):
        if index in empty:
            continue
        x, y = x_of(index), y_of(emotion or 0)
        ty = _score_y(emotion, y, radius, font, scale)
        boxes.append((x - half, x + half, min(y - radius, ty - font), max(y + radius, ty + 0.25 * font)))
    for index, value in enumerate(measured):
        if value is None:
            continue
        v = max(-2.0, min(2.0, value))
        x, y = x_of(index), y_of(v)
        ty = _measured_score_y(v, y, radius * 0.8, font, scale)
        boxes.append((x - half, x + half, min(y - radius, ty - font), max(y + radius, ty + 0.25 * font)))
    return boxes


def _legend(
    banded: bool, taken: list[Box], width: float, height: float, font: float, scale: float,
    fx: Callable[[float], str], colours: CurveColours,
) -> str:
    """The two-line key of the lines, in the first corner of the lane (top left, bottom left, top
    right, bottom right) where it covers no marker or score: a first touchpoint at +1 put its
    score under the key's text. Where every corner is taken, top left."""
    size = font * 0.95
    measured = "■ measured (surveys), band: 95% interval" if banded else "- - measured (surveys)"
    wide = 0.56 * size * len(measured)  # the longer line, at about half an em a character
    tall = 2 * size + 5 * scale
    margin = 4 * scale

    def box(right: bool, bottom: bool) -> Box:
        left = width - margin - wide if right else margin
        top = height - tall - margin if bottom else 0.0
        return left, left + wide, top, top + tall

    def clear(b: Box) -> bool:
        return not any(o[0] < b[1] and b[0] < o[1] and o[2] < b[3] and b[2] < o[3] for o in taken)

    corners = [(False, False), (False, True), (True, False), (True, True)]
    right, bottom = next((c for c in corners if clear(box(*c))), corners[0])
    left, _, top, _ = box(right, bottom)
    x = fx(width - margin) if right else fx(left)
    anchor = ' text-anchor="end"' if right else ""
    return (
        f'<g class="legend" font-size="{size:.1f}"{anchor}><text x="{x}" y="{top + size + 2 * scale:.1f}" '
        f'fill="{colours.line}">— assumed</text><text x="{x}" y="{top + 2 * size + 4 * scale:.1f}" '
        f'fill="{_MEASURED}">{measured}</text></g>'
    )


def _span(value: float | None) -> tuple[float, float] | None:
    low, high = getattr(value, "low", None), getattr(value, "high", None)
    if low is None or high is None:
        return None
    return max(-2.0, min(2.0, low)), max(-2.0, min(2.0, high))


def _band(
    spans: dict[int, tuple[float, float] | None], x_of: Callable[[int], float], y_of: Callable[[float], float],
    half: float,
) -> list[str]:
    """One translucent shape over the intervals: each value's interval as a bar as wide as its
    marker, neighbouring columns' bars joined, so the uncertainty reads as a band."""
    shapes = []
    for i, span in spans.items():
        if span is None:
            continue
        low, high = span
        joined = spans.get(i + 1)
        if joined is not None:  # to the next column: the band narrows or widens between them
            x0, x1 = x_of(i), x_of(i + 1)
            shapes.append(f"M{x0:.1f},{y_of(high):.1f} L{x1:.1f},{y_of(joined[1]):.1f} "
                          f"L{x1:.1f},{y_of(joined[0]):.1f} L{x0:.1f},{y_of(low):.1f} Z")
        x = x_of(i)
        shapes.append(f"M{x - half:.1f},{y_of(high):.1f} H{x + half:.1f} V{y_of(low):.1f} H{x - half:.1f} Z")
    if not shapes:
        return []
    return [f'<path class="band" d="{" ".join(shapes)}" fill="{_MEASURED}" fill-opacity="0.22" stroke="none"/>']
