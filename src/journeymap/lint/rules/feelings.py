"""Emotions, pain points and the opportunities that address them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import Context, JourneyRule, Problem
from journeymap.model import own


def _touchpoint_without_emotion(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for t in ctx.journey.touchpoints():
        if t.emotion is None:
            yield Problem(t.path, f"touchpoint '{t.id}' has no emotion: a hole in the emotional curve; add "
                                  "`emotion:` from -2 to +2, measured with customers")


TOUCHPOINT_WITHOUT_EMOTION = JourneyRule(
    RuleInfo(
        id="JM201",
        name="touchpoint-without-emotion",
        severity=Severity.WARNING,
        summary="A touchpoint has no emotion score.",
        rationale="The emotional curve is what makes a journey map more than a process chart; every hole in it "
        "hides a moment that may matter most.",
        fix="Add `emotion:` from -2 (very negative) to +2 (very positive), based on research.",
    ),
    _touchpoint_without_emotion,
)


def _dip_without_pain_point(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for t in ctx.journey.touchpoints():
        if t.emotion is not None and t.emotion <= -1 and not t.pain_points:
            yield Problem((*t.path, "emotion"), f"touchpoint '{t.id}' feels negative ({t.emotion:+d}) but records "
                                                "no pain point; say what goes wrong here")


DIP_WITHOUT_PAIN_POINT = JourneyRule(
    RuleInfo(
        id="JM202",
        name="dip-without-pain-point",
        severity=Severity.WARNING,
        summary="A touchpoint feels negative but has no pain point.",
        rationale="A dip in the curve without a cause cannot be acted on; the pain point is what turns a feeling "
        "into work somebody can plan.",
        fix="Add a pain point describing what goes wrong, with its severity and evidence.",
    ),
    _dip_without_pain_point,
)


def _emotional_cliff(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    drop = int(options["drop"])
    previous: tuple[str, int] | None = None
    for t in ctx.journey.touchpoints():
        if t.emotion is None:
            continue
        if previous is not None and previous[1] - t.emotion >= drop:
            yield Problem(
                (*t.path, "emotion"),
                f"emotion falls from {previous[1]:+d} at '{previous[0]}' to {t.emotion:+d} at '{t.id}': "
                "a moment of truth worth a closer look",
            )
        previous = (t.id, t.emotion)


EMOTIONAL_CLIFF = JourneyRule(
    RuleInfo(
        id="JM203",
        name="emotional-cliff",
        severity=Severity.INFO,
        summary="Emotion falls sharply between two consecutive touchpoints.",
        rationale="Sharp drops are moments of truth: customers remember them and often leave because of them, so "
        "they deserve research and attention first.",
        fix="Check the drop with research; record the pain point behind it and an opportunity for it.",
        options={"drop": 3},
    ),
    _emotional_cliff,
)


def _unaddressed_pain_point(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    by_pain = ctx.journey.addressing()
    for pp in ctx.journey.pain_points():
        if pp.id not in by_pain:
            severe = pp.severity in ("high", "critical")
            yield Problem(
                pp.path,
                f"{pp.severity} pain point '{pp.id}' is not addressed by any opportunity; add one that lists it "
                "under `addresses`",
                severity=Severity.ERROR if severe else None,
            )


UNADDRESSED_PAIN_POINT = JourneyRule(
    RuleInfo(
        id="JM204",
        name="unaddressed-pain-point",
        severity=Severity.WARNING,
        summary="No opportunity addresses a pain point (an error when it is high or critical).",
        rationale="A map is a tool for change: a pain point nobody plans to fix is a known problem left to hurt "
        "customers, and a severe one is a risk the team has accepted without saying so.",
        fix="Add an opportunity with an owner and a status whose `addresses` lists the pain point.",
    ),
    _unaddressed_pain_point,
)


def _only_dropped(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    by_pain = ctx.journey.addressing()
    for pp in ctx.journey.pain_points():
        opportunities = by_pain.get(pp.id, [])
        if opportunities and all(o.status == "dropped" for o in opportunities):
            ids = ", ".join(f"'{o.id}'" for o in opportunities)
            yield Problem(pp.path, f"every opportunity for pain point '{pp.id}' is dropped ({ids}); plan another "
                                   "or record that the pain is accepted")


ONLY_DROPPED_OPPORTUNITIES = JourneyRule(
    RuleInfo(
        id="JM205",
        name="only-dropped-opportunities",
        severity=Severity.WARNING,
        summary="Every opportunity that addresses a pain point has been dropped.",
        rationale="Dropping an idea is healthy; dropping every idea for a pain point quietly leaves it unaddressed.",
        fix="Add a new opportunity for the pain point, or remove the pain point if it no longer happens.",
    ),
    _only_dropped,
)


def _opportunity_without_owner(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for o in own(ctx.journey.opportunities):
        if not o.owner.strip() and o.status not in ("done", "dropped"):
            yield Problem(o.path, f"opportunity '{o.id}' has no owner; name the team or person who will move it")


OPPORTUNITY_WITHOUT_OWNER = JourneyRule(
    RuleInfo(
        id="JM206",
        name="opportunity-without-owner",
        severity=Severity.WARNING,
        summary="An open opportunity has no owner.",
        rationale="Work that belongs to everyone belongs to no one; an owner is what turns an idea on a map into "
        "a change in the journey.",
        fix="Add `owner:` with a team or a person.",
    ),
    _opportunity_without_owner,
)


def _opportunity_without_pain_point(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for o in own(ctx.journey.opportunities):
        if not o.addresses:
            yield Problem(o.path, f"opportunity '{o.id}' addresses no pain point; list the pain points it fixes "
                                  "under `addresses`")


OPPORTUNITY_WITHOUT_PAIN_POINT = JourneyRule(
    RuleInfo(
        id="JM207",
        name="opportunity-without-pain-point",
        severity=Severity.INFO,
        summary="An opportunity does not say which pain point it addresses.",
        rationale="Opportunities grounded in a customer's pain get built for the right reasons; ones that are not "
        "are often solutions looking for a problem.",
        fix="Add `addresses:` with the ids of the pain points, or record the pain point first.",
    ),
    _opportunity_without_pain_point,
)

RULES = (
    TOUCHPOINT_WITHOUT_EMOTION,
    DIP_WITHOUT_PAIN_POINT,
    EMOTIONAL_CLIFF,
    UNADDRESSED_PAIN_POINT,
    ONLY_DROPPED_OPPORTUNITIES,
    OPPORTUNITY_WITHOUT_OWNER,
    OPPORTUNITY_WITHOUT_PAIN_POINT,
)
