"""The Spark engine gives exactly DuckDB's numbers on the same data (a local Spark session)."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path

import pytest

from journeymap.measure import synthetic
from tests.measure.helpers import shop

pytestmark = pytest.mark.slow

pyspark = pytest.importorskip("pyspark", reason="pyspark is a dev dependency: pip install -e '.[dev]'")
if shutil.which("java") is None:
    pytest.skip("the Spark engine needs Java 17 (scripts/system-deps.sh --test installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def engine():
    """The session measure itself starts (one for the module: each takes seconds to start)."""
    from journeymap.measure.engine import Limits
    from journeymap.measure.spark_engine import SparkEngine

    made = SparkEngine(limits=Limits(memory_mb=1024, threads=2))
    yield made
    made.close()


def listening(pid: int) -> list[str]:
    """The local addresses process `pid` listens on (TCP, IPv4 and IPv6), in /proc's hex."""
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            sockets.add(target[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in sockets:  # 0A: LISTEN
                found.append(fields[1].split(":")[0])
    return found


def test_the_driver_listens_on_loopback_only(engine) -> None:
    settings = engine.settings()
    assert settings["spark.driver.bindAddress"] == settings["spark.driver.host"] == "127.0.0.1"
    assert settings["spark.master"] == "local[2]" and settings["spark.driver.memory"] == "1024m"
    # the JVM pyspark started: the only handle on its process id
    addresses = listening(engine.spark.sparkContext._gateway.proc.pid)  # noqa: SLF001
    assert addresses, "the driver listens on nothing?"
    loopback = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}
    assert set(addresses) <= loopback, addresses


def test_spark_and_duckdb_give_identical_numbers(tmp_path: Path, engine) -> None:
    s = shop(tmp_path, synthetic.Plan(users=250))
    options = {"every": "week", "by": "platform", "window": "5d"}
    duck = dataclasses.asdict(s.measured(**options))
    spark = dataclasses.asdict(s.measured(engine=engine, **options))
    assert duck.pop("engine") == "duckdb" and spark.pop("engine") == "spark"
    assert spark == duck
    assert duck["back_steps"] and duck["unmapped_events"] and duck["surveys"]["touchpoints"]


def test_spark_and_duckdb_give_identical_conformance(tmp_path: Path, engine) -> None:
    from tests.measure.test_conformance import returning_shop

    plan = synthetic.Plan(users=400, confined_loop=(6, 3), confined_weeks=2)
    for name, made in (("plain", shop), ("declared", returning_shop)):
        s = made(tmp_path / name, plan)
        for options in ({}, {"every": "week", "by": "platform"}):
            duck = s.measured(**options).conformance
            spark = s.measured(engine=engine, **options).conformance
            assert duck is not None and duck.variants and duck.back_steps
            assert dataclasses.asdict(spark) == dataclasses.asdict(duck), (name, options)


def test_users_are_numbered_partition_by_partition_with_duckdb_s_numbers(tmp_path: Path, engine) -> None:
    """One window over all users would move them all to one partition (Spark warns "No Partition
    Defined for Window operation"); they are numbered within buckets of their id's hash instead,
    each a number of its own, and every measure stays DuckDB's."""
    from journeymap.measure.portable import translated
    from journeymap.measure.spark_engine import DIALECT

    # the plan that numbers them, taken as the table is made (a stored table is a checkpoint,
    # whose own plan is a scan of its rows)
    plans: dict[str, str] = {}
    made = engine.table

    def table(name: str, sql: str) -> None:
        if name == "ids":
            frame = engine.spark.sql(translated(sql, DIALECT))
            plans[name] = frame._jdf.queryExecution().executedPlan().toString()  # noqa: SLF001
        made(name, sql)

    s = shop(tmp_path, synthetic.Plan(users=500))
    engine.table = table
    try:
        spark = s.measured(engine=engine, every="week", by="platform")
    finally:
        del engine.table
    plan = plans["ids"]
    assert "SinglePartition" not in plan
    assert re.search(r"Window \[row_number\(\) windowspecdefinition\(b#\d+L?, name#", plan), plan
    ((users, numbers),) = engine.rows("SELECT count(*), count(DISTINCT id) FROM ids")
    assert users == numbers == spark.entrants
    duck = s.measured(every="week", by="platform")
    assert dataclasses.asdict(spark) | {"engine": ""} == dataclasses.asdict(duck) | {"engine": ""}


def test_spark_reads_parquet_and_ndjson_as_duckdb_does(tmp_path: Path, engine) -> None:
    import duckdb

    s = shop(tmp_path, synthetic.Plan(users=120))
    source = s.folder / "events.csv"
    for name, fmt in (("e.parquet", "parquet"), ("e.ndjson", "json")):
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{s.folder / name}' "
                   f"(FORMAT {fmt})")
        duck = dataclasses.asdict(s.measured(events=str(s.folder / name)))
        spark = dataclasses.asdict(s.measured(engine=engine, events=str(s.folder / name)))
        duck.pop("engine"), spark.pop("engine")
        assert spark == duck, name


