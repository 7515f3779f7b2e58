"""The one SQL dialect journeymap's measures are written in, and its translation for engines
that speak another.

compute.py writes DuckDB's SQL (with each engine's own spelling of the few things the Engine
protocol asks for). An engine of another dialect hands each statement through `translated`
at its boundary, so a measure is written once, not copied by hand a dialect. sqlglot does the
translation: it is pure Python, has no dependencies of its own, and turns DuckDB's `/` (always
a fraction) and `quantile_cont` into PostgreSQL's explicit casts and `PERCENTILE_CONT ... WITHIN
GROUP`; its output for our statements is checked by tests that compare every number with
DuckDB's on the same rows.
"""

from __future__ import annotations

from functools import lru_cache

SOURCE = "duckdb"


@lru_cache(maxsize=512)
def translated(sql: str, dialect: str) -> str:
    """`sql`, written in DuckDB's dialect, in `dialect` (a name sqlglot knows: postgres, spark)."""
    if dialect == SOURCE:
        return sql
    import sqlglot

    return ";\n".join(sqlglot.transpile(sql, read=SOURCE, write=dialect))


class SourceSpelling:
    """Names, text values and quantiles as DuckDB's dialect writes them: what every engine hands
    compute.py, since each statement is translated (or, for DuckDB, run) from that dialect."""

    def ident(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def literal(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    def quantile(self, expr: str, q: float) -> str:
        return f"quantile_cont({expr}, {q})"
