"""Structure and coverage: is the whole journey there, stage by stage?"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import Context, JourneyRule, Problem
from journeymap.schema_values import PHASES

_AFTER_PURCHASE = set(PHASES[PHASES.index("purchase") + 1 :])
_BUYING = {"decision", "purchase"}


def _empty_journey(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    if not ctx.journey.stages:
        yield Problem(("title",), f"map '{ctx.journey.id or ctx.journey.title}' has no stages; add the stages "
                                  "of the journey in order under `stages:`", key=True)


EMPTY_JOURNEY = JourneyRule(
    RuleInfo(
        id="JM101",
        name="empty-journey",
        severity=Severity.ERROR,
        summary="The map has no stages.",
        rationale="A journey map without stages shows no journey: nothing can be reviewed, rendered or compared.",
        fix="Add the stages the customer goes through, in order, each with its touchpoints.",
    ),
    _empty_journey,
)


def _stage_without_touchpoints(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for stage in ctx.journey.stages:
        if not stage.touchpoints:
            yield Problem(stage.path, f"stage '{stage.id}' has no touchpoints: a gap in the journey; add what the "
                                      "customer meets here, or remove the stage")


STAGE_WITHOUT_TOUCHPOINTS = JourneyRule(
    RuleInfo(
        id="JM102",
        name="stage-without-touchpoints",
        severity=Severity.ERROR,
        summary="A stage has no touchpoints.",
        rationale="A stage nobody serves is a gap in the journey: the customer is left alone there, or the map "
        "is unfinished. Either way reviewers should see it.",
        fix="Add the touchpoints the customer meets in this stage, or remove the stage.",
    ),
    _stage_without_touchpoints,
)


def _stage_without_goal(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for stage in ctx.journey.stages:
        if not stage.goal.strip():
            yield Problem(stage.path, f"stage '{stage.id}' has no goal; say what the customer wants to achieve here")


STAGE_WITHOUT_GOAL = JourneyRule(
    RuleInfo(
        id="JM103",
        name="stage-without-goal",
        severity=Severity.INFO,
        summary="A stage does not say what the customer wants in it.",
        rationale="Goals keep a map customer-centred: each stage is judged by whether the customer gets what "
        "they came for, not by what the organisation does.",
        fix="Add `goal:` in the customer's terms, e.g. 'Knows the total before paying'.",
    ),
    _stage_without_goal,
)


def _stage_without_kpi(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for stage in ctx.journey.stages:
        if not stage.kpis:
            yield Problem(stage.path, f"stage '{stage.id}' has no KPI; add how the team measures this stage")


STAGE_WITHOUT_KPI = JourneyRule(
    RuleInfo(
        id="JM104",
        name="stage-without-kpi",
        severity=Severity.INFO,
        summary="A stage has no KPI.",
        rationale="Without a measure per stage nobody can tell whether a change to the journey helped; KPIs tie "
        "the map to the numbers the business already watches.",
        fix="Add `kpis:` with a name, a target and the current value.",
    ),
    _stage_without_kpi,
)


def _phased(ctx: Context) -> list[tuple[int, str]]:
    return [(i, s.phase) for i, s in enumerate(ctx.journey.stages) if s.phase]


def _journey_ends_at_purchase(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    phased = _phased(ctx)
    phases = {phase for _, phase in phased}
    if phases & _BUYING and not phases & _AFTER_PURCHASE:
        last = ctx.journey.stages[phased[-1][0]]
        yield Problem(
            last.path,
            f"the journey ends at stage '{last.id}' ({last.phase}): nothing after the purchase; add onboarding, "
            "usage, retention or advocacy to map a customer journey, not only a buyer journey",
        )


JOURNEY_ENDS_AT_PURCHASE = JourneyRule(
    RuleInfo(
        id="JM105",
        name="journey-ends-at-purchase",
        severity=Severity.WARNING,
        summary="No stage comes after the decision or purchase.",
        rationale="A map that stops at the sale is a buyer journey. Most of a customer's experience, and most "
        "reasons they leave or stay, come after it: delivery, first use, support, renewal, recommending.",
        fix="Add stages with phase onboarding, usage, retention or advocacy.",
    ),
    _journey_ends_at_purchase,
)


def _missing_phase(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    phases = {phase for _, phase in _phased(ctx)}
    if not phases:
        return
    missing = [p for p in PHASES if p not in phases]
    if missing:
        many = len(missing) > 1
        yield Problem(("stages",), f"no stage covers the phase{'s' if many else ''} {', '.join(missing)}; add "
                                   f"{'them' if many else 'it'} or say why the map leaves {'them' if many else 'it'} "
                                   "out", key=True)


MISSING_PHASE = JourneyRule(
    RuleInfo(
        id="JM106",
        name="missing-phase",
        severity=Severity.INFO,
        summary="Canonical lifecycle phases are missing from a map that uses phases.",
        rationale="Gaps in the lifecycle hide whole conversations: no retention stage means nobody mapped why "
        "customers stay; no advocacy stage means word of mouth is left to chance.",
        fix="Add stages for the missing phases, or suppress the rule with a comment saying why they do not apply.",
    ),
    _missing_phase,
)


def _phase_order(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    previous: tuple[int, str] | None = None
    for i, phase in _phased(ctx):
        if previous is not None and PHASES.index(phase) < PHASES.index(previous[1]):
            stage = ctx.journey.stages[i]
            yield Problem(
                (*stage.path, "phase"),
                f"stage '{stage.id}' ({phase}) comes after a {previous[1]} stage; put stages in the order the "
                "customer lives them",
            )
        previous = (i, phase)


PHASE_ORDER = JourneyRule(
    RuleInfo(
        id="JM107",
        name="phase-out-of-order",
        severity=Severity.INFO,
        summary="A stage's phase comes earlier in the lifecycle than the stage before it.",
        rationale="Stages are read left to right as time; a retention stage before an awareness stage usually "
        "means stages were added in the wrong place.",
        fix="Reorder the stages, or correct the phase.",
    ),
    _phase_order,
)


def _same_names(items: Iterable[tuple[str, Any]]) -> Iterator[tuple[Any, Any]]:
    seen: dict[str, Any] = {}
    for name, item in items:
        key = " ".join(name.lower().split())
        if key in seen:
            yield seen[key], item
        else:
            seen[key] = item


def _duplicate_name(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    for first, again in _same_names((s.name, s) for s in ctx.journey.stages):
        yield Problem((*again.path, "name"), f"stages '{first.id}' and '{again.id}' are both named "
                                             f"'{again.name}'; give each stage a distinct name")
    for stage in ctx.journey.stages:
        for first, again in _same_names((t.name, t) for t in stage.touchpoints):
            yield Problem((*again.path, "name"), f"touchpoints '{first.id}' and '{again.id}' in stage "
                                                 f"'{stage.id}' are both named '{again.name}'; rename one")


DUPLICATE_NAME = JourneyRule(
    RuleInfo(
        id="JM108",
        name="duplicate-name",
        severity=Severity.WARNING,
        summary="Two stages, or two touchpoints in one stage, share a display name.",
        rationale="On a poster or in a workshop people point at names, not ids; two boxes with the same name "
        "cause wrong conversations and wrong tickets.",
        fix="Rename one so each says what is different about it.",
    ),
    _duplicate_name,
)

RULES = (
    EMPTY_JOURNEY,
    STAGE_WITHOUT_TOUCHPOINTS,
    STAGE_WITHOUT_GOAL,
    STAGE_WITHOUT_KPI,
    JOURNEY_ENDS_AT_PURCHASE,
    MISSING_PHASE,
    PHASE_ORDER,
    DUPLICATE_NAME,
)
