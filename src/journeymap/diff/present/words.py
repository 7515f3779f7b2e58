"""The words of a diff, shared by the text and Markdown presenters.

Each change becomes a line of segments: (style, text). Our own words have
the style "plain"; map text (names, ids, values) has its own styles, so each
presenter escapes it for its output and emphasises it in its own way. Lines
are grouped in sections: the map itself, each stage in journey order, the
map-wide lists, the lint delta.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from journeymap.diff.records import (
    Change,
    DiffReport,
    Entity,
    Kind,
    LintChange,
    LintKind,
    MapDiff,
    Status,
    Value,
)
from journeymap.findings import Severity
from journeymap.strings import short, signed, true_minus
from journeymap.vocabulary import id_fields

# styles: "plain" is our own words; every other style may hold map text, which presenters escape:
# text (map text shown as it is), name, id, old, new, added, removed, changed, good, bad
Segment = tuple[str, str]
Line = list[Segment]
SIGN = {
    Kind.ADDED: ("added", "+"),
    Kind.REMOVED: ("removed", "-"),
    Kind.RESOLVED: ("good", "✓"),
    Kind.REOPENED: ("bad", "!"),
}
_TEXT_LIMIT = 160


@dataclass
class Section:
    title: Line
    lines: list[Line] = field(default_factory=list)


def sign(change: Change) -> Segment:
    return SIGN.get(change.kind, ("changed", "~"))


def sections(diff: MapDiff) -> list[Section]:
    """The map's changes grouped for reading: map, stages in order, map-wide lists, lint."""
    by_stage: dict[str, list[Change]] = {}
    top: list[Change] = []
    people: list[Change] = []
    opportunities: list[Change] = []
    for change in diff.changes:
        if change.entity is Entity.MAP:
            top.append(change)
        elif change.stage is not None:
            by_stage.setdefault(change.stage, []).append(change)
        elif change.entity is Entity.OPPORTUNITY:
            opportunities.append(change)
        else:
            people.append(change)
    out = []
    if top:
        out.append(Section([("plain", "Map")], _lines(top, diff)))
    for stage_id in [*diff.stage_order, *(s for s in by_stage if s not in diff.stage_order)]:
        changes = by_stage.get(stage_id)
        if changes:
            out.append(Section(_stage_title(stage_id, changes, diff), _lines(changes, diff)))
    if people:
        out.append(Section([("plain", "Personas, channels and sources")], _lines(people, diff)))
    if opportunities:
        out.append(Section([("plain", "Opportunities")], _lines(opportunities, diff)))
    return out


def _lines(changes: Sequence[Change], diff: MapDiff) -> list[Line]:
    """A line a change, except that field changes of one entity share a line: `a: x → y; b: …`."""
    lines: list[Line] = []
    previous: Change | None = None
    for change in changes:
        same_entity = previous is not None and (previous.entity, previous.id) == (change.entity, change.id)
        if change.kind is Kind.CHANGED and previous is not None and previous.kind is Kind.CHANGED and same_entity:
            lines[-1] += [("plain", "; "), *field_change(change)]
        else:
            lines.append(describe(change, diff))
        previous = change
    return lines


def _stage_title(stage_id: str, changes: Sequence[Change], diff: MapDiff) -> Line:
    name = diff.name_of(Entity.STAGE, stage_id)
    title: Line = [("plain", "Stage "), ("name", shortened(name)), ("plain", " ("), ("id", stage_id), ("plain", ")")]
    if not name:
        title = [("plain", "Stage "), ("id", stage_id)]
    for change in changes:
        if change.entity is Entity.STAGE and change.id == stage_id and change.kind in (Kind.ADDED, Kind.REMOVED):
            title.append(("added" if change.kind is Kind.ADDED else "removed", f" ({change.kind.value})"))
    return title


def describe(change: Change, diff: MapDiff) -> Line:
    """One change in words, as a line of segments."""
    noun = change.entity.noun
    subject = _subject(change)
    line: Line = [sign(change), ("plain", " ")]
    kind = change.kind
    if kind is Kind.ADDED or kind is Kind.REMOVED:
        line += [("plain", f"{kind.value} {noun} "), *subject, *_facet(change)]
        if change.entity is Entity.PAIN_POINT and kind is Kind.REMOVED:
            line.append(("good", " (resolved: removed from the map)"))
    elif kind is Kind.RENAMED:
        if change.entity is Entity.MAP:
            line += [("plain", f"{change.field}: ")]
        else:
            line += [("plain", f"renamed {noun} "), ("id", change.id), ("plain", ": ")]
        line += _old_new(change)
    elif kind is Kind.MOVED:
        container = Entity.STAGE if change.field == "stage" else Entity.TOUCHPOINT
        line += [("plain", f"moved {noun} "), *subject, ("plain", f" from {container.noun} "),
                 *_named(diff, container, change.old), ("plain", " to "), *_named(diff, container, change.new)]
    elif kind is Kind.REORDERED:
        line += [("plain", f"reordered the {_plural_field(change.field)}")]
        if change.entity is not Entity.MAP:
            line += [("plain", f" of {noun} "), *subject]
        line += [("plain", ": now "), *_id_list(change.new)]
    elif kind is Kind.CHANGED:
        if change.entity is not Entity.MAP:
            line += [("plain", f"{noun} "), *subject, ("plain", " — ")]
        line += field_change(change)
    elif kind is Kind.RESOLVED:
        line += [("plain", f"{noun} "), *subject, ("good", " resolved"),
                 ("plain", ": every opportunity addressing it is done ("), *_id_list(change.new), ("plain", ")")]
    elif kind is Kind.REOPENED:
        line += [("plain", f"{noun} "), *subject, ("bad", " reopened"),
                 ("plain", ": not every opportunity addressing it is done any more ("), *_id_list(change.new),
                 ("plain", ")")]
    return line


