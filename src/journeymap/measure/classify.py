"""Which touchpoint each event belongs to.

Signal patterns are matched against the distinct event names in Python (fnmatch: `*`, `?`,
`[...]`), once, so every engine applies exactly the same matches. An event belongs to the
first touchpoint, in map order, whose signal matches it (name and attribute filters).

The matches travel to the engine as a table of values, one row a matched name, joined to the
events on the name: the SQL stays the same size whatever the log holds. (Writing the matched
names into the query once a signal made it grow with signals × names: 50 `*` signals over
20,000 names took 3.5 GB.) A name's row holds the touchpoint of the first signal without
filters that matches it, and one flag a filtered signal before that one; only the filters
themselves, written in the map, are SQL.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import translate
from typing import Any

from journeymap.errors import JourneymapError
from journeymap.measure.engine import BOOL_COLUMN, INT_COLUMN, TEXT_COLUMN, Engine
from journeymap.model import Journey, Signal

# beyond these the matching in Python (names × signals) would take minutes
MAX_SIGNALS = 500
MAX_NAMES = 50_000
NAME, FALLBACK = "jm_name", "jm_touchpoint"


@dataclass(frozen=True)
class Unmatched:
    """A signal whose pattern matches no event name in the log."""

    touchpoint: str
    pattern: str
    suggestion: str | None = None  # the log's closest event name, for a misspelt literal name

    def record(self) -> dict[str, str]:
        """As the snapshot's `unmatched_signals` holds it (did_you_mean only when there is one)."""
        found = {"touchpoint": self.touchpoint, "signal": self.pattern}
        if self.suggestion is not None:
            found["did_you_mean"] = self.suggestion
        return found


@dataclass(frozen=True)
class Filtered:
    """A signal with attribute filters that some names match: its flag column in the table."""

    touchpoint: int  # index in map order
    where: tuple[tuple[str, tuple[str, ...]], ...]
    column: str


@dataclass(frozen=True)
class Classification:
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[Any, ...], ...]
    filtered: tuple[Filtered, ...]
    unmatched: tuple[Unmatched, ...]


def signal_count(journey: Journey) -> int:
    return sum(len(t.signals) for t in journey.touchpoints())


def check_signals(journey: Journey) -> None:
    count = signal_count(journey)
    if count > MAX_SIGNALS:
        raise JourneymapError(
            f"{journey.file}: {count:,} signals; journeymap matches at most {MAX_SIGNALS:,} a map "
            "(use patterns such as checkout_* for families of events)"
        )


def classification(journey: Journey, names: Sequence[str]) -> Classification:
    """The name-to-touchpoint table of these distinct event names."""
    touchpoints = list(journey.touchpoints())
    signals = [(index, signal, _matcher(signal.event))
               for index, touchpoint in enumerate(touchpoints) for signal in touchpoint.signals]
    unmatched = tuple(
        Unmatched(touchpoints[index].id, signal.event, closest(signal.event, names))
        for index, signal, matches in signals if not any(matches(n) for n in names)
    )
    filtered: dict[int, Filtered] = {}  # by position in `signals`
    claims: list[tuple[str, int | None, set[int]]] = []
    for name in names:
        flags: set[int] = set()
        fallback = None
        for position, (index, signal, matches) in enumerate(signals):
            if not matches(name):
                continue
            if not signal.where:
                fallback = index  # every later signal is out of reach for this name
                break
            flags.add(position)
            if position not in filtered:
                filtered[position] = Filtered(index, _filters(signal), f"jm_signal_{len(filtered)}")
        if fallback is not None or flags:
            claims.append((name, fallback, flags))
    order = sorted(filtered)
    columns = ((NAME, TEXT_COLUMN), (FALLBACK, INT_COLUMN), *((filtered[p].column, BOOL_COLUMN) for p in order))
    rows = tuple((name, fallback, *(p in flags for p in order)) for name, fallback, flags in claims)
    return Classification(columns, rows, tuple(filtered[p] for p in order), unmatched)


def closest(pattern: str, names: Sequence[str]) -> str | None:
    """The event name of the log a literal signal most likely meant (`purchse` -> `purchase`);
    None for a pattern (`checkout_*`), whose near misses are not one name. The names are the
    distinct names already read for matching, so this costs no query."""
    if any(ch in pattern for ch in "*?["):
        return None
    close = difflib.get_close_matches(pattern, names, n=1, cutoff=0.75)
    return close[0] if close else None


def touchpoint_sql(found: Classification, table: str, column_of: dict[str, str], engine: Engine) -> str:
    """The touchpoint index of an event joined to its row of the table (alias `table`), NULL when
    no signal claims it; `column_of` maps filter attributes to column expressions."""
    if not found.rows:
        return "CAST(NULL AS INTEGER)"
    branches = []
    for signal in found.filtered:
        condition = f"{table}.{signal.column}"
        for attribute, values in signal.where:
            options = ", ".join(engine.literal(v) for v in values)
            condition += f" AND CAST({column_of[attribute]} AS STRING) IN ({options})"
        branches.append(f"WHEN {condition} THEN {signal.touchpoint}")
    if not branches:
        return f"{table}.{FALLBACK}"
    return "CASE " + " ".join(branches) + f" ELSE {table}.{FALLBACK} END"


def attribute_value(value: str | int | float | bool) -> str:
    """A filter value as the text an engine casts the column to (true, 3, 2.5)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _matcher(pattern: str) -> Callable[[str], bool]:
    if not any(ch in pattern for ch in "*?["):
        return pattern.__eq__
    return re.compile(translate(pattern)).match  # type: ignore[return-value]


def _filters(signal: Signal) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((name, tuple(attribute_value(v) for v in values)) for name, values in signal.where)
