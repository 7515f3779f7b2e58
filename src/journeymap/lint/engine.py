"""Run the enabled rules on one journey; apply severities and suppression comments.

`# journeymap: ignore[rule]` on the line of the node at fault silences that
rule there; `# journeymap: ignore-file[rule]` anywhere silences it in the
whole file. Rules may be named by id or name, several separated by commas. A
suppression that silences nothing is reported, so they don't outlive the
problem they were written for.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journeymap.findings import Finding
from journeymap.lint.facts import Silenced
from journeymap.lint.registry import find_rule, is_builtin
from journeymap.lint.rule import Context, JourneyRule
from journeymap.lint.rules import LINT_RULES, PORTFOLIO_RULES
from journeymap.lint.rules.suppression import UNUSED_SUPPRESSION
from journeymap.lint.settings import RuleSettings
from journeymap.load import Document
from journeymap.model import Journey

if TYPE_CHECKING:
    from journeymap.measures import MeasuresSnapshot

# the suppression comment; its second group is the list of rules (fixes and editors edit it)
SUPPRESSION = re.compile(r"#\s*journeymap:\s*(ignore|ignore-file)\[([^\]]*)\]")
_COMMENT = SUPPRESSION


@dataclass
class _Suppression:
    line: int
    column: int
    whole_file: bool
    rules: dict[str, str]  # rule id -> the name as written
    used: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)


def suppressions(text: str) -> list[_Suppression]:
    """Parse suppression comments; the rules they name are looked up in the one registry, and a
    built-in check (which no comment silences) counts as unknown."""
    # every map holds "journeymap:" (its first key): one search of the whole text, in C, rules out
    # most files before the loop over lines (a comment found in a line is found in the whole too)
    if "journeymap:" not in text or not _COMMENT.search(text):
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "journeymap:" not in line:
            continue
        for match in _COMMENT.finditer(line):
            rules: dict[str, str] = {}
            unknown = []
            for part in match.group(2).split(","):
                name = part.strip()
                if not name:
                    continue
                rule = find_rule(name)
                if rule is None or is_builtin(rule.id):
                    unknown.append(name)
                else:
                    rules[rule.id] = name
            found.append(
                _Suppression(number, match.start() + 1, match.group(1) == "ignore-file", rules, unknown=unknown)
            )
    return found


def silenced(text: str) -> Silenced:
    """What the suppression comments in `text` silence, by rule id."""
    comments = suppressions(text)
    if not comments:
        return Silenced()
    lines: dict[int, frozenset[str]] = {}
    whole: set[str] = set()
    for comment in comments:
        if comment.whole_file:
            whole.update(comment.rules)
        else:
            lines[comment.line] = lines.get(comment.line, frozenset()) | frozenset(comment.rules)
    return Silenced(lines, frozenset(whole))


def lint_findings(
    doc: Document, journey: Journey, config: RuleSettings, today: datetime.date | None = None,
    measures: MeasuresSnapshot | None = None,
) -> list[Finding]:

    context = Context(doc, journey, today or datetime.date.today(), measures)
    comments = suppressions(doc.text)
    findings: list[Finding] = []
    for rule in LINT_RULES:
        if rule.info.id in config.enabled:
            findings += _run(rule, context, config, comments)
    findings += _unused(doc, comments, config)
    return findings


def _run(rule: JourneyRule, context: Context, config: RuleSettings, comments: list[_Suppression]) -> list[Finding]:
    info = rule.info
    options = {**info.options, **config.options.get(info.id, {})}
    regraded = config.severity.get(info.id)
    out = []
    for problem in rule.check(context, options):
        doc = context.doc
        line, column = doc.key_position(problem.path) if problem.key else doc.position(problem.path)
        if _suppressed(info.id, line, comments):
            continue
        severity = regraded or problem.severity or info.severity
        out.append(Finding(doc.path, line, column, severity, info.id, info.name, problem.message, problem.path))
    return out


def _suppressed(rule_id: str, line: int, comments: list[_Suppression]) -> bool:
    hit = False
    for comment in comments:
        if rule_id in comment.rules and (comment.whole_file or comment.line == line):
            comment.used.add(rule_id)
            hit = True
    return hit


def _unused(doc: Document, comments: list[_Suppression], config: RuleSettings) -> list[Finding]:
    if UNUSED_SUPPRESSION.id not in config.enabled:
        return []

    # one file cannot tell whether a cross-map rule would have found something: never "unused"
    cross_map = {rule.info.id for rule in PORTFOLIO_RULES}
    out = []
    info = UNUSED_SUPPRESSION
    severity = config.severity.get(info.id, info.severity)
    for comment in comments:
        node = doc.node_at(comment.line, comment.column)  # what the comment stands beside
        for name in comment.unknown:
            builtin = find_rule(name)
            message = (
                f"suppression names '{name}', a built-in check that no comment silences; fix the map"
                if builtin is not None
                else f"suppression names unknown rule '{name}'; `journeymap rules` lists them"
            )
            out.append(Finding(doc.path, comment.line, comment.column, severity, info.id, info.name, message, node))
        for rule_id, name in comment.rules.items():
            if rule_id in comment.used or rule_id not in config.enabled or rule_id == info.id or rule_id in cross_map:
                continue
            where = "in this file" if comment.whole_file else "on this line"
            out.append(
                Finding(
                    doc.path, comment.line, comment.column, severity, info.id, info.name,
                    f"suppression of '{name}' is unused: the rule finds nothing {where}; remove it", node,
                )
            )
    return out
