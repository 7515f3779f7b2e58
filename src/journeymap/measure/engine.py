"""What an engine is: it loads files as named tables and runs SQL in its own dialect.

The measures are a handful of fixed query shapes (group-bys, joins on the user, one LAG
window), so journeymap writes them itself in the SQL that DuckDB and Spark share and lets
each engine say how it spells the few things they disagree on (quantiles, quoting, times).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

# what kind of values a column holds, as far as time parsing cares
TEXT, NUMBER, TIME, DATE, OTHER = "text", "number", "time", "date", "other"


class Engine(Protocol):
    name: str

    def load(self, name: str, files: Sequence[str], fmt: str, keep: Sequence[str] | None = None) -> dict[str, str]:
        """Make table `name` of the files; returns column name -> kind (TEXT, NUMBER, ...).
        `keep`, when given, is the columns later queries use (an engine may copy only those)."""
        ...

    def table(self, name: str, sql: str) -> None:
        """Materialise the result of `sql` as table `name`."""
        ...

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def ident(self, name: str) -> str: ...

    def literal(self, value: str) -> str: ...

    def quantile(self, expr: str, q: float) -> str: ...

    def user_key(self, expr: str) -> str:
        """A 64-bit integer for a user id text: joins and distinct counts on 8 bytes run several
        times faster than on text (a collision needs billions of users to become likely)."""
        ...

    def seconds(self, column: str, kind: str) -> str:
        """Seconds since 1970 (UTC) as a double, NULL where the value is no time."""
        ...

    def close(self) -> None: ...


def make_engine(name: str, progress: Any = None) -> Engine:
    """The engine by name; its library is imported only now (measure is the only command
    that needs one)."""
    if name == "spark":
        from journeymap.measure.spark_engine import SparkEngine

        spark: Engine = SparkEngine()
        return spark
    from journeymap.measure.duckdb_engine import DuckDBEngine

    return DuckDBEngine(progress)
