"""The measures of one journey over one event log (and surveys): the numbers in a MeasuresSnapshot.

Definitions (docs/measure.md says them for users; tests/measure/reference.py computes them
again in plain Python):

- Events are the log's rows with a user, an event name and a time inside --since/--until.
  A mapped event is one a touchpoint's signal claims. Entrants: users with a mapped event.
- A user entered a stage at their first event in it; moved on when they have an event in a
  later stage at or after that moment; the time to the next stage runs to the first such
  event ("eventual" next stage, gaps allowed).
- The funnel (order, window, exclusion events, optional stages, time to convert, the events
  before each step and after leaving it) is measure/funnels.py's.
- Back-steps: consecutive mapped events of a user (by time, ties by map order) whose
  touchpoint comes earlier in the map than the one before.
- Periods: a stage's entrants by the period of their first event in it, and the share of them
  who moved on (eventually). A period is flagged when a one-sided two-proportion test puts its
  conversion below the baseline (the pooled earlier periods, flagged ones left out) at FLAG_LEVEL.
- Segments: a user's segment is the --by value on their first mapped event; every section is
  computed again over each segment's users.

Users are told apart by their id's text (numbered once, never hashed): distinct counts are exact.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from journeymap.errors import JourneymapError
from journeymap.measure import classify, stats
from journeymap.measure.conformance import Periods, fits_sql, measure_conformance
from journeymap.measure.engine import Engine
from journeymap.measure.engines import load_table
from journeymap.measure.funnels import funnel_definitions, funnel_steps, measure_funnel, settings_of
from journeymap.measure.locate import row_of
from journeymap.measure.spec import EVERY, Spec
from journeymap.measure.targets import target_value
from journeymap.measures import (
    BackStep,
    Conformance,
    KpiValue,
    MeasuresSnapshot,
    PeriodConversion,
    Segment,
    SegmentDifference,
    StageMeasure,
    StagePeriods,
    Surveys,
    SurveyScore,
    TouchpointMeasure,
    UnmappedEvent,
)
from journeymap.model import Journey, Kpi
from journeymap.schema import did_you_mean
from journeymap.strings import short

# 1970-01-01 was a Thursday: weeks start on the Monday four days later
_WEEK_OFFSET = 4 * 86400.0
# surveys: how many answers a touchpoint needs before its score is judged against the map
MIN_RESPONSES = 5
# how far (on -2..+2) the measured emotion may be from the assumed one before they contradict
CONTRADICTION = 1.0
# a period is flagged when a one-sided two-proportion test puts its conversion below its
# baseline at this level: the pooled conversion of the (up to 8, at least 2) periods before it
# that were not flagged themselves (so a long incident does not hide in its own baseline); a
# period, and each period of the baseline, needs this many entrants to be judged or to count.
# The same level and minimum judge a segment against the users of every other segment. A report
# tests every stage in every period (often 50 or more): at 0.01 one in two reports would show a
# drop that is chance alone; at 0.001 about one in twenty.
FLAG_LEVEL, BASELINE_PERIODS, BASELINE_MIN_PERIODS, MIN_ENTRANTS = 0.001, 8, 2, 20
LIST_LIMIT = 50
# each stage's time to the next: the median and the 90th percentile
STAGE_QUANTILES = (0.5, 0.9)
# up to this many touchpoints, the ones a user met are the bits of one BIGINT (bit k, touchpoint
# k) taken in the group-by that numbers users; beyond it, a table of one row a user and touchpoint
SEEN_BITS = 62
# the group column of the ungrouped queries (every section is computed whole, then by segment)
_WHOLE = "CAST(NULL AS STRING)"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Warning_:
    message: str


def measure_journey(journey: Journey, spec: Spec, engine: Engine, step: Progress | None = None) -> MeasuresSnapshot:
    """Load, classify and compute everything; JourneymapError for data journeymap cannot use."""
    say = step or (lambda _: None)
    classify.check_signals(journey)
    run = _Run(journey, spec, engine)
    say("reading the event log")
    run.load_events()
    say("computing touchpoints and stages")
    return run.snapshot(say)


class _Run:
    def __init__(self, journey: Journey, spec: Spec, engine: Engine) -> None:
        self.journey, self.spec, self.e = journey, spec, engine
        self.touchpoints = list(journey.touchpoints())
        self.stage_of = [next(i for i, s in enumerate(journey.stages) if s.id == t.stage_id) for t in self.touchpoints]
        self.unmatched: list[classify.Unmatched] = []
        self.rows_read = 0
        self.rows_skipped = 0
        self.seen = 0 < len(self.touchpoints) <= SEEN_BITS
        # a KPI's step id: a touchpoint's index, else a stage's (an id names a touchpoint first)
        self.touchpoint_index = {t.id: i for i, t in enumerate(self.touchpoints)}
        self.stage_index = {s.id: i for i, s in enumerate(journey.stages) if s.id not in self.touchpoint_index}
        self.first_events_built = False

    # --- reading -------------------------------------------------------------------------
    def load_events(self) -> None:
        e, src = self.e, self.spec.events
        attributes = sorted({name for t in self.touchpoints for s in t.signals for name, _ in s.where})
        needed = {"user": src.user, "event": src.event, "time": src.time}
        if src.session:
            needed["session"] = src.session
        for name in attributes:
            needed[f"attribute '{name}'"] = src.column(name)
        if self.spec.by:
            needed["--by"] = src.column(self.spec.by)
        kinds = e.load("raw", src.files, src.format, keep=list(dict.fromkeys(needed.values())))
        for role, column in needed.items():
            if column not in kinds:

                hint = did_you_mean(column, list(kinds)) or f"; its columns: {', '.join(list(kinds)[:12])}"
                raise JourneymapError(f"{src.named}: no column '{column}' (the {role} column){hint}")
        # every column of the log is read through the alias r: the signals' table (alias c) is
        # joined beside it, and a log may have columns of any name
        def q(name: str) -> str:
            return f"r.{e.ident(name)}"

        user, event, time = q(src.user), q(src.event), q(src.time)
        found = classify.classification(self.journey, self._event_names(event))
        self.unmatched = list(found.unmatched)
        e.register("claims", found.columns, found.rows)
        column_of = {name: q(src.column(name)) for name in attributes}
        tp = classify.touchpoint_sql(found, "c", column_of, e)
        # a user's segment (--by; --every reads it too, as NULL) and session only when a measure
        # reads them: a column of NULLs still costs its share of writing the two largest tables
        # (10 M events: a fifth of the mapped events' table)
        extra: dict[str, str] = {}
        if self.spec.by or self.spec.every:
            extra["seg"] = f"CAST({q(src.column(self.spec.by))} AS STRING)" if self.spec.by else "CAST(NULL AS STRING)"
        if src.session:
            extra["ses"] = f"CAST({q(src.session)} AS STRING)"
        carried = "".join(f", {name}" for name in extra)
        computed = "".join(f", {sql} AS {name}" for name, sql in extra.items())
        window = []
        if self.spec.since is not None:
            window.append(f"t >= {self.spec.since!r}")
        if self.spec.until is not None:
            window.append(f"t < {self.spec.until!r}")
        in_range = " AND ".join(window) or "TRUE"
        # a row whose time cannot be read stays, with t NULL, so that one cheap look finds it; its
        # text is read from the log only then (kept as a column, mostly NULL, it cost a fifth of
        # writing this table; cast in the inner query, a third)
        e.table("ev0", f"""
            SELECT u, t, tp, CASE WHEN tp IS NULL THEN name END AS un{carried}
            FROM (
                SELECT CAST({user} AS STRING) AS u, CAST({event} AS STRING) AS name,
                       {e.seconds(time, kinds[src.time])} AS t, {tp} AS tp{computed}
                FROM raw r LEFT JOIN claims c ON c.{classify.NAME} = CAST({event} AS STRING)
                WHERE {user} IS NOT NULL AND {event} IS NOT NULL AND {time} IS NOT NULL
            ) x
            WHERE t IS NULL OR ({in_range})
        """)
        if e.rows("SELECT count(*) FROM (SELECT 1 FROM ev0 WHERE t IS NULL LIMIT 1) x")[0][0]:
            [(value,)] = e.rows(f"""
                SELECT CAST({time} AS STRING) FROM raw r
                WHERE {user} IS NOT NULL AND {event} IS NOT NULL AND {time} IS NOT NULL
                  AND {e.seconds(time, kinds[src.time])} IS NULL LIMIT 1
            """)
            value = str(value)
            where = row_of(src.files, src.format, src.time, value) if src.files else src.named
            raise JourneymapError(
                f"{where}: cannot read '{_short(value)}' in column '{src.time}' as a time; write ISO 8601 "
                "(2026-01-31T08:00:00Z) or seconds since 1970"
            )
        (self.rows_read,) = e.rows("SELECT count(*) FROM raw")[0]
        # each entrant numbered by their id's text: the later joins, windows and distinct counts run
        # on an integer, as fast as on a hash, and exact (a hash may collide). With one bucket
        # (DuckDB, PostgreSQL) 1, 2, ... as INTEGER, not BIGINT: half the key to hash in every
        # group-by on (user, x) (10 M events: the touchpoint table took a quarter less CPU); 2^31
        # entrants is far off. In no particular order: a number only tells users apart, and sorting
        # the ids first cost a third of this table (10 M events: 0.64 s CPU against 0.43 s). Spark
        # numbers within buckets (number × buckets + bucket: unique), as one window over all users
        # would run in one partition there (and its row_number needs an order)
        #
        # The same group-by gathers the touchpoints each user met (`seen`, see SEEN_BITS): a
        # group-by on (user, touchpoint) has nearly a group an event (10 M events: 8.9 M groups,
        # 1.3 s CPU), one on the user a group a user, and it runs anyway
        if self.seen:
            entrants, columns = ("SELECT u AS name, bit_or(CAST(power(2, tp) AS BIGINT)) AS seen FROM ev0 "
                                 "WHERE tp IS NOT NULL GROUP BY u"), "name, seen"
        else:
            entrants, columns = "SELECT DISTINCT u AS name FROM ev0 WHERE tp IS NOT NULL", "name"
        bucket, buckets = e.user_bucket("name")
        if buckets == 1:
            e.table("ids", f"SELECT {columns}, CAST(row_number() OVER () AS INTEGER) AS id FROM ({entrants}) x")
        else:
            e.table("ids", f"SELECT {columns}, CAST(row_number() OVER (PARTITION BY b ORDER BY name) AS BIGINT) * "
                           f"{buckets} + b AS id FROM (SELECT {columns}, {bucket} AS b FROM ({entrants}) y) x")
        # each mapped event with the touchpoint of the user's event before (p; NULL on their
        # first), by time, ties by map order: the one LAG window of the run (a sort of every
        # event by user and time, its costliest step). Taken here, as the entrants' numbers are
        # joined on, not from a table of its own: that table held nearly every event again
        # (10 M events: 9.17 M of 9.17 M rows, 260 MB). The time of the event before (pt) is a
        # column of this largest table: kept only for the funnel's events around its steps
        # (measure/funnels.py), when asked for
        pt, lag_t = (", pt", ", LAG(t) OVER w AS pt") if self.spec.step_events else ("", "")
        e.table("ev", f"""
            SELECT u, t, tp, {self._stage_case('tp')} AS st, p{pt}{carried} FROM (
                SELECT i.id AS u, t, tp, LAG(tp) OVER w AS p{lag_t}{carried}
                FROM ev0 x JOIN ids i ON i.name = x.u WHERE x.tp IS NOT NULL
                WINDOW w AS (PARTITION BY i.id ORDER BY t, tp)
            ) y
        """)

    def changes_table(self) -> None:
        """changes: each user's first mapped event and every one in another stage than the event
        before (pa, its touchpoint; a, its stage), by time, ties by map order, with whether that
        step fits the map's model (ok, conformance.fits_sql), from `ev`'s LAG window.

        The one window serves the back-steps, the conformance, the stages and the funnel. The
        first event in a later stage at or after any moment is a stage change: the event before
        it is in another stage, or is itself in that stage and earlier, or is the event of that
        moment (whose stage comes earlier: a later stage's touchpoints come later in the map,
        so ties put them after it). So moves and the funnel read `changes` (about half the
        events on a browsing log) instead of every event, with the same results."""
        pt = ", pt" if self.spec.step_events else ""
        fits = fits_sql(self.journey)
        # a stage change is a touchpoint change too: no event in another stage has the same
        # touchpoint as the one before it
        self.e.table("changes", f"""
            SELECT u, t, tp, st, p AS pa{pt}, a, CASE WHEN a IS NULL THEN NULL WHEN {fits} THEN 1 ELSE 0 END AS ok
            FROM (SELECT u, t, tp, st, p{pt}, {self._stage_case('p')} AS a FROM ev) x
            WHERE a IS NULL OR a <> st
        """)

    def moves_table(self) -> None:
        """moves: one row a user and stage they entered, with the time they entered it (f, their
        first event in it) and of their first event in a later stage at or after that (nx).

        Both come from one row a user (`firsts`: the first time in each stage, and whether the
        user ever stepped back to an earlier stage), not from joining each entry to the user's
        stage changes: on a 10-million-event log that join and its group-by on (user, stage,
        time) were the costliest step. A user who never steps back enters the stages in the
        map's order, each once, so the first event in a later stage is the entry into the
        next stage they entered: the first non-null of the later stages' first times. Only
        the users who stepped back (a quarter of the users of the bench's log) are joined to
        their stage changes, as before: the first event in a later stage at or after entering
        is a stage change (see changes_table)."""
        e = self.e
        stages = range(max(1, len(self.journey.stages)))
        firsts = ", ".join(f"min(CASE WHEN st = {k} THEN t END) AS f{k}" for k in stages)
        e.table("firsts", f"""
            SELECT u, max(CASE WHEN a > st THEN 1 ELSE 0 END) AS back, {firsts} FROM changes GROUP BY u
        """)

        def entries(back: int, nx: bool) -> str:
            def row(k: int) -> str:
                later = _first_of([f"f{x}" for x in stages if x > k])
                return (f"SELECT u, {k} AS st, f{k} AS f{f', {later} AS nx' if nx else ''} "
                        f"FROM firsts WHERE back = {back} AND f{k} IS NOT NULL")

            return " UNION ALL ".join(row(k) for k in stages)

        # a table even when only the stages read it: as a view, their quantiles' aggregate ran
        # with the join below in one pipeline, out of a 1 GB limit at 100 million events
        e.table("moves", f"""
            {entries(0, nx=True)}
            UNION ALL
            SELECT f.u, f.st, f.f, min(e.t) AS nx
            FROM ({entries(1, nx=False)}) f LEFT JOIN changes e ON e.u = f.u AND e.st > f.st AND e.t >= f.f
            GROUP BY f.u, f.st, f.f
        """)

    def _event_names(self, event: str) -> list[str]:
        """The distinct event names of the log, sorted; refused beyond classify.MAX_NAMES."""
        src, most = self.spec.events, classify.MAX_NAMES
        names = sorted(str(r[0]) for r in self.e.rows(
            f"SELECT DISTINCT CAST({event} AS STRING) FROM raw r WHERE {event} IS NOT NULL LIMIT {most + 1}"))
        if len(names) > most:
            raise JourneymapError(
                f"{src.named}: column '{src.event}' holds more than {most:,} distinct event names (the limit is "
                f"{most:,}); check that it holds event names, not ids or free text"
            )
        return names

    def _stage_case(self, column: str) -> str:
        if not self.touchpoints:
            return "CAST(NULL AS INTEGER)"
        ends: dict[int, int] = {}
        for index, stage in enumerate(self.stage_of):
            ends[stage] = index
        branches = " ".join(f"WHEN {column} <= {last} THEN {stage}" for stage, last in sorted(ends.items()))
        return f"CASE WHEN {column} IS NULL THEN NULL {branches} END"

    # --- computing -----------------------------------------------------------------------
    def snapshot(self, say: Progress) -> MeasuresSnapshot:
        e = self.e
        (in_range,) = e.rows("SELECT count(*) FROM ev0")[0]
        self.rows_skipped = int(self.rows_read) - int(in_range)
        if not self.seen:
            # one row a user and touchpoint: the touchpoints and reach read it. Only the count:
            # each aggregate of this group-by (nearly a row an event) costs (10 M events: 0.6x
            # the CPU time without the first time and stage, which nothing reads)
            e.table("ut", "SELECT u, tp, count(*) AS n FROM ev GROUP BY u, tp")
        self.changes_table()
        (mapped,) = e.rows("SELECT count(*) FROM ev")[0]
        (entrants,) = e.rows("SELECT count(*) FROM ids")[0]  # the entrants, numbered once each
        touchpoints = self.touchpoint_measures({None: int(entrants)})[None]
        unmapped, unmapped_total = self.unmapped().get(None, ([], 0))
        say("following users from stage to stage")
        self.moves_table()
        stages = self._stage_rows(self.stage_counts())
        say("finding back-steps")
        back = self.back_steps().get(None) or _no_back_steps()
        say("holding the log against the map's order")
        conformance = self.conformance(int(entrants), int(mapped), stages, touchpoints)
        say("building the funnel")  # the funnel walks the stage changes
        self.funnel = measure_funnel(e, self.journey, settings_of(
            self.journey, self.spec.window_seconds, self.spec.order, self.spec.exclusions, self.spec.step_events))
        funnel_tables, funnel = self.funnel.tables, self.funnel.steps
        say("computing KPIs and surveys")
        kpis = [self.kpi(stage.id, kpi, int(entrants)) for stage in self.journey.stages for kpi in stage.kpis]
        surveys = self.surveys()
        (log_end,) = e.rows("SELECT max(t) FROM ev0")[0]
        self.log_end = None if log_end is None else float(log_end)
        periods = self.periods(stages).get(None, []) if self.spec.every else []
        segments = self.segments(funnel_tables, stages) if self.spec.by else []
        return MeasuresSnapshot(
            map_path=self.journey.file,
            map_id=self.journey.id,
            map_title=self.journey.title,
            engine=e.name,
            events_source=self.spec.events.named,
            rows_read=int(self.rows_read),
            rows_skipped=self.rows_skipped,
            events_in_range=int(in_range),
            mapped_events=int(mapped),
            entrants=int(entrants),
            since=_iso(self.spec.since),
            until=_iso(self.spec.until),
            window_seconds=self.spec.window_seconds,
            touchpoints=touchpoints,
            stages=stages,
            funnel=funnel,
            kpis=[k for k in kpis if k is not None],
            surveys=surveys,
            unmapped_events=unmapped,
            unmapped_total=unmapped_total,
            never_seen=[t.id for t, m in zip(self.touchpoints, touchpoints, strict=True) if t.signals and not m.events],
            without_signals=[t.id for t in self.touchpoints if not t.signals],
            unmatched_signals=[u.record() for u in self.unmatched],
            back_steps=back.kinds,
            transitions=back.transitions,
            back_step_total=back.total,
            back_step_kinds=back.count_kinds,
            every=self.spec.every,
            periods=periods,
            by=self.spec.by,
            segments=segments,
            definitions=definitions(self.spec),
            conformance=conformance,
            funnel_order=self.spec.order,
            funnel_exclusions=list(self.spec.exclusions),
            unmatched_exclusions=self.funnel.unmatched_exclusions,
        )

    def _grouped(self, table: str, grouped: bool) -> str:
        """`table` with a column g: the user's segment when grouped, else one NULL group for all."""
        if not grouped:
            return f"(SELECT {_WHOLE} AS g, x.* FROM {table} x)"
        if table == "ev0":  # all events, keyed by the user's text: through the entrants' numbers
            return "(SELECT s.seg AS g, x.* FROM ev0 x JOIN ids i ON i.name = x.u JOIN users s ON s.u = i.id)"
        return f"(SELECT s.seg AS g, x.* FROM {table} x JOIN users s ON s.u = x.u)"

    def touchpoint_measures(self, entrants: dict[object, int], grouped: bool = False,
                            ) -> dict[object, list[TouchpointMeasure]]:
        """Per group: each touchpoint's users, events and share of the group's entrants."""
        counts: dict[object, dict[int, tuple[int, int]]] = {g: {} for g in entrants}
        if self.seen:
            met = ", ".join(f"sum(CASE WHEN (seen & {1 << k}) <> 0 THEN 1 ELSE 0 END)"
                            for k in range(len(self.touchpoints)))
            users_of = {row[0]: row[1:] for row in self.e.rows(
                f"SELECT g, {met} FROM {self._grouped('(SELECT id AS u, seen FROM ids)', grouped)} y GROUP BY g")}
            for g, tp, n in self.e.rows(f"SELECT g, tp, count(*) FROM {self._grouped('ev', grouped)} y GROUP BY g, tp"):
                counts.setdefault(g, {})[int(tp)] = (int(n), int(users_of[g][int(tp)]))
        else:
            for g, tp, n, users in self.e.rows(
                    f"SELECT g, tp, sum(n), count(*) FROM {self._grouped('ut', grouped)} y GROUP BY g, tp"):
                counts.setdefault(g, {})[int(tp)] = (int(n), int(users))
        out: dict[object, list[TouchpointMeasure]] = {}
        for g, mine in counts.items():
            out[g] = []
            for index, t in enumerate(self.touchpoints):
                events, users = mine.get(index, (0, 0))
                out[g].append(TouchpointMeasure(t.id, t.stage_id, users, events, _share(users, entrants.get(g)),
                                                t.emotion))
        return out

    def unmapped(self, grouped: bool = False) -> dict[object, tuple[list[UnmappedEvent], int]]:
        """Per group: the LIST_LIMIT largest unmapped event names and the total of unmapped events
        (grouped, only the events of users who entered the journey have a segment)."""
        e = self.e
        e.table("unmapped_by", f"""
            SELECT g, un, count(*) AS n, count(DISTINCT u) AS users
            FROM {self._grouped('ev0', grouped)} y WHERE un IS NOT NULL GROUP BY g, un
        """)
        out: dict[object, tuple[list[UnmappedEvent], int]] = {}
        for g, total in e.rows("SELECT g, sum(n) FROM unmapped_by GROUP BY g"):
            out[g] = ([], int(total))
        for g, un, n, users in e.rows(f"""
            SELECT g, un, n, users FROM (
                SELECT g, un, n, users, row_number() OVER (PARTITION BY g ORDER BY n DESC, un) AS r FROM unmapped_by
            ) x WHERE r <= {LIST_LIMIT} ORDER BY n DESC, un
        """):
            out[g][0].append(UnmappedEvent(str(un), int(n), int(users)))
        return out

    def stage_counts(self, table: str = "moves", group: str = "") -> list[tuple[object, ...]]:
        """Per stage (and `group`, when given: a column of `table` put first): entered, moved on,
        and the median and 90th percentile of the time to the next stage."""
        select_group = f"{group}, " if group else ""
        return [_spread(r) for r in self.e.rows(f"""
            SELECT {select_group}st, count(*), count(nx), {self.e.quantiles('nx - f', STAGE_QUANTILES)}
            FROM {table} GROUP BY {select_group}st
        """)]

    def _stage_rows(self, rows: list[tuple[object, ...]]) -> list[StageMeasure]:
        by_stage = {int(r[0]): r for r in rows}  # type: ignore[call-overload]
        last = len(self.journey.stages) - 1
        out = []
        for index, stage in enumerate(self.journey.stages):
            r = by_stage.get(index)
            entered = int(r[1]) if r else 0  # type: ignore[call-overload]
            moved = int(r[2]) if r else 0  # type: ignore[call-overload]
            final = index == last
            out.append(StageMeasure(
                stage.id, entered,
                None if final else moved,
                None if final else entered - moved,
                None if final or not r else _round(r[3]),
                None if final or not r else _round(r[4]),
            ))
        return out

    def back_steps(self, grouped: bool = False) -> dict[object, _BackSteps]:
        """Per group: the LIST_LIMIT largest kinds of back-step (from, back to), every back-step
        counted, how many kinds there are, and all transitions between different touchpoints."""
        e = self.e
        source = self._grouped("ev", grouped)
        e.table("back_kinds", f"""
            SELECT g, p, tp, count(*) AS n, count(DISTINCT u) AS users FROM {source} y WHERE p > tp GROUP BY g, p, tp
        """)
        out: dict[object, _BackSteps] = {}
        # a transition: a mapped event at another touchpoint than the user's event before
        for g, transitions in e.rows(f"SELECT g, count(CASE WHEN p <> tp THEN 1 END) FROM {source} y GROUP BY g"):
            out[g] = _BackSteps([], 0, 0, int(transitions))
        for g, total, kinds in e.rows("SELECT g, sum(n), count(*) FROM back_kinds GROUP BY g"):
            out[g].total, out[g].count_kinds = int(total), int(kinds)
        ids = [t.id for t in self.touchpoints]
        for g, a, b, n, users in e.rows(f"""
            SELECT g, p, tp, n, users FROM (
                SELECT g, p, tp, n, users, row_number() OVER (PARTITION BY g ORDER BY n DESC, p, tp) AS r
                FROM back_kinds
            ) x WHERE r <= {LIST_LIMIT} ORDER BY n DESC, p, tp
        """):
            out[g].kinds.append(BackStep(ids[int(a)], ids[int(b)], int(n), int(users)))
        return out

    def conformance(self, entrants: int, events: int, stages: list[StageMeasure],
                    touchpoints: list[TouchpointMeasure]) -> Conformance:
        every = self.spec.every
        periods = Periods(EVERY[every], _WEEK_OFFSET if every == "week" else 0.0) if every else None
        if every or self.spec.by:
            self.first_events()
        return measure_conformance(self.e, self.journey, entrants, events, periods, bool(self.spec.by), stages,
                                   touchpoints)

    # --- KPIs ----------------------------------------------------------------------------
    def _where(self, step_id: str, alias: str = "") -> str:
        prefix = f"{alias}." if alias else ""
        if step_id in self.touchpoint_index:
            return f"{prefix}tp = {self.touchpoint_index[step_id]}"
        return f"{prefix}st = {self.stage_index[step_id]}"

    def _kpi_tables(self, source: str, target: str) -> tuple[str, str]:
        """Where a conversion or time KPI reads each user's first time at its source (f), and
        the events it looks for its target in. A stage's first time is in `firsts` (one row a
        user), not a group-by of its events; and the first event of a later stage at or after
        it is a stage change (see changes_table), so `changes` holds it. A touchpoint, or a
        stage at or before the source, is looked for in every mapped event (10 M events: a
        conversion between two stages took 0.66x the time)."""
        if source not in self.stage_index:
            return f"SELECT u, min(t) AS f FROM ev WHERE {self._where(source)} GROUP BY u", "ev"
        k = self.stage_index[source]
        starts = f"SELECT u, f{k} AS f FROM firsts WHERE f{k} IS NOT NULL"
        return starts, "changes" if self.stage_index.get(target, -1) > k else "ev"

    def kpi(self, stage_id: str, kpi: Kpi, entrants: int) -> KpiValue | None:
        m = kpi.measure
        if m is None:
            return None
        e = self.e
        value: float | None
        if m.kind == "reach":
            # a touchpoint's users from the touchpoints each user met (it has no stage), a
            # stage's from their first times in each stage (one row a user)
            index = self.touchpoint_index.get(m.source)
            if index is None:
                stage = self.stage_index[m.source]
                (users,) = e.rows(f"SELECT count(*) FROM firsts WHERE f{stage} IS NOT NULL")[0]
            elif self.seen:
                (users,) = e.rows(f"SELECT count(*) FROM ids WHERE (seen & {1 << index}) <> 0")[0]
            else:
                (users,) = e.rows(f"SELECT count(*) FROM ut WHERE tp = {index}")[0]
            value, unit = _share(int(users), entrants), "share"
        elif m.kind in ("conversion", "median_time"):
            within = f" AND e.t <= x.f + {m.seconds!r}" if m.kind == "conversion" and m.seconds is not None else ""
            starts, ends = self._kpi_tables(m.source, m.target)
            joined = f"""
                SELECT x.u, x.f, min(e.t) AS y
                FROM ({starts}) x
                LEFT JOIN {ends} e ON e.u = x.u AND {self._where(m.target, 'e')} AND e.t >= x.f{within}
                GROUP BY x.u, x.f
            """
            if m.kind == "conversion":
                (started, converted) = e.rows(f"SELECT count(*), count(y) FROM ({joined}) j")[0]
                value, unit = _share(int(converted), int(started)), "share"
            else:
                (median,) = e.rows(f"SELECT {e.quantile('y - f', 0.5)} FROM ({joined}) j")[0]
                value, unit = _round(median), "seconds"
        elif m.kind == "return_share":
            where = self._where(m.source)
            if self.spec.events.session:
                came_back = "CASE WHEN count(DISTINCT ses) >= 2 THEN 1 ELSE 0 END"
            else:
                came_back = f"CASE WHEN max(t) >= min(t) + {m.seconds!r} THEN 1 ELSE 0 END"
            (users, back) = e.rows(
                f"SELECT count(*), sum(b) FROM (SELECT u, {came_back} AS b FROM ev WHERE {where} GROUP BY u) x")[0]
            value, unit = _share(int(back or 0), int(users)), "share"
        else:
            value, unit = self.survey_mean(m.source), "score"
        return _judged(stage_id, kpi, m.kind, value, unit)

    # --- surveys -------------------------------------------------------------------------
    def _load_surveys(self) -> bool:
        src = self.spec.surveys
        if src is None:
            return False
        if getattr(self, "_surveys_loaded", False):
            return True
        e = self.e
        wanted = [src.touchpoint, src.score] + ([src.user] if src.user else [])
        kinds = (load_table(e, "sv_raw", src.database, src.table, wanted) if src.database and src.table
                 else e.load("sv_raw", src.files, src.format, keep=wanted))
        for role, column in (("touchpoint", src.touchpoint), ("score", src.score), ("user", src.user)):
            if column and column not in kinds:

                hint = did_you_mean(column, list(kinds)) or f"; its columns: {', '.join(list(kinds)[:12])}"
                raise JourneymapError(f"{src.named}: no column '{column}' (the {role} column){hint}")
        low, high = src.scale
        e.table("sv", f"""
            SELECT tid, s, CASE WHEN s IS NOT NULL AND s >= {low!r} AND s <= {high!r} THEN 1 ELSE 0 END AS ok FROM (
                SELECT CAST({e.ident(src.touchpoint)} AS STRING) AS tid,
                       try_cast(CAST({e.ident(src.score)} AS STRING) AS DOUBLE) AS s
                FROM sv_raw
            ) x
        """)
        self._surveys_loaded = True
        return True

    def survey_mean(self, touchpoint_id: str) -> float | None:
        if not self._load_surveys():
            return None  # the KPI says "no data"; the rest of the measures still stand
        (mean,) = self.e.rows(f"SELECT avg(s) FROM sv WHERE ok = 1 AND tid = {self.e.literal(touchpoint_id)}")[0]
        return _round(mean)

    def surveys(self) -> Surveys | None:
        if not self._load_surveys():
            return None
        src = self.spec.surveys
        assert src is not None
        low, high = src.scale
        rows = self.e.rows(
            "SELECT tid, count(*), avg(s), stddev_samp(s) FROM sv WHERE ok = 1 GROUP BY tid ORDER BY tid")
        (skipped,) = self.e.rows("SELECT count(*) FROM sv WHERE ok = 0")[0]
        assumed = {t.id: t.emotion for t in self.touchpoints}
        scores, unknown = [], []
        order = {t.id: i for i, t in enumerate(self.touchpoints)}
        def on_map(score: float) -> float:
            return max(-2.0, min(2.0, -2 + 4 * (score - low) / (high - low)))

        for tid, responses, mean, sd in rows:
            if tid not in assumed:
                unknown.append(str(tid))
                continue
            emotion = on_map(float(mean))
            guess = assumed[tid]
            judged = guess is not None and int(responses) >= MIN_RESPONSES
            contradicts = judged and abs(emotion - (guess or 0)) >= CONTRADICTION
            # the interval of the mean answer, put on the map's scale the same way as the mean
            interval = stats.mean_interval(float(mean), None if sd is None else float(sd), int(responses))
            scores.append(SurveyScore(str(tid), int(responses), _round(mean) or 0.0, _round(emotion) or 0.0,
                                      guess, contradicts,
                                      _round(on_map(interval[0])) if interval else None,
                                      _round(on_map(interval[1])) if interval else None))
        scores.sort(key=lambda s: order[s.touchpoint])
        return Surveys(src.scale_name, scale_mapping(low, high, src.scale_name), int(skipped), scores, unknown)

    # --- over time and by segment ---------------------------------------------------------
    def periods(self, stages: list[StageMeasure], grouped: bool = False) -> dict[object, list[StagePeriods]]:
        """Per group: each stage's entrants by the period they first entered it, each period
        judged against its baseline (flagged_periods)."""
        assert self.spec.every is not None
        size = EVERY[self.spec.every]
        offset = _WEEK_OFFSET if self.spec.every == "week" else 0.0
        rows = self.e.rows(f"""
            SELECT g, st, p, count(*), count(nx) FROM (
                SELECT g, st, nx, CAST(floor((f - {offset!r}) / {size!r}) AS BIGINT) AS p
                FROM {self._grouped('moves', grouped)} y
            ) z GROUP BY g, st, p ORDER BY g, st, p
        """)
        found: dict[object, dict[int, list[tuple[int, int, int]]]] = {}
        for g, st, period, entered, moved in rows:
            found.setdefault(g, {}).setdefault(int(st), []).append((int(period), int(entered), int(moved)))
        out: dict[object, list[StagePeriods]] = {}
        for g, by_stage in found.items():
            out[g] = []
            for index, stage in enumerate(self.journey.stages[:-1]):
                # a period's users may take up to the stage's p90 time to move on: a period that
                # ends closer to the end of the log than that is open, not judged
                wait = stages[index].p90_seconds_to_next or 0.0
                open_after = None if self.log_end is None else self.log_end - wait
                out[g].append(StagePeriods(stage.id, flagged_periods(by_stage.get(index, []), size, offset,
                                                                     open_after)))
        return out

    def first_events(self) -> None:
        """users (u, seg, t): each entrant's first mapped event's time and segment (at one moment
        the least value; NULL only when every event then has none), for the segments and the
        conformance's cells. Built once. The first time is the least of the user's first times
        in each stage (`firsts`, one row a user), and only the events at that time are read:
        a window numbering every event by user and time did the same, twice (10 M events:
        2.3 s of a 10.9 s run by week and platform)."""
        if self.first_events_built:
            return
        stages = range(max(1, len(self.journey.stages)))
        first = f"least({', '.join(f'f{k}' for k in stages)})" if len(stages) > 1 else "f0"
        self.e.table("users", f"""
            SELECT x.u, min(e.seg) AS seg, x.t FROM (SELECT u, {first} AS t FROM firsts) x
            JOIN ev e ON e.u = x.u AND e.t = x.t
            GROUP BY x.u, x.t
        """)
        self.first_events_built = True

    def segments(self, funnel_tables: list[str], whole: list[StageMeasure]) -> list[Segment]:
        """Every section again, for each segment's users (largest segment first)."""
        e = self.e
        self.first_events()
        entrants: dict[object, int] = {r[0]: int(r[1]) for r in e.rows("SELECT seg, count(*) FROM users GROUP BY seg")}
        e.table("moves_by", "SELECT m.*, s.seg FROM moves m JOIN users s ON s.u = m.u")
        stage_rows = self.stage_counts("moves_by", group="seg")
        counts: dict[object, list[int]] = {value: [0] * len(funnel_tables) for value in entrants}
        for index, table in enumerate(funnel_tables):
            for value, n in e.rows(f"SELECT s.seg, count(*) FROM {table} c JOIN users s ON s.u = c.u GROUP BY s.seg"):
                counts[value][index] = int(n)
        touchpoints = self.touchpoint_measures(entrants, grouped=True)
        unmapped = self.unmapped(grouped=True)
        back = self.back_steps(grouped=True)
        periods = self.periods(whole, grouped=True) if self.spec.every else {}
        ids = [s.id for s in self.journey.stages]
        out = []
        for value in sorted(entrants, key=lambda v: (-entrants[v], v is None, str(v))):
            stages = self._stage_rows([r[1:] for r in stage_rows if r[0] == value])
            steps = back.get(value) or _no_back_steps()
            listed, unmapped_total = unmapped.get(value, ([], 0))
            out.append(Segment(
                None if value is None else str(value),
                entrants[value],
                funnel_steps(ids, counts[value], tuple(bool(x.optional) for x in self.funnel.steps)),
                stages,
                touchpoints=touchpoints[value],
                differences=differences(stages, whole),
                back_steps=steps.kinds,
                back_step_total=steps.total,
                back_step_kinds=steps.count_kinds,
                transitions=steps.transitions,
                unmapped_events=listed,
                unmapped_total=unmapped_total,
                periods=periods.get(value, []),
            ))
        return out


@dataclass
class _BackSteps:
    kinds: list[BackStep]
    total: int
    count_kinds: int
    transitions: int


def _no_back_steps() -> _BackSteps:
    return _BackSteps([], 0, 0, 0)


def flagged_periods(
    rows: list[tuple[int, int, int]], size: float, offset: float, open_after: float | None = None,
) -> list[PeriodConversion]:
    """(period index, entered, moved on) in order -> periods, each with the Wilson interval of its
    conversion and, when it has MIN_ENTRANTS and a baseline, a one-sided two-proportion test
    against that baseline: the pooled conversion of the (up to BASELINE_PERIODS, at least
    BASELINE_MIN_PERIODS) periods before it with MIN_ENTRANTS each that were not flagged.
    Periods ending after `open_after` (seconds) are open: shown, never judged nor in a baseline."""
    out: list[PeriodConversion] = []
    history: list[tuple[int, int]] = []  # (entered, moved on) of the periods a baseline may use
    for period, entered, moved in rows:
        conversion = _share(moved, entered)
        interval = stats.wilson(moved, entered)
        is_open = open_after is not None and (period + 1) * size + offset > open_after
        base = history[-BASELINE_PERIODS:]
        base_entered, base_moved = sum(n for n, _ in base), sum(m for _, m in base)
        judged = not is_open and entered >= MIN_ENTRANTS and len(base) >= BASELINE_MIN_PERIODS
        p_value = stats.p_lower(moved, entered, base_moved, base_entered) if judged else None
        flagged = p_value is not None and p_value < FLAG_LEVEL
        start = datetime.datetime.fromtimestamp(period * size + offset, datetime.UTC).date().isoformat()
        out.append(PeriodConversion(
            start, entered, moved, conversion, flagged,
            low=_round(interval[0]) if interval else None, high=_round(interval[1]) if interval else None,
            baseline=_share(base_moved, base_entered) if judged else None,
            baseline_entered=base_entered if judged else 0, baseline_periods=len(base) if judged else 0,
            p_value=_round(p_value), open=is_open,
        ))
        if not flagged and not is_open and entered >= MIN_ENTRANTS:
            history.append((entered, moved))
    return out


def differences(segment: list[StageMeasure], whole: list[StageMeasure]) -> list[SegmentDifference]:
    """Each stage's conversion in a segment against the users of every other segment (the whole
    less the segment): Wilson interval, two-sided two-proportion test, judged at FLAG_LEVEL when
    both sides have MIN_ENTRANTS."""
    out = []
    for mine, every in zip(segment, whole, strict=True):
        if mine.moved_on is None or every.moved_on is None:
            continue  # the last stage has no conversion
        rest_entered, rest_moved = every.entered - mine.entered, every.moved_on - mine.moved_on
        interval = stats.wilson(mine.moved_on, mine.entered)
        judged = mine.entered >= MIN_ENTRANTS and rest_entered >= MIN_ENTRANTS
        p_value = stats.p_either(mine.moved_on, mine.entered, rest_moved, rest_entered) if judged else None
        conversion, rest = _share(mine.moved_on, mine.entered), _share(rest_moved, rest_entered)
        differs = ""
        if p_value is not None and p_value < FLAG_LEVEL and conversion is not None and rest is not None:
            differs = "lower" if conversion < rest else "higher"
        out.append(SegmentDifference(
            mine.id, conversion, _round(interval[0]) if interval else None, _round(interval[1]) if interval else None,
            rest, _round(p_value), differs,
        ))
    return out


def definitions(spec: Spec) -> dict[str, str]:
    """What each number of this run means, in words: printed beside the numbers in every output
    and the first entry of the JSON snapshot."""
    out = {
        "entrants": "users with at least one event a touchpoint's signal claims (a mapped event)",
        "touchpoint": "users: distinct users with at least one of its events; share: of entrants",
        "entered": "users whose first event in the stage falls in the data; each user enters a stage once, "
                   "at their first event in it",
        "moved_on": "entered users with an event in any later stage at or after entering (the eventual next "
                    "stage: stages may be skipped, and there is no time limit, so a user who moves on weeks "
                    "later counts); dropped = entered - moved on",
        "time_to_next": "from entering the stage to the first event in a later stage (median and 90th "
                        "percentile, interpolated)",
        "back_steps": "consecutive mapped events of a user (by time, ties in map order), repeats of one "
                      "touchpoint left out, going to a touchpoint earlier in the map; the total counts every "
                      f"back-step, the table lists the {LIST_LIMIT} largest kinds",
        "unmapped": f"events no touchpoint's signal claims; the {LIST_LIMIT} largest names are listed",
        "measured_emotion": "the mean survey score put on the map's -2..+2, with its 95% t interval and its "
                            "number of answers",
        **funnel_definitions(spec.window_seconds, spec.order, spec.exclusions),
    }
    if spec.every:
        out["periods"] = (f"users by the {spec.every} (UTC) they first entered the stage, and the share of them who "
                          "moved on, eventually (later, even in another period), with its 95% Wilson interval")
        out["baseline"] = (f"the pooled conversion of the up to {BASELINE_PERIODS} earlier {spec.every}s with "
                           f"{MIN_ENTRANTS} or more entrants that were not flagged themselves (at least "
                           f"{BASELINE_MIN_PERIODS} needed)")
        out["drop"] = (f"a {spec.every} with {MIN_ENTRANTS} or more entrants whose conversion is below its baseline "
                       f"by a one-sided two-proportion z-test at p < {FLAG_LEVEL:g}; a {spec.every} ending less "
                       "than the stage's p90 time to next before the last event is open: shown, not judged")
    if spec.by:
        out["segments"] = (f"a user's segment is the value of '{spec.by}' on their first mapped event; every "
                           "section is computed again over the segment's users (unmapped events: only those of "
                           "its entrants); entered = moved on + dropped")
        out["segment_difference"] = (f"a stage's conversion in the segment against all other users, by a two-sided "
                                     f"two-proportion z-test at p < {FLAG_LEVEL:g}, when both have {MIN_ENTRANTS} or "
                                     "more entrants")
    return out


def scale_mapping(low: float, high: float, name: str) -> str:
    """The survey-to-emotion mapping, in words, stated beside every survey score."""
    if name == "csat":
        return "CSAT 1-5: emotion = score - 3"
    if name == "nps":
        return "NPS 0-10: emotion = (score - 5) / 2.5"
    return f"scale {low:g}-{high:g}: emotion = -2 + 4 × (score - {low:g}) / {high - low:g}"


def _judged(stage_id: str, kpi: Kpi, kind: str, value: float | None, unit: str) -> KpiValue:

    goal = target_value(kpi.target, unit)
    if value is None:
        status = "no-data"
    elif goal is None:
        status = "no-target"
    else:
        # the map's `better:` wins; without it a time is better shorter, everything else higher
        lower_is_better = kpi.lower_is_better if kpi.better else kind == "median_time"
        status = "met" if (value <= goal if lower_is_better else value >= goal) else "off-target"
    return KpiValue(stage_id, kpi.name, kind, value, unit, kpi.target, goal, status)


def _spread(row: tuple[object, ...]) -> tuple[object, ...]:
    """A row whose last value is the list of STAGE_QUANTILES (NULL: no gaps) as a value each."""
    *head, values = row
    spread: list[object] = list(values) if isinstance(values, list | tuple) else [None] * len(STAGE_QUANTILES)
    return (*head, *spread)


def _first_of(columns: list[str]) -> str:
    """The first non-null of `columns`, or a null time when there are none."""
    return f"COALESCE({', '.join(columns)})" if columns else "CAST(NULL AS DOUBLE)"


def _share(part: int, whole: int | None) -> float | None:
    return round(part / whole, 6) if whole else None


def _round(value: object) -> float | None:
    return None if value is None else round(float(value), 6)  # type: ignore[arg-type]


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat().replace("+00:00", "Z")


def _short(value: str) -> str:

    return short(value, 80)
