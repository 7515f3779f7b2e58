"""What a measure run found, as typed records, and its versioned JSON form.

The JSON snapshot (`journeymap measure --format json`) is a contract: `journeymap_measures`
is its version; keys may be added within a version, never removed or renamed. docs/measure.md
documents every field. `render --measures`, `validate --measures` (the JM6xx rules) and `diff`
read it back with `snapshot_from_json`; `MeasuresByMap` finds the snapshot of a map for all of them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from journeymap.errors import JourneymapError

VERSION = 1


@dataclass
class TouchpointMeasure:
    id: str
    stage: str
    users: int
    events: int
    share: float | None  # of journey entrants
    assumed_emotion: int | None = None


@dataclass
class StageMeasure:
    id: str
    entered: int
    moved_on: int | None  # None for the last stage: there is no later one
    dropped: int | None
    median_seconds_to_next: float | None
    p90_seconds_to_next: float | None


@dataclass
class EventShare:
    """An event users did at a moment of the funnel: a touchpoint (an event a signal claims) or
    the name of an event no touchpoint claims."""

    name: str  # touchpoint id, or event name
    kind: str  # "touchpoint" | "event"
    users: int
    share: float | None  # of the users the list is about


@dataclass
class ConvertBucket:
    up_to_seconds: float | None  # the bucket holds times below this and at or above the one before; None: no end
    users: int


@dataclass
class FunnelStep:
    stage: str
    users: int
    of_previous: float | None  # of the previous step that is not optional
    of_first: float | None
    # everything below is absent from snapshots written before funnels had it (docs/measure.md)
    optional: bool = False
    dropped: int | None = None  # users whose last step this is; None for the last step
    # time to convert into this step from the step the user reached before it (None for step 1)
    median_seconds: float | None = None
    p75_seconds: float | None = None
    p95_seconds: float | None = None
    histogram: list[ConvertBucket] = field(default_factory=list)
    # what users who left at this step did next, and what users did just before reaching it
    next_events: list[EventShare] = field(default_factory=list)
    next_none: int = 0  # of `dropped`: no event after
    before_events: list[EventShare] = field(default_factory=list)
    before_none: int = 0  # of `users`: no event before


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


@dataclass
class KpiValue:
    stage: str
    name: str
    kind: str
    value: float | None
    unit: str  # share | seconds | score
    target: str
    target_value: float | None
    status: str  # met | off-target | no-target | no-data

    def shown(self) -> str:
        """The value as a reader writes it: 93.8%, 15.4m, 3.02; "no data" without one."""
        if self.value is None:
            return "no data"
        if self.unit == "share":
            return percent(self.value)
        if self.unit == "seconds":
            return duration(self.value)
        return f"{self.value:.2f}"


@dataclass
class SurveyScore:
    touchpoint: str
    responses: int
    mean_score: float
    measured_emotion: float
    assumed_emotion: int | None
    contradicts: bool
    # the 95% interval of measured_emotion (a t interval of the mean answer, on -2..+2); None
    # below two answers or in a snapshot written before intervals were measured
    emotion_low: float | None = None
    emotion_high: float | None = None


@dataclass
class Surveys:
    scale: str
    mapping: str
    rows_skipped: int
    touchpoints: list[SurveyScore] = field(default_factory=list)
    unknown_touchpoints: list[str] = field(default_factory=list)


@dataclass
class UnmappedEvent:
    event: str
    events: int
    users: int


@dataclass
class BackStep:
    source: str  # the touchpoint the user was at
    target: str  # the earlier touchpoint they went back to
    transitions: int
    users: int


@dataclass
class PeriodConversion:
    start: str  # ISO date the period begins (UTC)
    entered: int  # users who entered the stage for the first time in this period
    moved_on: int
    conversion: float | None
    sharp_drop: bool  # conversion significantly below the baseline (see compute.flagged_periods)
    low: float | None = None  # the 95% Wilson interval of conversion
    high: float | None = None
    baseline: float | None = None  # pooled conversion of the earlier, unflagged periods it is tested against
    baseline_entered: int = 0
    baseline_periods: int = 0
    p_value: float | None = None  # one-sided: conversion below the baseline by chance alone
    open: bool = False  # its users have not all had the time to move on before the log ends: not judged


@dataclass
class StagePeriods:
    stage: str
    periods: list[PeriodConversion]


@dataclass
class SegmentDifference:
    """A stage's conversion in one segment against the users of every other segment."""

    stage: str
    conversion: float | None
    low: float | None  # the 95% Wilson interval of conversion
    high: float | None
    rest_conversion: float | None
    p_value: float | None  # two-sided two-proportion test
    differs: str  # "lower", "higher", or "" (not significant, or too few users to judge)


