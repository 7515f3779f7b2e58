"""The diff as JSON for other tools; the structure is documented in docs/diff.md.

`version` changes only when a key is removed or changes meaning; new keys may
be added at any time. Every map compared is listed, unchanged ones too.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from journeymap.diff.present.words import counts, status_counts, summary
from journeymap.diff.records import DiffReport, MapDiff, Status

VERSION = 1


def present(report: DiffReport, *, color: bool = False) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"


def as_data(report: DiffReport) -> dict[str, Any]:
    c = counts(report.maps)
    statuses = status_counts(report)
    return {
        "format": "journeymap-diff",
        "version": VERSION,
        "old": report.old_label,
        "new": report.new_label,
        "differs": report.differs,
        "summary": summary(report),
        "counts": {
            "maps": {status.value: statuses[status] for status in Status},
            "changes": c.changes,
            "pain_points_resolved": c.resolved,
            "pain_points_reopened": c.reopened,
            "introduced": {severity.value: n for severity, n in sorted(c.introduced.items())},
            "fixed": c.fixed,
        },
        "maps": [_map(m) for m in report.maps],
        "notes": [dataclasses.asdict(n) for n in report.notes],
    }


def _map(diff: MapDiff) -> dict[str, Any]:
    return {
        "status": diff.status.value,
        "old_path": diff.old_path,
        "new_path": diff.new_path,
        "id": diff.map_id,
        "title": diff.title,
        "formatting_only": diff.formatting_only,
        "changes": [
            {
                "kind": c.kind.value,
                "entity": c.entity.value,
                "id": c.id,
                "name": c.name,
                "stage": c.stage,
                "touchpoint": c.touchpoint,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "delta": c.delta,
            }
            for c in diff.changes
        ],
        "lint": [
            {
                "kind": f.kind.value,
                "rule_id": f.rule_id,
                "rule_name": f.rule_name,
                "severity": f.severity.value,
                "message": f.message,
                "entity": f.entity.value,
                "id": f.id,
                "stage": f.stage,
                "field": f.field,
                "line": f.line,
                "column": f.column,
            }
            for f in diff.lint
        ],
        "problems": [
            {"side": p.side.value, "path": p.path, "line": p.line, "column": p.column, "message": p.message}
            for p in diff.problems
        ],
    }
