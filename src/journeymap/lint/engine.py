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

from journeymap.config import RuleSettings
from journeymap.findings import Finding
from journeymap.lint.rule import Context, Rule
from journeymap.lint.rules.suppression import UNUSED_SUPPRESSION
from journeymap.load import Document
from journeymap.model import Journey

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


def suppressions(text: str, keys: dict[str, str]) -> list[_Suppression]:
    """Parse suppression comments; `keys` maps lower-case ids and names to rule ids."""
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
                rule_id = keys.get(name.lower())
                if rule_id is None:
                    unknown.append(name)
                else:
                    rules[rule_id] = name
            found.append(
                _Suppression(number, match.start() + 1, match.group(1) == "ignore-file", rules, unknown=unknown)
            )
    return found


@dataclass(frozen=True)
class Silenced:
    """The rules a file's suppression comments silence: on a line, or in the whole file. For the
    portfolio pass, which judges files it no longer holds the text of."""

    lines: dict[int, frozenset[str]] = field(default_factory=dict)
    whole: frozenset[str] = frozenset()

    def covers(self, rule_id: str, line: int) -> bool:
        return rule_id in self.whole or rule_id in self.lines.get(line, frozenset())


def silenced(text: str) -> Silenced:
    """What the suppression comments in `text` silence, by rule id."""
    from journeymap.lint.rules import LINT_RULES

    comments = suppressions(text, _keys(LINT_RULES))
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
    measures: object = None,
) -> list[Finding]:
    from journeymap.lint.rules import LINT_RULES

    context = Context(doc, journey, today or datetime.date.today(), measures)
    keys = _keys(LINT_RULES)
    comments = suppressions(doc.text, keys)
    findings: list[Finding] = []
    for rule in LINT_RULES:
        if rule.info.id in config.enabled:
            findings += _run(rule, context, config, comments)
    findings += _unused(doc, comments, config)
    return findings


def _keys(rules: tuple[Rule, ...]) -> dict[str, str]:
    """Lower-case ids and names of `rules` (and of the cross-map rules) -> rule ids; built once a
    set of rules, as every file linted asks for it."""
    known = _KEYS.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    keys = _build_keys(rules)
    _KEYS[id(rules)] = (rules, keys)
    return keys


_KEYS: dict[int, tuple[tuple[Rule, ...], dict[str, str]]] = {}


def _build_keys(rules: tuple[Rule, ...]) -> dict[str, str]:
    from journeymap.lint.rules import PORTFOLIO_RULES

    keys = {UNUSED_SUPPRESSION.id.lower(): UNUSED_SUPPRESSION.id, UNUSED_SUPPRESSION.name: UNUSED_SUPPRESSION.id}
    for info in (*(rule.info for rule in rules), *(rule.info for rule in PORTFOLIO_RULES)):
        keys[info.id.lower()] = info.id
        keys[info.name] = info.id
    return keys


def _run(rule: Rule, context: Context, config: RuleSettings, comments: list[_Suppression]) -> list[Finding]:
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
    from journeymap.lint.rules import PORTFOLIO_RULES

    # one file cannot tell whether a cross-map rule would have found something: never "unused"
    cross_map = {rule.info.id for rule in PORTFOLIO_RULES}
    out = []
    info = UNUSED_SUPPRESSION
    severity = config.severity.get(info.id, info.severity)
    for comment in comments:
        node = doc.node_at(comment.line, comment.column)  # what the comment stands beside
        for name in comment.unknown:
            out.append(
                Finding(
                    doc.path, comment.line, comment.column, severity, info.id, info.name,
                    f"suppression names unknown rule '{name}'; `journeymap rules` lists them", node,
                )
            )
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
