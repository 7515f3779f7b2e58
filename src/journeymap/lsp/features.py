"""What the server answers, computed from one snapshot of an open map: diagnostics, completion,
definitions, references, rename edits, hover text, code actions and the outline.

Everything here is about one file's text and its analysis by the pipeline; the server decides
when to analyse and how to talk to the editor.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journeymap.analysis import Analysis
from journeymap.builtin_rules import CORE_RULES
from journeymap.edit.fixes import fixes
from journeymap.edit.rename import RenameProblem, rename_edits
from journeymap.edit.spans import Lines, key_span, scalar_span, token_span, value_at
from journeymap.findings import Finding, Severity
from journeymap.libraries import Library
from journeymap.lint.engine import SUPPRESSION
from journeymap.lint.registry import find_rule
from journeymap.load import Document, Path_
from journeymap.lsp.positions import Converter
from journeymap.lsp.rpc import REQUEST_FAILED, RpcError
from journeymap.schema import node_at
from journeymap.strings import one_line
from journeymap.vocabulary import FIELDS, Kind, Occurrence, field_by_keys, occurrences

_SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}
_CORE_IDS = {rule.id for rule in CORE_RULES}
# completion kinds and symbol kinds, as the protocol numbers them
_REFERENCE_ITEM, _ENUM_ITEM = 18, 20
_NAMESPACE, _FIELD, _CLASS, _EVENT = 3, 8, 5, 24


@dataclass
class MapVersion:
    """An open map at one version: its text, the pipeline's analysis, and the last document that
    parsed (this one's, or an earlier version's while the YAML is broken mid-edit)."""

    uri: str
    text: str
    version: int
    analysis: Analysis
    good: Document | None
    lines: Lines
    convert: Converter
    # the usable libraries the map uses (`use:`), directly or not: their ids count as the map's
    libraries: tuple[Library, ...] = ()

    @property
    def doc(self) -> Document | None:
        return self.analysis.document

    def shown(self, library: Library) -> str:
        """A library's path as the map's `use:` would write it: relative to the map's folder."""
        return one_line(os.path.relpath(library.path, os.path.dirname(self.analysis.path) or "."))

    def library_definition(self, kind: Kind, id_: str) -> tuple[Library, Occurrence] | None:
        """Where a library the map uses defines this id, when the map does not define it itself."""
        for library in self.libraries:
            if library.document is None:
                continue
            for o in occurrences(library.document.data):
                if o.definition and o.kind is kind and o.id == id_:
                    return library, o
        return None


# --- diagnostics


def diagnostics(snap: MapVersion) -> list[dict[str, Any]]:
    return [diagnostic(snap, f) for f in snap.analysis.findings]


def diagnostic(snap: MapVersion, finding: Finding) -> dict[str, Any]:
    start, end = finding_span(snap.doc, snap.lines, finding)
    return {
        "range": snap.convert.range(start, end),
        "severity": _SEVERITY[finding.severity],
        "code": finding.rule_id,
        "source": "journeymap",
        "message": finding.message,
        "data": {"rule": finding.rule_name},
    }


def finding_span(doc: Document | None, lines: Lines, finding: Finding) -> tuple[int, int]:
    """The text a finding is about: its scalar or key when it points at one, else the word there."""
    where = (finding.line, finding.column)
    if doc is not None and finding.node:
        span = None
        if doc.key_positions.get(finding.node) == where:
            span = key_span(doc, lines, finding.node)
        elif doc.positions.get(finding.node) == where:
            span = scalar_span(doc, lines, finding.node)
        if span is not None:
            return span
    return token_span(lines, finding.line, finding.column)


# --- completion

# what an editor is typing: `key: word`, `key: [a, word`, or `- word` in a block list
_SCALAR_FIELD = re.compile(r"(?:^|[\s{,])(?P<key>[A-Za-z_]+):\s*(?P<word>[^\s,\[\]{}]*)$")
_FLOW_LIST = re.compile(r"(?:^|[\s{,])(?P<key>[A-Za-z_]+):\s*\[(?:[^\]]*,)?\s*(?P<word>[^\s,\[\]]*)$")
_BLOCK_ITEM = re.compile(r"^(?P<indent>\s*)-\s+(?P<word>[^\s,\[\]{}:#]*)$")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[A-Za-z_]+):\s*(?:#.*)?$")
_KEY_BEFORE = re.compile(r"(?P<key>[A-Za-z_]+):\s*$")
_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_]+):")
_ENUM_PATHS: dict[str, Path_] = {
    "phase": ("stages", 0, "phase"),
    "severity": ("stages", 0, "touchpoints", 0, "pain_points", 0, "severity"),
    "status": ("opportunities", 0, "status"),
}


