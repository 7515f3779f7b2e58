"""Rendering many maps: where each picture goes, in parallel, with progress, and the exit code.

Where output goes:
- several maps, or any folder given: `--out DIR` is required; one file per map in
  DIR (created if missing), named after the map file: `checkout.journey.yaml`
  becomes `checkout.svg` (`.poster.pdf` for posters, `.mmd` for Mermaid);
- one map: text formats (svg, dot, html, mermaid) go to standard output unless
  `--out` names a file or an existing folder; binary formats (png, pdf,
  poster) need `--out` (`--out -` writes them to standard output on purpose).
Files are written atomically and never over an input map. A map that fails
validation is reported (each finding on one line on stderr) and skipped; the
rest still render, and the exit code is 1 at the end (2 if a file could not be
read or a tool failed, which wins).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journeymap.analysis import Analysis, State
from journeymap.config import Project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL, OutputError, UsageProblem
from journeymap.io.atomic import make_folder, write_atomic
from journeymap.io.output import emit
from journeymap.io.sources import Target
from journeymap.io.workers import in_workers
from journeymap.pipeline import analyse
from journeymap.render import FORMATS, RenderError, RenderOptions
from journeymap.render.pictures import draw
from journeymap.render.theme import theme_from
from journeymap.strings import map_stem, one_line

STDOUT = "-"


@dataclass(frozen=True)
class Job:
    target: Target
    output: Path | None  # None: standard output
    fmt: str
    options: RenderOptions
    project: Project  # maps are read through the pipeline without lint: a picture does not need it


@dataclass
class Outcome:
    path: str
    output: Path | None = None
    exit_code: int = EXIT_OK
    messages: list[str] = field(default_factory=list)  # lines for stderr
    data: bytes | None = None  # the picture, when it goes to standard output


def output_name(target: Target, fmt: str) -> str:
    """`checkout.journey.yaml` → `checkout.svg`; standard input → `stdin.svg`."""
    name = "stdin" if target.is_stdin else map_stem(target.path)
    return name + FORMATS[fmt].extension


def plan_jobs(
    targets: Sequence[Target], given: Sequence[str], fmt: str, out: str | None, options: RenderOptions,
    project: Project,
) -> list[Job]:
    """One job per map with its destination; UsageProblem when the destination cannot work."""
    if not targets:
        return []
    info = FORMATS[fmt]
    batch = len(targets) > 1 or len(given) > 1 or any(os.path.isdir(p) for p in given if p != STDOUT)
    if batch:
        if out is None or out == STDOUT:
            raise UsageProblem(
                "rendering several maps writes one file each: name a folder with --out, e.g. --out out/"
            )
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise UsageProblem(f"--out {out} is a file; rendering several maps needs a folder")
        outputs: list[Path | None] = [folder / output_name(t, fmt) for t in targets]
        _refuse_clashes(targets, outputs)
    elif out is None or out == STDOUT:
        if out is None and info.binary:
            example = output_name(targets[0], fmt)
            raise UsageProblem(
                f"{fmt} output is binary: name the file with --out, e.g. --out {example} "
                "(or --out - to write it to standard output)"
            )
        outputs = [None]
    elif out.endswith(("/", os.sep)) or os.path.isdir(out):
        outputs = [Path(out) / output_name(targets[0], fmt)]
    else:
        path = Path(out)
        if not path.parent.is_dir():
            raise UsageProblem(f"--out {out}: the folder {path.parent} does not exist")
        outputs = [path]
    _refuse_overwriting_inputs(targets, outputs)
    reading = project.with_options(lint=False)
    if fmt == "html" and batch:
        return _linked_jobs(targets, outputs, options, reading)
    return [Job(t, o, fmt, options, reading) for t, o in zip(targets, outputs, strict=True)]


def in_own_settings(jobs: Sequence[Job], project: Project, theme: str | None = None,
                    timeout: float | None = None, memory: float | None = None) -> list[Job]:
    """Each job with the render limits and theme of the configuration that holds for its map
    (found from the map's folder up); a flag still wins for every map."""


    settled: dict[str | None, RenderOptions] = {}  # by configuration file: one theme built per file
    out = []
    for job in jobs:
        own = project.for_file(job.target.path)
        if own.source not in settled:
            seconds, memory_bytes = own.render.resolved(timeout, memory)
            chosen_theme = own.theme
            look = theme_from(theme or chosen_theme.base, dict(chosen_theme.colours), chosen_theme.font,
                              chosen_theme.logo, chosen_theme.root)
            settled[own.source] = dataclasses.replace(job.options, timeout=seconds, memory=memory_bytes, theme=look)
        chosen = settled[own.source]
        options = dataclasses.replace(job.options, timeout=chosen.timeout, memory=chosen.memory, theme=chosen.theme)
        out.append(dataclasses.replace(job, options=options))
    return out


def _linked_jobs(
    targets: Sequence[Target], outputs: Sequence[Path | None], options: RenderOptions, reading: Project
) -> list[Job]:
    """HTML pages of a batch link to each other's sub-journeys and parents: the maps are read once
    first to learn their ids and titles (pages are written side by side in one folder)."""
    from journeymap.render.hierarchy import hierarchy_of  # noqa: PLC0415

    known = []
    for target, output in zip(targets, outputs, strict=True):
        journey = analyse(target, reading).journey
        if journey is not None and output is not None:
            known.append((journey, output.name))
    hierarchy = hierarchy_of(known)
    return [
        Job(t, o, "html", dataclasses.replace(options, hierarchy=hierarchy, page_name=o.name if o else ""), reading)
        for t, o in zip(targets, outputs, strict=True)
    ]


def _refuse_clashes(targets: Sequence[Target], outputs: Sequence[Path | None]) -> None:
    seen: dict[Path | None, str] = {}
    for target, output in zip(targets, outputs, strict=True):
        if output in seen:
            raise UsageProblem(
                f"{seen[output]} and {target.path} would both be written to {output}; "
                "render them separately or rename one"
            )
        seen[output] = target.path


def _refuse_overwriting_inputs(targets: Sequence[Target], outputs: Sequence[Path | None]) -> None:
    inputs = {os.path.realpath(t.path) for t in targets if not t.is_stdin}
    for output in outputs:
        if output is not None and os.path.realpath(output) in inputs:
            raise UsageProblem(f"--out would write over the input map {output}; choose another file name")


def render_job(job: Job) -> Outcome:
    """Read, validate and render one map; never raises for a problem with the map or a tool."""
    outcome = Outcome(job.target.path, job.output)
    analysis = analyse(job.target, job.project)
    if analysis.state is State.UNREADABLE:
        return _failed(outcome, analysis.problem, EXIT_TOOL)
    if analysis.kind == "library":
        outcome.messages += (f.as_line() for f in analysis.findings)
        outcome.messages.append(
            f"journeymap: skipped {one_line(job.target.path)}: a library is not a map; render the maps that use it"
        )
        outcome.exit_code = EXIT_FINDINGS
        return outcome
    if analysis.journey is None or not analysis.valid:
        outcome.messages += (f.as_line() for f in analysis.findings)
        outcome.messages.append(
            f"journeymap: skipped {one_line(job.target.path)}: the map is not valid; fix it and render again"
        )
        outcome.exit_code = EXIT_FINDINGS
        return outcome
    folder = None if job.target.is_stdin else Path(job.target.path).parent
    try:
        picture = draw(analysis.journey, job.fmt, job.options, folder)
    except RenderError as exc:
        return _failed(outcome, f"{_where(job.target.path, analysis, exc.node)}: {exc}", exc.exit_code)
    for note in picture.notes:
        outcome.messages.append(f"journeymap: warning: {one_line(job.target.path)}: {one_line(note)}")
    data = picture.data
    if job.output is None:
        outcome.data = data
        return outcome

    try:
        make_folder(job.output.parent)
        write_atomic(job.output, data)
    except OutputError as exc:
        return _failed(outcome, str(exc), EXIT_TOOL)
    return outcome


def _where(path: str, analysis: Analysis, node: tuple[str | int, ...] | None) -> str:
    """`path`, with the line and column of the value at fault when there is one."""
    if node is None or analysis.document is None:
        return path
    line, column = analysis.document.position(node)
    return f"{path}:{line}:{column}"


def _failed(outcome: Outcome, message: str, code: int) -> Outcome:
    outcome.messages.append(f"journeymap: error: {one_line(message)}")
    outcome.exit_code = code
    return outcome


def run_jobs(jobs: Sequence[Job], workers: int, on_outcome: Callable[[Outcome], None]) -> list[Outcome]:
    """Render every job, in parallel where it pays; `on_outcome` sees each outcome in input order."""
    outcomes = []
    for outcome in _outcomes(jobs, workers):
        on_outcome(outcome)
        outcomes.append(outcome)
    return outcomes


def _outcomes(jobs: Sequence[Job], workers: int) -> Iterator[Outcome]:
    if workers <= 1 or len(jobs) < 2 or any(j.target.is_stdin for j in jobs):
        for job in jobs:
            yield render_job(job)
        return

    # imported only for a batch of maps: one map needs no worker processes (nor multiprocessing)

    yield from in_workers(render_job, jobs, min(workers, len(jobs)))


def exit_code(outcomes: Sequence[Outcome], problems: int) -> int:
    codes = {o.exit_code for o in outcomes}
    if problems or EXIT_TOOL in codes:
        return EXIT_TOOL
    return EXIT_FINDINGS if EXIT_FINDINGS in codes else EXIT_OK


def summary(outcomes: Sequence[Outcome], fmt: str, out: str | None) -> str:
    done = sum(1 for o in outcomes if o.exit_code == EXIT_OK)
    skipped = len(outcomes) - done
    noun = "map" if len(outcomes) == 1 else "maps"
    text = f"Rendered {done} of {len(outcomes)} {noun} as {fmt}"
    if out and out != STDOUT:
        text += f" into {out}"
    if skipped:
        text += f"; {skipped} skipped (see above)"
    return text + "."


def write_stdout(data: bytes) -> None:
    emit(data)
