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
)


def _reported_by_engine(context: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    return ()


RULE = JourneyRule(UNUSED_SUPPRESSION, _reported_by_engine)
