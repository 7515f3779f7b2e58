"""The measures on generated data: what the plan planted is found, and every number equals the
plain-Python reference computation."""

from __future__ import annotations

import csv
import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.measure import compute, synthetic
from journeymap.measure.compute import flagged_periods
from journeymap.measures import MeasuresSnapshot
from journeymap.model import Kpi, KpiMeasure
from tests.measure.helpers import SHOP, Shop, shop
from tests.measure.reference import WEEK_OFFSET, Reference, events_of


def reference_of(s: Shop, window: float | None = None) -> Reference:
    return Reference(s.journey, events_of(s.journey, s.rows(), "user_id", "event_name", "occurred_at"), window)


def assert_matches_reference(snap: MeasuresSnapshot, ref: Reference) -> None:
    assert snap.entrants == ref.entrants
    assert snap.mapped_events == len(ref.mapped)
    for index, t in enumerate(snap.touchpoints):
        assert (t.users, t.events) == ref.touchpoint(index), t.id
    for m, (entered, moved, median, p90) in zip(snap.stages, ref.stages(), strict=True):
        assert m.entered == entered, m.id
        if m.moved_on is not None:
            assert m.moved_on == moved, m.id
            assert m.dropped == entered - moved
            assert m.median_seconds_to_next == pytest.approx(median, abs=1e-3), m.id
            assert m.p90_seconds_to_next == pytest.approx(p90, abs=1e-3), m.id
    assert [f.users for f in snap.funnel] == ref.funnel()
    unmapped = ref.unmapped()
    assert {u.event: (u.events, u.users) for u in snap.unmapped_events} == unmapped
    assert snap.unmapped_total == sum(n for n, _ in unmapped.values())
    back, transitions = ref.back_steps()
    ids = [t.id for t in snap.touchpoints]
    assert {(ids.index(b.source), ids.index(b.target)): (b.transitions, b.users) for b in snap.back_steps} == back
    assert snap.transitions == transitions


@pytest.fixture(scope="module")
def measured_shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Shop, MeasuresSnapshot]:
    s = shop(tmp_path_factory.mktemp("shop"))
    return s, s.measured(every="week")


def test_numbers_equal_the_reference_computation(measured_shop: tuple[Shop, MeasuresSnapshot]) -> None:
    s, snap = measured_shop
    assert_matches_reference(snap, reference_of(s))


def test_kpis_equal_the_reference_and_are_judged_against_their_targets(
    measured_shop: tuple[Shop, MeasuresSnapshot],
) -> None:
    s, snap = measured_shop
    ref = reference_of(s)
    kpis = {k.name: k for k in snap.kpis}
    reach = kpis["Reach of the collection page"]
    assert reach.value == ref.reach("lands") and reach.status == "met"  # 60% target, ~94% reach
    conversion = kpis["Compare to basket within 7 days"]
    assert conversion.value == ref.conversion("compare", "basket", 7 * 86400)
    assert conversion.status == "off-target"  # the planted drop after compare: ~35% against 50%
    median = kpis["Time from basket to payment"]
    assert median.value == pytest.approx(ref.median_time("basket", "pays"), abs=1e-3)
    assert median.unit == "seconds" and median.status == "met"  # minutes, against 2 days
    assert kpis["Come back to the tracking page"].value == 0.0  # nobody comes back in this plan
    assert kpis["Satisfaction with tracking"].unit == "score"


