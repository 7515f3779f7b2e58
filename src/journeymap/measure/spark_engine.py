"""The Spark engine (PySpark): the same measures, for logs beyond one machine.

The SQL is compute.py's own, written in DuckDB's dialect: each statement is translated to
Spark's at this boundary (measure.portable, sqlglot), and the few spellings the Engine protocol
asks for (quantiles, user keys, times) are written in DuckDB's dialect too, naming Spark's own
functions where the two differ. Times are read in UTC whatever the cluster's zone.

A session journeymap starts itself listens on 127.0.0.1 only (Spark's driver otherwise binds
the machine's outside interface for the run) and gets the run's threads and memory. The
files it reads are literal paths already checked (measure.files refuses any with a character
Hadoop would expand as a pattern).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from importlib import resources
from typing import Any

from journeymap.errors import JourneymapError
from journeymap.measure.engine import BOOL_COLUMN, DATE, INT_COLUMN, NUMBER, OTHER, TEXT, TIME, Limits, limits_of
from journeymap.measure.locate import damage, delimiter, refuse_empty
from journeymap.measure.portable import SourceSpelling, translated
from journeymap.strings import short

LOOPBACK = "127.0.0.1"
# the settings --debug reports
REPORTED = ("spark.master", "spark.driver.bindAddress", "spark.driver.host", "spark.driver.memory", "spark.ui.enabled")
LOG4J = "spark-log4j2.properties"
DIALECT = "spark"
_SPARK_TYPES = {BOOL_COLUMN: "boolean", INT_COLUMN: "int"}
# users are numbered within this many buckets of their id's hash: enough for every core of a cluster
USER_BUCKETS = 1024


class SparkEngine(SourceSpelling):
    name = "spark"

    def __init__(self, session: Any = None, limits: Limits | None = None) -> None:
        try:
            import pyspark  # noqa: F401, PLC0415
        except ImportError:
            raise JourneymapError(
                "the spark engine needs PySpark (and Java 17): pip install pyspark, or use --engine duckdb"
            ) from None
        self._own = session is None
        self._jvm_log: str | None = None
        self.spark = session or self._start(limits or limits_of(None, None))
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._cached: list[Any] = []

    def _start(self, limits: Limits) -> Any:
        """A local session on loopback, quiet: its JVM logs errors only, and what the JVM itself
        writes to standard error (such as its note on incubator modules) goes to a file that is
        shown only when the session cannot start."""
        from pyspark import SparkConf, SparkContext  # noqa: PLC0415
        from pyspark.java_gateway import launch_gateway  # noqa: PLC0415
        from pyspark.sql import SparkSession  # noqa: PLC0415

        # read by the JVM as it starts, before any setting below: without it Spark looks up
        # the machine's outside address first and says so
        os.environ["SPARK_LOCAL_IP"] = LOOPBACK
        log4j = str(resources.files("journeymap.measure").joinpath(LOG4J))
        conf = SparkConf().setAll([
            ("spark.master", f"local[{int(limits.threads)}]"),
            ("spark.app.name", "journeymap measure"),
            ("spark.driver.bindAddress", LOOPBACK),
            ("spark.driver.host", LOOPBACK),
            ("spark.driver.memory", f"{int(limits.memory_mb)}m"),
            ("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j}"),
            ("spark.sql.session.timeZone", "UTC"),
            ("spark.ui.enabled", "false"),
            ("spark.sql.shuffle.partitions", "4"),
            # standard error is for journeymap's own progress and messages
            ("spark.ui.showConsoleProgress", "false"),
        ])
        handle, self._jvm_log = tempfile.mkstemp(prefix="journeymap-spark-", suffix=".log")
        try:
            with os.fdopen(handle, "wb") as jvm_err:
                # one JVM a Python process: a later session reuses the one started first
                running = SparkContext._gateway  # noqa: SLF001
                gateway = running or launch_gateway(conf, popen_kwargs={"stderr": jvm_err})  # type: ignore[no-untyped-call]
            context = SparkContext(conf=conf, gateway=gateway)
        except Exception as exc:
            raise JourneymapError(f"cannot start Spark: {self._jvm_said() or _first_line(exc)}") from None
        context.setLogLevel("ERROR")
        return SparkSession(context)

    def _jvm_said(self) -> str:
        """The last line the JVM wrote to standard error, if any."""
        try:
            with open(self._jvm_log or "", encoding="utf-8", errors="replace") as log:
                lines = [line.strip() for line in log if line.strip()]
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""

    def load(self, name: str, files: Sequence[str], fmt: str, keep: Sequence[str] | None = None) -> dict[str, str]:
        refuse_empty(files)
        reader = self.spark.read
        try:
            if fmt == "csv":
                # every column as text, as DuckDB; the same separator, and a row of the wrong
                # width refused rather than padded with nulls (DuckDB is told the same)
                frame = (reader.option("header", True).option("sep", delimiter(files[0]))
                         .option("mode", "FAILFAST").csv(list(files)))
            elif fmt == "parquet":
                frame = reader.parquet(*files)
            else:
                frame = reader.json(list(files))
            kinds = {f.name: _kind(f.dataType.typeName()) for f in frame.schema.fields}
            if fmt != "parquet":
                wanted = [c for c in (keep or kinds) if c in kinds]
                # quoted: a bare name with a dot or backtick would be read as a path into a struct
                frame = frame.select(*(_backticked(c) for c in wanted)).cache()
                self._cached.append(frame)
                # read now, so that a damaged file is refused here, by name, not mid-measure
                frame.count()
        except Exception as exc:  # PySparkException, or the JVM's own error through py4j
            raise JourneymapError(damage(files, fmt) or f"cannot read {files[0]}: {_first_line(exc)}") from None
        frame.createOrReplaceTempView(name)
        return kinds

    def table(self, name: str, sql: str) -> None:
        from pyspark.errors import PySparkException  # noqa: PLC0415

        try:
            # computed once, here, not again in every query that reads it; a local checkpoint also
            # cuts the plan's lineage: tables built from tables (the funnel's steps) would otherwise
            # carry every plan before them, and Spark's plan descriptions grow until the heap is full
            frame = self.spark.sql(translated(sql, DIALECT)).localCheckpoint(eager=True)
        except PySparkException as exc:
            raise JourneymapError(f"Spark could not compute a measure: {_first_line(exc)}") from None
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        # a table: a view's plan would carry the plans of the views it reads (see table())
        self.table(name, sql)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        from pyspark.errors import PySparkException  # noqa: PLC0415

        try:
            return [tuple(r) for r in self.spark.sql(translated(sql, DIALECT)).collect()]
        except PySparkException as exc:
            raise JourneymapError(f"Spark could not compute a measure: {_first_line(exc)}") from None

    def register(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[Any, ...]]) -> None:
        schema = ", ".join(f"{_backticked(column)} {_SPARK_TYPES.get(kind, 'string')}" for column, kind in columns)
        frame = self.spark.createDataFrame(list(rows), schema=schema).cache()
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def settings(self) -> dict[str, str]:
        conf = self.spark.sparkContext.getConf()
        return {key: str(conf.get(key, "(not set)")) for key in REPORTED}

    # the spellings below (and SourceSpelling's) are DuckDB's: portable.translated turns them into Spark's
    def quantile(self, expr: str, q: float) -> str:
        # Spark's exact percentile interpolates as DuckDB's quantile_cont does
        return f"percentile({expr}, {q})"

    def quantiles(self, expr: str, qs: Sequence[float]) -> str:
        return f"percentile({expr}, array({', '.join(map(repr, qs))}))"

    def user_bucket(self, expr: str) -> tuple[str, int]:
        # a window over all users runs in a single partition on Spark ("No Partition Defined for
        # Window operation"); by bucket, each partition numbers its own. Spark's hash (Murmur3) is a
        # signed 32-bit number: pmod keeps the bucket from 0 up
        return f"CAST(pmod(hash({expr}), {USER_BUCKETS}) AS BIGINT)", USER_BUCKETS

    def ordered_join(self, value: str, order: Sequence[str], separator: str) -> str:
        # collect_list keeps no order: collect (keys..., value) structs, sort them, keep the values
        keys = ", ".join(f"'k{i}', {expr}" for i, expr in enumerate(order))
        items = f"array_sort(collect_list(named_struct({keys}, 'v', CAST({value} AS STRING))))"
        return f"array_join(transform({items}, x -> x.v), {self.literal(separator)})"

    def seconds(self, column: str, kind: str) -> str:
        # TIMESTAMPTZ is Spark's TIMESTAMP (an instant; DuckDB's plain TIMESTAMP would become
        # TIMESTAMP_NTZ, which drops a text's offset)
        if kind in (TIME, DATE):
            return f"(unix_micros(CAST({column} AS TIMESTAMPTZ)) / 1000000.0)"
        if kind == NUMBER:
            return f"CAST({column} AS DOUBLE)"
        text = f"CAST({column} AS VARCHAR)"
        return f"coalesce(unix_micros(try_cast({text} AS TIMESTAMPTZ)) / 1000000.0, try_cast({text} AS DOUBLE))"

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        if self._own:
            self.spark.stop()
        if self._jvm_log is not None:
            with contextlib.suppress(OSError):
                os.remove(self._jvm_log)


def _backticked(name: str) -> str:
    """A column name as the DataFrame API reads it: one name, even with a dot or a backtick."""
    return "`" + name.replace("`", "``") + "`"


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

    text = str(exc).strip()
    return short(text.splitlines()[0] if text else type(exc).__name__, 300)
