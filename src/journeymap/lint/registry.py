"""Every rule journeymap knows, built-in checks and lint rules, by id and by name."""

from __future__ import annotations

import functools

from journeymap.builtin_rules import CORE_RULES
from journeymap.findings import RuleInfo


@functools.cache
def all_rules() -> tuple[RuleInfo, ...]:
    from journeymap.lint.rules import RULE_INFOS

    return CORE_RULES + RULE_INFOS


def find_rule(key: str) -> RuleInfo | None:
    """A rule by id (`JM201`, any case) or name (`stage-without-touchpoints`)."""
    wanted = key.strip()
    for rule in all_rules():
        if rule.id.lower() == wanted.lower() or rule.name == wanted.lower():
            return rule
    return None