@dataclass
class Segment:
    value: str | None
    entrants: int
    funnel: list[FunnelStep]
    stages: list[StageMeasure]
    # every other section, split the same way (absent from snapshots written before they were)
    touchpoints: list[TouchpointMeasure] = field(default_factory=list)
    differences: list[SegmentDifference] = field(default_factory=list)
    back_steps: list[BackStep] = field(default_factory=list)
    back_step_total: int | None = None
    back_step_kinds: int | None = None
    transitions: int = 0
    unmapped_events: list[UnmappedEvent] = field(default_factory=list)
    unmapped_total: int = 0
    periods: list[StagePeriods] = field(default_factory=list)


@dataclass
class CellShare:
    """A path's users in one period (--every) and segment (--by), against the rest of the log."""

    period: str | None  # ISO date the period begins; None without --every
    segment: str | None  # None without --by (or users without a value)
    users: int
    entrants: int  # journey entrants of the period and segment
    share: float | None  # users / entrants
    baseline: float | None  # the path's share among the entrants of every other period and segment
    excess_users: float  # users beyond what the baseline expects of this many entrants


@dataclass
class PeriodShare:
    start: str
    users: int
    entrants: int
    share: float | None
    change: float | None  # share minus the previous period's share


@dataclass
class SegmentShare:
    value: str | None
    users: int
    entrants: int
    share: float | None


@dataclass
class Deviation:
    """A way users leave the map's model: a stage sequence (a variant) or one step back."""

    path: list[str]  # variant: the stage ids in order, repeats collapsed; back-step: [from, to] touchpoints
    users: int
    share: float | None  # of journey entrants
    transitions: int | None  # back-steps: how many times it was taken; None for variants
    excess_users: float | None  # the largest excess in any period and segment; None with only one of them
    peak: CellShare | None  # the period and segment of that excess
    periods: list[PeriodShare] = field(default_factory=list)
    segments: list[SegmentShare] = field(default_factory=list)

    def shown(self, most: int = 12) -> str:
        """The path as people read it; a long browsing path keeps its start and end."""
        if len(self.path) <= most:
            return " > ".join(self.path)
        head, tail = self.path[: most - 3], self.path[-2:]
        return " > ".join(head) + f" > … {len(self.path) - len(head) - len(tail)} more > " + " > ".join(tail)


@dataclass
class SkippedTouchpoint:
    touchpoint: str
    stage: str
    users: int  # entered the stage but never had this touchpoint
    share: float | None  # of the stage's entrants


@dataclass
class Conformance:
    """How well the map, as a model of the journey, describes the log (docs/measure.md, "Conformance")."""

    fitness_users: float | None
    fitness_transitions: float | None
    fitting_users: int
    entrants: int
    fitting_transitions: int
    transitions: int
    returns: list[list[str]]  # the declared returns, [from stage, to stage]
    variants: list[Deviation] = field(default_factory=list)
    back_steps: list[Deviation] = field(default_factory=list)
    skipped: list[SkippedTouchpoint] = field(default_factory=list)

    def worst_path(self) -> Deviation | None:
        """The deviation to name first: the top variant, else the top back-step."""
        found = self.variants or self.back_steps
        return found[0] if found else None


