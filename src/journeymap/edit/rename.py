"""Renaming an id: its definition and every reference to it, as edits by position.

Which fields name which kind of id is the vocabulary's (`journeymap.vocabulary`); this module
only finds the occurrences of one id of one kind there and edits them where they are written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeymap import vocabulary
from journeymap.edit.spans import Edit, Lines, own_lines, scalar_span
from journeymap.errors import JourneymapError
from journeymap.load import Document
from journeymap.schema_values import ID_PATTERN
from journeymap.strings import one_line, short, slug
from journeymap.vocabulary import Kind, Occurrence

_ID = re.compile(ID_PATTERN)


class RenameProblem(JourneymapError):
    """The rename cannot be made (unknown id, bad or taken new id); nothing is changed."""


@dataclass(frozen=True)
class Renaming:
    kind: Kind
    old: str
    new: str
    edits: tuple[Edit, ...]
    # the text the edits' offsets count on
    text: str

    @property
    def references(self) -> int:
        return len(self.edits) - 1


def rename_edits(
    doc: Document, old: str, new: str, kind: Kind | None = None, shared: dict[str, str] | None = None,
    text: str | None = None,
) -> Renaming:
    """The edits that rename the id `old` to `new`; RenameProblem says why they cannot be made.
    `shared`: the ids the map's libraries define, and the library each comes from. `text`: the
    document's own text (a byte-order mark included), which the edits' offsets count on; by
    default the loaded text."""
    found = vocabulary.occurrences(doc.data)
    defined = [o for o in found if o.definition and o.id == old and (kind is None or o.kind is kind)]
    if not defined and shared and old in shared:
        raise RenameProblem(f"{doc.path}: '{short(old)}' is defined in library {one_line(shared[old])}, which other "
                            "maps may use; rename it there and in every map that uses it")
    if not defined:
        where = f" as a {kind.name}" if kind else ""
        raise RenameProblem(f"{doc.path}: no id '{short(old)}' is defined{where}; nothing to rename")
    kinds = sorted({o.kind.name for o in defined})
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
    _refuse_taken(doc, found, target, new)
    lines = own_lines(doc, text)
    return Renaming(target.kind, old, new, tuple(_edits(doc, lines, found, target, new)), lines.text)


def _refuse_taken(doc: Document, found: list[Occurrence], target: Occurrence, new: str) -> None:
    """The new id must be free in the target's kind, and must not change what any reference names:
    a field that may name several kinds (a KPI measure's step) looks an id up in order, the
    touchpoint before the stage."""
    defined_new: dict[Kind, Occurrence] = {}
    for o in found:
        if o.definition and o.id == new:
            if o.kind is target.kind:
                line = doc.position(o.path)[0]
                raise RenameProblem(
                    f"{doc.path}: the {o.kind.name} id '{new}' is already taken (line {line}); choose another"
                )
            defined_new[o.kind] = o
    for o in found:
        field = o.field
        if field is None or target.kind not in field.kinds:
            continue
        rank = field.kinds.index
        if o.kind is target.kind and o.id == target.id:
            before = next((k for k in field.kinds if k in defined_new and rank(k) < rank(target.kind)), None)
            if before is not None:
                line = doc.position(defined_new[before].path)[0]
                raise RenameProblem(
                    f"{doc.path}: '{new}' is the id of a {before.name} (line {line}), and `{field.name}` at line "
                    f"{doc.position(o.path)[0]} would then name it instead of the {target.kind.name}; choose another"
                )
        elif o.id == new and o.kind in defined_new and rank(target.kind) < rank(o.kind):
            raise RenameProblem(
                f"{doc.path}: `{field.name}` at line {doc.position(o.path)[0]} names the {o.kind.name} '{new}', and "
                f"would then name the {target.kind.name} instead; choose another"
            )


def _edits(doc: Document, lines: Lines, found: list[Occurrence], target: Occurrence, new: str) -> list[Edit]:
    edits = []
    for occurrence in found:
        if occurrence.kind is not target.kind or occurrence.id != target.id:
            continue
        span = scalar_span(doc, lines, occurrence.path)
        if span is None:
            line, column = doc.position(occurrence.path)
            raise RenameProblem(
                f"{doc.path}:{line}:{column}: cannot edit '{short(target.id)}' where it is written here "
                "(an alias or a multi-line value?); rename it by hand"
            )
        edits.append(Edit(*span, _written_like(lines.text[span[0]:span[1]], new)))
    return edits


def _written_like(written: str, new: str) -> str:
    """The new id in the quotes the old one had, so renaming back gives the same text."""
    quote = written[:1]
    return f"{quote}{new}{quote}" if quote in ("'", '"') else new
