"""Conformance on generated logs: fitness, the paths the map does not explain and how they
rank, against the plain-Python reference and against what the plan planted."""

from __future__ import annotations

import csv
import html
import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.diff.present.markdown import md_text
from journeymap.measure import synthetic
from journeymap.measure.conformance import LIST_LIMIT
from journeymap.measure.present import as_text
from journeymap.measures import MeasuresSnapshot, snapshot_from_json, snapshot_json
from tests.conftest import run_cli
from tests.measure.conformance_reference import Expected, conformance
from tests.measure.helpers import SHOP, Shop, shop
from tests.measure.reference import WEEK_OFFSET, Reference, events_of

WEEK = 7 * 86400.0
# the shop map with one declared return: from compare back to discover (the planted loop's stages)
WITH_RETURN = SHOP.read_text(encoding="utf-8").replace(
    "  - id: compare\n    name: Compare\n", "  - id: compare\n    name: Compare\n    returns: [discover]\n")


def returning_shop(folder: Path, plan: synthetic.Plan) -> Shop:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder.parent / f"{folder.name}.source.yaml"
    source.write_text(WITH_RETURN, encoding="utf-8")
    return shop(folder, plan, source)


def expected(s: Shop, every: bool, by: bool) -> Expected:
    ref = Reference(s.journey, events_of(s.journey, s.rows(), "user_id", "event_name", "occurred_at"))
    return conformance(ref, (WEEK, WEEK_OFFSET) if every else None, "platform" if by else None)


def assert_equals_reference(snap: MeasuresSnapshot, want: Expected) -> None:
    c = snap.conformance
    assert c is not None
    assert (c.fitness_users, c.fitness_transitions) == (want.fitness_users, want.fitness_transitions)
    assert (c.entrants, c.transitions) == (want.entrants, want.transitions)
    for got, paths in ((c.variants, want.variants), (c.back_steps, want.back_steps)):
        # the listed paths are the reference's first ones, in its order, with its counts
        assert [tuple(d.path) for d in got] == want.ranked(paths)[:LIST_LIMIT]
        for d in got:
            mine = paths[tuple(d.path)]
            assert d.users == mine.users
            assert d.excess_users == want.excess(mine)
            if d.transitions is not None:
                assert d.transitions == mine.transitions


def test_fitness_is_one_on_a_log_that_follows_the_maps_order(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=300, loop_share=0.0))
    c = s.measured(every="week", by="platform").conformance
    assert c is not None
    assert (c.fitness_users, c.fitness_transitions) == (1.0, 1.0)
    assert c.variants == [] and c.back_steps == []
    assert c.fitting_users == c.entrants == 300


def test_fitness_falls_as_the_planted_loop_grows(tmp_path: Path) -> None:
    users, transitions = [], []
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        c = shop(tmp_path / str(share), synthetic.Plan(users=300, loop_share=share)).measured().conformance
        assert c is not None and c.fitness_users is not None and c.fitness_transitions is not None
        users.append(c.fitness_users)
        transitions.append(c.fitness_transitions)
    assert users == sorted(users, reverse=True) and len(set(users)) == len(users), users
    assert transitions == sorted(transitions, reverse=True) and len(set(transitions)) == len(transitions)
    assert users[0] == 1.0 and users[-1] < 0.5


def test_a_declared_return_fits_the_map(tmp_path: Path) -> None:
    plan = synthetic.Plan(users=300)
    plain = shop(tmp_path / "plain", plan).measured().conformance
    declared = returning_shop(tmp_path / "declared", plan).measured().conformance
    assert plain is not None and declared is not None
    assert plain.fitness_users is not None and plain.fitness_users < 0.9
    # the planted loop goes from compare back to discover: declared, every user fits
    assert declared.fitness_users == declared.fitness_transitions == 1.0
    assert declared.returns == [["compare", "discover"]]
    assert ["checks-colour", "lands"] in [d.path for d in plain.back_steps]
    assert declared.back_steps == []


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 1000), loop=st.sampled_from([0.0, 0.3, 0.9]), every=st.booleans(), by=st.booleans(),
       returns=st.booleans(), confined=st.booleans())
def test_the_engine_equals_the_reference(tmp_path_factory: pytest.TempPathFactory, seed: int, loop: float,
                                         every: bool, by: bool, returns: bool, confined: bool) -> None:
    folder = tmp_path_factory.mktemp("generated")
    plan = synthetic.Plan(users=150, seed=seed, loop_share=loop, confined_loop=(6, 3) if confined else None,
                          confined_weeks=3)
    s = returning_shop(folder, plan) if returns else shop(folder, plan)
    options = {**({"every": "week"} if every else {}), **({"by": "platform"} if by else {})}
    assert_equals_reference(s.measured(**options), expected(s, every, by))


