"""The map's vocabulary of ids: each kind of id, where a map defines it, and every field that names one.

This table is the one place that says which field refers to which kind of id. Checking
references (`references`), renaming (`edit.rename`), fixing a misspelt reference (`edit.fixes`),
the language server (completion, go to definition, find references, rename), the diff's words
and `journeymap show` all read it, so a field added to the format is added here once and every
one of them follows.

A path pattern is a path in the loaded data with `ANY` where any list index goes:
`("stages", ANY, "touchpoints", ANY, "channel")` is every touchpoint's `channel`. Patterns are
matched against the data as loaded, not the model, so an editor can use them while the map is
half-typed and breaks the schema; whatever does not have the expected shape is passed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

Path_ = tuple[str | int, ...]
ANY = "*"

_STAGE = ("stages", ANY)
_TOUCHPOINT = (*_STAGE, "touchpoints", ANY)
_PAIN_POINT = (*_TOUCHPOINT, "pain_points", ANY)
_MEASURE = (*_STAGE, "kpis", ANY, "measure")


# the kinds and fields are the table's own singletons: compared and hashed by identity, which a
# 1,000-touchpoint map asks for thousands of times
@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of id. `name` is how messages, `--kind` and the editor say it; `key` how the schema
    and the diff's JSON spell it; `section` where a user defines one, in words."""

    name: str
    key: str
    defined_at: tuple[str | int, ...]
    section: str
    # a library (`use:`) may define ids of this kind, which then count as the map's own
    in_libraries: bool = False
    # ids of other maps: the map defines its own, its references name other maps (checked across a
    # folder, not within one map)
    across_maps: bool = False

    @property
    def top_list(self) -> str | None:
        """The top-level list that defines this kind (`personas`), or None for nested kinds."""
        return str(self.defined_at[0]) if len(self.defined_at) == 3 else None

    @property
    def option(self) -> str:
        """As the command line writes it (`--kind pain-point`)."""
        return self.name.replace(" ", "-")


PERSONA = Kind("persona", "persona", ("personas", ANY, "id"), "personas", in_libraries=True)
CHANNEL = Kind("channel", "channel", ("channels", ANY, "id"), "channels", in_libraries=True)
SOURCE = Kind("source", "source", ("sources", ANY, "id"), "sources", in_libraries=True)
STAGE = Kind("stage", "stage", (*_STAGE, "id"), "stages")
TOUCHPOINT = Kind("touchpoint", "touchpoint", (*_TOUCHPOINT, "id"), "a stage's touchpoints")
PAIN_POINT = Kind("pain point", "pain_point", (*_PAIN_POINT, "id"), "a touchpoint's pain_points")
OPPORTUNITY = Kind("opportunity", "opportunity", ("opportunities", ANY, "id"), "opportunities", in_libraries=True)
MAP = Kind("map", "map", ("id",), "the `id` of another map", across_maps=True)

