"""The PostgreSQL engine: the measures of an event log kept in a database table, computed in
the database (psycopg), so the rows never leave it.

The SQL is compute.py's own, translated from DuckDB's dialect by measure.portable (sqlglot);
the numbers equal DuckDB's on the same rows (tests/measure/test_postgres.py compares them on a
real server).

The whole run is one transaction that is rolled back at the end: everything it makes is a
temporary table or view, and nothing it does outlives the run. The URL comes only from the
command line (a map or configuration cannot name a database: docs/robustness.md, Measure).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journeymap.errors import JourneymapError
from journeymap.measure.engine import BOOL_COLUMN, DATE, INT_COLUMN, NUMBER, OTHER, TEXT, TIME, Limits, limits_of
from journeymap.measure.portable import SourceSpelling, translated
from journeymap.strings import short

if TYPE_CHECKING:
    import psycopg

DIALECT = "postgres"
_SQL_TYPES = {BOOL_COLUMN: "BOOLEAN", INT_COLUMN: "INTEGER"}
_KINDS = {
    "text": TEXT, "varchar": TEXT, "bpchar": TEXT, "name": TEXT, "citext": TEXT,
    "int2": NUMBER, "int4": NUMBER, "int8": NUMBER, "float4": NUMBER, "float8": NUMBER, "numeric": NUMBER,
    "timestamp": TIME, "timestamptz": TIME, "date": DATE,
}


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", url)


class PostgresEngine(SourceSpelling):
    name = "postgres"

    def __init__(self, url: str, table: str, limits: Limits | None = None) -> None:
        self._psycopg = _psycopg()
        self.url, self.table_name = url, table
        chosen = self.limits = limits or limits_of(None, None)
        self.con = _connect(self._psycopg, url)
        # one transaction for the run, never committed (close rolls it back)
        self.con.execute("SET LOCAL TimeZone = 'UTC'")
        self.con.execute(f"SET LOCAL work_mem = '{max(4, int(chosen.memory_mb) // 4)}MB'")
        self.con.execute(f"SET LOCAL max_parallel_workers_per_gather = {max(0, int(chosen.threads) - 1)}")

    def settings(self) -> dict[str, str]:
        names = ("server_version", "TimeZone", "work_mem", "max_parallel_workers_per_gather", "transaction_read_only")
        return {name: str(self.con.execute(f"SHOW {name}").fetchone()[0]) for name in names}  # type: ignore[index]

    def load(self, name: str, files: Sequence[str], fmt: str, keep: Sequence[str] | None = None) -> dict[str, str]:
        if files:
            return self._upload(name, files, fmt, keep)
        return self.view_of_table(name, self.table_name, keep)

    def view_of_table(self, name: str, table: str, keep: Sequence[str] | None = None) -> dict[str, str]:
        """View `name` of `table` in this database (the event log, or survey answers kept beside
        it): the database reads the table where it lies, only the columns the measures use."""
        try:
            kinds = _columns(self.con, table)
            wanted = [c for c in (keep or kinds) if c in kinds]
            columns = ", ".join(self.ident(c) for c in wanted) or "*"
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {columns} FROM {_qualified(table)}")
        except self._psycopg.Error as exc:
            raise JourneymapError(f"cannot read table {table}: {_first_line(exc)}") from None
        return kinds

    def _upload(self, name: str, files: Sequence[str], fmt: str, keep: Sequence[str] | None) -> dict[str, str]:
        """Survey answers from files (small beside the log): read by DuckDB, locked to these files
        as in any run, and copied into a temporary table as text, so the survey SQL runs here."""
        from journeymap.measure.duckdb_engine import DuckDBEngine  # noqa: PLC0415

        reader = DuckDBEngine(files, self.limits)
        try:
            kinds = reader.load(name, files, fmt, keep)
            wanted = [c for c in (keep or kinds) if c in kinds]
            values = reader.rows(f"SELECT {', '.join(f'CAST({reader.ident(c)} AS VARCHAR)' for c in wanted)} "
                                 f"FROM {name}")
        finally:
            reader.close()
        self.register(name, [(c, "text") for c in wanted], values)
        # the values are text now: the survey SQL casts them as it does a CSV's
        return {c: TEXT for c in wanted}

    def table(self, name: str, sql: str) -> None:
        self._run(f"DROP TABLE IF EXISTS pg_temp.{name}")
        self._run(f"CREATE TEMP TABLE {name} AS {translated(sql, DIALECT)}")

    def view(self, name: str, sql: str) -> None:
        self._run(f"DROP VIEW IF EXISTS pg_temp.{name}")
        self._run(f"CREATE TEMP VIEW {name} AS {translated(sql, DIALECT)}")

    def register(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[Any, ...]]) -> None:
        listing = ", ".join(f"{self.ident(column)} {_SQL_TYPES.get(kind, 'TEXT')}" for column, kind in columns)
        self._run(f"DROP TABLE IF EXISTS pg_temp.{name}")
        self._run(f"CREATE TEMP TABLE {name} ({listing})")
        # rows travel as COPY data, never as SQL text
        with self.con.cursor() as cursor, cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            found = self.con.execute(translated(sql, DIALECT)).fetchall()
        except self._psycopg.Error as exc:
            raise JourneymapError(f"PostgreSQL could not compute a measure: {_first_line(exc)}") from None
        return [tuple(_plain(v) for v in row) for row in found]

    def _run(self, sql: str) -> None:
        try:
            self.con.execute(sql)
        except self._psycopg.Error as exc:
            raise JourneymapError(f"PostgreSQL could not read the data: {_first_line(exc)}") from None

    # the spellings below (and SourceSpelling's) are DuckDB's: portable.translated turns them into PostgreSQL's
    def seconds(self, column: str, kind: str) -> str:
        if kind == TIME:
            return f"epoch({column})"
        if kind == DATE:
            return f"epoch(CAST({column} AS TIMESTAMP))"
        if kind == NUMBER:
            return f"CAST({column} AS DOUBLE)"
        # DuckDB's very words: portable turns each try_cast into a cast guarded by the text's shape
        text = f"CAST({column} AS VARCHAR)"
        return f"coalesce(epoch(try_cast({text} AS TIMESTAMPTZ)), try_cast({text} AS DOUBLE))"

    def close(self) -> None:
        try:
            self.con.rollback()
        finally:
            self.con.close()


def read_table(url: str, table: str, keep: Sequence[str]) -> tuple[dict[str, str], list[str], list[tuple[Any, ...]]]:
    """Every column of `table` by kind, and the rows of its columns in `keep` as text (NULL kept), read
    in a read-only transaction: survey answers from a database, for an engine that runs elsewhere
    (they are small beside an event log). Text as PostgreSQL prints it, so the survey SQL casts
    them as it casts a CSV's."""
    library = _psycopg()
    con = _connect(library, url)
    try:
        con.read_only = True
        kinds = _columns(con, table)
        wanted = [c for c in keep if c in kinds]
        listing = ", ".join(f"CAST({_SPELLING.ident(c)} AS text)" for c in wanted)
        rows = con.execute(f"SELECT {listing} FROM {_qualified(table)}").fetchall() if wanted else []
    except library.Error as exc:
        raise JourneymapError(f"cannot read table {table}: {_first_line(exc)}") from None
    finally:
        con.close()
    return kinds, wanted, rows


