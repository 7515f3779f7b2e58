"""A stable list of findings (documented in README.md, "Output formats").

Each item: path, line, column, severity, rule_id, rule_name, message, and url (where the rule is
documented). Version changes of this shape are announced; new keys may be added, none removed.

With a baseline the output is an object instead, since a list has no place for the totals:
`findings` (every finding, each with `baseline`: "new" or "unchanged"), `stale` (the baseline's
entries that are fixed) and `summary` (the baseline's file and the count of each state).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from journeymap.baseline import BaselineState
from journeymap.lint.docs import rule_url
from journeymap.lint.registry import all_rules
from journeymap.report import NO_CONTEXT, ReportContext

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.baseline import Outcome


def report(results: Sequence[Analysis], *, color: bool = False, context: ReportContext = NO_CONTEXT) -> str:
    urls = {rule.id: rule_url(rule, context.docs_url) for rule in all_rules()}
    items = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "severity": f.severity.value,
            "rule_id": f.rule_id,
            "rule_name": f.rule_name,
            "message": f.message,
            "url": urls.get(f.rule_id, ""),
        }
        for result in results
        for f in result.findings
    ]
    outcome = context.baseline
    data: Any = items if outcome is None else _with_baseline(items, results, outcome, urls)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _with_baseline(items: list[dict[str, Any]], results: Sequence[Analysis], outcome: Outcome,
                   urls: dict[str, str]) -> dict[str, Any]:

    states = [state for result in results for state in outcome.state_of(result)]
    for item, state in zip(items, states, strict=True):
        item["baseline"] = state.value
    stale = [
        {"path": s.path, "map": s.key.map, "rule_id": s.key.rule, "rule_name": s.rule_name, "node": s.key.node,
         "count": s.count, "url": urls.get(s.key.rule, "")}
        for s in outcome.stale
    ]
    summary = {"baseline": outcome.baseline, **{s.value: outcome.count(results, s) for s in BaselineState}}
    return {"findings": items, "stale": stale, "summary": summary}

