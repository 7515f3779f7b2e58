"""The visual diff: the new map drawn by journeymap's own renderers, with what changed marked.

The two journeys are merged into one: the new map, with what was removed put
back where it stood (stages, touchpoints, pain points, opportunities; a
removed touchpoint loses its emotion, so the emotion curve shows only the new
journey). Each entity gets a mark from the change records: added, removed or
changed, with a few words on what changed.

- `svg`: the Graphviz diagram (`render.dot`) with the marked nodes and stage
  clusters restyled by extra DOT attribute statements (added: a green
  outline; changed: a purple outline; removed: ghosted, grey and dashed), each
  with an external label saying what happened, and a legend under the title.
- `html`: the web page (`render.html`) with a badge under each marked
  touchpoint (its cell outlined or ghosted by CSS), stage names, pain points and
  opportunities prefixed with their mark, and a legend on top. The page keeps
  its Content-Security-Policy: the added rules go into its one stylesheet and
  the hash is recomputed.

Colour is never the only cue: every mark is also written out. Map text reaches
the pictures only through the renderers' own escaping (and `dot_html` /
`html_text` for the words added here).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from journeymap.defaults import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT
from journeymap.diff.engine import diff_journeys, stage_order
from journeymap.diff.present.words import emotion
from journeymap.diff.records import Change, Entity, Kind, MapDiff
from journeymap.errors import UsageProblem
from journeymap.model import Journey, Opportunity
from journeymap.render.dot import Mark, dot_source, laid_out
from journeymap.render.html import PageExtras, html_page
from journeymap.render.text import dot_html, html_text
from journeymap.strings import map_stem

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
FORMATS = ("svg", "html")
_MARKED = (Entity.STAGE, Entity.TOUCHPOINT, Entity.PAIN_POINT, Entity.OPPORTUNITY)
_PREFIX = {ADDED: "NEW · ", REMOVED: "REMOVED · ", CHANGED: "CHANGED · "}
_LINE = {ADDED: "#1a7f37", CHANGED: "#8250df", REMOVED: "#9aa5b1"}
_GHOST_FILL, _GHOST_INK = "#f5f7fa", "#9aa5b1"
_GHOST = f'fillcolor="{_GHOST_FILL}", fontcolor="{_GHOST_INK}", color="{_LINE[REMOVED]}"'


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


@dataclass
class Overlay:
    """The merged journey, and each marked entity's mark and what changed (our words)."""

    journey: Journey
    marks: dict[tuple[Entity, str], str] = field(default_factory=dict)
    notes: dict[tuple[Entity, str], list[str]] = field(default_factory=dict)

    def mark(self, entity: Entity, entity_id: str) -> str | None:
        return self.marks.get((entity, entity_id))

    def label(self, entity: Entity, entity_id: str) -> str:
        """`changed: emotion -1 → -2, moved` — what a mark says next to the entity."""
        mark = self.mark(entity, entity_id)
        notes = self.notes.get((entity, entity_id), [])
        return f"{mark}: {', '.join(notes)}" if mark and notes else (mark or "")


def overlay(old: Journey | None, new: Journey | None, *, prefixed: bool = False) -> Overlay:
    """Merge the two sides (either may be missing: a map added or deleted) and mark what changed.

    With `prefixed`, names of stages and descriptions of pain points and opportunities start
    with their mark, for pictures that cannot restyle them (the web page).
    """
    either = new or old
    empty = Journey(file="", title=either.title if either else "")
    before, after = old or empty, new or empty
    result = Overlay(after)
    for change in diff_journeys(before, after):
        _note(result, change)
    removed = {key for key, mark in result.marks.items() if mark == REMOVED}
    merged = _merge(before, after, removed, result, prefixed)
    result.journey = merged
    return result


def _note(result: Overlay, change: Change) -> None:
    entity, entity_id = change.entity, change.id
    if entity is Entity.KPI:
        entity, entity_id = Entity.STAGE, change.stage or ""
    if entity not in _MARKED:
        return
    key = (entity, entity_id)
    if change.kind in (Kind.ADDED, Kind.REMOVED):
        result.marks[key] = ADDED if change.kind is Kind.ADDED else REMOVED
        if change.kind is Kind.REMOVED and change.field == "emotion" and isinstance(change.old, int):
            result.notes.setdefault(key, []).append(f"was {emotion(change.old)}")
        return
    result.marks.setdefault(key, CHANGED)
    result.notes.setdefault(key, []).append(_what(change))


