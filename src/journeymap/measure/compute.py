"""The measures of one journey over one event log (and surveys): the numbers in a MeasuresSnapshot.

Definitions (docs/measure.md says them for users; tests/measure/reference.py computes them
again in plain Python):

- Events are the log's rows with a user, an event name and a time inside --since/--until.
  A mapped event is one a touchpoint's signal claims. Entrants: users with a mapped event.
- A user entered a stage at their first event in it; moved on when they have an event in a
  later stage at or after that moment; the time to the next stage runs to the first such
  event ("eventual" next stage, gaps allowed).
- The funnel is ordered: step 1 is the users who entered the first stage; step k those of
  step k-1 with an event in stage k at or after the moment they reached step k-1 (and, with a
  window, within it of their first step). It never increases.
- Back-steps: consecutive mapped events of a user (by time, ties by map order) whose
  touchpoint comes earlier in the map than the one before.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from journeymap.errors import JourneymapError
from journeymap.measure import classify
from journeymap.measure.engine import Engine
from journeymap.measure.spec import EVERY, Spec
from journeymap.measures import (
    BackStep,
    FunnelStep,
    KpiValue,
    MeasuresSnapshot,
    PeriodConversion,
    Segment,
    StageMeasure,
    StagePeriods,
    Surveys,
    SurveyScore,
    TouchpointMeasure,
    UnmappedEvent,
)
from journeymap.model import Journey, Kpi

# 1970-01-01 was a Thursday: weeks start on the Monday four days later
_WEEK_OFFSET = 4 * 86400.0
# surveys: how many answers a touchpoint needs before its score is judged against the map
MIN_RESPONSES = 5
# how far (on -2..+2) the measured emotion may be from the assumed one before they contradict
CONTRADICTION = 1.0
# a period falls sharply when its conversion is this far below the median of the (up to 4,
# at least 2) periods before it, with at least this many entrants
SHARP_DROP, DROP_HISTORY, DROP_MIN_ENTRANTS = 0.25, 4, 20
LIST_LIMIT = 50
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
                from journeymap.schema import did_you_mean

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
        st = self._stage_case("tp")
        seg = f"CAST({q(src.column(self.spec.by))} AS STRING)" if self.spec.by else "CAST(NULL AS STRING)"
        ses = f"CAST({q(src.session)} AS STRING)" if src.session else "CAST(NULL AS STRING)"
        window = []
        if self.spec.since is not None:
            window.append(f"t >= {self.spec.since!r}")
        if self.spec.until is not None:
            window.append(f"t < {self.spec.until!r}")
        in_range = " AND ".join(window) or "TRUE"
        e.table("ev0", f"""
            SELECT u, t, tp, {st} AS st, CASE WHEN tp IS NULL THEN name END AS un, seg, ses,
                   CASE WHEN t IS NULL THEN rawt END AS badt
            FROM (
                SELECT {e.user_key(f"CAST({user} AS STRING)")} AS u, CAST({event} AS STRING) AS name,
                       {e.seconds(time, kinds[src.time])} AS t, CAST({time} AS STRING) AS rawt,
                       {tp} AS tp, {seg} AS seg, {ses} AS ses
                FROM raw r LEFT JOIN claims c ON c.{classify.NAME} = CAST({event} AS STRING)
                WHERE {user} IS NOT NULL AND {event} IS NOT NULL AND {time} IS NOT NULL
            ) x
            WHERE t IS NULL OR ({in_range})
        """)
        bad = e.rows("SELECT badt FROM ev0 WHERE badt IS NOT NULL LIMIT 1")
        if bad:
            from journeymap.measure.locate import row_of

            value = str(bad[0][0])
            where = row_of(src.files, src.format, src.time, value) if src.files else src.named
            raise JourneymapError(
                f"{where}: cannot read '{_short(value)}' in column '{src.time}' as a time; write ISO 8601 "
                "(2026-01-31T08:00:00Z) or seconds since 1970"
            )
        (self.rows_read,) = e.rows("SELECT count(*) FROM raw")[0]
        e.table("ev", "SELECT u, t, tp, st, seg, ses FROM ev0 WHERE tp IS NOT NULL")

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
        # one row a user and touchpoint, then one a user and stage: every later count reads these
        e.table("ut", "SELECT u, tp, min(st) AS st, count(*) AS n, min(t) AS f FROM ev GROUP BY u, tp")
        e.table("fs", "SELECT u, st, min(f) AS f FROM ut GROUP BY u, st")
        (mapped,) = e.rows("SELECT coalesce(sum(n), 0) FROM ut")[0]
        (entrants,) = e.rows("SELECT count(DISTINCT u) FROM fs")[0]
        touchpoints = self.touchpoint_measures(int(entrants))
        unmapped, unmapped_total = self.unmapped()
        say("following users from stage to stage")
        e.table("moves", """
            SELECT f.u, f.st, f.f, min(e.t) AS nx
            FROM fs f LEFT JOIN ev e ON e.u = f.u AND e.st > f.st AND e.t >= f.f
            GROUP BY f.u, f.st, f.f
        """)
        stages = self.stage_measures("moves")
        say("building the funnel")
        funnel_tables = self.funnel_tables()
        funnel = _steps(
            [s.id for s in self.journey.stages], [int(e.rows(f"SELECT count(*) FROM {t}")[0][0]) for t in funnel_tables]
        )
        say("finding back-steps")
        back, transitions = self.back_steps()
        say("computing KPIs and surveys")
        kpis = [self.kpi(stage.id, kpi, int(entrants)) for stage in self.journey.stages for kpi in stage.kpis]
        surveys = self.surveys()
        periods = self.periods() if self.spec.every else []
        segments = self.segments(funnel_tables) if self.spec.by else []
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
            back_steps=back,
            transitions=transitions,
            every=self.spec.every,
            periods=periods,
            by=self.spec.by,
            segments=segments,
        )

    def touchpoint_measures(self, entrants: int) -> list[TouchpointMeasure]:
        counts = {int(r[0]): (int(r[1]), int(r[2])) for r in self.e.rows(
            "SELECT tp, sum(n), count(*) FROM ut GROUP BY tp")}
        out = []
        for index, t in enumerate(self.touchpoints):
            events, users = counts.get(index, (0, 0))
            out.append(TouchpointMeasure(t.id, t.stage_id, users, events, _share(users, entrants), t.emotion))
        return out

    def unmapped(self) -> tuple[list[UnmappedEvent], int]:
        rows = self.e.rows(f"""
            SELECT un, count(*) AS n, count(DISTINCT u) FROM ev0 WHERE un IS NOT NULL
            GROUP BY un ORDER BY n DESC, un LIMIT {LIST_LIMIT}
        """)
        (total,) = self.e.rows("SELECT count(*) FROM ev0 WHERE un IS NOT NULL")[0]
        return [UnmappedEvent(str(r[0]), int(r[1]), int(r[2])) for r in rows], int(total)

    def stage_measures(self, moves: str, where: str = "", group: str = "") -> list[StageMeasure]:
        e = self.e
        gap = "nx - f"
        select_group = f"{group}, " if group else ""
        rows = e.rows(f"""
            SELECT {select_group}st, count(*), count(nx), {e.quantile(gap, 0.5)}, {e.quantile(gap, 0.9)}
            FROM {moves} {where} GROUP BY {select_group}st
        """)
        return self._stage_rows(rows)

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

    def funnel_tables(self) -> list[str]:
        e, window = self.e, self.spec.window_seconds
        names: list[str] = []
        for index in range(len(self.journey.stages)):
            name = f"funnel{index}"
            if index == 0:
                e.table(name, "SELECT u, f AS t0, f AS tk FROM fs WHERE st = 0")
            else:
                within = f" AND e.t <= c.t0 + {window!r}" if window is not None else ""
                e.table(name, f"""
                    SELECT c.u, c.t0, min(e.t) AS tk FROM {names[-1]} c
                    JOIN ev e ON e.u = c.u AND e.st = {index} AND e.t >= c.tk{within}
                    GROUP BY c.u, c.t0
                """)
            names.append(name)
        return names

    def back_steps(self) -> tuple[list[BackStep], int]:
        e = self.e
        e.table("steps", """
            SELECT u, p, tp FROM (
                SELECT u, tp, LAG(tp) OVER (PARTITION BY u ORDER BY t, tp) AS p FROM ev
            ) x WHERE p IS NOT NULL AND p <> tp
        """)
        rows = e.rows(f"""
            SELECT p, tp, count(*) AS n, count(DISTINCT u) FROM steps WHERE p > tp
            GROUP BY p, tp ORDER BY n DESC, p, tp LIMIT {LIST_LIMIT}
        """)
        (transitions,) = e.rows("SELECT count(*) FROM steps")[0]
        ids = [t.id for t in self.touchpoints]
        return [BackStep(ids[int(r[0])], ids[int(r[1])], int(r[2]), int(r[3])) for r in rows], int(transitions)

    # --- KPIs ----------------------------------------------------------------------------
    def _where(self, step_id: str, alias: str = "") -> str:
        prefix = f"{alias}." if alias else ""
        for index, t in enumerate(self.touchpoints):
            if t.id == step_id:
                return f"{prefix}tp = {index}"
        index = next(i for i, s in enumerate(self.journey.stages) if s.id == step_id)
        return f"{prefix}st = {index}"

    def kpi(self, stage_id: str, kpi: Kpi, entrants: int) -> KpiValue | None:
        m = kpi.measure
        if m is None:
            return None
        e = self.e
        value: float | None
        if m.kind == "reach":
            (users,) = e.rows(f"SELECT count(DISTINCT u) FROM ut WHERE {self._where(m.source)}")[0]
            value, unit = _share(int(users), entrants), "share"  # from ut: one row a user and touchpoint
        elif m.kind in ("conversion", "median_time"):
            within = f" AND e.t <= x.f + {m.seconds!r}" if m.kind == "conversion" and m.seconds is not None else ""
            joined = f"""
                SELECT x.u, x.f, min(e.t) AS y
                FROM (SELECT u, min(t) AS f FROM ev WHERE {self._where(m.source)} GROUP BY u) x
                LEFT JOIN ev e ON e.u = x.u AND {self._where(m.target, 'e')} AND e.t >= x.f{within}
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
        kinds = e.load("sv_raw", src.files, src.format, keep=wanted)
        for role, column in (("touchpoint", src.touchpoint), ("score", src.score), ("user", src.user)):
            if column and column not in kinds:
                from journeymap.schema import did_you_mean

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
        rows = self.e.rows("SELECT tid, count(*), avg(s) FROM sv WHERE ok = 1 GROUP BY tid ORDER BY tid")
        (skipped,) = self.e.rows("SELECT count(*) FROM sv WHERE ok = 0")[0]
        assumed = {t.id: t.emotion for t in self.touchpoints}
        scores, unknown = [], []
        order = {t.id: i for i, t in enumerate(self.touchpoints)}
        for tid, responses, mean in rows:
            if tid not in assumed:
                unknown.append(str(tid))
                continue
            emotion = -2 + 4 * (float(mean) - low) / (high - low)
            guess = assumed[tid]
            judged = guess is not None and int(responses) >= MIN_RESPONSES
            contradicts = judged and abs(emotion - (guess or 0)) >= CONTRADICTION
            scores.append(SurveyScore(str(tid), int(responses), _round(mean) or 0.0, _round(emotion) or 0.0,
                                      guess, contradicts))
        scores.sort(key=lambda s: order[s.touchpoint])
        return Surveys(src.scale_name, scale_mapping(low, high, src.scale_name), int(skipped), scores, unknown)

    # --- over time and by segment ---------------------------------------------------------
    def periods(self) -> list[StagePeriods]:
        assert self.spec.every is not None
        size = EVERY[self.spec.every]
        offset = _WEEK_OFFSET if self.spec.every == "week" else 0.0
        rows = self.e.rows(f"""
            SELECT st, CAST(floor((f - {offset!r}) / {size!r}) AS BIGINT) AS p, count(*), count(nx)
            FROM moves GROUP BY st, p ORDER BY st, p
        """)
        out = []
        for index, stage in enumerate(self.journey.stages[:-1]):
            mine = [(int(r[1]), int(r[2]), int(r[3])) for r in rows if int(r[0]) == index]
            out.append(StagePeriods(stage.id, flagged_periods(mine, size, offset)))
        return out

    def segments(self, funnel_tables: list[str]) -> list[Segment]:
        e = self.e
        e.table("users", """
            SELECT u, seg FROM (
                SELECT u, seg, row_number() OVER (PARTITION BY u ORDER BY t, seg NULLS LAST) AS r FROM ev
            ) x WHERE r = 1
        """)
        entrants = {r[0]: int(r[1]) for r in e.rows("SELECT seg, count(*) FROM users GROUP BY seg")}
        e.table("moves_by", "SELECT m.*, s.seg FROM moves m JOIN users s ON s.u = m.u")
        stage_rows = e.rows(f"""
            SELECT seg, st, count(*), count(nx), {e.quantile('nx - f', 0.5)}, {e.quantile('nx - f', 0.9)}
            FROM moves_by GROUP BY seg, st
        """)
        counts: dict[object, list[int]] = {value: [0] * len(funnel_tables) for value in entrants}
        for index, table in enumerate(funnel_tables):
            for value, n in e.rows(f"SELECT s.seg, count(*) FROM {table} c JOIN users s ON s.u = c.u GROUP BY s.seg"):
                counts[value][index] = int(n)
        ids = [s.id for s in self.journey.stages]
        values = sorted(entrants, key=lambda v: (-entrants[v], v is None, str(v)))
        return [
            Segment(
                None if value is None else str(value),
                entrants[value],
                _steps(ids, counts[value]),
                self._stage_rows([r[1:] for r in stage_rows if r[0] == value]),
            )
            for value in values
        ]