def test_odd_column_names_and_a_header_only_log_give_duckdb_s_numbers(tmp_path: Path, engine) -> None:
    """A dot or a backtick in a column name is a name, not a path into a struct."""
    from tests.measure.helpers import journey_at

    (tmp_path / ".git").mkdir()
    target = tmp_path / "odd.journey.yaml"
    target.write_text(
        "journeymap: 1\ntitle: Odd columns\ndata:\n  events:\n    path: events.csv\n"
        "    columns: {user: 'user.id', event: 'ev`name', time: at, attributes: {plat: 'p.l`t'}}\n"
        "stages:\n  - id: a\n    name: A\n    touchpoints:\n      - id: one\n        name: One\n"
        "        signals: [{event: 'x*', where: {plat: [web]}}, x1]\n"
        "  - id: b\n    name: B\n    touchpoints:\n      - id: two\n        name: Two\n        signals: [y]\n"
    )
    header = "user.id,ev`name,at,p.l`t\n"
    (tmp_path / "events.csv").write_text(
        header + "u1,x1,2026-01-01T00:00:00Z,web\nu1,y,2026-01-02T00:00:00Z,web\n"
        "u2,x2,2026-01-01T00:00:00Z,app\nu2,x1,2026-01-01T00:00:00Z,app\n"
    )
    (tmp_path / "empty.csv").write_text(header)
    journey = journey_at(target)
    for events, touchpoint_events in ((None, [2, 1]), (str(tmp_path / "empty.csv"), [0, 0])):
        options = {"events": events} if events else {}
        duck = dataclasses.asdict(_measured(journey, tmp_path, None, **options))
        spark = dataclasses.asdict(_measured(journey, tmp_path, engine, **options))
        duck.pop("engine"), spark.pop("engine")
        assert spark == duck, events
        assert [t["events"] for t in duck["touchpoints"]] == touchpoint_events


def _measured(journey, folder: Path, engine, **options: str):
    from journeymap.measure.compute import measure_journey
    from journeymap.measure.engines import make_engine
    from journeymap.measure.spec import Options, spec_for

    spec = spec_for(journey, {}, str(folder), Options(**options))
    made = engine or make_engine(spec.engine, spec.files())
    try:
        return measure_journey(journey, spec, made)
    finally:
        if engine is None:
            made.close()


def test_spark_refuses_a_damaged_log_with_duckdb_s_message(tmp_path: Path, engine) -> None:
    """Spark would pad a short row with nulls and count it; it is told to refuse, as DuckDB does,
    and both print the same line."""
    from journeymap.errors import JourneymapError
    from tests.measure.damaged import damaged_logs

    s = shop(tmp_path, synthetic.Plan(users=60))
    for kind, (path, start) in damaged_logs(s.folder / "events.csv").items():
        said = []
        for chosen in (None, engine):
            with pytest.raises(JourneymapError) as raised:
                s.measured(engine=chosen, events=str(path))
            said.append(str(raised.value))
        assert said[0] == said[1], kind
        assert said[0].startswith(start), said[0]


def test_a_spark_run_prints_no_log_lines(tmp_path: Path) -> None:
    """Standard error of a whole run holds journeymap's own lines and nothing from the JVM."""
    import subprocess
    import sys

    s = shop(tmp_path, synthetic.Plan(users=40))
    done = subprocess.run(
        [sys.executable, "-m", "journeymap", "measure", str(s.map), "--engine", "spark", "--memory", "1024"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "Funnel" in done.stdout or "funnel" in done.stdout
    foreign = [line for line in done.stderr.splitlines() if not line.startswith("journeymap: ")]
    assert foreign == [], foreign
