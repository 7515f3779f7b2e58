"""Every lint rule, in the order `journeymap rules` lists them.

Each module holds the rules of one theme; each rule is a `Rule` object with its
metadata and a pure check function. Ids: JM1xx structure and coverage, JM2xx
emotions, pain points and opportunities, JM3xx personas and channels, JM4xx
research and upkeep, JM5xx the map against measured data (a `journeymap measure`
snapshot), JM9xx the linter itself.
"""

from __future__ import annotations

from journeymap.lint.rule import Rule
from journeymap.lint.rules import coverage, evidence, feelings, measured, people, suppression

LINT_RULES: tuple[Rule, ...] = (
    *coverage.RULES,
    *feelings.RULES,
    *people.RULES,
    *evidence.RULES,
    *measured.RULES,
    suppression.RULE,
)
