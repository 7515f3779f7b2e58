"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers, with rule metadata."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from journeymap import __version__
from journeymap.findings import RuleInfo, Severity
from journeymap.lint.examples import examples_of
from journeymap.lint.registry import all_rules

if TYPE_CHECKING:
    from journeymap.analysis import Analysis

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report(results: Sequence[Analysis], *, color: bool = False) -> str:
    rules = all_rules()
    index = {rule.id: i for i, rule in enumerate(rules)}
    sarif_results = [
        {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
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
        for result in results
        for f in result.findings
        if f.rule_id in index
    ]
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
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def artifact_uri(path: str) -> str:
    """Relative paths stay relative (code scanning resolves them from the checkout)."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def _rule(rule: RuleInfo) -> dict[str, object]:
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
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["journeymap"]},
    }
