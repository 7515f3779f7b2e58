"""YAML bytes -> plain data plus the line and column of every node.

The data is built in one pass over libyaml's parser events rather than with
`yaml.load` or `yaml.compose`: the events carry positions, the pass is about
twice as fast as `load` (see `make bench`), and it lets us stop hostile input
early and without recursion:

* nesting deeper than MAX_DEPTH is refused before libyaml's own recursive code
  could overflow the C stack (it segfaults near 25,000 levels);
* aliases share the anchored value instead of copying it, and the values an
  alias stands for are counted, so an "alias bomb" is refused in milliseconds;
* only the standard scalar and collection tags are accepted, so `!!python/...`
  is a finding, never a call;
* duplicate keys are reported instead of silently keeping the last one.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events as ev
from yaml.nodes import ScalarNode

from journeymap import builtin_rules
from journeymap.findings import Finding, NodePath, RuleInfo
from journeymap.strings import one_line as _one_line
from journeymap.strings import short as _short

try:  # the C parser is ten times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 64
MAX_ALIASED_VALUES = 100_000

Path_ = NodePath
Pos = tuple[int, int]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP}

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
# the first characters of every implicit type (bool, int, float, null, timestamp, merge, ...); most
# map text starts with another one and is known to be text without trying the resolver's patterns
_RESOLVED_FIRST = frozenset(key for key in _resolver.yaml_implicit_resolvers if key)
if None in _resolver.yaml_implicit_resolvers:  # pragma: no cover - PyYAML has no wildcard resolvers
    _RESOLVED_FIRST = frozenset(map(chr, range(0x110000)))
_TOO_DEEP = f"nesting is deeper than {MAX_DEPTH} levels; a journey map needs fewer than ten"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
# what a part of a map read alone could read otherwise than in its place: anchors and aliases
# (which reach across parts; `&` or `*` starting a word, so "R & D" is plain text), merges,
# document markers, directives, a byte order mark
_ANCHOR = r"(?:^|(?<=[\s\[\]{},:?-]))&\S"
_UNSAFE_CHUNK = re.compile(_ANCHOR + r"|(?:^|(?<=[\s\[\]{},:?-]))\*\S|\ufeff|<<|^(?:---|\.\.\.|%)", re.MULTILINE)
_ANCHOR_IN = re.compile(_ANCHOR, re.MULTILINE)
# the start of a list item's line, up to its value: indentation, the dash, spaces
_ITEM_LEAD = re.compile(r"([ ]*)-[ ]+")


@dataclass
class Document:
    """One parsed map: its data and where each value stands in the file."""

    path: str
    text: str
    data: dict[str, Any]
    positions: dict[Path_, Pos] = field(default_factory=dict)
    key_positions: dict[Path_, Pos] = field(default_factory=dict)
    # what the loader itself found (duplicate keys, impossible dates), for `reloaded`
    load_findings: tuple[Finding, ...] = field(default=(), compare=False)
    _starts: list[Pos] | None = field(default=None, init=False, repr=False, compare=False)
    _nodes: list[Path_] = field(default_factory=list, init=False, repr=False, compare=False)

    def position(self, path: Path_) -> Pos:
        """Line and column of the value at `path`, or of its nearest located parent.

        Values merged in through `<<:` have no position of their own.
        """
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def key_position(self, path: Path_) -> Pos:
        """Where the key of `path` is written (for 'unknown property' and the like)."""
        return self.key_positions.get(path) or self.position(path)

    def node_at(self, line: int, column: int) -> Path_:
        """The node written at this position, or else the last one that starts before it (for a
        comment: the value it stands beside). A mapping starts where its first key does; there the
        mapping wins, as what stands there is more often about the whole than about that key."""
        if self._starts is None:
            shortest: dict[Pos, Path_] = {}
            for table in (self.positions, self.key_positions):
                for path, pos in table.items():
                    known = shortest.get(pos)
                    if known is None or len(path) < len(known):
                        shortest[pos] = path
            self._starts = sorted(shortest)
            self._nodes = [shortest[pos] for pos in self._starts]
        at = bisect.bisect_right(self._starts, (line, column)) - 1
        return self._nodes[at] if at >= 0 else ()


class _Mark:
    """A 1-based position dressed as libyaml's 0-based mark."""

    def __init__(self, pos: Pos) -> None:
        self.line = pos[0] - 1
        self.column = pos[1] - 1


