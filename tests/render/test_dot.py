"""Graphviz diagrams: the DOT we write, and `dot` run as a tool that may be missing, fail or hang."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from journeymap.render import DEFAULT_MEMORY_BYTES, RenderError, dot
from journeymap.render.text import clean
from tests.conftest import needs_dot, run_cli
from tests.render.helpers import (
    GROCERY,
    RENDER_FIXTURES,
    SVG_NS,
    hostile_map,
    journey_of,
    squeezed,
    svg_text,
    write_generated_map,
)

NODE = re.compile(r"^\s+(?!graph )(\w+) \[label=<", re.MULTILINE)


def unwrapped(source: str) -> str:
    """DOT text with label line breaks and all whitespace removed, for finding wrapped text."""
    return squeezed(source.replace("<BR/>", ""))


def clusters(source: str) -> list[str]:
    return re.findall(r"subgraph (cluster_\w+) \{", source)


def test_one_cluster_per_stage_in_journey_order():
    journey = journey_of(GROCERY)
    source = dot.dot_source(journey)
    assert clusters(source) == [f"cluster_s{i}" for i in range(1, len(journey.stages) + 1)]
    labels = re.findall(r"subgraph cluster_\w+ \{\n    graph \[label=<(.*?)>, labeljust", source)
    for number, (stage, label) in enumerate(zip(journey.stages, labels, strict=True), start=1):
        assert f"<B>{number} · {stage.name}" in label
    # each stage's invisible cap shares a rank with the others, chained in stage order and joined by
    # nothing else: dot cannot reorder the stages (tests/render/test_layout.py checks the drawing)
    caps = [f"s{i}c" for i in range(1, len(journey.stages) + 1)]
    chain = " ".join(f"{a} -> {b} [style=invis];" for a, b in itertools.pairwise(caps))
    assert f"{{ rank=same; {chain} }}" in source
    assert "compound=true" in source


def test_touchpoints_flow_in_order_and_cross_stages_without_constraining_layout():
    source = dot.dot_source(journey_of(GROCERY))
    # the pain point sits beside its touchpoint, its opportunity under it: the next touchpoint is
    # a row further down the same straight column
    assert "{ rank=same; t1; p1; }" in source
    assert "t1 -> t2 [weight=8, penwidth=1.4, minlen=2];" in source
    assert "t3 -> t4 [weight=8, penwidth=1.4, minlen=1];" in source
    # awareness -> consideration: stage box to stage box, clipped at both, never an edge across
    # other stages, and no say in the layout
    assert "s1c -> t3 [ltail=cluster_s1, lhead=cluster_s2, constraint=false, penwidth=1.4];" in source
    within = re.findall(r"^\s+t\d+ -> t\d+ \[weight=8", source, re.MULTILINE)
    between = re.findall(r"s\d+c -> t\d+ \[ltail=", source)
    assert len(within) + len(between) == 12 - 1


def test_nodes_show_emotion_channel_severity_owner_and_status():
    source = dot.dot_source(journey_of(GROCERY))
    slot = re.search(r"t6 \[label=<(.*?)>, fillcolor=\"(#\w+)\"", source)
    assert slot and "Picks a delivery slot" in slot.group(1) and "Mobile app · feeling −2" in slot.group(1)
    assert slot.group(2) == "#d7191c"
    assert "<B> CRITICAL </B>" in source
    assert squeezed("Evening slots are sold out days ahead for new customers") in unwrapped(source)
    assert "logistics" in source and "<B> IDEA </B>" in source
    assert "Feeling " in source and " +2 very positive " in source  # the legend


def test_node_ids_are_generated_and_map_text_stays_inside_escaped_labels(tmp_path):
    source = dot.dot_source(journey_of(hostile_map(tmp_path, 9)))
    assert set(NODE.findall(source)) <= {f"{k}{n}" for k in "tpo" for n in range(1, 10)} | {"s2e"}
    assert "<script>" not in source and "&lt;script&gt;alert(&#x27;touchpoint&#x27;)" in unwrapped(source)
    assert '"]; evil [label="x' not in source and squeezed("&quot;]; evil [label=&quot;x") in unwrapped(source)
    assert "image=" not in source.replace("[image=&quot;", "")  # only as escaped text
    for attribute in ("URL=", "href=", "tooltip=", "image=", "fontname=<", "id="):
        assert all(attribute not in line or "label=<" in line for line in source.splitlines() if "[" in line)
    assert r"\\N \\G" in source  # backslashes doubled: Graphviz would expand \N to the node id


@needs_dot
def test_svg_parses_and_shows_every_stage_and_touchpoint_name(cli, tmp_path):
    out = tmp_path / "grocery.svg"
    run = cli("render", str(GROCERY), "--out", str(out))
    assert run.exit_code == 0, run.stderr
    assert run.stderr == f"Wrote {out}\n"
    text = squeezed(svg_text(out.read_bytes()))
    journey = journey_of(GROCERY)
    for name in [journey.title, *(s.name for s in journey.stages), *(t.name for t in journey.touchpoints())]:
        assert squeezed(name) in text, name


@needs_dot
def test_hostile_map_svg_is_well_formed_and_draws_only_its_own_nodes(tmp_path):
    path = hostile_map(tmp_path, 9)
    svg = dot.run_dot(dot.dot_source(journey_of(path)), "svg")
    root = ET.fromstring(svg)
    titles = [g.findtext(f"{SVG_NS}title") for g in root.iter(f"{SVG_NS}g") if g.get("class") == "node"]
    # 3 touchpoints, 2 pain points, 1 opportunity: no injected node
    assert sorted(titles) == ["o1", "p1", "p2", "t1", "t2", "t3"]
    assert not list(root.iter(f"{SVG_NS}image")) and not list(root.iter(f"{SVG_NS}a"))
    text = svg_text(svg)
    assert "<script>alert('touchpoint')</script>" in text.replace("touchpoin t", "touchpoint")
    assert clean(journey_of(path).title) in text  # \N and \G kept as text, not expanded


@needs_dot
def test_thousand_touchpoints_render_legibly(tmp_path):
    path = write_generated_map(tmp_path, stages=50, per_stage=20)
    journey = journey_of(path)
    source = dot.dot_source(journey)
    assert len(clusters(source)) == 50
    svg = dot.run_dot(source, "svg")
    root = ET.fromstring(svg)
    nodes = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "node"]
    pains = sum(1 for _ in journey.pain_points())
    assert len(nodes) == 1000 + pains + len(journey.opportunities)
    sizes = [float(t.get("font-size", "0")) for t in root.iter(f"{SVG_NS}text")]
    assert min(sizes) >= 7.0  # at 1:1 every label is still readable
    assert float(root.get("width", "0pt")[:-2]) < 12 * float(root.get("height", "0pt")[:-2])


def test_cross_stage_opportunity_links_are_labels_at_both_ends_never_edges(write_map):
    stages = "".join(
        f"  - id: s{i}\n    name: S{i}\n    touchpoints:\n      - id: t{i}\n        name: T{i}\n"
        f"        pain_points:\n          - {{id: p{i}, description: P{i}}}\n"
        for i in range(12)
    )
    addresses = ", ".join(f"p{i}" for i in range(12))
    opportunities = "".join(
        f"  - {{id: o{k}, description: O{k}, addresses: [{addresses}]}}\n" for k in range(8)
    )
    path = write_map(f"journeymap: 1\ntitle: Many links\nstages:\n{stages}opportunities:\n{opportunities}")
    source = dot.dot_source(journey_of(path))
    # no edge between an opportunity and a pain point of another stage: each opportunity sits at
    # p0 and every other pain point says which opportunities address it, by their shared label
    assert re.findall(r"o\d+ -> p\d+", source) == []
    for k in range(1, 9):
        assert f"<B>O{k}</B>" in source
    assert source.count(" · stage 1</B>") == 8 * 11  # 8 opportunities, each named on 11 pain points


def fake_dot(folder: Path, script: str) -> str:
    """A PATH holding only a `dot` that runs `script` (a POSIX shell body)."""
    folder.mkdir(exist_ok=True)
    program = folder / "dot"
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return f"{folder}{os.pathsep}{os.path.dirname(shutil.which('sh') or '/bin/sh')}"


def test_missing_dot_exits_2_with_the_install_command(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_cli("render", str(GROCERY), "--format", "svg", env={"PATH": str(empty)})
    assert run.exit_code == 2
    assert run.stderr == (
        "journeymap: error: Graphviz is not installed (no `dot` on PATH); "
        "install it with: sudo apt-get install graphviz\n"
    )
    # the DOT source itself needs no Graphviz
    assert run_cli("render", str(GROCERY), "-f", "dot", env={"PATH": str(empty)}).exit_code == 0


def test_failing_dot_is_a_render_error_and_the_other_maps_still_render(tmp_path, write_map):
    other = write_map("journeymap: 1\ntitle: Other\n", name="other.journey.yaml")
    path = fake_dot(tmp_path / "bin", 'cat >/dev/null; echo "Error: syntax error in line 1" >&2; exit 3')
    out = tmp_path / "out"
    run = run_cli("render", str(GROCERY), str(other), "--out", str(out), "--jobs", "1", env={"PATH": path})
    assert run.exit_code == 2
    assert (
        f"journeymap: error: {GROCERY}: the full and the simpler layout both failed: "
        "Graphviz failed (exit 3): Error: syntax error in line 1\n"
    ) in run.stderr
    assert "Rendered 0 of 2 maps as svg" in run.stderr
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.slow  # waits for a real timeout: the full `make test`
def test_dot_that_runs_too_long_is_stopped(tmp_path):
    path = fake_dot(tmp_path / "bin", "exec sleep 30")
    run = run_cli("render", str(GROCERY), "--timeout", "1", env={"PATH": path})
    assert run.exit_code == 2
    assert (
        "the full and the simpler layout both failed: "
        "Graphviz took longer than 1 s to lay out the diagram and was stopped\n"
    ) in run.stderr


def test_dot_runs_with_file_loading_disabled_and_limits(tmp_path, monkeypatch):
    script = 'cat >/dev/null; echo "SERVER_NAME=$SERVER_NAME GV=${GV_FILE_PATH:-unset} AS=$(ulimit -v)"'
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", script))
    monkeypatch.setenv("GV_FILE_PATH", "/etc")
    said = dot.run_dot("digraph {}", "svg").decode()
    assert said == f"SERVER_NAME=journeymap GV=unset AS={DEFAULT_MEMORY_BYTES // 1024}\n"


def test_dot_killed_by_a_signal_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", "kill -SEGV $$"))
    with pytest.raises(RenderError, match="Graphviz was stopped by SIGSEGV"):
        dot.run_dot("digraph {}", "svg")


def test_labels_use_the_font_chain_and_isolate_right_to_left_stage_names():
    source = dot.dot_source(journey_of(RENDER_FIXTURES / "scripts.journey.yaml"))
    assert 'fontname="Noto Sans,Noto Sans CJK JP,Noto Sans Arabic,Noto Sans Hebrew,DejaVu Sans"' in source
    assert "Color Emoji" not in source  # named, it would take over digits; fontconfig falls back to it
    # the stage number stays on the left of a name that starts in Arabic
    assert "2 · \u200e\u2068الطلب Order\u2069" in source


def test_japanese_touchpoint_names_wrap_instead_of_widening_the_node(write_map):
    path = write_map(
        "journeymap: 1\nid: j\ntitle: J\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
        "      - {id: a, name: 注文を確認してから支払い方法を選んで確定する, emotion: 1}\n"
    )
    source = dot.dot_source(journey_of(path))
    label = re.search(r"<B>(注[^<]*(?:<BR/>[^<]*)*)</B>", source)
    assert label is not None
    assert len(label.group(1).split("<BR/>")) >= 2


@needs_dot
def test_svg_is_an_image_named_by_the_map_and_its_nodes_by_what_they_show(cli, tmp_path):
    out = tmp_path / "grocery.svg"
    assert cli("render", str(GROCERY), "--out", str(out)).exit_code == 0
    root = ET.fromstring(out.read_bytes())
    journey = journey_of(GROCERY)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "journeymap-title journeymap-desc"
    assert root.find(f"{SVG_NS}title").text == journey.title
    assert root.find(f"{SVG_NS}desc").text.startswith("Customer journey map in 5 stages, left to right, with 12 ")
    titles = [t.text or "" for t in root.iter(f"{SVG_NS}title")]
    assert not [t for t in titles if re.fullmatch(r"(cluster_)?[stpo]\d+e?", t)]  # no generated id is left
    for touchpoint in journey.touchpoints():
        assert any(t.startswith(f"Touchpoint: {touchpoint.name} (feeling ") for t in titles), touchpoint.name
    assert "Stage: Awareness" in titles


@needs_dot
def test_hostile_text_in_svg_titles_stays_escaped(tmp_path):
    from journeymap.render import RenderOptions
    from journeymap.render.pictures import draw

    path = hostile_map(tmp_path, 9)
    svg = draw(journey_of(path), "svg", RenderOptions(), tmp_path).data
    ET.fromstring(svg)  # well-formed, titles included
    assert b"<script" not in svg
