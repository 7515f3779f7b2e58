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

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

SOURCE = "duckdb"


# what DuckDB's try_cast reads as a number or as an instant; PostgreSQL has no try_cast (sqlglot
# writes a plain CAST, which fails the whole query on one bad value), so there a try_cast becomes
# a cast guarded by the shape of its text, NULL otherwise, as in DuckDB
NUMBER_SHAPE = r"^ *[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)? *$"
TIME_SHAPE = (r"^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)? *"
              r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)? *$")
WITHOUT_TRY_CAST = frozenset({"postgres"})
# DuckDB and Spark order text byte by byte; PostgreSQL by the database's collation (en_US on most
# servers: 'a_b' < 'ab' < 'B'), so ties broken by name (the unmapped events, the variants, a user's
# segment) would come out in another order. Every text value of the measures is made by a CAST to
# text, so there each cast is given the byte order, "C", and every comparison of it follows that.
BYTE_ORDER_COLLATION = {"postgres": "C"}


@lru_cache(maxsize=512)
def translated(sql: str, dialect: str) -> str:
    """`sql`, written in DuckDB's dialect, in `dialect` (a name sqlglot knows: postgres, spark)."""
    if dialect == SOURCE:
        return sql
    import sqlglot  # noqa: PLC0415

    trees = sqlglot.parse(sql, read=SOURCE)
    if dialect in WITHOUT_TRY_CAST:
        trees = [tree.transform(_guarded_try_cast) if tree is not None else None for tree in trees]
    collation = BYTE_ORDER_COLLATION.get(dialect)
    if collation is not None:
        trees = [tree.transform(_collated, collation) if tree is not None else None for tree in trees]
    return ";\n".join(tree.sql(dialect=dialect) for tree in trees if tree is not None)


def _guarded_try_cast(node: Any) -> Any:
    """try_cast(x AS T) as CASE WHEN x has T's shape THEN CAST(x AS T) END, for numbers and times."""
    from sqlglot import exp  # noqa: PLC0415

    if not isinstance(node, exp.TryCast):
        return node
    target = node.to
    if target.is_type(*exp.DataType.NUMERIC_TYPES):
        shape = NUMBER_SHAPE
    elif target.is_type(*exp.DataType.TEMPORAL_TYPES):
        shape = TIME_SHAPE
    else:
        return node
    text = exp.cast(node.this.copy(), "text")
    matches = exp.RegexpLike(this=text, expression=exp.Literal.string(shape))
    return exp.Case().when(matches, exp.Cast(this=node.this.copy(), to=target.copy()))


def _collated(node: Any, collation: str) -> Any:
    """CAST(x AS TEXT) as CAST(x AS TEXT) COLLATE collation; every other node as it is."""
    from sqlglot import exp  # noqa: PLC0415

    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast) and node.to.is_type(*exp.DataType.TEXT_TYPES):
        return exp.Collate(this=node.copy(), expression=exp.Identifier(this=collation, quoted=True))
    return node


class SourceSpelling:
    """Names, text values and quantiles as DuckDB's dialect writes them: what every engine hands
    compute.py, since each statement is translated (or, for DuckDB, run) from that dialect."""

    def ident(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def literal(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    def quantile(self, expr: str, q: float) -> str:
        return f"quantile_cont({expr}, {q})"

    def quantiles(self, expr: str, qs: Sequence[float]) -> str:
        # one aggregate sorts the values once; two quantile_cont of one expression sort them twice
        # (10 M events: the stages' query 0.85x)
        return f"quantile_cont({expr}, [{', '.join(map(repr, qs))}])"

    def user_bucket(self, expr: str) -> tuple[str, int]:
        # one: DuckDB runs a window over all users on every thread, and PostgreSQL sorts them
        # once either way; numbering by bucket made DuckDB's later windows over the user slower
        return "CAST(0 AS BIGINT)", 1

    def ordered_join(self, value: str, order: Sequence[str], separator: str) -> str:
        # a list joined once, not a string grown value by value (10 M events: the variants of
        # the users who do not fit, 0.75x); PostgreSQL's translation is array_agg
        return (f"array_to_string(list(CAST({value} AS VARCHAR) ORDER BY {', '.join(order)}), "
                f"{self.literal(separator)})")
