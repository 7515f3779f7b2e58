"""The semantic diff of two journeys: change records by id.

Each kind of entity is indexed by id on both sides (one dict each), so the
whole diff is linear in the size of the maps. Ids must be unique within their
kind on each side; callers refuse maps where they are not (see `sides`), as
there is no right way to pair duplicates.

Records come out in a stable order: map metadata; then personas, channels,
sources, stages, KPIs, touchpoints, pain points and opportunities, each with
the removed ones first (in the old map's order), then the others (in the new
map's order); then reorderings; then pain points resolved or reopened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from journeymap.diff.records import Change, Entity, Kind, MapDiff, Status, Value
from journeymap.model import Journey, is_resolved
from journeymap.vocabulary import KINDS

# fields compared as they are; the name field (below) gives RENAMED instead
FIELDS: dict[Entity, tuple[str, ...]] = {
    Entity.MAP: ("id", "description", "owner", "last_reviewed", "tags", "related", "uses"),
    Entity.PERSONA: ("description", "quote", "goals", "frustrations", "photo"),
    Entity.CHANNEL: ("kind",),
    Entity.SOURCE: ("kind", "url"),
    Entity.STAGE: ("phase", "goal", "description", "journey"),
    Entity.KPI: ("target", "current", "better"),  # which way is better changes what "on target" means
    Entity.TOUCHPOINT: (
        "description", "channel", "personas", "actions", "thoughts", "emotion", "evidence", "backstage", "support",
        "journey",
    ),
    Entity.PAIN_POINT: ("description", "severity", "evidence"),
    Entity.OPPORTUNITY: ("description", "addresses", "owner", "status"),
}
NAME_FIELD: dict[Entity, str] = {
    Entity.MAP: "title",
    Entity.PERSONA: "name",
    Entity.CHANNEL: "name",
    Entity.SOURCE: "title",
    Entity.STAGE: "name",
    Entity.TOUCHPOINT: "name",
}
# added and removed records carry the one attribute a reviewer asks about first
FACET: dict[Entity, str] = {Entity.TOUCHPOINT: "emotion", Entity.PAIN_POINT: "severity", Entity.OPPORTUNITY: "status"}
# what a touchpoint or pain point is inside of, and so can move between
CONTAINER_FIELD: dict[Entity, str] = {Entity.TOUCHPOINT: "stage", Entity.PAIN_POINT: "touchpoint"}
# the map's top-level lists of entities, in the vocabulary's order (personas, ..., opportunities)
_TOP_LISTS = tuple((Entity(kind.key), kind.top_list) for kind in KINDS if kind.top_list)
_ORDER = (
    Entity.PERSONA, Entity.CHANNEL, Entity.SOURCE, Entity.STAGE, Entity.KPI,
    Entity.TOUCHPOINT, Entity.PAIN_POINT, Entity.OPPORTUNITY,
)


@dataclass(slots=True)
class _Placed:
    """An entity and where it sits: `container` is the id of the list it is in
    (None for the map's own lists), `stage` the stage it belongs to."""

    obj: Any
    container: str | None
    stage: str | None
    touchpoint: str | None = None


Index = dict[Entity, dict[str, _Placed]]


def index(journey: Journey) -> Index:
    """Every entity of the journey by kind and id. KPIs have no id: their name within the stage is one."""
    out: Index = {entity: {} for entity in _ORDER}
    for entity, section in _TOP_LISTS:
        if entity is not Entity.STAGE:
            out[entity] = {item.id: _Placed(item, None, None) for item in getattr(journey, section)}
    for stage in journey.stages:
        out[Entity.STAGE][stage.id] = _Placed(stage, None, stage.id)
        for kpi in stage.kpis:
            out[Entity.KPI][kpi_key(stage.id, kpi.name)] = _Placed(kpi, stage.id, stage.id)
        for touchpoint in stage.touchpoints:
            out[Entity.TOUCHPOINT][touchpoint.id] = _Placed(touchpoint, stage.id, stage.id)
            for pain in touchpoint.pain_points:
                out[Entity.PAIN_POINT][pain.id] = _Placed(pain, touchpoint.id, stage.id, touchpoint.id)
    return out


def kpi_key(stage_id: str, name: str) -> str:
    # stage ids are slugs and cannot hold a newline, so the key is unambiguous
    return f"{stage_id}\n{name}"


def kpi_names_unique(journey: Journey) -> bool:
    return all(len({k.name for k in s.kpis}) == len(s.kpis) for s in journey.stages)


def diff_journeys(old: Journey, new: Journey) -> list[Change]:
    """Every change from `old` to `new`, by id. Ids must be unique within their kind on both sides."""
    old_index, new_index = index(old), index(new)
    kpis_by_name = kpi_names_unique(old) and kpi_names_unique(new)
    out = list(_map_changes(old, new))
    for entity in _ORDER:
        if entity is Entity.KPI and not kpis_by_name:
            out += _kpi_lists(old, new)
            continue
        out += _entity_changes(entity, old_index[entity], new_index[entity])
    out += _reorderings(old, new, old_index, new_index, kpis_by_name)
    out += _resolutions(old, new, old_index, new_index)
    return out


def map_diff(old: Journey, new: Journey, old_path: str, new_path: str, renamed: bool = False) -> MapDiff:
    """The MapDiff of two valid journeys (lint delta and problems are the caller's)."""
    changes = diff_journeys(old, new)
    status = Status.RENAMED if renamed else Status.MODIFIED if changes else Status.UNCHANGED
    return MapDiff(
        status, old_path, new_path, new.id or old.id, new.title, changes,
        stage_order=stage_order(old, new), names=names(old, new),
    )


def stage_order(old: Journey, new: Journey) -> list[str]:
    """The new map's stage ids, with each removed stage after the stage it followed in the old map."""
    present = {s.id for s in new.stages}
    after: dict[str | None, list[str]] = {}
    previous: str | None = None
    for stage in old.stages:
        if stage.id in present:
            previous = stage.id
        else:
            after.setdefault(previous, []).append(stage.id)
    order = list(after.get(None, []))
    for stage in new.stages:
        order.append(stage.id)
        order += after.get(stage.id, [])
    return order


def names(old: Journey, new: Journey) -> dict[str, dict[str, str]]:
    """Names of stages and touchpoints by id, from both sides (the new name wins)."""
    stages: dict[str, str] = {}
    touchpoints: dict[str, str] = {}
    for journey in (old, new):
        for stage in journey.stages:
            stages[stage.id] = stage.name
            for touchpoint in stage.touchpoints:
                touchpoints[touchpoint.id] = touchpoint.name
    return {Entity.STAGE.value: stages, Entity.TOUCHPOINT.value: touchpoints}


def display_name(entity: Entity, obj: Any) -> str:
    if entity in (Entity.PAIN_POINT, Entity.OPPORTUNITY):
        return str(obj.description)
    if entity is Entity.SOURCE:
        return str(obj.title or obj.id)
    return str(obj.name if entity is not Entity.MAP else obj.title)


def _value(obj: Any, name: str) -> Value:
    value = getattr(obj, name)
    if isinstance(value, list):
        return list(value)
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)


