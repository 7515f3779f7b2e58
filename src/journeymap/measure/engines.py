"""Which engine a run of `journeymap measure` uses: DuckDB (the default), Spark or PostgreSQL.

Apart from engine.py, which holds the Engine protocol and the column kinds the engines share:
the engines import those, and this module imports the engines (each only when it is chosen, as
each brings a library that takes a noticeable part of a second to load)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from journeymap.measure.engine import Engine, Limits, limits_of


def make_engine(
    name: str, files: Sequence[str], limits: Limits | None = None, progress: Any = None,
    database: tuple[str, str] | None = None,
) -> Engine:
    """The engine by name, allowed to read `files` (resolved real paths) and nothing else, or
    the table of `database` (URL, table); its library is imported only now (measure is the only
    command that needs one)."""
    chosen = limits or limits_of(None, None)
    if name == "postgres":
        from journeymap.measure.postgres_engine import PostgresEngine  # noqa: PLC0415

        if database is None:
            raise ValueError("the postgres engine reads a database table: give (URL, table)")
        postgres: Engine = PostgresEngine(database[0], database[1], chosen)
        return postgres
    if name == "spark":
        from journeymap.measure.spark_engine import SparkEngine  # noqa: PLC0415

        spark: Engine = SparkEngine(limits=chosen)
        return spark
    from journeymap.measure.duckdb_engine import DuckDBEngine  # noqa: PLC0415

    return DuckDBEngine(files, chosen, progress)