def completion(snap: MapVersion, offset: int) -> list[dict[str, Any]]:
    """Ids where a reference is expected, allowed values where the format has a list of them."""
    line = snap.lines.position(offset)[0]
    prefix = snap.lines.text[snap.lines.starts[line - 1]:offset]
    keys, word = _keys_at(snap.lines, line, prefix)
    if not keys:
        return []
    replace = snap.convert.range(offset - len(word), offset)
    field = field_by_keys(keys)
    if field is not None:
        return _id_items(snap, field.kinds, replace)
    if keys[-1] not in (*_ENUM_PATHS, "kind"):
        return []
    path = _ENUM_PATHS.get(keys[-1]) or (_section_above(snap.lines, line), 0, "kind")
    return [_item(str(v), _ENUM_ITEM, keys[-1], replace) for v in node_at(path).get("enum", [])]


def _id_items(snap: MapVersion, kinds: tuple[Kind, ...], replace: dict[str, Any]) -> list[dict[str, Any]]:
    """The ids of these kinds the map and its libraries define (ids of other maps are not known here)."""
    doc = snap.good
    seen: set[str] = set()
    items = []
    for kind in kinds:
        for o in occurrences(doc.data if doc else None):
            if o.definition and o.kind is kind and not kind.across_maps and o.id not in seen:
                seen.add(o.id)
                entity = value_at(doc.data, o.owner) if doc else None
                items.append(_item(o.id, _REFERENCE_ITEM, f"{kind.name}: {_name_of(entity)}", replace))
        for library in snap.libraries:
            data = library.document.data if library.document is not None else None
            for o in occurrences(data):
                if o.definition and o.kind is kind and kind.in_libraries and o.id not in seen:
                    seen.add(o.id)
                    detail = f"{kind.name}: {_name_of(value_at(data, o.owner))} (from {snap.shown(library)})"
                    items.append(_item(o.id, _REFERENCE_ITEM, detail, replace))
    return items


def _item(label: str, kind: int, detail: str, replace: dict[str, Any]) -> dict[str, Any]:
    return {"label": label, "kind": kind, "detail": detail, "textEdit": {"range": replace, "newText": label}}


def _keys_at(lines: Lines, line: int, prefix: str) -> tuple[tuple[str, ...], str]:
    """The keys leading to the value being typed (outermost first, as far as the text shows them),
    and the word typed so far; no keys when the cursor is not at a value."""
    indent = len(prefix) - len(prefix.lstrip())
    for pattern in (_SCALAR_FIELD, _FLOW_LIST):
        match = pattern.search(prefix)
        if match:
            inner = (*_flow_keys(prefix[:match.start("key")]), match.group("key"))
            above = indent + 1 if prefix.lstrip().startswith("- ") else indent
            return (*_keys_above(lines, line, above), *inner), match.group("word")
    item = _BLOCK_ITEM.match(prefix)
    if item:
        return _keys_above(lines, line, len(item.group("indent")) + 1), item.group("word")
    return (), ""


def _flow_keys(text: str) -> list[str]:
    """The keys of the flow collections still open in `text` (`measure: {conversion: {from: `)."""
    stack: list[str | None] = []
    for at, char in enumerate(text):
        if char in "{[":
            match = _KEY_BEFORE.search(text, 0, at)
            stack.append(match.group("key") if match else None)
        elif char in "}]" and stack:
            stack.pop()
    return [key for key in stack if key]


def _keys_above(lines: Lines, line: int, indent: int) -> tuple[str, ...]:
    """The block keys a line at this indent is nested in, read upwards by indentation."""
    keys: list[str] = []
    for number in range(line - 1, max(0, line - 2000), -1):
        text = lines.line_text(number)
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        own = len(text) - len(text.lstrip())
        if own >= indent:
            continue  # a sibling, or inside one
        match = _KEY_LINE.match(text)
        if match:
            keys.append(match.group("key"))
        elif not stripped.startswith("- "):
            break  # not a block key nor a list item: the text is not what we can read
        indent = own
        if own == 0:
            break
    return tuple(reversed(keys))


