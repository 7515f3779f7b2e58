"""Every place a map defines or names an id, read from the loaded data.

It reads the data as loaded, not the model, so an editor can complete and jump even while
the map breaks the schema (a half-typed touchpoint, an id in capitals); whatever does not
have the expected shape is passed over.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from journeymap.load import Path_

# the sections that define ids at the top level, and the kind each defines
SECTIONS = {"personas": "persona", "channels": "channel", "sources": "source", "opportunities": "opportunity"}
# the fields that name ids, and the kind they name
REFERENCE_FIELDS = {"channel": "channel", "personas": "persona", "evidence": "source", "addresses": "pain point",
                    "returns": "stage"}
KINDS = ("persona", "channel", "source", "stage", "touchpoint", "pain point", "opportunity")


@dataclass(frozen=True)
class Occurrence:
    """An id written at `path`: where it is defined (`definition`) or a reference to it."""

    kind: str
    id: str
    path: Path_
    definition: bool

    @property
    def owner(self) -> Path_:
        """The path of the entity that holds the id or the reference."""
        end = -1 if self.definition or self.path[-1] == "channel" else -2
        return self.path[:end]


def occurrences(data: Any) -> list[Occurrence]:
    """Definitions and references, in the order they are written."""
    return list(_walk(data)) if isinstance(data, dict) else []


def definitions(data: Any, kind: str) -> list[Occurrence]:
    return [o for o in occurrences(data) if o.definition and o.kind == kind]


def _walk(data: dict[str, Any]) -> Iterator[Occurrence]:
    for section, kind in SECTIONS.items():
        if section == "opportunities":
            continue
        yield from _defined(data.get(section), (section,), kind)
    for i, stage in _items(data.get("stages"), ("stages",)):
        yield from _definition(stage, i, "stage")
        yield from _references(stage, i, ("returns",))
        for j, touchpoint in _items(stage.get("touchpoints"), (*i, "touchpoints")):
            yield from _definition(touchpoint, j, "touchpoint")
            yield from _references(touchpoint, j, ("channel", "personas", "evidence"))
            for k, pain_point in _items(touchpoint.get("pain_points"), (*j, "pain_points")):
                yield from _definition(pain_point, k, "pain point")
                yield from _references(pain_point, k, ("evidence",))
    for i, opportunity in _items(data.get("opportunities"), ("opportunities",)):
        yield from _definition(opportunity, i, "opportunity")
        yield from _references(opportunity, i, ("addresses",))


def _items(value: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield (*path, index), item


def _defined(value: Any, path: Path_, kind: str) -> Iterator[Occurrence]:
    for item_path, item in _items(value, path):
        yield from _definition(item, item_path, kind)


def _definition(item: dict[str, Any], path: Path_, kind: str) -> Iterator[Occurrence]:
    if isinstance(item.get("id"), str):
        yield Occurrence(kind, item["id"], (*path, "id"), True)


def _references(item: dict[str, Any], path: Path_, fields: tuple[str, ...]) -> Iterator[Occurrence]:
    for name in fields:
        value = item.get(name)
        kind = REFERENCE_FIELDS[name]
        if isinstance(value, str):
            yield Occurrence(kind, value, (*path, name), False)
        elif isinstance(value, list):
            for index, ref in enumerate(value):
                if isinstance(ref, str):
                    yield Occurrence(kind, ref, (*path, name, index), False)
