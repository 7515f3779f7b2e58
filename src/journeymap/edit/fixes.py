"""Automatic fixes: changes to a map's text that only do what its findings ask.

Each fix is safe or unsafe, as in ruff. A safe fix keeps what the map means: `journeymap fix`
applies it. An unsafe one changes what the map says, a person should look at it first: it is
applied only with `--unsafe-fixes`, and editors offer it without marking it preferred.

- an unknown reference with exactly one close id of the right kind is changed to it (safe); with
  two close ids, to the closer one (unsafe: it is a guess between two meanings);
- `yes`, `no`, `on`, `off` or a number where the format wants text is put in quotes, as written (safe);
- an id that is not a slug becomes its slug, with every reference to it, unless that is taken
  (unsafe: whatever else knows the item by its id, such as another map, a baseline or a
  measures snapshot, no longer finds it);
- a map without `last_reviewed` gets today's date after its `owner` (or `title`) (unsafe: it says
  a person reviewed the map today);
- a suppression comment that silences nothing loses the unused rule (or goes, if it was the last) (safe).

Each fix is a set of edits by position on the file's text (see `spans`), so nothing else in the
file moves. `fixed_text` applies the fixes, reads the map again, and repeats while fixes are
found: one fix can reveal the next (a map with a bad id is not linted until the id is fixed),
and a second run finds nothing left to do.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journeymap import builtin_rules
from journeymap.analysis import Analysis, State
from journeymap.config import Project
from journeymap.edit.spans import Edit, Lines, apply, disjoint, own_lines, plain_or_quoted, scalar_span, value_at
from journeymap.errors import EXIT_TOOL
from journeymap.findings import Finding
from journeymap.io.atomic import write_atomic
from journeymap.io.sources import InputError, Target, discover, read_target
from journeymap.io.workers import in_workers
from journeymap.lint.engine import SUPPRESSION
from journeymap.lint.rules.evidence import STALE_MAP
from journeymap.lint.rules.suppression import UNUSED_SUPPRESSION
from journeymap.load import Document
from journeymap.pipeline import analyse_bytes, exit_code
from journeymap.references import library_ids
from journeymap.schema import expects_text, warm_up
from journeymap.schema_values import ID_PATTERN
from journeymap.strings import slug
from journeymap.vocabulary import Kind, Occurrence, occurrences

MAX_ROUNDS = 10
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class Fix:
    """The edits that fix one finding, and what they do in words."""

    finding: Finding
    title: str
    edits: tuple[Edit, ...]
    safe: bool = True  # False: it changes what the map means; applied only when asked (--unsafe-fixes)


@dataclass
class _Context:
    doc: Document
    lines: Lines
    found: list[Occurrence]
    today: datetime.date
    # ids the map's libraries define, by kind: a reference may be corrected to one of them too
    shared: dict[Kind, set[str]]


def fixes(analysis: Analysis, today: datetime.date | None = None, text: str | None = None) -> list[Fix]:
    """A fix for each finding that has one, safe or not. `text`: the document's own text (a
    byte-order mark included), which the edits' offsets count on; by default the loaded text."""
    doc = analysis.document
    if doc is None or not any(f.rule_id in _MAKERS for f in analysis.findings):
        return []
    shared = library_ids(analysis.journey) if analysis.journey is not None else {}
    context = _Context(doc, own_lines(doc, text), occurrences(doc.data, shared), today or datetime.date.today(),
                       shared)
    out = []
    for finding in analysis.findings:
        for make in _MAKERS.get(finding.rule_id, ()):
            fix = make(finding, context)
            if fix is not None:
                out.append(fix)
                break
    return out


def _reference(finding: Finding, ctx: _Context) -> Fix | None:
    ref = next((o for o in ctx.found if o.path == finding.node and not o.definition), None)
    if ref is None:
        return None
    kinds = ref.field.kinds if ref.field is not None else (ref.kind,)
    known = sorted({o.id for o in ctx.found if o.definition and o.kind in kinds}.union(
        *(ctx.shared.get(kind, set()) for kind in kinds)))
    close = difflib.get_close_matches(ref.id, known, n=2, cutoff=0.6)
    if not close or (len(close) == 2 and _likeness(ref.id, close[0]) == _likeness(ref.id, close[1])):
        return None  # nothing close, or two as close: not even a guess
    span = scalar_span(ctx.doc, ctx.lines, ref.path)
    if span is None:
        return None
    title = f"change '{ref.id}' to '{close[0]}'" + (f" (not '{close[1]}')" if len(close) == 2 else "")
    return Fix(finding, title, (Edit(*span, plain_or_quoted(close[0])),), safe=len(close) == 1)


