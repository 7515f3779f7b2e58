"""The catalog's content: one entry per map below a folder, and writing the site.

Every map is read through the pipeline with the project's rules; broken maps
(unreadable, not a map, invalid, or whose page cannot be drawn) are listed as
broken, never silently left out. Every page is made before any file is
written, so a site that cannot be built leaves the old one as it was.
"""

from __future__ import annotations

from pathlib import Path

from journeymap.analysis import State
from journeymap.config import Project
from journeymap.errors import UsageProblem
from journeymap.io.atomic import make_folder, write_atomic
from journeymap.io.sources import Target, discover
from journeymap.measures import MeasuresByMap, MeasuresSnapshot
from journeymap.pipeline import add_portfolio_findings, analyse
from journeymap.render import RenderError
from journeymap.render.theme import Theme, theme_from
from journeymap.site.entries import Entry, Site
from journeymap.site.heatmap import heatmap_page
from journeymap.site.pages import broken_page, index_page, map_page, site_hierarchy
from journeymap.strings import map_stem, one_line, slug


def build_site(folder: Path, out: Path, project: Project, measures: MeasuresByMap | None = None) -> Site:
    """The catalog of every map below `folder` (but those the project excludes), written to `out`;
    with `measures`, each map's page shows its own snapshot (found by MeasuresByMap.for_map)."""
    if not folder.is_dir():
        raise UsageProblem(f"{folder}: not a folder; name the folder that holds the maps")
    if out.resolve() == folder.resolve():
        raise UsageProblem(f"{out}: the site must go into a folder of its own, not the maps' folder")
    # the folder's configuration: the site's theme and the cross-map pass (each map keeps its own)
    project = project.for_folder(str(folder))
    found = discover([str(folder)], project.excludes)
    if found.problems:
        raise UsageProblem(found.problems[0])
    entries = build_entries(found.targets, project)
    chosen = project.theme
    write_site(entries, out, theme_from(chosen.base, dict(chosen.colours), chosen.font, chosen.logo, chosen.root),
               measures)
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
        add_portfolio_findings([e.analysis for e in entries], project, project)
    return entries


def write_site(
    entries: list[Entry], out: Path, theme: Theme | None = None, measures: MeasuresByMap | None = None
) -> None:
    by_id = {e.journey.id: e for e in entries if e.journey is not None and e.journey.id}
    tree = site_hierarchy(entries)
    pages = []
    for entry in entries:
        try:
            measured = _measured(entry, measures)
            pages.append((entry, map_page(entry, by_id, entries, tree, theme, measured)))
        except RenderError as exc:
            if exc.exit_code != 1:  # a tool failed, not the map: the site cannot be built
                raise
            entry.refused = one_line(exc)
            pages.append((entry, broken_page(entry)))
    maps_dir = out / "maps"
    make_folder(maps_dir)
    for entry, page in pages:
        write_atomic(maps_dir / entry.page, page)
    write_atomic(out / "portfolio.html", heatmap_page(entries, theme))
    write_atomic(out / "index.html", index_page(entries, theme))


def _measured(entry: Entry, measures: MeasuresByMap | None) -> MeasuresSnapshot | None:
    journey = entry.journey
    if journey is None or not measures:
        return None
    return measures.for_map(journey.id, journey.file)
