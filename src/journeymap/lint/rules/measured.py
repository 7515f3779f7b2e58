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


def _unmapped_event_volume(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    m = ctx.measures
    if m is None or not m.events_in_range:
        return
    share = m.unmapped_total / m.events_in_range
    limit = float(options["max_share"])
    if share > limit and m.unmapped_events:
        top = ", ".join(f"'{u.event}' ({u.events:,})" for u in m.unmapped_events[:3])
        where = ("data",) if ctx.journey.data else ("title",)
        yield Problem(where, f"{share * 100:.1f}% of the events in {m.events_source} belong to no touchpoint "
                      f"(most: {top}); add touchpoints or signals for what customers do there", key=True)


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

RULES = (EMOTION_CONTRADICTS_DATA, KPI_OFF_TARGET, TOUCHPOINT_NEVER_SEEN, UNMAPPED_EVENT_VOLUME)
