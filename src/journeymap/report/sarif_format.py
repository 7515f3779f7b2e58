"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers, with rule metadata.

Each rule in the driver links to its documentation (`helpUri`: docs/rules.md, or the
configuration's `docs_url`). With a baseline every result carries its `baselineState`: `new`, or
`unchanged` when the baseline holds it; each finding of the baseline that is gone is a result of
its own, `absent`, of kind `pass` (the rule now passes there).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from journeymap import __version__
from journeymap.findings import Finding, RuleInfo, Severity
from journeymap.lint.docs import rule_url
from journeymap.lint.examples import examples_of
from journeymap.lint.registry import all_rules
from journeymap.report import NO_CONTEXT, ReportContext

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.baseline import Outcome

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report(results: Sequence[Analysis], *, color: bool = False, context: ReportContext = NO_CONTEXT) -> str:
    rules = all_rules()
    index = {rule.id: i for i, rule in enumerate(rules)}
    outcome = context.baseline
    sarif_results = []
    for result in results:
        states = outcome.state_of(result) if outcome is not None else [None] * len(result.findings)
        for f, state in zip(result.findings, states, strict=True):
            if f.rule_id in index:
                entry = _result(f, index[f.rule_id])
                if state is not None:
                    entry["baselineState"] = state.value
                sarif_results.append(entry)
    if outcome is not None:
        sarif_results += _absent(outcome, index)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "journeymap",
                        "version": __version__,
                        "informationUri": "https://journeymap.dev",
                        "rules": [_rule(rule, context.docs_url) for rule in rules],
                    }
                },
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(f.path)},
                    "region": {"startLine": f.line, "startColumn": f.column},
                }
            }
        ],
    }


def _absent(outcome: Outcome, index: dict[str, int]) -> list[dict[str, Any]]:
    """One result for each finding of the baseline that this run did not find."""
    out = []
    for stale in outcome.stale:
        if stale.key.rule not in index:
            continue  # a rule this journeymap no longer has
        where = f" at {stale.key.node}" if stale.key.node else ""
        absent = {
            "ruleId": stale.key.rule,
            "ruleIndex": index[stale.key.rule],
            "kind": "pass",
            "level": "none",
            "message": {"text": f"fixed since the baseline: {stale.key.rule} {stale.rule_name}{where}"},
            "baselineState": "absent",
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(stale.path)}}}],
        }
        out += [absent] * stale.count
    return out


def artifact_uri(path: str) -> str:
    """Relative paths stay relative (code scanning resolves them from the checkout)."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def _rule(rule: RuleInfo, docs_url: str | None) -> dict[str, object]:
    help_text = f"{rule.rationale}\n\nHow to fix: {rule.fix}"
    markdown = f"{rule.rationale}\n\n**How to fix:** {rule.fix}"
    shown = examples_of(rule.id)
    if shown.flagged:
        markdown += f"\n\nInstead of:\n\n```yaml\n{shown.flagged}\n```"
    if shown.clean:
        markdown += f"\n\nWrite:\n\n```yaml\n{shown.clean}\n```"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": markdown},
        "helpUri": rule_url(rule, docs_url),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["journeymap"]},
    }