def _subject(change: Change) -> Line:
    if change.entity is Entity.KPI:
        return [("name", shortened(change.id))]
    if not change.name or change.name == change.id:
        return [("id", change.id)]
    return [("name", shortened(change.name)), ("plain", " ("), ("id", change.id), ("plain", ")")]


def _facet(change: Change) -> Line:
    value = change.new if change.kind is Kind.ADDED else change.old
    if change.field is None or value is None:
        return []
    style = "new" if change.kind is Kind.ADDED else "old"
    return [("plain", f", {change.field} "), *_value(change.field, value, style)]


def _plural_field(name: str | None) -> str:
    return (name or "items").replace("_", " ")


def _named(diff: MapDiff, entity: Entity, value: Value) -> Line:
    entity_id = str(value)
    name = diff.name_of(entity, entity_id)
    if not name:
        return [("id", entity_id)]
    return [("name", shortened(name)), ("plain", " ("), ("id", entity_id), ("plain", ")")]


def _id_list(value: Value, style: str = "id") -> Line:
    ids = value if isinstance(value, list) else []
    if not ids:
        return [("plain", "none")]
    line: Line = []
    for i, item in enumerate(ids):
        if i:
            line.append(("plain", ", "))
        line.append((style, item))
    return line


# fields that hold ids (shown as ids: the vocabulary's), and fields that hold one of a few words (shown bare)
_ID_FIELDS = id_fields()
_WORD_FIELDS = {"severity", "status", "phase", "kind", "last_reviewed", "owner", "target", "current"}


def _value(field_name: str | None, value: Value, style: str) -> Line:
    if value is None or value == "" or value == []:
        return [("plain", "(none)")]
    if field_name == "emotion" and isinstance(value, int):
        return [(style, emotion(value))]
    if isinstance(value, list):
        if field_name in _ID_FIELDS:
            return _id_list(value)
        return [(style, quoted(value))]
    if field_name in _ID_FIELDS:
        return [("id", str(value))]
    if field_name in _WORD_FIELDS or isinstance(value, int):
        return [(style, shortened(value))]
    return [(style, quoted(value))]


def _old_new(change: Change) -> Line:
    return [*_value(change.field, change.old, "old"), ("plain", " → "), *_value(change.field, change.new, "new")]


def field_change(change: Change) -> Line:
    """`field: old → new`; emotion with its signed delta, lists as what was added and removed."""
    return [("plain", f"{change.field}: "), *_field_values(change)]


def _field_values(change: Change) -> Line:
    old, new = change.old, change.new
    if change.field == "emotion":
        line = _old_new(change)
        if change.delta is not None:
            line += [("plain", " ("), ("bad" if change.delta < 0 else "good", signed(change.delta, 0)), ("plain", ")")]
        return line
    if isinstance(old, list) or isinstance(new, list):
        return _list_change(change.field, old if isinstance(old, list) else [], new if isinstance(new, list) else [])
    return _old_new(change)


def _list_change(field_name: str | None, old: list[str], new: list[str]) -> Line:
    added = list((Counter(new) - Counter(old)).elements())
    removed = list((Counter(old) - Counter(new)).elements())
    if not added and not removed:
        return [("plain", "reordered")]
    line: Line = []
    for label, items, style in (("added ", added, "new"), ("removed ", removed, "old")):
        if not items:
            continue
        if line:
            line.append(("plain", "; "))
        line.append(("plain", label))
        for i, item in enumerate(items):
            if i:
                line.append(("plain", ", "))
            line += _value(field_name, item, style)
    return line


def emotion(value: Value) -> str:
    """Signed, as the scale reads and the pictures write it: −2 .. 0 .. +2 (a true minus sign)."""
    if not isinstance(value, int):
        return "(none)"
    return signed(value, 0)


def quoted(value: Value) -> str:
    if isinstance(value, list):
        return ", ".join(quoted(v) for v in value)
    return f"“{shortened(value)}”" if isinstance(value, str) else str(value)


def shortened(value: object) -> str:
    return short(value, _TEXT_LIMIT)


