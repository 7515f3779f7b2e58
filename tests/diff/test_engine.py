"""The change records, one kind at a time, as a reviewer would read them."""

from __future__ import annotations

import copy
from typing import Any

from journeymap.diff.engine import diff_journeys, map_diff
from journeymap.diff.records import Change, Entity, Kind, Status
from tests.diff.helpers import journey


def base() -> dict[str, Any]:
    return {
        "journeymap": 1,
        "id": "shop",
        "title": "Online shop",
        "owner": "cx-team",
        "last_reviewed": "2026-06-01",
        "personas": [{"id": "parent", "name": "Busy parent"}],
        "channels": [{"id": "app", "name": "App", "kind": "digital"}, {"id": "chat", "name": "Chat", "kind": "human"}],
        "sources": [{"id": "interviews", "kind": "interview", "title": "Interviews"}],
        "stages": [
            {
                "id": "browse",
                "name": "Browse",
                "kpis": [{"name": "Visits", "target": "1000", "current": "800"}],
                "touchpoints": [
                    {"id": "search", "name": "Searches", "emotion": 0},
                    {"id": "compare", "name": "Compares prices", "emotion": 1, "actions": ["Opens two tabs"]},
                ],
            },
            {
                "id": "checkout",
                "name": "Checkout",
                "touchpoints": [
                    {"id": "pay", "name": "Pays by card", "emotion": 1, "channel": "app",
                     "pain_points": [{"id": "slow-3ds", "description": "3-D Secure is slow", "severity": "medium"}]},
                    {"id": "confirm", "name": "Sees the confirmation", "emotion": 2},
                ],
            },
        ],
        "opportunities": [
            {"id": "faster-3ds", "description": "Use app-based 3-D Secure", "addresses": ["slow-3ds"],
             "status": "planned"},
        ],
    }


def changes_after(edit: Any) -> list[Change]:
    old = base()
    new = copy.deepcopy(old)
    edit(new)
    return diff_journeys(journey(old), journey(new))


def touchpoint(data: dict[str, Any], touchpoint_id: str) -> dict[str, Any]:
    return next(t for s in data["stages"] for t in s["touchpoints"] if t["id"] == touchpoint_id)


def test_emotion_change_is_reported_with_a_signed_delta():
    def edit(d: dict[str, Any]) -> None:
        touchpoint(d, "pay")["emotion"] = -2

    assert changes_after(edit) == [
        Change(Kind.CHANGED, Entity.TOUCHPOINT, "pay", "Pays by card", stage="checkout", field="emotion",
               old=1, new=-2, delta=-3),
    ]


def test_emotion_given_for_the_first_time_has_no_delta():
    def edit(d: dict[str, Any]) -> None:
        del touchpoint(d, "pay")["emotion"]

    [change] = changes_after(edit)
    assert (change.field, change.old, change.new, change.delta) == ("emotion", 1, None, None)


def test_removed_touchpoint_takes_its_pain_points_with_it_and_leaves_the_opportunity_pointing_nowhere():
    def edit(d: dict[str, Any]) -> None:
        d["stages"][1]["touchpoints"].pop(0)
        d["opportunities"][0]["addresses"] = []

    changes = changes_after(edit)
    assert Change(Kind.REMOVED, Entity.TOUCHPOINT, "pay", "Pays by card", stage="checkout", field="emotion",
                  old=1) in changes
    assert Change(Kind.REMOVED, Entity.PAIN_POINT, "slow-3ds", "3-D Secure is slow", stage="checkout",
                  touchpoint="pay", field="severity", old="medium") in changes
    assert Change(Kind.CHANGED, Entity.OPPORTUNITY, "faster-3ds", "Use app-based 3-D Secure", field="addresses",
                  old=["slow-3ds"], new=[]) in changes
    assert len(changes) == 3


def test_added_touchpoint_says_where_and_how_it_feels():
    def edit(d: dict[str, Any]) -> None:
        d["stages"][1]["touchpoints"].insert(1, {"id": "wallet", "name": "Pays with a wallet", "emotion": 2})

    assert changes_after(edit) == [
        Change(Kind.ADDED, Entity.TOUCHPOINT, "wallet", "Pays with a wallet", stage="checkout", field="emotion", new=2),
    ]