def _likeness(a: str, b: str) -> float:
    """difflib's score, as get_close_matches ranks by."""
    return difflib.SequenceMatcher(None, a, b).ratio()


def _quote(finding: Finding, ctx: _Context) -> Fix | None:
    value = value_at(ctx.doc.data, finding.node)
    if not finding.node or value is None or isinstance(value, dict | list | str) or not expects_text(finding.node):
        return None
    span = scalar_span(ctx.doc, ctx.lines, finding.node)
    if span is None:
        return None
    written = ctx.lines.text[span[0]:span[1]]
    return Fix(finding, f"quote {written} to keep it as text", (Edit(*span, f'"{written}"'),))


def _slug_id(finding: Finding, ctx: _Context) -> Fix | None:
    node = finding.node
    old = value_at(ctx.doc.data, node)
    if not node or node[-1] != "id" or not isinstance(old, str) or _ID.match(old):
        return None
    new = slug(old)
    if not new:
        return None
    if node == ("id",):  # the map's own id: nothing refers to it
        span = scalar_span(ctx.doc, ctx.lines, node)
        return Fix(finding, f"change the id '{old}' to '{new}'", (Edit(*span, new),), safe=False) if span else None
    defined = next((o for o in ctx.found if o.path == node and o.definition), None)
    if defined is None:
        return None
    same_kind = [o for o in ctx.found if o.kind == defined.kind]
    if any(o.definition and o.id == new for o in same_kind) or sum(o.definition and o.id == old for o in same_kind) > 1:
        return None  # the slug is taken, or two share the bad id: which references mean which?
    edits = []
    for occurrence in same_kind:
        if occurrence.id == old:
            span = scalar_span(ctx.doc, ctx.lines, occurrence.path)
            if span is None:
                return None  # a reference we cannot edit would be left broken
            edits.append(Edit(*span, new))
    return Fix(finding, f"change the {defined.kind.name} id '{old}' to '{new}' and its references", tuple(edits),
               safe=False)


def _last_reviewed(finding: Finding, ctx: _Context) -> Fix | None:
    data = ctx.doc.data
    if "last_reviewed" in data:
        return None  # the map is stale, not undated: only a person can say it was reviewed
    anchor = "owner" if "owner" in data else "title"
    key_pos = ctx.doc.key_positions.get((anchor,))
    span = scalar_span(ctx.doc, ctx.lines, (anchor,))
    if key_pos is None or key_pos[1] != 1 or span is None:
        return None
    text = ctx.lines.text
    line_end = text.find("\n", span[1])
    newline = "\r\n" if line_end > 0 and text[line_end - 1] == "\r" else "\n"
    line = f"last_reviewed: {ctx.today.isoformat()}"
    if line_end < 0:
        edit = Edit(len(text), len(text), newline + line + newline)
    else:
        edit = Edit(line_end + 1, line_end + 1, line + newline)
    return Fix(finding, f"add `{line}` (the date of this fix)", (edit,), safe=False)


def _unused_suppression(finding: Finding, ctx: _Context) -> Fix | None:
    line = ctx.lines.line_text(finding.line)
    match = SUPPRESSION.match(line, finding.column - 1)
    if match is None:
        return None
    names = [part.strip() for part in match.group(2).split(",") if part.strip()]
    unused = [name for name in names if f"'{name}'" in finding.message]
    if len(unused) != 1:
        return None
    kept = [name for name in names if name != unused[0]]
    start_of_line = ctx.lines.offset(finding.line, 1)
    if kept:
        edit = Edit(start_of_line + match.start(2), start_of_line + match.end(2), ", ".join(kept))
        return Fix(finding, f"remove '{unused[0]}' from the suppression comment", (edit,))
    start = len(line[: match.start()].rstrip(" \t"))
    end = match.end()
    if not line[:start].strip() and not line[end:].strip():  # a line of its own: remove the line
        line_end = start_of_line + len(ctx.lines.line_text(finding.line))
        after = ctx.lines.text.find("\n", line_end)
        edit = Edit(start_of_line, after + 1 if after >= 0 else line_end, "")
    else:
        edit = Edit(start_of_line + start, start_of_line + end, "")
    return Fix(finding, f"remove the unused suppression of '{unused[0]}'", (edit,))


