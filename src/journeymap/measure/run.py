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
from journeymap.measure.engine import make_engine
from journeymap.measure.spec import Options, spec_for
from journeymap.measures import Snapshot
from journeymap.pipeline import analyse


@dataclass
class Measured:
    problems: list[str] = field(default_factory=list)
    skipped: list[Analysis] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
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
) -> Measured:
    """Every map the paths name, measured. A map that is not valid is skipped (its findings
    say why); problems with the data raise JourneymapError (one line, exit 2)."""
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
        engine = make_engine(spec.engine, progress)
        try:
            snapshot = measure_journey(journey, spec, engine, step)
        finally:
            engine.close()
        out.snapshots.append(snapshot)
        for u in snapshot.unmatched_signals:
            out.warnings.append(
                f"{journey.file}: signal '{u['signal']}' of touchpoint '{u['touchpoint']}' matches no event in "
                f"{spec.events.named}"
            )
    return out
