"""Compare maps: two files, or two sets of files (folders, revisions) paired by map id, then by path.

Files whose bytes are the same at the same path are unchanged without being
parsed (unless they `use:` libraries, which may have changed: those are read
on both sides, each side's libraries as they are on that side), so comparing
two large trees costs little more than reading the files that changed. The
rest are read (`sides.read_side`) and paired: first by their map `id` where
it is unique on both sides (a map renamed or moved to another folder is still
the same map), then by relative path; what is left was added or deleted. Two
maps of one side that share an id are paired by path only, and a note says
so: the diff does not guess which is which.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from journeymap.config import Project
from journeymap.diff.engine import map_diff, names
from journeymap.diff.lint_delta import lint_delta
from journeymap.diff.records import Change, DiffReport, Entity, Kind, MapDiff, Note, Side, SideProblem, Status
from journeymap.diff.sides import MapSide, comparable_findings, read_side
from journeymap.libraries import Libraries
from journeymap.strings import one_line

# a `use` key in any YAML style (block, flow, quoted as in JSON); a false match only costs a parse
_USE_KEY = re.compile(rb"""(?:^|[\s{,])["']?use["']?\s*:""")

# Each side's library reader (a revision's, a folder's); None reads libraries from the disk.
Readers = tuple[Libraries | None, Libraries | None]
_FROM_DISK: Readers = (None, None)


def compare_files(
    old: tuple[str, bytes] | None,
    new: tuple[str, bytes] | None,
    project: Project,
    old_label: str = "",
    new_label: str = "",
    *,
    renamed: bool = False,
    readers: Readers = _FROM_DISK,
) -> DiffReport:
    """Two versions of one map: (path, bytes) each, None for a side where it does not exist.
    `renamed`: the two paths name one file that git saw renamed (not two files compared)."""
    report = DiffReport(old_label or (old[0] if old else "/dev/null"), new_label or (new[0] if new else "/dev/null"))
    if old is not None and new is not None and _same(old[1], new[1], project):
        report.maps.append(MapDiff(Status.RENAMED if renamed else Status.UNCHANGED, old[0], new[0]))
        return report
    old_side = read_side(old[1], old[0], Side.OLD, project, readers[0]) if old is not None else None
    new_side = read_side(new[1], new[0], Side.NEW, project, readers[1]) if new is not None else None
    _add(report, old_side, new_side, renamed=renamed)
    return report


def compare_sets(old: Mapping[str, bytes], new: Mapping[str, bytes], project: Project,
                 old_label: str, new_label: str, readers: Readers = _FROM_DISK) -> DiffReport:
    """Two sets of maps by relative path (two folders, two revisions), each side's libraries read
    with its reader."""
    report = DiffReport(old_label, new_label)
    unchanged = [path for path, raw in new.items() if path in old and _same(old[path], raw, project)]
    same = set(unchanged)
    old_sides = [read_side(raw, path, Side.OLD, project, readers[0]) for path, raw in old.items() if path not in same]
    new_sides = [read_side(raw, path, Side.NEW, project, readers[1]) for path, raw in new.items() if path not in same]
    for side in (*old_sides, *new_sides):
        if side.skipped:
            _note(report, side.path, side.skipped)
    pairing = _pair(
        [s for s in old_sides if not s.skipped], [s for s in new_sides if not s.skipped], report, new_label,
        old_label,
    )
    for old_side, new_side in pairing.pairs:
        _add(report, old_side, new_side, renamed=old_side.path != new_side.path)
    for side in pairing.deleted:
        _add(report, side, None, renamed=False)
    for side in pairing.added:
        _add(report, None, side, renamed=False)
    report.maps += [MapDiff(Status.UNCHANGED, path, path) for path in unchanged]
    report.maps.sort(key=lambda m: m.path)
    return report


def _same(old: bytes, new: bytes, project: Project) -> bool:
    """Equal bytes, below the size limit: past it only the first max_bytes + 1 bytes were read, and two
    files that agree that far may still differ. A map that may `use:` libraries is never the same
    unread: a library it uses may have changed (if not, reading it finds no change)."""
    return old == new and len(new) <= project.max_bytes and _USE_KEY.search(new) is None


@dataclass
class _Pairing:
    pairs: list[tuple[MapSide, MapSide]] = field(default_factory=list)
    deleted: list[MapSide] = field(default_factory=list)
    added: list[MapSide] = field(default_factory=list)


def _pair(old: list[MapSide], new: list[MapSide], report: DiffReport, new_label: str, old_label: str) -> _Pairing:
    old_ids = _unique_ids(old, report, old_label)
    new_ids = _unique_ids(new, report, new_label)
    pairing = _Pairing()
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    for map_id, new_side in new_ids.items():
        old_side = old_ids.get(map_id)
        if old_side is not None:
            pairing.pairs.append((old_side, new_side))
            paired_old.add(id(old_side))
            paired_new.add(id(new_side))
    old_by_path = {s.path: s for s in old if id(s) not in paired_old}
    for new_side in new:
        if id(new_side) in paired_new:
            continue
        old_side = old_by_path.pop(new_side.path, None)
        if old_side is None:
            pairing.added.append(new_side)
        else:
            pairing.pairs.append((old_side, new_side))
    pairing.deleted = list(old_by_path.values())
    return pairing


def _unique_ids(sides: list[MapSide], report: DiffReport, label: str) -> dict[str, MapSide]:
    by_id: dict[str, list[MapSide]] = {}
    for side in sides:
        if side.map_id is not None:
            by_id.setdefault(side.map_id, []).append(side)
    unique = {}
    for map_id, holders in by_id.items():
        if len(holders) == 1:
            unique[map_id] = holders[0]
            continue
        paths = ", ".join(one_line(s.path) for s in holders)
        for side in holders:
            _note(report, side.path, f"maps {paths} in {one_line(label)} share the id '{map_id}'; paired by path")
    return unique


def _note(report: DiffReport, path: str, message: str) -> None:
    note = Note(path, message)
    if note not in report.notes:
        report.notes.append(note)


def _add(report: DiffReport, old: MapSide | None, new: MapSide | None, *, renamed: bool) -> None:
    if (old is not None and old.skipped) or (new is not None and new.skipped):
        for side in (old, new):
            if side is not None and side.skipped:
                _note(report, side.path, side.skipped)
        return
    report.maps.append(pair_diff(old, new, renamed=renamed))


def pair_diff(old: MapSide | None, new: MapSide | None, *, renamed: bool) -> MapDiff:
    """The diff of one map's two sides (either may be absent: the map was added or deleted).

    A side that cannot be compared makes the whole map NOT_COMPARED. The new
    side's other problems (a broken reference, say) are reported too; the old
    side's are not, since the change is not to blame for them.
    """
    blocking = [p for s in (old, new) if s is not None and s.journey is None for p in s.problems]
    problems = blocking + (new.problems if new is not None and new.journey is not None else [])
    old_path = old.path if old else None
    new_path = new.path if new else None
    if blocking:
        any_side = new if new is not None and new.map_id else old
        return MapDiff(Status.NOT_COMPARED, old_path, new_path, (any_side.map_id or "") if any_side else "",
                       problems=problems)
    if old is None or new is None:
        return _whole_map(old, new, problems)
    assert old.journey is not None and new.journey is not None
    diff = map_diff(old.journey, new.journey, old.path, new.path, renamed)
    old_findings, new_findings = comparable_findings(old, new)
    diff.lint = lint_delta(old_findings, old.document, new_findings, new.document)
    diff.problems = problems
    diff.journeys = (old.journey, new.journey)
    if diff.status is Status.UNCHANGED:
        if diff.lint:
            diff.status = Status.MODIFIED
        else:
            diff.formatting_only = old.raw != new.raw
    return diff


def _whole_map(old: MapSide | None, new: MapSide | None, problems: list[SideProblem]) -> MapDiff:
    """A map that exists on one side only: one record, and for a new map the findings it brings.

    A deleted map's findings are not listed as fixed: deleting a map fixes nothing a reviewer needs to read.
    """
    side = new if new is not None else old
    assert side is not None and side.journey is not None
    journey = side.journey
    kind = Kind.ADDED if new is not None else Kind.REMOVED
    change = Change(kind, Entity.MAP, journey.id, journey.title)
    lint = lint_delta([], None, new.findings, new.document) if new is not None else []
    status = Status.ADDED if new is not None else Status.DELETED
    stages = [s.id for s in journey.stages]
    return MapDiff(
        status, old.path if old else None, new.path if new else None, journey.id, journey.title, [change], lint,
        problems, stages, names(journey, journey),
        journeys=(old.journey if old else None, new.journey if new else None),
    )
