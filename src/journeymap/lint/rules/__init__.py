"""Every lint rule, in the order `journeymap rules` lists them.

Each module holds the rules of one theme; each rule is a `JourneyRule` object with its
metadata and a pure check function. Ids: JM1xx structure and coverage, JM2xx
emotions, pain points and opportunities, JM3xx personas and channels, JM4xx
research and upkeep, JM5xx across the maps of a folder (the portfolio pass),
JM6xx the map against measured data (a `journeymap measure` snapshot), JM9xx the
linter itself.
"""

from __future__ import annotations

from journeymap.findings import RuleInfo
from journeymap.lint.rule import JourneyRule, PortfolioRule
from journeymap.lint.rules import across_maps, conformance, coverage, evidence, feelings, measured, people, suppression

LINT_RULES: tuple[JourneyRule, ...] = (
    *coverage.RULES,
    *feelings.RULES,
    *people.RULES,
    *evidence.RULES,
    *measured.RULES,
    *conformance.RULES,
    suppression.RULE,
)

# Cross-map rules: run by `journeymap.portfolio` over a folder's maps and libraries, after each file's lint.
PORTFOLIO_RULES: tuple[PortfolioRule, ...] = across_maps.RULES

# Every lint rule's metadata, one file's and cross-map: what select, ignore and severity may name.
RULE_INFOS: tuple[RuleInfo, ...] = tuple(
    sorted((*(rule.info for rule in LINT_RULES), *(rule.info for rule in PORTFOLIO_RULES)), key=lambda info: info.id)
)
