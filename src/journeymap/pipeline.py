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
from dataclasses import dataclass, field
from enum import StrEnum

from journeymap import builtin_rules
from journeymap.config import Project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL
from journeymap.findings import Finding, Severity
from journeymap.io.sources import InputError, Target, read_target
from journeymap.load import Document, load_bytes
from journeymap.model import Journey, journey_from_document
from journeymap.references import reference_findings
from journeymap.schema import schema_findings, warm_up

# Below this many files a process pool costs more than it saves.
_PARALLEL_FROM = 16


class State(StrEnum):
    UNREADABLE = "unreadable"
    NOT_A_MAP = "not-a-map"
    INVALID = "invalid"
    VALID = "valid"


@dataclass
class Analysis:
    """One file read as far as it would go (see the module's docstring for the states)."""

    path: str
    state: State
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    journey: Journey | None = None
    problem: str = ""
    linted: bool = False

    @property
    def valid(self) -> bool:
        return self.state is State.VALID

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def has(self, rule_id: str) -> bool:
        return any(f.rule_id == rule_id for f in self.findings)

    def slim(self) -> Analysis:
        """The same verdict without the document and the model."""
        return dataclasses.replace(self, document=None, journey=None)


def analyse(target: Target, project: Project) -> Analysis:
    """Read one file and analyse it; never raises for anything about the file."""
    try:
        raw = read_target(target, project.max_bytes)
    except InputError as exc:
        return Analysis(target.path, State.UNREADABLE, problem=str(exc))
    return analyse_bytes(raw, target.path, project)


def analyse_bytes(raw: bytes, path: str, project: Project) -> Analysis:
    """Analyse a file's bytes (read from disk, standard input or git); `path` names it in findings."""
    if len(raw) > project.max_bytes:
        rule = builtin_rules.YAML_LIMITS
        too_large = Finding(
            path, 1, 1, rule.severity, rule.id, rule.name,
            f"the file is larger than the {project.max_bytes:,}-byte limit; split the map "
            "or raise the limit with --max-bytes",
        )
        return Analysis(path, State.NOT_A_MAP, [too_large])
    doc, findings = load_bytes(raw, path)
    if doc is None:
        return Analysis(path, State.NOT_A_MAP, findings)
    schema_problems = schema_findings(doc)
    if schema_problems:
        state = State.INVALID if "journeymap" in doc.data else State.NOT_A_MAP
        return Analysis(path, state, _sorted(findings, schema_problems), doc)
    journey = journey_from_document(doc)
    findings += reference_findings(doc, journey)
    if findings:
        return Analysis(path, State.INVALID, _sorted(findings), doc, journey)
    if not project.lint:
        return Analysis(path, State.VALID, [], doc, journey)
    from journeymap.lint.engine import lint_findings

    linted = lint_findings(doc, journey, project.rules, project.today, project.measures_for(journey))
    return Analysis(path, State.VALID, _sorted(linted), doc, journey, linted=True)


def analyse_many(targets: Sequence[Target], project: Project, jobs: int | None = None) -> Iterator[Analysis]:
    """`analyse` every target, in parallel where it pays; slim results, in input order."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(targets) < _PARALLEL_FROM or any(t.is_stdin for t in targets):
        for target in targets:
            yield analyse(target, project).slim()
        return
    from functools import partial

    from journeymap.io.workers import in_workers

    warm_up()  # before the fork, so every worker shares the compiled schema
    chunk = max(1, min(64, len(targets) // (jobs * 4)))
    yield from in_workers(partial(_slim_analysis, project=project), targets, jobs, chunksize=chunk)


def _slim_analysis(target: Target, project: Project) -> Analysis:
    return analyse(target, project).slim()


@dataclass
class Checked:
    """`check_paths`' result: what could not even be found, and every file's analysis."""

    problems: list[str]
    analyses: list[Analysis]
    strict: bool = False

    @property
    def readable(self) -> list[Analysis]:
        return [a for a in self.analyses if a.state is not State.UNREADABLE]

    @property
    def exit_code(self) -> int:
        return EXIT_TOOL if self.problems else exit_code(self.analyses, self.strict)


def check_paths(paths: Sequence[str], project: Project, jobs: int | None = None) -> Checked:
    """Every map the paths name (folders walked, the project's `exclude` left out), analysed."""
    from journeymap.io.sources import discover

    found = discover(paths, project.excludes)
    return Checked(found.problems, list(analyse_many(found.targets, project, jobs)), project.strict)


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