def _section_above(lines: Lines, line: int) -> str:
    for number in range(line, 0, -1):
        match = _TOP_KEY.match(lines.line_text(number))
        if match:
            return match.group("key")
    return ""


# --- ids: definition, references, rename


def occurrence_at(doc: Document, lines: Lines, offset: int) -> tuple[Occurrence, tuple[int, int]] | None:
    line = lines.position(offset)[0]
    for o in occurrences(doc.data):
        if doc.positions.get(o.path, (0, 0))[0] != line:
            continue  # spans are read off the text only for the ids on the cursor's line
        span = scalar_span(doc, lines, o.path)
        if span is not None and span[0] <= offset <= span[1]:
            return o, span
    return None


def _spans_of(
    doc: Document, lines: Lines, target: Occurrence, definitions: bool, uses: bool
) -> Iterator[tuple[int, int]]:
    for o in occurrences(doc.data):
        if o.kind is target.kind and o.id == target.id and (definitions if o.definition else uses):
            span = scalar_span(doc, lines, o.path)
            if span is not None:
                yield span


def definition(snap: MapVersion, offset: int) -> list[dict[str, Any]]:
    found = _at(snap, offset)
    if found is None:
        return []
    here = [_location(snap, span) for span in _spans_of(_doc(snap), snap.lines, found, True, False)]
    if here:
        return here
    shared = snap.library_definition(found.kind, found.id)
    if shared is None or shared[0].document is None:
        return []
    library, o = shared
    library_doc = shared[0].document
    lines = Lines(library_doc.text)
    span = scalar_span(library_doc, lines, o.path)
    if span is None:
        return []
    return [{"uri": Path(library.key).as_uri(), "range": Converter(lines, snap.convert.encoding).range(*span)}]


def references(snap: MapVersion, offset: int, include_declaration: bool) -> list[dict[str, Any]]:
    found = _at(snap, offset)
    if found is None:
        return []
    return [_location(snap, s) for s in _spans_of(_doc(snap), snap.lines, found, include_declaration, True)]


def prepare_rename(snap: MapVersion, offset: int) -> dict[str, Any]:
    doc = _doc(snap)
    found = occurrence_at(doc, snap.lines, offset)
    if found is None:
        raise RpcError(REQUEST_FAILED, "put the cursor on an id (or a reference to one) to rename it")
    return {"range": snap.convert.range(*found[1]), "placeholder": found[0].id}


def rename(snap: MapVersion, offset: int, new: str) -> dict[str, Any]:
    doc = _doc(snap)
    found = occurrence_at(doc, snap.lines, offset)
    if found is None:
        raise RpcError(REQUEST_FAILED, "put the cursor on an id (or a reference to one) to rename it")
    _refuse_library_id(snap, doc, found[0])
    try:
        renaming = rename_edits(doc, found[0].id, new, found[0].kind, text=snap.text)
    except RenameProblem as exc:
        raise RpcError(REQUEST_FAILED, str(exc)) from None
    edits = [{"range": snap.convert.range(e.start, e.end), "newText": e.text} for e in renaming.edits]
    return {"changes": {snap.uri: edits}}


def _refuse_library_id(snap: MapVersion, doc: Document, o: Occurrence) -> None:
    """An id a library defines is shared by other maps: renaming it in one map would break it."""
    if any(d.definition and d.kind is o.kind and d.id == o.id for d in occurrences(doc.data)):
        return
    shared = snap.library_definition(o.kind, o.id)
    if shared is not None:
        raise RpcError(REQUEST_FAILED, f"{o.kind.name} '{one_line(o.id)}' is defined in library "
                                       f"{snap.shown(shared[0])}, which other maps may use; rename it there and in "
                                       "every map that uses it")


def _at(snap: MapVersion, offset: int) -> Occurrence | None:
    found = occurrence_at(_doc(snap), snap.lines, offset)
    return found[0] if found else None


def _doc(snap: MapVersion) -> Document:
    if snap.doc is None:
        raise RpcError(REQUEST_FAILED, "the map cannot be read as it stands (see its first error); fix that first")
    return snap.doc


def _location(snap: MapVersion, span: tuple[int, int]) -> dict[str, Any]:
    return {"uri": snap.uri, "range": snap.convert.range(*span)}


# --- hover


