"""Conformance computed again the straightforward way: each user's mapped events walked in
plain Python. measure/conformance.py (SQL on DuckDB and Spark) must give the same numbers;
this file is what its definitions mean."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from tests.measure.reference import Reference

Cell = tuple[int, str | None]


@dataclass
class Path:
    path: tuple[str, ...]
    cells: dict[Cell, int]  # users in each (period, segment)
    transitions: int

    @property
    def users(self) -> int:
        return sum(self.cells.values())


@dataclass
class Expected:
    fitness_users: float | None
    fitness_transitions: float | None
    entrants: int
    transitions: int
    cells: dict[Cell, int]  # entrants of each (period, segment)
    variants: dict[tuple[str, ...], Path]
    back_steps: dict[tuple[str, ...], Path]

    def excess(self, p: Path) -> float | None:
        """The largest number of users beyond the rest of the log's share, over the cells."""
        if len(self.cells) < 2:
            return None
        total = sum(self.cells.values())
        return max(round(p.cells.get(c, 0) - (p.users - p.cells.get(c, 0)) / (total - e) * e, 6)
                   for c, e in self.cells.items())

    def ranked(self, paths: dict[tuple[str, ...], Path]) -> list[tuple[str, ...]]:
        return [p.path for p in sorted(paths.values(),
                                       key=lambda p: (-(self.excess(p) or 0.0), -p.users, ">".join(p.path)))]


def conformance(ref: Reference, every: tuple[float, float] | None = None, by: str | None = None) -> Expected:
    """`every`: (period size, offset) in seconds; `by`: the attribute that segments users."""
    journey = ref.journey
    order = {s.id: i for i, s in enumerate(journey.stages)}
    returns = {(order[s.id], order[r]) for s in journey.stages for r in s.returns if order.get(r, 99) < order[s.id]}
    stage_ids = [s.id for s in journey.stages]
    tp_ids = [t.id for t in ref.tps]
    segment_of = {u: value for value, users in ref.segments(by).items() for u in users} if by else {}

    def fits(a: int, b: int) -> bool:
        return b >= a or (a, b) in returns

    cells: dict[Cell, int] = defaultdict(int)
    variants: dict[tuple[str, ...], Path] = {}
    back: dict[tuple[str, ...], Path] = {}
    fitting_users = transitions = fitting = 0
    for user, evs in ref.by_user.items():
        period = math.floor((evs[0].t - every[1]) / every[0]) if every else 0
        cell = (period, segment_of.get(user) if by else None)
        cells[cell] += 1
        bad = [(a, b) for a, b in pairwise(evs) if not fits(ref.st(a), ref.st(b))]
        transitions += len(evs) - 1
        fitting += len(evs) - 1 - len(bad)
        if not bad:
            fitting_users += 1
            continue
        stages = [ref.st(evs[0])]
        for e in evs[1:]:
            if ref.st(e) != stages[-1]:
                stages.append(ref.st(e))
        key = tuple(stage_ids[k] for k in stages)
        found = variants.setdefault(key, Path(key, defaultdict(int), 0))
        found.cells[cell] += 1
        for step in {(tp_ids[a.tp], tp_ids[b.tp]) for a, b in bad}:
            mine = back.setdefault(step, Path(step, defaultdict(int), 0))
            mine.cells[cell] += 1
        for a, b in bad:
            back[(tp_ids[a.tp], tp_ids[b.tp])].transitions += 1
    entrants = len(ref.by_user)
    return Expected(
        round(fitting_users / entrants, 6) if entrants else None,
        round(fitting / transitions, 6) if transitions else None,
        entrants, transitions, dict(cells), variants, back,
    )