class _Problem(Exception):
    """Stops the pass: the file cannot become a map."""

    def __init__(self, rule: RuleInfo, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.pos: Pos = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def load_bytes(raw: bytes, path: str) -> tuple[Document | None, list[Finding]]:
    """Decode and parse one file. Returns the document, or None with the reasons."""
    text_or_finding = decode(raw, path)
    if isinstance(text_or_finding, Finding):
        return None, [text_or_finding]
    return load_text(text_or_finding, path)


def decode(raw: bytes, path: str) -> str | Finding:
    """UTF-8 text (a BOM is dropped), or a finding for binary and non-UTF-8 files."""
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        return _finding(
            path, builtin_rules.NOT_A_MAP, (line, col),
            "this is a binary file (it holds a NUL byte), not a journey map",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        return _finding(
            path, builtin_rules.ENCODING, (line, col),
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; re-save the file as UTF-8",
        )


def load_text(text: str, path: str) -> tuple[Document | None, list[Finding]]:
    builder = _Builder(text, path)
    try:
        data = builder.run()
    except _Problem as problem:
        return None, [*builder.findings, _finding(path, problem.rule, problem.pos, problem.message)]
    except yaml.MarkedYAMLError as exc:
        return None, [*builder.findings, _syntax_finding(path, exc, text)]
    except yaml.YAMLError as exc:
        return None, [*builder.findings, _finding(path, builtin_rules.YAML_SYNTAX, (1, 1), _one_line(str(exc)))]
    except (ValueError, UnicodeError) as exc:
        # libyaml raises these for escapes it cannot represent (a lone surrogate, say)
        return None, [
            *builder.findings,
            _finding(path, builtin_rules.YAML_SYNTAX, (1, 1), f"unreadable value: {_one_line(str(exc))}"),
        ]
    doc = Document(path, text, data, builder.positions, builder.key_positions, tuple(builder.findings))
    return doc, builder.findings


def reloaded(doc: Document, text: str) -> Document | None:
    """The document of `text`, an edit of `doc.text`, reading again only the part the edit touches:
    the items of a top-level block list it falls in (a stage, a persona, an opportunity, ...), or
    else the top-level entries (`title: ...`, a whole section). The rest is taken from `doc`, its
    positions moved by the lines the edit added or removed. None when anything makes the shortcut
    less than certain (anchors, aliases, merges, directives, a top level that is not a block
    mapping, an edit across entries, what the loader found); then the whole text must be read.

    An editor re-reads a 1,000-touchpoint map at every pause in typing; reading it whole takes
    about 70 ms, one stage or the header a millisecond or two. Gives what `load_text(text)` would
    (the tests compare them on random edits everywhere in a map)."""
    if doc.load_findings or ("<<",) in doc.positions or not doc.data:
        return None
    old = doc.text
    if text == old:
        return doc
    if _odd_breaks(old) or old.startswith("%"):
        return None  # lines are counted by "\n" below; a directive changes how tags read
    start, old_end, new_end = _changed(old, text)
    starts = _line_starts(old)
    entries = _top_entries(doc, starts)
    if entries is None:
        return None
    index = bisect.bisect_right(entries, start, key=operator.itemgetter(1)) - 1
    if index < 0:
        return None  # above the first key: comments, `---`
    key, entry_start = entries[index]
    entry_end = entries[index + 1][1] if index + 1 < len(entries) else len(old)
    if old_end > entry_end:
        return None  # the edit spans several entries
    edit = _Edit(doc, text, start, old_end, new_end - old_end)
    items = _item_starts(doc, key, starts, entry_start)
    if items:
        found = _reread_items(edit, key, items, entry_end)
        if found is not None:
            return found
    return _reread_entries(edit, entries, index, entry_end)


@dataclass
class _Edit:
    """An edit of `doc.text` into `text`: [start, old_end) of the old text became `grown` characters
    more (or fewer) of the new."""

    doc: Document
    text: str
    start: int
    old_end: int
    grown: int

    def chunk(self, chunk_start: int, chunk_end: int) -> str | None:
        """The new text of the old text's lines [chunk_start, chunk_end), when it can be read alone:
        no anchor, alias, merge, document marker or directive in it, and whole lines."""
        old = self.doc.text
        new_chunk = self.text[chunk_start:chunk_end + self.grown]
        if (_UNSAFE_CHUNK.search(new_chunk) or _ANCHOR_IN.search(old, chunk_start, chunk_end)
                or "<<" in old[chunk_start:chunk_end] or _odd_breaks(new_chunk)):
            return None
        if chunk_end < len(old) and not new_chunk.endswith("\n"):
            return None  # the edit runs into the next line kept
        return new_chunk

    def document(self, part: _Part, data: dict[str, Any]) -> Document:
        """The new document, of `data`: `doc`'s tables without the nodes of the part's old lines
        and with what was read of its new text, the lines below moved and the list items below
        renumbered. Costs the part's size, and one pass over the positions when the number of
        lines changed; never a rebuild of the whole tables."""
        old = self.doc.text
        before = old.count("\n", 0, part.start)  # lines above the part
        old_lines = old.count("\n", part.start, part.end)
        moved = part.text.count("\n") - old_lines
        below = before + old_lines + 1  # the first line under the part, before the edit
        gone, shift, place = part.gone, part.shift, part.place

        def spliced(old_table: dict[Path_, Pos], new_table: dict[Path_, Pos]) -> dict[Path_, Pos]:
            table = old_table.copy()
            for root, value in gone:
                for path in _subtree(root, value):
                    table.pop(path, None)
            renumbered = []
            if shift is not None:
                for root, value in shift.items:
                    for path in _subtree(root, value):
                        pos = table.pop(path, None)
                        if pos is not None:
                            renumbered.append((shift.renumbered(path), (pos[0] + moved, pos[1])))
            if moved:
                table.update({path: (line + moved, column) for path, (line, column) in table.items() if line >= below})
            table.update(renumbered)
            for path, (line, column) in new_table.items():
                placed = place(path)
                if placed is not None:
                    table[placed] = (line + before, column)
            return table

        builder = part.builder
        return Document(self.doc.path, self.text, data, spliced(self.doc.positions, builder.positions),
                        spliced(self.doc.key_positions, builder.key_positions))


@dataclass
class _Part:
    """The lines [start, end) of the old text, read again: their new `text` as `builder` read it,
    the subtrees they held (path, old value), where each path read goes (`place`; None drops it),
    and the list items below that move (`shift`)."""

    start: int
    end: int
    text: str
    builder: _Builder
    gone: Sequence[tuple[Path_, Any]]
    place: Callable[[Path_], Path_ | None]
    shift: _Shift | None = None


@dataclass(frozen=True)
class _Shift:
    """The items of the list under `key` below the edit, (path, old value) each, moved by `by`
    places (items were added or removed above them)."""

    key: str
    items: Sequence[tuple[Path_, Any]]
    by: int

    def renumbered(self, path: Path_) -> Path_:
        index = path[1]
        return (self.key, index + self.by, *path[2:]) if isinstance(index, int) else path


def _subtree(root: Path_, value: Any) -> Iterator[Path_]:
    """The path of every node of `value`, written at `root` (no recursion: a map may nest deep)."""
    stack = [(root, value)]
    while stack:
        path, value = stack.pop()
        yield path
        if isinstance(value, dict):
            stack.extend(((*path, key), child) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), child) for index, child in enumerate(value))


