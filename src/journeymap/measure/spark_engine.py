"""The Spark engine (PySpark): the same measures, for logs beyond one machine.

The SQL is the one DuckDB runs (see engine.py); only quoting, quantiles and time parsing are
spelled the Spark way. Times are read in UTC whatever the cluster's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from journeymap.errors import JourneymapError
from journeymap.measure.engine import DATE, NUMBER, OTHER, TEXT, TIME


class SparkEngine:
    name = "spark"

    def __init__(self, session: Any = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise JourneymapError(
                "the spark engine needs PySpark (and Java 17): pip install pyspark, or use --engine duckdb"
            ) from None
        self._own = session is None
        self.spark = session or (
            SparkSession.builder.master("local[2]").appName("journeymap measure")
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
            raise JourneymapError(f"cannot read {files[0]}: {str(exc).splitlines()[0][:300]}") from None
        kinds = {f.name: _kind(f.dataType.typeName()) for f in frame.schema.fields}
        if fmt != "parquet":
            wanted = [c for c in (keep or kinds) if c in kinds]
            frame = frame.select(*wanted).cache()
            self._cached.append(frame)
        frame.createOrReplaceTempView(name)
        return kinds

    def table(self, name: str, sql: str) -> None:
        frame = self.spark.sql(sql).cache()
        frame.count()  # computed once, here, not again in every query that reads it
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def literal(self, value: str) -> str:
        # Spark reads backslash escapes inside string literals
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def quantile(self, expr: str, q: float) -> str:
        return f"percentile({expr}, {q})"

    def user_key(self, expr: str) -> str:
        return f"xxhash64({expr})"

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