def test_same_id_with_a_new_name_is_a_rename_not_a_remove_and_add():
    def edit(d: dict[str, Any]) -> None:
        touchpoint(d, "pay")["name"] = "Pays with Apple Pay"
        d["stages"][0]["name"] = "Discover"

    assert changes_after(edit) == [
        Change(Kind.RENAMED, Entity.STAGE, "browse", "Discover", stage="browse", field="name",
               old="Browse", new="Discover"),
        Change(Kind.RENAMED, Entity.TOUCHPOINT, "pay", "Pays with Apple Pay", stage="checkout", field="name",
               old="Pays by card", new="Pays with Apple Pay"),
    ]


def test_touchpoint_moved_to_another_stage_is_one_move_and_no_reordering():
    def edit(d: dict[str, Any]) -> None:
        moved = d["stages"][0]["touchpoints"].pop(1)
        d["stages"][1]["touchpoints"].insert(0, moved)

    assert changes_after(edit) == [
        Change(Kind.MOVED, Entity.TOUCHPOINT, "compare", "Compares prices", stage="checkout", field="stage",
               old="browse", new="checkout"),
    ]


def test_pain_point_moved_to_another_touchpoint():
    def edit(d: dict[str, Any]) -> None:
        touchpoint(d, "confirm")["pain_points"] = touchpoint(d, "pay").pop("pain_points")

    assert changes_after(edit) == [
        Change(Kind.MOVED, Entity.PAIN_POINT, "slow-3ds", "3-D Secure is slow", stage="checkout",
               touchpoint="confirm", field="touchpoint", old="pay", new="confirm"),
    ]


def test_reordering_is_one_record_per_list_with_both_orders():
    def edit(d: dict[str, Any]) -> None:
        d["stages"].reverse()
        d["stages"][1]["touchpoints"].reverse()

    assert changes_after(edit) == [
        Change(Kind.REORDERED, Entity.MAP, "shop", "Online shop", field="stages",
               old=["browse", "checkout"], new=["checkout", "browse"]),
        Change(Kind.REORDERED, Entity.STAGE, "browse", "Browse", stage="browse", field="touchpoints",
               old=["search", "compare"], new=["compare", "search"]),
    ]


def test_list_fields_and_references_are_field_changes():
    def edit(d: dict[str, Any]) -> None:
        touchpoint(d, "compare")["actions"] = ["Opens two tabs", "Reads reviews"]
        touchpoint(d, "pay")["channel"] = "chat"

    assert changes_after(edit) == [
        Change(Kind.CHANGED, Entity.TOUCHPOINT, "compare", "Compares prices", stage="browse", field="actions",
               old=["Opens two tabs"], new=["Opens two tabs", "Reads reviews"]),
        Change(Kind.CHANGED, Entity.TOUCHPOINT, "pay", "Pays by card", stage="checkout", field="channel",
               old="app", new="chat"),
    ]


def test_map_metadata_changes():
    def edit(d: dict[str, Any]) -> None:
        d["owner"] = "checkout-team"
        d["last_reviewed"] = "2026-11-20"
        d["title"] = "Online shop, first order"
        d["tags"] = ["mobile"]

    assert changes_after(edit) == [
        Change(Kind.RENAMED, Entity.MAP, "shop", "Online shop, first order", field="title",
               old="Online shop", new="Online shop, first order"),
        Change(Kind.CHANGED, Entity.MAP, "shop", "Online shop, first order", field="owner",
               old="cx-team", new="checkout-team"),
        Change(Kind.CHANGED, Entity.MAP, "shop", "Online shop, first order", field="last_reviewed",
               old="2026-06-01", new="2026-11-20"),
        Change(Kind.CHANGED, Entity.MAP, "shop", "Online shop, first order", field="tags", old=[], new=["mobile"]),
    ]


