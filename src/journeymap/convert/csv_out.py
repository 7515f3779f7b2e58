"""CSV export of pain points and opportunities, for spreadsheets and backlog imports.

One row a pain point and one row an opportunity, with the stage and touchpoint
they belong to. Spreadsheet programs run a cell that starts with `=`, `+`, `-`
or `@` (or a tab or carriage return before one) as a formula, so such cells get
a leading apostrophe: map text from a pull request can never become a formula
in somebody's backlog. A library's opportunity shows on the rows of each map
whose pain points it addresses, with those pain points only. The file starts with a UTF-8 byte-order mark, which is
how Excel recognises UTF-8; other tools ignore it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from journeymap.analysis import Analysis, State
from journeymap.config import Project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL
from journeymap.io.sources import discover
from journeymap.model import Journey
from journeymap.pipeline import analyse

COLUMNS = (
    "map", "kind", "id", "stage", "touchpoint", "description", "severity",
    "owner", "status", "addresses", "addressed_by",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise text a spreadsheet would evaluate as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def rows(journey: Journey) -> Iterator[dict[str, str]]:
    addressed_by = {pain_id: [o.id for o in found] for pain_id, found in journey.addressing().items()}
    where = {pp.id: (pp.stage_id, pp.touchpoint_id) for pp in journey.pain_points()}
    map_id = journey.id or journey.title
    for pp in journey.pain_points():
        yield {
            "map": map_id, "kind": "pain point", "id": pp.id, "stage": pp.stage_id,
            "touchpoint": pp.touchpoint_id, "description": pp.description, "severity": pp.severity,
            "owner": "", "status": "", "addresses": "", "addressed_by": " ".join(addressed_by.get(pp.id, [])),
        }
    for o in journey.opportunities:
        addresses = o.addresses
        if o.origin:
            # a library's opportunity, on this map's rows only for this map's pain points it addresses
            addresses = [p for p in o.addresses if p in where]
            if not addresses:
                continue
        stages = sorted({where[p][0] for p in addresses if p in where})
        touchpoints = sorted({where[p][1] for p in addresses if p in where})
        yield {
            "map": map_id, "kind": "opportunity", "id": o.id, "stage": " ".join(stages),
            "touchpoint": " ".join(touchpoints), "description": o.description, "severity": "",
            "owner": o.owner, "status": o.status, "addresses": " ".join(addresses), "addressed_by": "",
        }


def csv_text(journeys: Iterable[Journey]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for journey in journeys:
        for row in rows(journey):
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return "\ufeff" + out.getvalue()


@dataclass
class Export:
    """`export_csv`'s result: the CSV of every valid map, and what stopped the others."""

    text: str
    problems: list[str] = field(default_factory=list)  # files not found or not readable (exit 2)
    skipped: list[Analysis] = field(default_factory=list)  # maps that are not valid (exit 1)

    @property
    def exit_code(self) -> int:
        if self.problems:
            return EXIT_TOOL
        return EXIT_FINDINGS if self.skipped else EXIT_OK


def export_csv(paths: Sequence[str], project: Project) -> Export:
    """Every valid map the paths name as CSV; a file that cannot be read or a broken map is
    reported and left out, and the rest is still exported."""
    journeys, problems, skipped = valid_journeys(paths, project)
    return Export(csv_text(journeys), problems, skipped)


def valid_journeys(paths: Sequence[str], project: Project) -> tuple[list[Journey], list[str], list[Analysis]]:
    """The journeys of the valid maps the paths name, the files that could not be read (exit 2),
    and the maps that are not valid (exit 1): every export reads its maps this way."""
    found = discover(paths, project.excludes)
    problems = list(found.problems)
    journeys, skipped = [], []
    reading = project.with_options(lint=False)
    for target in found.targets:
        analysis = analyse(target, reading)
        if analysis.state is State.UNREADABLE:
            problems.append(analysis.problem)
        elif analysis.valid and analysis.journey is not None:
            journeys.append(analysis.journey)
        else:
            skipped.append(analysis)
    return journeys, problems, skipped
