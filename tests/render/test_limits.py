"""Graphviz and WeasyPrint run within a time and a memory limit, and a diagram Graphviz cannot lay
out falls back to the simpler layout instead of failing the batch."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
import xml.etree.ElementTree as ET

import pytest

from journeymap.render import RenderError, RenderOptions, dot
from journeymap.render.confine import run_confined
from journeymap.render.pictures import draw
from tests.conftest import EXAMPLES, needs_dot, run_cli
from tests.render.helpers import GROCERY, journey_of, svg_text
from tests.render.test_dot import fake_dot

SHOP = EXAMPLES / "online-shop.journey.yaml"


def dot_that_only_lays_out_the_simple_graph(tmp_path) -> str:
    """A `dot` that hangs on the full layout and hands the simpler one to the real Graphviz:
    a stand-in for a map whose cross-stage links defeat the layout (the real ones take minutes)."""
    real = shutil.which("dot")
    script = f'source=$(cat); case "$source" in *nslimit=2*) printf "%s" "$source" | exec {real} "$@";; ' \
             '*) exec sleep 30;; esac'
    return fake_dot(tmp_path / "bin", script)


def test_the_simple_layout_keeps_every_stage_but_no_edge_between_stages():
    journey = journey_of(GROCERY)
    full, simple = dot.dot_source(journey), dot.dot_source(journey, simple=True)
    clusters = re.compile(r"subgraph (cluster_\w+) \{")
    assert clusters.findall(simple) == clusters.findall(full)
    assert "constraint=false" in full
    assert "constraint=false" not in simple
    assert "nslimit=2" in simple and "splines=line" in simple
    assert "nslimit" not in full


def test_the_simple_layout_names_the_links_it_leaves_out(write_map):
    path = write_map(
        "journeymap: 1\ntitle: Links\nstages:\n"
        "  - id: a\n    name: A\n    touchpoints:\n      - id: ta\n        name: TA\n"
        "        pain_points: [{id: pa, description: PA}, {id: pb, description: PB}]\n"
        "opportunities:\n  - {id: o, description: O, addresses: [pa, pb]}\n"
    )
    journey = journey_of(path)
    assert "not drawn" not in dot.dot_source(journey)
    assert "also addresses 1 pain point more (not drawn)" in dot.dot_source(journey, simple=True)


@needs_dot
@pytest.mark.slow  # a real poster or a real timeout: the full `make test`
def test_a_diagram_that_cannot_be_laid_out_in_time_is_drawn_simpler_and_the_batch_goes_on(tmp_path):
    out = tmp_path / "out"
    run = run_cli(
        "render", str(GROCERY), str(SHOP), "--out", str(out), "--timeout", "1", "--jobs", "1",
        env={"PATH": dot_that_only_lays_out_the_simple_graph(tmp_path)},
    )
    assert run.exit_code == 0, run.stderr
    for name, journey in (("grocery", journey_of(GROCERY)), ("online-shop", journey_of(SHOP))):
        assert (
            f"journeymap: warning: {GROCERY if name == 'grocery' else SHOP}: Graphviz took longer than 1 s to lay "
            "out the diagram and was stopped; drew the simpler layout instead, without links between stages"
        ) in run.stderr
        drawn = svg_text((out / f"{name}.svg").read_bytes())
        assert all(stage.name.split()[0] in drawn for stage in journey.stages)
    assert "Rendered 2 of 2 maps as svg" in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["grocery.svg", "online-shop.svg"]


@needs_dot
def test_dot_gets_the_memory_limit_given_on_the_command_line(tmp_path):
    run = run_cli("render", str(GROCERY), "--memory", "300", env={"PATH": _ulimit_dot(tmp_path)})
    assert run.exit_code == 0, run.stderr
    assert ET.fromstring(run.stdout).findtext("{http://www.w3.org/2000/svg}text") == str(300 * 1024)


@pytest.mark.slow  # a real poster or a real timeout: the full `make test`
def test_a_poster_that_takes_too_long_is_stopped_and_nothing_is_written(tmp_path, monkeypatch):
    # a layout that never ends, whatever the machine's speed (the child is a fork: it draws with this)
    def endless(*args: object, **kwargs: object) -> bytes:
        while True:
            time.sleep(1)

    monkeypatch.setattr("journeymap.render.poster.poster_pdf", endless)
    path = tmp_path / "maps" / "shop.journey.yaml"
    path.parent.mkdir()
    path.write_bytes(SHOP.read_bytes())
    out = tmp_path / "out"
    run = run_cli("render", str(path), "--format", "poster", "--out", f"{out}/", "--timeout", "1")
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == (
        f"journeymap: error: {path}: WeasyPrint took longer than 1 s and was stopped; raise the limit with --timeout"
    )
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.slow  # a real poster or a real timeout: the full `make test`
def test_a_poster_out_of_memory_is_one_line_that_names_the_limit(tmp_path):
    out = tmp_path / "shop.poster.pdf"
    run = run_cli("render", str(SHOP), "--format", "poster", "--out", str(out), "--memory", "64")
    assert run.exit_code == 2
    first, summary = run.stderr.splitlines()
    assert first.startswith(f"journeymap: error: {SHOP}: WeasyPrint ")
    assert "out of memory: the limit is 64 MB; raise it with --memory" in first
    assert summary == f"Rendered 0 of 1 map as poster into {out}; 1 skipped (see above)."
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # a real poster or a real timeout: the full `make test`
def test_a_poster_within_the_limits_is_a_complete_pdf():
    options = RenderOptions(timeout=60)
    picture = draw(journey_of(SHOP), "poster", options, SHOP.parent)
    assert picture.data.startswith(b"%PDF-") and picture.data.rstrip().endswith(b"%%EOF")
    assert picture.notes == ()


# -- the confinement itself ----------------------------------------------------------------------


def test_confined_work_hands_back_its_bytes():
    assert run_confined(lambda: b"x" * 3_000_000, what="T", timeout=10, memory=2**31) == b"x" * 3_000_000


def test_a_render_error_in_the_child_comes_back_with_its_exit_code():
    def refuse() -> bytes:
        raise RenderError("the photo is outside the folder", exit_code=1)

    with pytest.raises(RenderError) as caught:
        run_confined(refuse, what="T", timeout=10, memory=2**31)
    assert (str(caught.value), caught.value.exit_code) == ("the photo is outside the folder", 1)


def test_a_bug_in_the_child_is_a_tool_error_not_a_hang():
    def broken() -> bytes:
        return {}["missing"]  # type: ignore[no-any-return]

    with pytest.raises(RenderError, match=r"^T failed: KeyError: 'missing'$") as caught:
        run_confined(broken, what="T", timeout=10, memory=2**31)
    assert caught.value.exit_code == 2


def test_running_out_of_memory_in_the_child_names_the_limit():
    def greedy() -> bytes:
        return b"x" * 2**31

    with pytest.raises(RenderError, match=r"^T failed: it ran out of memory: the limit is 512 MB; raise it with"):
        run_confined(greedy, what="T", timeout=10, memory=2**29)


def test_a_c_library_failing_to_allocate_without_an_exception_is_out_of_memory():
    """cffi and Pillow, their allocation refused under the limit, return an error without raising
    one; Python calls it a SystemError, which says nothing to the user: it is the memory limit."""

    def starved() -> bytes:
        raise SystemError("error return without exception set")

    def other() -> bytes:
        raise SystemError("bad argument to internal function")

    with pytest.raises(RenderError, match=r"^T failed: it ran out of memory: the limit is 512 MB; raise it with"):
        run_confined(starved, what="T", timeout=10, memory=2**29)
    with pytest.raises(RenderError, match=r"^T failed: SystemError: bad argument to internal function$"):
        run_confined(other, what="T", timeout=10, memory=2**29)


def test_a_child_that_crashes_is_reported_with_its_signal():
    def crash() -> bytes:
        os.kill(os.getpid(), signal.SIGSEGV)
        return b""

    with pytest.raises(RenderError, match=r"^T was stopped by SIGSEGV, most likely out of memory"):
        run_confined(crash, what="T", timeout=10, memory=2**31)


@pytest.mark.slow  # a real poster or a real timeout: the full `make test`
def test_a_child_that_hangs_is_killed_at_the_timeout():
    def hang() -> bytes:
        signal.pause()
        return b""

    with pytest.raises(RenderError, match=r"^T took longer than 1 s and was stopped; raise the limit with --timeout$"):
        run_confined(hang, what="T", timeout=1, memory=2**31)


def test_render_refuses_a_map_over_max_bytes_as_validate_does(write_map):
    path = write_map("journeymap: 1\ntitle: A map of sixty bytes or so, over the limit\n")
    run = run_cli("render", str(path), "--format", "mermaid", "--max-bytes", "20")
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == (
        f"{path}:1:1: error [JM004] the file is larger than the 20-byte limit; split the map or raise the limit "
        "with --max-bytes"
    )
    assert run.stdout == ""


def _ulimit_dot(tmp_path) -> str:
    script = 'cat >/dev/null; echo "<svg xmlns=\\"http://www.w3.org/2000/svg\\"><text>$(ulimit -v)</text></svg>"'
    return fake_dot(tmp_path / "bin", script)


@needs_dot
@pytest.mark.parametrize("flag,expected_mb", [([], 300), (["--memory", "400"], 400)], ids=["config", "flag-wins"])
def test_the_limits_can_be_set_in_the_configuration_and_flags_win(tmp_path, monkeypatch, flag, expected_mb):
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    (tmp_path / ".journeymap.yaml").write_text("render: {timeout: 30, memory: 300}\n")
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / GROCERY.name).write_bytes(GROCERY.read_bytes())
    monkeypatch.chdir(tmp_path / "maps")  # the configuration is the map's, found from its folder up
    run = run_cli("render", GROCERY.name, *flag, env={"PATH": _ulimit_dot(tmp_path)})
    assert run.exit_code == 0, run.stderr
    assert ET.fromstring(run.stdout).findtext("{http://www.w3.org/2000/svg}text") == str(expected_mb * 1024)


@pytest.mark.parametrize(
    "setting,says",
    [
        ("{timeout: 0}", "render.timeout must be a number of seconds of at least 1, not 0"),
        ("{memory: lots}", "render.memory must be a number of MB of at least 64, not 'lots'"),
        ("{speed: 3}", "render has no setting 'speed'; its settings: timeout, memory"),
    ],
)
def test_a_bad_render_setting_stops_with_its_name(tmp_path, monkeypatch, setting, says):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".journeymap.yaml").write_text(f"render: {setting}\n")
    monkeypatch.chdir(tmp_path)
    run = run_cli("render", str(GROCERY), "--format", "dot")
    assert run.exit_code == 2
    assert run.stderr == f"journeymap: error: {tmp_path / '.journeymap.yaml'}: {says}\n"


def test_a_fork_that_fails_is_a_tool_error_and_ctrl_c_still_works(monkeypatch):
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    with pytest.raises(RenderError, match=r"^could not start T: Resource temporarily unavailable$"):
        run_confined(lambda: b"", what="T", timeout=10, memory=2**31)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())
