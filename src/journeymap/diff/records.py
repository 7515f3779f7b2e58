"""What a diff produces: neutral, typed records that presenters turn into words.

A `Change` says one thing about one entity, found by its id: it was added,
removed, renamed, moved, had its children reordered, or had a field changed.
`LintChange` is a finding that the change introduced or fixed. A `MapDiff`
holds both for one map; a `DiffReport` holds every map compared, plus notes
about files that were skipped. Nothing here decides how to print them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from journeymap.findings import Severity
from journeymap.vocabulary import BY_KEY

if TYPE_CHECKING:
    from journeymap.model import Journey

Value = str | int | list[str] | None


class Kind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    MOVED = "moved"
    REORDERED = "reordered"
    CHANGED = "changed"
    # derived from opportunity statuses: every opportunity addressing the pain
    # point is `done` on one side and not on the other
    RESOLVED = "resolved"
    REOPENED = "reopened"


class Entity(StrEnum):
    MAP = "map"
    STAGE = "stage"
    TOUCHPOINT = "touchpoint"
    PAIN_POINT = "pain_point"
    OPPORTUNITY = "opportunity"
    PERSONA = "persona"
    CHANNEL = "channel"
    SOURCE = "source"
    KPI = "kpi"

    @property
    def noun(self) -> str:
        return _NOUNS[self]


# the vocabulary's name for each kind of id (a KPI has none: its name is its id)
_NOUNS = {entity: BY_KEY[entity.value].name if entity.value in BY_KEY else "KPI" for entity in Entity}


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one entity.

    `id` is the entity's id (a KPI's name; the map's id, possibly empty, for the
    map). `name` is what people call it (name, title or description) on the new
    side, or the old side when it was removed. `stage` is the stage it sits in
    (for a move: where it went) and `touchpoint` the touchpoint a pain point
    belongs to. `field` names what changed: the field for CHANGED, `name`/`title`
    for RENAMED, `stage`/`touchpoint` for MOVED, the reordered list for
    REORDERED (old and new are then id lists), `opportunities` for RESOLVED and
    REOPENED (old and new list the opportunities addressing it on each side).
    ADDED and REMOVED records of touchpoints, pain points and opportunities carry
    the attribute a reviewer asks about first in `field` and `new` (or `old`):
    emotion, severity, status. `delta` is new - old for emotion.
    """

    kind: Kind
    entity: Entity
    id: str
    name: str = ""
    stage: str | None = None
    touchpoint: str | None = None
    field: str | None = None
    old: Value = None
    new: Value = None
    delta: int | None = None


class LintKind(StrEnum):
    INTRODUCED = "introduced"
    FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class LintChange:
    """A finding present on one side only. Line and column are on that side's file
    (the new file for INTRODUCED, the old one for FIXED)."""

    kind: LintKind
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    entity: Entity
    id: str
    stage: str | None
    field: str | None
    line: int
    column: int


class Status(StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    RENAMED = "renamed"
    MODIFIED = "modified"
    UNCHANGED = "unchanged"
    NOT_COMPARED = "not_compared"


class Side(StrEnum):
    OLD = "old"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class SideProblem:
    """Why one side of a map could not be compared (or is not valid), at a line and column."""

    side: Side
    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class Note:
    """A file that was not compared and why: binary, not a journey map, a symlink."""

    path: str
    message: str


@dataclass
class MapDiff:
    """Everything that changed in one map. `old_path`/`new_path` are None when the
    map does not exist on that side. `names` gives the names of stages and
    touchpoints by id (both sides; the new name wins) for presenters; `stage_order`
    lists stage ids in display order: the new map's, removed stages where they were.
    `problems` say why a side could not be compared, or is not valid."""

    status: Status
    old_path: str | None
    new_path: str | None
    map_id: str = ""
    title: str = ""
    changes: list[Change] = field(default_factory=list)
    lint: list[LintChange] = field(default_factory=list)
    problems: list[SideProblem] = field(default_factory=list)
    stage_order: list[str] = field(default_factory=list)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    # the files differ, but only in formatting or comments
    formatting_only: bool = False
    # the two sides' models, for pictures (not part of the record: never compared or printed)
    journeys: tuple[Journey | None, Journey | None] = field(default=(None, None), repr=False, compare=False)

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""

    @property
    def differs(self) -> bool:
        """A map that could not be compared counts as different: its bytes did change."""
        return self.status is not Status.UNCHANGED

    def name_of(self, entity: Entity, entity_id: str) -> str:
        return self.names.get(entity.value, {}).get(entity_id, "")


@dataclass
class DiffReport:
    """The whole comparison. `old_label`/`new_label` name the sides (a revision,
    "working tree", or the paths given)."""

    old_label: str
    new_label: str
    maps: list[MapDiff] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def problems(self) -> list[SideProblem]:
        return [p for m in self.maps for p in m.problems]

    @property
    def differs(self) -> bool:
        return any(m.differs for m in self.maps)

    def introduced(self, severity: Severity) -> list[LintChange]:
        return [
            c for m in self.maps for c in m.lint if c.kind is LintKind.INTRODUCED and c.severity is severity
        ]
