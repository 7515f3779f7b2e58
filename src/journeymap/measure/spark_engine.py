"""The Spark engine (PySpark): the same measures, for logs beyond one machine.

The SQL is the one DuckDB runs (see engine.py); only quoting, quantiles and time parsing are
spelled the Spark way. Times are read in UTC whatever the cluster's zone.

A session journeymap starts itself listens on 127.0.0.1 only (Spark's driver otherwise binds
the machine's outside interface for the run) and gets the run's threads and memory. The
files it reads are literal paths already checked (measure.files refuses any with a character
Hadoop would expand as a pattern).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from journeymap.errors import JourneymapError
from journeymap.measure.engine import BOOL_COLUMN, DATE, INT_COLUMN, NUMBER, OTHER, TEXT, TIME, Limits, limits_of

LOOPBACK = "127.0.0.1"
# the settings --debug reports
REPORTED = ("spark.master", "spark.driver.bindAddress", "spark.driver.host", "spark.driver.memory", "spark.ui.enabled")
_SPARK_TYPES = {BOOL_COLUMN: "boolean", INT_COLUMN: "int"}


class SparkEngine:
    name = "spark"

    def __init__(self, session: Any = None, limits: Limits | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise JourneymapError(
                "the spark engine needs PySpark (and Java 17): pip install pyspark, or use --engine duckdb"
            ) from None
        self._own = session is None
        chosen = limits or limits_of(None, None)
        if self._own:
            # read by the JVM as it starts, before any setting below: without it Spark looks up
            # the machine's outside address first and says so
            os.environ["SPARK_LOCAL_IP"] = LOOPBACK
        self.spark = session or (
            SparkSession.builder.master(f"local[{int(chosen.threads)}]").appName("journeymap measure")
            .config("spark.driver.bindAddress", LOOPBACK)
            .config("spark.driver.host", LOOPBACK)
            .config("spark.driver.memory", f"{int(chosen.memory_mb)}m")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            # standard error is for journeymap's own progress and messages
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        if self._own:
            self.spark.sparkContext.setLogLevel("ERROR")
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._cached: list[Any] = []

    def load(self, name: str, files: Sequence[str], fmt: str, keep: Sequence[str] | None = None) -> dict[str, str]:
        from pyspark.errors import PySparkException

        reader = self.spark.read
        try:
            if fmt == "csv":
                frame = reader.option("header", True).csv(list(files))  # every column as text, as DuckDB
            elif fmt == "parquet":
                frame = reader.parquet(*files)
            else:
                frame = reader.json(list(files))
        except PySparkException as exc:
            raise JourneymapError(f"cannot read {files[0]}: {_first_line(exc)}") from None
        kinds = {f.name: _kind(f.dataType.typeName()) for f in frame.schema.fields}
        if fmt != "parquet":
            wanted = [c for c in (keep or kinds) if c in kinds]
            # quoted: a bare name with a dot or backtick would be read as a path into a struct
            frame = frame.select(*(self.ident(c) for c in wanted)).cache()
            self._cached.append(frame)
        frame.createOrReplaceTempView(name)
        return kinds

    def table(self, name: str, sql: str) -> None:
        from pyspark.errors import PySparkException

        try:
            frame = self.spark.sql(sql).cache()
            frame.count()  # computed once, here, not again in every query that reads it
        except PySparkException as exc:
            raise JourneymapError(f"Spark could not compute a measure: {_first_line(exc)}") from None
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        from pyspark.errors import PySparkException

        try:
            return [tuple(r) for r in self.spark.sql(sql).collect()]
        except PySparkException as exc:
            raise JourneymapError(f"Spark could not compute a measure: {_first_line(exc)}") from None

    def register(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[Any, ...]]) -> None:
        schema = ", ".join(f"{self.ident(column)} {_SPARK_TYPES.get(kind, 'string')}" for column, kind in columns)
        frame = self.spark.createDataFrame(list(rows), schema=schema).cache()
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def settings(self) -> dict[str, str]:
        conf = self.spark.sparkContext.getConf()
        return {key: str(conf.get(key, "(not set)")) for key in REPORTED}

    def ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def literal(self, value: str) -> str:
        # Spark reads backslash escapes inside string literals
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def quantile(self, expr: str, q: float) -> str:
        return f"percentile({expr}, {q})"

    def user_key(self, expr: str) -> str:
        return f"xxhash64({expr})"

    def ordered_join(self, value: str, order: Sequence[str], separator: str) -> str:
        # collect_list keeps no order: collect (keys..., value) structs, sort them, keep the values
        keys = ", ".join(f"'k{i}', {expr}" for i, expr in enumerate(order))
        items = f"array_sort(collect_list(named_struct({keys}, 'v', CAST({value} AS STRING))))"
        return f"array_join(transform({items}, x -> x.v), {self.literal(separator)})"

    def seconds(self, column: str, kind: str) -> str:
        if kind in (TIME, DATE):
            return f"(unix_micros(CAST({column} AS TIMESTAMP)) / 1000000.0)"
        if kind == NUMBER:
            return f"CAST({column} AS DOUBLE)"
        text = f"CAST({column} AS STRING)"
        return f"coalesce(unix_micros(try_cast({text} AS TIMESTAMP)) / 1000000.0, try_cast({text} AS DOUBLE))"

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        if self._own:
            self.spark.stop()


def _kind(type_name: str) -> str:
    if type_name.startswith("timestamp"):
        return TIME
    if type_name == "date":
        return DATE
    if type_name == "string":
        return TEXT
    if type_name in ("byte", "short", "integer", "long", "float", "double") or type_name.startswith("decimal"):
        return NUMBER
    return OTHER


def _first_line(exc: BaseException) -> str:
    from journeymap.strings import short

    text = str(exc).strip()
    return short(text.splitlines()[0] if text else type(exc).__name__, 300)
