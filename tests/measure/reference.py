"""The measures computed again, the straightforward way: plain Python over the rows.

No SQL, no engine: a user's events sorted and walked. The engine's numbers must equal these
(tests/measure/test_compute.py), so this says what each definition in measure/compute.py means.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from fnmatch import fnmatchcase
from itertools import pairwise

from journeymap.measure.classify import attribute_value
from journeymap.model import Journey

WEEK_OFFSET = 4 * 86400.0


@dataclass
class Event:
    user: str
    t: float
    tp: int  # -1: no touchpoint claims it
    name: str
    attrs: dict[str, str]


def seconds(text: str) -> float:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (DuckDB quantile_cont, Spark percentile)."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def classify(journey: Journey, name: str, attrs: dict[str, str]) -> int:
    for index, t in enumerate(journey.touchpoints()):
        for s in t.signals:
            if fnmatchcase(name, s.event) and all(
                attrs.get(a) in {attribute_value(v) for v in values} for a, values in s.where
            ):
                return index
    return -1


def events_of(journey: Journey, rows: list[dict[str, str]], user: str, event: str, time: str) -> list[Event]:
    return [Event(r[user], seconds(r[time]), classify(journey, r[event], r), r[event], r) for r in rows]


class Reference:
    def __init__(self, journey: Journey, events: list[Event], window: float | None = None) -> None:
        self.journey = journey
        self.tps = list(journey.touchpoints())
        stage_index = {s.id: i for i, s in enumerate(journey.stages)}
        self.stage_of = [stage_index[t.stage_id] for t in self.tps]
        self.all = events
        self.mapped = [e for e in events if e.tp >= 0]
        self.window = window
        self.by_user: dict[str, list[Event]] = defaultdict(list)
        for e in self.mapped:
            self.by_user[e.user].append(e)
        for evs in self.by_user.values():
            evs.sort(key=lambda e: (e.t, e.tp))

    def st(self, e: Event) -> int:
        return self.stage_of[e.tp]

    @property
    def entrants(self) -> int:
        return len(self.by_user)

    def touchpoint(self, index: int) -> tuple[int, int]:
        """(users, events)"""
        mine = [e for e in self.mapped if e.tp == index]
        return len({e.user for e in mine}), len(mine)

    def unmapped(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        names = {e.name for e in self.all if e.tp < 0}
        for name in names:
            mine = [e for e in self.all if e.tp < 0 and e.name == name]
            out[name] = (len(mine), len({e.user for e in mine}))
        return out

    def moves(self) -> list[tuple[str, int, float, float | None]]:
        """(user, stage, entered at, first event in a later stage at or after it, or None)"""
        out = []
        for user, evs in self.by_user.items():
            firsts: dict[int, float] = {}
            for e in evs:
                firsts.setdefault(self.st(e), e.t)
            for k, f in firsts.items():
                later = [e.t for e in evs if self.st(e) > k and e.t >= f]
                out.append((user, k, f, min(later) if later else None))
        return out

    def stages(self, users: set[str] | None = None) -> list[tuple[int, int, float | None, float | None]]:
        """per stage: (entered, moved on, median, p90 seconds to next)"""
        moves = [m for m in self.moves() if users is None or m[0] in users]
        out = []
        for k in range(len(self.journey.stages)):
            mine = [m for m in moves if m[1] == k]
            gaps = [m[3] - m[2] for m in mine if m[3] is not None]
            out.append((len(mine), len(gaps), quantile(gaps, 0.5), quantile(gaps, 0.9)))
        return out

    def funnel(self, users: set[str] | None = None) -> list[int]:
        counts = [0] * len(self.journey.stages)
        for user, evs in self.by_user.items():
            if users is not None and user not in users:
                continue
            start = next((e.t for e in evs if self.st(e) == 0), None)
            if start is None:
                continue
            at = start
            counts[0] += 1
            for k in range(1, len(counts)):
                nxt = [e.t for e in evs if self.st(e) == k and e.t >= at
                       and (self.window is None or e.t <= start + self.window)]
                if not nxt:
                    break
                at = min(nxt)
                counts[k] += 1
        return counts

    def back_steps(self) -> tuple[dict[tuple[int, int], tuple[int, int]], int]:
        counts: dict[tuple[int, int], list[int]] = defaultdict(list)
        users: dict[tuple[int, int], set[str]] = defaultdict(set)
        transitions = 0
        for user, evs in self.by_user.items():
            for a, b in pairwise(evs):
                if a.tp == b.tp:
                    continue
                transitions += 1
                if a.tp > b.tp:
                    counts[(a.tp, b.tp)].append(1)
                    users[(a.tp, b.tp)].add(user)
        return {k: (len(v), len(users[k])) for k, v in counts.items()}, transitions

    def _first_at(self, evs: list[Event], step: str) -> list[Event]:
        ids = [t.id for t in self.tps]
        if step in ids:
            return [e for e in evs if e.tp == ids.index(step)]
        k = [s.id for s in self.journey.stages].index(step)
        return [e for e in evs if self.st(e) == k]

    def reach(self, step: str) -> float | None:
        users = sum(1 for evs in self.by_user.values() if self._first_at(evs, step))
        return round(users / self.entrants, 6) if self.entrants else None

    def conversion(self, source: str, target: str, within: float | None) -> float | None:
        started = converted = 0
        for evs in self.by_user.values():
            xs = self._first_at(evs, source)
            if not xs:
                continue
            started += 1
            f = min(e.t for e in xs)
            if any(e.t >= f and (within is None or e.t <= f + within) for e in self._first_at(evs, target)):
                converted += 1
        return round(converted / started, 6) if started else None

    def median_time(self, source: str, target: str) -> float | None:
        gaps = []
        for evs in self.by_user.values():
            xs = self._first_at(evs, source)
            if not xs:
                continue
            f = min(e.t for e in xs)
            ys = [e.t for e in self._first_at(evs, target) if e.t >= f]
            if ys:
                gaps.append(min(ys) - f)
        q = quantile(gaps, 0.5)
        return None if q is None else round(q, 6)

    def periods(self, stage: int, size: float, offset: float) -> list[tuple[int, int, int]]:
        per: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for _, k, f, nx in self.moves():
            if k != stage:
                continue
            p = math.floor((f - offset) / size)
            per[p][0] += 1
            per[p][1] += nx is not None
        return [(p, v[0], v[1]) for p, v in sorted(per.items())]

    def log_end(self) -> float:
        """The last event's time (mapped or not): the end of what the log can show."""
        return max(e.t for e in self.all)

    def segments(self, attribute: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for user, evs in self.by_user.items():
            first = min(evs, key=lambda e: (e.t, e.attrs.get(attribute) or "\uffff"))
            out[first.attrs.get(attribute)].add(user)  # type: ignore[index]
        return out
