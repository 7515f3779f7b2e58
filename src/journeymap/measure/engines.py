"""Which engine a run of `journeymap measure` uses: DuckDB (the default), Spark or PostgreSQL.

Apart from engine.py, which holds the Engine protocol and the column kinds the engines share:
the engines import those, and this module imports the engines (each only when it is chosen, as
each brings a library that takes a noticeable part of a second to load)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from journeymap.measure.engine import TEXT, TEXT_COLUMN, Engine, Limits, limits_of


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


def load_table(engine: Engine, name: str, url: str, table: str, keep: Sequence[str]) -> dict[str, str]:
    """Table `name` in `engine` of a table in a PostgreSQL database (survey answers); returns
    column -> kind, as Engine.load does. An engine in that very database makes a view (the rows
    stay there); any other engine gets the rows of the `keep` columns, as text, copied in."""
    from journeymap.measure.postgres_engine import PostgresEngine, read_table  # noqa: PLC0415

    if isinstance(engine, PostgresEngine) and engine.url == url:
        return engine.view_of_table(name, table, keep)
    kinds, wanted, rows = read_table(url, table, keep)
    if wanted:  # (with none of them, the caller names the missing column)
        engine.register(name, [(column, TEXT_COLUMN) for column in wanted], rows)
    return {column: TEXT for column in kinds}
