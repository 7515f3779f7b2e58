"""Which touchpoint each event belongs to.

Signal patterns are matched against the distinct event names in Python (fnmatch: `*`, `?`,
`[...]`), once, so every engine applies exactly the same matches; the result is one CASE
expression of plain name lists and attribute filters. An event belongs to the first
touchpoint, in map order, whose signal matches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from journeymap.measure.engine import Engine
from journeymap.model import Journey, Signal


@dataclass(frozen=True)
class Rule:
    touchpoint: int  # index in map order
    names: tuple[str, ...]
    where: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Unmatched:
    """A signal whose pattern matches no event name in the log."""

    touchpoint: str
    pattern: str


@dataclass(frozen=True)
class Classification:
    rules: tuple[Rule, ...]
    unmatched: tuple[Unmatched, ...]


def classification(journey: Journey, names: Sequence[str]) -> Classification:
    rules: list[Rule] = []
    unmatched: list[Unmatched] = []
    for index, touchpoint in enumerate(journey.touchpoints()):
        for signal in touchpoint.signals:
            matched = tuple(n for n in names if fnmatchcase(n, signal.event))
            if not matched:
                unmatched.append(Unmatched(touchpoint.id, signal.event))
                continue
            rules.append(Rule(index, matched, _filters(signal)))
    return Classification(tuple(rules), tuple(unmatched))


def attribute_value(value: str | int | float | bool) -> str:
    """A filter value as the text an engine casts the column to (true, 3, 2.5)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _filters(signal: Signal) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((name, tuple(attribute_value(v) for v in values)) for name, values in signal.where)


def case_sql(rules: Sequence[Rule], event: str, column_of: dict[str, str], engine: Engine) -> str:
    """The touchpoint index of an event, NULL when no signal claims it. `event` is the event
    column's expression; `column_of` maps filter attributes to column expressions."""
    if not rules:
        return "CAST(NULL AS INTEGER)"
    branches = []
    for rule in rules:
        names = ", ".join(engine.literal(n) for n in rule.names)
        condition = f"{event} IN ({names})"
        for attribute, values in rule.where:
            options = ", ".join(engine.literal(v) for v in values)
            condition += f" AND CAST({column_of[attribute]} AS STRING) IN ({options})"
        branches.append(f"WHEN {condition} THEN {rule.touchpoint}")
    return "CASE " + " ".join(branches) + " END"