@dataclass
class MeasuresSnapshot:
    """What `journeymap measure` found for one map: the JSON snapshot, typed."""

    map_path: str
    map_id: str
    map_title: str
    engine: str
    events_source: str
    rows_read: int
    rows_skipped: int
    events_in_range: int
    mapped_events: int
    entrants: int
    since: str | None
    until: str | None
    window_seconds: float | None
    touchpoints: list[TouchpointMeasure]
    stages: list[StageMeasure]
    funnel: list[FunnelStep]
    kpis: list[KpiValue]
    surveys: Surveys | None
    unmapped_events: list[UnmappedEvent]
    unmapped_total: int
    never_seen: list[str]
    unmatched_signals: list[dict[str, str]]
    back_steps: list[BackStep]
    transitions: int
    every: str | None = None
    periods: list[StagePeriods] = field(default_factory=list)
    by: str | None = None
    segments: list[Segment] = field(default_factory=list)
    without_signals: list[str] = field(default_factory=list)  # touchpoints no event can show
    # every back-step (back_steps lists the LIST_LIMIT largest kinds of back_step_kinds); None in
    # snapshots written before the total was kept
    back_step_total: int | None = None
    back_step_kinds: int | None = None
    # what each number means in this run (name -> a sentence), stated beside it in every output
    definitions: dict[str, str] = field(default_factory=dict)

    def back_steps_counted(self) -> int:
        """Every back-step; an older snapshot without the total gives the sum of its listed kinds."""
        return self.back_step_total if self.back_step_total is not None else sum(b.transitions
                                                                                  for b in self.back_steps)
    conformance: Conformance | None = None  # None in snapshots written before conformance existed
    funnel_order: str = "eventual"  # eventual | strict (snapshots before the option: eventual)
    funnel_exclusions: list[str] = field(default_factory=list)  # event names or patterns
    unmatched_exclusions: list[str] = field(default_factory=list)  # of those, the ones no unmapped event matches

    def touchpoint(self, touchpoint_id: str) -> TouchpointMeasure | None:
        return next((t for t in self.touchpoints if t.id == touchpoint_id), None)

    def measured_emotions(self) -> dict[str, float]:
        """Touchpoint id -> the emotion customers report (from the surveys), on -2..+2, each a
        MeasuredEmotion that also carries its interval and number of answers."""
        if self.surveys is None:
            return {}
        return {s.touchpoint: MeasuredEmotion.of(s) for s in self.surveys.touchpoints}

    def survey(self, touchpoint_id: str) -> SurveyScore | None:
        if self.surveys is None:
            return None
        return next((s for s in self.surveys.touchpoints if s.touchpoint == touchpoint_id), None)

    def measured_kpis(self) -> dict[tuple[str, str], tuple[str, str]]:
        """(stage id, KPI name) -> (the measured value as written, its status: met, off-target,
        no-target), for the KPIs the log measured; KPIs without data are left out."""
        return {(k.stage, k.name): (k.shown(), k.status) for k in self.kpis if k.value is not None}

    def funnel_shares(self) -> dict[str, float]:
        """Stage id -> the share of the funnel's first stage that reached it (stages nobody entered left out)."""
        return {f.stage: f.of_first for f in self.funnel if f.of_first is not None}


class MeasuredEmotion(float):
    """A measured emotion that is still a float (every reader of measured_emotions keeps working)
    and carries its 95% interval and number of answers, for the curve to draw as a band."""

    low: float | None
    high: float | None
    answers: int

    @classmethod
    def of(cls, score: SurveyScore) -> MeasuredEmotion:
        made = cls(score.measured_emotion)
        made.low, made.high, made.answers = score.emotion_low, score.emotion_high, score.responses
        return made


