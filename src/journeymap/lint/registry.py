"""Every rule journeymap knows, in one table: the built-in checks (JM0xx) and the lint rules.

One owner for rule names and ids: the configuration (`select`, `ignore`, `severity`, `rules`),
the command-line flags, suppression comments, `journeymap rules`, SARIF and the language server
all look rules up here, so a name that works in one place works in all of them.

A selector, as in ruff, is `all`, a rule's id (any case), its name, or the start of ids:
`JM1` is every structure and coverage rule, `JM20` every rule from JM200 to JM209. The
built-in checks always run (nothing can be judged in a map that does not read), so selectors
choose among the lint rules only.

The table is built at the first lookup, not when this module is imported: the lint rules' modules
are a good part of journeymap's start-up, and a command that reads maps without lint (`render`,
`export`) under a configuration that names no rule never looks one up.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from journeymap.builtin_rules import CORE_RULES
from journeymap.findings import RuleInfo

# the start of a rule id, `JM` then up to three digits: what a prefix selector looks like
_PREFIX = re.compile(r"JM\d{0,3}", re.IGNORECASE)


@functools.cache
def all_rules() -> tuple[RuleInfo, ...]:
    """Every rule, built-in checks first, then the lint rules by id."""
    from journeymap.lint.rules import RULE_INFOS  # noqa: PLC0415

    return CORE_RULES + RULE_INFOS


@functools.cache
def lint_rules() -> tuple[RuleInfo, ...]:
    """The rules a configuration may select, ignore, re-grade and set options of."""
    builtin = {rule.id for rule in CORE_RULES}
    return tuple(rule for rule in all_rules() if rule.id not in builtin)


@functools.cache
def lint_rule_ids() -> frozenset[str]:
    """The ids of every lint rule: the rules that run when the configuration chooses none."""
    return frozenset(rule.id for rule in lint_rules())


def is_builtin(rule_id: str) -> bool:
    """Whether the rule is a check that runs before lint (reading, YAML, schema, references)."""
    return rule_id in {rule.id for rule in CORE_RULES}


@functools.cache
def _by_key() -> dict[str, RuleInfo]:
    keys: dict[str, RuleInfo] = {}
    for rule in all_rules():
        keys[rule.id.lower()] = rule
        keys[rule.name] = rule
    return keys


def find_rule(key: str) -> RuleInfo | None:
    """A rule by id (`JM201`, any case) or name (`stage-without-touchpoints`)."""
    return _by_key().get(str(key).strip().lower())


@dataclass(frozen=True)
class Selection:
    """What one selector chose: the lint rules' ids, or why it chose none (`problem`)."""

    ids: frozenset[str]
    problem: str = ""


def select(selector: str) -> Selection:
    """The lint rules one selector names: `all`, an id, a name, or an id prefix (`JM1`)."""
    wanted = selector.strip()
    if wanted.lower() == "all":
        return Selection(lint_rule_ids())
    rule = find_rule(wanted)
    if rule is not None:
        if is_builtin(rule.id):
            return Selection(frozenset(), f"'{wanted}' is a built-in check ({rule.id}), which always runs")
        return Selection(frozenset({rule.id}))
    if _PREFIX.fullmatch(wanted):
        prefix = wanted.upper()
        matched = [rule for rule in all_rules() if rule.id.startswith(prefix)]
        chosen = frozenset(rule.id for rule in matched if not is_builtin(rule.id))
        if chosen:
            return Selection(chosen)
        if matched:
            return Selection(frozenset(), f"'{wanted}' names only built-in checks, which always run")
    return Selection(frozenset(), f"unknown rule '{wanted}'{did_you_mean(wanted)}")


def did_you_mean(key: str, among: tuple[RuleInfo, ...] | None = None) -> str:
    """`; did you mean 'x'?` for the closest rule name or id (of the lint rules, or `among`), then
    where the list is."""
    rules = lint_rules() if among is None else among
    candidates = [rule.name for rule in rules] + [rule.id for rule in rules]
    wanted = key.strip()
    close = difflib.get_close_matches(wanted.lower(), [c.lower() for c in candidates], n=1, cutoff=0.6)
    hint = ""
    if close:
        original = next(c for c in candidates if c.lower() == close[0])
        hint = f"; did you mean '{original}'?"
    return f"{hint} (`journeymap rules` lists every rule)"
