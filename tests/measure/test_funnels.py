"""The funnel as analysts know it: window, strict order, exclusion events, optional stages, time
to convert, and what users did before each step and after leaving. Every number equals the
plain-Python walk in funnel_reference.py on generated logs full of ties; small logs worked by
hand show what a user reads."""

from __future__ import annotations

import csv
import dataclasses
import json
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.measure.compute import measure_journey
from journeymap.measure.engine import Engine
from journeymap.measure.engines import make_engine
from journeymap.measure.spec import Options, spec_for
from journeymap.measures import MeasuresSnapshot, snapshot_from_json, snapshot_json
from tests.conftest import FIXTURES, run_cli
from tests.measure.funnel_reference import funnel, top
from tests.measure.helpers import journey_at
from tests.measure.reference import Reference, events_of

MAP = FIXTURES / "measure" / "funnel.journey.yaml"
STAGES = ["browse", "compare", "basket", "pay"]
MAPPED = ["a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2"]
UNMAPPED = ["x_help", "y_search", "cancel_order", "cancel_trial"]
START = 1_790_000_000  # 2026-09-21T...


def iso(seconds: float) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat().replace("+00:00", "Z")


def write_map(folder: Path, optional: tuple[str, ...] = (), source: Path = MAP) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".git").mkdir(exist_ok=True)
    text = source.read_text(encoding="utf-8")
    for stage in optional:
        name = stage.capitalize()
        plain = f"  - id: {stage}\n    name: {name}\n"
        text = text.replace(plain, plain + "    optional: true\n")
    target = folder / "funnel.journey.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def write_events(folder: Path, rows: list[tuple[str, str, float]]) -> None:
    with (folder / "events.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["user_id", "event_name", "occurred_at"])
        for user, name, t in rows:
            out.writerow([user, name, iso(t)])


def measured(folder: Path, engine: Engine | None = None, **options: object) -> MeasuresSnapshot:
    journey = journey_at(folder / "funnel.journey.yaml")
    spec = spec_for(journey, {}, str(folder), Options(**options))  # type: ignore[arg-type]
    made = engine or make_engine(spec.engine, spec.files(), database=spec.database())
    try:
        return measure_journey(journey, spec, made)
    finally:
        if engine is None:
            made.close()


def reference(folder: Path) -> Reference:
    journey = journey_at(folder / "funnel.journey.yaml")
    with (folder / "events.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return Reference(journey, events_of(journey, rows, "user_id", "event_name", "occurred_at"))


def assert_equals_reference(snap: MeasuresSnapshot, ref: Reference, window: float | None, order: str,
                            exclusions: tuple[str, ...], step_events: bool = True) -> None:
    want = funnel(ref, window, order, exclusions)
    order_of = {t.id: i for i, t in enumerate(ref.tps)}
    for got, step in zip(snap.funnel, want, strict=True):
        assert got.users == step.users, got.stage
        assert got.dropped == step.dropped, got.stage
        median, p75, p95 = step.quantiles()
        for mine, theirs in ((got.median_seconds, median), (got.p75_seconds, p75), (got.p95_seconds, p95)):
            assert (mine is None) == (theirs is None) and (mine is None or mine == pytest.approx(theirs, abs=1e-3))
        if step.gaps:
            assert [b.users for b in got.histogram] == step.histogram(), got.stage
        if not step_events:  # off: nothing listed, nothing computed
            assert (got.before_events, got.next_events, got.before_none, got.next_none) == ([], [], 0, 0)
            continue
        events, none = top(step.before, order_of)
        assert [(x.kind, x.name, x.users) for x in got.before_events] == events, got.stage
        assert got.before_none == none
        if got.dropped is not None:
            events, none = top(step.after, order_of)
            assert [(x.kind, x.name, x.users) for x in got.next_events] == events, got.stage
            assert got.next_none == none


# a user's events: names and small whole-second offsets, so that many fall on one moment
user_events = st.lists(st.tuples(st.sampled_from(MAPPED + UNMAPPED), st.integers(0, 20)), min_size=1, max_size=16)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    users=st.lists(user_events, min_size=1, max_size=12),
    window=st.sampled_from([None, 5.0, 20.0]),
    order=st.sampled_from(["eventual", "strict"]),
    exclusions=st.sampled_from([(), ("cancel_*",), ("cancel_order", "nothing_like_it")]),
    optional=st.sampled_from([(), ("compare",), ("compare", "basket"), ("pay",)]),
    step_events=st.booleans(),
)
def test_the_engine_equals_the_reference_walk(
    tmp_path_factory: pytest.TempPathFactory, users: list[list[tuple[str, int]]], window: float | None, order: str,
    exclusions: tuple[str, ...], optional: tuple[str, ...], step_events: bool,
) -> None:
    folder = tmp_path_factory.mktemp("walk")
    write_map(folder, optional)
    write_events(folder, [(f"u{i}", name, START + t) for i, events in enumerate(users) for name, t in events])
    options: dict[str, object] = {"order": order, "exclusions": exclusions, "step_events": step_events}
    if window is not None:
        options["window"] = f"{int(window)}s"
    snap = measured(folder, **options)
    assert_equals_reference(snap, reference(folder), window, order, exclusions, step_events)
    required = [f.users for f in snap.funnel if not f.optional]
    assert required == sorted(required, reverse=True)  # the steps users must take never increase
    for f in snap.funnel:
        assert f.of_previous is None or 0 <= f.of_previous <= 1


# --- a small log worked by hand (docs/measure.md, "Funnel": the same log) ---------------------
HAND = [
    # ann walks the whole funnel in a day, with a detour to help between compare and basket
    ("ann", "a1", 0), ("ann", "b1", 600), ("ann", "x_help", 900), ("ann", "c1", 3600), ("ann", "d1", 86400),
    # bob compares, goes back to browse, then buys three days later
    ("bob", "y_search", 0), ("bob", "a2", 60), ("bob", "b2", 120), ("bob", "a1", 180), ("bob", "c1", 7200),
    ("bob", "d1", 3 * 86400),
    # cy adds to basket without comparing, cancels, and pays later
    ("cy", "a1", 0), ("cy", "c2", 300), ("cy", "cancel_order", 400), ("cy", "d2", 1000),
    # dee only browses and asks for help
    ("dee", "a1", 0), ("dee", "a2", 30), ("dee", "x_help", 90),
]


@pytest.fixture
def hand(tmp_path: Path) -> Path:
    write_map(tmp_path)
    write_events(tmp_path, [(u, n, START + t) for u, n, t in HAND])
    return tmp_path


def users_of(snap: MeasuresSnapshot) -> list[int]:
    return [f.users for f in snap.funnel]


def test_the_worked_example_in_every_mode(hand: Path) -> None:
    assert users_of(measured(hand)) == [4, 2, 2, 2]  # cy skips compare: dropped there
    assert users_of(measured(hand, window="2d")) == [4, 2, 2, 1]  # bob pays after three days
    assert users_of(measured(hand, order="strict")) == [4, 2, 1, 1]  # bob goes back to browse
    write_map(hand, optional=("compare",))
    snap = measured(hand)
    assert users_of(snap) == [4, 2, 3, 3]  # cy may skip compare
    assert [f.of_previous for f in snap.funnel] == [None, 0.5, 0.75, 1.0]
    # cy cancels after reaching the basket (compare skipped) and before paying: she leaves at the basket
    assert users_of(measured(hand, exclusions=("cancel_*",))) == [4, 2, 3, 2]
    # strict: bob goes back to browse after comparing, so only ann pays
    assert users_of(measured(hand, exclusions=("cancel_order",), order="strict")) == [4, 2, 2, 1]


def test_time_to_convert_and_the_events_around_each_step(hand: Path) -> None:
    assert all(not f.before_events and not f.next_events for f in measured(hand).funnel)  # off by default
    snap = measured(hand, step_events=True)
    browse, compare, basket, pay = snap.funnel
    # ann 600 s, bob 60 s from browse to compare
    assert (compare.median_seconds, compare.p75_seconds, compare.p95_seconds) == (330.0, 465.0, 573.0)
    assert [b.users for b in compare.histogram] == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert (pay.median_seconds, pay.dropped) == ((82800 + 3 * 86400 - 7200) / 2, None)
    assert (browse.dropped, compare.dropped) == (2, 0)
    # before browse: bob searched (unmapped); the others did nothing before
    assert [(x.kind, x.name, x.users) for x in browse.before_events] == [("event", "y_search", 1)]
    assert browse.before_none == 3
    # ann asked for help just before the basket; bob came from lands (his step back)
    assert {(x.kind, x.name) for x in basket.before_events} == {("event", "x_help"), ("touchpoint", "lands")}
    # who left at browse: cy went on to the basket without comparing, dee asked for help
    assert [(x.kind, x.name, x.users, x.share) for x in browse.next_events] == [
        ("touchpoint", "coupon", 1, 0.5), ("event", "x_help", 1, 0.5)]
    assert [(x.name, x.users) for x in compare.before_events] == [("lands", 1), ("searches", 1)]


def test_every_format_shows_the_funnel_details_and_json_defines_them(hand: Path) -> None:
    map_file = str(hand / "funnel.journey.yaml")
    text = run_cli("measure", map_file, "--window", "2d", "--exclude", "cancel_*", "--step-events")
    assert text.exit_code == 0, text.stderr
    assert "median to convert" in text.stdout and "After leaving" in text.stdout and "x_help" in text.stdout
    assert "cancel_*" in text.stdout  # the definitions name the exclusions
    page = run_cli("measure", map_file, "--format", "html", "--step-events")
    assert page.exit_code == 0 and "<svg" in page.stdout and "<script" not in page.stdout
    assert "Time to convert into each step" in page.stdout
    # the axis under the bars: every bucket named short enough to sit under its bar, none run together
    axis = re.findall(r'font-size="10" fill="#444" text-anchor="middle">([^<]*)<', page.stdout)
    assert axis == ["&lt;1m", "1–10m", "10m–1h", "1–6h", "6h–1d", "1–3d", "3–7d", "7–14d", "14–30d", "30d+"]
    body = json.loads(run_cli("measure", map_file, "--format", "json", "--order", "strict", "--step-events").stdout)
    assert body["funnel_order"] == "strict"
    for key in ("funnel", "window", "order", "exclusions", "funnel_dropped", "time_to_convert", "next_events",
                "before_events"):
        assert body["definitions"][key], key
    step = body["funnel"][1]
    assert {"median_seconds", "p75_seconds", "p95_seconds", "histogram", "next_events", "before_events",
            "dropped", "optional"} <= set(step)


def test_a_snapshot_reads_back_and_an_old_one_still_reads(hand: Path) -> None:
    snap = measured(hand, exclusions=("cancel_*",), step_events=True)
    assert snapshot_from_json(snapshot_json(snap), "m.json") == snap
    old = json.loads(snapshot_json(snap))
    for key in ("funnel_order", "funnel_exclusions", "unmatched_exclusions"):
        del old[key]
    old["funnel"] = [{k: f[k] for k in ("stage", "users", "of_previous", "of_first")} for f in old["funnel"]]
    read = snapshot_from_json(json.dumps(old), "old.json")
    assert read.funnel_order == "eventual" and read.funnel[1].median_seconds is None
    assert run_cli("measure", str(hand / "funnel.journey.yaml")).exit_code == 0


@pytest.mark.parametrize(("args", "says"), [
    (["--order", "sideways"], "'sideways' is not one of"),
    (["--window", "7x"], "--window '7x' is not a duration"),
    (["--exclude", " "], "is not an event name"),
])
def test_a_bad_option_is_one_line_and_exit_2(hand: Path, args: list[str], says: str) -> None:
    run = run_cli("measure", str(hand / "funnel.journey.yaml"), *args)
    assert run.exit_code == 2
    assert says in run.stderr or says in run.stdout
    assert "Traceback" not in run.stderr


def test_the_maps_data_sets_the_funnel_and_a_bad_order_is_a_finding(hand: Path) -> None:
    target = hand / "funnel.journey.yaml"
    target.write_text(target.read_text().replace("data:\n", "data:\n  window: 7d\n  order: strict\n"))
    assert run_cli("measure", str(target)).exit_code == 0
    target.write_text(target.read_text().replace("order: strict", "order: sideways"))
    run = run_cli("measure", str(target))
    assert run.exit_code == 1 and "sideways" in run.stderr


def test_the_first_stage_cannot_be_optional(tmp_path: Path) -> None:
    target = write_map(tmp_path, optional=("browse",))
    run = run_cli("validate", str(target))
    assert run.exit_code == 1
    assert "stage 'browse' is the first stage, where the funnel starts, so it cannot be optional" in run.stdout


def test_an_exclusion_that_matches_nothing_is_said(hand: Path) -> None:
    run = run_cli("measure", str(hand / "funnel.journey.yaml"), "--exclude", "refund_*")
    assert run.exit_code == 0
    assert "refund_*" in run.stderr and "matches no event" in run.stderr


def test_event_names_are_escaped_in_every_output(tmp_path: Path) -> None:
    write_map(tmp_path)
    hostile = '<img src=x onerror=alert(1)>|*x*'
    write_events(tmp_path, [("u1", hostile, START), ("u1", "a1", START + 1), ("u2", "a1", START),
                            ("u2", hostile, START + 5)])
    folder = str(tmp_path / "funnel.journey.yaml")
    page = run_cli("measure", folder, "--format", "html", "--step-events").stdout
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    markdown = run_cli("measure", folder, "--format", "markdown", "--step-events").stdout
    assert hostile not in markdown and "\\|" in markdown
    text = run_cli("measure", folder, "--step-events").stdout
    assert hostile in text  # plain text: shown as it is, control characters aside


def generated(seed: int, users: int) -> list[tuple[str, str, float]]:
    """Users who wander through the stages, back and forth, with unmapped events and ties."""
    rng = random.Random(seed)
    rows = []
    for i in range(users):
        for _ in range(rng.randint(1, 12)):
            rows.append((f"g{i}", rng.choice(MAPPED + UNMAPPED), START + rng.randint(0, 4 * 86400) // 3600 * 3600))
    return rows


@pytest.mark.slow
def test_spark_gives_duckdb_s_funnel(tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pyspark is a dev dependency: pip install -e '.[dev]'")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17 (scripts/system-deps.sh --test installs it)")
    from journeymap.measure.engine import Limits
    from journeymap.measure.spark_engine import SparkEngine

    write_map(tmp_path, optional=("compare",))
    write_events(tmp_path, [(u, n, START + t) for u, n, t in HAND] + generated(7, 300))
    spark = SparkEngine(limits=Limits(memory_mb=1024, threads=2))
    try:
        for options in ({"step_events": True}, {"order": "strict", "exclusions": ("cancel_*",), "window": "2d"}):
            duck = dataclasses.asdict(measured(tmp_path, **options))
            theirs = dataclasses.asdict(measured(tmp_path, engine=spark, **options))
            assert duck.pop("engine") == "duckdb" and theirs.pop("engine") == "spark"
            assert theirs["funnel"] == duck["funnel"], options
            assert theirs == duck, options
            assert duck["funnel"][1]["histogram"]
            assert any(f["next_events"] for f in duck["funnel"]) == bool(options.get("step_events"))
    finally:
        spark.close()


def test_postgres_gives_duckdb_s_funnel_in_every_mode(tmp_path: Path) -> None:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is a dependency: pip install -e '.[dev]'")
    from tests.measure import postgres_server

    if not postgres_server.available():
        pytest.skip("needs PostgreSQL's server (scripts/system-deps.sh --test installs it)")
    write_map(tmp_path, optional=("compare",))
    write_events(tmp_path, [(u, n, START + t) for u, n, t in HAND] + generated(11, 200))
    with postgres_server.server() as url:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE TABLE funnel_events (user_id text, event_name text, occurred_at text)")
            with con.cursor() as cursor, cursor.copy("COPY funnel_events FROM STDIN (FORMAT csv, HEADER true)") as copy:
                copy.write((tmp_path / "events.csv").read_bytes())
        for options in ({"step_events": True}, {"order": "strict", "exclusions": ("cancel_*",), "window": "2d"}):
            duck = dataclasses.asdict(measured(tmp_path, **options))
            pg = dataclasses.asdict(measured(tmp_path, events=f"{url}?table=funnel_events", **options))
            for key in ("engine", "events_source"):
                duck.pop(key), pg.pop(key)
            assert pg["funnel"] == duck["funnel"], options
            assert pg == duck, options
