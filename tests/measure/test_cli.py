"""`journeymap measure` as a user runs it: outputs, warnings, and one-line errors with exit 2."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from journeymap.measure import synthetic
from journeymap.measures import snapshot_from_json
from tests.conftest import run_cli
from tests.measure.helpers import Shop, shop


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Shop:
    return shop(tmp_path_factory.mktemp("cli"), synthetic.Plan(users=200))


def test_text_output_shows_funnel_stages_misses_and_warns_of_a_signal_that_matches_nothing(small: Shop) -> None:
    run = run_cli("measure", str(small.map))
    assert run.exit_code == 0, run.stderr
    assert "Funnel, in the map's order" in run.stdout
    assert "Touchpoints never seen in the data: reviews-order" in run.stdout
    assert "push_opt_in_shown" in run.stdout
    assert "Contradiction: sees-ad" in run.stdout
    assert "CSAT 1-5: emotion = score - 3" in run.stdout
    assert "warning: " in run.stderr and "'order_review'" in run.stderr and "matches no event" in run.stderr


def test_json_is_the_versioned_snapshot_and_reads_back(small: Shop, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    run = run_cli("measure", str(small.map), "--format", "json", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    raw = json.loads(out.read_text())
    assert raw["journeymap_measures"] == 1
    assert [f["stage"] for f in raw["funnel"]] == ["discover", "compare", "decide", "after"]
    back = snapshot_from_json(out.read_text(), str(out))
    assert back.entrants == raw["entrants"] == 200
    assert back.surveys is not None and back.surveys.touchpoints[0].touchpoint == "sees-ad"


def test_markdown_and_html_escape_event_names_from_the_data(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=50, unmapped_event="<img src=x onerror=alert(1)>|[x](http://e.vil)"))
    markdown = run_cli("measure", str(s.map), "--format", "markdown")
    assert markdown.exit_code == 0, markdown.stderr
    assert "<img" not in markdown.stdout and "](http" not in markdown.stdout
    assert "### Funnel, in the map's order" in markdown.stdout
    page = run_cli("measure", str(s.map), "--format", "html")
    assert "<img" not in page.stdout and "&lt;img src=x" in page.stdout
    assert "Content-Security-Policy" in page.stdout
    assert "<p>Map: A small shop, measured (" in page.stdout  # the words of a note keep their spaces


def test_parquet_ndjson_and_gzipped_csv_give_the_same_numbers_as_csv(small: Shop, tmp_path: Path) -> None:
    import duckdb

    source = small.folder / "events.csv"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{tmp_path / 'e.parquet'}'")
    con.execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{tmp_path / 'e.ndjson'}'"
                " (FORMAT json)")
    (tmp_path / "e.csv.gz").write_bytes(gzip.compress(source.read_bytes()))
    expected = json.loads(run_cli("measure", str(small.map), "--format", "json").stdout)
    for name in ("e.parquet", "e.ndjson", "e.csv.gz"):
        run = run_cli("measure", str(small.map), "--events", str(tmp_path / name), "--format", "json")
        got = json.loads(run.stdout)
        assert got["funnel"] == expected["funnel"], name
        assert got["stages"] == expected["stages"], name
        assert got["touchpoints"] == expected["touchpoints"], name


def one_error(run_stderr: str) -> str:
    lines = run_stderr.strip().splitlines()
    assert len(lines) == 1, run_stderr
    assert "Traceback" not in run_stderr
    return lines[0]


def test_a_missing_event_file_is_one_line_and_exit_2(small: Shop) -> None:
    run = run_cli("measure", str(small.map), "--events", "no-such-events.csv")
    assert run.exit_code == 2
    assert one_error(run.stderr) == "journeymap: error: event log 'no-such-events.csv': no such file"


def test_an_unknown_column_says_did_you_mean(small: Shop, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.csv"
    text = (small.folder / "events.csv").read_text()
    renamed.write_text(text.replace("occurred_at", "occured_at", 1))
    run = run_cli("measure", str(small.map), "--events", str(renamed))
    assert run.exit_code == 2
    assert one_error(run.stderr).endswith("no column 'occurred_at' (the time column); did you mean 'occured_at'?")


def test_an_unparseable_timestamp_names_file_row_and_value(small: Shop, tmp_path: Path) -> None:
    lines = (small.folder / "events.csv").read_text().splitlines()
    lines[7] = "u9,ad_impression,last tuesday,web"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    run = run_cli("measure", str(small.map), "--events", str(bad))
    assert run.exit_code == 2
    line = one_error(run.stderr)
    assert f"{bad}, row 7: cannot read 'last tuesday' in column 'occurred_at' as a time" in line


def test_a_map_without_data_asks_for_an_event_log(write_map) -> None:
    path = write_map("journeymap: 1\ntitle: T\nstages: [{id: s, name: S}]\n")
    run = run_cli("measure", str(path))
    assert run.exit_code == 2
    assert "no event log: add a data.events section" in one_error(run.stderr)


def test_a_data_path_outside_the_repository_is_refused(small: Shop, tmp_path: Path) -> None:
    text = small.map.read_text().replace("path: events.csv", "path: ../../../../../../etc/hostname")
    target = small.folder / "outside.journey.yaml"
    target.write_text(text)
    run = run_cli("measure", str(target))
    assert run.exit_code == 2
    assert "lies outside the repository" in one_error(run.stderr)


def test_the_configuration_names_the_data_when_the_map_does_not(small: Shop, tmp_path: Path) -> None:
    lines = small.map.read_text().split("\nstages:")
    bare = small.folder / "bare.journey.yaml"
    bare.write_text(lines[0].split("\ndata:")[0] + "\nstages:" + lines[1])
    config = small.folder / ".journeymap.yaml"
    config.write_text(
        "data:\n  events:\n    path: events.csv\n"
        "    columns: {user: user_id, event: event_name, time: occurred_at, attributes: {platform: platform}}\n"
    )
    run = run_cli("measure", str(bare), "--config", str(config), "--format", "json")
    assert run.exit_code == 0, run.stderr
    measured = json.loads(run.stdout)
    assert measured["entrants"] == 200
    assert measured["surveys"] is None
    assert {k["name"]: k["status"] for k in measured["kpis"]}["Satisfaction with tracking"] == "no-data"
    config.write_text("data:\n  events: {path: events.csv}\n")
    broken = run_cli("measure", str(bare), "--config", str(config))
    assert broken.exit_code == 2 and "data.events is not valid" in one_error(broken.stderr)


def test_an_invalid_map_is_skipped_with_its_findings_and_exit_1(write_map) -> None:
    path = write_map("journeymap: 1\ntitle: T\nstages: [{id: s, name: S, kpis: [{name: K, measure: {reach: nope}}]}]\n")
    run = run_cli("measure", str(path))
    assert run.exit_code == 1
    assert "names unknown touchpoint or stage 'nope'" in run.stderr
    assert "skipped" in run.stderr


def test_render_draws_the_measured_emotion_beside_the_assumed_curve(small: Shop, tmp_path: Path) -> None:
    snapshot = tmp_path / "m.json"
    assert run_cli("measure", str(small.map), "--format", "json", "--out", str(snapshot)).exit_code == 0
    plain = run_cli("render", str(small.map), "--format", "html", "--out", str(tmp_path / "plain.html"))
    assert plain.exit_code == 0, plain.stderr
    drawn = run_cli("render", str(small.map), "--format", "html", "--out", str(tmp_path / "drawn.html"),
                    "--measures", str(snapshot))
    assert drawn.exit_code == 0, drawn.stderr
    page = (tmp_path / "drawn.html").read_text()
    assert 'class="measured"' in page and "measured (surveys)" in page
    assert "Sees an ad: measured \u22121." in page  # the contradicted touchpoint, assumed +1, a true minus
    assert "Measured funnel: 100.0% reach here" in page  # the first stage of the funnel
    assert 'class="measured"' not in (tmp_path / "plain.html").read_text()


def test_diff_of_two_snapshots_shows_what_moved(small: Shop, tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    earlier = run_cli("measure", str(small.map), "--until", "2026-10-05", "--format", "json", "--out", str(old))
    assert earlier.exit_code == 0
    assert run_cli("measure", str(small.map), "--format", "json", "--out", str(new)).exit_code == 0
    run = run_cli("diff", str(old), str(new), "--exit-code")
    assert run.exit_code == 1, run.stderr
    assert "Funnel, share of the first stage" in run.stdout and "pts" in run.stdout
    assert "Fitness: how well the map describes the log" in run.stdout
    fitness = [line.split() for line in run.stdout.splitlines() if line.strip().startswith(("users ", "transitions "))]
    assert [row[0] for row in fitness] == ["users", "transitions"]
    assert all(row[1].endswith("%") and row[2].endswith("%") for row in fitness), fitness
    same = run_cli("diff", str(new), str(new), "--exit-code", "--format", "markdown")
    assert same.exit_code == 0 and "| discover | 100.0% | 100.0% | = |" in same.stdout
