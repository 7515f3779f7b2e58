"""What the cross-map rules know of each file of a folder run (`MapFacts`, small, so worker
processes send it back instead of whole documents) and of all of them (`Portfolio`). Made by the
portfolio pass (journeymap.portfolio), read by the rules in lint.rules.across_maps."""

from __future__ import annotations

from dataclasses import dataclass, field

from journeymap.lint.rule import Spot
from journeymap.load import Path_


@dataclass(frozen=True)
class Silenced:
    """The rules a file's suppression comments silence: on a line, or in the whole file. For the
    portfolio pass, which judges files it no longer holds the text of."""

    lines: dict[int, frozenset[str]] = field(default_factory=dict)
    whole: frozenset[str] = frozenset()

    def covers(self, rule_id: str, line: int) -> bool:
        return rule_id in self.whole or rule_id in self.lines.get(line, frozenset())


@dataclass(frozen=True, slots=True)
class Defined:
    """A persona or an opportunity as one map defines it itself; `fingerprint` is a persona's whole
    definition, so two definitions can be compared ("" for an opportunity)."""

    id: str
    spot: Spot
    fingerprint: str
    status: str = ""
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pain:
    id: str
    title: str  # the description, normalised: what "the same pain point" means across maps
    text: str
    spot: Spot


@dataclass(frozen=True, slots=True)
class Link:
    """`journey:` on a stage or touchpoint: this part of the map is told in detail by `target`."""

    target: str
    spot: Spot
    what: str  # "stage 'checkout'"


# slots: a folder run keeps every file's facts until the cross-map pass; without a dict each,
# they take less memory and the garbage collector has fewer objects to go through
@dataclass(slots=True)
class MapFacts:
    """What the cross-map rules know of one file."""

    path: str
    kind: str  # "map" or "library"
    key: str  # the resolved path, as libraries are known by in `uses`
    map_id: str = ""
    title: str = ""
    id_spot: Spot | None = None
    personas: list[Defined] = field(default_factory=list)
    opportunities: list[Defined] = field(default_factory=list)
    pain_points: list[Pain] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    uses: tuple[str, ...] = ()
    silenced: Silenced = field(default_factory=Silenced)

    @property
    def spot(self) -> Spot:
        return self.id_spot or Spot(self.path, 1, 1)

    def nodes(self) -> set[Path_]:
        """The nodes the cross-map rules can put a finding on (a baseline names them beforehand)."""
        spots = [self.spot, *(d.spot for d in (*self.personas, *self.opportunities)),
                 *(p.spot for p in self.pain_points), *(link.spot for link in self.links)]
        return {spot.node for spot in spots}


@dataclass
class Portfolio:
    """Every file of a folder run, as facts."""

    files: list[MapFacts]

    @property
    def maps(self) -> list[MapFacts]:
        return [f for f in self.files if f.kind == "map"]

    @property
    def libraries(self) -> list[MapFacts]:
        return [f for f in self.files if f.kind == "library"]

    def by_id(self) -> dict[str, MapFacts]:
        """Maps by id (the first of several that share one)."""
        out: dict[str, MapFacts] = {}
        for facts in self.maps:
            if facts.map_id:
                out.setdefault(facts.map_id, facts)
        return out
