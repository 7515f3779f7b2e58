"""The rules that judge a map against a measures snapshot: silent without one, specific with one."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from tests.conftest import run_cli
from tests.measure.helpers import Shop, shop
from tests.measure.test_conformance import returning_shop

from journeymap.measure import synthetic

# every rule that judges a map by its data: the tests below trigger each of them
TRIGGERED = ("JM601", "JM602", "JM603", "JM604", "JM605", "JM606")
# what customers do since the wishlist shipped, by volume: (event, users who do it, times each)
WISHLIST = (("wishlist_opened", 240, 3), ("wishlist_item_added", 200, 2), ("wishlist_shared", 50, 1))


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


def measured_and_validated(s: Shop, *flags: str):
    snapshot = s.folder / "measures.json"
    assert run_cli("measure", str(s.map), "--format", "json", "--out", str(snapshot)).exit_code == 0
    return run_cli("validate", str(s.map), "--measures", str(snapshot), *flags), json.loads(snapshot.read_text())


def ship_the_wishlist(s: Shop) -> None:
    """The product's log after a release the map has not followed: wishlist events, by existing users."""
    with (s.folder / "events.csv").open("a", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        for event, users, times in WISHLIST:
            for user in range(users):
                for time in range(times):
                    out.writerow([f"u{user:05d}", event, f"2026-10-0{1 + time}T12:{user % 60:02d}:00Z", "web"])


def test_a_pull_request_that_leaves_the_map_behind_new_events_fails_on_their_volume(tmp_path: Path) -> None:
    s = returning_shop(tmp_path / "shop", synthetic.Plan(users=300))  # its loop declared: JM605 passes
    before, _ = measured_and_validated(s)
    assert before.exit_code == 0 and "[JM606]" not in before.stdout
    ship_the_wishlist(s)
    after, snapshot = measured_and_validated(s)
    assert after.exit_code == 1
    (drift,) = [line for line in after.stdout.splitlines() if "[JM606]" in line]
    # the share and the largest names, counted from the log itself
    rows = list(csv.DictReader((s.folder / "events.csv").open(encoding="utf-8")))
    volume = Counter(r["event_name"] for r in rows)
    unmapped = {u["event"] for u in snapshot["unmapped_events"]}
    share = sum(volume[name] for name in unmapped) / len(rows)
    largest = sorted(unmapped, key=lambda name: (-volume[name], name))[:3]
    assert share > 0.2 and "wishlist_opened" in largest
    named = ", ".join(f"'{name}' ({volume[name]:,})" for name in largest)
    data_line = s.map.read_text().splitlines().index("data:") + 1
    assert drift == (f"{s.map}:{data_line}:1: error [JM606] {share * 100:.1f}% of the events in events.csv belong to "
                     f"no touchpoint, over the ceiling of 20.0% (max_share); the largest unmapped: {named}; add a "
                     "signal for them to the touchpoint where customers do this (or a new touchpoint), or raise "
                     "`max_share` of unmapped-volume-drift if the log holds events the map should not show")

    # the same finding in CI's annotations and in code scanning
    github, _ = measured_and_validated(s, "--format", "github")
    assert f"::error file={s.map},line={data_line},col=1,title=JM606 unmapped-volume-drift::" in github.stdout
    # (a workflow command spells % as %25)
    assert f"over the ceiling of 20.0%25 (max_share); the largest unmapped: {named}" in github.stdout
    sarif, _ = measured_and_validated(s, "--format", "sarif")
    (result,) = [r for r in json.loads(sarif.stdout)["runs"][0]["results"] if r["ruleId"] == "JM606"]
    assert result["level"] == "error" and named in result["message"]["text"]

    # the pull request catches up: a touchpoint claims the wishlist, and the map passes again
    text = s.map.read_text(encoding="utf-8")
    s.map.write_text(text.replace("    touchpoints:\n      - id: reads-reviews\n",
                                  "    touchpoints:\n      - id: keeps-for-later\n        name: Keeps it for later\n"
                                  "        signals: [\"wishlist_*\"]\n      - id: reads-reviews\n"), encoding="utf-8")
    caught_up, _ = measured_and_validated(s)
    assert caught_up.exit_code == 0 and "[JM606]" not in caught_up.stdout


def test_the_ceiling_is_the_configuration_s_and_jm604_keeps_its_own(tmp_path: Path) -> None:
    s = returning_shop(tmp_path / "shop", synthetic.Plan(users=300))
    ship_the_wishlist(s)
    config = s.folder / ".journeymap.yaml"
    config.write_text("rules:\n  unmapped-volume-drift: {max_share: 0.5}\n")
    raised, snapshot = measured_and_validated(s)
    assert raised.exit_code == 0 and "[JM606]" not in raised.stdout
    # JM604 still notes the volume at its own 5%, as info, as before
    share = snapshot["unmapped_total"] / snapshot["events_in_range"]
    assert f"info [JM604] {share * 100:.1f}% of the events in events.csv belong to no touchpoint" in raised.stdout
    config.write_text("rules:\n  unmapped-volume-drift: {max_share: 0.05}\n")
    strict, _ = measured_and_validated(s)
    assert strict.exit_code == 1 and "over the ceiling of 5.0% (max_share)" in strict.stdout
    # without a snapshot the rule says nothing, whatever the log holds
    assert "[JM606]" not in run_cli("validate", str(s.map)).stdout
