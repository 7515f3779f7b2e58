"""Findings a change introduced and fixed, matched by what they are about.

Line numbers shift with every edit above a finding, so findings are matched
by rule and by the entity they name: each finding carries the path of its
node in the document, and the path names the innermost entity (stage,
touchpoint, pain point, ...) and the field of it. Findings with the same rule, entity and
field pair up, equal messages first; what is left on the new side was
introduced, what is left on the old side was fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from journeymap.diff.engine import kpi_key
from journeymap.diff.records import Entity, LintChange, LintKind
from journeymap.findings import Finding
from journeymap.load import Document, Path_
from journeymap.vocabulary import KINDS, STAGE

# the map's top-level lists of entities other than stages (which hold more), from the vocabulary
_TOP_LISTS = {kind.top_list: Entity(kind.key) for kind in KINDS if kind.top_list and kind is not STAGE}


@dataclass(frozen=True, slots=True)
class Subject:
    """What a finding is about: an entity, the stage it is in, and the field of it (if any)."""

    entity: Entity
    id: str
    stage: str | None = None
    field: str | None = None


def subject_of(data: dict[str, Any], path: Path_) -> Subject:
    """The innermost entity on `path`, and the first field below it."""
    subject = Subject(Entity.MAP, str(data.get("id", "")), None, _field(path, 0))
    try:
        head = path[0] if path else None
        if head in _TOP_LISTS and len(path) > 1:
            item = data[str(head)][path[1]]
            return Subject(_TOP_LISTS[str(head)], str(item["id"]), None, _field(path, 2))
        if head != "stages" or len(path) < 2:
            return subject
        stage = data["stages"][path[1]]
        subject = Subject(Entity.STAGE, str(stage["id"]), str(stage["id"]), _field(path, 2))
        if len(path) > 3 and path[2] == "kpis":
            kpi = stage["kpis"][path[3]]
            return Subject(Entity.KPI, str(kpi["name"]), subject.stage, _field(path, 4))
        if len(path) < 4 or path[2] != "touchpoints":
            return subject
        touchpoint = stage["touchpoints"][path[3]]
        subject = Subject(Entity.TOUCHPOINT, str(touchpoint["id"]), subject.stage, _field(path, 4))
        if len(path) > 5 and path[4] == "pain_points":
            pain = touchpoint["pain_points"][path[5]]
            return Subject(Entity.PAIN_POINT, str(pain["id"]), subject.stage, _field(path, 6))
    except (KeyError, IndexError, TypeError):
        pass  # a finding on a node the schema would refuse: the last entity found is the best answer
    return subject


def _field(path: Path_, at: int) -> str | None:
    return str(path[at]) if len(path) > at else None


def _key(finding: Finding, subject: Subject) -> tuple[str, str, str, str | None]:
    entity_id = kpi_key(subject.stage or "", subject.id) if subject.entity is Entity.KPI else subject.id
    return (finding.rule_id, subject.entity.value, entity_id, subject.field)


def lint_delta(
    old: Sequence[Finding], old_doc: Document | None, new: Sequence[Finding], new_doc: Document | None
) -> list[LintChange]:
    """Findings only the new side has (introduced) and only the old side has (fixed)."""
    old_keyed = _keyed(old, old_doc)
    new_keyed = _keyed(new, new_doc)
    out: list[LintChange] = []
    for key, items in new_keyed.items():
        out += (_record(LintKind.INTRODUCED, f, s) for f, s in _unpaired(items, old_keyed.get(key, [])))
    for key, items in old_keyed.items():
        out += (_record(LintKind.FIXED, f, s) for f, s in _unpaired(items, new_keyed.get(key, [])))
    return out


_Item = tuple[Finding, Subject]
_Keyed = dict[tuple[str, str, str, str | None], list[_Item]]


def _keyed(findings: Iterable[Finding], doc: Document | None) -> _Keyed:
    out: _Keyed = {}
    for finding in findings:
        subject = subject_of(doc.data, finding.node) if doc is not None else Subject(Entity.MAP, "")
        out.setdefault(_key(finding, subject), []).append((finding, subject))
    return out


def _unpaired(mine: list[_Item], theirs: list[_Item]) -> list[_Item]:
    """The items of `mine` left once each is paired with one of `theirs`: equal messages first, then in order."""
    if not theirs:
        return mine
    messages: dict[str, int] = {}
    for finding, _ in theirs:
        messages[finding.message] = messages.get(finding.message, 0) + 1
    left: list[_Item] = []
    spare = len(theirs)
    for item in mine:
        count = messages.get(item[0].message, 0)
        if count:
            messages[item[0].message] = count - 1
            spare -= 1
        else:
            left.append(item)
    # the rest pair up in order, whatever their messages say (a count in a message, say)
    return left[spare:]


def _record(kind: LintKind, finding: Finding, subject: Subject) -> LintChange:
    return LintChange(
        kind, finding.rule_id, finding.rule_name, finding.severity, finding.message,
        subject.entity, subject.id, subject.stage, subject.field, finding.line, finding.column,
    )
