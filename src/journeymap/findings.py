"""What every check produces: findings, their severity, and the rules behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from journeymap.strings import one_line, true_minus

NodePath = tuple[str | int, ...]  # keys and list indexes from the document's root to one node
_LONGEST_TEXT_NAME = 100  # a list item of text longer than this is named by its place instead


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

    def as_line(self, *, ascii_signs: bool = False) -> str:
        """`path:line:col: severity [rule-id] message`, on one line whatever the map's text holds: for
        people, negative numbers in the message get a true minus sign; `ascii_signs` keeps the
        message's hyphen-minus for formats read by machines."""
        message = one_line(self.message)
        return (f"{one_line(self.path)}:{self.line}:{self.column}: {self.severity.value} [{self.rule_id}] "
                + (message if ascii_signs else true_minus(message)))


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


def stable_node(data: Any, node: NodePath) -> str:
    """`stages[checkout].touchpoints[pay].emotion`: the node's path with each list index replaced by
    the item's `id` (a KPI's `name`, a reference's own text), so it does not change when items move
    or lines are added above (a baseline matches findings by it). An item with nothing to name it
    by keeps its place, as `[#2]`. `]`, `.`, `[`, `\\` and a leading `#` are escaped with `\\`."""
    parts: list[str] = []
    current = data
    for step in node:
        if isinstance(step, int):
            item = current[step] if isinstance(current, list) and 0 <= step < len(current) else None
            parts.append(f"[{_item_name(item, step)}]")
            current = item
        else:
            parts.append(("." if parts else "") + _escaped(step, ".[\\"))
            current = current.get(step) if isinstance(current, dict) else None
    return "".join(parts)


def _item_name(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for name in ("id", "name"):
            value = item.get(name)
            if isinstance(value, str) and value:
                return _escaped(value, "]\\")
    elif isinstance(item, str) and 0 < len(item) <= _LONGEST_TEXT_NAME:
        return _escaped(item, "]\\")
    return f"#{index}"


def _escaped(text: str, special: str) -> str:
    return "".join("\\" + c if c in special or (c == "#" and i == 0) else c for i, c in enumerate(text))
