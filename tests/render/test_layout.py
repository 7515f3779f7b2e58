"""The diagram's layout, read back from the SVG Graphviz drew: what a reader sees of the map's order.

Invariants, on the examples, a 60-touchpoint map in three scripts and generated maps whose
opportunities address pain points in random other stages:
- stage i's frame lies left of stage i+1's, and all frames' tops line up;
- every touchpoint is inside its own stage's frame, and a stage's touchpoints form one straight
  column (a one-stage map: one row);
- no edge crosses the frame of a stage that neither of its ends belongs to.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.defaults import DEFAULT_MEMORY_BYTES
from journeymap.model import Journey
from journeymap.render.dot import _Builder, dot_source, laid_out  # noqa: PLC2701
from tests.conftest import EXAMPLES, journey_from_text, needs_dot
from tests.render.helpers import RENDER_FIXTURES, journey_of

SIXTY = RENDER_FIXTURES / "sixty-touchpoints.journey.yaml"

Box = tuple[float, float, float, float]  # left, right, top, bottom (SVG y grows downwards)


@dataclass
class Drawing:
    frames: dict[str, Box]  # cluster name -> box
    nodes: dict[str, Box]  # node id -> box
    edges: list[tuple[str, str, list[tuple[float, float]]]]  # tail, head, points along the path


def _box(numbers: list[float]) -> Box:
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), max(xs), min(ys), max(ys)


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _bezier_points(d: str) -> list[tuple[float, float]]:
    """Points along a Graphviz edge path (`M x,y C x1,y1 x2,y2 x3,y3 ...`), 12 per cubic segment."""
    numbers = _numbers(d)
    points = list(zip(numbers[0::2], numbers[1::2], strict=True))
    out = [points[0]]
    for i in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[i - 1], points[i], points[i + 1], points[i + 2]
        for k in range(1, 13):
            t = k / 12
            out.append(tuple(  # type: ignore[arg-type]
                (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * e
                for a, b, c, e in zip(p0, p1, p2, p3, strict=True)
            ))
    return out


def drawing(journey: Journey) -> Drawing:
    svg, note = laid_out(lambda simple: dot_source(journey, simple=simple), "svg", timeout=60,
                         memory=DEFAULT_MEMORY_BYTES)
    assert note is None, note  # drawn with the full layout, not the fallback
    text = svg.decode("utf-8")
    frames, nodes, edges = {}, {}, []
    for g in re.finditer(r'<g id="[^"]*" class="(cluster|node|edge)"[^>]*>(.*?)</g>', text, re.S):
        kind, body = g.group(1), g.group(2)
        title = re.search(r"<title>([^<]*)</title>", body)
        assert title is not None
        name = title.group(1)
        shape = re.search(r'<(?:path|polygon|ellipse)[^>]*?(?: d| points)="([^"]+)"', body)
        if kind == "cluster" and shape:
            frames[name] = _box(_numbers(shape.group(1)))
        elif kind == "node" and shape:
            nodes[name] = _box(_numbers(shape.group(1)))
        elif kind == "edge":
            path = re.search(r'<path[^>]* d="([^"]+)"', body)
            if path:
                tail, head = name.split("&#45;&gt;")
                edges.append((tail, head, _bezier_points(path.group(1))))
    return Drawing(frames, nodes, edges)


def stage_of_node(journey: Journey) -> tuple[list[str], dict[str, str]]:
    """The clusters in the map's order, and the cluster each generated node id belongs to."""
    builder = _Builder(journey)
    builder.build()
    ids = builder.ids
    clusters, owner = [], {}
    for stage in journey.stages:
        cluster = f"cluster_{ids[('s', stage.id)]}"
        clusters.append(cluster)
        owner[f"{ids[('s', stage.id)]}c"] = cluster
        for touchpoint in stage.touchpoints:
            owner[ids[("t", touchpoint.id)]] = cluster
            for pain in touchpoint.pain_points:
                owner[ids[("p", pain.id)]] = cluster
                for opportunity in builder.anchored.get(pain.id, []):
                    owner[ids[("o", opportunity.id)]] = cluster
    return clusters, owner


def inside(point: tuple[float, float], box: Box, margin: float = 1.0) -> bool:
    x, y = point
    left, right, top, bottom = box
    return left + margin < x < right - margin and top + margin < y < bottom - margin


def foreign_crossings(journey: Journey, seen: Drawing) -> list[str]:
    """Edges that pass through the frame of a stage neither of their ends belongs to."""
    clusters, owner = stage_of_node(journey)
    crossings = []
    for tail, head, points in seen.edges:
        own = {owner.get(tail), owner.get(head)}
        for cluster in clusters:
            if cluster not in own and any(inside(p, seen.frames[cluster]) for p in points):
                crossings.append(f"{tail}->{head} crosses {cluster}")
    return crossings


