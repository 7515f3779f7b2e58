"""Typed journey maps, built from data that passed the schema.

Every object keeps `path`, where it stands in the YAML document, so lint rules,
references and diff can point at the exact node (`Document.position(path)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from journeymap.load import Document, Path_

T = TypeVar("T")


@dataclass
class Persona:
    id: str
    name: str
    path: Path_
    description: str = ""
    quote: str = ""
    goals: list[str] = field(default_factory=list)
    frustrations: list[str] = field(default_factory=list)
    photo: str = ""
    origin: str = ""  # the library file it comes from; "" when the map defines it


@dataclass
class Channel:
    id: str
    name: str
    path: Path_
    kind: str = ""
    origin: str = ""


@dataclass
class Source:
    id: str
    path: Path_
    kind: str = ""
    title: str = ""
    url: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Signal:
    """Events in an event log that mean a touchpoint happened: an event name or glob pattern,
    and attribute filters (attribute -> the values it may have)."""

    event: str
    where: tuple[tuple[str, tuple[str | int | float | bool, ...]], ...] = ()


@dataclass(frozen=True)
class KpiMeasure:
    """How `journeymap measure` computes a KPI: `kind` is reach, conversion, median_time,
    return_share or survey_score; `source` and `target` are touchpoint or stage ids (`target`
    is empty for reach, return_share and survey_score); `seconds` is the conversion window or
    the return delay, None when unlimited."""

    kind: str
    source: str
    target: str = ""
    seconds: float | None = None


@dataclass
class Kpi:
    name: str
    path: Path_
    target: str = ""
    current: str = ""
    measure: KpiMeasure | None = None
    better: str = ""  # "higher" or "lower" as the map says; "" when it does not say

    @property
    def lower_is_better(self) -> bool:
        """True when the map says `better: lower` (abandonment, waiting time); the default is higher."""
        return self.better == "lower"


@dataclass
class PainPoint:
    id: str
    description: str
    path: Path_
    touchpoint_id: str
    stage_id: str
    severity: str = "medium"
    severity_given: bool = False
    evidence: list[str] = field(default_factory=list)


@dataclass
class Touchpoint:
    id: str
    name: str
    path: Path_
    stage_id: str
    description: str = ""
    channel: str | None = None
    personas: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    thoughts: list[str] = field(default_factory=list)
    emotion: int | None = None
    evidence: list[str] = field(default_factory=list)
    backstage: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    pain_points: list[PainPoint] = field(default_factory=list)
    journey: str | None = None  # the id of the map that tells this touchpoint in detail
    signals: list[Signal] = field(default_factory=list)
    optional: bool = False  # customers may skip it and still follow the journey


@dataclass
class Stage:
    id: str
    name: str
    path: Path_
    phase: str | None = None
    goal: str = ""
    description: str = ""
    kpis: list[Kpi] = field(default_factory=list)
    touchpoints: list[Touchpoint] = field(default_factory=list)
    journey: str | None = None  # the id of the map that tells this stage in detail
    returns: list[str] = field(default_factory=list)  # earlier stages a customer may go back to from here
    optional: bool = False  # the funnel lets customers skip the whole stage (never the first)


@dataclass
class Opportunity:
    id: str
    description: str
    path: Path_
    addresses: list[str] = field(default_factory=list)
    owner: str = ""
    status: str = "idea"
    status_given: bool = False
    origin: str = ""


@dataclass
class Journey:
    """One journey map; `file` is the path it was read from, as the user named it."""

    file: str
    title: str
    id: str = ""
    description: str = ""
    owner: str = ""
    last_reviewed: str | None = None
    tags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    personas: list[Persona] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    # the `data` section as written (where `journeymap measure` finds events and surveys);
    # the measure package reads it, so the model stays free of its concerns
    data: dict[str, Any] = field(default_factory=dict)

    def touchpoints(self) -> Iterator[Touchpoint]:
        """All touchpoints in journey order: stage by stage, left to right."""
        for stage in self.stages:
            yield from stage.touchpoints

    def pain_points(self) -> Iterator[PainPoint]:
        for touchpoint in self.touchpoints():
            yield from touchpoint.pain_points

    def shared_ids(self) -> dict[str, str]:
        """The ids that come from libraries (`use:`), and the library file each comes from."""
        items: list[Persona | Channel | Source | Opportunity] = [
            *self.personas, *self.channels, *self.sources, *self.opportunities
        ]
        return {item.id: item.origin for item in items if item.origin}

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def persona_names(self, persona_ids: Iterable[str]) -> str:
        """Names of the personas a touchpoint is limited to, in the map's order; empty when it
        concerns all of them."""
        wanted = set(persona_ids)
        everyone = {p.id for p in self.personas}
        if not wanted or len(everyone) < 2 or wanted >= everyone:
            return ""
        return ", ".join(p.name for p in self.personas if p.id in wanted)

    def phases(self) -> set[str]:
        return {s.phase for s in self.stages if s.phase}

    def addressing(self) -> dict[str, list[Opportunity]]:
        """Pain point id -> the opportunities that address it, in the map's order, each once."""
        out: dict[str, list[Opportunity]] = {}
        for opportunity in self.opportunities:
            for pain_id in dict.fromkeys(opportunity.addresses):
                out.setdefault(pain_id, []).append(opportunity)
        return out

    def open_pain_points(self) -> list[PainPoint]:
        """The pain points not yet resolved (see `is_resolved`)."""
        addressing = self.addressing()
        return [p for p in self.pain_points() if not is_resolved(addressing.get(p.id))]


