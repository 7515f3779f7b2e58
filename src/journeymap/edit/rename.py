"""Renaming an id: its definition and every reference to it, as edits by position."""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeymap.edit.ids import Occurrence, occurrences
from journeymap.edit.spans import Edit, Lines, scalar_span
from journeymap.errors import JourneymapError
from journeymap.load import Document
from journeymap.schema_values import ID_PATTERN
from journeymap.strings import one_line, short, slug

_ID = re.compile(ID_PATTERN)


class RenameProblem(JourneymapError):
    """The rename cannot be made (unknown id, bad or taken new id); nothing is changed."""


@dataclass(frozen=True)
class Renaming:
    kind: str
    old: str
    new: str
    edits: tuple[Edit, ...]

    @property
    def references(self) -> int:
        return len(self.edits) - 1


def rename_edits(
    doc: Document, old: str, new: str, kind: str | None = None, shared: dict[str, str] | None = None
) -> Renaming:
    """The edits that rename the id `old` to `new`; RenameProblem says why they cannot be made.
    `shared`: the ids the map's libraries define, and the library each comes from."""
    found = occurrences(doc.data)
    defined = [o for o in found if o.definition and o.id == old and (kind is None or o.kind == kind)]
    if not defined and shared and old in shared:
        raise RenameProblem(f"{doc.path}: '{short(old)}' is defined in library {one_line(shared[old])}, which other "
                            "maps may use; rename it there and in every map that uses it")
    if not defined:
        where = f" as a {kind}" if kind else ""
        raise RenameProblem(f"{doc.path}: no id '{short(old)}' is defined{where}; nothing to rename")
    kinds = sorted({o.kind for o in defined})
    if len(kinds) > 1:
        raise RenameProblem(
            f"{doc.path}: '{short(old)}' is the id of a {' and a '.join(kinds)}; say which with --kind"
        )
    if len(defined) > 1:
        raise RenameProblem(f"{doc.path}: two {kinds[0]}s have the id '{short(old)}'; rename one of them by hand")
    target = defined[0]
    if not _ID.match(new):
        suggestion = slug(new)
        hint = f" (e.g. '{suggestion}')" if suggestion else ""
        raise RenameProblem(
            f"'{short(new)}' is not a valid id: use lowercase letters, digits and single hyphens{hint}"
        )
    if new == old:
        raise RenameProblem(f"the id is already '{short(new)}'; nothing to rename")
    taken = next((o for o in found if o.definition and o.kind == target.kind and o.id == new), None)
    if taken is not None:
        line = doc.position(taken.path)[0]
        raise RenameProblem(f"{doc.path}: the {target.kind} id '{new}' is already taken (line {line}); choose another")
    return Renaming(target.kind, old, new, tuple(_edits(doc, found, target, new)))


def _edits(doc: Document, found: list[Occurrence], target: Occurrence, new: str) -> list[Edit]:
    lines = Lines(doc.text)
    edits = []
    for occurrence in found:
        if occurrence.kind != target.kind or occurrence.id != target.id:
            continue
        span = scalar_span(doc, lines, occurrence.path)
        if span is None:
            line, column = doc.position(occurrence.path)
            raise RenameProblem(
                f"{doc.path}:{line}:{column}: cannot edit '{short(target.id)}' where it is written here "
                "(an alias or a multi-line value?); rename it by hand"
            )
        edits.append(Edit(*span, new))
    return edits