def _reread_items(edit: _Edit, key: str, items: list[tuple[int, int]], entry_end: int) -> Document | None:
    """The document with the items of the block list under `key` that the edit touches read again
    (as many as the new text holds; the later items renumbered); `items` are the (line start,
    dash column) of each."""
    doc = edit.doc
    offsets = [line_start for line_start, _ in items]
    first = bisect.bisect_right(offsets, edit.start) - 1
    if first < 0:
        return None  # between the key and its first item
    last = max(first, bisect.bisect_left(offsets, edit.old_end) - 1)
    chunk_start = offsets[first]
    chunk_end = offsets[last + 1] if last + 1 < len(offsets) else entry_end
    new_chunk = edit.chunk(chunk_start, chunk_end)
    if new_chunk is None:
        return None
    builder = _Builder(new_chunk, doc.path)
    read: list[Any] | None = [] if not new_chunk else None
    if new_chunk:
        try:
            read = builder.run_items(items[0][1])
        except (_Problem, yaml.YAMLError, ValueError, UnicodeError):
            return None
    old_list = doc.data[key]
    if read is None or builder.findings or not old_list[:first] + read + old_list[last + 1:]:
        return None

    def place(path: Path_) -> Path_ | None:
        if not path:
            return (key,) if first == 0 else None  # the list starts at its first item's dash
        item = path[0]
        return (key, first + item, *path[1:]) if isinstance(item, int) else None

    data = dict(doc.data)
    data[key] = [*old_list[:first], *read, *old_list[last + 1:]]
    gone = [((key, index), old_list[index]) for index in range(first, last + 1)]
    grown = len(read) - len(gone)
    shift = None
    if grown:
        shift = _Shift(key, [((key, index), old_list[index]) for index in range(last + 1, len(old_list))], grown)
    return edit.document(_Part(chunk_start, chunk_end, new_chunk, builder, gone, place, shift), data)