def test_a_loop_confined_to_one_platform_and_week_ranks_first(tmp_path: Path) -> None:
    # a loop every user may take (checks-colour back to lands), and one planted on iOS in one week only
    plan = synthetic.Plan(users=3000, confined_loop=(6, 3), confined_platform="ios", confined_week=3)
    s = shop(tmp_path, plan)
    snap = s.measured(every="week", by="platform")
    c = snap.conformance
    assert c is not None and s.truth.confined_loop == ("tracks", "checks-colour")
    top = c.back_steps[0]
    assert tuple(top.path) == s.truth.confined_loop
    assert top.peak is not None and (top.peak.period, top.peak.segment) == ("2026-09-28", "ios")
    # by raw volume it is not first: the everyday loop is many times larger
    by_volume = sorted(c.back_steps, key=lambda d: -d.users)
    assert tuple(by_volume[0].path) != s.truth.confined_loop and by_volume[0].users > 5 * top.users
    # the variant that ranks first goes back from after to compare, where the planted loop does
    variant = c.variants[0].path
    assert any(a == "after" and b == "compare" for a, b in pairwise(variant)), variant
    week = next(p for p in top.periods if p.start == "2026-09-28")
    assert week.change is not None and week.change > 0
    assert_equals_reference(snap, expected(s, True, True))


def test_a_users_segment_is_the_least_value_at_their_first_moment(tmp_path: Path) -> None:
    """Events at a user's first moment may disagree on the platform (or have none): the segment
    is the least value then, the same for the funnel's segments and the conformance's cells."""
    s = shop(tmp_path, synthetic.Plan(users=240, seed=11))
    rows = s.rows()
    first: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["user_id"] not in first or row["occurred_at"] < first[row["user_id"]]["occurred_at"]:
            first[row["user_id"]] = row
    extra = []
    for index, row in enumerate(first.values()):
        # a second event at the first moment: another platform, or none (empty is no value)
        other = ["", "android", "web", "ios", "zz-tablet"][index % 5]
        extra.append({**row, "platform": other})
    with (s.folder / "events.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + extra)
    snap = s.measured(every="week", by="platform")
    assert_equals_reference(snap, expected(s, True, True))
    ref = Reference(s.journey, events_of(s.journey, s.rows(), "user_id", "event_name", "occurred_at"))
    groups = ref.segments("platform")
    assert {seg.value: seg.entrants for seg in snap.segments} == {v: len(u) for v, u in groups.items()}
    assert "zz-tablet" not in groups and "android" in groups  # the least value won every tie


def test_every_format_shows_fitness(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=200))
    snap = s.measured(every="week", by="platform")
    c = snap.conformance
    assert c is not None and c.fitness_users is not None and c.fitness_transitions is not None
    shown = f"{c.fitness_users * 100:.1f}% of entrants"
    for fmt in ("text", "markdown", "html"):
        run = run_cli("measure", str(s.map), "--every", "week", "--by", "platform", "--format", fmt)
        assert run.exit_code == 0, run.stderr
        assert shown in run.stdout and "Paths the map does not explain" in run.stdout, fmt
        path = " > ".join(c.variants[0].path)
        assert {"text": path, "markdown": md_text(path), "html": html.escape(path)}[fmt] in run.stdout, fmt
    run = run_cli("measure", str(s.map), "--every", "week", "--by", "platform", "--format", "json")
    body = json.loads(run.stdout)["conformance"]
    assert body["fitness_users"] == c.fitness_users and body["fitness_transitions"] == c.fitness_transitions
    assert 0 <= body["fitness_users"] <= 1 and 0 <= body["fitness_transitions"] <= 1


def test_a_long_path_is_shown_by_its_start_and_end() -> None:
    from journeymap.measures import Deviation

    loop = Deviation(["discover", "compare"] * 20 + ["decide"], 3, 0.1, None, None, None)
    assert loop.shown() == ("discover > compare > discover > compare > discover > compare > discover > compare > "
                            "discover > … 30 more > compare > decide")
    short = Deviation(["discover", "compare", "discover"], 3, 0.1, None, None, None)
    assert short.shown() == "discover > compare > discover"


def test_the_snapshot_keeps_conformance_and_old_snapshots_still_read(tmp_path: Path) -> None:
    snap = shop(tmp_path, synthetic.Plan(users=200)).measured(every="week", by="platform")
    assert snapshot_from_json(snapshot_json(snap), "m.json") == snap
    old = json.loads(snapshot_json(snap))
    del old["conformance"]
    read = snapshot_from_json(json.dumps(old), "old.json")
    assert read.conformance is None and read.entrants == snap.entrants
    text = as_text(read)
    assert "Conformance" not in text and "Funnel, in the map's order" in text
