"""What moved between two measures snapshots of a map (`journeymap diff OLD.json NEW.json`):
the funnel, each stage's conversion, touchpoint reach, KPIs, measured emotions, and what the
map misses, old beside new."""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.measure.present import (
    Cell,
    Section,
    as_sections_markdown,
    as_sections_text,
    emotion,
)
from journeymap.measures import MeasuresSnapshot, duration, percent
from journeymap.strings import signed


@dataclass(frozen=True)
class Moved:
    sections: list[Section]
    changed: bool


def _delta(old: float | None, new: float | None, points: bool = True) -> str:
    if old is None or new is None:
        return "—"
    change = (new - old) * (100 if points else 1)
    return f"{signed(change)}{' pts' if points else ''}" if round(change, 1) else "="


def moved(old: MeasuresSnapshot, new: MeasuresSnapshot) -> Moved:
    changed = False
    sections = [Section("journeymap measures diff", notes=[
        [Cell("Map: ", True), Cell(new.map_title), Cell(" — old: ", True), Cell(old.events_source),
         Cell(f" ({old.entrants:,} entrants); new: ", True), Cell(new.events_source),
         Cell(f" ({new.entrants:,} entrants)", True)],
    ])]
    olds = {f.stage: f for f in old.funnel}
    rows = []
    for f in new.funnel:
        before = olds.get(f.stage)
        d = _delta(before.of_first if before else None, f.of_first)
        changed |= d not in ("=", "—")
        rows.append([Cell(f.stage), Cell(percent(before.of_first) if before else "—", True),
                     Cell(percent(f.of_first), True), Cell(d, True)])
    sections.append(Section("Funnel, share of the first stage", ["stage", "old", "new", "change"], rows))
    old_stages = {m.id: m for m in old.stages}
    rows = []
    for m in new.stages:
        if m.moved_on is None:
            continue
        was = old_stages.get(m.id)
        share_new = m.moved_on / m.entered if m.entered else None
        share_old = was.moved_on / was.entered if was and was.entered and was.moved_on is not None \
            else None
        d = _delta(share_old, share_new)
        changed |= d not in ("=", "—")
        rows.append([Cell(m.id), Cell(percent(share_old), True), Cell(percent(share_new), True), Cell(d, True)])
    sections.append(Section("Moved on to a later stage", ["stage", "old", "new", "change"], rows))
    old_kpis = {(k.stage, k.name): k for k in old.kpis}
    rows = []
    for k in new.kpis:
        had = old_kpis.get((k.stage, k.name))
        status = f"{had.status} → {k.status}" if had and had.status != k.status else k.status
        changed |= bool(had and (had.value != k.value or had.status != k.status))
        if k.unit == "seconds" and had and had.value is not None and k.value is not None:
            gap = k.value - had.value
            change = "=" if abs(gap) < 1 else ("+" if gap > 0 else "-") + duration(abs(gap))
        else:
            change = _delta(had.value if had else None, k.value, k.unit == "share")
        rows.append([Cell(k.stage), Cell(k.name), Cell(change, True), Cell(status, True)])
    if rows:
        sections.append(Section("KPIs", ["stage", "KPI", "change", "status"], rows))
    old_emotions, new_emotions = old.measured_emotions(), new.measured_emotions()
    rows = []
    for t in new.touchpoints:
        a, b = old_emotions.get(t.id), new_emotions.get(t.id)
        if a is not None or b is not None:
            d = _delta(a, b, points=False)
            changed |= d not in ("=", "—")
            rows.append([Cell(t.id), Cell(emotion(a), True), Cell(emotion(b), True), Cell(d, True)])
    if rows:
        sections.append(Section("Measured emotion", ["touchpoint", "old", "new", "change"], rows))
    fitness = _fitness(old, new)
    if fitness is not None:
        sections.append(fitness)
        changed |= any(row[3].text not in ("=", "—") for row in fitness.rows)
    notes = []
    for label, prior, after in (
        ("Now never seen: ", set(old.never_seen), set(new.never_seen)),
        ("New unmapped events: ", {u.event for u in old.unmapped_events}, {u.event for u in new.unmapped_events}),
    ):
        fresh = sorted(after - prior)
        if fresh:
            changed = True
            notes.append([Cell(label, True), Cell(", ".join(fresh))])
        gone = sorted(prior - after)
        if gone:
            changed = True
            notes.append([Cell(label.replace("Now", "No longer").replace("New", "Gone"), True), Cell(", ".join(gone))])
    if notes:
        sections.append(Section("What the map misses", notes=notes))
    return Moved(sections, changed)


def _fitness(old: MeasuresSnapshot, new: MeasuresSnapshot) -> Section | None:
    """How well the map describes each log (a snapshot from before conformance has no figures)."""
    a, b = old.conformance, new.conformance
    if a is None and b is None:
        return None
    rows = []
    for label, key in (("users", "fitness_users"), ("transitions", "fitness_transitions")):
        was, now = getattr(a, key, None), getattr(b, key, None)
        rows.append([Cell(label, True), Cell(percent(was), True), Cell(percent(now), True),
                     Cell(_delta(was, now), True)])
    return Section("Fitness: how well the map describes the log", ["by", "old", "new", "change"], rows)


def moved_text(old: MeasuresSnapshot, new: MeasuresSnapshot) -> tuple[str, bool]:
    result = moved(old, new)
    return as_sections_text(result.sections), result.changed


def moved_markdown(old: MeasuresSnapshot, new: MeasuresSnapshot) -> tuple[str, bool]:
    result = moved(old, new)
    return as_sections_markdown(result.sections, new.map_title), result.changed