KINDS: tuple[Kind, ...] = (PERSONA, CHANNEL, SOURCE, STAGE, TOUCHPOINT, PAIN_POINT, OPPORTUNITY, MAP)
BY_NAME = {kind.name: kind for kind in KINDS}
BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True, eq=False)
class Field:
    """A field that names ids. `kinds` are the kinds it may name, in the order an id is looked up
    (a KPI measure's step is a touchpoint when one has the id, else a stage); `owner` is the path of
    the entity that holds the field, whose id (or name, for a KPI) messages use."""

    at: tuple[str | int, ...]
    kinds: tuple[Kind, ...]
    owner: tuple[str | int, ...]
    many: bool = False

    @property
    def name(self) -> str:
        """The field's own key (`personas`, `from`)."""
        return str(self.at[-2] if self.many else self.at[-1])

    @property
    def kind_words(self) -> str:
        """The kinds it names, in words: 'touchpoint or stage'."""
        return " or ".join(kind.name for kind in self.kinds)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys on the way to the field, list indexes left out: how an editor sees it by
        indentation."""
        return tuple(str(part) for part in self.at if part != ANY)


_STEP = (TOUCHPOINT, STAGE)
FIELDS: tuple[Field, ...] = (
    Field((*_TOUCHPOINT, "channel"), (CHANNEL,), _TOUCHPOINT),
    Field((*_TOUCHPOINT, "personas", ANY), (PERSONA,), _TOUCHPOINT, many=True),
    Field((*_TOUCHPOINT, "evidence", ANY), (SOURCE,), _TOUCHPOINT, many=True),
    Field((*_PAIN_POINT, "evidence", ANY), (SOURCE,), _PAIN_POINT, many=True),
    Field(("opportunities", ANY, "addresses", ANY), (PAIN_POINT,), ("opportunities", ANY), many=True),
    Field((*_MEASURE, "reach"), _STEP, _MEASURE[:-1]),
    Field((*_MEASURE, "conversion", "from"), _STEP, _MEASURE[:-1]),
    Field((*_MEASURE, "conversion", "to"), _STEP, _MEASURE[:-1]),
    Field((*_MEASURE, "median_time", "from"), _STEP, _MEASURE[:-1]),
    Field((*_MEASURE, "median_time", "to"), _STEP, _MEASURE[:-1]),
    Field((*_MEASURE, "return_share", "touchpoint"), (TOUCHPOINT,), _MEASURE[:-1]),
    Field((*_MEASURE, "survey_score"), (TOUCHPOINT,), _MEASURE[:-1]),
    # the earlier stages a customer may go back to from this one (references also checks they are earlier)
    Field((*_STAGE, "returns", ANY), (STAGE,), _STAGE, many=True),
    Field(("related", ANY), (MAP,), (), many=True),
    Field((*_STAGE, "journey"), (MAP,), _STAGE),
    Field((*_TOUCHPOINT, "journey"), (MAP,), _TOUCHPOINT),
)


class Occurrence(NamedTuple):
    """An id written at `path`: where it is defined (`field` None) or a reference to it. A reference
    that may name several kinds has the kind its id resolves to in the map, or the field's first
    kind when it names nothing. (A named tuple: a large map has thousands, made on every check.)"""

    kind: Kind
    id: str
    path: Path_
    field: Field | None = None

    @property
    def definition(self) -> bool:
        return self.field is None

    @property
    def owner(self) -> Path_:
        """The path of the entity that holds the id or the reference."""
        if self.field is None:
            return self.path[:-1]
        return self.path[:len(self.field.owner)]


def occurrences(data: Any, known: dict[Kind, set[str]] | None = None) -> list[Occurrence]:
    """Definitions and references, in the order written. `known`: ids defined elsewhere that count
    as the map's own (a library's), used to resolve references that may name several kinds."""
    if not isinstance(data, dict):
        return []
    found = _walk(data)
    several = [i for i, o in enumerate(found) if o.field is not None and len(o.field.kinds) > 1]
    if several:  # resolve the references that may name more than one kind
        ids: dict[Kind, set[str]] = {kind: set((known or {}).get(kind, ())) for kind in KINDS}
        for o in found:
            if o.field is None:
                ids[o.kind].add(o.id)
        for i in several:
            o = found[i]
            kinds = o.field.kinds  # type: ignore[union-attr]
            kind = next((k for k in kinds if o.id in ids[k]), kinds[0])
            if kind is not o.kind:
                found[i] = o._replace(kind=kind)
    return found


@dataclass
class _Node:
    """The patterns of the table as a tree of keys, so that one walk of the data, in the order it
    is written, visits only the nodes some pattern reaches."""

    children: dict[str | int, _Node]
    ends: list[Kind | Field]


def _tree() -> _Node:
    root = _Node({}, [])
    ends: list[tuple[tuple[str | int, ...], Kind | Field]] = [(k.defined_at, k) for k in KINDS]
    ends += [(f.at, f) for f in FIELDS]
    for pattern, end in ends:
        node = root
        for part in pattern:
            node = node.children.setdefault(part, _Node({}, []))
        node.ends.append(end)
    return root


_TREE = _tree()


def _walk(data: Any) -> list[Occurrence]:
    out: list[Occurrence] = []
    _collect(data, _TREE, (), out)
    return out


def _collect(data: Any, node: _Node, path: Path_, out: list[Occurrence]) -> None:
    # appends rather than yields, and ends at a string without another call: a 1,000-touchpoint
    # map has thousands of ids, and this walk runs on every check and every editor request
    if isinstance(data, dict):
        children = node.children
        for key, value in data.items():
            child = children.get(key)
            if child is None:
                continue
            if isinstance(value, str):
                _ends(child, value, (*path, key), out)
            else:
                _collect(value, child, (*path, key), out)
    elif isinstance(data, list):
        child = node.children.get(ANY)
        if child is None:
            return
        for index, item in enumerate(data):
            if isinstance(item, str):
                _ends(child, item, (*path, index), out)
            else:
                _collect(item, child, (*path, index), out)


def _ends(node: _Node, value: str, path: Path_, out: list[Occurrence]) -> None:
    for end in node.ends:
        if isinstance(end, Kind):
            out.append(Occurrence(end, value, path))
        else:
            out.append(Occurrence(end.kinds[0], value, path, end))


def field_by_keys(keys: tuple[str, ...]) -> Field | None:
    """The reference field an editor's cursor is in, from the keys above it (outermost first, as
    far as the text shows them): the first field whose keys end with them."""
    if not keys:
        return None
    return next((field for field in FIELDS if field.keys[-len(keys):] == keys), None)


def id_fields() -> frozenset[str]:
    """Field names that hold ids (definitions and references), for presenters that show ids as ids."""
    return frozenset({"id", *(field.name for field in FIELDS)})


def library_kinds() -> tuple[Kind, ...]:
    return tuple(kind for kind in KINDS if kind.in_libraries)
