"""Measuring the maps some paths name: each valid map read through the pipeline, its spec
made, its measures computed on the engine it asks for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from journeymap.analysis import Analysis
from journeymap.config import Project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL
from journeymap.io.sources import discover
from journeymap.measure.compute import measure_journey
from journeymap.measure.engine import Limits
from journeymap.measure.engines import make_engine
from journeymap.measure.spec import Options, spec_for
from journeymap.measures import MeasuresSnapshot
from journeymap.pipeline import analyse


@dataclass
class Measured:
    problems: list[str] = field(default_factory=list)
    skipped: list[Analysis] = field(default_factory=list)
    snapshots: list[MeasuresSnapshot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.problems:
            return EXIT_TOOL
        return EXIT_FINDINGS if self.skipped else EXIT_OK


def measure_paths(
    paths: Sequence[str],
    project: Project,
    options: Options,
    step: Callable[[str], None] | None = None,
    progress: Callable[[float], None] | None = None,
    limits: Limits | None = None,
    locked: Callable[[str, dict[str, str]], None] | None = None,
) -> Measured:
    """Every map the paths name, measured. A map that is not valid is skipped (its findings
    say why); problems with the data raise JourneymapError (one line, exit 2). `locked` hears
    each engine's settings, as the engine reports them, before it reads any data."""
    found = discover(paths, project.excludes)
    out = Measured(problems=list(found.problems))
    reading = project.with_options(lint=False)  # measure judges data, not the map's craft
    for target in found.targets:
        analysis = analyse(target, reading)
        if analysis.problem:
            out.problems.append(analysis.problem)
            continue
        if not analysis.valid or analysis.journey is None:
            out.skipped.append(analysis)
            continue
        journey = analysis.journey
        own = project.for_file(target.path)  # `data:` of the map's own configuration, relative to its folder
        spec = spec_for(journey, own.data, own.root, options)
        engine = make_engine(spec.engine, spec.files(), limits, progress, spec.database())
        try:
            if locked is not None:
                locked(journey.file, {"engine": spec.engine, **engine.settings()})
            snapshot = measure_journey(journey, spec, engine, step)
        finally:
            engine.close()
        out.snapshots.append(snapshot)
        out.warnings.extend(f"{journey.file}: {note}" for note in _empty(snapshot))
        # in a log with no rows every signal matches nothing: the line above says it all
        for u in snapshot.unmatched_signals if snapshot.rows_read else []:
            hint = f"; did you mean '{u['did_you_mean']}'?" if u.get("did_you_mean") else ""
            out.warnings.append(
                f"{journey.file}: signal '{u['signal']}' of touchpoint '{u['touchpoint']}' matches no event in "
                f"{spec.events.named}{hint}"
            )
        for pattern in snapshot.unmatched_exclusions if snapshot.rows_read else []:
            out.warnings.append(f"{journey.file}: exclusion event '{pattern}' matches no event in {spec.events.named} "
                                "that no touchpoint claims")
    return out


def _empty(snapshot: MeasuresSnapshot) -> list[str]:
    """Plain words for a report with nothing in it (it is still a valid report)."""
    source = snapshot.events_source
    if snapshot.rows_read == 0:
        return [f"no events: {source} has no rows"]
    if snapshot.events_in_range == 0:
        return [f"no events in {source} fall between --since and --until"]
    if snapshot.mapped_events == 0:
        return [f"no event in {source} matches any signal of the map"]
    return []