def lint_line(change: LintChange) -> Line:
    """One finding introduced or fixed, with the entity it names."""
    introduced = change.kind is LintKind.INTRODUCED
    line: Line = [
        ("bad", "+") if introduced else ("good", "✓"),
        ("plain", " " if introduced else " fixed "),
        ("bad" if change.severity is Severity.ERROR and introduced else "plain", change.severity.value),
        ("plain", " "), ("id", change.rule_id), ("plain", " "), ("text", change.rule_name), ("plain", ": "),
        ("text", true_minus(shortened(change.message))),
    ]
    where: Line = []
    if change.entity is not Entity.MAP:
        where = [("plain", f" ({change.entity.noun} "), ("id", change.id)]
    else:
        where = [("plain", " (map")]
    where += [("plain", f", {'new' if introduced else 'old'} line {change.line})")]
    return line + where


# --- counting, for summaries -------------------------------------------------------------


@dataclass
class Counts:
    added: Counter[Entity] = field(default_factory=Counter)
    removed: Counter[Entity] = field(default_factory=Counter)
    changed: Counter[Entity] = field(default_factory=Counter)
    resolved: int = 0
    reopened: int = 0
    introduced: Counter[Severity] = field(default_factory=Counter)
    fixed: int = 0
    changes: int = 0


def counts(diffs: Iterable[MapDiff]) -> Counts:
    out = Counts()
    for diff in diffs:
        changed: set[tuple[Entity, str]] = set()
        for change in diff.changes:
            if diff.status in (Status.ADDED, Status.DELETED):
                continue
            out.changes += 1
            if change.kind is Kind.ADDED:
                out.added[change.entity] += 1
            elif change.kind is Kind.REMOVED:
                out.removed[change.entity] += 1
                if change.entity is Entity.PAIN_POINT:
                    out.resolved += 1
            elif change.kind is Kind.RESOLVED:
                out.resolved += 1
            elif change.kind is Kind.REOPENED:
                out.reopened += 1
            else:
                changed.add((change.entity, change.id))
        out.changed.update(entity for entity, _ in changed)
        for lint in diff.lint:
            if lint.kind is LintKind.INTRODUCED:
                out.introduced[lint.severity] += 1
            else:
                out.fixed += 1
    return out


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    if word.endswith("y") and not word.endswith("ey"):
        return f"{n} {word[:-1]}ies"
    return f"{n} {word}s"


ENTITY_ORDER = (
    Entity.STAGE, Entity.TOUCHPOINT, Entity.PAIN_POINT, Entity.OPPORTUNITY, Entity.KPI,
    Entity.PERSONA, Entity.CHANNEL, Entity.SOURCE,
)


def change_phrases(c: Counts) -> list[str]:
    """e.g. ["touchpoints: 2 added, 3 changed", "stages: 1 removed"], in journey order of the kinds."""
    out = []
    for entity in ENTITY_ORDER:
        parts = [f"{counter[entity]} {label}"
                 for label, counter in (("added", c.added), ("removed", c.removed), ("changed", c.changed))
                 if counter[entity]]
        if parts:
            out.append(f"{_plural_noun(entity)}: {', '.join(parts)}")
    return out


def _plural_noun(entity: Entity) -> str:
    return "opportunities" if entity is Entity.OPPORTUNITY else f"{entity.noun}s"


def lint_phrases(c: Counts) -> list[str]:
    out = [f"{plural(c.introduced[s], s.value if s is not Severity.INFO else 'info finding')} introduced"
           for s in Severity if c.introduced[s]]
    if c.fixed:
        out.append(f"{plural(c.fixed, 'finding')} fixed")
    return out


def status_counts(report: DiffReport) -> Counter[Status]:
    return Counter(m.status for m in report.maps)


def summary(report: DiffReport) -> str:
    """The one-line summary every format ends (or starts) with."""
    statuses = status_counts(report)
    total = len(report.maps)
    if not report.differs:
        noted = f"; {plural(len(report.notes), 'file')} skipped" if report.notes else ""
        return f"No changes: {plural(total, 'map')} compared{noted}."
    parts = []
    for status, label in (
        (Status.MODIFIED, "changed"), (Status.RENAMED, "renamed"), (Status.ADDED, "added"),
        (Status.DELETED, "deleted"), (Status.NOT_COMPARED, "not compared"), (Status.UNCHANGED, "unchanged"),
    ):
        if statuses[status]:
            parts.append(f"{statuses[status]} {label}")
    c = counts(report.maps)
    text = f"{plural(total, 'map')}: {', '.join(parts)}"
    if c.changes:
        text += f"; {plural(c.changes, 'change')}"
    pains = []
    if c.resolved:
        pains.append(f"{c.resolved} resolved")
    if c.added[Entity.PAIN_POINT]:
        pains.append(f"{c.added[Entity.PAIN_POINT]} new")
    if c.reopened:
        pains.append(f"{c.reopened} reopened")
    if pains:
        text += f"; pain points: {', '.join(pains)}"
    lint = lint_phrases(c)
    if lint:
        text += f"; lint: {', '.join(lint)}"
    if report.notes:
        text += f"; {plural(len(report.notes), 'file')} skipped"
    return text + "."
