"""Every lint rule, in the order `journeymap rules` lists them.

Each module holds the rules of one theme; each rule is a `Rule` object with its
metadata and a pure check function.
"""

from __future__ import annotations

from journeymap.lint.rule import Rule
from journeymap.lint.rules import suppression

LINT_RULES: tuple[Rule, ...] = (suppression.RULE,)