_SPELLING = SourceSpelling()


def _psycopg() -> Any:
    """The psycopg module, imported only when data is in a database."""
    try:
        import psycopg  # noqa: PLC0415
    except ImportError:
        raise JourneymapError("data in PostgreSQL needs psycopg: pip install 'psycopg[binary]'") from None
    return psycopg


def _connect(library: Any, url: str) -> psycopg.Connection[Any]:
    try:
        connected: psycopg.Connection[Any] = library.connect(url, connect_timeout=15,
                                                             application_name="journeymap measure")
    except library.Error as exc:
        raise JourneymapError(f"cannot connect to {redacted(url)}: {_first_line(exc)}") from None
    return connected


def _columns(con: psycopg.Connection[Any], table: str) -> dict[str, str]:
    """`table`'s columns, in order, each with its kind (TEXT, NUMBER, TIME, ...)."""
    cursor = con.execute(f"SELECT * FROM {_qualified(table)} LIMIT 0")
    out = {}
    for d in cursor.description or ():
        info = con.adapters.types.get(d.type_code)
        out[d.name] = _KINDS.get(info.name if info is not None else "", OTHER)
    return out


def _qualified(table: str) -> str:
    """`schema.table` or `table`, each part quoted as one name."""
    return ".".join(_SPELLING.ident(part) for part in table.split(".", 1))


def _plain(value: Any) -> Any:
    """numeric (from sum) as the int or float DuckDB gives."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _first_line(exc: BaseException) -> str:

    text = str(exc).strip()
    return short(text.splitlines()[0] if text else type(exc).__name__, 300)
