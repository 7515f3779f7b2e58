"""The one road from a file to what journeymap knows about it: bytes -> document -> schema ->
model -> references -> lint.

Every command that reads maps (validate, render, export, site, both sides of
a diff, and every command added later) goes through `analyse` or
`analyse_bytes`, so each decides nothing on its own about what a file is:
the `Analysis` says it, in one of four states.

- `unreadable`: the file could not be read at all (missing, a device, no
  permission); `problem` says why. The tool could not do its job (exit 2).
- `not-a-map`: read, but it holds no journey map: not one YAML mapping
  (binary, not UTF-8, broken or refused YAML, several documents, too
  large), or a mapping without the `journeymap:` key. Its findings say why.
- `invalid`: a journey map that breaks the schema, names an id twice, has a
  broken reference or a duplicate key. `journey` is set when the data fits
  the schema (so a diff can still compare it), else None.
- `valid`: a sound map, with its `document` and `journey`; lint ran on it
  (unless the project says `lint=False`), and its findings are lint's.

Lint judges valid maps only: on a broken one its findings would be noise.

A map's `use:` libraries are resolved after the schema and before the
references (see `libraries`), by the `Libraries` reader given, or else one
for files on disk that this process keeps, so every library is parsed once
however many maps use it. A library file (`*.library.yaml`) given itself is
checked as a library: `kind` is "library", and it has no journey.

Many files are spread over worker processes; results come back in input
order, so output is deterministic whatever `--jobs` is. Workers send back
findings only (`Analysis.slim`): holding every tree alive would make the
garbage collector dominate, and sending them between processes costs more
than the check.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from journeymap import builtin_rules
from journeymap.analysis import Analysis, State
from journeymap.collector import collecting_seldom
from journeymap.config import Project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL
from journeymap.findings import Finding, Severity
from journeymap.io.sources import InputError, Target, discover, is_library_name, read_target
from journeymap.io.workers import in_workers
from journeymap.libraries import DiskLibraries, Libraries, merge, parse_library
from journeymap.load import Document, decode, load_bytes, reloaded
from journeymap.model import Journey, journey_from_document
from journeymap.references import reference_findings
from journeymap.schema import schema_findings, warm_up

# Objects allocated (less those freed) between two collections of the youngest generation while
# a folder is checked; the default is 700.
_COLLECT_AFTER = 20_000
# Below this many files a process pool costs more than it saves.
_PARALLEL_FROM = 16
# Files on disk: one reader a process, so a library is parsed once a run (and once a worker).
_DISK_LIBRARIES = DiskLibraries()


def analyse(target: Target, project: Project, libraries: Libraries | None = None) -> Analysis:
    """Read one file and analyse it by the configuration that holds in its folder
    (`Project.for_file`); never raises for anything about the file."""
    project = project.for_file(target.path)
    kind = "library" if is_library_name(target.path) else "map"
    try:
        raw = read_target(target, project.max_bytes)
    except InputError as exc:
        return Analysis(target.path, State.UNREADABLE, problem=str(exc), kind=kind)
    return analyse_bytes(raw, target.path, project, libraries)


def analyse_bytes(raw: bytes, path: str, project: Project, libraries: Libraries | None = None) -> Analysis:
    """Analyse a file's bytes (read from disk, standard input or git); `path` names it in findings,
    and its `use:` entries are followed with `libraries` (files on disk when None)."""
    libraries = libraries or _DISK_LIBRARIES
    if is_library_name(path):
        return _library_analysis(raw, path, project, libraries)
    if len(raw) > project.max_bytes:
        return _too_large(path, project)
    doc, findings = load_bytes(raw, path)
    if doc is None:
        return Analysis(path, State.NOT_A_MAP, findings)
    return _checked(doc, findings, path, project, libraries)


def analyse_edit(previous: Analysis, raw: bytes, project: Project, libraries: Libraries | None = None) -> Analysis:
    """`analyse_bytes(raw, previous.path, project)` for an edited version of the file `previous`
    analysed: only the part of the map the edit touches is read again (`load.reloaded`: the list
    items or the top-level entries it falls in); the checks run on the whole map as always. For
    editors, which analyse a map at every pause in typing. The result is the same as
    analyse_bytes' (the tests compare them)."""
    path = previous.path
    libraries = libraries or _DISK_LIBRARIES
    if is_library_name(path):
        return analyse_bytes(raw, path, project, libraries)
    if len(raw) > project.max_bytes:
        return _too_large(path, project)
    if previous.document is not None:
        text = decode(raw, path)
        if isinstance(text, str):
            doc = reloaded(previous.document, text)
            if doc is not None:
                earlier = (previous.document, previous.journey) if previous.journey is not None else None
                return _checked(doc, [], path, project, libraries, earlier)
    return analyse_bytes(raw, path, project, libraries)


