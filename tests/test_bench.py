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
    assert ours.cpu > 0 and ours.wall > 0 and peer.cpu > 0 and peer.wall > 0
    assert "<html" in render_bench.poster_html(example)


def test_the_diff_bench_measures_a_generated_change(tmp_path: Path):
    diff_bench = bench_module("diff_bench")
    generate = bench_module("generate")
    raw = generate.generate_map(0, 3, 4).encode("utf-8")
    figures = diff_bench.measure(raw, diff_bench.edited(raw.decode("utf-8")).encode("utf-8"), 1)
    assert figures["changes"] > 0 and figures["load"] > 0


def test_the_editing_bench_times_the_server_and_fixes_the_typos_it_plants(tmp_path: Path):
    lsp_bench = bench_module("lsp_bench")
    generate = bench_module("generate")
    start, version = lsp_bench.start_time(1)
    assert start > 0 and version > 0
    latencies, alone, count = lsp_bench.edit_latency(generate.generate_map(0, 2, 3), 2)
    assert [latency.part for latency in latencies] == ["header", "personas", "a stage", "opportunities"]
    assert all(len(latency.times) == 2 and latency.median > 0 and latency.edit_alone > 0 for latency in latencies)
    assert alone > 0 and count > 0
    fix, validate = lsp_bench.fix_against_validate(tmp_path, 3)
    assert fix > 0 and validate > 0
    fixed = (tmp_path / "fix" / "map-0000.journey.yaml").read_text(encoding="utf-8")
    assert "channel: wbe" in (tmp_path / "validate" / "map-0000.journey.yaml").read_text(encoding="utf-8")
    assert "channel: wbe" not in fixed


def test_the_library_bench_compares_the_same_maps_with_and_without_libraries(tmp_path: Path):
    from journeymap.config import default_project
    from journeymap.io.sources import Target
    from journeymap.pipeline import analyse

    run = bench_module("run")
    shared = run.make_portfolio(tmp_path / "shared", 4, groups=2, inline=False)
    inlined = run.make_portfolio(tmp_path / "inlined", 4, groups=2, inline=True)
    assert len(list((tmp_path / "shared" / "libraries").glob("*.library.yaml"))) == 2
    for name in ("map-0000.journey.yaml", "map-0003.journey.yaml"):
        assert b"\nuse:" in (shared / name).read_bytes() and b"\npersonas:" not in (shared / name).read_bytes()
        with_library = analyse(Target(str(shared / name)), default_project()).journey
        written_out = analyse(Target(str(inlined / name)), default_project()).journey
        assert with_library is not None and written_out is not None
        assert [(p.id, p.name, p.goals) for p in with_library.personas] == [
            (p.id, p.name, p.goals) for p in written_out.personas
        ]
        assert [c.id for c in with_library.channels] == [c.id for c in written_out.channels]
        assert [t.id for t in with_library.touchpoints()] == [t.id for t in written_out.touchpoints()]


def test_the_measure_bench_types_the_same_sql_by_hand_and_gets_the_same_funnel(tmp_path: Path):
    measure_bench = bench_module("measure_bench")
    log = tmp_path / "events.parquet"
    assert measure_bench.generate(log, 20_000) > 10_000
    _, snapshot = measure_bench.ours(log)
    _, hand = measure_bench.by_hand(log)
    assert [f.users for f in snapshot.funnel] == hand["funnel"]
    assert [(m.entered, m.moved_on) for m in snapshot.stages[:-1]] == [(r[1], r[2]) for r in hand["stages"][:-1]]


def test_the_big_benchs_peak_memory_is_the_measure_process_alone():
    """Started straight from the bench, a process's peak starts at the bench's own (Linux keeps
    the high-water mark of the memory it left at exec): the 10-million-event runs in the bench
    made the 100-million-event peak read 2.5 GB for a process that used 1.5 GB."""
    measure_bench = bench_module("measure_bench")
    held = bytearray(600 * 2**20)
    held[::4096] = b"\x01" * len(held[::4096])  # touched: resident in the bench's process
    _, _, peak, snapshot = measure_bench.measure_process("examples/data/online-shop-events.csv.gz")
    assert snapshot.entrants > 0
    assert 20 < peak < 400, peak
    del held
