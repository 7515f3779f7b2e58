"""The Spark engine gives exactly DuckDB's numbers on the same data (a local Spark session)."""

from __future__ import annotations

import dataclasses
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
    from pyspark.sql import SparkSession

    from journeymap.measure.spark_engine import SparkEngine

    session = (
        SparkSession.builder.master("local[2]").appName("journeymap tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate()
    )
    yield SparkEngine(session)
    session.stop()


def test_spark_and_duckdb_give_identical_numbers(tmp_path: Path, engine) -> None:
    s = shop(tmp_path, synthetic.Plan(users=250))
    options = {"every": "week", "by": "platform", "window": "5d"}
    duck = dataclasses.asdict(s.measured(**options))
    spark = dataclasses.asdict(s.measured(engine=engine, **options))
    assert duck.pop("engine") == "duckdb" and spark.pop("engine") == "spark"
    assert spark == duck
    assert duck["back_steps"] and duck["unmapped_events"] and duck["surveys"]["touchpoints"]


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
