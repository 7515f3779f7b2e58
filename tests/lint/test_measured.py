"""The rules that judge a map against a measures snapshot: silent without one, specific with one."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.measure.helpers import shop

from journeymap.measure import synthetic

# every rule that judges a map by its data: the test below triggers each of them
TRIGGERED = ("JM601", "JM602", "JM603", "JM604", "JM605")


def test_a_snapshot_turns_on_the_rules_that_judge_the_map_against_its_data(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=300))
    snapshot = tmp_path / "measures.json"
    assert run_cli("measure", str(s.map), "--format", "json", "--out", str(snapshot)).exit_code == 0
    plain = run_cli("validate", str(s.map))
    assert not any(rule in plain.stdout for rule in TRIGGERED)
    judged = run_cli("validate", str(s.map), "--measures", str(snapshot))
    lines = judged.stdout.splitlines()
    text = s.map.read_text().splitlines()

    def line_of(needle: str, after: str = "") -> int:
        start = next(i for i, line in enumerate(text) if after in line) if after else 0
        return next(i for i, line in enumerate(text) if i >= start and needle in line) + 1

    contradiction = next(line for line in lines if "[JM601]" in line)
    assert f":{line_of('emotion: 1', 'id: sees-ad')}:" in contradiction
    assert "touchpoint 'sees-ad' assumes emotion +1 but" in contradiction and "CSAT 1-5" in contradiction
    off = [line for line in lines if "[JM602]" in line]
    assert any("KPI 'Compare to basket within 7 days' of stage 'compare' measures" in line for line in off)
    never = next(line for line in lines if "[JM603]" in line)
    assert "touchpoint 'reviews-order' never happens" in never
    unmapped = next(line for line in lines if "[JM604]" in line)
    assert "'push_opt_in_shown'" in unmapped and unmapped.split(":")[1] == str(line_of("data:"))
    drift = next(line for line in lines if "[JM605]" in line)
    assert drift.split(":")[1] == str(line_of("id: compare")) and " error " in drift
    assert "of entrants fit the map, under the floor of 80.0% (min_users)" in drift
    assert "the path the map explains least: discover > compare > discover > compare" in drift
    assert "add 'discover' to the `returns:` of stage 'compare'" in drift
    assert judged.exit_code == 1


def test_declaring_the_return_or_lowering_the_floor_lets_the_map_pass(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=300))
    snapshot = tmp_path / "measures.json"
    assert run_cli("measure", str(s.map), "--format", "json", "--out", str(snapshot)).exit_code == 0
    assert "[JM605]" in run_cli("validate", str(s.map), "--measures", str(snapshot)).stdout
    config = tmp_path / ".journeymap.yaml"
    config.write_text("rules:\n  fitness-floor: {min_users: 0.5}\n")
    assert "[JM605]" not in run_cli("validate", str(s.map), "--config", str(config), "--measures",
                                    str(snapshot)).stdout
    config.write_text("rules:\n  fitness-floor: {min_users: 0.5, min_transitions: 0.99}\n")
    strict = run_cli("validate", str(s.map), "--config", str(config), "--measures", str(snapshot)).stdout
    assert "of transitions fit the map, under the floor of 99.0% (min_transitions)" in strict
    config.unlink()
    text = s.map.read_text()
    s.map.write_text(text.replace("    name: Compare\n", "    name: Compare\n    returns: [discover]\n"))
    assert run_cli("measure", str(s.map), "--format", "json", "--out", str(snapshot)).exit_code == 0
    assert "[JM605]" not in run_cli("validate", str(s.map), "--measures", str(snapshot)).stdout


def test_a_file_that_is_no_snapshot_is_one_line_and_exit_2(tmp_path: Path, fixture_path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": 1}')
    run = run_cli("validate", str(fixture_path("minimal.journey.yaml")), "--measures", str(bogus))
    assert run.exit_code == 2
    assert run.stderr.strip() == (f"journeymap: error: {bogus}: not a measures snapshot (no 'journeymap_measures' "
                                  "key); write one with journeymap measure --format json")