def test_the_planted_truth_is_found(measured_shop: tuple[Shop, MeasuresSnapshot]) -> None:
    s, snap = measured_shop
    truth = s.truth
    moved_share = {m.id: m.moved_on / m.entered for m in snap.stages if m.moved_on is not None}
    assert min(moved_share, key=moved_share.__getitem__) == truth.drop_stage
    assert (snap.back_steps[0].source, snap.back_steps[0].target) == truth.loop
    assert snap.unmapped_events[0].event == truth.unmapped_event
    assert snap.never_seen == [truth.never_seen]
    assert snap.unmatched_signals == [{"touchpoint": truth.never_seen, "signal": "order_review"}]
    flagged = {(p.stage, c.start) for p in snap.periods for c in p.periods if c.sharp_drop}
    assert flagged == {(truth.incident_stage, truth.incident_week_start)}
    assert snap.surveys is not None
    contradicted = [x.touchpoint for x in snap.surveys.touchpoints if x.contradicts]
    assert contradicted == [truth.contradicted]
    assert snap.surveys.mapping == "CSAT 1-5: emotion = score - 3"


def test_periods_equal_the_reference(measured_shop: tuple[Shop, MeasuresSnapshot]) -> None:
    s, snap = measured_shop
    ref = reference_of(s)
    for index, stage_periods in enumerate(snap.periods):
        expected = flagged_periods(ref.periods(index, 604800.0, WEEK_OFFSET), 604800.0, WEEK_OFFSET,
                                   ref.log_end() - (snap.stages[index].p90_seconds_to_next or 0.0))
        assert stage_periods.periods == expected


def test_segments_split_the_funnel_by_the_first_events_platform(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=300))
    snap = s.measured(by="platform")
    ref = reference_of(s)
    groups = ref.segments("platform")
    assert {seg.value for seg in snap.segments} == {"web", "ios", "android"}
    assert sum(seg.entrants for seg in snap.segments) == snap.entrants
    for seg in snap.segments:
        users = groups[seg.value]
        assert seg.entrants == len(users)
        assert [f.users for f in seg.funnel] == ref.funnel(users)
        assert [m.entered for m in seg.stages] == [r[0] for r in ref.stages(users)]


def test_a_window_limits_the_funnel(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=300))
    whole = s.measured()
    snap = s.measured(window="2d")
    assert [f.users for f in snap.funnel] == reference_of(s, 2 * 86400.0).funnel()
    assert snap.funnel[-1].users < whole.funnel[-1].users


