"""The schema itself, and schema errors put into words at the right node."""

from __future__ import annotations

import json

import jsonschema
import pytest

from journeymap.load import load_text
from journeymap.schema import SCHEMA_ID, describe_path, schema, schema_findings

BASE = "journeymap: 1\ntitle: T\n"


def findings_for(text: str):
    doc, load_findings = load_text(text, "m.journey.yaml")
    assert load_findings == []
    return schema_findings(doc)


def test_schema_is_valid_draft_2020_12_with_stable_id():
    s = schema()
    jsonschema.Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"] == SCHEMA_ID


def _objects(node, where="#"):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{where}/{i}")


def test_every_property_has_title_and_description_and_typos_are_caught():
    for where, obj in _objects(schema()):
        assert obj.get("additionalProperties") is False, where
        for name, prop in obj["properties"].items():
            assert prop.get("title") and prop.get("description"), f"{where}/{name}"


def test_enums_have_descriptions_for_editors():
    def enums(node):
        if isinstance(node, dict):
            if "enum" in node:
                yield node
            for v in node.values():
                yield from enums(v)

    found = list(enums(schema()))
    assert len(found) >= 5
    for node in found:
        assert len(node["enumDescriptions"]) == len(node["enum"])


def test_schema_command_prints_it(cli):
    run = cli("schema")
    assert run.exit_code == 0
    assert json.loads(run.stdout)["$id"] == SCHEMA_ID


def test_valid_map_has_no_findings():
    assert findings_for(BASE + "last_reviewed: 2026-10-01\nstages: []\n") == []


def test_emotion_above_maximum_names_the_range():
    text = BASE + (
        "stages:\n  - id: a\n    name: A\n    touchpoints:\n      - id: t\n        name: T\n        emotion: 5\n"
    )
    [f] = findings_for(text)
    assert (f.line, f.column, f.rule_id) == (9, 18, "JM010")
    assert f.message == "stages[0].touchpoints[0].emotion: 5 is above the maximum 2 (emotion runs from -2 to +2)"


def test_an_optional_first_stage_is_refused_by_the_schema_editors_use_too():
    # editors validate against the published schema alone: they must flag what `validate` flags
    text = BASE + "stages:\n  - id: a\n    name: A\n    optional: true\n    emotion: 1\n  - id: b\n    name: B\n"
    found = findings_for(text)
    assert [(f.line, f.column, f.rule_id) for f in found] == [(6, 15, "JM010"), (7, 5, "JM010")]
    assert found[0].message == ("stage 'a' is the first stage, where the funnel starts, so it cannot be optional; "
                                "remove `optional: true` or put an earlier stage first")
    assert "unknown property 'emotion'" in found[1].message  # the first stage is still a stage
    doc, _ = load_text(text, "m.journey.yaml")
    assert not jsonschema.Draft202012Validator(schema()).is_valid(doc.data)
    later = BASE + "stages:\n  - id: a\n    name: A\n  - id: b\n    name: B\n    optional: true\n"
    assert findings_for(later) == []


def test_every_error_is_reported_sorted_by_line():
    text = BASE + "owner: [x]\nstages:\n  - id: Bad Id\n    name: A\n    touchpoint: []\n"
    found = findings_for(text)
    assert [f.line for f in found] == [3, 5, 7]
    assert "owner: expected text, got a list" in found[0].message
    assert "'Bad Id' is not a valid id" in found[1].message and "'bad-id'" in found[1].message
    assert "unknown property 'touchpoint'; did you mean 'touchpoints'?" in found[2].message
    assert found[2].column == 5


def test_missing_required_property():
    [f] = findings_for("journeymap: 1\n")
    assert f.message == "the map: 'title' is required; add it"
    assert (f.line, f.column) == (1, 1)


def test_wrong_version():
    [f] = findings_for("journeymap: 2\ntitle: T\n")
    assert f.message == "journeymap: must be 1, not 2"


def test_enum_with_hint():
    [f] = findings_for(BASE + "channels:\n  - id: web\n    name: Web\n    kind: digitl\n")
    assert "'digitl' is not one of digital, physical, human; did you mean 'digital'?" in f.message
    assert f.line == 6


def test_yes_no_boolean_gets_a_quoting_hint():
    [f] = findings_for(BASE + "owner: no\n")
    assert "expected text, got true or false false" in f.message
    assert "put the text in quotes" in f.message


def test_control_characters_are_refused():
    [f] = findings_for('journeymap: 1\ntitle: "bad\\x1b[31m"\n')
    assert "control character" in f.message


def test_bad_date_format():
    [f] = findings_for(BASE + "last_reviewed: '01/10/2026'\n")
    assert "last_reviewed" in f.message and "YYYY-MM-DD" in f.message


def test_messages_stay_short_for_huge_values():
    big = "x" * 100_000
    [f] = findings_for(f"journeymap: 1\ntitle: {big}\n")
    assert len(f.message) < 200
    assert "100,000 characters long" in f.message


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), "the map"),
        (("stages", 2, "touchpoints", 0, "emotion"), "stages[2].touchpoints[0].emotion"),
        (("odd key",), '["odd key"]'),
    ],
)
def test_describe_path(path, text):
    assert describe_path(path) == text
