"""`journeymap import csv|xlsx`: the grids teams keep in spreadsheets become valid maps, every guess named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import FIXTURES, analysis_of, journey_from_text, needs_dot, run_cli
from tests.ecosystem.sheets import TEAM_MERGES, TEAM_SHEET, cache_results, excel_line_ends, team_workbook, workbook

from journeymap.convert.lanes import LABELS, Lane, Reading, is_stage_label, items, lane_of, read_feeling


def imported(path: Path, *args: str) -> tuple[dict, list[str]]:
    kind = "xlsx" if path.suffix == ".xlsx" else "csv"
    run = run_cli("import", kind, str(path), *args)
    assert run.exit_code == 0, run.stderr
    assert analysis_of(run.stdout).valid
    return yaml.safe_load(run.stdout), run.stderr.splitlines()


def touchpoints(data: dict) -> dict[str, dict]:
    return {tp["name"]: tp for s in data["stages"] for tp in s.get("touchpoints", [])}


def test_the_team_template_imports_with_every_guess_named(tmp_path):
    out = tmp_path / "grocery.journey.yaml"
    run = run_cli("import", "xlsx", str(FIXTURES / "sheets" / "team-journey.xlsx"), "--out", str(out))
    assert run.exit_code == 0, run.stderr
    journey = journey_from_text(out.read_text(encoding="utf-8"), str(out))
    assert journey.title == "Customer journey – Online grocery (v3, Q2 workshop)"
    assert [s.name for s in journey.stages] == ["Discover", "Order", "Delivery"]
    by_name = {tp.name: tp for s in journey.stages for tp in s.touchpoints}
    # bullets split, two columns under each merged stage header
    assert list(by_name) == ["Sees an ad on Instagram", "Asks a friend", "Builds a basket", "Pays",
                             "Books a delivery slot", "Waits at home", "Unpacks the bags"]
    # emoji, words and a formula's saved result as feelings
    assert [by_name[n].emotion for n in by_name] == [1, 1, 1, -2, 0, -1, 1]
    assert by_name["Pays"].pain_points[0].description == "Card declined"
    assert by_name["Builds a basket"].pain_points[0].severity == "high"
    assert by_name["Waits at home"].channel == "courier"
    assert journey.stages[0].kpis[0].target == "2%" and journey.stages[0].kpis[0].current == "1.4%"
    assert "Budget: £200 – £400" in journey.stages[0].description
    said = run.stderr
    for guess in ("row 5 'Doing' read as actions", "row 6 'Emotions' read as feelings",
                  "feeling 'meh' read as 0", "feeling '😡' read as -2", "row 9 'Ideas' read as opportunities",
                  "'Budget' is not a lane", "read sheet 'Journey'", "stage '1. Discover' read as 'Discover'"):
        assert guess in said, guess
    assert "Wrote" in said and "3 stages, 7 touchpoints" in said


@needs_dot
@pytest.mark.slow
def test_the_team_template_renders_as_a_poster(tmp_path):
    out = tmp_path / "grocery.journey.yaml"
    assert run_cli("import", "xlsx", str(FIXTURES / "sheets" / "team-journey.xlsx"), "--out", str(out)).exit_code == 0
    poster = tmp_path / "grocery.pdf"
    run = run_cli("render", str(out), "--format", "poster", "--out", str(poster))
    assert run.exit_code == 0, run.stderr
    from pypdf import PdfReader

    text = PdfReader(poster).pages[0].extract_text()
    for shown in ("Online grocery", "Discover", "Waits at home", "Delivery fee shown late", "Text when the van"):
        assert shown in text


def test_a_carriage_return_stored_as_x000d_is_a_line_break(tmp_path):
    path = workbook(tmp_path / "j.xlsx", {"S": {"A1": "Stage", "B1": "Pay", "A2": "Touchpoints",
                                               "B2": "Opens basket\nPays"}})
    excel_line_ends(path)
    data, _ = imported(path)
    assert list(touchpoints(data)) == ["Opens basket", "Pays"]


def test_a_formula_without_a_saved_result_is_said_not_dropped(tmp_path):
    path = workbook(tmp_path / "j.xlsx", {"S": {"A1": "Stage", "B1": "Pay", "C1": "Leave", "A2": "Touchpoints",
                                               "B2": "Pays", "C2": "Leaves", "A3": "Feelings", "B3": "=1+1",
                                               "C3": "=0-1"}})
    cache_results(path, {"C3": -1})
    data, said = imported(path)
    assert touchpoints(data)["Leaves"]["emotion"] == -1
    assert "emotion" not in touchpoints(data)["Pays"]
    assert any("B3" in line and "no saved result" in line for line in said)


def test_the_second_sheet_is_found_or_named(tmp_path):
    path = workbook(tmp_path / "j.xlsx", {
        "Cover": {"A1": "Our journeys", "A3": "Made in the spring workshop"},
        "Map": {"A1": "Stage", "B1": "Pay", "A2": "Touchpoints", "B2": "Pays"},
        "Other": {"A1": "Stage", "B1": "Visit", "A2": "Touchpoints", "B2": "Walks in"},
    })
    data, said = imported(path)
    assert list(touchpoints(data)) == ["Pays"]
    assert any("read sheet 'Map'" in line and "'Cover', 'Other'" in line for line in said)
    data, _ = imported(path, "--sheet", "Other")
    assert list(touchpoints(data)) == ["Walks in"]
    run = run_cli("import", "xlsx", str(path), "--sheet", "Nope")
    assert run.exit_code == 2 and "no sheet named 'Nope'" in run.stderr and "'Map'" in run.stderr


def test_excel_csv_with_bom_and_crlf(tmp_path):
    path = tmp_path / "j.csv"
    path.write_bytes("\ufeffJourney,,\r\n,,\r\nStages,Discover,Buy\r\nTouchpoints,\"Sees ad\r\nClicks\",Pays\r\n"
                     "Feelings,4,2\r\n".encode())
    data, said = imported(path)
    assert data["title"] == "Journey"
    assert {n: tp.get("emotion") for n, tp in touchpoints(data).items()} == {"Sees ad": 1, "Clicks": 1, "Pays": -1}
    assert any("1..5 scale" in line and "3 → 0" in line for line in said)


def test_a_windows_csv_in_cp1252(tmp_path):
    path = tmp_path / "j.csv"
    path.write_bytes("Stage;Pay\r\nTouchpoints;Pays £5 – isn’t it cheap\r\n".encode("cp1252"))
    data, said = imported(path)
    assert list(touchpoints(data)) == ["Pays £5 – isn’t it cheap"]
    assert any("Windows-1252" in line for line in said)
    assert any("semicolons" in line for line in said)


def test_blank_rows_and_columns_and_unknown_rows(tmp_path):
    path = tmp_path / "j.csv"
    path.write_text(",,,,\n,Stage,,Pay,\n,,,,\n,Touchpoints,,Pays,\n,,,,\n,Owner,,Finance,\n,Legend,,,\n"
                    ",Feelings,,meh\n", encoding="utf-8")
    data, said = imported(path)
    assert data["stages"][0]["description"] == "Owner: Finance"
    assert any("'Owner' is not a lane" in line for line in said)
    assert any("'Legend' has nothing under the stages" in line for line in said)
    assert touchpoints(data)["Pays"]["emotion"] == 0


def test_a_stage_without_touchpoints_gets_one_named_after_it(tmp_path):
    path = tmp_path / "j.csv"
    path.write_text("Stage,Wait\nFeelings,-2\nPain points,Nobody calls\n", encoding="utf-8")
    data, said = imported(path)
    tp = data["stages"][0]["touchpoints"][0]
    assert (tp["name"], tp["emotion"], tp["pain_points"][0]["description"]) == ("Wait", -2, "Nobody calls")
    assert any("no touchpoints" in line for line in said)


def test_an_unreadable_feeling_is_kept_as_a_note(tmp_path):
    path = tmp_path / "j.csv"
    path.write_text("Stage,Pay\nTouchpoints,Pays\nFeelings,¯\\_(ツ)_/¯\n", encoding="utf-8")
    data, said = imported(path)
    assert "emotion" not in touchpoints(data)["Pays"]
    assert "Feeling: ¯\\_(ツ)_/¯" in data["stages"][0]["description"]
    assert any("is not a number, face or word" in line for line in said)


def test_long_names_are_shortened_and_kept(tmp_path):
    long = "Reads " + "the small print " * 20
    path = tmp_path / "j.csv"
    path.write_text(f"Stage,Pay\nTouchpoints,{long}\n", encoding="utf-8")
    data, said = imported(path)
    tp = data["stages"][0]["touchpoints"][0]
    assert len(tp["name"]) == 200 and tp["description"] == long.strip()
    assert any("shortened to 200" in line for line in said)


def test_control_characters_become_spaces(tmp_path):
    path = tmp_path / "j.csv"
    path.write_text("Stage,Pay\nTouchpoints,Pays\x1b[31m now\n", encoding="utf-8")
    data, said = imported(path)
    assert list(touchpoints(data)) == ["Pays [31m now"]
    assert any("B2" in line and "control character" in line for line in said)


def test_stdin_and_out_and_force(tmp_path):
    out = tmp_path / "m.journey.yaml"
    grid = "Stage,Pay\nTouchpoints,Pays\n"
    assert run_cli("import", "csv", "-", "--out", str(out), input=grid).exit_code == 0
    again = run_cli("import", "csv", "-", "--out", str(out), input=grid)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run_cli("import", "csv", "-", "--out", str(out), "--force", input=grid).exit_code == 0


# --- the vocabulary ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "lane", "guess"), [
    ("Touchpoints", Lane.touchpoints, False), ("touchpoint", Lane.touchpoints, False),
    ("PAIN POINTS", Lane.pain_points, False), ("Doing", Lane.actions, True), ("Steps", Lane.actions, True),
    ("Emotions", Lane.feelings, True), ("Frustrations", Lane.pain_points, True),
    ("Ideas", Lane.opportunities, True), ("Thinking", Lane.thoughts, True), ("Metrics", Lane.kpis, True),
    ("Customer actions", Lane.actions, True), ("Touchpionts", Lane.touchpoints, True),
    ("Backstage actions", Lane.backstage, True), ("🙂 Feelings", Lane.feelings, False),
])
def test_row_labels_are_read_forgivingly(label, lane, guess):
    assert lane_of(label) == Reading(lane, guess)


def test_what_is_no_lane():
    assert lane_of("Budget") is None and lane_of("") is None and lane_of("2026-10-01") is None
    assert is_stage_label("Phases") and is_stage_label("stage") and not is_stage_label("Touchpoints")


@given(st.sampled_from(list(LABELS.values())), st.sampled_from([str.lower, str.upper, str.title, lambda s: s]))
def test_journeymap_s_own_labels_are_never_a_guess(label, case):
    reading = lane_of(case(label))
    assert reading is not None and not reading.guess and LABELS[reading.lane] == label


@pytest.mark.parametrize(("cell", "expected"), [
    ("one", ["one"]), ("- a\n- b", ["a", "b"]), ("• a • b", ["a", "b"]), ("1. a\n2) b", ["a", "b"]),
    ("Sign in - or not", ["Sign in - or not"]), ("\n\n a \n\n", ["a"]), ("- a - b", ["a", "b"]),
])
def test_items_of_a_cell(cell, expected):
    assert items(cell) == expected


@pytest.mark.parametrize(("text", "emotion"), [
    ("😀", 1), ("😡", -2), ("🙂 relieved", 1), (":(", -1), ("meh", 0), ("Very negative", -2), ("Positive", 1),
    ("frustrated!", -1), ("😐️", 0),
])
def test_faces_and_words_as_feelings(text, emotion):
    assert read_feeling(text).emotion == emotion


def test_numbers_keep_their_own_scale():
    assert read_feeling("−2").raw == -2 and read_feeling("4,5").raw == 4.5 and read_feeling("blue").emotion is None


def test_the_team_template_cells_make_the_fixture(tmp_path):
    # the committed fixture is what tests/ecosystem/sheets.py makes: rebuild it and compare the grids
    from journeymap.convert.sheet_read import read_xlsx

    made = read_xlsx(team_workbook(tmp_path / "t.xlsx").read_bytes(), "t")
    committed = read_xlsx((FIXTURES / "sheets" / "team-journey.xlsx").read_bytes(), "t")
    assert [t.rows for t in made] == [t.rows for t in committed]
    assert TEAM_SHEET["C4"] == "1. Discover" and "C4:D4" in TEAM_MERGES


def test_the_sample_grid_in_the_docs_imports_as_it_says(tmp_path):
    import csv

    text = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    section = text.split("## The grid it reads")[1].split("\n\n")[1]  # the first table under the heading
    table = [line for line in section.splitlines() if line.startswith("| ")][2:]
    path = tmp_path / "sample.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for line in table:
            cells = [c.strip().replace("<br>", "\n").replace("**", "") for c in line.strip("|").split("|")][1:]
            writer.writerow(cells)
    data, said = imported(path)
    assert data["title"] == "Online grocery, first order"
    tps = touchpoints(data)
    assert {n: tp.get("emotion") for n, tp in tps.items()} == {
        "Sees an ad": 1, "Asks a friend": 1, "Builds a basket": 1, "Pays": -2, "Waits at home": 0}
    assert tps["Builds a basket"]["pain_points"][0] == {"id": "fee-shown-late", "description": "Fee shown late",
                                                        "severity": "high"}
    assert data["opportunities"][0]["addresses"] == ["fee-shown-late", "card-declined"]
    assert data["stages"][0]["kpis"] == [{"name": "Ad CTR", "target": "2%", "current": "1.4%"}]
    assert any("row 5 'Emotions' read as feelings" in line for line in said)
    assert any("1..5 scale" in line for line in said)


def test_a_cell_merged_across_a_stage_belongs_to_every_touchpoint_under_it(tmp_path):
    path = workbook(tmp_path / "j.xlsx", {"S": {
        "A1": "Stage", "B1": "Order", "D1": "Leave",
        "A2": "Touchpoints", "B2": "Builds a basket", "C2": "Pays", "D2": "Leaves",
        "A3": "Feelings", "B3": "😡", "D3": "🙂",
        "A4": "Thoughts", "B4": "Too slow\nToo dear",
    }}, {"S": ["B1:C1", "B3:C3", "B4:C4"]})
    data, said = imported(path)
    tps = touchpoints(data)
    assert {n: tp.get("emotion") for n, tp in tps.items()} == {"Builds a basket": -2, "Pays": -2, "Leaves": 1}
    assert (tps["Builds a basket"]["thoughts"], tps["Pays"]["thoughts"]) == (["Too slow"], ["Too dear"])
    assert not [line for line in said if "line up" in line or "first" in line]


def test_openpyxl_is_loaded_only_for_workbooks(tmp_path):
    import subprocess
    import sys

    grid = tmp_path / "j.csv"
    grid.write_text("Stage,Pay\nTouchpoints,Pays\n", encoding="utf-8")
    probe = (
        "import sys\nfrom typer.testing import CliRunner\nfrom journeymap.cli import app\n"
        f"CliRunner().invoke(app, ['import', 'csv', {str(grid)!r}])\n"
        "CliRunner().invoke(app, ['validate', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'weasyprint', 'duckdb')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


def test_feelings_on_no_known_scale_are_kept_as_notes(tmp_path):
    path = tmp_path / "j.csv"
    path.write_text("Stage,Pay,Leave\nTouchpoints,Pays,Leaves\nFeelings,40,95\n", encoding="utf-8")
    data, said = imported(path)
    assert all("emotion" not in tp for tp in touchpoints(data).values())
    assert [s["description"] for s in data["stages"]] == ["Feeling: 40", "Feeling: 95"]
    assert sum("no scale journeymap knows" in line for line in said) == 1


def test_one_channel_for_a_column_and_channels_that_do_not_line_up(tmp_path):
    path = tmp_path / "j.csv"
    path.write_text("Stage,Order,Visit\nTouchpoints,\"Builds basket\nPays\",\"Walks in\nAsks\nLeaves\"\n"
                    "Channels,App,\"Shop\nPhone\"\n", encoding="utf-8")
    data, said = imported(path)
    tps = touchpoints(data)
    assert tps["Builds basket"]["channel"] == tps["Pays"]["channel"] == "app"
    assert "channel" not in tps["Walks in"] and data["stages"][1]["description"] == "Channels: Shop, Phone"
    assert any("C3" in line and "2 channels for 3 touchpoints" in line for line in said)
    assert [c["name"] for c in data["channels"]] == ["App"]
