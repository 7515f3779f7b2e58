"""What every check produces: findings, their severity, and the rules behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
    """One problem in one file, at the 1-based line and column of the YAML node at fault."""

    path: str
    line: int
    column: int
    severity: Severity
    rule_id: str
    rule_name: str
    message: str

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.column, self.rule_id, self.message)


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter, `journeymap rules` and the docs say about a rule."""

    id: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    fix: str
    bad: str = ""
    good: str = ""
    options: dict[str, object] = field(default_factory=dict)


@dataclass
class FileResult:
    """Everything checking one file produced.

    `problem` is set when the tool could not read the file at all (exit 2);
    findings are what is wrong with the map itself (exit 1 at error severity).
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    problem: str | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)