def _reread_entries(edit: _Edit, entries: list[tuple[str, int]], index: int, entry_end: int) -> Document | None:
    """The document with the top-level entry the edit falls in read again (as entries: the edit may
    add some, or rename a key), the others kept."""
    doc = edit.doc
    chunk_start = entries[index][1]
    new_chunk = edit.chunk(chunk_start, entry_end)
    if not new_chunk:
        return None
    builder = _Builder(new_chunk, doc.path)
    try:
        read = builder.run_entries()
    except (_Problem, yaml.YAMLError, ValueError, UnicodeError):
        return None
    if read is None or builder.findings or "<<" in read:
        return None
    others = [key for key, _ in entries[:index]], [key for key, _ in entries[index + 1:]]
    if any(key in read for key in (*others[0], *others[1])):
        return None  # a key written twice: the loader reports it
    data = {key: doc.data[key] for key in others[0]}
    data.update(read)
    data.update((key, doc.data[key]) for key in others[1])

    def place(path: Path_) -> Path_ | None:
        return path if path or index == 0 else None  # the map starts at its first key

    gone = [((entries[index][0],), doc.data[entries[index][0]])]
    return edit.document(_Part(chunk_start, entry_end, new_chunk, builder, gone, place), data)


def _top_entries(doc: Document, starts: list[int]) -> list[tuple[str, int]] | None:
    """(key, offset of its line) of each top-level entry, in order; None unless the top level is a
    block mapping with each key at the start of its line."""
    root = doc.positions.get(())
    if root is None or doc.text[starts[root[0] - 1] + root[1] - 1:][:1] in ("{", "&", "!"):
        return None
    entries = []
    for key in doc.data:
        pos = doc.key_positions.get((key,))
        if pos is None or pos[1] != 1:
            return None
        entries.append((key, starts[pos[0] - 1]))
    if any(a[1] >= b[1] for a, b in itertools.pairwise(entries)):
        return None
    return entries


def _item_starts(doc: Document, key: str, starts: list[int], entry_start: int) -> list[tuple[int, int]]:
    """(offset of its line, dash column) of each item of the list under top-level `key`, when it
    is a block list whose items each start on their dash's line; else []."""
    value = doc.data[key]
    seq = doc.positions.get((key,))
    if not isinstance(value, list) or not value or seq is None:
        return []
    text = doc.text
    if text[starts[seq[0] - 1] + seq[1] - 1:][:1] != "-":
        return []  # a flow list: `tags: [...]`, or one with a tag or anchor
    items = []
    for index in range(len(value)):
        pos = doc.positions.get((key, index))
        if pos is None:
            return []
        line_start = starts[pos[0] - 1]
        lead = _ITEM_LEAD.fullmatch(text, line_start, line_start + pos[1] - 1)
        if lead is None or line_start <= entry_start:
            return []
        items.append((line_start, lead.end(1) - line_start + 1))
    return items


def _line_starts(text: str) -> list[int]:
    """The offset each line starts at (C loops only: this runs at every pause in typing)."""
    return list(itertools.accumulate(map(operator.add, map(len, text.split("\n")), itertools.repeat(1)), initial=0))