def _map_changes(old: Journey, new: Journey) -> Iterator[Change]:
    map_id = new.id or old.id
    if old.title != new.title:
        yield Change(Kind.RENAMED, Entity.MAP, map_id, new.title, field="title", old=old.title, new=new.title)
    for name in FIELDS[Entity.MAP]:
        before, after = _value(old, name), _value(new, name)
        if before != after:
            yield Change(Kind.CHANGED, Entity.MAP, map_id, new.title, field=name, old=before, new=after)


def _entity_changes(entity: Entity, old: dict[str, _Placed], new: dict[str, _Placed]) -> Iterator[Change]:
    entity_id = _public_id(entity)
    for key, was in old.items():
        if key not in new:
            facet = FACET.get(entity)
            yield Change(
                Kind.REMOVED, entity, entity_id(key, was), display_name(entity, was.obj),
                stage=was.stage, touchpoint=was.touchpoint, field=facet, old=_value(was.obj, facet) if facet else None,
            )
    name_field = NAME_FIELD.get(entity)
    container_field = CONTAINER_FIELD.get(entity)
    for key, now in new.items():
        was_or_none = old.get(key)
        common = {
            "entity": entity, "id": entity_id(key, now), "name": display_name(entity, now.obj),
            "stage": now.stage, "touchpoint": now.touchpoint,
        }
        if was_or_none is None:
            facet = FACET.get(entity)
            yield Change(Kind.ADDED, field=facet, new=_value(now.obj, facet) if facet else None, **common)
            continue
        was = was_or_none
        if container_field is not None and was.container != now.container:
            yield Change(Kind.MOVED, field=container_field, old=was.container, new=now.container, **common)
        if name_field is not None:
            before, after = _value(was.obj, name_field), _value(now.obj, name_field)
            if before != after:
                yield Change(Kind.RENAMED, field=name_field, old=before, new=after, **common)
        for name in FIELDS[entity]:
            before, after = _value(was.obj, name), _value(now.obj, name)
            if before != after:
                delta = after - before if isinstance(before, int) and isinstance(after, int) else None
                yield Change(Kind.CHANGED, field=name, old=before, new=after, delta=delta, **common)


def _public_id(entity: Entity) -> Any:
    if entity is Entity.KPI:
        return lambda key, placed: placed.obj.name
    return lambda key, placed: key


