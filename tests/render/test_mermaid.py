"""Mermaid journey diagrams: what Mermaid reads back is exactly the map, whatever its text says."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeymap.render.mermaid import mermaid_source, mermaid_text
from journeymap.render.text import clean
from tests.conftest import run_cli
from tests.render.helpers import GROCERY, hostile_map, journey_of, parse_mermaid_journey


def expected_diagram(path: Path) -> dict[str, object]:
    """The diagram a map should become: stage → section, touchpoint → task, emotion e → score e + 3."""
    journey = journey_of(path)
    sections = []
    for stage in journey.stages:
        tasks = []
        for t in stage.touchpoints:
            actors = [clean(p.name) for p in journey.personas if not t.personas or p.id in t.personas]
            tasks.append({"name": clean(t.name), "score": 3 if t.emotion is None else t.emotion + 3, "actors": actors})
        sections.append({"name": clean(stage.name), "tasks": tasks})
    return {"title": clean(journey.title), "sections": sections}


def test_grocery_map_round_trips_through_a_mermaid_reader(cli):
    run = cli("render", str(GROCERY), "--format", "mermaid")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("journey\n    title First online grocery order\n")
    assert parse_mermaid_journey(run.stdout) == expected_diagram(GROCERY)


def test_scores_follow_emotion_plus_three_and_personas_become_actors(cli):
    diagram = parse_mermaid_journey(cli("render", str(GROCERY), "-f", "mermaid").stdout)
    first_order = next(s for s in diagram["sections"] if s["name"] == "First order")
    slot = next(t for t in first_order["tasks"] if t["name"] == "Picks a delivery slot")
    assert slot == {"name": "Picks a delivery slot", "score": 1, "actors": ["Busy parent", "Careful retiree"]}


def test_hostile_text_is_written_as_entity_codes_and_reads_back_unchanged(tmp_path):
    path = hostile_map(tmp_path, 9)
    text = mermaid_source(journey_of(path))
    assert parse_mermaid_journey(text) == expected_diagram(path)
    assert "#35;35#59;" in text  # a literal '#35;' in a name stays text, it does not become '#'
    assert "```" not in text  # could close the Markdown code fence around the diagram


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Journeys end", "#74;ourneys end"),
        ("title page", "#116;itle page"),
        ("Section 8 form", "#83;ection 8 form"),
        ("accTitle: x", "#97;ccTitle#58; x"),
        ("50% off; today: #1", "50#37; off#59; today#58; #35;1"),
        ("Tom & <Jerry>", "Tom #38; #60;Jerry#62;"),
    ],
)
def test_names_that_mermaid_would_misread_are_encoded(name, written):
    assert mermaid_text(name) == written


def test_commas_are_encoded_only_in_actor_lists():
    assert mermaid_text("Smith, Jane") == "Smith, Jane"
    assert mermaid_text("Smith, Jane", actor=True) == "Smith#44; Jane"


def test_touchpoints_without_emotion_score_neutral_and_are_listed(write_map):
    path = write_map(
        "journeymap: 1\ntitle: T\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
        "      - {id: a, name: A}\n      - {id: b, name: B, emotion: -1}\n"
    )
    text = mermaid_source(journey_of(path))
    assert "%% no emotion recorded, shown as neutral (3): a\n" in text
    tasks = parse_mermaid_journey(text)["sections"][0]["tasks"]
    assert [(t["name"], t["score"], t["actors"]) for t in tasks] == [("A", 3, []), ("B", 2, [])]


def test_mermaid_from_standard_input():
    run = run_cli("render", "-", "-f", "mermaid", input=GROCERY.read_text(encoding="utf-8"))
    assert run.exit_code == 0, run.stderr
    assert parse_mermaid_journey(run.stdout) == expected_diagram(GROCERY)