def _what(change: Change) -> str:
    if change.kind is Kind.CHANGED and change.field == "emotion":
        return f"emotion {emotion(change.old)} → {emotion(change.new)}"
    if change.kind is Kind.CHANGED and change.field in ("severity", "status") and change.old and change.new:
        return f"{change.field} {change.old} → {change.new}"
    if change.kind is Kind.CHANGED and change.entity is Entity.KPI:
        return f"KPI {change.field}"
    words = {
        Kind.RENAMED: "renamed", Kind.MOVED: "moved here", Kind.REORDERED: "reordered",
        Kind.RESOLVED: "resolved", Kind.REOPENED: "reopened",
    }
    return words.get(change.kind, str(change.field))


def _merge(old: Journey, new: Journey, removed: set[tuple[Entity, str]], result: Overlay, prefixed: bool) -> Journey:
    def gone(entity: Entity) -> Callable[[str], bool]:
        return lambda entity_id: (entity, entity_id) in removed

    def named(entity: Entity, entity_id: str, text: str) -> str:
        mark = result.mark(entity, entity_id)
        return _PREFIX[mark] + text if prefixed and mark else text

    old_stages = {s.id: s for s in old.stages}
    new_stages = {s.id: s for s in new.stages}
    old_touchpoints = {t.id: t for t in old.touchpoints()}
    stages = []
    for stage_id in stage_order(old, new):
        stage = new_stages.get(stage_id) or old_stages[stage_id]
        was = old_stages.get(stage_id)
        touchpoints = _with_removed(was.touchpoints if was else [], stage.touchpoints if stage_id in new_stages else [],
                                    gone(Entity.TOUCHPOINT))
        merged_touchpoints = []
        for touchpoint in touchpoints:
            before = old_touchpoints.get(touchpoint.id)
            is_gone = (Entity.TOUCHPOINT, touchpoint.id) in removed
            pains = _with_removed(before.pain_points if before else [], [] if is_gone else touchpoint.pain_points,
                                  gone(Entity.PAIN_POINT))
            merged_touchpoints.append(dataclasses.replace(
                touchpoint,
                emotion=None if is_gone else touchpoint.emotion,
                pain_points=[dataclasses.replace(p, description=named(Entity.PAIN_POINT, p.id, p.description))
                             for p in pains],
            ))
        stages.append(dataclasses.replace(stage, name=named(Entity.STAGE, stage_id, stage.name),
                                          touchpoints=merged_touchpoints))
    opportunities: list[Opportunity] = [
        dataclasses.replace(o, description=named(Entity.OPPORTUNITY, o.id, o.description))
        for o in _with_removed(old.opportunities, new.opportunities, gone(Entity.OPPORTUNITY))
    ]
    # removed personas and channels stay known, so removed touchpoints still name theirs; photos are
    # left out: the pictures may come from git, with no folder to read a photo from
    return dataclasses.replace(
        new,
        personas=[dataclasses.replace(p, photo="") for p in _with_removed(old.personas, new.personas, lambda _: True)],
        channels=_with_removed(old.channels, new.channels, lambda _: True),
        sources=_with_removed(old.sources, new.sources, lambda _: True),
        stages=stages,
        opportunities=opportunities,
    )


def _with_removed(old: Sequence[T], new: Sequence[T], is_removed: Callable[[str], bool]) -> list[T]:
    """The new items, with each removed old item after the old item it followed that is still there."""
    present = {item.id for item in new}
    after: dict[str | None, list[T]] = {}
    previous: str | None = None
    for item in old:
        item_id = item.id
        if item_id in present:
            previous = item_id
        elif is_removed(item_id):
            after.setdefault(previous, []).append(item)
    out = list(after.get(None, []))
    for item in new:
        out.append(item)
        out += after.get(item.id, [])
    return out


# --- svg ---------------------------------------------------------------------------------------