def own(items: Iterable[T]) -> list[T]:
    """The items the map defines itself, without those it takes from a library: rules that judge
    how a map uses what it defines ("defined but unused") leave a library's items to the library,
    which other maps share."""
    return [item for item in items if not getattr(item, "origin", "")]


def is_resolved(opportunities: list[Opportunity] | None) -> bool:
    """A pain point is resolved when opportunities address it and every one of them is done: one
    opportunity still open (or dropped) means the work on it is not finished."""
    return bool(opportunities) and all(o.status == "done" for o in opportunities or ())


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def journey_from_document(doc: Document, earlier: tuple[Document, Journey] | None = None) -> Journey:
    """Build the model. The data must already have passed the schema. With `earlier`, the document
    and journey of a version before an edit, each stage whose data is the very object it was there,
    at the same place, is taken over instead of built again: an editor's re-read keeps the parts
    an edit did not touch (`load.reloaded`), and building a 1,000-touchpoint map's stages costs
    more than reading the part that changed."""
    data = doc.data
    shared = shared_items(data)
    return Journey(
        file=doc.path,
        title=data["title"],
        id=data.get("id", ""),
        description=data.get("description", ""),
        owner=data.get("owner", ""),
        last_reviewed=data.get("last_reviewed"),
        tags=list(data.get("tags", [])),
        related=list(data.get("related", [])),
        uses=list(data.get("use", [])),
        personas=shared.personas,
        channels=shared.channels,
        sources=shared.sources,
        stages=_stages(data.get("stages", []), earlier),
        opportunities=shared.opportunities,
        data=dict(data.get("data", {})),
    )


def _stages(raw: list[dict[str, Any]], earlier: tuple[Document, Journey] | None) -> list[Stage]:
    before: list[Any] = []
    built: list[Stage] = []
    if earlier is not None:
        old = earlier[0].data.get("stages")
        # only while the earlier journey's stages are exactly the model of its data's
        if isinstance(old, list) and len(old) == len(earlier[1].stages):
            before, built = old, earlier[1].stages
    stages = []
    for index, stage in enumerate(raw):
        if index < len(before) and before[index] is stage:
            stages.append(built[index])
        else:
            stages.append(_stage(stage, ("stages", index)))
    return stages


@dataclass
class SharedItems:
    """What a library may hold, and a map may take from one: `origin` names the library file."""

    personas: list[Persona] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)

    def all(self) -> list[Persona | Channel | Source | Opportunity]:
        return [*self.personas, *self.channels, *self.sources, *self.opportunities]


