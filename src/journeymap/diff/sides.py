"""One side of a comparison: a file's bytes read as far as they go.

A side is *comparable* when it parses, fits the schema and names every id
once: then it has a model. Broken references, duplicate keys and the like
still let it be compared, but are problems of that side; the diff says so.
Its findings (references and lint, with the default rules) feed the lint
delta. Binary files, and files that are not journey maps (unless their name
says they should be), are skipped with a note rather than reported as broken.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journeymap import builtin_rules
from journeymap.diff.records import Problem, Side
from journeymap.findings import Finding, Severity
from journeymap.io.sources import is_map_name
from journeymap.load import DEFAULT_MAX_BYTES, Document, load_bytes
from journeymap.model import Journey, journey_from_document
from journeymap.strings import one_line, short

if TYPE_CHECKING:
    from journeymap.config import LintConfig

_LOAD_ONLY = {r.id for r in builtin_rules.CORE_RULES}


@dataclass(frozen=True)
class ReadOptions:
    """`lint`: the rules whose findings make the lint delta (None: no lint delta); `today` for
    date rules (tests pin it)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    lint: LintConfig | None = None
    today: datetime.date | None = None


def default_options(max_bytes: int = DEFAULT_MAX_BYTES) -> ReadOptions:
    """Lint with the default rules, as `journeymap validate` without a configuration does."""
    from journeymap.config import default_config

    return ReadOptions(max_bytes, default_config())


@dataclass
class MapSide:
    """`journey` is set when the side can be compared; `skipped` says why it is not a map at all;
    `problems` why it cannot be compared or is not valid; `findings` feed the lint delta."""

    path: str
    raw: bytes
    document: Document | None = None
    journey: Journey | None = None
    findings: list[Finding] = field(default_factory=list)
    linted: bool = False
    problems: list[Problem] = field(default_factory=list)
    skipped: str | None = None

    @property
    def map_id(self) -> str | None:
        """The map's id as written, even in a map that is otherwise broken; for pairing maps."""
        if self.document is None:
            return None
        value = self.document.data.get("id")
        return value if isinstance(value, str) and value else None


def read_side(raw: bytes, path: str, side: Side, options: ReadOptions) -> MapSide:
    """Read one side's bytes into a MapSide (never raises for bad content)."""
    result = MapSide(path, raw)
    if b"\0" in raw:
        result.skipped = "binary file, not a journey map; not compared"
        return result
    if len(raw) > options.max_bytes:
        result.problems.append(
            Problem(
                side, path, 1, 1,
                f"larger than the {options.max_bytes:,}-byte limit; not compared (see --max-bytes)",
            )
        )
        return result
    doc, load_findings = load_bytes(raw, path)
    if doc is None:
        if is_map_name(path):
            result.problems.append(_problem(side, path, load_findings, "cannot be read as a journey map"))
        else:
            result.skipped = f"not a journey map ({_first(load_findings)}); not compared"
        return result
    if "journeymap" not in doc.data and not is_map_name(path):
        result.skipped = "not a journey map (it has no `journeymap:` key); not compared"
        return result
    result.document = doc
    from journeymap.references import reference_findings
    from journeymap.schema import schema_findings

    schema_problems = schema_findings(doc)
    if schema_problems:
        result.problems.append(_problem(side, path, [*load_findings, *schema_problems], "is not a valid journey map"))
        return result
    journey = journey_from_document(doc)
    references = reference_findings(doc, journey)
    duplicates = [f for f in references if f.rule_id == builtin_rules.DUPLICATE_ID.id]
    if duplicates:
        # pairing by id would have to guess which of the two is which
        result.problems.append(_problem(side, path, duplicates, "names an id twice, so it cannot be compared by id"))
        return result
    errors = [f for f in [*load_findings, *references] if f.severity is Severity.ERROR]
    if errors:
        result.problems.append(_problem(side, path, errors, "is not valid"))
    result.journey = journey
    result.findings = [*load_findings, *references]
    if options.lint is not None and not references:
        from journeymap.lint.engine import lint_findings

        result.findings += lint_findings(doc, journey, options.lint, options.today)
        result.linted = True
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


def _problem(side: Side, path: str, findings: list[Finding], what: str) -> Problem:
    ordered = sorted(findings, key=Finding.sort_key)
    first = ordered[0]
    more = len(ordered) - 1
    tail = f" (and {more} more; `journeymap validate {one_line(path)}` lists them)" if more else ""
    return Problem(side, path, first.line, first.column, f"{what}: {short(first.message, 200)}{tail}")
