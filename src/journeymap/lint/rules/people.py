"""Personas and channels: whose journey it is, and where it happens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import Context, JourneyRule, Problem
from journeymap.model import own


def _no_persona(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    if not ctx.journey.personas:
        yield Problem(("title",), f"map '{ctx.journey.id or ctx.journey.title}' names no persona; add who this "
                                  "journey belongs to under `personas:`", key=True)


NO_PERSONA = JourneyRule(
    RuleInfo(
        id="JM301",
        name="no-persona",
        severity=Severity.WARNING,
        summary="The map has no persona.",
        rationale="A journey is always somebody's; without a persona, the team maps its own process and assumes "
        "every customer feels the same.",
        fix="Add at least one persona from research, with goals and frustrations.",
    ),
    _no_persona,
)


def _unused_persona(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    touchpoints = list(ctx.journey.touchpoints())
    if not touchpoints or any(not t.personas for t in touchpoints):
        return  # a touchpoint without `personas:` is gone through by everyone
    named = {p for t in touchpoints for p in t.personas}
    for persona in own(ctx.journey.personas):
        if persona.id not in named:
            yield Problem(persona.path, f"persona '{persona.id}' goes through no touchpoint; add it to the "
                                        "touchpoints' `personas:` or remove it")


UNUSED_PERSONA = JourneyRule(
    RuleInfo(
        id="JM302",
        name="unused-persona",
        severity=Severity.WARNING,
        summary="A persona goes through no touchpoint.",
        rationale="A persona who never appears in the journey was either forgotten during mapping or does not "
        "belong on this map; both mislead readers.",
        fix="List the persona on the touchpoints it goes through, or remove it. (Touchpoints without `personas:` "
        "apply to everyone.)",
    ),
    _unused_persona,
)


def _persona_without_goals(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for persona in own(ctx.journey.personas):
        if not persona.goals:
            yield Problem(persona.path, f"persona '{persona.id}' has no goals; add what they want to achieve")


PERSONA_WITHOUT_GOALS = JourneyRule(
    RuleInfo(
        id="JM303",
        name="persona-without-goals",
        severity=Severity.WARNING,
        summary="A persona has no goals.",
        rationale="Goals are what a persona is for: they explain behaviour and let the team judge each touchpoint "
        "by whether it helps the customer get there.",
        fix="Add `goals:` in the persona's own terms.",
    ),
    _persona_without_goals,
)


def _unused_channel(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    used = {t.channel for t in ctx.journey.touchpoints()}
    for channel in own(ctx.journey.channels):
        if channel.id not in used:
            yield Problem(channel.path, f"channel '{channel.id}' is used by no touchpoint; map where it comes in, "
                                        "or remove it")


UNUSED_CHANNEL = JourneyRule(
    RuleInfo(
        id="JM304",
        name="unused-channel",
        severity=Severity.WARNING,
        summary="A channel is used by no touchpoint.",
        rationale="A channel listed but never used is either a forgotten part of the journey or clutter; both "
        "make the omnichannel picture wrong.",
        fix="Add the touchpoints that happen in the channel, or remove it.",
    ),
    _unused_channel,
)


def _single_channel(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    touchpoints = list(ctx.journey.touchpoints())
    used = {t.channel for t in touchpoints if t.channel}
    if len(touchpoints) > 1 and len(used) == 1:
        yield Problem(("stages",), f"every touchpoint happens in channel '{next(iter(used))}'; customers move "
                                   "between channels: map the others they use", key=True)


SINGLE_CHANNEL_JOURNEY = JourneyRule(
    RuleInfo(
        id="JM305",
        name="single-channel-journey",
        severity=Severity.INFO,
        summary="Every touchpoint happens in the same channel.",
        rationale="Real journeys cross channels (an ad, the website, an email, a call, the doorstep); a "
        "single-channel map misses the hand-overs where experiences break.",
        fix="Map the touchpoints in the other channels customers use, or confirm the journey truly has one.",
    ),
    _single_channel,
)


def _touchpoint_without_channel(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    if not ctx.journey.channels:
        return  # no-channel maps get one finding from single-channel thinking, not one per touchpoint
    for t in ctx.journey.touchpoints():
        if t.channel is None:
            yield Problem(t.path, f"touchpoint '{t.id}' names no channel; add `channel:` with one of the map's "
                                  "channel ids")


TOUCHPOINT_WITHOUT_CHANNEL = JourneyRule(
    RuleInfo(
        id="JM306",
        name="touchpoint-without-channel",
        severity=Severity.WARNING,
        summary="A touchpoint does not say which channel it happens in.",
        rationale="Channels show where the organisation must act; a touchpoint without one has no owner in the "
        "organisation.",
        fix="Add `channel:` naming one of the map's channels.",
    ),
    _touchpoint_without_channel,
)

RULES = (
    NO_PERSONA,
    UNUSED_PERSONA,
    PERSONA_WITHOUT_GOALS,
    UNUSED_CHANNEL,
    SINGLE_CHANNEL_JOURNEY,
    TOUCHPOINT_WITHOUT_CHANNEL,
)
