"""Conformance: the map read as a model of the journey and held against the event log.

The model: the stages in the map's order, plus the returns each stage declares (`returns:`,
the earlier stages a customer may go back to from it). A transition is the pair of a user's
consecutive mapped events (by time, ties by map order, as the back-steps); it fits when the
second event's stage is the same stage, a later one, or a declared return of the first's.

- fitness_transitions: fitting transitions / all transitions.
- fitness_users: entrants whose transitions all fit / all entrants.
- variants: the stage sequences (in time order, repeats collapsed) of users who do not fit.
- back-steps: touchpoint-to-touchpoint transitions that do not fit.

Variants and back-steps are ranked by excess users, not by volume: with --every and/or --by
each user belongs to one cell (the period of their first mapped event, the segment value of
it). A path's baseline in a cell is its share among the entrants of every other cell; its
excess there is the users it has beyond baseline × the cell's entrants. The largest excess
of any cell ranks it, so a return that appears in one month or on one platform comes first
even when browsing loops elsewhere are far larger. With one cell there is no baseline, and
paths rank by users. tests/measure/conformance_reference.py computes all of it in plain Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from journeymap.measure.engine import Engine
from journeymap.measures import (
    CellShare,
    Conformance,
    Deviation,
    PeriodShare,
    SegmentShare,
    SkippedTouchpoint,
    StageMeasure,
    TouchpointMeasure,
)
from journeymap.model import Journey

# how many variants and back-steps a snapshot lists
LIST_LIMIT = 10
# variants scored in SQL before the exact ranking in Python: enough that float rounding
# between engines can only change which paths sit near this bound, never the ones listed
CANDIDATES = 200
SEPARATOR = ">"

Cell = tuple[int, str | None]  # (period index, segment value)
Counts = dict[Cell, tuple[int, int]]  # cell -> (users, transitions)


@dataclass(frozen=True)
class Periods:
    """How --every cuts time: period p starts at p × size + offset seconds since 1970."""

    size: float
    offset: float

    def start(self, index: int) -> str:
        return datetime.datetime.fromtimestamp(index * self.size + self.offset, datetime.UTC).date().isoformat()


def measure_conformance(
    e: Engine,
    journey: Journey,
    entrants: int,
    events: int,
    periods: Periods | None,
    by: bool,
    stages: list[StageMeasure],
    touchpoints: list[TouchpointMeasure],
) -> Conformance:
    """Fitness, variants and back-steps over the run's tables `users` (u, seg, t: each entrant's
    first event; read when grouped by period or segment) and `changes` (u, t, tp, st, pa, a,
    ok: a user's first mapped event and every one in another stage than the event before, with
    that event's touchpoint and stage, and whether the step fits, as `fits` says; NULL on the
    first event): `entrants` users with `events` mapped events. Events
    that stay in their stage are left out of `changes`: they always fit, and on a browsing log
    they are most of the rows."""
    declared = returns(journey)
    # every user's events but the first end a transition; the ones `changes` leaves out stay, and fit
    transitions = events - entrants
    (off_transitions,) = e.rows("SELECT count(*) FROM changes WHERE ok = 0")[0]
    fitting_transitions = transitions - int(off_transitions)
    e.table("cf_off", "SELECT DISTINCT u FROM changes WHERE ok = 0")
    (off,) = e.rows("SELECT count(*) FROM cf_off")[0]
    grouped = periods is not None or by
    cells: dict[Cell, int] = _cells(e, periods) if grouped else {(0, None): entrants}
    ranked = len(cells) >= 2
    ids = [s.id for s in journey.stages]
    tp_ids = [t.id for t in journey.touchpoints()]
    variant_counts = _variant_counts(e, grouped, ranked, cells, entrants)
    back_counts = _back_step_counts(e, grouped)
    return Conformance(
        fitness_users=_share(entrants - int(off), entrants),
        fitness_transitions=_share(fitting_transitions, transitions),
        fitting_users=entrants - int(off),
        entrants=entrants,
        fitting_transitions=fitting_transitions,
        transitions=transitions,
        returns=[[ids[a], ids[b]] for a, b in declared],
        variants=ranked_paths(
            {tuple(ids[int(x)] for x in key.split(SEPARATOR)): c for key, c in variant_counts.items()},
            cells, periods, by, with_transitions=False),
        back_steps=ranked_paths(
            {(tp_ids[a], tp_ids[b]): c for (a, b), c in back_counts.items()}, cells, periods, by,
            with_transitions=True),
        skipped=skipped_touchpoints(journey, stages, touchpoints),
    )


def returns(journey: Journey) -> list[tuple[int, int]]:
    """The declared returns as (from stage, to stage) indexes; a return validate would refuse
    (unknown, or not earlier) declares nothing here."""
    index = {s.id: i for i, s in enumerate(journey.stages)}
    return [(index[s.id], index[r]) for s in journey.stages for r in s.returns
            if index.get(r, len(index)) < index[s.id]]


def fits_sql(journey: Journey) -> str:
    """SQL: whether the step from stage `a` (of the event before) to stage `st` fits the model:
    the same or a later stage, or a declared return (a few pairs of our own numbers)."""
    declared = " OR ".join(f"(a = {a} AND st = {b})" for a, b in returns(journey))
    return f"(st >= a OR {declared})" if declared else "st >= a"


def _cells(e: Engine, periods: Periods | None) -> dict[Cell, int]:
    """cf_users: each entrant's cell (p, seg) and its entrants e; returns cell -> entrants. The
    segment of a user is the value on their first event, as in the funnel by segment, and the
    period the one of that event (the run's table `users`: u, seg, t)."""
    p = f"CAST(floor((t - {periods.offset!r}) / {periods.size!r}) AS BIGINT)" if periods else "CAST(0 AS BIGINT)"
    e.table("cf_users", f"""
        SELECT u, seg, p, count(*) OVER (PARTITION BY p, seg) AS e FROM (SELECT u, seg, {p} AS p FROM users) x
    """)
    return {(int(r[0]), None if r[1] is None else str(r[1])): int(r[2])
            for r in e.rows("SELECT p, seg, count(*) FROM cf_users GROUP BY p, seg")}


def _variant_counts(e: Engine, grouped: bool, ranked: bool, cells: dict[Cell, int], entrants: int) -> dict[str, Counts]:
    """Stage-index sequence ('0>1>0>2') -> cell -> (users, 0), for the candidates to list."""
    e.table("cf_var", f"""
        SELECT s.u, {e.ordered_join('s.st', ['s.t', 's.tp'], SEPARATOR)} AS v
        FROM changes s JOIN cf_off o ON o.u = s.u
        GROUP BY s.u
    """)
    if not grouped:
        rows = e.rows(f"SELECT v, count(*) AS n FROM cf_var GROUP BY v ORDER BY n DESC, v LIMIT {LIST_LIMIT}")
        return {str(r[0]): {(0, None): (int(r[1]), 0)} for r in rows}
    e.table("cf_vc", """
        SELECT v.v, c.p, c.seg, c.e, count(*) AS n FROM cf_var v JOIN cf_users c ON c.u = v.u
        GROUP BY v.v, c.p, c.seg, c.e
    """)
    if ranked:
        # the excess formula of ranked_paths, in SQL, only to choose which paths to fetch
        score = f"max(n - CAST(total - n AS DOUBLE) * e / ({entrants} - e))"
        e.table("cf_cand", f"""
            SELECT v FROM (SELECT v, n, e, sum(n) OVER (PARTITION BY v) AS total FROM cf_vc) x
            GROUP BY v ORDER BY {score} DESC, max(total) DESC, v LIMIT {CANDIDATES}
        """)
    else:
        e.table("cf_cand", f"SELECT v FROM cf_vc GROUP BY v ORDER BY sum(n) DESC, v LIMIT {CANDIDATES}")
    out: dict[str, Counts] = defaultdict(dict)
    for v, p, seg, n in e.rows("SELECT x.v, x.p, x.seg, x.n FROM cf_vc x JOIN cf_cand k ON k.v = x.v"):
        out[str(v)][(int(p), None if seg is None else str(seg))] = (int(n), 0)
    return out


def _back_step_counts(e: Engine, grouped: bool) -> dict[tuple[int, int], Counts]:
    """(from touchpoint, to touchpoint) -> cell -> (users, transitions), for every step that does not fit."""
    e.table("cf_bs", "SELECT u, pa, tp AS pb, count(*) AS n FROM changes WHERE ok = 0 GROUP BY u, pa, tp")
    out: dict[tuple[int, int], Counts] = defaultdict(dict)
    if grouped:
        rows = e.rows("""
            SELECT b.pa, b.pb, c.p, c.seg, count(*), sum(b.n) FROM cf_bs b JOIN cf_users c ON c.u = b.u
            GROUP BY b.pa, b.pb, c.p, c.seg
        """)
        for pa, pb, p, seg, users, n in rows:
            out[(int(pa), int(pb))][(int(p), None if seg is None else str(seg))] = (int(users), int(n))
    else:
        for pa, pb, users, n in e.rows("SELECT pa, pb, count(*), sum(n) FROM cf_bs GROUP BY pa, pb"):
            out[(int(pa), int(pb))][(0, None)] = (int(users), int(n))
    return out


# --- assembly (plain Python over counts: both engines end here) ------------------------
def ranked_paths(
    counts: dict[tuple[str, ...], Counts],
    cells: dict[Cell, int],
    periods: Periods | None,
    by: bool,
    with_transitions: bool,
) -> list[Deviation]:
    """The paths as deviations, most unexpected first (by excess users when there are two cells
    or more, else by users), LIST_LIMIT of them."""
    entrants = sum(cells.values())
    out = [_deviation(list(path), mine, cells, entrants, periods, by, with_transitions)
           for path, mine in counts.items()]
    out.sort(key=lambda d: (-(d.excess_users or 0.0), -d.users, SEPARATOR.join(d.path)))
    return out[:LIST_LIMIT]


def _deviation(path: list[str], mine: Counts, cells: dict[Cell, int], entrants: int, periods: Periods | None,
               by: bool, with_transitions: bool) -> Deviation:
    users = sum(n for n, _ in mine.values())
    peak = _peak(mine, cells, entrants, users, periods, by) if len(cells) >= 2 else None
    return Deviation(
        path=path,
        users=users,
        share=_share(users, entrants),
        transitions=sum(n for _, n in mine.values()) if with_transitions else None,
        excess_users=None if peak is None else peak.excess_users,
        peak=peak,
        periods=_by_period(mine, cells, periods) if periods else [],
        segments=_by_segment(mine, cells) if by else [],
    )


def _peak(mine: Counts, cells: dict[Cell, int], entrants: int, users: int, periods: Periods | None,
          by: bool) -> CellShare:
    best: CellShare | None = None
    for cell in sorted(cells, key=_cell_order):
        cell_entrants = cells[cell]
        n = mine.get(cell, (0, 0))[0]
        baseline = (users - n) / (entrants - cell_entrants)
        excess = round(n - baseline * cell_entrants, 6)
        if best is None or excess > best.excess_users:
            best = CellShare(periods.start(cell[0]) if periods else None, cell[1] if by else None, n, cell_entrants,
                             _share(n, cell_entrants), round(baseline, 6), excess)
    assert best is not None
    return best


def _by_period(mine: Counts, cells: dict[Cell, int], periods: Periods) -> list[PeriodShare]:
    users: dict[int, int] = defaultdict(int)
    entrants: dict[int, int] = defaultdict(int)
    for (p, seg), e in cells.items():
        entrants[p] += e
        users[p] += mine.get((p, seg), (0, 0))[0]
    out: list[PeriodShare] = []
    for p in sorted(entrants):
        share = _share(users[p], entrants[p])
        before = out[-1].share if out else None
        change = None if share is None or before is None else round(share - before, 6)
        out.append(PeriodShare(periods.start(p), users[p], entrants[p], share, change))
    return out


def _by_segment(mine: Counts, cells: dict[Cell, int]) -> list[SegmentShare]:
    users: dict[str | None, int] = defaultdict(int)
    entrants: dict[str | None, int] = defaultdict(int)
    for (p, seg), e in cells.items():
        entrants[seg] += e
        users[seg] += mine.get((p, seg), (0, 0))[0]
    # the order of the segments section: most entrants first, no value last
    order = sorted(entrants, key=lambda v: (-entrants[v], v is None, str(v)))
    return [SegmentShare(v, users[v], entrants[v], _share(users[v], entrants[v])) for v in order]


def _cell_order(cell: Cell) -> tuple[int, bool, str]:
    return cell[0], cell[1] is None, str(cell[1])


def skipped_touchpoints(journey: Journey, stages: Sequence[StageMeasure],
                        touchpoints: Sequence[TouchpointMeasure]) -> list[SkippedTouchpoint]:
    """Touchpoints not marked `optional` that users of their stage pass by, most skipped first.
    Only touchpoints with signals: one without can never be seen."""
    entered = {m.id: m.entered for m in stages}
    users = {m.id: m.users for m in touchpoints}
    out = []
    for t in journey.touchpoints():
        if t.optional or not t.signals or not entered.get(t.stage_id):
            continue
        skipped = entered[t.stage_id] - users.get(t.id, 0)
        if skipped > 0:
            out.append(SkippedTouchpoint(t.id, t.stage_id, skipped, _share(skipped, entered[t.stage_id])))
    out.sort(key=lambda s: (-(s.share or 0.0), s.touchpoint))
    return out[:LIST_LIMIT]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None
