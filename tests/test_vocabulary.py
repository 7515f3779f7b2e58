"""The vocabulary of ids: it covers every id the format has, and everything else reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap import vocabulary
from journeymap.diff.records import Entity
from journeymap.schema import schema_text
from journeymap.vocabulary import MAP, PAIN_POINT, PERSONA, STAGE, TOUCHPOINT, field_by_keys, occurrences
from tests.conftest import EXAMPLES, ROOT


def _id_paths(schema: dict[str, Any]) -> set[tuple[str, ...]]:
    """Every path (keys only) where the schema holds an id (`#/$defs/id`), alone or in a list."""
    defs = schema["$defs"]
    found: set[tuple[str, ...]] = set()

    def walk(node: Any, keys: tuple[str, ...], seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref", "")
        if ref == "#/$defs/id":
            found.add(keys)
            return
        if ref.startswith("#/$defs/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                walk(defs[name], keys, seen | {name})
        for key in ("items", "additionalProperties"):
            walk(node.get(key), keys, seen)
        for key in ("oneOf", "anyOf", "allOf"):
            for option in node.get(key, []):
                walk(option, keys, seen)
        for name, child in node.get("properties", {}).items():
            walk(child, (*keys, name), seen)

    walk(schema, (), frozenset())
    return found


def test_every_id_field_of_the_schema_is_a_definition_or_a_reference_in_the_table():
    """A field the format adds that holds an id must be added to the table, or rename, fix, the
    language server and the diff would not know it."""
    in_schema = _id_paths(json.loads(schema_text()))
    definitions = {tuple(str(p) for p in kind.defined_at if p != vocabulary.ANY) for kind in vocabulary.KINDS}
    references = {field.keys for field in vocabulary.FIELDS}
    assert in_schema == definitions | references
    assert not definitions & references


def test_each_kind_has_one_name_the_diff_and_the_command_line_agree_on():
    assert {kind.key for kind in vocabulary.KINDS} <= {entity.value for entity in Entity}
    for kind in vocabulary.KINDS:
        assert Entity(kind.key).noun == kind.name
    assert len({kind.name for kind in vocabulary.KINDS}) == len(vocabulary.KINDS)
    assert [k.option for k in vocabulary.KINDS if " " in k.name] == ["pain-point"]


def test_no_other_module_lists_the_reference_fields():
    """The copies that drifted apart are gone: no module but the vocabulary spells out the fields
    that name ids as a list of names."""
    offenders = []
    for path in (ROOT / "src" / "journeymap").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "vocabulary.py" and '"personas", "evidence", "addresses"' in text.replace("'", '"'):
            offenders.append(path.name)
        if path.name != "vocabulary.py" and '"evidence": "source"' in text:
            offenders.append(path.name)
    assert offenders == []


MAP_TEXT = """\
journeymap: 1
id: shop
title: Shop
related: [returns]
personas: [{id: buyer, name: Buyer}]
stages:
  - id: pays
    name: Pay
    journey: payment
    kpis:
      - name: Reach
        measure: {reach: pays}
      - name: Time
        measure: {median_time: {from: buy, to: pays}}
    touchpoints:
      - id: pays
        name: Pays
        personas: [buyer, ghost]
        pain_points: [{id: slow, description: Slow}]
      - id: buy
        name: Buy
  - id: later
    name: Later
    kpis:
      - name: Later reach
        measure: {reach: later}
opportunities: [{id: faster, description: Faster, addresses: [slow]}]
"""


def test_occurrences_come_in_the_order_written_with_the_kind_each_reference_resolves_to():
    data = yaml.safe_load(MAP_TEXT)
    found = [(o.kind.name, o.id, o.definition) for o in occurrences(data)]
    assert found == [
        ("map", "shop", True), ("map", "returns", False), ("persona", "buyer", True),
        ("stage", "pays", True), ("map", "payment", False),
        # a measure's step is the touchpoint when one has the id, else the stage
        ("touchpoint", "pays", False), ("touchpoint", "buy", False), ("touchpoint", "pays", False),
        ("touchpoint", "pays", True), ("persona", "buyer", False), ("persona", "ghost", False),
        ("pain point", "slow", True), ("touchpoint", "buy", True),
        ("stage", "later", True), ("stage", "later", False),
        ("opportunity", "faster", True), ("pain point", "slow", False),
    ]


def test_an_occurrences_owner_is_the_entity_holding_it():
    data = yaml.safe_load(MAP_TEXT)
    by_path = {o.path: o for o in occurrences(data)}
    assert by_path[("stages", 0, "touchpoints", 0, "personas", 1)].owner == ("stages", 0, "touchpoints", 0)
    assert by_path[("stages", 0, "kpis", 1, "measure", "median_time", "from")].owner == ("stages", 0, "kpis", 1)
    assert by_path[("stages", 0, "touchpoints", 0, "pain_points", 0, "id")].owner == (
        "stages", 0, "touchpoints", 0, "pain_points", 0)


def test_whatever_does_not_have_the_expected_shape_is_passed_over():
    assert occurrences(None) == []
    assert occurrences({"personas": "x", "stages": [None, {"id": 3, "touchpoints": {"id": "t"}}]}) == []
    half_typed = {"stages": [{"id": "s", "touchpoints": [{"id": "t", "channel": ["w"], "personas": "p"}]}]}
    assert [(o.kind, o.id) for o in occurrences(half_typed)] == [(STAGE, "s"), (TOUCHPOINT, "t")]


@pytest.mark.parametrize(
    ("keys", "field"),
    [
        (("stages", "touchpoints", "personas"), "personas"),
        (("personas",), "personas"),
        (("stages", "kpis", "measure", "conversion", "to"), "to"),
        (("return_share", "touchpoint"), "touchpoint"),
        (("opportunities", "addresses"), "addresses"),
        (("data", "surveys", "columns", "touchpoint"), None),
        (("stages", "name"), None),
        ((), None),
    ],
)
def test_the_field_under_an_editors_cursor_is_found_by_the_keys_above_it(keys: tuple[str, ...], field: str | None):
    found = field_by_keys(keys)
    assert (found.name if found else None) == field


def test_kinds_of_a_field_are_said_in_words_in_lookup_order():
    measure = field_by_keys(("measure", "reach"))
    assert measure is not None and measure.kind_words == "touchpoint or stage"
    assert field_by_keys(("addresses",)).kinds == (PAIN_POINT,)  # type: ignore[union-attr]
    assert field_by_keys(("related",)).kinds == (MAP,)  # type: ignore[union-attr]
    assert field_by_keys(("channel",)).kinds[0].section == "channels"  # type: ignore[union-attr]


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.journey.yaml")), ids=lambda p: p.name)
def test_every_persona_reference_in_the_examples_is_found(example: Path):
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    expected = sum(len(t.get("personas", [])) for s in data.get("stages", []) for t in s.get("touchpoints", []))
    found = [o for o in occurrences(data) if o.kind is PERSONA and not o.definition]
    assert len(found) == expected
