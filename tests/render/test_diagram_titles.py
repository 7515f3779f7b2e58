"""The SVG diagram names what it shows (for screen readers) from the very source `dot` drew,
built once: in the full layout and in the simpler one `draw` falls back to."""

from __future__ import annotations

import itertools
import re
import shutil
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings

from journeymap.render import RenderOptions
from journeymap.render.dot import accessible_svg, diagram_source, dot_source
from journeymap.render.pictures import draw
from tests.conftest import journey_from_text, needs_dot
from tests.render.helpers import GROCERY, journey_of
from tests.render.test_dot import fake_dot
from tests.render.test_layout import generated_maps

SVG_NS = "{http://www.w3.org/2000/svg}"
GENERATED_ID = re.compile(r"(cluster_)?[stpo]\d+[ce]?")


def _titles(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG_NS}title")]


def _svg_naming(ids: list[str], edges: list[tuple[str, str]]) -> bytes:
    """An SVG shaped like Graphviz's: a group with a `<title>` per node and per edge."""
    groups = [f"<g><title>{i}</title></g>" for i in ids]
    groups += [f"<g><title>{a}&#45;&gt;{b}</title></g>" for a, b in edges]
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="9pt">{"".join(groups)}</svg>'.encode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_maps())
def test_the_source_built_once_is_the_diagram_and_names_every_node(text: str):
    journey = journey_from_text(text)
    for simple in (False, True):
        built = diagram_source(journey, simple=simple)
        assert built.text == dot_source(journey, simple=simple)
        drawn = [f"cluster_{v}" if kind == "s" else v for (kind, _), v in built.ids.items()]
        nodes = [v for (kind, _), v in built.ids.items() if kind != "s"]
        edges = list(itertools.pairwise(nodes))
        named = accessible_svg(_svg_naming(drawn, edges), journey, built.ids)
        assert named == accessible_svg(_svg_naming(drawn, edges), journey)  # as when the source is built again
        titles = _titles(named)
        assert titles[0] == journey.title
        assert not [t for t in titles if GENERATED_ID.fullmatch(t)]
        assert all(" → " in t for t in titles[len(titles) - len(edges):])


@needs_dot
def test_the_simpler_layout_names_its_nodes_and_edges_too(tmp_path, monkeypatch):
    # a `dot` that refuses the full layout at once, as Graphviz does with "trouble in init_rank"
    real = shutil.which("dot")
    script = (f'source=$(cat); case "$source" in *nslimit=2*) printf "%s" "$source" | exec {real} "$@";; '
              '*) echo "trouble in init_rank" >&2; exit 1;; esac')
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", script))
    journey = journey_of(GROCERY)
    picture = draw(journey, "svg", RenderOptions(timeout=30), tmp_path)
    assert picture.notes and "drew the simpler layout instead" in picture.notes[0]
    titles = _titles(picture.data)
    assert not [t for t in titles if GENERATED_ID.fullmatch(t)]
    for touchpoint in journey.touchpoints():
        assert any(t.startswith(f"Touchpoint: {touchpoint.name} (feeling ") for t in titles), touchpoint.name
    assert any(re.fullmatch(r"Touchpoint: .+ → Pain point, \w+: .+", t) for t in titles)