def hover(snap: MapVersion, offset: int) -> dict[str, Any] | None:
    """A finding's rule (why and how to fix), the entity a reference names, or a field's description."""

    parts: list[str] = []
    span: tuple[int, int] | None = None
    for finding in snap.analysis.findings:
        start, end = finding_span(snap.doc, snap.lines, finding)
        if start <= offset <= end:
            rule = find_rule(finding.rule_id)
            parts.append(f"**{finding.rule_id} {finding.rule_name}** ({finding.severity.value}): {md(finding.message)}")
            if rule is not None:
                parts.append(f"*Why:* {md(rule.rationale)}\n\n*Fix:* {md(rule.fix)}")
            span = span or (start, end)
    doc = snap.doc
    if doc is not None:
        found = occurrence_at(doc, snap.lines, offset)
        if found is not None:
            parts.append(_entity_text(doc, found[0], snap))
            span = span or found[1]
        else:
            field = _key_at(doc, snap.lines, offset)
            if field is not None:
                parts.append(_field_text(field[0]))
                span = span or field[1]
    if not parts:
        return None
    result: dict[str, Any] = {"contents": {"kind": "markdown", "value": "\n\n---\n\n".join(parts)}}
    if span is not None:
        result["range"] = snap.convert.range(*span)
    return result


def _entity_text(doc: Document, o: Occurrence, snap: MapVersion) -> str:
    defined = next((d for d in occurrences(doc.data) if d.definition and d.kind is o.kind and d.id == o.id), None)
    shared = snap.library_definition(o.kind, o.id) if defined is None else None
    if defined is not None:
        entity = value_at(doc.data, defined.owner)
        where = f"line {doc.position(defined.path)[0]}"
    elif shared is not None and shared[0].document is not None:
        library, defined = shared
        library_doc = shared[0].document
        entity = value_at(library_doc.data, defined.owner)
        where = f"{code(snap.shown(library))}, line {library_doc.position(defined.path)[0]}"
    else:
        return f"**{o.kind.name}** {code(o.id)}: not defined in this map or the libraries it uses"
    lines = [f"**{o.kind.name}** {code(o.id)}: {md(_name_of(entity))} ({where})"]
    if isinstance(entity, dict):
        for key in ("kind", "phase", "severity", "status", "goal", "description"):
            if isinstance(entity.get(key), str | int | float) and not isinstance(entity.get(key), bool):
                lines.append(f"{key}: {md(entity[key])}")
    uses = sum(1 for r in occurrences(doc.data) if not r.definition and r.kind is o.kind and r.id == o.id)
    if any(o.kind in field.kinds for field in FIELDS):
        lines.append(f"named by {uses} reference{'s' if uses != 1 else ''}")
    return "\n\n".join(lines)


def _name_of(entity: Any) -> str:
    if isinstance(entity, dict):
        for key in ("name", "title", "description"):
            if isinstance(entity.get(key), str):
                return one_line(entity[key])[:120]
    return ""


def _key_at(doc: Document, lines: Lines, offset: int) -> tuple[Path_, tuple[int, int]] | None:
    line = lines.position(offset)[0]
    for path, pos in doc.key_positions.items():
        if pos[0] != line:
            continue
        span = key_span(doc, lines, path)
        if span is not None and span[0] <= offset <= span[1]:
            return path, span
    return None


def _field_text(path: Path_) -> str:
    node = node_at(path)
    if not node:
        return f"`{md(path[-1])}` is not part of the journey map format"
    text = f"**{md(node.get('title', path[-1]))}**"
    if node.get("description"):
        text += f": {md(node['description'])}"
    if node.get("enum"):
        text += "\n\nOne of: " + ", ".join(f"`{v}`" for v in node["enum"])
    return text


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def code(text: object) -> str:
    """Map text as a Markdown code span, where nothing is interpreted (a backtick would end it)."""
    return "`" + one_line(text).replace("`", "'") + "`"


def md(text: object) -> str:
    """Map text for a Markdown hover: one line, every character Markdown or HTML would act on escaped."""
    return _MARKDOWN.sub(r"\\\1", one_line(text))


# --- code actions