def test_since_and_until_keep_the_events_between(tmp_path: Path) -> None:
    s = shop(tmp_path, synthetic.Plan(users=300))
    snap = s.measured(since="2026-09-14", until="2026-09-21")
    rows = [r for r in s.rows() if "2026-09-14" <= r["occurred_at"] < "2026-09-21"]
    ref = Reference(s.journey, events_of(s.journey, rows, "user_id", "event_name", "occurred_at"))
    assert snap.events_in_range == len(rows)
    assert snap.entrants == ref.entrants and [f.users for f in snap.funnel] == ref.funnel()
    assert snap.since == "2026-09-14T00:00:00Z"


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    users=st.integers(1, 120),
    seed=st.integers(0, 10_000),
    go_on=st.floats(0.1, 1.0),
    loop_share=st.floats(0.0, 1.0),
    window=st.sampled_from([None, "1h", "3d"]),
)
def test_property_funnel_never_increases_reach_is_distinct_users_and_all_equals_the_reference(
    tmp_path_factory: pytest.TempPathFactory, users: int, seed: int, go_on: float, loop_share: float,
    window: str | None,
) -> None:
    s = shop(tmp_path_factory.mktemp("prop"), synthetic.Plan(users=users, seed=seed, go_on=go_on,
                                                             loop_share=loop_share))
    snap = s.measured(window=window) if window else s.measured()
    counts = [f.users for f in snap.funnel]
    assert all(a >= b for a, b in pairwise(counts))
    rows = s.rows()
    for t in snap.touchpoints:
        name = s.truth.event_names[t.id]
        assert t.users == len({r["user_id"] for r in rows if r["event_name"] == name}) or t.id == "reviews-order"
    seconds = {"1h": 3600.0, "3d": 3 * 86400.0}.get(window or "")
    assert_matches_reference(snap, reference_of(s, seconds))


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), loop_share=st.floats(0.0, 1.0), grain=st.sampled_from([1, 86400]))
def test_property_conversion_and_time_kpis_between_any_two_steps_equal_the_reference(
    tmp_path_factory: pytest.TempPathFactory, seed: int, loop_share: float, grain: int,
) -> None:
    """A stage's first time comes from the users' first times, and a later stage is looked for
    among the stage changes only: every pair of stages and touchpoints, either way round, with
    and without a window, and with many events at one moment, against the plain reference."""
    s = shop(tmp_path_factory.mktemp("kpis"), synthetic.Plan(users=80, seed=seed, loop_share=loop_share))
    rows = s.rows()
    for row in rows:
        moment = datetime.datetime.fromisoformat(row["occurred_at"].replace("Z", "+00:00")).timestamp()
        row["occurred_at"] = datetime.datetime.fromtimestamp(moment // grain * grain, datetime.UTC).isoformat()
    with (s.folder / "events.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    steps = [st_.id for st_ in s.journey.stages] + ["lands", "pays"]
    asked = [(kind, a, b, within) for a in steps for b in steps
             for kind, within in (("conversion", None), ("conversion", 86400.0), ("median_time", None))]
    s.journey.stages[0].kpis = [Kpi(name=f"k{i}", path=(), measure=KpiMeasure(kind, a, b, within))
                                for i, (kind, a, b, within) in enumerate(asked)]
    snap = s.measured()
    ref = reference_of(s)
    values = {k.name: k.value for k in snap.kpis}
    for i, (kind, a, b, within) in enumerate(asked):
        expected = ref.conversion(a, b, within) if kind == "conversion" else ref.median_time(a, b)
        assert values[f"k{i}"] == pytest.approx(expected, abs=1e-3), (kind, a, b, within)


def _many_touchpoints_map(folder: Path, count: int) -> Path:
    """A map of five stages and `count` touchpoints, each claiming one event, with a reach KPI
    on the touchpoint before the last (the last one never happens in the plan)."""
    lines = ["journeymap: 1", "title: Many touchpoints", "data:", "  events:", "    path: events.csv",
             "    columns: {user: user_id, event: event_name, time: occurred_at, attributes: {platform: platform}}",
             "stages:"]
    per_stage = count // 5
    for k in range(5):
        lines += [f"  - id: s{k}", f"    name: Stage {k}"]
        if k == 4:
            lines += ["    kpis:", "      - name: Reach", f"        measure: {{reach: t{count - 2}}}"]
        lines.append("    touchpoints:")
        for i in range(k * per_stage, count if k == 4 else (k + 1) * per_stage):
            lines += [f"      - id: t{i}", f"        name: Touchpoint {i}", f"        signals: [event_{i}]"]
    path = folder / "many.journey.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("count", [62, 63, 70])
def test_maps_past_sixty_two_touchpoints_count_users_by_touchpoint_as_the_reference(
    tmp_path: Path, count: int,
) -> None:
    """Up to 62 touchpoints the ones a user met are the bits of one number; past it a table of
    one row a user and touchpoint: both give the reference's users, events and reach."""
    source = _many_touchpoints_map(tmp_path, count)
    s = shop(tmp_path / "shop", synthetic.Plan(users=150, seed=count, loop_share=0.5), source=source)
    snap = s.measured()
    ref = reference_of(s)
    assert len(snap.touchpoints) == count
    assert_matches_reference(snap, ref)
    [reach] = snap.kpis
    assert reach.value == ref.reach(f"t{count - 2}") > 0


def test_both_ways_of_counting_a_touchpoints_users_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bits of one number per user, and one row per user and touchpoint: the same snapshot,
    segments and reach KPI included."""
    s = shop(tmp_path, synthetic.Plan(users=300, seed=3, loop_share=0.4))
    with_bits = s.measured(by="platform")
    monkeypatch.setattr(compute, "SEEN_BITS", 0)
    with_rows = s.measured(by="platform")
    assert with_bits == with_rows
    assert [t.users for t in with_bits.touchpoints] != [0] * len(with_bits.touchpoints)


def test_numbering_users_by_bucket_changes_no_measure(tmp_path: Path) -> None:
    """Spark numbers users within 1,024 buckets of their id's hash (number × 1,024 + bucket), DuckDB
    in one: the same numbering by bucket on DuckDB gives one number an entrant (ids that differ
    only in case or a trailing space stay apart) and the very snapshot of the plain one."""
    from journeymap.measure.duckdb_engine import DuckDBEngine
    from journeymap.measure.spec import Options, spec_for

    class Bucketed(DuckDBEngine):
        def user_bucket(self, expr: str) -> tuple[str, int]:
            return f"CAST(hash({expr}) % 1024 AS BIGINT)", 1024

    s = shop(tmp_path, synthetic.Plan(users=3000, weeks=2))
    with (s.folder / "events.csv").open("a", encoding="utf-8") as log:
        for user in ("Ana", "ana", "ana ", "ANA"):
            log.write(f"{user},ad_impression,2026-09-08T10:00:00Z,web\n")
    plain = s.measured(every="week", by="platform")
    engine = Bucketed(spec_for(s.journey, {}, str(s.folder), Options()).files())
    try:
        bucketed = s.measured(engine=engine, every="week", by="platform")
        ((users, numbers, names, buckets),) = engine.rows(
            "SELECT count(*), count(DISTINCT id), count(DISTINCT name), count(DISTINCT id % 1024) FROM ids")
    finally:
        engine.close()
    assert users == numbers == names == plain.entrants == reference_of(s).entrants
    assert buckets > 900  # spread over the buckets, not in one
    assert bucketed == plain


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    loop_share=st.floats(0.0, 1.0),
    grain=st.sampled_from([86400, 3 * 86400]),
    window=st.sampled_from([None, "1d"]),
)
def test_property_events_at_the_same_moment_give_the_reference_numbers(
    tmp_path_factory: pytest.TempPathFactory, seed: int, loop_share: float, grain: int, window: str | None,
) -> None:
    """Stages, funnel and back-steps read only a user's stage changes: the first event in a later
    stage must be one even when many events share a time (ties go by map order). Times cut to
    whole days make such ties the rule."""
    s = shop(tmp_path_factory.mktemp("ties"), synthetic.Plan(users=80, seed=seed, loop_share=loop_share))
    rows = s.rows()
    for row in rows:
        moment = datetime.datetime.fromisoformat(row["occurred_at"].replace("Z", "+00:00")).timestamp()
        cut = datetime.datetime.fromtimestamp(moment // grain * grain, datetime.UTC)
        row["occurred_at"] = cut.isoformat().replace("+00:00", "Z")
    with (s.folder / "events.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    snap = s.measured(window=window) if window else s.measured()
    assert len({(r["user_id"], r["occurred_at"]) for r in rows}) < len(rows) * 0.8  # a user's events tie
    assert_matches_reference(snap, reference_of(s, 86400.0 if window else None))


def test_reach_of_a_stage_is_the_share_of_entrants_who_entered_it(tmp_path: Path) -> None:
    source = tmp_path / "map" / "shop.journey.yaml"
    source.parent.mkdir()
    text = SHOP.read_text(encoding="utf-8")
    kpi = "        measure: {reach: lands}\n"
    assert kpi in text
    source.write_text(text.replace(kpi, kpi + "      - name: Reach of compare\n        measure: {reach: compare}\n"),
                      encoding="utf-8")
    s = shop(tmp_path / "data", source=source)
    snap = s.measured()
    ref = reference_of(s)
    kpis = {k.name: k for k in snap.kpis}
    assert kpis["Reach of compare"].value == ref.reach("compare")
    assert kpis["Reach of the collection page"].value == ref.reach("lands")
    compare = next(m for m in snap.stages if m.id == "compare")
    assert kpis["Reach of compare"].value == round(compare.entered / snap.entrants, 6)
