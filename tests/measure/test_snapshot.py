"""The measures snapshot, typed: it reads back as it was written, and each map finds its own."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeymap.measures import (
    FunnelStep,
    MeasuresByMap,
    MeasuresSnapshot,
    Surveys,
    SurveyScore,
    snapshot_from_json,
    snapshot_json,
)
from tests.conftest import run_cli

IDS = st.text("abc-", min_size=1, max_size=6)
PATHS = st.text("xyz/.", min_size=1, max_size=8).map(lambda p: p + ".journey.yaml")


def snapshot(map_id: str = "shop", map_path: str = "shop.journey.yaml", **changes: object) -> MeasuresSnapshot:
    empty = MeasuresSnapshot(
        map_path=map_path, map_id=map_id, map_title="Shop", engine="duckdb", events_source="events.csv",
        rows_read=0, rows_skipped=0, events_in_range=0, mapped_events=0, entrants=0, since=None, until=None,
        window_seconds=None, touchpoints=[], stages=[], funnel=[], kpis=[], surveys=None, unmapped_events=[],
        unmapped_total=0, never_seen=[], unmatched_signals=[], back_steps=[], transitions=0,
    )
    return dataclasses.replace(empty, **changes)


def test_a_snapshot_reads_back_equal_and_keeps_the_json_keys() -> None:
    written = snapshot(
        funnel=[FunnelStep("discover", 10, None, 1.0), FunnelStep("buy", 4, 0.4, 0.4)],
        surveys=Surveys("csat", "1..5 onto -2..+2", 0, [SurveyScore("pays", 3, 2.0, -1.0, 1, True)], []),
    )
    text = snapshot_json(written)
    assert snapshot_from_json(text, "m.json") == written
    raw = json.loads(text)
    assert raw["journeymap_measures"] == 1
    assert set(raw) == {"journeymap_measures", *(f.name for f in dataclasses.fields(MeasuresSnapshot))}


def test_the_readers_views_come_from_the_snapshot() -> None:
    taken = snapshot(
        funnel=[FunnelStep("discover", 10, None, 1.0), FunnelStep("nobody", 0, None, None)],
        surveys=Surveys("csat", "", 0, [SurveyScore("pays", 3, 2.0, -1.0, 1, True)], []),
    )
    assert taken.funnel_shares() == {"discover": 1.0}
    assert taken.measured_emotions() == {"pays": -1.0}
    assert snapshot().measured_emotions() == {} and snapshot().funnel_shares() == {}


@given(st.dictionaries(IDS, PATHS, min_size=1, max_size=5), st.data())
def test_a_map_with_an_id_finds_the_snapshot_of_that_id_wherever_it_lies(
    by_id: dict[str, str], data: st.DataObject
) -> None:
    found = MeasuresByMap.of([snapshot(i, p) for i, p in by_id.items()])
    wanted = data.draw(st.sampled_from(sorted(by_id)))
    moved = data.draw(PATHS)
    got = found.for_map(wanted, moved)
    assert got is not None and got.map_id == wanted


@given(st.lists(PATHS, min_size=1, max_size=5, unique=True), st.data())
def test_a_map_without_an_id_finds_the_snapshot_of_its_path(paths: list[str], data: st.DataObject) -> None:
    found = MeasuresByMap.of([snapshot("", p) for p in paths])
    wanted = data.draw(st.sampled_from(paths))
    got = found.for_map("", wanted)
    assert got is not None and got.map_path == wanted
    assert found.for_map("", "elsewhere/" + wanted) is None


def test_no_snapshot_for_a_map_that_was_not_measured() -> None:
    found = MeasuresByMap.of([snapshot("shop", "shop.journey.yaml")])
    assert found.for_map("bank", "bank.journey.yaml") is None
    assert not MeasuresByMap.of([]) and found


MAP = ("journeymap: 1\n{id}title: Checkout\nstages:\n  - id: buy\n    name: Buy\n    touchpoints:\n"
       "      - {{id: pays, name: Pays, signals: [payment_done]}}\n")


@pytest.mark.parametrize(
    ("map_id", "snapshot_id", "snapshot_path", "found"),
    [
        ("checkout", "checkout", "elsewhere/checkout.journey.yaml", True),  # by id, wherever it was measured
        ("", "", "MAP", True),  # no id: by the path the map is named by
        ("", "", "elsewhere/checkout.journey.yaml", False),
        ("checkout", "other", "MAP", False),  # a map with an id never takes another map's snapshot
    ],
)
def test_validate_measures_judges_each_map_by_its_own_snapshot(
    tmp_path: Path, map_id: str, snapshot_id: str, snapshot_path: str, found: bool
) -> None:
    path = tmp_path / "checkout.journey.yaml"
    path.write_text(MAP.format(id=f"id: {map_id}\n" if map_id else ""), encoding="utf-8")
    measured = snapshot(snapshot_id, str(path) if snapshot_path == "MAP" else snapshot_path,
                        events_source="events.csv", never_seen=["pays"])
    (tmp_path / "m.json").write_text(snapshot_json(measured), encoding="utf-8")
    run = run_cli("validate", str(path), "--measures", str(tmp_path / "m.json"))
    assert ("[JM603] touchpoint 'pays' never happens in events.csv" in run.stdout) is found, run.stdout + run.stderr
    assert run.exit_code == 0  # a warning
