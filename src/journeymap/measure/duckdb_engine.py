"""The default engine: DuckDB, embedded, reading CSV (gzipped too), Parquet and NDJSON of any
size; it spills to disk beyond its memory limit.

Each run's connection is locked before any data is read: it may open the checked files and
its own spill folder and nothing else (no other file, no URL, no extension to install or
load), within a memory limit and a number of threads, and no statement can undo that.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from journeymap.errors import JourneymapError
from journeymap.measure.engine import (
    BOOL_COLUMN,
    DATE,
    INT_COLUMN,
    NUMBER,
    OTHER,
    TEXT,
    TIME,
    Limits,
    limits_of,
)
from journeymap.measure.locate import damage, delimiter, refuse_empty
from journeymap.measure.portable import SourceSpelling
from journeymap.strings import short

# the settings --debug reports, in the order they are set
LOCKED = (
    "allowed_paths", "allowed_directories", "enable_external_access", "autoinstall_known_extensions",
    "autoload_known_extensions", "memory_limit", "threads", "temp_directory", "lock_configuration",
)
_SQL_TYPES = {BOOL_COLUMN: "BOOLEAN", INT_COLUMN: "INTEGER"}


class DuckDBEngine(SourceSpelling):
    name = "duckdb"

    def __init__(
        self,
        files: Sequence[str] = (),
        limits: Limits | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        import duckdb  # noqa: PLC0415

        self._duckdb = duckdb
        self.con = duckdb.connect(":memory:")
        self._spill = tempfile.mkdtemp(prefix="journeymap-measure-")
        # removed by close(), or at the latest when the engine is collected or Python exits: an
        # engine a caller forgot to close leaves no folder behind in the system's temp dir
        self._remove_spill = weakref.finalize(self, shutil.rmtree, self._spill, ignore_errors=True)
        try:
            self._configure(files, limits or limits_of(None, None), progress)
        except BaseException:
            self.close()
            raise

    def _configure(self, files: Sequence[str], limits: Limits, progress: Callable[[float], None] | None) -> None:
        # times without an offset are UTC, whatever the machine's zone
        self.con.execute("SET TimeZone = 'UTC'")
        # no query depends on the order rows were stored in: every window and list says its own
        # ORDER BY, so DuckDB may build tables in parallel without keeping it
        self.con.execute("SET preserve_insertion_order = false")
        self._progress = progress
        if progress is not None:
            # DuckDB measures its progress only with its own bar on; ours draws it instead
            self.con.execute("SET enable_progress_bar = true")
            self.con.execute("SET enable_progress_bar_print = false")
        # the lock, last: once it is on, no query of the run can change a setting back
        self.con.execute("SET allowed_paths = ?", [list(files)])
        self.con.execute("SET temp_directory = ?", [self._spill])
        self.con.execute(f"SET memory_limit = '{int(limits.memory_mb)}MB'")
        self.con.execute(f"SET threads = {int(limits.threads)}")
        self.con.execute("SET autoinstall_known_extensions = false")
        self.con.execute("SET autoload_known_extensions = false")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def settings(self) -> dict[str, str]:
        return {
            name: str(self.con.execute("SELECT current_setting(?)", [name]).fetchone()[0])  # type: ignore[index]
            for name in LOCKED
        }

    def register(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[Any, ...]]) -> None:
        # one list parameter a column, unnested side by side: the values never become SQL text
        selects = ", ".join(
            f"unnest(?::{_SQL_TYPES.get(kind, 'VARCHAR')}[]) AS {self.ident(column)}" for column, kind in columns
        )
        values = [[row[i] for row in rows] for i in range(len(columns))]
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {selects}", values)
        except self._duckdb.Error as exc:
            raise JourneymapError(f"DuckDB could not hold the signals' table: {_first_line(exc)}") from None

    def load(self, name: str, files: Sequence[str], fmt: str, keep: Sequence[str] | None = None) -> dict[str, str]:
        refuse_empty(files)
        listing = "[" + ", ".join(self.literal(f) for f in files) + "]"
        if fmt == "csv":
            # every column as text: a value the type sniffer did not expect becomes a clear
            # message of ours (file, row, value), never a conversion error half-way through.
            # The separator is told, not sniffed, and a row of the wrong width is an error:
            # Spark is told the same, so both read a file alike or both refuse it
            delim = self.literal(delimiter(files[0]))
            source = (f"read_csv({listing}, header = true, all_varchar = true, union_by_name = true, "
                      f"delim = {delim}, quote = '\"', escape = '\"', strict_mode = true, null_padding = false)")
        elif fmt == "parquet":
            source = f"read_parquet({listing}, union_by_name = true)"
        else:
            source = f"read_json({listing}, format = 'newline_delimited', union_by_name = true)"
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_src AS SELECT * FROM {source}")
            kinds = {row[0]: _kind(str(row[1])) for row in self.con.execute(f"DESCRIBE {name}_src").fetchall()}
            if fmt == "parquet":
                # columnar: each query reads only the columns it needs, straight from the files
                self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_src")
            else:
                # text formats are parsed once, into a table of the columns the measures use
                wanted = [c for c in (keep or kinds) if c in kinds]
                columns = ", ".join(self.ident(c) for c in wanted) or "*"
                self._run(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM {name}_src")
        except self._duckdb.Error as exc:
            raise JourneymapError(damage(files, fmt) or f"cannot read {files[0]}: {_first_line(exc)}") from None
        return kinds

    def table(self, name: str, sql: str) -> None:
        self._run(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self._run(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return self.con.execute(sql).fetchall()
        except self._duckdb.Error as exc:
            raise JourneymapError(f"DuckDB could not compute a measure: {_first_line(exc)}") from None

    def _run(self, sql: str) -> None:
        """Run a long statement, reporting its progress while it runs."""
        if self._progress is None:
            try:
                self.con.execute(sql)
            except self._duckdb.Error as exc:
                raise JourneymapError(f"DuckDB could not read the data: {_first_line(exc)}") from None
            return
        done = threading.Event()
        failure: list[BaseException] = []

        def work() -> None:
            try:
                self.con.execute(sql)
            except BaseException as exc:  # handed to the caller's thread below
                failure.append(exc)
            finally:
                done.set()

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        while not done.wait(0.2):
            share = self.con.query_progress()
            if share >= 0:
                self._progress(share)
        worker.join()
        if failure:
            if isinstance(failure[0], self._duckdb.Error):
                raise JourneymapError(f"DuckDB could not read the data: {_first_line(failure[0])}") from None
            raise failure[0]


    def seconds(self, column: str, kind: str) -> str:
        if kind == TIME:
            return f"(epoch_us({column}) / 1000000.0)"
        if kind == DATE:
            return f"(epoch_us(CAST({column} AS TIMESTAMP)) / 1000000.0)"
        if kind == NUMBER:
            return f"CAST({column} AS DOUBLE)"
        text = f"CAST({column} AS VARCHAR)"
        return f"coalesce(epoch_us(try_cast({text} AS TIMESTAMPTZ)) / 1000000.0, try_cast({text} AS DOUBLE))"

    def close(self) -> None:
        self.con.close()
        self._remove_spill()


def _kind(type_name: str) -> str:
    upper = type_name.upper()
    if upper.startswith("TIMESTAMP"):
        return TIME
    if upper == "DATE":
        return DATE
    if upper in ("VARCHAR", "TEXT", "STRING"):
        return TEXT
    if upper in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "REAL") or upper.startswith(
        ("DECIMAL", "UINTEGER", "UBIGINT", "USMALLINT", "UTINYINT")
    ):
        return NUMBER
    return OTHER


def _first_line(exc: BaseException) -> str:

    return short(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 300)