def shared_items(data: dict[str, Any], origin: str = "") -> SharedItems:
    """The personas, channels, sources and opportunities of a map's or a library's data (which
    passed its schema); `origin` is the library's path, "" for a map."""
    return SharedItems(
        personas=[
            _persona(p, ("personas", i), origin) for i, p in enumerate(data.get("personas", []))
        ],
        channels=[
            Channel(c["id"], c["name"], ("channels", i), c.get("kind", ""), origin)
            for i, c in enumerate(data.get("channels", []))
        ],
        sources=[
            Source(s["id"], ("sources", i), s.get("kind", ""), s.get("title", ""), s.get("url", ""), origin)
            for i, s in enumerate(data.get("sources", []))
        ],
        opportunities=[
            _opportunity(o, ("opportunities", i), origin) for i, o in enumerate(data.get("opportunities", []))
        ],
    )


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration_seconds(text: str) -> float:
    """Seconds in a duration the schema allows ("7d", "90m")."""
    return float(int(text[:-1]) * DURATION_UNITS[text[-1]])


def _signal(raw: str | dict[str, Any]) -> Signal:
    if isinstance(raw, str):
        return Signal(raw)
    where = tuple(
        (name, tuple(value) if isinstance(value, list) else (value,)) for name, value in raw.get("where", {}).items()
    )
    return Signal(raw["event"], where)


def _kpi_measure(raw: dict[str, Any] | None) -> KpiMeasure | None:
    if not raw:
        return None
    kind, spec = next(iter(raw.items()))
    if kind in ("reach", "survey_score"):
        return KpiMeasure(kind, spec)
    if kind == "return_share":
        return KpiMeasure(kind, spec["touchpoint"], seconds=duration_seconds(spec.get("after", "1d")))
    within = spec.get("within")
    return KpiMeasure(kind, spec["from"], spec["to"], duration_seconds(within) if within else None)


def _persona(p: dict[str, Any], path: Path_, origin: str) -> Persona:
    return Persona(
        p["id"], p["name"], path, p.get("description", ""), p.get("quote", ""),
        list(p.get("goals", [])), list(p.get("frustrations", [])), p.get("photo", ""), origin,
    )


def _stage(s: dict[str, Any], path: Path_) -> Stage:
    return Stage(
        id=s["id"],
        name=s["name"],
        path=path,
        phase=s.get("phase"),
        goal=s.get("goal", ""),
        description=s.get("description", ""),
        kpis=[
            Kpi(
                k["name"], (*path, "kpis", i), _text(k.get("target")), _text(k.get("current")),
                _kpi_measure(k.get("measure")), k.get("better", ""),
            )
            for i, k in enumerate(s.get("kpis", []))
        ],
        touchpoints=[
            _touchpoint(t, (*path, "touchpoints", i), s["id"]) for i, t in enumerate(s.get("touchpoints", []))
        ],
        journey=s.get("journey"),
        returns=list(s.get("returns", [])),
        optional=bool(s.get("optional", False)),
    )


def _touchpoint(t: dict[str, Any], path: Path_, stage_id: str) -> Touchpoint:
    return Touchpoint(
        id=t["id"],
        name=t["name"],
        path=path,
        stage_id=stage_id,
        description=t.get("description", ""),
        channel=t.get("channel"),
        personas=list(t.get("personas", [])),
        actions=list(t.get("actions", [])),
        thoughts=list(t.get("thoughts", [])),
        emotion=t.get("emotion"),
        evidence=list(t.get("evidence", [])),
        backstage=list(t.get("backstage", [])),
        support=list(t.get("support", [])),
        journey=t.get("journey"),
        pain_points=[
            PainPoint(
                id=p["id"],
                description=p["description"],
                path=(*path, "pain_points", i),
                touchpoint_id=t["id"],
                stage_id=stage_id,
                severity=p.get("severity", "medium"),
                severity_given="severity" in p,
                evidence=list(p.get("evidence", [])),
            )
            for i, p in enumerate(t.get("pain_points", []))
        ],
        signals=[_signal(raw) for raw in t.get("signals", [])],
        optional=bool(t.get("optional", False)),
    )


def _opportunity(o: dict[str, Any], path: Path_, origin: str) -> Opportunity:
    return Opportunity(
        id=o["id"],
        description=o["description"],
        path=path,
        addresses=list(o.get("addresses", [])),
        owner=o.get("owner", ""),
        status=o.get("status", "idea"),
        status_given="status" in o,
        origin=origin,
    )