def code_actions(snap: MapVersion, start: int, end: int, today: datetime.date | None) -> list[dict[str, Any]]:
    """The fixes of the findings in the range, and 'suppress this rule on this line' for lint findings.
    A safe fix is the preferred action (an editor's "fix all" applies it); an unsafe one, which changes
    what the map means, is offered too, marked as such in its title and never preferred."""
    actions = []
    wanted = [f for f in snap.analysis.findings if _overlaps(finding_span(snap.doc, snap.lines, f), start, end)]
    if not wanted:
        return []
    for fix in fixes(snap.analysis, today, snap.text):
        if fix.finding in wanted:
            edits = [{"range": snap.convert.range(e.start, e.end), "newText": e.text} for e in fix.edits]
            actions.append({
                "title": f"Fix: {fix.title}" if fix.safe else f"Fix (unsafe, changes the meaning): {fix.title}",
                "kind": "quickfix", "isPreferred": fix.safe,
                "diagnostics": [diagnostic(snap, fix.finding)], "edit": {"changes": {snap.uri: edits}},
            })
    for finding in wanted:
        if finding.rule_id in _CORE_IDS or finding.rule_id == "JM900":
            continue  # only lint rules can be suppressed; an unused suppression is fixed, not suppressed
        actions.append({
            "title": f"Suppress {finding.rule_name} on this line", "kind": "quickfix",
            "diagnostics": [diagnostic(snap, finding)],
            "edit": {"changes": {snap.uri: [_suppression_edit(snap, finding)]}},
        })
    return actions


def _overlaps(span: tuple[int, int], start: int, end: int) -> bool:
    return span[0] <= end and start <= span[1]


def _suppression_edit(snap: MapVersion, finding: Finding) -> dict[str, Any]:
    text = snap.lines.line_text(finding.line)
    line_start = snap.lines.starts[finding.line - 1]
    existing = next((m for m in SUPPRESSION.finditer(text) if m.group(1) == "ignore"), None)
    if existing is not None:
        at = line_start + existing.end(2)
        new = f", {finding.rule_name}" if existing.group(2).strip() else finding.rule_name
        return {"range": snap.convert.range(at, at), "newText": new}
    at = line_start + len(text.rstrip())
    return {"range": snap.convert.range(at, at), "newText": f"  # journeymap: ignore[{finding.rule_name}]"}


# --- outline


def symbols(snap: MapVersion) -> list[dict[str, Any]]:
    """Stages with their touchpoints and pain points, then the opportunities."""
    doc = snap.doc or snap.good
    if doc is None or (doc is not snap.doc and doc.text != snap.text):
        return []  # positions of another version would point at the wrong lines
    data = doc.data
    out = []
    stages = data.get("stages")
    if isinstance(stages, list):
        out += _symbols(snap, doc, ("stages",), _NAMESPACE, _section_end(doc, snap.lines, "stages"))
    if isinstance(data.get("opportunities"), list):
        out += _symbols(snap, doc, ("opportunities",), _CLASS, _section_end(doc, snap.lines, "opportunities"))
    return out


_CHILDREN: dict[str, tuple[str, int]] = {"stages": ("touchpoints", _EVENT), "touchpoints": ("pain_points", _FIELD)}


def _symbols(snap: MapVersion, doc: Document, path: Path_, kind: int, end_line: int) -> list[dict[str, Any]]:
    items = value_at(doc.data, path)
    if not isinstance(items, list):
        return []
    starts = [doc.positions.get((*path, i)) for i in range(len(items))]
    out = []
    for i, item in enumerate(items):
        start = starts[i]
        if start is None or not isinstance(item, dict):
            continue
        later = [s[0] - 1 for s in starts[i + 1:] if s is not None]
        last = max(start[0], later[0] if later else end_line)
        first = snap.lines.offset(*start)
        whole = snap.convert.range(first, snap.lines.offset(last, 1) + len(snap.lines.line_text(last)))
        id_span = scalar_span(doc, snap.lines, (*path, i, "id"))
        symbol: dict[str, Any] = {
            "name": _name_of(item) or str(item.get("id", "?")),
            "detail": str(item.get("id", "")),
            "kind": kind,
            "range": whole,
            "selectionRange": snap.convert.range(*id_span) if id_span else snap.convert.range(first, first),
        }
        child = _CHILDREN.get(str(path[-1]))
        if child is not None:
            symbol["children"] = _symbols(snap, doc, (*path, i, child[0]), child[1], last)
        out.append(symbol)
    return out


def _section_end(doc: Document, lines: Lines, key: str) -> int:
    """The last line of a top-level section: the line before the next top-level key, or the file's end."""
    here = doc.key_positions.get((key,), (1, 1))[0]
    after = sorted(pos[0] for path, pos in doc.key_positions.items() if len(path) == 1 and pos[0] > here)
    last = (after[0] - 1) if after else lines.count
    while last > here and not lines.line_text(last).strip():
        last -= 1
    return last
