"""Ids are unique within their kind, and every reference names an existing id.

Items taken from a library (`origin` set) are known ids like the map's own,
but their uniqueness is the library's business (and conflicts with the map
are `libraries.merge`'s); a library's opportunities may address pain points
of other maps that use it, so their `addresses` are not checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from journeymap import builtin_rules
from journeymap.findings import Finding, RuleInfo
from journeymap.load import Document, Path_
from journeymap.model import Journey, own
from journeymap.schema import did_you_mean


@dataclass(frozen=True)
class _Item:
    kind: str
    id: str
    path: Path_


def _items(journey: Journey) -> Iterator[_Item]:
    for p in own(journey.personas):
        yield _Item("persona", p.id, p.path)
    for c in own(journey.channels):
        yield _Item("channel", c.id, c.path)
    for s in own(journey.sources):
        yield _Item("source", s.id, s.path)
    for stage in journey.stages:
        yield _Item("stage", stage.id, stage.path)
    for t in journey.touchpoints():
        yield _Item("touchpoint", t.id, t.path)
    for pp in journey.pain_points():
        yield _Item("pain point", pp.id, pp.path)
    for o in own(journey.opportunities):
        yield _Item("opportunity", o.id, o.path)


def reference_findings(doc: Document, journey: Journey) -> list[Finding]:
    findings = list(_duplicate_ids(doc, journey))
    findings += _unknown_references(doc, journey)
    return findings


def _duplicate_ids(doc: Document, journey: Journey) -> Iterator[Finding]:
    seen: dict[tuple[str, str], Path_] = {}
    for item in _items(journey):
        key = (item.kind, item.id)
        if key in seen:
            first_line = doc.position((*seen[key], "id"))[0]
            yield _finding(
                doc, (*item.path, "id"), builtin_rules.DUPLICATE_ID,
                f"{item.kind} id '{item.id}' is already used at line {first_line}; ids must be unique: rename one",
            )
        else:
            seen[key] = item.path


def _unknown_references(doc: Document, journey: Journey) -> Iterator[Finding]:
    channels = _Known(c.id for c in journey.channels)
    personas = _Known(p.id for p in journey.personas)
    sources = _Known(s.id for s in journey.sources)
    pain_points = _Known(pp.id for pp in journey.pain_points())
    for t in journey.touchpoints():
        if t.channel is not None:
            yield from _check(doc, [(t.channel, (*t.path, "channel"))], channels, "channel", t.id)
        yield from _check(doc, _indexed(t.personas, (*t.path, "personas")), personas, "persona", t.id)
        yield from _check(doc, _indexed(t.evidence, (*t.path, "evidence")), sources, "source", t.id)
        for pp in t.pain_points:
            yield from _check(doc, _indexed(pp.evidence, (*pp.path, "evidence")), sources, "source", pp.id)
    for o in own(journey.opportunities):
        yield from _check(doc, _indexed(o.addresses, (*o.path, "addresses")), pain_points, "pain point", o.id)
    yield from _measure_references(doc, journey)
    yield from _return_references(doc, journey)


def _measure_references(doc: Document, journey: Journey) -> Iterator[Finding]:
    """A KPI's `measure` names touchpoints (or stages, where it may) that exist."""
    touchpoints = _Known(t.id for t in journey.touchpoints())
    steps = _Known([*touchpoints, *(s.id for s in journey.stages)])
    for stage in journey.stages:
        for kpi in stage.kpis:
            m = kpi.measure
            if m is None:
                continue
            at: Path_ = (*kpi.path, "measure", m.kind)
            if m.kind in ("conversion", "median_time"):
                refs = [(m.source, (*at, "from")), (m.target, (*at, "to"))]
                yield from _check(doc, refs, steps, "touchpoint or stage", kpi.name)
            elif m.kind == "return_share":
                yield from _check(doc, [(m.source, (*at, "touchpoint"))], touchpoints, "touchpoint", kpi.name)
            elif m.kind == "survey_score":
                yield from _check(doc, [(m.source, at)], touchpoints, "touchpoint", kpi.name)
            else:
                yield from _check(doc, [(m.source, at)], steps, "touchpoint or stage", kpi.name)


def _return_references(doc: Document, journey: Journey) -> Iterator[Finding]:
    """A stage's `returns` name earlier stages: going back to a later one (or to itself) is no return,
    so only the stages before it are offered as hints."""
    for index, stage in enumerate(journey.stages):
        earlier = _Known(s.id for s in journey.stages[:index])
        for ref, path in _indexed(stage.returns, (*stage.path, "returns")):
            if ref in earlier.lookup:
                continue
            if any(s.id == ref for s in journey.stages):
                where = "itself" if ref == stage.id else "a later stage"
                listing = f"; earlier stages: {_listing(earlier)}" if earlier else "; the first stage has none"
                yield _finding(doc, path, builtin_rules.UNKNOWN_REFERENCE,
                               f"stage '{stage.id}' returns to '{ref}', which is {where}; a return names an earlier "
                               f"stage{listing}")
            else:
                yield from _check(doc, [(ref, path)], earlier, "earlier stage", stage.id)


def _indexed(ids: list[str], path: Path_) -> list[tuple[str, Path_]]:
    return [(ref, (*path, i)) for i, ref in enumerate(ids)]


class _Known(list[str]):
    """The ids of one kind, in the order written (for hints), with a set to look them up: built once
    a map, not once a reference (a 1,000-touchpoint map has as many pain points to look up)."""

    def __init__(self, ids: Iterable[str]) -> None:
        super().__init__(ids)
        self.lookup = frozenset(self)


def _check(
    doc: Document, refs: Iterable[tuple[str, Path_]], known: _Known, kind: str, owner: str
) -> Iterator[Finding]:
    for ref, path in refs:
        if ref in known.lookup:
            continue
        hint = did_you_mean(ref, known)
        if not hint:
            hint = f"; define it under {_section(kind)}" if not known else f"; known: {_listing(known)}"
        yield _finding(doc, path, builtin_rules.UNKNOWN_REFERENCE, f"'{owner}' names unknown {kind} '{ref}'{hint}")


def _section(kind: str) -> str:
    return {"persona": "personas", "channel": "channels", "source": "sources",
            "earlier stage": "stages, before this one"}.get(kind, "a touchpoint's pain_points")


def _listing(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _finding(doc: Document, path: Path_, rule: RuleInfo, message: str) -> Finding:
    line, column = doc.position(path)
    return Finding(doc.path, line, column, rule.severity, rule.id, rule.name, message, path)
