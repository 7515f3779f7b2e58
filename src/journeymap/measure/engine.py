"""What an engine is: it loads files as named tables and runs SQL in its own dialect.

The measures are a handful of fixed query shapes (group-bys, joins on the user, one LAG
window), so journeymap writes them itself in the SQL that DuckDB and Spark share and lets
each engine say how it spells the few things they disagree on (quantiles, quoting, times).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# what kind of values a column holds, as far as time parsing cares
TEXT, NUMBER, TIME, DATE, OTHER = "text", "number", "time", "date", "other"
# column types of a table registered from Python rows (Engine.register)
TEXT_COLUMN, INT_COLUMN, BOOL_COLUMN = "text", "int", "bool"

# the engine's share of the machine unless the configuration or a flag says otherwise: CI
# runners are shared, and an engine's own default (DuckDB: 80% of memory, every core) lets
# one hostile log starve everything else on the machine
DEFAULT_THREADS = 2
MEMORY_SHARE, MEMORY_CAP_MB, MEMORY_FLOOR_MB = 0.25, 4096, 256


@dataclass(frozen=True)
class Limits:
    """What one run's engine may use: memory in MB (it spills to disk beyond) and threads."""

    memory_mb: int
    threads: int = DEFAULT_THREADS


def default_memory_mb() -> int:
    """A quarter of the machine's memory, at most 4 GB (and at least 256 MB)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return MEMORY_CAP_MB // 4
    return max(MEMORY_FLOOR_MB, min(MEMORY_CAP_MB, int(total * MEMORY_SHARE)))


def limits_of(memory_mb: int | None, threads: int | None) -> Limits:
    return Limits(memory_mb if memory_mb is not None else default_memory_mb(),
                  threads if threads is not None else DEFAULT_THREADS)


class Engine(Protocol):
    name: str

    def load(self, name: str, files: Sequence[str], fmt: str, keep: Sequence[str] | None = None) -> dict[str, str]:
        """Make table `name` of the files; returns column name -> kind (TEXT, NUMBER, ...).
        `keep`, when given, is the columns later queries use (an engine may copy only those)."""
        ...

    def table(self, name: str, sql: str) -> None:
        """Materialise the result of `sql` as table `name`."""
        ...

    def view(self, name: str, sql: str) -> None:
        """Name `sql` as `name`, computed where it is read: for a cheap selection of a table that
        is read once or twice (writing it would cost more than reading it again). An engine may
        materialise it as a table instead."""
        ...

    def register(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[Any, ...]]) -> None:
        """Make table `name` of rows from Python, passed as values (never written into SQL);
        `columns` are (name, TEXT_COLUMN | INT_COLUMN | BOOL_COLUMN)."""
        ...

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def ident(self, name: str) -> str: ...

    def literal(self, value: str) -> str: ...

    def quantile(self, expr: str, q: float) -> str: ...

    def quantiles(self, expr: str, qs: Sequence[float]) -> str:
        """An aggregate: the list of `expr`'s quantiles `qs` (interpolated as `quantile`), from one
        sort of the group's values; NULL when every value is NULL."""
        ...

    def seconds(self, column: str, kind: str) -> str:
        """Seconds since 1970 (UTC) as a double, NULL where the value is no time."""
        ...

    def user_bucket(self, expr: str) -> tuple[str, int]:
        """(SQL, n): the bucket, from 0 to n - 1, of a user id's text `expr`, and how many buckets
        the engine numbers users in (each bucket numbers its own). Equal text, equal bucket; only
        which users share a bucket depends on it, never a number the measures report."""
        ...

    def ordered_join(self, value: str, order: Sequence[str], separator: str) -> str:
        """An aggregate: the group's `value`s as text, joined by `separator` (a literal of ours) in the
        order of the `order` expressions (give a tie-breaker: equal keys may come in any order)."""
        ...

    def settings(self) -> dict[str, str]:
        """The settings that confine the run, as the engine reports them back (for --debug)."""
        ...

    def close(self) -> None: ...