def _kpi_lists(old: Journey, new: Journey) -> Iterator[Change]:
    """KPIs named twice in one stage cannot be paired by name: compare each stage's list as a whole."""
    old_stages = {s.id: s for s in old.stages}
    for stage in new.stages:
        was = old_stages.get(stage.id)
        if was is None:
            continue
        before, after = _kpi_lines(was.kpis), _kpi_lines(stage.kpis)
        if before != after:
            yield Change(Kind.CHANGED, Entity.STAGE, stage.id, stage.name, stage=stage.id, field="kpis",
                         old=before, new=after)


def _kpi_lines(kpis: Iterable[Any]) -> list[str]:
    return [f"{k.name}: {k.current or '?'} (target {k.target or '?'})" for k in kpis]


def _reorderings(
    old: Journey, new: Journey, old_index: Index, new_index: Index, kpis_by_name: bool
) -> Iterator[Change]:
    map_id, title = new.id or old.id, new.title
    for entity, field in _TOP_LISTS:
        old_ids = [item.id for item in getattr(old, field)]
        new_ids = [item.id for item in getattr(new, field)]
        kept_old, kept_new = _kept(old_ids, new_ids, old_index[entity], new_index[entity], None)
        if kept_old != kept_new:
            yield Change(Kind.REORDERED, Entity.MAP, map_id, title, field=field, old=kept_old, new=kept_new)
    old_stages = {s.id: s for s in old.stages}
    old_touchpoints = {t.id: t for t in old.touchpoints()}
    for stage in new.stages:
        was = old_stages.get(stage.id)
        if was is None:
            continue
        kept_old, kept_new = _kept(
            [t.id for t in was.touchpoints], [t.id for t in stage.touchpoints],
            old_index[Entity.TOUCHPOINT], new_index[Entity.TOUCHPOINT], stage.id,
        )
        if kept_old != kept_new:
            yield Change(Kind.REORDERED, Entity.STAGE, stage.id, stage.name, stage=stage.id, field="touchpoints",
                         old=kept_old, new=kept_new)
        if kpis_by_name:
            # a stage's KPIs are all in that stage, so its kept names are the common ones
            old_names = {k.name for k in was.kpis}
            new_names = {k.name for k in stage.kpis}
            kept_old = [k.name for k in was.kpis if k.name in new_names]
            kept_new = [k.name for k in stage.kpis if k.name in old_names]
            if kept_old != kept_new:
                yield Change(Kind.REORDERED, Entity.STAGE, stage.id, stage.name, stage=stage.id, field="kpis",
                             old=kept_old, new=kept_new)
    for stage in new.stages:
        for touchpoint in stage.touchpoints:
            was_touchpoint = old_touchpoints.get(touchpoint.id)
            if was_touchpoint is None:
                continue
            kept_old, kept_new = _kept(
                [p.id for p in was_touchpoint.pain_points], [p.id for p in touchpoint.pain_points],
                old_index[Entity.PAIN_POINT], new_index[Entity.PAIN_POINT], touchpoint.id,
            )
            if kept_old != kept_new:
                yield Change(Kind.REORDERED, Entity.TOUCHPOINT, touchpoint.id, touchpoint.name, stage=stage.id,
                             field="pain_points", old=kept_old, new=kept_new)


def _kept(
    old_ids: list[str], new_ids: list[str], old_index: dict[str, _Placed], new_index: dict[str, _Placed],
    container: str | None,
) -> tuple[list[str], list[str]]:
    """The ids in both lists that stayed in this container, in each side's order.

    Additions, removals and moves change neither sequence, so a reordering is
    reported only when the items that stayed put changed places.
    """
    kept_old = [i for i in old_ids if (n := new_index.get(i)) is not None and n.container == container]
    kept_new = [i for i in new_ids if (o := old_index.get(i)) is not None and o.container == container]
    return kept_old, kept_new


def _resolutions(old: Journey, new: Journey, old_index: Index, new_index: Index) -> Iterator[Change]:
    old_addressing, new_addressing = old.addressing(), new.addressing()
    old_pains = old_index[Entity.PAIN_POINT]
    for pain_id, now in new_index[Entity.PAIN_POINT].items():
        if pain_id not in old_pains:
            continue
        before, after = old_addressing.get(pain_id), new_addressing.get(pain_id)
        was_resolved, now_resolved = is_resolved(before), is_resolved(after)
        if was_resolved == now_resolved:
            continue
        yield Change(
            Kind.RESOLVED if now_resolved else Kind.REOPENED, Entity.PAIN_POINT, pain_id,
            display_name(Entity.PAIN_POINT, now.obj), stage=now.stage, touchpoint=now.touchpoint,
            field="opportunities", old=[o.id for o in before or ()], new=[o.id for o in after or ()],
        )
