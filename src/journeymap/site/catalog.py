"""The catalog's content: one entry per map below a folder, and writing the site.

Every map is read through the pipeline with the project's rules; broken maps
(unreadable, not a map, invalid, or whose page cannot be drawn) are listed as
broken, never silently left out. Every page is made before any file is
written, so a site that cannot be built leaves the old one as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from journeymap.config import Project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL, UsageProblem
from journeymap.findings import Severity
from journeymap.io.atomic import make_folder, write_atomic
from journeymap.io.sources import Target, discover
from journeymap.model import Journey
from journeymap.pipeline import Analysis, State, add_portfolio_findings, analyse
from journeymap.render import RenderError
from journeymap.render.theme import Theme
from journeymap.strings import map_stem, one_line, slug


@dataclass
class Entry:
    """One map as the catalog shows it."""

    target: Target
    page: str  # file name under maps/
    analysis: Analysis
    refused: str = ""  # why the page could not be drawn, or the file not read

    @property
    def journey(self) -> Journey | None:
        """The map, when it is valid."""
        return self.analysis.journey if self.analysis.valid else None

    @property
    def unreadable(self) -> bool:
        """The file could not be read at all (exit 2, as validate does)."""
        return self.analysis.state is State.UNREADABLE

    @property
    def broken(self) -> bool:
        return self.journey is None or bool(self.refused)

    @property
    def open_pains(self) -> Counter[str]:
        """Open pain points by severity (see `Journey.open_pain_points`)."""
        journey = self.journey
        return Counter(p.severity for p in journey.open_pain_points()) if journey else Counter()

    def count(self, severity: Severity) -> int:
        return self.analysis.count(severity)

    def first_problem(self) -> str:
        """Where and why the map is broken, in one line (`:line:col: message`, or `: reason`)."""
        if self.refused:
            return f": {self.refused}"
        first = self.analysis.findings[0] if self.analysis.findings else None
        return f":{first.line}:{first.column}: {first.message}" if first else ""


@dataclass
class Site:
    """What `build_site` made."""

    entries: list[Entry]

    @property
    def broken(self) -> list[Entry]:
        return [e for e in self.entries if e.broken]

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read, 1 when a map is broken, else 0."""
        if any(e.unreadable for e in self.entries):
            return EXIT_TOOL
        return EXIT_FINDINGS if self.broken else EXIT_OK


def build_site(folder: Path, out: Path, project: Project) -> Site:
    """The catalog of every map below `folder` (but those the project excludes), written to `out`."""
    if not folder.is_dir():
        raise UsageProblem(f"{folder}: not a folder; name the folder that holds the maps")
    if out.resolve() == folder.resolve():
        raise UsageProblem(f"{out}: the site must go into a folder of its own, not the maps' folder")
    found = discover([str(folder)], project.excludes)
    if found.problems:
        raise UsageProblem(found.problems[0])
    from journeymap.render.theme import theme_of

    entries = build_entries(found.targets, project)
    write_site(entries, out, theme_of(project.theme.base, dict(project.theme.colours), project.theme.font))
    return Site(entries)


def build_entries(targets: list[Target], project: Project) -> list[Entry]:
    entries, taken = [], set()
    for target in targets:
        analysis = analyse(target, project)
        journey = analysis.journey if analysis.valid else None
        base = slug(journey.id if journey and journey.id else map_stem(target.path), 80) or "map"
        page, n = base, 2
        while page in taken:
            page, n = f"{base}-{n}", n + 1
        taken.add(page)
        entry = Entry(target, f"{page}.html", analysis)
        if analysis.state is State.UNREADABLE:  # listed as broken like an invalid map; the rest is still built
            entry.refused = one_line(analysis.problem).removeprefix(f"{one_line(target.path)}: ")
        entries.append(entry)
    if project.lint:  # the lint column says what validate says of the folder, cross-map rules included
        add_portfolio_findings([e.analysis for e in entries], project)
    return entries


def write_site(entries: list[Entry], out: Path, theme: Theme | None = None) -> None:
    from journeymap.site.pages import broken_page, index_page, map_page, site_hierarchy

    by_id = {e.journey.id: e for e in entries if e.journey is not None and e.journey.id}
    tree = site_hierarchy(entries)
    pages = []
    for entry in entries:
        try:
            pages.append((entry, map_page(entry, by_id, entries, tree, theme)))
        except RenderError as exc:
            if exc.exit_code != 1:  # a tool failed, not the map: the site cannot be built
                raise
            entry.refused = one_line(exc)
            pages.append((entry, broken_page(entry)))
    maps_dir = out / "maps"
    make_folder(maps_dir)
    for entry, page in pages:
        write_atomic(maps_dir / entry.page, page)
    from journeymap.site.heatmap import heatmap_page

    write_atomic(out / "portfolio.html", heatmap_page(entries))
    write_atomic(out / "index.html", index_page(entries, theme))