def _too_large(path: str, project: Project, kind: str = "map") -> Analysis:
    rule = builtin_rules.YAML_LIMITS
    too_large = Finding(
        path, 1, 1, rule.severity, rule.id, rule.name,
        f"the file is larger than the {project.max_bytes:,}-byte limit; split the {kind} "
        "or raise the limit with --max-bytes",
    )
    return Analysis(path, State.NOT_A_MAP, [too_large], kind=kind)


def _checked(
    doc: Document, findings: list[Finding], path: str, project: Project, libraries: Libraries,
    earlier: tuple[Document, Journey] | None = None,
) -> Analysis:
    """Schema, model, references and lint on a loaded document; `findings` are the loader's. With
    `earlier` (an edit's previous version), the model takes over what the edit left alone."""
    schema_problems = schema_findings(doc)
    if schema_problems:
        state = State.INVALID if "journeymap" in doc.data else State.NOT_A_MAP
        return Analysis(path, state, _sorted(findings, schema_problems), doc)
    journey = journey_from_document(doc, earlier)
    uses: tuple[str, ...] = ()
    if journey.uses:
        resolution = libraries.resolve(doc, project.max_bytes)
        uses = resolution.keys
        findings += resolution.findings
        findings += merge(doc, journey, resolution)
    findings += reference_findings(doc, journey)
    if findings:
        return Analysis(path, State.INVALID, _sorted(findings), doc, journey, uses=uses)
    if not project.lint:
        return Analysis(path, State.VALID, [], doc, journey, uses=uses)
    # lint's rules are imported by the runs that lint: a picture is drawn without them
    from journeymap.lint.engine import lint_findings  # noqa: PLC0415

    linted = lint_findings(doc, journey, project.rules, project.today, project.measures_for(journey))
    return Analysis(path, State.VALID, _sorted(linted), doc, journey, linted=True, uses=uses)


def _library_analysis(raw: bytes, path: str, project: Project, libraries: Libraries) -> Analysis:
    """A library file checked on its own: YAML, the library schema, its ids, its own `use:`."""
    if len(raw) > project.max_bytes:
        return _too_large(path, project, "library")
    library = parse_library(raw, path)
    if library.document is None:
        return Analysis(path, State.NOT_A_MAP, library.findings, kind="library")
    findings = list(library.findings)
    uses: tuple[str, ...] = ()
    if not findings:
        resolution = libraries.resolve(library.document, project.max_bytes)
        findings += resolution.findings
        uses = resolution.keys
    state = State.INVALID if findings else State.VALID
    return Analysis(path, state, _sorted(findings), library.document, kind="library", uses=uses)


