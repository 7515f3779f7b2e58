"""Research and upkeep: is the map grounded in evidence, and is it kept true?"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import Context, JourneyRule, Problem
from journeymap.model import own


def _no_evidence(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for t in ctx.journey.touchpoints():
        if not t.evidence:
            yield Problem(t.path, f"touchpoint '{t.id}' cites no evidence; add `evidence:` with the sources "
                                  "that show customers do this")
        for pp in t.pain_points:
            if not pp.evidence:
                yield Problem(pp.path, f"pain point '{pp.id}' cites no evidence; add `evidence:` with the sources "
                                       "that show it")


NO_EVIDENCE = JourneyRule(
    RuleInfo(
        id="JM401",
        name="no-evidence",
        severity=Severity.WARNING,
        summary="A touchpoint or pain point cites no research.",
        rationale="A map must show what customers actually do, not what the team assumes; evidence is what lets "
        "a reader trust a touchpoint and a pain point enough to act on it.",
        fix="Add the research under `sources:` and cite its id in `evidence:`.",
    ),
    _no_evidence,
)


def _unused_source(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    cited = {s for t in ctx.journey.touchpoints() for s in t.evidence}
    cited |= {s for pp in ctx.journey.pain_points() for s in pp.evidence}
    for source in own(ctx.journey.sources):
        if source.id not in cited:
            yield Problem(source.path, f"source '{source.id}' is cited by nothing; cite it where it applies, or "
                                       "remove it")


UNUSED_SOURCE = JourneyRule(
    RuleInfo(
        id="JM402",
        name="unused-source",
        severity=Severity.INFO,
        summary="A research source is cited by no touchpoint or pain point.",
        rationale="A source nobody cites makes the map look better researched than it is.",
        fix="Cite the source in `evidence:` where its findings apply, or remove it.",
    ),
    _unused_source,
)


def _stale_map(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    max_age = int(options["max_age_days"])
    reviewed = ctx.journey.last_reviewed
    if reviewed is None:
        yield Problem(("title",), f"the map has no `last_reviewed` date; add when it was last checked against "
                                  f"research (maps older than {max_age} days are flagged)", key=True)
        return
    try:
        day = datetime.date.fromisoformat(reviewed)
    except ValueError:
        return  # the schema and loader report malformed dates
    age = (ctx.today - day).days
    if age > max_age:
        yield Problem(("last_reviewed",), f"the map was last reviewed {age} days ago ({reviewed}), more than "
                                          f"{max_age}; check it against current research and update the date")


STALE_MAP = JourneyRule(
    RuleInfo(
        id="JM403",
        name="stale-map",
        severity=Severity.WARNING,
        summary="The map has not been reviewed for a long time, or never says when.",
        rationale="Journeys change with every release, policy and competitor; a map nobody has checked in months "
        "is a confident picture of the past.",
        fix="Review the map with current research and set `last_reviewed:` to today.",
        options={"max_age_days": 180},
    ),
    _stale_map,
)


def _no_owner(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    if not ctx.journey.owner.strip():
        yield Problem(("title",), "the map has no owner; add `owner:` with the team that keeps it true", key=True)


NO_OWNER = JourneyRule(
    RuleInfo(
        id="JM404",
        name="no-owner",
        severity=Severity.WARNING,
        summary="The map does not say who keeps it true.",
        rationale="Maps without an owner go stale first: nobody is asked when research or the service changes.",
        fix="Add `owner:` with a team or a person.",
    ),
    _no_owner,
)

RULES = (NO_EVIDENCE, UNUSED_SOURCE, STALE_MAP, NO_OWNER)
