"""Journey hierarchy on a page: links down to the maps that tell a stage or touchpoint in detail
(`journey: other-map-id`) and up to the maps this one is part of.

Only maps of the same batch or site are linked: a page never points at a file
that was not written next to it. What a link target does not resolve to is
left as plain text (lint's `unknown-journey` says why).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from journeymap.model import Journey
from journeymap.render.text import html_text


@dataclass(frozen=True)
class MapLink:
    page: str  # the page's file name, next to the others
    title: str


@dataclass(frozen=True)
class Parent:
    map_id: str
    what: str  # "stage Delivery", said on the child's page


@dataclass(frozen=True)
class Hierarchy:
    """The maps pages may link to, by id, and for each id the maps that link down to it."""

    pages: Mapping[str, MapLink] = field(default_factory=dict)
    parents: Mapping[str, tuple[Parent, ...]] = field(default_factory=dict)


def hierarchy_of(journeys: Iterable[tuple[Journey, str]]) -> Hierarchy:
    """The hierarchy of a batch: each (journey, its page's file name)."""
    pages: dict[str, MapLink] = {}
    parents: dict[str, list[Parent]] = {}
    listed = list(journeys)
    for journey, page in listed:
        if journey.id and journey.id not in pages:
            pages[journey.id] = MapLink(page, journey.title)
    for journey, _ in listed:
        if not journey.id:
            continue
        for target, what in links(journey):
            if target != journey.id:
                known = parents.setdefault(target, [])
                if all(p.map_id != journey.id for p in known):
                    known.append(Parent(journey.id, what))
    return Hierarchy(pages, {k: tuple(v) for k, v in parents.items()})


def links(journey: Journey) -> list[tuple[str, str]]:
    """(map id, where) of every `journey:` link in the map, in journey order."""
    out = []
    for stage in journey.stages:
        if stage.journey:
            out.append((stage.journey, f"stage {stage.name}"))
        for t in stage.touchpoints:
            if t.journey:
                out.append((t.journey, f"touchpoint {t.name}"))
    return out


@dataclass(frozen=True)
class HierarchyHtml:
    top: str = ""
    touchpoint_notes: Mapping[str, str] = field(default_factory=dict)


CSS = """
.hierarchy{margin:0 0 12px;padding:10px 14px;border:1px solid #d9e2ec;border-radius:10px;background:#ffffff;
font-size:14px}.hierarchy a,.sub-journey a{color:#0f766e;font-weight:700}
.hierarchy .label{color:#52606d;text-transform:uppercase;letter-spacing:.06em;font-size:11px;margin-right:6px}
.sub-journey{margin-top:6px;font-size:12px}
@media print{.hierarchy a,.sub-journey a{color:#1f2933;text-decoration:underline}}
"""


def hierarchy_html(journey: Journey, hierarchy: Hierarchy | None, here: str = "") -> HierarchyHtml:
    """The navigation for one map's page; `here` is its own page's file name (links are relative)."""
    if hierarchy is None:
        return HierarchyHtml()
    rows = []
    ups = [p for p in hierarchy.parents.get(journey.id, ()) if p.map_id in hierarchy.pages] if journey.id else []
    if ups:
        items = ", ".join(
            f"{_anchor(hierarchy.pages[p.map_id], here)} ({html_text(p.what)})" for p in ups
        )
        rows.append(f'<div><span class="label">Part of</span>{items}</div>')
    downs = []
    for stage in journey.stages:
        if stage.journey:
            downs.append(f"{html_text(stage.name)} → {_target(stage.journey, hierarchy, here)}")
    if downs:
        rows.append(f'<div><span class="label">Sub-journeys</span>{"; ".join(downs)}</div>')
    notes = {
        t.id: f'<div class="sub-journey">Told in detail: {_target(t.journey, hierarchy, here)}</div>'
        for t in journey.touchpoints()
        if t.journey
    }
    top = f'<nav class="hierarchy" aria-label="Journey hierarchy">{"".join(rows)}</nav>' if rows else ""
    return HierarchyHtml(top, notes)


def _target(map_id: str, hierarchy: Hierarchy, here: str) -> str:
    found = hierarchy.pages.get(map_id)
    return _anchor(found, here) if found is not None else f"{html_text(map_id)} (not among these maps)"


def _anchor(link: MapLink, here: str) -> str:
    start = posixpath.dirname(here) or "."
    href = posixpath.relpath(link.page, start) if here else link.page
    return f'<a href="{html_text(quote(href))}">{html_text(link.title)}</a>'
