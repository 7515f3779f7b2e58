"""What every check produces: findings, their severity, and the rules behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from journeymap.strings import one_line

NodePath = tuple[str | int, ...]  # keys and list indexes from the document's root to one node


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one file, at the 1-based line and column of the YAML node at fault.

    `node` is that node's path in the document (`()` when the problem is not about one node,
    such as a YAML syntax error), so that what a finding is about survives edits that move
    its line.
    """

    path: str
    line: int
    column: int
    severity: Severity
    rule_id: str
    rule_name: str
    message: str
    node: NodePath = ()

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.column, self.rule_id, self.message)

    def as_line(self) -> str:
        """`path:line:col: severity [rule-id] message`, on one line whatever the map's text holds."""
        return f"{one_line(self.path)}:{self.line}:{self.column}: {self.severity.value} [{self.rule_id}] " + one_line(
            self.message
        )


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter, `journeymap rules` and the docs say about a rule. Its example maps are data
    files beside the rules, read only by what shows them (`journeymap.lint.examples`)."""

    id: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    fix: str
    options: dict[str, object] = field(default_factory=dict)