@dataclass(frozen=True)
class MeasuresByMap:
    """The snapshots a command was given, found by the map they measured: by the map's id, else (a map
    without an id) by its path as `measure` was given it. The one lookup `validate --measures`,
    `render --measures` and the rules share."""

    snapshots: Mapping[str, MeasuresSnapshot] = field(default_factory=dict)

    @classmethod
    def of(cls, snapshots: list[MeasuresSnapshot]) -> MeasuresByMap:
        return cls({(s.map_id or s.map_path): s for s in snapshots})

    def for_map(self, map_id: str, path: str) -> MeasuresSnapshot | None:
        return (self.snapshots.get(map_id) if map_id else None) or self.snapshots.get(path)

    def __bool__(self) -> bool:
        return bool(self.snapshots)


def snapshot_json(snapshot: MeasuresSnapshot) -> str:
    fields = dataclasses.asdict(snapshot)
    # the definitions come first: a reader of the file meets what the numbers mean before them
    body = {"journeymap_measures": VERSION, "definitions": fields.pop("definitions"), **fields}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def snapshot_from_json(text: str, where: str) -> MeasuresSnapshot:
    """The one snapshot of a document; JourneymapError (one line) when it is not one journeymap
    wrote, or when it holds several maps (read those with snapshots_from_json)."""
    found = snapshots_from_json(text, where)
    if len(found) != 1:
        raise JourneymapError(f"{where}: holds the measures of {len(found)} maps where one was expected")
    return found[0]


def snapshots_from_json(text: str, where: str) -> list[MeasuresSnapshot]:
    """Every snapshot of a document `measure --format json` wrote: one object for one map, a
    list of them for several."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise JourneymapError(f"{where}: not a measures snapshot: invalid JSON ({exc})") from None
    if isinstance(raw, list) and raw:
        return [_checked(item, f"{where}, map {number}") for number, item in enumerate(raw, start=1)]
    return [_checked(raw, where)]


def _checked(raw: Any, where: str) -> MeasuresSnapshot:
    if not isinstance(raw, dict) or "journeymap_measures" not in raw:
        raise JourneymapError(f"{where}: not a measures snapshot (no 'journeymap_measures' key); "
                              "write one with journeymap measure --format json")
    if raw["journeymap_measures"] != VERSION:
        raise JourneymapError(f"{where}: snapshot version {raw['journeymap_measures']!r} is not {VERSION}; "
                              "measure again with this journeymap")
    try:
        return _snapshot(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise JourneymapError(f"{where}: a damaged measures snapshot ({type(exc).__name__}: {exc})") from None


def _text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or exc
        raise JourneymapError(f"{path}: cannot read the measures snapshot: {why}") from None


def read_snapshot(path: str) -> MeasuresSnapshot:
    return snapshot_from_json(_text(path), path)


def read_snapshots(path: str) -> list[MeasuresSnapshot]:
    """Every map's snapshot in the file (one, or several from one measure run)."""
    return snapshots_from_json(_text(path), path)


def snapshots_by_map(paths: list[str]) -> MeasuresByMap:
    """The snapshots in these files, each found by the map it measured (a file may hold several)."""
    return MeasuresByMap.of([s for p in paths for s in read_snapshots(p)])