def _odd_breaks(text: str) -> bool:
    """Whether `text` holds a line break other than "\\n" and "\\r\\n", which libyaml counts too."""
    return text.count("\r") != text.count("\r\n") or any(brk in text for brk in _OTHER_BREAKS)


def _changed(old: str, new: str) -> tuple[int, int, int]:
    """Where two texts differ: the common prefix's length, and where the differing part ends in
    each. Found by halving, with slice comparisons (C speed) rather than a loop over characters."""
    shortest = min(len(old), len(new))
    low, high = 0, shortest
    while low < high:
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    prefix = low
    low, high = 0, shortest - prefix
    while low < high:
        middle = (low + high + 1) // 2
        if old[len(old) - middle:] == new[len(new) - middle:]:
            low = middle
        else:
            high = middle - 1
    return prefix, len(old) - low, len(new) - low


class _Builder:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.findings: list[Finding] = []
        self.positions: dict[Path_, Pos] = {}
        self.key_positions: dict[Path_, Pos] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.aliased_values = 0
        self.values = 0

    def run(self) -> dict[str, Any]:
        loader = _Loader(self.text)
        try:
            return self._document(loader)
        finally:
            loader.dispose()

    def run_items(self, dash_column: int) -> list[Any] | None:
        """A text that is items of a top-level block list whose dashes stand at `dash_column`, as
        they read there; None if it is not that."""
        loader = _Loader(self.text)
        try:
            if not self._implicit_start(loader):
                return None
            start = loader.get_event()
            pos = _block_start(start, ev.SequenceStartEvent)
            if pos is None or pos[1] != dash_column:
                return None
            self.positions[()] = pos
            items: list[Any] = []
            while type(event := loader.get_event()) is not ev.SequenceEndEvent:
                # depth 2, as under the map and its list, so nesting limits hold as for the file
                items.append(self._value(loader, event, (len(items),), 2))
            return items if self._implicit_end(loader) else None
        finally:
            loader.dispose()

    def run_entries(self) -> dict[str, Any] | None:
        """A text that is entries of the map's top level (keys at the start of their lines), as they
        read there; None if it is not that."""
        loader = _Loader(self.text)
        try:
            if not self._implicit_start(loader):
                return None
            start = loader.get_event()
            pos = _block_start(start, ev.MappingStartEvent)
            if pos is None or pos[1] != 1:
                return None
            entries = self._value(loader, start, (), 0)
            return entries if self._implicit_end(loader) else None
        finally:
            loader.dispose()

    @staticmethod
    def _implicit_start(loader: Any) -> bool:
        loader.get_event()  # StreamStart
        start = loader.get_event()
        return isinstance(start, ev.DocumentStartEvent) and not start.explicit

    @staticmethod
    def _implicit_end(loader: Any) -> bool:
        end = loader.get_event()
        if not isinstance(end, ev.DocumentEndEvent) or end.explicit:
            return False
        return isinstance(loader.get_event(), ev.StreamEndEvent)

    def _document(self, loader: Any) -> dict[str, Any]:
        loader.get_event()  # StreamStart
        first = loader.get_event()
        if isinstance(first, ev.StreamEndEvent):
            raise _Problem(builtin_rules.NOT_A_MAP, "the file is empty; a journey map starts with `journeymap: 1`")
        root = self._value(loader, loader.get_event(), (), 0)
        loader.get_event()  # DocumentEnd
        after = loader.get_event()
        if isinstance(after, ev.DocumentStartEvent):
            raise _Problem(
                builtin_rules.NOT_A_MAP,
                "the file holds several YAML documents; keep one journey map a file",
                after.start_mark,
            )
        if root is None:
            raise _Problem(builtin_rules.NOT_A_MAP, "the file holds no data; a journey map starts with `journeymap: 1`")
        if not isinstance(root, dict):
            kind = "a list" if isinstance(root, list) else "a single value"
            raise _Problem(
                builtin_rules.NOT_A_MAP,
                f"the top level is {kind}; a journey map is a mapping that starts with `journeymap: 1`",
                _Mark(self.positions.get((), (1, 1))),
            )
        return root

    def _value(self, loader: Any, event: Any, path: Path_, depth: int) -> Any:
        """Build the value that starts with `event`, consuming its events."""
        self.positions[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
        self.values += 1
        cls = type(event)
        if cls is ev.ScalarEvent:
            value = self._scalar(event, path)
        elif cls is ev.MappingStartEvent:
            value = self._mapping(loader, event, path, depth + 1)
        elif cls is ev.SequenceStartEvent:
            value = self._sequence(loader, event, path, depth + 1)
        elif cls is ev.AliasEvent:
            return self._alias(event)
        else:  # pragma: no cover - libyaml never sends other events here
            raise _Problem(builtin_rules.YAML_SYNTAX, f"unexpected {cls.__name__}", event.start_mark)
        return value

    def _remember(self, event: Any, value: Any, values_before: int) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.values - values_before + 1)

    def _alias(self, event: Any) -> Any:
        if event.anchor not in self.anchors:  # libyaml reports this itself; kept for the pure parser
            raise _Problem(builtin_rules.YAML_SYNTAX, f"unknown alias *{event.anchor}", event.start_mark)
        value, size = self.anchors[event.anchor]
        # count what the alias stands for, so anchors built from aliases grow as they expand
        self.aliased_values += size
        self.values += size
        if self.aliased_values > MAX_ALIASED_VALUES:
            raise _Problem(
                builtin_rules.YAML_LIMITS,
                f"aliases expand to more than {MAX_ALIASED_VALUES:,} values (an alias bomb?); "
                "write the values out instead",
                event.start_mark,
            )
        return value

    def _check_depth(self, event: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _Problem(
                builtin_rules.YAML_LIMITS,
                _TOO_DEEP,
                event.start_mark,
            )

    def _collection_tag(self, event: Any, expected: str) -> None:
        tag = event.tag
        if tag is not None and tag != "!" and tag != expected:
            raise _Problem(builtin_rules.FORBIDDEN_TAG, _tag_message(tag), event.start_mark)

    def _mapping(self, loader: Any, start: Any, path: Path_, depth: int) -> dict[str, Any]:
        self._check_depth(start, depth)
        self._collection_tag(start, _MAP)
        before = self.values
        result: dict[str, Any] = {}
        key_pos: dict[str, Pos] = {}
        merged: list[Any] = []
        while True:
            key_event = loader.get_event()
            if type(key_event) is ev.MappingEndEvent:
                break
            if type(key_event) is not ev.ScalarEvent:
                if type(key_event) is ev.AliasEvent:
                    key: Any = self._alias(key_event)
                    if isinstance(key, (dict, list)):
                        raise _Problem(builtin_rules.SCHEMA, "a key must be plain text", key_event.start_mark)
                else:
                    raise _Problem(
                        builtin_rules.SCHEMA, "a key must be plain text, not a list or mapping", key_event.start_mark
                    )
            elif key_event.tag is None and key_event.implicit[0] and key_event.value == "<<":
                value = self._value(loader, loader.get_event(), (*path, "<<"), depth)
                merged.extend(value if isinstance(value, list) else [value])
                continue
            else:
                key = self._scalar(key_event)
            name = _key_text(key)
            pos = (key_event.start_mark.line + 1, key_event.start_mark.column + 1)
            if name in key_pos:
                first_line = key_pos[name][0]
                self.findings.append(
                    _finding(
                        self.path, builtin_rules.DUPLICATE_KEY, pos,
                        f"duplicate key '{_short(name)}' (first at line {first_line}); YAML would keep only "
                        "this one: remove or rename one of them",
                        (*path, name),
                    )
                )
            key_pos[name] = pos
            child = (*path, name)
            self.key_positions[child] = pos
            result[name] = self._value(loader, loader.get_event(), child, depth)
        for source in merged:
            if not isinstance(source, dict):
                raise _Problem(builtin_rules.SCHEMA, "`<<` merges only mappings", start.start_mark)
            for name, value in source.items():
                result.setdefault(name, value)
        self._remember(start, result, before)
        return result

    def _sequence(self, loader: Any, start: Any, path: Path_, depth: int) -> list[Any]:
        self._check_depth(start, depth)
        self._collection_tag(start, _SEQ)
        before = self.values
        result: list[Any] = []
        while True:
            event = loader.get_event()
            if type(event) is ev.SequenceEndEvent:
                break
            result.append(self._value(loader, event, (*path, len(result)), depth))
        self._remember(start, result, before)
        return result

    def _scalar(self, event: Any, path: Path_ = ()) -> Any:
        tag = event.tag
        text = event.value
        if tag is None or tag == "!":
            if tag == "!" or not event.implicit[0]:
                value: Any = text  # quoted or explicitly non-specific: always a string
                self._remember(event, value, self.values - 1)
                return value
            if text and text[0] not in _RESOLVED_FIRST:
                tag = _STR  # no implicit type starts with this character: the resolver would say text
            else:
                tag = _resolver.resolve(ScalarNode, text, event.implicit)  # type: ignore[no-untyped-call]
        if tag == _STR:
            value = text
        elif tag not in _SCALAR_TAGS:
            raise _Problem(builtin_rules.FORBIDDEN_TAG, _tag_message(tag), event.start_mark)
        elif tag == _TIMESTAMP:
            value = self._timestamp(event, text, path)
        else:
            try:
                value = _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, text))
            except (ValueError, yaml.YAMLError):
                raise _Problem(
                    builtin_rules.SCHEMA, f"'{_short(text)}' is not a valid {tag.rsplit(':', 1)[-1]}", event.start_mark
                ) from None
        self._remember(event, value, self.values - 1)
        return value

    def _timestamp(self, event: Any, text: str, path: Path_) -> str:
        """Dates stay ISO text, so `last_reviewed: 2026-10-01` needs no quotes; bad dates are findings."""
        try:
            if _DATE.match(text):
                datetime.date.fromisoformat(text)
            else:
                _constructor.construct_yaml_timestamp(ScalarNode(_TIMESTAMP, text))
        except ValueError:
            self.findings.append(
                _finding(
                    self.path, builtin_rules.SCHEMA, (event.start_mark.line + 1, event.start_mark.column + 1),
                    f"'{_short(text)}' is not a real date; write it as YYYY-MM-DD", path,
                )
            )
        return text


