"""Where a node is written in a map's text, and edits made by position.

The loader records where every node starts; a scalar's end is read off the text here, only
for the few nodes an edit or an editor needs (recording every end in the loader would slow
`validate` for nothing). A span is returned only when re-reading its text as YAML gives the
loaded value back, so an edit never lands on text we misjudged.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import Any

import yaml

from journeymap.load import Document, Path_, reads_as_text

_FLOW_END = ",]}"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] (character offsets) with `text`."""

    start: int
    end: int
    text: str


BOM = "\ufeff"


class Lines:
    """Character offsets of a text's lines, to turn 1-based (line, column) into offsets and back.

    `text` is the document's own text, as the file or the editor holds it: a byte-order mark and
    CRLF line ends included, so offsets (and so edits) count every character the editor counts.
    The loader reads past a byte-order mark, so its first line starts after it (`starts[0]` is 1).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [1 if text.startswith(BOM) else 0]
        at = text.find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def offset(self, line: int, column: int) -> int:
        line = min(max(line, 1), len(self.starts))
        return min(self.starts[line - 1] + column - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        index = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return index + 1, max(offset - self.starts[index], 0) + 1

    def begin(self, line: int) -> int:
        """Where the line begins in the text, a byte-order mark before the first line included
        (what an editor counts its columns from)."""
        return 0 if line <= 1 else self.starts[min(line, len(self.starts)) - 1]

    def line_text(self, line: int) -> str:
        """The line without its line break ('' past the end)."""
        if not 1 <= line <= len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def count(self) -> int:
        return len(self.starts)


def own_lines(doc: Document, text: str | None = None) -> Lines:
    """Lines of the document's own text: `text` as the file or the editor holds it (the loaded
    text with a byte-order mark before it), else the loaded text itself."""
    if text is not None and text.startswith(BOM) and text[1:] == doc.text:
        return Lines(text)
    return Lines(doc.text)


def value_at(data: Any, path: Path_) -> Any:
    """The value at `path` in loaded data, or None when the path leads nowhere."""
    node = data
    for part in path:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            continue
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            continue
        return None
    return node


def scalar_span(doc: Document, lines: Lines, path: Path_) -> tuple[int, int] | None:
    """Offsets of the scalar value at `path` as written (quotes included), or None when it is
    not a one-line scalar written there (a merged value, a block scalar, a collection)."""
    pos = doc.positions.get(path)
    if pos is None:
        return None
    value = value_at(doc.data, path)
    if isinstance(value, dict | list):
        return None
    in_flow = _in_flow(doc, lines, path)
    return _checked_span(lines, lines.offset(*pos), value, in_flow)


def key_span(doc: Document, lines: Lines, path: Path_) -> tuple[int, int] | None:
    """Offsets of the key of `path` as written."""
    pos = doc.key_positions.get(path)
    if pos is None or not path:
        return None
    in_flow = _in_flow(doc, lines, path)
    return _checked_span(lines, lines.offset(*pos), path[-1], in_flow, key=True)


def token_span(lines: Lines, line: int, column: int) -> tuple[int, int]:
    """The run of non-space text starting at (line, column), at least one character: a range
    for findings that are not about one scalar (a syntax error, a mapping)."""
    start = lines.offset(line, column)
    text = lines.line_text(line)
    col = column - 1
    end = col
    while end < len(text) and not text[end].isspace():
        end += 1
    if end == col:
        end = min(col + 1, max(len(text), col))
    return start, start + max(end - col, 0)


def _in_flow(doc: Document, lines: Lines, path: Path_) -> bool:
    """Whether the node stands inside a flow collection (`[a, b]`, `{id: x}`)."""
    for depth in range(len(path) - 1, -1, -1):
        pos = doc.positions.get(path[:depth])
        if pos is None:
            continue
        at = lines.offset(*pos)
        if at < len(lines.text) and lines.text[at] in "[{":
            return True
        if isinstance(value_at(doc.data, path[:depth]), dict | list):
            # the nearest collection is in block style; a flow one cannot hold it
            return False
    return False


def _checked_span(lines: Lines, start: int, value: Any, in_flow: bool, key: bool = False) -> tuple[int, int] | None:
    text = lines.text
    if start >= len(text):
        return None
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    first = text[start]
    if first == '"':
        end = _closing_double(text, start, line_end)
    elif first == "'":
        end = _closing_single(text, start, line_end)
    elif first in "|>&*!":
        return None
    else:
        end = _plain_end(text, start, line_end, in_flow, key)
    if end is None or end <= start:
        return None
    written = text[start:end]
    # plain text that reads as itself: the common case, checked without a YAML parser
    if first not in "\"'" and written == value and isinstance(value, str) and not key and reads_as_text(written):
        return start, end
    try:
        reread = yaml.safe_load(("{" + written + ": 0}") if key else written)
    except yaml.YAMLError:
        return None
    if key:
        reread = next(iter(reread)) if isinstance(reread, dict) and reread else None
        value = str(value)
        reread = str(reread) if reread is not None else None
    if not _same(reread, value):
        return None
    return start, end


def _same(reread: Any, value: Any) -> bool:
    # our loader keeps dates as ISO text where PyYAML makes date objects
    if hasattr(reread, "isoformat") and isinstance(value, str):
        return bool(reread.isoformat() == value)
    return bool(reread == value and type(reread) is type(value))


def _closing_double(text: str, start: int, line_end: int) -> int | None:
    at = start + 1
    while at < line_end:
        if text[at] == "\\":
            at += 2
            continue
        if text[at] == '"':
            return at + 1
        at += 1
    return None


def _closing_single(text: str, start: int, line_end: int) -> int | None:
    at = start + 1
    while at < line_end:
        if text[at] == "'":
            if at + 1 < line_end and text[at + 1] == "'":
                at += 2
                continue
            return at + 1
        at += 1
    return None


def _plain_end(text: str, start: int, line_end: int, in_flow: bool, key: bool) -> int:
    at = start
    while at < line_end:
        char = text[at]
        if char == "#" and at > start and text[at - 1] in " \t":
            break
        if in_flow and char in _FLOW_END:
            break
        if (key or in_flow) and char == ":" and (at + 1 >= line_end or text[at + 1] in " \t,]}"):
            break
        at += 1
    while at > start and text[at - 1] in " \t\r":
        at -= 1
    return at


def apply(text: str, edits: list[Edit]) -> str:
    """The text with every edit made; edits must not overlap."""
    out = []
    at = 0
    for edit in sorted(edits):
        out.append(text[at:edit.start])
        out.append(edit.text)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def disjoint(groups: list[tuple[Edit, ...]]) -> list[tuple[Edit, ...]]:
    """The groups whose edits overlap no earlier group's (the rest wait for another round)."""
    taken: list[tuple[int, int]] = []
    kept = []
    for group in groups:
        if any((e.start < end and start < e.end) or (e.start == e.end == start) for e in group for start, end in taken):
            continue
        taken += [(e.start, e.end) for e in group]
        kept.append(group)
    return kept


def plain_or_quoted(text: str) -> str:
    """How to write `text` as a YAML scalar: plain when it reads back as the same text, else
    double-quoted."""
    try:
        if text and yaml.safe_load(text) == text and text.strip() == text and "#" not in text and ":" not in text:
            return text
    except yaml.YAMLError:
        pass

    return json.dumps(text, ensure_ascii=False)