def moved_pairs(
    old: list[MeasuresSnapshot], new: list[MeasuresSnapshot]
) -> list[tuple[MeasuresSnapshot, MeasuresSnapshot]]:
    """The snapshots of the same map in two documents, paired by MeasuresByMap's lookup, in the
    new document's order; a document of one map pairs with the other's one map whatever its id."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    before = MeasuresByMap.of(old)
    pairs = []
    for snapshot in new:
        match = before.for_map(snapshot.map_id, snapshot.map_path)
        if match is not None:
            pairs.append((match, snapshot))
    return pairs


def _snapshot(raw: dict[str, Any]) -> MeasuresSnapshot:
    surveys = raw.get("surveys")
    return MeasuresSnapshot(
        **{k: raw[k] for k in (
            "map_path", "map_id", "map_title", "engine", "events_source", "rows_read", "rows_skipped",
            "events_in_range", "mapped_events", "entrants", "since", "until", "window_seconds",
            "unmapped_total", "never_seen", "unmatched_signals", "transitions", "every", "by",
        )},
        without_signals=list(raw.get("without_signals", [])),
        back_step_total=raw.get("back_step_total"),
        back_step_kinds=raw.get("back_step_kinds"),
        definitions=dict(raw.get("definitions", {})),
        touchpoints=[TouchpointMeasure(**t) for t in raw["touchpoints"]],
        stages=[StageMeasure(**s) for s in raw["stages"]],
        funnel=[funnel_step(f) for f in raw["funnel"]],
        funnel_order=raw.get("funnel_order", "eventual"),
        funnel_exclusions=list(raw.get("funnel_exclusions", [])),
        unmatched_exclusions=list(raw.get("unmatched_exclusions", [])),
        kpis=[KpiValue(**k) for k in raw["kpis"]],
        surveys=None if surveys is None else Surveys(
            scale=surveys["scale"], mapping=surveys["mapping"], rows_skipped=surveys["rows_skipped"],
            touchpoints=[SurveyScore(**s) for s in surveys["touchpoints"]],
            unknown_touchpoints=list(surveys["unknown_touchpoints"]),
        ),
        unmapped_events=[UnmappedEvent(**u) for u in raw["unmapped_events"]],
        back_steps=[BackStep(**b) for b in raw["back_steps"]],
        periods=_periods(raw.get("periods", [])),
        segments=[_segment(s) for s in raw.get("segments", [])],
        conformance=_conformance(raw.get("conformance")),
    )


def funnel_step(raw: dict[str, Any]) -> FunnelStep:
    shares = ("next_events", "before_events")
    plain = {k: v for k, v in raw.items() if k not in (*shares, "histogram")}
    return FunnelStep(
        **plain,
        histogram=[ConvertBucket(**b) for b in raw.get("histogram", [])],
        next_events=[EventShare(**x) for x in raw.get("next_events", [])],
        before_events=[EventShare(**x) for x in raw.get("before_events", [])],
    )


def _periods(raw: list[dict[str, Any]]) -> list[StagePeriods]:
    return [StagePeriods(p["stage"], [PeriodConversion(**c) for c in p["periods"]]) for p in raw]


def _segment(raw: dict[str, Any]) -> Segment:
    return Segment(
        raw["value"], raw["entrants"], [funnel_step(f) for f in raw["funnel"]],
        [StageMeasure(**m) for m in raw["stages"]],
        touchpoints=[TouchpointMeasure(**t) for t in raw.get("touchpoints", [])],
        differences=[SegmentDifference(**d) for d in raw.get("differences", [])],
        back_steps=[BackStep(**b) for b in raw.get("back_steps", [])],
        back_step_total=raw.get("back_step_total"),
        back_step_kinds=raw.get("back_step_kinds"),
        transitions=raw.get("transitions", 0),
        unmapped_events=[UnmappedEvent(**u) for u in raw.get("unmapped_events", [])],
        unmapped_total=raw.get("unmapped_total", 0),
        periods=_periods(raw.get("periods", [])),
    )


def _conformance(raw: dict[str, Any] | None) -> Conformance | None:
    if raw is None:
        return None
    return Conformance(
        **{k: raw[k] for k in ("fitness_users", "fitness_transitions", "fitting_users", "entrants",
                               "fitting_transitions", "transitions", "returns")},
        variants=[_deviation(d) for d in raw["variants"]],
        back_steps=[_deviation(d) for d in raw["back_steps"]],
        skipped=[SkippedTouchpoint(**x) for x in raw["skipped"]],
    )


def _deviation(raw: dict[str, Any]) -> Deviation:
    peak = raw["peak"]
    return Deviation(
        path=list(raw["path"]), users=raw["users"], share=raw["share"], transitions=raw["transitions"],
        excess_users=raw["excess_users"], peak=None if peak is None else CellShare(**peak),
        periods=[PeriodShare(**p) for p in raw["periods"]],
        segments=[SegmentShare(**x) for x in raw["segments"]],
    )