def flagged_periods(rows: list[tuple[int, int, int]], size: float, offset: float) -> list[PeriodConversion]:
    """(period index, entered, moved on) in order -> periods, each flagged when it falls sharply
    below the median conversion of the periods before it."""
    out: list[PeriodConversion] = []
    history: list[float] = []
    for period, entered, moved in rows:
        conversion = _share(moved, entered)
        sharp = False
        if conversion is not None and len(history) >= 2 and entered >= DROP_MIN_ENTRANTS:
            typical = statistics.median(history[-DROP_HISTORY:])
            sharp = conversion < typical * (1 - SHARP_DROP)
        start = datetime.datetime.fromtimestamp(period * size + offset, datetime.UTC).date().isoformat()
        out.append(PeriodConversion(start, entered, moved, conversion, sharp))
        if conversion is not None and entered >= DROP_MIN_ENTRANTS:
            history.append(conversion)
    return out


def scale_mapping(low: float, high: float, name: str) -> str:
    """The survey-to-emotion mapping, in words, stated beside every survey score."""
    if name == "csat":
        return "CSAT 1-5: emotion = score - 3"
    if name == "nps":
        return "NPS 0-10: emotion = (score - 5) / 2.5"
    return f"scale {low:g}-{high:g}: emotion = -2 + 4 × (score - {low:g}) / {high - low:g}"


def _judged(stage_id: str, kpi: Kpi, kind: str, value: float | None, unit: str) -> KpiValue:
    from journeymap.measure.targets import target_value

    goal = target_value(kpi.target, unit)
    if value is None:
        status = "no-data"
    elif goal is None:
        status = "no-target"
    else:
        lower_is_better = kind == "median_time"
        status = "met" if (value <= goal if lower_is_better else value >= goal) else "off-target"
    return KpiValue(stage_id, kpi.name, kind, value, unit, kpi.target, goal, status)


def _steps(ids: list[str], counts: list[int]) -> list[FunnelStep]:
    first = counts[0] if counts else 0
    out = []
    for index, (stage_id, users) in enumerate(zip(ids, counts, strict=True)):
        previous = counts[index - 1] if index else None
        out.append(FunnelStep(stage_id, users, _share(users, previous) if previous is not None else None,
                              _share(users, first)))
    return out


def _share(part: int, whole: int | None) -> float | None:
    return round(part / whole, 6) if whole else None


def _round(value: object) -> float | None:
    return None if value is None else round(float(value), 6)  # type: ignore[arg-type]


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat().replace("+00:00", "Z")


def _short(value: str) -> str:
    from journeymap.strings import short

    return short(value, 80)