def test_personas_channels_and_sources_by_id():
    def edit(d: dict[str, Any]) -> None:
        d["personas"].append({"id": "student", "name": "Student"})
        d["channels"][1]["kind"] = "digital"
        d["sources"][0]["title"] = "Twelve interviews"

    assert changes_after(edit) == [
        Change(Kind.ADDED, Entity.PERSONA, "student", "Student"),
        Change(Kind.CHANGED, Entity.CHANNEL, "chat", "Chat", field="kind", old="human", new="digital"),
        Change(Kind.RENAMED, Entity.SOURCE, "interviews", "Twelve interviews", field="title",
               old="Interviews", new="Twelve interviews"),
    ]


def test_kpis_are_matched_by_name_within_their_stage():
    def edit(d: dict[str, Any]) -> None:
        d["stages"][0]["kpis"][0]["current"] = "950"
        d["stages"][1]["kpis"] = [{"name": "Conversion", "target": "5%"}]

    assert changes_after(edit) == [
        Change(Kind.CHANGED, Entity.KPI, "Visits", "Visits", stage="browse", field="current", old="800", new="950"),
        Change(Kind.ADDED, Entity.KPI, "Conversion", "Conversion", stage="checkout"),
    ]


def test_kpis_named_twice_are_compared_as_the_stage_list():
    def edit(d: dict[str, Any]) -> None:
        d["stages"][0]["kpis"] = [{"name": "Visits", "current": "900"}, {"name": "Visits", "current": "100"}]

    old = base()
    old["stages"][0]["kpis"].append({"name": "Visits", "current": "5"})
    new = copy.deepcopy(old)
    edit(new)
    assert diff_journeys(journey(old), journey(new)) == [
        Change(Kind.CHANGED, Entity.STAGE, "browse", "Browse", stage="browse", field="kpis",
               old=["Visits: 800 (target 1000)", "Visits: 5 (target ?)"],
               new=["Visits: 900 (target ?)", "Visits: 100 (target ?)"]),
    ]


def test_pain_point_resolved_when_every_addressing_opportunity_is_done():
    def edit(d: dict[str, Any]) -> None:
        d["opportunities"][0]["status"] = "done"

    changes = changes_after(edit)
    assert Change(Kind.RESOLVED, Entity.PAIN_POINT, "slow-3ds", "3-D Secure is slow", stage="checkout",
                  touchpoint="pay", field="opportunities", old=["faster-3ds"], new=["faster-3ds"]) in changes
    assert [c.kind for c in changes] == [Kind.CHANGED, Kind.RESOLVED]


def test_pain_point_reopened_when_a_new_opportunity_is_not_done_yet():
    old = base()
    old["opportunities"][0]["status"] = "done"
    new = copy.deepcopy(old)
    new["opportunities"].append({"id": "retry", "description": "Retry 3-D Secure", "addresses": ["slow-3ds"]})
    changes = diff_journeys(journey(old), journey(new))
    assert [(c.kind, c.entity, c.id) for c in changes] == [
        (Kind.ADDED, Entity.OPPORTUNITY, "retry"), (Kind.REOPENED, Entity.PAIN_POINT, "slow-3ds"),
    ]
    assert changes[1].new == ["faster-3ds", "retry"]


def test_defaults_written_out_are_not_changes():
    def edit(d: dict[str, Any]) -> None:
        touchpoint(d, "pay")["pain_points"][0]["severity"] = "medium"
        d["opportunities"][0]["status"] = "planned"

    assert changes_after(edit) == []


def test_map_diff_knows_removed_stages_and_names_from_both_sides():
    old = base()
    new = copy.deepcopy(old)
    new["stages"].insert(0, new["stages"].pop(1))
    new["stages"][0]["touchpoints"].append({"id": "extra", "name": "Extra step"})
    removed = new["stages"].pop(1)
    assert removed["id"] == "browse"
    diff = map_diff(journey(old), journey(new), "a", "b")
    assert diff.status is Status.MODIFIED
    # a removed stage is shown where it stood: browse came before checkout
    assert diff.stage_order == ["browse", "checkout"]
    assert diff.name_of(Entity.STAGE, "browse") == "Browse"
    assert diff.name_of(Entity.TOUCHPOINT, "extra") == "Extra step"
