"""Event logs and survey answers with a known truth, for trying `journeymap measure`, its
tests and its benchmark.

Users walk a map's stages in order; at each stage some go on and the rest drop. The plan
plants what measure must find: a stage where many drop, a loop (users going back from a
later touchpoint to an earlier one), an incident period where one stage converts far worse,
an event no touchpoint claims, a touchpoint nobody reaches, a touchpoint whose survey
scores contradict the map's assumed emotion, and (when asked) a loop confined to one platform
and a few weeks. Deterministic for a seed.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from journeymap.model import Journey

START = datetime.datetime(2026, 9, 7, tzinfo=datetime.UTC)  # a Monday
EVENT_COLUMNS = ("user_id", "event_name", "occurred_at", "platform")
SURVEY_COLUMNS = ("respondent", "touchpoint_id", "csat")


@dataclass(frozen=True)
class Plan:
    users: int = 2000
    weeks: int = 8
    seed: int = 7
    go_on: float = 0.8  # the share of a stage's users who go on to the next stage
    drop_stage: int = 1  # planted: after this stage only `drop_go_on` go on
    drop_go_on: float = 0.35
    loop_from: int = 3  # planted: from this touchpoint index users go back to `loop_to`
    loop_to: int = 1
    loop_share: float = 0.3
    incident_week: int = 5  # planted: users entering `incident_stage` this week go on at `incident_go_on`
    incident_stage: int = 0
    incident_go_on: float = 0.2
    incident_weeks: int = 1  # how many weeks the incident lasts, from `incident_week` (0: no incident)
    unmapped_event: str = "push_opt_in_shown"
    unmapped_share: float = 0.5  # users who also see the unmapped event
    never_seen: int = -1  # planted: this touchpoint index never happens (-1: the last one)
    contradicted: int = 0  # planted: answers at this touchpoint are far below its assumed emotion
    platforms: tuple[str, ...] = ("web", "ios", "android")
    # planted, when given: a loop back from one touchpoint index to an earlier one, taken only by
    # users of one platform who start in a few weeks (an incident confined to one segment and window)
    confined_loop: tuple[int, int] | None = None
    confined_platform: str = "ios"
    confined_week: int = 3
    confined_weeks: int = 1
    confined_share: float = 0.8


@dataclass
class Truth:
    """What the plan planted, by id, for tests to look for."""

    drop_stage: str
    loop: tuple[str, str]
    incident_week_start: str
    incident_stage: str
    unmapped_event: str
    never_seen: str
    contradicted: str
    confined_loop: tuple[str, str] | None = None
    event_names: dict[str, str] = field(default_factory=dict)  # touchpoint id -> the name it emits


def event_name(touchpoint_id: str, patterns: list[str]) -> str:
    """The event a touchpoint emits: its first signal with any glob made concrete."""
    if not patterns:
        return touchpoint_id.replace("-", "_")
    return patterns[0].replace("*", "x").replace("?", "x").replace("[", "").replace("]", "")


def truth_of(journey: Journey, plan: Plan) -> Truth:
    tps = list(journey.touchpoints())
    never = tps[plan.never_seen].id
    week = (START + datetime.timedelta(weeks=plan.incident_week)).date().isoformat()
    return Truth(
        drop_stage=journey.stages[plan.drop_stage].id,
        loop=(tps[plan.loop_from].id, tps[plan.loop_to].id),
        incident_week_start=week,
        incident_stage=journey.stages[plan.incident_stage].id,
        unmapped_event=plan.unmapped_event,
        never_seen=never,
        contradicted=tps[plan.contradicted].id,
        confined_loop=None if plan.confined_loop is None else (
            tps[plan.confined_loop[0]].id, tps[plan.confined_loop[1]].id),
        event_names={t.id: event_name(t.id, [s.event for s in t.signals]) for t in tps},
    )


def events(journey: Journey, plan: Plan) -> Iterator[tuple[str, str, str, str]]:
    """(user, event, ISO time, platform) rows, user by user, in time order within a user."""
    rng = random.Random(plan.seed)
    truth = truth_of(journey, plan)
    stages = [[(i, t) for i, t in enumerate(journey.touchpoints()) if t.stage_id == s.id] for s in journey.stages]
    never = list(journey.touchpoints())[plan.never_seen].id
    span = plan.weeks * 7 * 86400
    week = 7 * 86400.0
    for number in range(plan.users):
        user = f"u{number:07d}"
        platform = plan.platforms[number % len(plan.platforms)]
        t = START.timestamp() + rng.random() * span * 0.85
        confined = _confined(plan, platform, int((t - START.timestamp()) // week))
        out: list[tuple[float, str]] = []
        if rng.random() < plan.unmapped_share:
            out.append((t + rng.random() * 3600, plan.unmapped_event))
        for k, stage in enumerate(stages):
            entered_at = t
            for index, touchpoint in stage:
                if touchpoint.id == never or not touchpoint.signals:
                    continue  # planted as never seen, or a moment no log records
                if rng.random() < 0.92 or index == stage[0][0] or not any(x.signals for _, x in stage):
                    t += 60 + rng.random() * 1800
                    out.append((t, truth.event_names[touchpoint.id]))
                if index == plan.loop_from and rng.random() < plan.loop_share:
                    t += 60 + rng.random() * 600
                    out.append((t, truth.event_names[list(journey.touchpoints())[plan.loop_to].id]))
                    t += 60 + rng.random() * 600
                    out.append((t, truth.event_names[touchpoint.id]))
                if confined is not None and index == confined[0] and rng.random() < plan.confined_share:
                    t += 60 + rng.random() * 600
                    out.append((t, truth.event_names[list(journey.touchpoints())[confined[1]].id]))
                    t += 60 + rng.random() * 600
                    out.append((t, truth.event_names[touchpoint.id]))
            go_on = plan.drop_go_on if k == plan.drop_stage else plan.go_on
            if k == plan.incident_stage and in_incident(plan, int((entered_at - START.timestamp()) // week)):
                go_on = plan.incident_go_on
            if rng.random() >= go_on:
                break
            t += 3600 + rng.random() * 86400 * 2
        for moment, name in out:
            yield user, name, _iso(moment), platform


def in_incident(plan: Plan, week_number: int) -> bool:
    """Whether users entering the incident stage in this week (counted from START) meet the incident."""
    return plan.incident_week <= week_number < plan.incident_week + plan.incident_weeks


def _confined(plan: Plan, platform: str, start_week: int) -> tuple[int, int] | None:
    """The confined loop when this user takes part in it (their platform, a week of its window)."""
    if plan.confined_loop is None or platform != plan.confined_platform:
        return None
    inside = plan.confined_week <= start_week < plan.confined_week + plan.confined_weeks
    return plan.confined_loop if inside else None


def surveys(journey: Journey, plan: Plan) -> Iterator[tuple[str, str, int]]:
    """(respondent, touchpoint id, CSAT 1-5) rows: near the assumed emotion, except at the
    contradicted touchpoint, where customers are much unhappier than the map assumes."""
    rng = random.Random(plan.seed + 1)
    tps = list(journey.touchpoints())
    for number in range(plan.users // 4):
        t = tps[number % len(tps)]
        if t.id == tps[plan.never_seen].id or not t.signals:
            continue
        assumed = t.emotion if t.emotion is not None else 0
        centre = -1.6 if t.id == tps[plan.contradicted].id and assumed >= 0 else assumed
        score = max(1, min(5, round(centre + 3 + rng.uniform(-0.6, 0.6))))
        yield f"u{number:07d}", t.id, score


def write_csv(path: Path, header: tuple[str, ...], rows: Iterator[tuple[object, ...]]) -> int:
    """Write rows as CSV (gzipped when the name ends in .gz); returns how many."""
    count = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    gzipped = path.suffix == ".gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") if gzipped else open(path, "w", newline="") as handle:
        for row in rows:
            writer.writerow(row)
            count += 1
            if count % 10000 == 0:
                handle.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        handle.write(buffer.getvalue())
    return count


def _iso(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(round(seconds), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
