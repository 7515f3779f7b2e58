"""`journeymap render` as a user runs it: where pictures go, batches, bad maps, and exit codes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from journeymap.batch import output_name
from journeymap.io.sources import Target
from tests.conftest import FIXTURES, needs_dot, run_cli
from tests.render.helpers import GROCERY, parse_mermaid_journey, pdf_text, squeezed

INVALID = (
    "journeymap: 1\ntitle: Broken\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
    "      - {id: t, name: T, emotion: 5}\n"
)


@pytest.fixture
def maps(tmp_path: Path) -> Path:
    """A folder of two valid maps (one .yml, one in a subfolder) and one invalid map."""
    folder = tmp_path / "maps"
    (folder / "team").mkdir(parents=True)
    shutil.copy(GROCERY, folder / "grocery.journey.yaml")
    shutil.copy(FIXTURES / "minimal.journey.yaml", folder / "team" / "minimal.journey.yml")
    (folder / "broken.journey.yaml").write_text(INVALID, encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_renders_the_valid_maps_and_reports_the_invalid_one(maps, tmp_path, jobs):
    out = tmp_path / "out"
    run = run_cli("render", str(maps), "--format", "mermaid", "--out", str(out), "--jobs", jobs)
    assert run.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["grocery.mmd", "minimal.mmd"]
    assert parse_mermaid_journey((out / "minimal.mmd").read_text())["title"] == "Minimal map"
    broken = maps / "broken.journey.yaml"
    assert run.stderr.splitlines() == [
        f"{broken}:7:35: error [JM010] stages[0].touchpoints[0].emotion: 5 is above the maximum 2 "
        "(emotion runs from −2 to +2)",
        f"journeymap: skipped {broken}: the map is not valid; fix it and render again",
        f"Rendered 2 of 3 maps as mermaid into {out}; 1 skipped (see above).",
    ]
    assert run.stdout == ""


def test_several_maps_need_an_output_folder(maps):
    run = run_cli("render", str(maps / "grocery.journey.yaml"), str(maps / "team" / "minimal.journey.yml"), "-f", "dot")
    assert run.exit_code == 2
    assert run.stderr == (
        "journeymap: error: rendering several maps writes one file each: name a folder with --out, e.g. --out out/\n"
    )


def test_a_folder_with_one_map_still_writes_into_the_output_folder(tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(GROCERY, folder / "grocery.journey.yaml")
    run = run_cli("render", str(folder), "-f", "dot", "-o", str(tmp_path / "out"))
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "out" / "grocery.dot").read_text().startswith("// Journey map diagram")


def test_text_formats_go_to_standard_output_for_one_map():
    run = run_cli("render", str(GROCERY), "-f", "dot")
    assert run.exit_code == 0
    assert run.stdout.startswith("// Journey map diagram written by journeymap") and run.stderr == ""


def test_binary_formats_need_out(tmp_path):
    run = run_cli("render", str(GROCERY), "-f", "poster")
    assert run.exit_code == 2
    assert run.stderr == (
        "journeymap: error: poster output is binary: name the file with --out, e.g. --out grocery.poster.pdf "
        "(or --out - to write it to standard output)\n"
    )


def test_out_naming_an_existing_folder_gets_the_map_name(tmp_path):
    run = run_cli("render", str(GROCERY), "-f", "html", "-o", str(tmp_path))
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "grocery.html").read_text().startswith("<!DOCTYPE html>")
    assert run.stderr == f"Wrote {tmp_path / 'grocery.html'}\n"


def test_never_writes_over_the_input(tmp_path):
    path = tmp_path / "map.journey.yaml"
    shutil.copy(GROCERY, path)
    before = path.read_bytes()
    run = run_cli("render", str(path), "-f", "dot", "-o", str(path))
    assert run.exit_code == 2
    assert f"--out would write over the input map {path}" in run.stderr
    assert path.read_bytes() == before


def test_two_maps_with_the_same_name_cannot_share_an_output_folder(tmp_path):
    for team in ("a", "b"):
        (tmp_path / team).mkdir()
        shutil.copy(GROCERY, tmp_path / team / "grocery.journey.yaml")
    run = run_cli("render", str(tmp_path / "a"), str(tmp_path / "b"), "-f", "dot", "-o", str(tmp_path / "out"))
    assert run.exit_code == 2
    assert "would both be written to" in run.stderr and not (tmp_path / "out").exists()


def test_out_that_is_a_file_cannot_take_several_maps(maps, tmp_path):
    target = tmp_path / "taken.txt"
    target.write_text("x")
    run = run_cli("render", str(maps), "-f", "dot", "-o", str(target))
    assert run.exit_code == 2
    assert f"--out {target} is a file; rendering several maps needs a folder" in run.stderr


def test_missing_input_is_exit_2_but_the_others_render(tmp_path):
    out = tmp_path / "out"
    run = run_cli("render", str(GROCERY), str(tmp_path / "nope.journey.yaml"), "-f", "dot", "-o", str(out))
    assert run.exit_code == 2
    assert f"journeymap: error: {tmp_path / 'nope.journey.yaml'}: no such file or directory" in run.stderr
    assert (out / "grocery.dot").exists()


def test_no_temporary_files_are_left_behind(maps, tmp_path):
    out = tmp_path / "out"
    run_cli("render", str(maps), "-f", "html", "-o", str(out))
    assert sorted(os.listdir(out)) == ["grocery.html", "minimal.html"]


def test_an_existing_output_is_replaced_whole(tmp_path):
    out = tmp_path / "g.mmd"
    out.write_text("old content that is much longer than the new one will be " * 200)
    assert run_cli("render", str(GROCERY), "-f", "mermaid", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("journey\n") and "old content" not in out.read_text()


@needs_dot
def test_png_and_pdf_diagrams(tmp_path):
    for fmt, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        out = tmp_path / f"g.{fmt}"
        run = run_cli("render", str(GROCERY), "-f", fmt, "-o", str(out))
        assert run.exit_code == 0, run.stderr
        assert out.read_bytes().startswith(magic)


def test_unknown_format_is_a_usage_error():
    run = run_cli("render", str(GROCERY), "-f", "jpeg")
    assert run.exit_code == 2
    assert "Invalid value for '--format'" in run.stderr


def test_render_is_listed_in_help():
    run = run_cli("render", "--help")
    assert run.exit_code == 0
    for word in ("--format", "--out", "--page", "--portrait", "--jobs", "poster", "mermaid"):
        assert word in run.stdout


def test_progress_bar_on_a_terminal_for_several_maps(maps, tmp_path):
    run = run_cli("render", str(maps), "-f", "dot", "-o", str(tmp_path / "out"), env={"FORCE_COLOR": "1"})
    assert run.exit_code == 1
    assert "Rendering" in run.stderr and "3/3" in run.stderr
    assert "journeymap: skipped" in run.stderr


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "html", pytest.param("poster", marks=pytest.mark.slow)])
def test_maps_without_stages_or_touchpoints_still_render(tmp_path, fmt):
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / "empty.journey.yaml").write_text("journeymap: 1\ntitle: Empty\n", encoding="utf-8")
    (folder / "hollow.journey.yaml").write_text(
        "journeymap: 1\ntitle: Hollow\nstages:\n  - {id: a, name: A}\n"
        "  - {id: b, name: B, touchpoints: [{id: t, name: T}]}\nopportunities:\n  - {id: o, description: Loose idea}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = run_cli("render", str(folder), "-f", fmt, "-o", str(out))
    assert run.exit_code == 0, run.stderr
    assert len(list(out.iterdir())) == 2
    data = (out / output_name(Target("hollow.journey.yaml"), fmt)).read_bytes()
    if fmt == "html":
        assert b"Loose idea" in data and b"No touchpoints yet" in data
    if fmt == "dot":
        assert b"no touchpoints yet" in data and b"cluster_unlinked" in data
    if fmt == "poster":
        assert "Looseidea" in squeezed(pdf_text(data)) and "Notouchpointsyet" in squeezed(pdf_text(data))
    if fmt == "mermaid":
        assert [s["name"] for s in parse_mermaid_journey(data.decode())["sections"]] == ["A", "B"]


def test_paths_excluded_by_the_configuration_are_not_rendered(maps, tmp_path, monkeypatch):
    (tmp_path / ".journeymap.yaml").write_text('exclude: ["*/broken.journey.yaml"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = run_cli("render", "maps", "-f", "dot", "-o", "out")
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["grocery.dot", "minimal.dot"]