def check_layout(journey: Journey) -> None:
    seen = drawing(journey)
    clusters, _ = stage_of_node(journey)
    boxes = [seen.frames[c] for c in clusters]
    # the map's order, left to right, frames apart
    for name, left, right in zip(clusters, boxes, boxes[1:], strict=False):
        assert left[1] < right[0], f"{name} is not left of the next stage: {left} / {right}"
    # tops aligned
    tops = {round(box[2], 1) for box in boxes}
    assert len(tops) <= 1, f"stage frames start at different heights: {sorted(tops)}"
    builder = _Builder(journey)
    builder.build()
    for stage, cluster in zip(journey.stages, clusters, strict=True):
        centres = []
        for touchpoint in stage.touchpoints:
            box = seen.nodes[builder.ids[("t", touchpoint.id)]]
            centre = ((box[0] + box[1]) / 2, (box[2] + box[3]) / 2)
            assert inside(centre, seen.frames[cluster]), f"{touchpoint.id} is outside its stage"
            centres.append(centre)
        if len(centres) > 1:
            along = [c[1] for c in centres] if len(journey.stages) == 1 else [c[0] for c in centres]
            assert max(along) - min(along) < 1.0, f"stage {stage.id}'s touchpoints are not in one line: {along}"
    assert foreign_crossings(journey, seen) == []


EXAMPLE_MAPS = sorted(EXAMPLES.glob("*.journey.yaml"))


@needs_dot
@pytest.mark.parametrize("path", [*EXAMPLE_MAPS, SIXTY], ids=lambda p: p.name)
def test_stage_order_alignment_columns_and_no_foreign_crossing(path: Path):
    check_layout(journey_of(path))


@needs_dot
def test_the_sixty_touchpoint_map_marks_cross_stage_links_at_both_ends():
    journey = journey_of(SIXTY)
    source = dot_source(journey)
    builder = _Builder(journey)
    builder.build()
    assert builder.elsewhere, "the fixture should hold opportunities that address other stages"
    for pain_id, opportunities in builder.elsewhere.items():
        for opportunity in opportunities:
            number = journey.opportunities.index(opportunity) + 1
            assert f"addressed by O{number} · stage " in source
            assert f"<B>O{number}</B>" in source
            # and no edge joins them
            assert f"{builder.ids[('o', opportunity.id)]} -> {builder.ids[('p', pain_id)]}" not in source


def map_text(stages: int, per_stage: list[int], links: list[tuple[int, int]], long_channel: bool) -> str:
    lines = ["journeymap: 1", "title: Generated", "channels:", "  - id: ch",
             f"    name: {'A very long channel name for the hotline of the shop' if long_channel else 'Web'}",
             "    kind: digital", "stages:"]
    pains = []
    for s in range(stages):
        lines += [f"  - id: s{s}", f"    name: Stage {s}", "    touchpoints:"]
        for t in range(per_stage[s]):
            lines += [f"      - id: t{s}-{t}", f"        name: Touchpoint {s} {t}", "        channel: ch",
                      "        emotion: 1", "        pain_points:", f"          - id: p{s}-{t}",
                      "            description: Something hurts", "            severity: high"]
            pains.append(f"p{s}-{t}")
    if links:
        lines.append("opportunities:")
        for i, (a, b) in enumerate(links):
            first, second = pains[a % len(pains)], pains[b % len(pains)]
            targets = [first] if first == second else [first, second]
            lines += [f"  - id: o{i}", "    description: Fix it", f"    addresses: [{', '.join(targets)}]"]
    return "\n".join(lines) + "\n"


@st.composite
def generated_maps(draw: st.DrawFn) -> str:
    stages = draw(st.integers(1, 7))
    per_stage = draw(st.lists(st.integers(1, 4), min_size=stages, max_size=stages))
    links = draw(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=10))
    return map_text(stages, per_stage, links, draw(st.booleans()))


@pytest.mark.slow
@needs_dot
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_maps())
def test_any_map_keeps_its_stage_order_whatever_its_cross_stage_links(text: str):
    check_layout(journey_from_text(text))


def test_the_score_is_never_alone_on_a_line():
    from journeymap.render.dot import _details  # noqa: PLC2701

    for channel in ["Web", "A very long channel name for the customer hotline", "x" * 33, "x" * 31, ""]:
        lines = _details(channel, "feeling +1", 34)
        assert all(line != "+1" and not re.fullmatch(r"[−+]?\d", line) for line in lines)
        assert any("feeling +1" in line for line in lines)


def test_dropped_opportunities_are_struck_through_in_the_diagram():
    journey = journey_from_text(map_text(2, [1, 1], [(0, 0)], False).replace(
        "    description: Fix it\n", "    description: Fix it\n    status: dropped\n"))
    assert "<S>Fix it</S>" in dot_source(journey)


@needs_dot
def test_a_one_stage_map_is_laid_out_across():
    journey = journey_from_text(map_text(1, [4], [(0, 0)], True))
    seen = drawing(journey)
    builder = _Builder(journey)
    builder.build()
    boxes = [seen.nodes[builder.ids[("t", t.id)]] for t in journey.stages[0].touchpoints]
    width = max(b[1] for b in boxes) - min(b[0] for b in boxes)
    height = max(b[3] for b in boxes) - min(b[2] for b in boxes)
    assert width > 3 * height
    assert not math.isclose(boxes[0][0], boxes[1][0])
