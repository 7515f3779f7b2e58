"""The funnel over the map's stages, as analysts know it: its order, window, exclusion events and
optional stages; the time users take to convert; what users did before each step and after
leaving. docs/measure.md ("Funnel") says it for users; tests/measure/funnel_reference.py
computes it again in plain Python.

A user's funnel is one walk through their mapped events in time order (ties in map order):

- It starts at their first event in the first stage (step 1); the window, when set, runs from
  that moment (the anchor is the first step, as in PostHog), and only events up to its end count.
- From a step, the steps a user may reach next are the next stage and, when that stage is
  optional, the one after it, and so on across optional stages up to the next stage that is not
  optional. `eventual` (default): the user reaches the first event, at or after their step, of any
  of those stages. `strict`: the first event after the step in another stage than the step's must
  be one of those stages; events of the step's own stage in between are allowed (a user may look
  at several touchpoints of a stage), anything else ends the user's funnel at the step.
- Exclusion events: events no touchpoint claims whose name matches one of the patterns. A user
  with one at or after reaching a step and before reaching the next leaves the funnel at that step.
- A user who reaches no further step *drops* at their last step (the last step has no drop).

Time to convert into a step runs from the step the user reached before it (the previous stage,
or an earlier one when optional stages were skipped). A user's events are in time order; at one
moment, events no touchpoint claims come first (by name), then mapped ones (in map order). Next
events: for the users who dropped at a step, their first event after the one that reached it
that is not of that step's stage. Before events: for the users who reached a step, the event
just before the one that reached it.

Every query is a join on the user and a group-by (no window over the raw log), so DuckDB, Spark
and PostgreSQL run the same statements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from journeymap.measure.engine import TEXT_COLUMN, Engine
from journeymap.measures import ConvertBucket, EventShare, FunnelStep
from journeymap.model import Journey

# time to convert, the histogram's buckets: each holds times below its bound (seconds) and at or
# above the one before; the last has no bound. A log scale: funnels span seconds to weeks.
CONVERT_BOUNDS = (60.0, 600.0, 3600.0, 6 * 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0, 14 * 86400.0, 30 * 86400.0)
# how many events the next and before lists hold
TOP_EVENTS = 5


@dataclass(frozen=True)
class Settings:
    """How the funnel is walked (from the spec and the map)."""

    optional: tuple[bool, ...]  # per stage, in map order (the first is never optional)
    window: float | None = None  # seconds from the first step
    order: str = "eventual"
    exclusions: tuple[str, ...] = ()
    step_events: bool = False  # the events before each step and after leaving (they cost a pass of their own)


@dataclass
class Funnel:
    tables: list[str]  # per stage: the users who reached it as a step (u, t0, tk, tp: the step before)
    steps: list[FunnelStep]
    unmatched_exclusions: list[str]


def settings_of(journey: Journey, window: float | None, order: str, exclusions: tuple[str, ...],
                step_events: bool = False) -> Settings:
    # the first stage is where the funnel starts: validate refuses it optional, and it is never skipped
    optional = tuple(index > 0 and s.optional for index, s in enumerate(journey.stages))
    return Settings(optional, window, order, exclusions, step_events)


def measure_funnel(e: Engine, journey: Journey, settings: Settings) -> Funnel:
    """The funnel over tables ev0 (every event), ids and firsts of the run and the run's `changes`
    (compute.py, changes_table: each user's first mapped event and every one in another stage than
    the mapped event before it, with that event's touchpoint pa, and its time pt when step events
    are asked for).

    The walk reads `changes`, not every mapped event: a step is always reached at such an event (an
    event of the step's stage after the step before and earlier than the one reached would have
    been reached instead), and so is the first event after a step in another stage. `changes` is a
    fraction of the log, and it hands each step the mapped event before it."""
    n = len(journey.stages)
    if n == 0:
        return Funnel([], [], [])
    unmatched = _exclusion_table(e, settings.exclusions)
    tables = _walk(e, n, settings, excluding=bool(settings.exclusions) and len(unmatched) < len(settings.exclusions))
    counts = [int(e.rows(f"SELECT count(*) FROM {t}")[0][0]) for t in tables]
    moved = [int(e.rows(f"SELECT count(*) FROM fn_next{k}")[0][0]) for k in range(n - 1)]
    dropped: list[int | None] = [c - m for c, m in zip(counts, moved, strict=False)] + [None]
    times = _convert_times(e, tables)
    ids = [s.id for s in journey.stages]
    steps = funnel_steps(ids, counts, settings.optional)
    for index, step in enumerate(steps):
        step.dropped = dropped[index]
        step.median_seconds, step.p75_seconds, step.p95_seconds, step.histogram = times.get(index, (None, None,
                                                                                                     None, []))
    found = Funnel(tables, steps, unmatched)
    if settings.step_events and counts[0]:
        _events_around(e, found, [t.id for t in journey.touchpoints()])
    return found


def funnel_steps(ids: list[str], counts: list[int], optional: tuple[bool, ...] | None = None) -> list[FunnelStep]:
    """Steps with their conversion: `of_previous` over the previous step that is not optional
    (the steps users must take never increase, so it stays at or below 1), `of_first` over step 1."""
    flags = optional or tuple(False for _ in ids)
    first = counts[0] if counts else 0
    out: list[FunnelStep] = []
    required: int | None = None  # users of the last step that is not optional
    for index, (stage_id, users) in enumerate(zip(ids, counts, strict=True)):
        out.append(FunnelStep(stage_id, users, _share(users, required) if index else None, _share(users, first),
                              optional=flags[index]))
        if not flags[index]:
            required = users
    return out


def funnel_definitions(window: float | None, order: str, exclusions: tuple[str, ...]) -> dict[str, str]:
    """What the funnel's numbers mean in this run, in words (the snapshot's `definitions`)."""
    if order == "strict":
        walked = ("strict: after a step, the user's next event in another stage must be the next step's (events "
                  "of the step's own stage in between are allowed; any other ends their funnel)")
    else:
        walked = "eventual: a user reaches the next step at their first event in it at or after the step before"
    return {
        "funnel": "ordered, one walk a user through their mapped events by time (ties in map order): step 1 is "
                  "the users who entered the first stage; " + walked + "; an optional stage may be skipped "
                  "(users who go straight to the stage after it are not dropped); of previous = over the "
                  "previous step that is not optional; of first = over step 1",
        "window": (f"a user's funnel must be walked within {window:g} seconds of entering the first stage (the "
                   "anchor is the first step: later steps count only within it)" if window is not None
                   else "none: the funnel has no time limit"),
        "order": walked,
        "exclusions": ("events no touchpoint claims whose name matches " + ", ".join(exclusions) + ": a user "
                       "with one at or after reaching a step and before the next leaves the funnel at that step"
                       if exclusions else "none"),
        "funnel_dropped": "users whose last step this is: they reached it and no later step",
        "time_to_convert": "from reaching the step before (the previous stage, or an earlier one when optional "
                           "stages were skipped) to reaching this one, among the users who did: median, 75th "
                           "and 95th percentiles (interpolated), and a histogram",
        "next_events": f"for the users who dropped at a step: their first event after the one that reached it that "
                       f"is not of the step's stage, mapped (a touchpoint) or not (an event name), to the end of the "
                       f"log; the {TOP_EVENTS} most frequent, with their share of the dropped users, and how many "
                       "did nothing more",
        "before_events": f"for the users who reached a step: the event just before the one that reached it; the "
                         f"{TOP_EVENTS} most frequent, with their share of the step's users, and how many had "
                         "nothing before. A user's events are in time order; at one moment, events no touchpoint "
                         "claims first (by name), then mapped ones in map order",
    }


# --- walking ---------------------------------------------------------------------------------
def _exclusion_table(e: Engine, patterns: tuple[str, ...]) -> list[str]:
    """fn_x (u, t): every exclusion event of an entrant. Patterns are matched in Python against
    the distinct names of unmapped events, as signals are (measure/classify.py); returns the
    patterns that match none."""
    if not patterns:
        return []
    names = [str(r[0]) for r in e.rows("SELECT DISTINCT un FROM ev0 WHERE un IS NOT NULL")]
    matched = sorted({name for name in names if any(fnmatchcase(name, p) for p in patterns)})
    e.register("fn_xnames", [("name", TEXT_COLUMN)], [(name,) for name in matched])
    e.table("fn_x", "SELECT i.id AS u, x.t FROM ev0 x JOIN fn_xnames n ON n.name = x.un JOIN ids i ON i.name = x.u")
    return [p for p in patterns if not any(fnmatchcase(name, p) for name in names)]


def _walk(e: Engine, n: int, settings: Settings, excluding: bool) -> list[str]:
    """fn_reach{k}: the users who reached stage k as a step, when (tk), from when (tp, the step
    before; NULL for step 1) and their first step's time (t0); fn_next{k}: the step each user of
    stage k reached next (s, tn).

    Most users never step back to an earlier stage (three in four on the bench's log), and their
    walk needs no join: it is read off their first time in each stage (`firsts`, see
    _monotone_steps). Only the others are walked through their stage changes (fn_wreach{k},
    fn_wnext{k}); on the 10-million-event log with strict order, a window and an exclusion
    that took the funnel from 1.4 s to a third of that."""
    within = f" AND s.t <= c.t0 + {settings.window!r}" if settings.window is not None else ""
    e.table("fn_wreach0", "SELECT u, f0 AS t0, f0 AS tk, CAST(NULL AS DOUBLE) AS tp FROM firsts "
                          "WHERE back = 1 AND f0 IS NOT NULL")
    for k in range(n):
        if k:
            # only the steps a user may come from: the last stage that is not optional before k, and after it
            start = max(j for j in range(k) if j == 0 or not settings.optional[j])
            e.view(f"fn_wreach{k}", " UNION ALL ".join(
                f"SELECT u, t0, tn AS tk, tk AS tp FROM fn_wnext{j} WHERE s = {k}" for j in range(start, k)))
        if k == n - 1:
            break
        found = f"fn_go{k}" if excluding else f"fn_wnext{k}"
        _next_step(e, k, _next_required(settings.optional, k), settings.order, within, found)
        if excluding:
            # an exclusion event between reaching the step and the next one takes the user out
            e.table(f"fn_wnext{k}", f"""
                SELECT c.u, c.t0, c.tk, c.s, c.tn FROM {found} c
                LEFT JOIN fn_x x ON x.u = c.u AND x.t >= c.tk AND x.t < c.tn
                GROUP BY c.u, c.t0, c.tk, c.s, c.tn HAVING count(x.t) = 0
            """)
    reach, step = _monotone_steps(e, n, settings, excluding)
    # views: each is a filter of fn_mono beside a small table, read a few times (counted, its
    # gaps sorted, split by segment); writing them cost more than reading them again (10 M
    # events: the 15 tables took 0.3 s; with fn_mono a view too, the whole run is 0.94x)
    for k in range(n):
        e.view(f"fn_reach{k}", f"SELECT u, t0, tk, tp FROM fn_wreach{k} UNION ALL {reach[k]}")
        if k < n - 1:
            e.view(f"fn_next{k}", f"SELECT u, t0, tk, s, tn FROM fn_wnext{k} UNION ALL {step[k]}")
    return [f"fn_reach{k}" for k in range(n)]


def _monotone_steps(e: Engine, n: int, settings: Settings, excluding: bool) -> tuple[list[str], list[str]]:
    """For the users who never step back (`firsts`.back = 0), per stage k: the SELECT of their
    rows of fn_reach{k} and of fn_next{k}, from table fn_mono (their first times f0, f1, ...
    and x, their first exclusion event at or after f0).

    Such a user's stages come in the map's order, so their first times never decrease, and at
    a step every later stage's events come after it (in time, ties in map order). In either
    order (eventual or strict) the step after stage k is then the first later stage they
    entered, if it may come next (up to the first stage after k that is not optional), at its
    first time. So the user reaches stage j as a step exactly when they entered it, entered
    every stage before it that is not optional, entered it within the window (f_j <= f0 +
    window: the first times never decrease, so the steps before are within it too), and had
    no exclusion event from f0 up to before f_j (x >= f_j); the step before j is the last
    stage before j they entered. tests/measure/test_funnels.py holds this to the reference
    walk in every mode."""
    exclusion = ""
    if excluding:
        exclusion = """LEFT JOIN (
            SELECT f.u, min(x.t) AS x FROM firsts f JOIN fn_x x ON x.u = f.u AND x.t >= f.f0
            WHERE f.back = 0 GROUP BY f.u
        ) x ON x.u = f.u"""
    # a view of `firsts` (read by every step's view), but a table when it joins the exclusions
    make = e.table if excluding else e.view
    make("fn_mono", f"SELECT f.*{', x.x' if excluding else ''} FROM firsts f {exclusion} "
                    "WHERE f.back = 0 AND f.f0 IS NOT NULL")

    def reached(j: int) -> str:
        conditions = [f"f{j} IS NOT NULL"] + [f"f{i} IS NOT NULL" for i in range(1, j) if not settings.optional[i]]
        if settings.window is not None:
            conditions.append(f"f{j} <= f0 + {settings.window!r}")
        if excluding:
            conditions.append(f"(x IS NULL OR f{j} <= x)")
        return " AND ".join(conditions)

    def before(k: int) -> str:  # the last stage before k they entered
        return f"coalesce({', '.join(f'f{i}' for i in range(k - 1, -1, -1))})" if k else "CAST(NULL AS DOUBLE)"

    reach = [f"SELECT u, f0 AS t0, f{k} AS tk, {before(k)} AS tp FROM fn_mono WHERE {reached(k)}" for k in range(n)]
    step = []
    for k in range(n - 1):
        step.append(" UNION ALL ".join(
            f"SELECT u, f0 AS t0, f{k} AS tk, {s} AS s, f{s} AS tn FROM fn_mono WHERE {reached(s)} AND f{k} IS NOT NULL"
            + "".join(f" AND f{i} IS NULL" for i in range(k + 1, s))
            for s in range(k + 1, _next_required(settings.optional, k) + 1)))
    return reach, step


def _next_required(optional: tuple[bool, ...], k: int) -> int:
    """The last stage a user at stage k may reach next: the first later one that is not optional
    (the last stage when every later one is)."""
    for index in range(k + 1, len(optional)):
        if not optional[index]:
            return index
    return len(optional) - 1


def _next_step(e: Engine, k: int, last: int, order: str, within: str, name: str) -> None:
    """Table `name` (u, t0, tk, s, tn): for each user at stage k, the step they reach next."""
    if order == "strict":
        # the first event after the step in another stage; at the step's own moment, only the
        # events that come after it in map order (a later stage)
        where = f"s.st <> {k} AND (s.t > c.tk OR (s.t = c.tk AND s.st > {k}))"
    else:
        where = f"s.st BETWEEN {k + 1} AND {last} AND s.t >= c.tk"
    # when one stage only may come next, each user has one candidate, and it is the step
    simple = order != "strict" and last == k + 1
    e.table(name if simple else f"fn_cand{k}", f"""
        SELECT c.u, c.t0, c.tk, s.st{' AS s' if simple else ''}, min(s.t) AS tn FROM fn_wreach{k} c
        JOIN changes s ON s.u = c.u AND {where}{within}
        GROUP BY c.u, c.t0, c.tk, s.st
    """)
    if simple:
        return
    # the earliest candidate; at one moment, the earlier stage (the first in map order)
    e.table(f"fn_first{k}", f"SELECT u, min(tn) AS tn FROM fn_cand{k} GROUP BY u")
    e.table(name, f"""
        SELECT u, t0, tk, s, tn FROM (
            SELECT c.u, c.t0, c.tk, min(c.st) AS s, c.tn FROM fn_cand{k} c
            JOIN fn_first{k} f ON f.u = c.u AND f.tn = c.tn
            GROUP BY c.u, c.t0, c.tk, c.tn
        ) x WHERE s BETWEEN {k + 1} AND {last}
    """)


# --- time to convert ---------------------------------------------------------------------------
Times = tuple[float | None, float | None, float | None, list[ConvertBucket]]


def _convert_times(e: Engine, tables: list[str]) -> dict[int, Times]:
    """Per step after the first: median, p75, p95 of the time from the step before, and the histogram.

    The percentiles are read off the gaps sorted by a window (which spills to disk), not taken by
    quantile aggregates: those hold every value of a group in memory, three times over, and on a
    100-million-event log the funnel's steps ran out of a 1 GB limit there. Interpolated as
    DuckDB's quantile_cont: between the values at ranks floor and ceil of (n - 1) × q."""
    if len(tables) < 2:
        return {}
    gaps = " UNION ALL ".join(f"SELECT {k} AS k, tk - tp AS gap FROM {t}" for k, t in enumerate(tables) if k)
    e.table("fn_gaps", f"SELECT k, gap, row_number() OVER (PARTITION BY k ORDER BY gap) - 1 AS r FROM ({gaps}) g")
    bounds = [f"sum(CASE WHEN gap < {b!r}{f' AND gap >= {a!r}' if a is not None else ''} THEN 1 ELSE 0 END)"
              for a, b in zip((None, *CONVERT_BOUNDS), CONVERT_BOUNDS, strict=False)]
    bounds.append(f"sum(CASE WHEN gap >= {CONVERT_BOUNDS[-1]!r} THEN 1 ELSE 0 END)")
    counts: dict[int, tuple[int, list[ConvertBucket]]] = {}
    for row in e.rows(f"SELECT k, count(*), {', '.join(bounds)} FROM fn_gaps GROUP BY k"):
        histogram = [ConvertBucket(bound, int(users or 0))
                     for bound, users in zip((*CONVERT_BOUNDS, None), row[2:], strict=True)]
        counts[int(row[0])] = (int(row[1]), histogram)
    ranks = {k: {r for q in _PERCENTILES for r in _ranks(n, q)} for k, (n, _) in counts.items()}
    wanted = " OR ".join(f"(k = {k} AND r IN ({', '.join(map(str, sorted(rs)))}))" for k, rs in ranks.items())
    value: dict[tuple[int, int], float] = {}
    if wanted:
        value = {(int(k), int(r)): float(gap) for k, r, gap in e.rows(f"SELECT k, r, gap FROM fn_gaps WHERE {wanted}")}
    out: dict[int, Times] = {}
    for k, (n, histogram) in counts.items():
        median, p75, p95 = (_interpolated(value, k, n, q) for q in _PERCENTILES)
        out[k] = (_round(median), _round(p75), _round(p95), histogram)
    return out


_PERCENTILES = (0.5, 0.75, 0.95)


def _ranks(n: int, q: float) -> tuple[int, int]:
    """The two ranks (from 0) a percentile lies between in n sorted values."""
    h = (n - 1) * q
    return math.floor(h), math.ceil(h)


def _interpolated(value: dict[tuple[int, int], float], k: int, n: int, q: float) -> float | None:
    if n == 0:
        return None
    low, high = _ranks(n, q)
    below, above = value[(k, low)], value[(k, high)]
    return below + ((n - 1) * q - low) * (above - below)


# --- before and next -----------------------------------------------------------------------------
def _events_around(e: Engine, funnel: Funnel, touchpoints: list[str]) -> None:
    """Each step's before events (users who reached it) and next events (users who dropped there),
    in the order of a user's events: by time; at one moment unmapped events (by name) before
    mapped ones (in map order). The mapped event before a step is on row in `changes`; the first
    mapped event after a step in another stage is the first row of `changes` after it. Unmapped events
    are read only between those mapped moments, so neither the log is joined again nor sorted."""
    tables, steps = funnel.tables, funnel.steps
    n = len(tables)
    e.table("fn_un", "SELECT i.id AS u, x.t, x.un FROM ev0 x JOIN ids i ON i.name = x.u WHERE x.un IS NOT NULL")
    # the mapped event before each step: the step event's row in `changes` holds it (pa, pt)
    steps_at = " UNION ALL ".join(f"SELECT u, {k} AS k, tk FROM {t}" for k, t in enumerate(tables))
    e.table("fn_at", f"""
        SELECT a.u, a.k, a.tk, s.pa AS bpa, s.pt AS bpt FROM ({steps_at}) a
        JOIN changes s ON s.u = a.u AND s.st = a.k AND s.t = a.tk
    """)
    # before: an unmapped event counts when it is at or after the mapped event before the step
    # (the mapped one wins at one moment) and at or before the step (where it comes first)
    e.table("fn_bu", """
        SELECT a.u, a.k, a.bpa, max(x.t) AS ut FROM fn_at a
        JOIN fn_un x ON x.u = a.u AND x.t <= a.tk AND (a.bpt IS NULL OR x.t > a.bpt)
        GROUP BY a.u, a.k, a.bpa
    """)
    # counted without joining the steps again: each step's mapped events before it, less the users
    # whose event before was unmapped, plus those unmapped events
    unmapped = e.rows("""
        SELECT k, bpa, un, count(*) FROM (
            SELECT b.k, b.bpa, max(x.un) AS un FROM fn_bu b JOIN fn_un x ON x.u = b.u AND x.t = b.ut
            GROUP BY b.u, b.k, b.bpa
        ) l GROUP BY k, bpa, un
    """)
    mapped: dict[tuple[int, int | None], int] = {
        (int(k), None if tp is None else int(tp)): int(users)
        for k, tp, users in e.rows("SELECT k, bpa, count(*) FROM fn_at GROUP BY k, bpa")}
    names: dict[tuple[int, str], int] = {}
    for k, tp, un, users in unmapped:
        mapped[(int(k), None if tp is None else int(tp))] -= int(users)
        names[(int(k), str(un))] = names.get((int(k), str(un)), 0) + int(users)
    before: list[tuple[Any, ...]] = [(k, None, un, users) for (k, un), users in names.items()]
    before += [(k, tp, None, users) for (k, tp), users in mapped.items() if users]
    after: list[tuple[Any, ...]] = []
    if n > 1:
        e.table("fn_drop", " UNION ALL ".join(
            f"SELECT r.u, {k} AS k, r.tk AS d FROM {tables[k]} r LEFT JOIN fn_next{k} x ON x.u = r.u "
            "WHERE x.u IS NULL" for k in range(n - 1)))
        later = "s.st <> d.k AND (s.t > d.d OR (s.t = d.d AND s.st > d.k))"
        e.table("fn_nm", f"""
            SELECT d.u, d.k, d.d, min(s.t) AS mt FROM fn_drop d LEFT JOIN changes s ON s.u = d.u AND {later}
            GROUP BY d.u, d.k, d.d
        """)
        # next: an unmapped event counts when it is after the step (unmapped ones come first at a
        # moment, so one at the step's moment is before it) and at or before the next mapped one
        e.table("fn_nu", """
            SELECT m.u, m.k, min(x.t) AS ut FROM fn_nm m
            JOIN fn_un x ON x.u = m.u AND x.t > m.d AND (m.mt IS NULL OR x.t <= m.mt)
            GROUP BY m.u, m.k
        """)
        after = e.rows("""
            SELECT k, tp, un, count(*) FROM (
                SELECT m.k, CASE WHEN l.ut IS NULL THEN p.tp END AS tp, l.un FROM fn_nm m
                LEFT JOIN (
                    SELECT m.u, m.k, min(s.tp) AS tp FROM fn_nm m
                    JOIN changes s ON s.u = m.u AND s.t = m.mt AND s.st <> m.k AND (s.t > m.d OR s.st > m.k)
                    GROUP BY m.u, m.k
                ) p ON p.u = m.u AND p.k = m.k
                LEFT JOIN (
                    SELECT n.u, n.k, min(x.un) AS un, n.ut FROM fn_nu n JOIN fn_un x ON x.u = n.u AND x.t = n.ut
                    GROUP BY n.u, n.k, n.ut
                ) l ON l.u = m.u AND l.k = m.k
            ) x GROUP BY k, tp, un
        """)
    for side, rows in (("b", before), ("n", after)):
        found: dict[int, list[tuple[int | None, str | None, int]]] = {}
        for k, tp, un, users in rows:
            found.setdefault(int(k), []).append(
                (None if tp is None else int(tp), None if un is None else str(un), int(users)))
        for k, step in enumerate(steps):
            if side == "b":
                step.before_events, step.before_none = _top(found.get(k, []), step.users, touchpoints)
            elif step.dropped is not None:
                step.next_events, step.next_none = _top(found.get(k, []), step.dropped, touchpoints)


def _top(rows: list[tuple[int | None, str | None, int]], whole: int | None,
         touchpoints: list[str]) -> tuple[list[EventShare], int]:
    """The TOP_EVENTS most frequent events (ties: touchpoints in map order, then names), and how
    many users had none."""
    none = sum(users for tp, un, users in rows if tp is None and un is None)
    named = [(tp, un, users) for tp, un, users in rows if tp is not None or un is not None]
    named.sort(key=lambda r: (-r[2], r[0] is None, r[0] if r[0] is not None else 0, r[1] or ""))
    out = [EventShare(touchpoints[tp], "touchpoint", users, _share(users, whole)) if tp is not None
           else EventShare(str(un), "event", users, _share(users, whole)) for tp, un, users in named[:TOP_EVENTS]]
    return out, none


def _share(part: int, whole: int | None) -> float | None:
    return round(part / whole, 6) if whole else None


def _round(value: object) -> float | None:
    return None if value is None else round(float(value), 6)  # type: ignore[arg-type]
