"""One side of a comparison: a file's bytes read as far as they go.

A side is *comparable* when it parses, fits the schema and names every id
once: then it has a model. Broken references, duplicate keys and the like
still let it be compared, but are problems of that side; the diff says so.
Its findings (references, and lint with the project's rules when the side
is valid) feed the lint delta. Binary files, and files that are not journey maps (unless their name
says they should be), are skipped with a note rather than reported as broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeymap import builtin_rules
from journeymap.analysis import Analysis, State
from journeymap.config import Project
from journeymap.diff.records import Side, SideProblem
from journeymap.findings import Finding
from journeymap.io.sources import is_map_name
from journeymap.libraries import Libraries
from journeymap.load import Document
from journeymap.model import Journey
from journeymap.pipeline import analyse_bytes
from journeymap.strings import one_line, short

_LOAD_ONLY = {r.id for r in builtin_rules.CORE_RULES}


@dataclass
class MapSide:
    """One side's file and its analysis. `journey` is set when the side can be compared;
    `skipped` says why it is not a map at all; `problems` why it cannot be compared or is not
    valid; its findings feed the lint delta."""

    path: str
    raw: bytes
    analysis: Analysis | None = None
    problems: list[SideProblem] = field(default_factory=list)
    skipped: str | None = None
    comparable: bool = False

    @property
    def document(self) -> Document | None:
        return self.analysis.document if self.analysis is not None else None

    @property
    def journey(self) -> Journey | None:
        return self.analysis.journey if self.analysis is not None and self.comparable else None

    @property
    def findings(self) -> list[Finding]:
        return self.analysis.findings if self.analysis is not None else []

    @property
    def linted(self) -> bool:
        return self.analysis is not None and self.analysis.linted

    @property
    def map_id(self) -> str | None:
        """The map's id as written, even in a map that is otherwise broken; for pairing maps."""
        if self.document is None:
            return None
        value = self.document.data.get("id")
        return value if isinstance(value, str) and value else None


def read_side(raw: bytes, path: str, side: Side, project: Project, libraries: Libraries | None = None) -> MapSide:
    """Read one side's bytes into a MapSide (never raises for bad content); its `use:` libraries are
    read with `libraries`, the reader of that side (a revision, a folder), else from the disk."""
    result = MapSide(path, raw)
    if b"\0" in raw:
        result.skipped = "binary file, not a journey map; not compared"
        return result
    analysis = result.analysis = analyse_bytes(raw, path, project, libraries)
    findings = analysis.findings
    if analysis.document is None and len(raw) > project.max_bytes:
        what = f"larger than the {project.max_bytes:,}-byte limit; not compared (see --max-bytes)"
        result.problems.append(SideProblem(side, path, 1, 1, what))
        return result
    if analysis.state is State.NOT_A_MAP and not is_map_name(path):
        why = _first(findings) if analysis.document is None else "it has no `journeymap:` key"
        result.skipped = f"not a journey map ({why}); not compared"
        return result
    if analysis.document is None:
        result.problems.append(_problem(side, path, findings, "cannot be read as a journey map"))
        return result
    if analysis.journey is None:
        result.problems.append(_problem(side, path, findings, "is not a valid journey map"))
        return result
    duplicates = [f for f in findings if f.rule_id == builtin_rules.DUPLICATE_ID.id]
    if duplicates:
        # pairing by id would have to guess which of the two is which
        result.problems.append(_problem(side, path, duplicates, "names an id twice, so it cannot be compared by id"))
        return result
    if analysis.state is State.INVALID:
        result.problems.append(_problem(side, path, findings, "is not valid"))
    result.comparable = True
    return result


def comparable_findings(old: MapSide, new: MapSide) -> tuple[list[Finding], list[Finding]]:
    """Both sides' findings, without lint findings unless lint ran on both (it stops at broken references)."""
    if old.linted and new.linted:
        return old.findings, new.findings
    return _core(old.findings), _core(new.findings)


def _core(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule_id in _LOAD_ONLY]


def _first(findings: list[Finding]) -> str:
    return short(findings[0].message, 120) if findings else "unreadable"


def _problem(side: Side, path: str, findings: list[Finding], what: str) -> SideProblem:
    ordered = sorted(findings, key=Finding.sort_key)
    first = ordered[0]
    more = len(ordered) - 1
    tail = f" (and {more} more; `journeymap validate {one_line(path)}` lists them)" if more else ""
    return SideProblem(side, path, first.line, first.column, f"{what}: {short(first.message, 200)}{tail}")
