"""`journeymap import mermaid`: messy real-world diagrams import and validate, or are refused clearly."""

from __future__ import annotations

import yaml
from tests.conftest import EXAMPLES, FIXTURES, journey_from_text, run_cli

from journeymap.convert.mermaid_in import import_mermaid
from journeymap.render.mermaid import mermaid_source

MERMAID = FIXTURES / "mermaid"


def imported(name: str, *args: str):
    run = run_cli("import", "mermaid", str(MERMAID / name), *args)
    data = yaml.safe_load(run.stdout) if run.exit_code == 0 else None
    return run, data


def test_messy_diagram_imports_and_validates(tmp_path):
    run, data = imported("messy.mmd")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("# yaml-language-server: $schema=")
    assert data["title"] == 'Morning coffee ☕ at Café Zoë: "the usual"'
    assert data["description"] == "A customer's morning coffee, from queue to loyalty card"
    assert [p["name"] for p in data["personas"]] == ["Léa", "Marc"]
    assert [p["id"] for p in data["personas"]] == ["lea", "marc"]
    assert [s["name"] for s in data["stages"]] == ["Arrive 🚶", "Pay & leave"]
    first, second = data["stages"][0]["touchpoints"]
    assert (first["name"], first["emotion"], first["personas"]) == ("Finds the café", 2, ["lea", "marc"])
    assert (second["name"], second["emotion"]) == ("Queues; orders", -1)
    path = tmp_path / "coffee.journey.yaml"
    path.write_text(run.stdout, encoding="utf-8")
    assert run_cli("validate", "--no-lint", str(path)).exit_code == 0


def test_warnings_never_lose_data_silently():
    run, data = imported("warnings.mmd")
    assert run.exit_code == 0
    lines = run.stderr.splitlines()
    assert any(":4: warning: score 3.6 of 'Decimal score' is not a whole number; rounded to 4" in x for x in lines)
    assert any(":5: warning: score 'great' of 'Word score' is not a number" in x for x in lines)
    assert any(":6: warning: an empty actor name" in x for x in lines)
    assert any(":7: warning: 'Extra fields' has extra `:` fields" in x for x in lines)
    tasks = data["stages"][0]["touchpoints"]
    assert tasks[0]["emotion"] == 1 and "emotion" not in tasks[1]
    assert tasks[2]["personas"] == ["ann", "bob"]
    assert tasks[3]["description"] == "note here"


def test_scores_outside_one_to_five_are_an_error_unless_rescaled():
    run, _ = imported("out-of-range.mmd")
    assert run.exit_code == 1
    assert "out-of-range.mmd:4: score 10 of 'Signs up' is outside Mermaid's 1..5 (3 such tasks)" in run.stderr
    assert "--rescale" in run.stderr
    run, data = imported("out-of-range.mmd", "--rescale")
    assert run.exit_code == 0
    assert [t["emotion"] for t in data["stages"][0]["touchpoints"]] == [2, -2, 1]
    assert "actors 'User' and 'Users' look like the same person" in run.stderr


def test_not_a_journey_or_empty_exits_2():
    for name, words in [("flowchart.mmd", "not a Mermaid journey diagram (it starts with 'graph TD')"),
                        ("empty.mmd", "the file is empty"), ("comment-only.mmd", "the file is empty")]:
        run, _ = imported(name)
        assert run.exit_code == 2, name
        assert words in run.stderr and "`journey`" in run.stderr


def test_out_file_written_once_then_refused_without_force(tmp_path):
    out = tmp_path / "day.journey.yaml"
    first = run_cli("import", "mermaid", str(MERMAID / "messy.mmd"), "--out", str(out))
    assert first.exit_code == 0 and "Wrote" in first.stderr
    again = run_cli("import", "mermaid", str(MERMAID / "messy.mmd"), "--out", str(out))
    assert again.exit_code == 2 and "already exists; pass --force" in again.stderr
    assert run_cli("import", "mermaid", str(MERMAID / "messy.mmd"), "--out", str(out), "--force").exit_code == 0


def test_duplicate_names_get_unique_ids():
    result = import_mermaid("journey\nsection A\n  Pay: 3: X\n  Pay: 4: X\nsection A\n  😀: 5: X\n")
    stages = result.data["stages"]
    assert [s["id"] for s in stages] == ["a", "a-2"]
    assert [t["id"] for t in stages[0]["touchpoints"]] == ["pay", "pay-2"]
    assert stages[1]["touchpoints"][0]["id"] == "touchpoint-2-1"


def test_round_trip_map_to_mermaid_to_map_keeps_the_journey():
    for path in sorted(EXAMPLES.glob("*.journey.yaml")):
        original = journey_from_text(path.read_bytes(), str(path))
        back = import_mermaid(mermaid_source(original)).data
        again = journey_from_text(yaml.safe_dump(back, allow_unicode=True, sort_keys=False), "back.journey.yaml")
        assert [s.name for s in again.stages] == [s.name for s in original.stages], path.name
        assert [t.name for t in again.touchpoints()] == [t.name for t in original.touchpoints()]
        assert [t.emotion for t in again.touchpoints()] == [t.emotion for t in original.touchpoints()]
        assert sorted(p.name for p in again.personas) == sorted(p.name for p in original.personas)
