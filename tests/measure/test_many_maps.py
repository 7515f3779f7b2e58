"""Several maps measured in one run make one json document, and every reader takes it back:
render --measures, validate --measures and diff find each map's own snapshot in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeymap.errors import JourneymapError
from journeymap.measure import synthetic
from journeymap.measures import read_snapshot, read_snapshots, snapshots_by_map
from tests.conftest import run_cli
from tests.measure.helpers import Shop, shop


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> tuple[Shop, Path]:
    """The shop map and a second map over the same log whose first touchpoint assumes the
    opposite emotion (so the two maps' findings differ)."""
    s = shop(tmp_path_factory.mktemp("two"), synthetic.Plan(users=200))
    other = s.folder / "other.journey.yaml"
    text = s.map.read_text(encoding="utf-8").replace("id: small-shop", "id: other-shop", 1)
    other.write_text(text.replace("title: A small shop, measured", "title: The other shop", 1), encoding="utf-8")
    return s, other


def test_one_run_over_two_maps_writes_one_document_every_reader_takes(two, tmp_path: Path) -> None:
    s, other = two
    document = tmp_path / "all.json"
    made = run_cli("measure", str(s.map), str(other), "--format", "json", "--out", str(document))
    assert made.exit_code == 0, made.stderr
    found = read_snapshots(str(document))
    assert [m.map_id for m in found] == ["small-shop", "other-shop"]
    by_map = snapshots_by_map([str(document)])
    assert by_map.for_map("other-shop", str(other)) == found[1]
    assert by_map.for_map("small-shop", str(s.map)) == found[0]
    # validate: each map judged by its own snapshot (JM6xx rules need one)
    judged = run_cli("validate", str(s.map), str(other), "--measures", str(document))
    assert "[JM60" in judged.stdout, judged.stdout + judged.stderr
    assert {line.split(":")[0] for line in judged.stdout.splitlines() if "[JM60" in line} == {str(s.map), str(other)}
    drawn = run_cli("render", str(other), "--format", "html", "--out", str(tmp_path / "o.html"),
                    "--measures", str(document))
    assert drawn.exit_code == 0, drawn.stderr
    assert 'class="measured"' in (tmp_path / "o.html").read_text(encoding="utf-8")


def test_diff_pairs_the_maps_of_two_documents_by_id(two, tmp_path: Path) -> None:
    s, other = two
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert run_cli("measure", str(s.map), str(other), "--until", "2026-10-05", "--format", "json",
                   "--out", str(old)).exit_code == 0
    # the new document lists the maps the other way round: pairs are found by id, not place
    assert run_cli("measure", str(other), str(s.map), "--format", "json", "--out", str(new)).exit_code == 0
    moved = run_cli("diff", str(old), str(new), "--exit-code")
    assert moved.exit_code == 1, moved.stderr
    assert moved.stdout.count("Funnel, share of the first stage") == 2
    same = run_cli("diff", str(new), str(new), "--exit-code")
    assert same.exit_code == 0


def test_a_document_of_several_maps_is_refused_where_one_is_expected(two, tmp_path: Path) -> None:
    s, other = two
    document = tmp_path / "all.json"
    assert run_cli("measure", str(s.map), str(other), "--format", "json", "--out", str(document)).exit_code == 0
    with pytest.raises(JourneymapError, match="holds the measures of 2 maps where one was expected"):
        read_snapshot(str(document))
    damaged = json.loads(document.read_text(encoding="utf-8"))
    damaged[1].pop("journeymap_measures")
    (tmp_path / "bad.json").write_text(json.dumps(damaged), encoding="utf-8")
    with pytest.raises(JourneymapError, match=r"bad.json, map 2: not a measures snapshot"):
        read_snapshots(str(tmp_path / "bad.json"))


def test_site_shows_each_map_s_own_measures_on_its_page(two, tmp_path: Path) -> None:
    s, other = two
    document = tmp_path / "all.json"
    assert run_cli("measure", str(other), "--format", "json", "--out", str(document)).exit_code == 0
    (entrants,) = {m.entrants for m in read_snapshots(str(document))}
    built = run_cli("site", str(s.folder), "--out", str(tmp_path / "site"), "--measures", str(document))
    assert built.exit_code == 0, built.stderr
    measured = (tmp_path / "site" / "maps" / "other-shop.html").read_text(encoding="utf-8")
    assert 'class="measured"' in measured  # the curve of what customers report, as render draws it
    assert f"<h2>Measured</h2><p class=\"site-measured\">{entrants:,} users entered the journey in events.csv" \
        in measured
    assert "<tr><td>discover</td>" in measured
    # the map the file does not measure keeps a page without numbers
    plain = (tmp_path / "site" / "maps" / "small-shop.html").read_text(encoding="utf-8")
    assert "<h2>Measured</h2>" not in plain and 'class="measured"' not in plain


def test_site_refuses_a_file_that_is_no_snapshot_in_one_line(two, tmp_path: Path) -> None:
    s, _ = two
    (tmp_path / "bogus.json").write_text('{"not": "a snapshot"}', encoding="utf-8")
    run = run_cli("site", str(s.folder), "--out", str(tmp_path / "site"), "--measures", str(tmp_path / "bogus.json"))
    assert run.exit_code == 2
    assert run.stderr.strip().splitlines() == [
        f"journeymap: error: {tmp_path / 'bogus.json'}: not a measures snapshot (no 'journeymap_measures' key); "
        "write one with journeymap measure --format json"]