_Maker = Callable[[Finding, _Context], "Fix | None"]
_MAKERS: dict[str, tuple[_Maker, ...]] = {
    builtin_rules.UNKNOWN_REFERENCE.id: (_reference,),
    builtin_rules.SCHEMA.id: (_quote, _slug_id),
    STALE_MAP.info.id: (_last_reviewed,),
    UNUSED_SUPPRESSION.id: (_unused_suppression,),
}


@dataclass
class Fixed:
    """One file before and after its fixes; `analysis` is of the fixed text."""

    path: str
    before: str
    after: str
    applied: list[str] = field(default_factory=list)
    analysis: Analysis | None = None
    problem: str = ""
    held_back: list[str] = field(default_factory=list)  # the unsafe fixes left, when not asked for

    @property
    def changed(self) -> bool:
        return self.before != self.after


def fixed_text(raw: bytes, path: str, project: Project, unsafe: bool = False) -> Fixed:
    """The file's text with every safe fix applied (and the unsafe ones with `unsafe`), round after
    round until none is left."""
    analysis = analyse_bytes(raw, path, project)
    if analysis.document is None:
        return Fixed(path, "", "", analysis=analysis)
    before = text = own_lines(analysis.document, raw.decode("utf-8")).text
    applied: list[str] = []
    for _ in range(MAX_ROUNDS):
        found = [fix for fix in fixes(analysis, project.today, text) if fix.safe or unsafe]
        chosen = disjoint([fix.edits for fix in found])
        if not chosen:
            break
        applied += [fix.title for fix in found if fix.edits in chosen]
        text = apply(text, [edit for group in chosen for edit in group])
        analysis = analyse_bytes(text.encode("utf-8"), path, project)
        if analysis.document is None:  # never expected: a fix broke the YAML; keep the file as it was
            return Fixed(path, before, before, [], analyse_bytes(raw, path, project),
                         "a fix would have broken the file; nothing changed")
    held_back = [fix.title for fix in fixes(analysis, project.today) if not fix.safe and not unsafe]
    return Fixed(path, before, text, applied, analysis, held_back=held_back)


def encoded(fixed: Fixed, raw: bytes) -> bytes:
    """The fixed text as the file's bytes: UTF-8, with the byte-order mark it had (part of the text)."""
    return fixed.after.encode("utf-8")


@dataclass
class FixRun:
    problems: list[str]
    files: list[Fixed]
    strict: bool = False

    @property
    def held_back(self) -> int:
        """How many unsafe fixes were left (as many as the last round could see)."""
        return sum(len(f.held_back) for f in self.files)

    @property
    def exit_code(self) -> int:
        """As `validate` would exit on the fixed files."""

        if self.problems or any(f.problem for f in self.files):
            return EXIT_TOOL
        return exit_code([f.analysis for f in self.files if f.analysis is not None], self.strict)


def fix_paths(
    paths: Sequence[str], project: Project, write: bool, jobs: int | None = None, unsafe: bool = False
) -> FixRun:
    """Fix every map the paths name (as `validate` finds them); write the changed ones atomically
    when `write`. Only safe fixes, unless `unsafe`."""


    found = discover(paths, project.excludes)
    for target in found.targets:
        project.for_file(target.path)  # a broken configuration stops the run here, not in a worker
    jobs = jobs or os.cpu_count() or 1
    work = _FixOne(project, write, unsafe)
    if jobs <= 1 or len(found.targets) < 16 or any(t.is_stdin for t in found.targets):
        files = [work(t) for t in found.targets]
    else:
        warm_up()
        chunk = max(1, min(64, len(found.targets) // (jobs * 4)))
        files = list(in_workers(work, found.targets, jobs, chunksize=chunk))
    return FixRun(found.problems, files, project.strict)


@dataclass(frozen=True)
class _FixOne:
    """Fix one target (a picklable callable, for worker processes)."""

    project: Project
    write: bool
    unsafe: bool = False

    def __call__(self, target: Target) -> Fixed:
        try:
            raw = read_target(target, self.project.max_bytes)
        except InputError as exc:
            unreadable = Analysis(target.path, State.UNREADABLE, problem=str(exc))
            return Fixed(target.path, "", "", analysis=unreadable, problem=str(exc))
        result = fixed_text(raw, target.path, self.project.for_file(target.path), self.unsafe)
        if self.write and result.changed and not target.is_stdin:
            if os.path.islink(target.path):
                result.problem = f"{target.path} is a symbolic link; fix the file it points to"
                result.after = result.before
                return result
            write_atomic(Path(target.path), encoded(result, raw))
        if result.analysis is not None:
            result.analysis = result.analysis.slim()
        return result