def diff_svg(diff: MapDiff, old_label: str, new_label: str, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The marked diagram; one Graphviz cannot lay out in time is drawn, marks and all, in the
    simpler layout `render` falls back to (render.dot), so a tangled map still gets its picture."""

    data, _ = laid_out(lambda simple: diff_dot(diff, old_label, new_label, simple=simple), "svg",
                       timeout=timeout, memory=DEFAULT_MEMORY_BYTES)
    return data


def diff_dot(diff: MapDiff, old_label: str, new_label: str, *, simple: bool = False) -> str:
    """The DOT of the new map with the marks drawn in (see the module docstring)."""

    marked = overlay(*diff.journeys)
    marks = {}
    for (entity, entity_id), mark in marked.marks.items():
        key = (entity.noun, entity_id)  # the renderer names what it marks as the vocabulary does
        if entity is Entity.STAGE:  # a cluster: restyled, its label as it was
            ghosted = f'style="rounded,filled,dashed", {_GHOST}'
            marks[key] = Mark(ghosted if mark == REMOVED else f'color="{_LINE[mark]}", penwidth=3')
        else:
            colour = _LINE[mark] if mark != REMOVED else "#52606d"
            marks[key] = Mark(_node_style(entity, mark), marked.label(entity, entity_id), colour)
    return dot_source(marked.journey, simple=simple, marks=marks, header_rows=[_legend_row(diff, old_label, new_label)])


def _node_style(entity: Entity, mark: str) -> str:
    if mark == REMOVED:
        style = '"rounded,filled,dashed"' if entity is not Entity.PAIN_POINT else '"filled,dashed"'
        return f"style={style}, {_GHOST}, penwidth=1.5"
    return f'color="{_LINE[mark]}", penwidth=3.5'


def _legend_row(diff: MapDiff, old_label: str, new_label: str) -> str:
    sides = f"Changes from {dot_html(old_label)} to {dot_html(new_label)}:"
    cells = [f'<TD><FONT POINT-SIZE="10"><B>{sides}</B> </FONT></TD>']
    for mark, word in ((ADDED, "added"), (CHANGED, "changed"), (REMOVED, "removed (ghosted)")):
        fill = _GHOST_FILL if mark == REMOVED else "white"
        cells.append(f'<TD BORDER="2" COLOR="{_LINE[mark]}" BGCOLOR="{fill}"><FONT POINT-SIZE="10"> {word} </FONT></TD>'
                     "<TD> </TD>")
    return f'<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="3"><TR>{"".join(cells)}</TR></TABLE>'


# --- html --------------------------------------------------------------------------------------

_CSS = """
.jm-legend{margin:0 0 1rem;padding:.5rem .75rem;border:1px solid #cbd2d9;border-radius:.4rem;font-size:.9rem}
.jm-legend span{display:inline-block;margin-left:.6rem;padding:0 .4rem;border-radius:.25rem}
.jm-mark{display:inline-block;margin:.35rem 0 0;padding:.05rem .4rem;border-radius:.25rem;font-size:.75rem;
font-weight:700}
.jm-added{background:#dafbe1;color:#1a7f37;border:2px solid #1a7f37}
.jm-changed{background:#fbefff;color:#8250df;border:2px solid #8250df}
.jm-removed{background:#f5f7fa;color:#52606d;border:2px dashed #9aa5b1}
td:has(.jm-mark.jm-added),article:has(.jm-mark.jm-added){box-shadow:inset 0 0 0 3px #1a7f37}
td:has(.jm-mark.jm-changed),article:has(.jm-mark.jm-changed){box-shadow:inset 0 0 0 3px #8250df}
td:has(.jm-mark.jm-removed),article:has(.jm-mark.jm-removed){opacity:.55}
td:has(.jm-mark.jm-removed) h3,article:has(.jm-mark.jm-removed) h3{text-decoration:line-through}
"""


def diff_html(diff: MapDiff, old_label: str, new_label: str, summary_line: str) -> str:
    marked = overlay(*diff.journeys, prefixed=True)
    notes = {
        entity_id: f'<p class="jm-mark jm-{mark}">{html_text(marked.label(entity, entity_id))}</p>'
        for (entity, entity_id), mark in marked.marks.items()
        if entity is Entity.TOUCHPOINT
    }
    legend = (
        f'<p class="jm-legend"><b>Changes from {html_text(old_label)} to {html_text(new_label)}:</b> '
        f"{html_text(summary_line)}"
        + "".join(f'<span class="jm-{m}">{w}</span>' for m, w in
                  ((ADDED, "added"), (CHANGED, "changed"), (REMOVED, "removed")))
        + "</p>"
    )
    return html_page(marked.journey, None, PageExtras(css=_CSS, top=legend, touchpoint_notes=notes))


def drawable(diffs: Iterable[MapDiff]) -> list[MapDiff]:
    """The maps a visual diff draws: those with a side to draw that changed."""
    return [d for d in diffs if d.differs and any(j is not None for j in d.journeys)]


def picture_name(diff: MapDiff, fmt: str) -> str:
    """`checkout.diff.svg` for maps/checkout.journey.yaml."""

    return f"{map_stem(diff.new_path or diff.old_path or 'map')}.diff.{fmt}"


def pictures(report_maps: Sequence[MapDiff], fmt: str, old_label: str, new_label: str,
             summary_line: str) -> list[tuple[str, bytes]]:
    """(file name, picture) for every map that changed, in the report's order."""
    if fmt not in FORMATS:
        raise UsageProblem(f"unknown picture format '{fmt}'; choose svg or html")
    out = []
    for diff in drawable(report_maps):
        if fmt == "svg":
            data = diff_svg(diff, old_label, new_label)
        else:
            data = diff_html(diff, old_label, new_label, summary_line).encode("utf-8")
        out.append((picture_name(diff, fmt), data))
    return out
