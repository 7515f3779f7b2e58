"""The funnel computed again the straightforward way: each user's events sorted and walked in
plain Python. measure/funnels.py (SQL on every engine) must give the same numbers; this file is
what its definitions mean.

A user's stream: all their events ordered by time; at one moment, events no touchpoint claims
first (by name), then mapped ones in map order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from journeymap.measure.funnels import CONVERT_BOUNDS, TOP_EVENTS
from tests.measure.reference import Event, Reference, quantile


@dataclass
class Step:
    users: int = 0
    dropped: int | None = None
    gaps: list[float] = field(default_factory=list)
    before: dict[tuple[str, str] | None, int] = field(default_factory=lambda: defaultdict(int))
    after: dict[tuple[str, str] | None, int] = field(default_factory=lambda: defaultdict(int))

    def quantiles(self) -> tuple[float | None, float | None, float | None]:
        return quantile(self.gaps, 0.5), quantile(self.gaps, 0.75), quantile(self.gaps, 0.95)

    def histogram(self) -> list[int]:
        lows = (0.0, *CONVERT_BOUNDS)
        out = [sum(1 for g in self.gaps if low <= g < high) for low, high in zip(lows, CONVERT_BOUNDS, strict=False)]
        return [*out, sum(1 for g in self.gaps if g >= CONVERT_BOUNDS[-1])]


def top(counts: dict[tuple[str, str] | None, int], order: dict[str, int]) -> tuple[list[tuple[str, str, int]], int]:
    """(kind, name, users) of the TOP_EVENTS largest, touchpoints in map order then names at a tie; and 'none'."""
    named = [(k, n) for k, n in counts.items() if k is not None]
    named.sort(key=lambda item: (-item[1], item[0][0] != "touchpoint",
                                 order.get(item[0][1], 0) if item[0][0] == "touchpoint" else 0, item[0][1]))
    return [(k[0], k[1], n) for k, n in named[:TOP_EVENTS]], counts.get(None, 0)


def stream_key(e: Event) -> tuple[float, int, int, str]:
    return (e.t, 1 if e.tp >= 0 else 0, e.tp, e.name if e.tp < 0 else "")


def funnel(ref: Reference, window: float | None = None, order: str = "eventual",
           exclusions: tuple[str, ...] = (), optional: tuple[bool, ...] | None = None) -> list[Step]:
    n = len(ref.journey.stages)
    flags = optional or tuple(i > 0 and s.optional for i, s in enumerate(ref.journey.stages))
    ids = [t.id for t in ref.tps]
    steps = [Step() for _ in range(n)]
    everyone: dict[str, list[Event]] = defaultdict(list)
    for e in ref.all:
        everyone[e.user].append(e)
    for user, mapped in ref.by_user.items():
        stream = sorted(everyone[user], key=stream_key)
        excluded = [e.t for e in stream if e.tp < 0 and any(fnmatchcase(e.name, p) for p in exclusions)]
        at = next((i for i, e in enumerate(mapped) if ref.st(e) == 0), None)
        if at is None:
            continue
        t0, k = mapped[at].t, 0
        path = [(0, mapped[at])]
        while k < n - 1:
            last = next((i for i in range(k + 1, n) if not flags[i]), n - 1)
            later = mapped[at + 1:]
            if order == "strict":
                found = next(((i, e) for i, e in enumerate(later) if ref.st(e) != k), None)
                if found is not None and not k < ref.st(found[1]) <= last:
                    found = None
            else:
                found = next(((i, e) for i, e in enumerate(later) if k < ref.st(e) <= last), None)
            if found is None or (window is not None and found[1].t > t0 + window):
                break
            reached = found[1]
            if any(path[-1][1].t <= x < reached.t for x in excluded):
                break
            at, k = at + 1 + found[0], ref.st(reached)
            path.append((k, reached))
        for index, (stage, e) in enumerate(path):
            steps[stage].users += 1
            if index:
                steps[stage].gaps.append(e.t - path[index - 1][1].t)
            position = next(i for i, x in enumerate(stream) if x is e)
            before = stream[position - 1] if position else None
            steps[stage].before[_label(before, ids)] += 1
        stage, e = path[-1]
        if stage < n - 1:
            position = next(i for i, x in enumerate(stream) if x is e)
            after = next((x for x in stream[position + 1:] if x.tp < 0 or ref.st(x) != stage), None)
            steps[stage].after[_label(after, ids)] += 1
    for index, step in enumerate(steps):
        step.dropped = None if index == n - 1 else sum(step.after.values())
    return steps


def _label(e: Event | None, ids: list[str]) -> tuple[str, str] | None:
    if e is None:
        return None
    return ("touchpoint", ids[e.tp]) if e.tp >= 0 else ("event", e.name)
