"""Properties of the diff on random maps: no change from a map to itself, the reverse diff mirrors
the forward one, and every edit a generator applies is reported exactly once."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.diff.engine import diff_journeys
from journeymap.diff.present import presenter
from journeymap.diff.records import Change, DiffReport, Kind, MapDiff, Status
from journeymap.schema_values import SEVERITIES, STATUSES
from tests.diff.helpers import facts, journey

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
NAMES = st.sampled_from(["Checks the price", "Pays", "Waits at home", "Opens the app", "Calls support", "Gives up"])
KINDS = ["digital", "physical", "human"]
# small id pools, so two independent maps share many ids
STAGE_IDS = [f"s{i}" for i in range(6)]
TOUCHPOINT_IDS = [f"t{i}" for i in range(12)]
PAIN_IDS = [f"p{i}" for i in range(8)]
OPPORTUNITY_IDS = [f"o{i}" for i in range(5)]
PERSONA_IDS = ["pa", "pb", "pc"]
CHANNEL_IDS = ["web", "app", "shop"]


@st.composite
def maps(draw: st.DrawFn) -> dict[str, Any]:
    channels = [
        {"id": c, "name": c.title(), "kind": draw(st.sampled_from(KINDS))}
        for c in draw(st.lists(st.sampled_from(CHANNEL_IDS), unique=True, max_size=3))
    ]
    stages = [
        {"id": s, "name": draw(NAMES), "touchpoints": []}
        for s in draw(st.lists(st.sampled_from(STAGE_IDS), unique=True, min_size=1, max_size=4))
    ]
    touchpoints = []
    for t in draw(st.lists(st.sampled_from(TOUCHPOINT_IDS), unique=True, max_size=8)):
        touchpoint: dict[str, Any] = {"id": t, "name": draw(NAMES)}
        emotion = draw(st.none() | st.integers(-2, 2))
        if emotion is not None:
            touchpoint["emotion"] = emotion
        if channels and draw(st.booleans()):
            touchpoint["channel"] = draw(st.sampled_from(channels))["id"]
        draw(st.sampled_from(stages))["touchpoints"].append(touchpoint)
        touchpoints.append(touchpoint)
    pains = []
    for p in draw(st.lists(st.sampled_from(PAIN_IDS), unique=True, max_size=5)) if touchpoints else []:
        owner = draw(st.sampled_from(touchpoints))
        owner.setdefault("pain_points", []).append(
            {"id": p, "description": draw(NAMES), "severity": draw(st.sampled_from(SEVERITIES))}
        )
        pains.append(p)
    opportunities = [
        {
            "id": o,
            "description": draw(NAMES),
            "addresses": draw(st.lists(st.sampled_from(pains), unique=True, max_size=2)) if pains else [],
            "status": draw(st.sampled_from(STATUSES)),
        }
        for o in draw(st.lists(st.sampled_from(OPPORTUNITY_IDS), unique=True, max_size=3))
    ]
    return {
        "journeymap": 1,
        "id": "random-map",
        "title": draw(NAMES),
        "owner": draw(st.sampled_from(["cx-team", "growth-team"])),
        "personas": [{"id": p, "name": p.upper()} for p in draw(st.lists(st.sampled_from(PERSONA_IDS), unique=True))],
        "channels": channels,
        "stages": stages,
        "opportunities": opportunities,
    }


def _mirrored(change: Change) -> tuple[Any, ...]:
    """The record the reverse diff must hold for `change`, without names and places (they differ by side)."""
    kind = {
        Kind.ADDED: Kind.REMOVED, Kind.REMOVED: Kind.ADDED, Kind.RESOLVED: Kind.REOPENED, Kind.REOPENED: Kind.RESOLVED,
    }.get(change.kind, change.kind)
    delta = -change.delta if change.delta is not None else None
    return _essence(kind, change.entity, change.id, change.field, change.new, change.old, delta)


def _essence(*parts: Any) -> tuple[Any, ...]:
    return tuple(json.dumps(p, sort_keys=True) if isinstance(p, list) else p for p in parts)


def _plain(change: Change) -> tuple[Any, ...]:
    return _essence(change.kind, change.entity, change.id, change.field, change.old, change.new, change.delta)


@SETTINGS
@given(maps())
def test_a_map_compared_with_itself_has_no_changes(data):
    assert diff_journeys(journey(data), journey(copy.deepcopy(data))) == []


@SETTINGS
@given(maps(), maps())
def test_the_reverse_diff_mirrors_the_forward_diff(a, b):
    forward = diff_journeys(journey(a), journey(b))
    backward = diff_journeys(journey(b), journey(a))
    assert sorted(map(_mirrored, forward), key=repr) == sorted(map(_plain, backward), key=repr)


@SETTINGS
@given(maps(), maps())
def test_emotion_changes_carry_their_signed_delta(a, b):
    for change in diff_journeys(journey(a), journey(b)):
        if change.field == "emotion" and change.kind is Kind.CHANGED:
            if isinstance(change.old, int) and isinstance(change.new, int):
                assert change.delta == change.new - change.old
            else:
                assert change.delta is None


@SETTINGS
@given(maps(), maps())
def test_every_presenter_handles_any_diff(a, b):
    changes = diff_journeys(journey(a), journey(b))
    report = DiffReport("a", "b", [MapDiff(Status.MODIFIED, "a.journey.yaml", "b.journey.yaml", changes=changes)])
    as_json = json.loads(presenter("json")(report))
    assert len(as_json["maps"][0]["changes"]) == len(changes)
    text = presenter("text")(report)
    assert text.rstrip().endswith(".")
    assert "<details>" in presenter("markdown")(report)


# --- random edits --------------------------------------------------------------------------

Fact = tuple[str, str, str, str | None]


class Editor:
    """Applies random edits to a copy of a map, each to an entity no other edit touches,
    and records the change each one must produce."""

    def __init__(self, data: dict[str, Any], draw: st.DrawFn) -> None:
        self.data = copy.deepcopy(data)
        self.draw = draw
        self.used: set[str] = set()
        self.expected: list[Fact] = []
        self.counter = 0
        self.original_stages = {s["id"] for s in self.data["stages"]}
        self.original_touchpoints = {t["id"]: s["id"] for s in self.data["stages"] for t in s["touchpoints"]}

    def touchpoints(self) -> list[dict[str, Any]]:
        return [t for s in self.data["stages"] for t in s["touchpoints"]]

    def pick(self, items: list[dict[str, Any]]) -> dict[str, Any] | None:
        free = [i for i in items if i["id"] not in self.used]
        if not free:
            return None
        item = self.draw(st.sampled_from(free))
        self.used.add(item["id"])
        return item

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def expect(self, kind: str, entity: str, entity_id: str, field: str | None) -> None:
        self.expected.append((kind, entity, entity_id, field))

    # each edit returns without a change when the map has nothing it could apply to

    def rename_touchpoint(self) -> None:
        if (t := self.pick(self.touchpoints())) is not None:
            t["name"] += " (renamed)"
            self.expect("renamed", "touchpoint", t["id"], "name")

    def change_emotion(self) -> None:
        if (t := self.pick(self.touchpoints())) is not None:
            t["emotion"] = self.draw(st.sampled_from([e for e in range(-2, 3) if e != t.get("emotion")]))
            self.expect("changed", "touchpoint", t["id"], "emotion")

    def add_touchpoint(self) -> None:
        stage = self.draw(st.sampled_from(self.data["stages"]))
        new = {"id": self.new_id("new-t"), "name": "Added touchpoint"}
        stage["touchpoints"].insert(self.draw(st.integers(0, len(stage["touchpoints"]))), new)
        self.used.add(new["id"])
        self.expect("added", "touchpoint", new["id"], "emotion")

    def remove_touchpoint(self) -> None:
        candidates = [t for t in self.touchpoints() if not t.get("pain_points")]
        if (t := self.pick(candidates)) is not None:
            for stage in self.data["stages"]:
                stage["touchpoints"] = [x for x in stage["touchpoints"] if x is not t]
            self.expect("removed", "touchpoint", t["id"], "emotion")

    def move_touchpoint(self) -> None:
        if len(self.data["stages"]) < 2:
            return
        if (t := self.pick(self.touchpoints())) is None:
            return
        source = next(s for s in self.data["stages"] if any(x is t for x in s["touchpoints"]))
        target = self.draw(st.sampled_from([s for s in self.data["stages"] if s is not source]))
        source["touchpoints"] = [x for x in source["touchpoints"] if x is not t]
        target["touchpoints"].append(t)
        self.expect("moved", "touchpoint", t["id"], "stage")

    def swap_touchpoints(self) -> None:
        stages = [s for s in self.data["stages"] if f"order:{s['id']}" not in self.used]
        for stage in self.draw(st.permutations(stages)):
            # only touchpoints that started here and nothing else touches: their order is the stage's
            free = [i for i, t in enumerate(stage["touchpoints"])
                    if t["id"] not in self.used and self.original_touchpoints.get(t["id"]) == stage["id"]]
            if len(free) >= 2:
                i, j = self.draw(st.lists(st.sampled_from(free), min_size=2, max_size=2, unique=True))
                items = stage["touchpoints"]
                items[i], items[j] = items[j], items[i]
                self.used |= {items[i]["id"], items[j]["id"], f"order:{stage['id']}"}
                self.expect("reordered", "stage", stage["id"], "touchpoints")
                return

    def change_severity(self) -> None:
        pains = [p for t in self.touchpoints() for p in t.get("pain_points", [])]
        if (p := self.pick(pains)) is not None:
            p["severity"] = self.draw(st.sampled_from([s for s in SEVERITIES if s != p["severity"]]))
            self.expect("changed", "pain_point", p["id"], "severity")

    def add_pain_point(self) -> None:
        touchpoints = self.touchpoints()
        if touchpoints:
            new = {"id": self.new_id("new-p"), "description": "A new pain", "severity": "high"}
            self.draw(st.sampled_from(touchpoints)).setdefault("pain_points", []).append(new)
            self.used.add(new["id"])
            self.expect("added", "pain_point", new["id"], "severity")

    def rename_stage(self) -> None:
        if (s := self.pick(self.data["stages"])) is not None:
            s["name"] += " (renamed)"
            self.expect("renamed", "stage", s["id"], "name")

    def add_stage(self) -> None:
        new = {"id": self.new_id("new-s"), "name": "Added stage", "touchpoints": []}
        self.data["stages"].insert(self.draw(st.integers(0, len(self.data["stages"]))), new)
        self.used.add(new["id"])
        self.expect("added", "stage", new["id"], None)

    def swap_stages(self) -> None:
        if "order:stages" in self.used:
            return
        free = [i for i, s in enumerate(self.data["stages"]) if s["id"] in self.original_stages]
        if len(free) >= 2:
            i, j = self.draw(st.lists(st.sampled_from(free), min_size=2, max_size=2, unique=True))
            stages = self.data["stages"]
            stages[i], stages[j] = stages[j], stages[i]
            self.used.add("order:stages")
            self.expect("reordered", "map", "random-map", "stages")

    def change_owner(self) -> None:
        if "owner" not in self.used:
            self.used.add("owner")
            self.data["owner"] = "someone-else"
            self.expect("changed", "map", "random-map", "owner")

    def add_persona(self) -> None:
        new = {"id": self.new_id("new-persona"), "name": "New persona"}
        self.data["personas"].append(new)
        self.expect("added", "persona", new["id"], None)

    def change_status(self) -> None:
        if (o := self.pick(self.data["opportunities"])) is not None:
            o["status"] = self.draw(st.sampled_from([s for s in STATUSES if s != o["status"]]))
            self.expect("changed", "opportunity", o["id"], "status")

    def change_channel_kind(self) -> None:
        if (c := self.pick(self.data["channels"])) is not None:
            c["kind"] = self.draw(st.sampled_from([k for k in KINDS if k != c["kind"]]))
            self.expect("changed", "channel", c["id"], "kind")

    def edits(self) -> list[Callable[[], None]]:
        return [
            self.rename_touchpoint, self.change_emotion, self.add_touchpoint, self.remove_touchpoint,
            self.move_touchpoint, self.swap_touchpoints, self.change_severity, self.add_pain_point,
            self.rename_stage, self.add_stage, self.swap_stages, self.change_owner, self.add_persona,
            self.change_status, self.change_channel_kind,
        ]


def _resolved(data: dict[str, Any]) -> set[str]:
    """Pain points that opportunities address and every one of them is done (computed from the data)."""
    statuses: dict[str, list[str]] = {}
    for o in data["opportunities"]:
        for p in set(o["addresses"]):
            statuses.setdefault(p, []).append(o["status"])
    return {p for p, s in statuses.items() if all(x == "done" for x in s)}


@SETTINGS
@given(maps(), st.data())
def test_every_random_edit_is_reported_exactly_once(base, data):
    editor = Editor(base, data.draw)
    for edit in data.draw(st.lists(st.sampled_from(editor.edits()), min_size=1, max_size=8)):
        edit()
    changes = diff_journeys(journey(base), journey(editor.data))
    direct = [c for c in changes if c.kind not in (Kind.RESOLVED, Kind.REOPENED)]
    assert facts(direct) == sorted(editor.expected)
    # pain points resolved or reopened follow from the opportunities, and are reported once each
    pains = {p["id"] for s in editor.data["stages"] for t in s["touchpoints"] for p in t.get("pain_points", [])}
    before, after = _resolved(base) & pains, _resolved(editor.data) & pains
    derived = sorted((c.kind.value, c.id) for c in changes if c.kind in (Kind.RESOLVED, Kind.REOPENED))
    assert derived == sorted([("resolved", p) for p in after - before] + [("reopened", p) for p in before - after])
