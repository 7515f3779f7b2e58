"""The validate pipeline: bytes -> document -> schema -> model -> references -> lint.

Each file is checked on its own and only its findings are kept, so memory stays
flat however many maps there are (holding every tree alive makes the garbage
collector dominate). Many files are spread over worker processes; results come
back in input order, so output is deterministic whatever `--jobs` is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journeymap import builtin_rules
from journeymap.findings import FileResult, Finding
from journeymap.io.sources import InputError, Target, read_target
from journeymap.load import DEFAULT_MAX_BYTES, Document, load_bytes
from journeymap.model import Journey, journey_from_document
from journeymap.references import reference_findings
from journeymap.schema import schema_findings, warm_up

if TYPE_CHECKING:
    from journeymap.config import LintConfig

# Below this many files a process pool costs more than it saves.
_PARALLEL_FROM = 16


@dataclass(frozen=True)
class CheckOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    lint: LintConfig | None = None


@dataclass
class Analysis:
    """One map read as far as it would go: findings always, the model when it is valid."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    journey: Journey | None = None

    @property
    def ok(self) -> bool:
        return self.journey is not None


def analyse_bytes(raw: bytes, path: str, options: CheckOptions = CheckOptions()) -> Analysis:
    result = Analysis(path)
    if len(raw) > options.max_bytes:
        rule = builtin_rules.YAML_LIMITS
        result.findings.append(
            Finding(
                path, 1, 1, rule.severity, rule.id, rule.name,
                f"the file is larger than the {options.max_bytes:,}-byte limit; split the map "
                "or raise the limit with --max-bytes",
            )
        )
        return result
    doc, findings = load_bytes(raw, path)
    result.findings += findings
    if doc is None:
        return result
    result.document = doc
    schema_problems = schema_findings(doc)
    if schema_problems:
        result.findings = sorted([*result.findings, *schema_problems], key=Finding.sort_key)
        return result
    journey = journey_from_document(doc)
    result.findings += reference_findings(doc, journey)
    if result.findings:
        # lint judges a sound map; on a broken one its findings would be noise
        result.findings.sort(key=Finding.sort_key)
        return result
    result.journey = journey
    if options.lint is not None:
        from journeymap.lint.engine import lint_findings

        result.findings += lint_findings(doc, journey, options.lint)
    result.findings.sort(key=Finding.sort_key)
    return result


def analyse_target(target: Target, options: CheckOptions = CheckOptions()) -> Analysis:
    """Raises InputError when the file cannot be read at all."""
    return analyse_bytes(read_target(target, options.max_bytes), target.path, options)


def check_target(target: Target, options: CheckOptions) -> FileResult:
    try:
        analysis = analyse_target(target, options)
    except InputError as exc:
        return FileResult(target.path, problem=str(exc))
    return FileResult(target.path, analysis.findings)


def check_targets(
    targets: Sequence[Target],
    options: CheckOptions,
    jobs: int | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Check every target, in parallel where it pays; results in input order."""
    results = []
    for result in _results(targets, options, jobs or os.cpu_count() or 1):
        if on_result is not None:
            on_result(result)
        results.append(result)
    return results


def _results(targets: Sequence[Target], options: CheckOptions, jobs: int) -> Iterator[FileResult]:
    stdin_used = any(t.is_stdin for t in targets)
    if jobs <= 1 or len(targets) < _PARALLEL_FROM or stdin_used:
        for target in targets:
            yield check_target(target, options)
        return
    from functools import partial

    from journeymap.io.workers import in_workers

    warm_up()  # before the fork, so every worker shares the compiled schema
    chunk = max(1, min(64, len(targets) // (jobs * 4)))
    yield from in_workers(partial(check_target, options=options), targets, jobs, chunksize=chunk)