def _block_start(event: Any, kind: Any) -> Pos | None:
    """Where `event` starts, if it starts a block collection of this kind with no tag or anchor."""
    if type(event) is not kind or event.tag is not None or event.anchor is not None or event.flow_style:
        return None
    return event.start_mark.line + 1, event.start_mark.column + 1


def reads_as_text(plain: str) -> bool:
    """Whether a plain (unquoted) scalar written so is read as text, not a number, date or true/false."""
    if not plain or plain[0] not in _RESOLVED_FIRST:
        return True
    return bool(_resolver.resolve(ScalarNode, plain, (True, False)) == _STR)  # type: ignore[no-untyped-call]


def _key_text(key: Any) -> str:
    """Keys become text, as JSON and the schema expect; `true` and `1` stay distinct from each other."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _tag_message(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    return (
        f"the tag {_short(short)} is not allowed: journeymap reads plain data only "
        "(text, numbers, lists, mappings); remove the tag"
    )


_SYNTAX_HINTS = (
    ("found character '\\t'", "a tab is used for indentation or spacing; YAML allows only spaces here"),
    ("found character that cannot start any token", "this character cannot start a value; quote the text"),
    ("mapping values are not allowed here", "a ': ' inside plain text starts a mapping; quote the text"),
    ("found undefined alias", "this alias (*name) has no anchor (&name) before it"),
    ("control characters are not allowed", "the file holds a control character; remove it"),
)


def _syntax_finding(path: str, exc: yaml.MarkedYAMLError, text: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    pos = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "maximum nesting depth" in problem:
        return _finding(
            path, builtin_rules.YAML_LIMITS, pos,
            _TOO_DEEP,
        )
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        problem = "found character '\\t'"
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            return _finding(path, builtin_rules.YAML_SYNTAX, pos, f"YAML syntax error: {hint}")
    context = ""
    if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
        context = f" ({exc.context} at line {exc.context_mark.line + 1})"
    return _finding(path, builtin_rules.YAML_SYNTAX, pos, f"YAML syntax error: {_one_line(problem)}{context}")


def _finding(path: str, rule: RuleInfo, pos: Pos, message: str, node: Path_ = ()) -> Finding:
    return Finding(path, pos[0], pos[1], rule.severity, rule.id, rule.name, message, node)


def _byte_position(raw: bytes, offset: int) -> Pos:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


