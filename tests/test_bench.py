"""`make bench` keeps working: its scripts call journeymap's code, which a refactoring may move."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import EXAMPLES, ROOT, needs_dot

pytestmark = pytest.mark.slow
BENCH = ROOT / "bench"


def bench_module(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCH))  # the scripts import their generator as a sibling
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@needs_dot
def test_the_render_bench_draws_an_example_and_builds_its_poster_page():
    render_bench = bench_module("render_bench")
    example = EXAMPLES / "online-shop.journey.yaml"
    ours, peer = render_bench.in_process_svg(example, 1)
    assert ours > 0 and peer > 0
    assert "<html" in render_bench.poster_html(example)


def test_the_diff_bench_measures_a_generated_change(tmp_path: Path):
    diff_bench = bench_module("diff_bench")
    generate = bench_module("generate")
    raw = generate.generate_map(0, 3, 4).encode("utf-8")
    figures = diff_bench.measure(raw, diff_bench.edited(raw.decode("utf-8")).encode("utf-8"), 1)
    assert figures["changes"] > 0 and figures["load"] > 0


def test_the_measure_bench_types_the_same_sql_by_hand_and_gets_the_same_funnel(tmp_path: Path):
    measure_bench = bench_module("measure_bench")
    log = tmp_path / "events.parquet"
    assert measure_bench.generate(log, 20_000) > 10_000
    _, snapshot = measure_bench.ours(log)
    _, hand = measure_bench.by_hand(log)
    assert [f.users for f in snapshot.funnel] == hand["funnel"]
    assert [(m.entered, m.moved_on) for m in snapshot.stages[:-1]] == [(r[1], r[2]) for r in hand["stages"][:-1]]
