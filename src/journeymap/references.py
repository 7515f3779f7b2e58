"""Ids are unique within their kind, and every reference names an existing id.

Which fields define and name which kind of id is the vocabulary's (`journeymap.vocabulary`);
links to other maps (`related`, `journey`) are checked across a folder (`portfolio`), not here.

Items taken from a library (`origin` set) are known ids like the map's own,
but their uniqueness is the library's business (and conflicts with the map
are `libraries.merge`'s); a library's opportunities may address pain points
of other maps that use it, so their `addresses` are not checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from journeymap import builtin_rules, vocabulary
from journeymap.findings import Finding, RuleInfo
from journeymap.load import Document, Path_
from journeymap.model import Journey
from journeymap.schema import did_you_mean
from journeymap.vocabulary import Kind, Occurrence


def reference_findings(doc: Document, journey: Journey) -> list[Finding]:
    shared = library_ids(journey)
    found = vocabulary.occurrences(doc.data, shared)
    findings = list(_duplicate_ids(doc, found))
    findings += _unknown_references(doc, found, shared)
    findings += _returns_to_later_stages(doc, journey)
    return findings


def library_ids(journey: Journey) -> dict[Kind, set[str]]:
    """The ids the map's libraries define, by kind: they resolve as if the map defined them."""
    out: dict[Kind, set[str]] = {}
    for kind in vocabulary.library_kinds():
        items: list[Any] = getattr(journey, str(kind.defined_at[0]))
        out[kind] = {item.id for item in items if item.origin}
    return out


def _duplicate_ids(doc: Document, found: list[Occurrence]) -> Iterator[Finding]:
    seen: dict[tuple[Kind, str], Path_] = {}
    for item in found:
        if not item.definition:
            continue
        key = (item.kind, item.id)
        if key in seen:
            first_line = doc.position(seen[key])[0]
            yield _finding(
                doc, item.path, builtin_rules.DUPLICATE_ID,
                f"{item.kind.name} id '{item.id}' is already used at line {first_line}; ids must be unique: rename one",
            )
        else:
            seen[key] = item.path


def _unknown_references(doc: Document, found: list[Occurrence], shared: dict[Kind, set[str]]) -> Iterator[Finding]:
    known: dict[Kind, list[str]] = {kind: [] for kind in vocabulary.KINDS}
    for o in found:
        if o.definition:
            known[o.kind].append(o.id)
    for kind, ids in shared.items():
        known[kind] += sorted(ids)
    # one lookup a field, built once a map: a 1,000-touchpoint map has as many references to look up
    lookups: dict[vocabulary.Field, _Known] = {}
    for o in found:
        field = o.field
        if field is None or any(kind.across_maps for kind in field.kinds):
            continue  # links to other maps are checked across a folder (portfolio)
        lookup = lookups.get(field)
        if lookup is None:
            lookup = lookups[field] = _Known(dict.fromkeys(i for kind in field.kinds for i in known[kind]))
        if o.id not in lookup.lookup:
            yield _unknown(doc, o, lookup)


class _Known(list[str]):
    """The ids of one kind, in the order written (for hints), with a set to look them up: built once
    a map, not once a reference (a 1,000-touchpoint map has as many pain points to look up)."""

    def __init__(self, ids: Iterable[str]) -> None:
        super().__init__(ids)
        self.lookup = frozenset(self)


def _unknown(doc: Document, ref: Occurrence, known: _Known) -> Finding:
    assert ref.field is not None
    hint = did_you_mean(ref.id, known)
    if not hint:
        sections = " or ".join(kind.section for kind in ref.field.kinds)
        hint = f"; define it under {sections}" if not known else f"; known: {_listing(known)}"
    owner = _owner_label(doc, ref)
    message = f"'{owner}' names unknown {ref.field.kind_words} '{ref.id}'{hint}"
    return _finding(doc, ref.path, builtin_rules.UNKNOWN_REFERENCE, message)


def _owner_label(doc: Document, ref: Occurrence) -> str:
    """What messages call the entity holding a reference: its id, or a KPI's name."""
    entity: Any = doc.data
    for part in ref.owner:
        entity = entity[part]
    if isinstance(entity, dict):
        for key in ("id", "name"):
            if isinstance(entity.get(key), str | int | float):
                return str(entity[key])
    return ""


def _returns_to_later_stages(doc: Document, journey: Journey) -> Iterator[Finding]:
    """A stage's `returns` name earlier stages: going back to a later one (or to itself) is no
    return. (A return naming no stage at all is an unknown reference, found above.)"""
    for index, stage in enumerate(journey.stages):
        earlier = [s.id for s in journey.stages[:index]]
        for i, ref in enumerate(stage.returns):
            if ref in earlier or not any(s.id == ref for s in journey.stages):
                continue
            where = "itself" if ref == stage.id else "a later stage"
            listing = f"; earlier stages: {_listing(earlier)}" if earlier else "; the first stage has none"
            yield _finding(doc, (*stage.path, "returns", i), builtin_rules.UNKNOWN_REFERENCE,
                           f"stage '{stage.id}' returns to '{ref}', which is {where}; a return names an earlier "
                           f"stage{listing}")


def _listing(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _finding(doc: Document, path: Path_, rule: RuleInfo, message: str) -> Finding:
    line, column = doc.position(path)
    return Finding(doc.path, line, column, rule.severity, rule.id, rule.name, message, path)