def analyse_many(
    targets: Sequence[Target], project: Project, jobs: int | None = None, *, keep_facts: bool = False
) -> Iterator[Analysis]:
    """`analyse` every target, in parallel where it pays; slim results (with the portfolio pass's
    facts when `keep_facts`), in input order."""
    jobs = jobs or os.cpu_count() or 1
    for target in targets:
        # here, not in a worker: a broken configuration stops the run with its one-line message,
        # and every worker starts knowing which configuration holds in each folder
        project.for_file(target.path)
    if jobs <= 1 or len(targets) < _PARALLEL_FROM or any(t.is_stdin for t in targets):
        for target in targets:
            yield _slim_analysis(target, project, keep_facts)
        return


    warm_up()  # before the fork, so every worker shares the compiled schema
    chunk = max(1, min(64, len(targets) // (jobs * 4)))
    work = partial(_slim_analysis, project=project, keep_facts=keep_facts)
    yield from in_workers(work, targets, jobs, chunksize=chunk)


def _slim_analysis(target: Target, project: Project, keep_facts: bool) -> Analysis:
    analysis = analyse(target, project)
    facts = None
    if keep_facts and analysis.facts is None:
        from journeymap.portfolio import facts_of  # noqa: PLC0415

        facts = facts_of(analysis)
    return analysis.slim(facts, name_nodes=project.baseline is not None or project.names_findings)


@dataclass
class Checked:
    """`check_paths`' result: what could not even be found, and every file's analysis."""

    problems: list[str]
    analyses: list[Analysis]
    strict: bool = False
    # the files whose own configuration says `strict: true`: their warnings fail the run too
    strict_files: frozenset[str] = frozenset()

    @property
    def readable(self) -> list[Analysis]:
        return [a for a in self.analyses if a.state is not State.UNREADABLE]

    @property
    def exit_code(self) -> int:
        if self.problems:
            return EXIT_TOOL
        strict_ones = [a for a in self.analyses if a.path in self.strict_files]
        return max(exit_code(self.analyses, self.strict), exit_code(strict_ones, strict=True))


def check_paths(paths: Sequence[str], project: Project, jobs: int | None = None) -> Checked:
    """Every map and library the paths name (folders walked, the project's `exclude` left out),
    analysed; when a folder is among them (and lint is on), the portfolio pass adds the findings
    of the cross-map rules to the files they are in."""

    found = discover(paths, project.excludes, libraries=True)
    folders = [p for p in paths if os.path.isdir(p)]
    portfolio = project.lint and bool(folders)
    with collecting_seldom(_COLLECT_AFTER):
        analyses = list(analyse_many(found.targets, project, jobs, keep_facts=portfolio))
        if portfolio:
            add_portfolio_findings(analyses, project.for_folder(folders[0]), project)
    strict = frozenset(a.path for a in analyses if project.for_file(a.path).strict)
    return Checked(found.problems, analyses, project.strict, strict)




def add_portfolio_findings(analyses: list[Analysis], project: Project, each: Project | None = None) -> None:
    """The cross-map rules over these analyses (a folder's maps and libraries), their findings added
    to the files they are in. `project` (the configuration of the first folder named) says which
    cross-map rules run, with which options; with `each`, a file's own configuration then keeps
    only the findings of rules it enables, at the severity it gives them."""
    from journeymap.portfolio import facts_of, portfolio_findings  # noqa: PLC0415

    facts = [a.facts or facts_of(a) for a in analyses]
    found = portfolio_findings([f for f in facts if f is not None], project.rules)
    for analysis in analyses:
        extra = found.get(analysis.path)
        if extra and each is not None:
            extra = _judged_by(extra, each.for_file(analysis.path))
        if extra:
            analysis.findings = _sorted(analysis.findings, extra)


def _judged_by(findings: list[Finding], own: Project) -> list[Finding]:
    """Cross-map findings as the file's own configuration has them: dropped where it turns the rule
    off, re-graded where it says so."""
    rules = own.rules
    # a copy only where the grade changes: most files keep the project's (a folder of 1,000 maps
    # sharing ids has 18,000 such findings)
    return [
        f if (severity := rules.severity.get(f.rule_id, f.severity)) is f.severity
        else dataclasses.replace(f, severity=severity)
        for f in findings
        if f.rule_id in rules.enabled
    ]


def exit_code(analyses: Iterable[Analysis], strict: bool) -> int:
    """2 when a file could not be read; 1 for findings at error severity (with `strict`, warnings
    too); else 0."""
    worst: set[Severity] = set()
    for analysis in analyses:
        if analysis.state is State.UNREADABLE:
            return EXIT_TOOL
        worst.update(f.severity for f in analysis.findings)
    if Severity.ERROR in worst or (strict and Severity.WARNING in worst):
        return EXIT_FINDINGS
    return EXIT_OK


def _sorted(*groups: list[Finding]) -> list[Finding]:
    return sorted((f for group in groups for f in group), key=Finding.sort_key)
