"""The rule behind suppression comments; the engine does the checking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import Context, JourneyRule, Problem

UNUSED_SUPPRESSION = RuleInfo(
    id="JM900",
    name="unused-suppression",
    severity=Severity.WARNING,
    summary="A `# journeymap: ignore[...]` comment silences nothing.",
    rationale="Suppressions that outlive their problem hide the next real one on that line.",
    fix="Remove the comment, or correct the rule name in it.",
    bad=(
        "journeymap: 1\n"
        "title: Checkout\n"
        "stages:\n"
        "  - id: pay\n"
        "    name: Pay\n"
        "    kpis: [{name: Completion, target: '80%'}]  # journeymap: ignore[stage-without-kpi]\n"
        "    touchpoints:\n"
        "      - {id: pays, name: Pays by card}\n"
    ),
    good=(
        "journeymap: 1\n"
        "title: Checkout\n"
        "stages:\n"
        "  - id: pay  # journeymap: ignore[stage-without-kpi]\n"
        "    name: Pay\n"
        "    touchpoints:\n"
        "      - {id: pays, name: Pays by card}\n"
    ),
)


def _reported_by_engine(context: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    return ()


RULE = JourneyRule(UNUSED_SUPPRESSION, _reported_by_engine)
