"""A stable list of findings (documented in README.md, "Output formats").

Each item: path, line, column, severity, rule_id, rule_name, message. Version
changes of this shape are announced; new keys may be added, none removed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeymap.analysis import Analysis


def report(results: Sequence[Analysis], *, color: bool = False) -> str:
    items = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "severity": f.severity.value,
            "rule_id": f.rule_id,
            "rule_name": f.rule_name,
            "message": f.message,
        }
        for result in results
        for f in result.findings
    ]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
