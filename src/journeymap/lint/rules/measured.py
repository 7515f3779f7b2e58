"""The map against the data: rules that judge it by a `journeymap measure` snapshot.

They say nothing until a snapshot is given (`journeymap validate MAP --measures SNAPSHOT`),
so they are off by default and on as soon as there is data to judge by.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import Context, JourneyRule, Problem


def _emotion_contradicts_data(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    if ctx.measures is None or ctx.measures.surveys is None:
        return
    scores = {s.touchpoint: s for s in ctx.measures.surveys.touchpoints}
    for t in ctx.journey.touchpoints():
        score = scores.get(t.id)
        if score is not None and score.contradicts and t.emotion is not None:
            yield Problem((*t.path, "emotion"), f"touchpoint '{t.id}' assumes emotion {t.emotion:+d} but "
                          f"{score.responses} survey answers put it at {score.measured_emotion:+.1f} "
                          f"({ctx.measures.surveys.mapping}); correct the emotion or explain the difference")


EMOTION_CONTRADICTS_DATA = JourneyRule(
    RuleInfo(
        id="JM601",
        name="emotion-contradicts-data",
        severity=Severity.WARNING,
        summary="Survey scores contradict the emotion the map assumes.",
        rationale="An emotional curve that customers' own answers contradict sends the team to fix the wrong "
        "moment; once surveys exist, the map should follow them.",
        fix="Change `emotion:` to what customers report, or record why the survey misleads here.",
    ),
    _emotion_contradicts_data,
)


def _kpi_off_target(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    if ctx.measures is None:
        return
    off = {(k.stage, k.name): k for k in ctx.measures.kpis if k.status == "off-target"}
    for stage in ctx.journey.stages:
        for kpi in stage.kpis:
            measured = off.get((stage.id, kpi.name))
            if measured is not None:
                yield Problem(kpi.path, f"KPI '{kpi.name}' of stage '{stage.id}' measures {_shown(measured)} "
                              f"against a target of {kpi.target}; plan work on this stage or revise the target")


def _shown(kpi: Any) -> str:
    if kpi.unit == "share":
        return f"{kpi.value * 100:.1f}%"
    if kpi.unit == "seconds":
        return f"{kpi.value / 3600:.1f}h"
    return f"{kpi.value:.2f}"


KPI_OFF_TARGET = JourneyRule(
    RuleInfo(
        id="JM602",
        name="kpi-off-target",
        severity=Severity.WARNING,
        summary="A measured KPI misses its target.",
        rationale="A KPI computed from the data and off target is the clearest sign of where the journey needs "
        "work; it should be visible in every review of the map.",
        fix="Plan an opportunity for the stage, or change the target if it was never realistic.",
    ),
    _kpi_off_target,
)


def _touchpoint_never_seen(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    if ctx.measures is None:
        return
    never = set(ctx.measures.never_seen)
    for t in ctx.journey.touchpoints():
        if t.id in never and t.signals:
            yield Problem((*t.path, "signals"), f"touchpoint '{t.id}' never happens in "
                          f"{ctx.measures.events_source}: its signals match no event; fix the signals or "
                          "ask whether customers really pass here", key=True)


TOUCHPOINT_NEVER_SEEN = JourneyRule(
    RuleInfo(
        id="JM603",
        name="touchpoint-never-seen",
        severity=Severity.WARNING,
        summary="A touchpoint with signals never appears in the event log.",
        rationale="A touchpoint nobody reaches is either a wrong signal or a step the map imagines; both make "
        "the map less true.",
        fix="Correct the touchpoint's `signals:`, or remove the touchpoint if customers do not pass there.",
    ),
    _touchpoint_never_seen,
)


def _unmapped_share(ctx: Context) -> float | None:
    """The share of the log's events (in the measured range) that no touchpoint's signal claims;
    None without a snapshot, or with no events to share."""
    m = ctx.measures
    if m is None or not m.events_in_range or not m.unmapped_events:
        return None
    return m.unmapped_total / m.events_in_range


def _largest_unmapped(ctx: Context, how_many: int = 3) -> str:
    """`'push_opt_in' (1,204), 'wishlist_opened' (311)`: the largest unmapped names, with their events."""
    assert ctx.measures is not None
    return ", ".join(f"'{u.event}' ({u.events:,})" for u in ctx.measures.unmapped_events[:how_many])


def _data_node(ctx: Context) -> tuple[str, ...]:
    """Where a finding about the whole log goes: the map's `data:`, else its title."""
    return ("data",) if ctx.journey.data else ("title",)


def _unmapped_event_volume(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    share = _unmapped_share(ctx)
    if share is not None and share > float(options["max_share"]):
        assert ctx.measures is not None
        yield Problem(_data_node(ctx), f"{share * 100:.1f}% of the events in {ctx.measures.events_source} belong to "
                      f"no touchpoint (most: {_largest_unmapped(ctx)}); add touchpoints or signals for what customers "
                      "do there", key=True)


UNMAPPED_EVENT_VOLUME = JourneyRule(
    RuleInfo(
        id="JM604",
        name="unmapped-event-volume",
        severity=Severity.INFO,
        summary="Many events in the log belong to no touchpoint.",
        rationale="What customers do a lot of but the map does not show is the journey the team has not drawn "
        "yet.",
        fix="Add touchpoints (or signals to existing ones) for the largest unmapped events.",
        options={"max_share": 0.05},
    ),
    _unmapped_event_volume,
)


def _unmapped_volume_drift(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    share, ceiling = _unmapped_share(ctx), float(options["max_share"])
    if share is None or share <= ceiling:
        return
    assert ctx.measures is not None
    yield Problem(_data_node(ctx), f"{share * 100:.1f}% of the events in {ctx.measures.events_source} belong to no "
                  f"touchpoint, over the ceiling of {ceiling * 100:.1f}% (max_share); the largest unmapped: "
                  f"{_largest_unmapped(ctx)}; add a signal for them to the touchpoint where customers do this (or a "
                  "new touchpoint), or raise `max_share` of unmapped-volume-drift if the log holds events the map "
                  "should not show", key=True)


UNMAPPED_VOLUME_DRIFT = JourneyRule(
    RuleInfo(
        id="JM606",
        name="unmapped-volume-drift",
        severity=Severity.ERROR,
        summary="More of the log's events belong to no touchpoint than the configured ceiling.",
        rationale="When the product ships a feature and the map does not follow, its events land in no "
        "touchpoint and their share of the log grows: the map describes less and less of what customers do. "
        "A ceiling in CI stops the pull request that leaves the map behind (JM604 only notes the volume).",
        fix="Add the largest unmapped events (the message names them) to the `signals:` of the touchpoint where "
        "customers do that, or draw a touchpoint for them; raise `max_share` when the log holds events the map "
        "rightly leaves out.",
        # a fifth: logs carry events no journey map shows (page views, heartbeats, errors), often a tenth of
        # the volume; a ceiling at 20% leaves room for that and still fails when a new feature's events pile up
        options={"max_share": 0.2},
    ),
    _unmapped_volume_drift,
)

RULES = (EMOTION_CONTRADICTS_DATA, KPI_OFF_TARGET, TOUCHPOINT_NEVER_SEEN, UNMAPPED_EVENT_VOLUME, UNMAPPED_VOLUME_DRIFT)
