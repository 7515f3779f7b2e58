"""The language server knows every field that names an id (the vocabulary's), KPI measures
included: completion, go to definition, find references and rename."""

from __future__ import annotations

from typing import Any

import pytest

from journeymap.config import default_project
from journeymap.edit.spans import Lines
from journeymap.lsp import features
from journeymap.lsp.positions import UTF16, Converter
from journeymap.pipeline import analyse_bytes

URI = "file:///shop.journey.yaml"
TEXT = """\
journeymap: 1
title: Shop
related: [returns]
channels:
  - {id: web, name: Website}
stages:
  - id: browse
    name: Browse
    kpis:
      - name: Reach
        measure: {reach: views}
      - name: Buying
        measure:
          conversion:
            from: views
            to: browse
    touchpoints:
      - id: views
        name: Views the shop
        channel: web
data:
  surveys:
    path: s.csv
    columns:
      touchpoint: tp
"""


def snapshot(text: str) -> features.MapVersion:
    analysis = analyse_bytes(text.encode("utf-8"), "shop.journey.yaml", default_project())
    lines = Lines(text)
    return features.MapVersion(URI, text, 1, analysis, analysis.document, lines, Converter(lines, UTF16))


def offset_of(text: str, needle: str, inside: int = 0) -> int:
    return text.index(needle) + inside


def labels(items: list[dict[str, Any]]) -> list[str]:
    return [item["label"] for item in items]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("{reach: views}", "{reach: v}", ["views", "browse"]),  # touchpoints, then stages
        ("            to: browse\n", "            to: \n", ["views", "browse"]),
        ("measure: {reach: views}", "measure: {return_share: {touchpoint: v}}", ["views"]),
        ("measure: {reach: views}", "measure: {survey_score: v}", ["views"]),
        ("        channel: web\n", "        channel: w\n", ["web"]),
        # ids of other maps are not known to one map's server; a survey's column is not an id
        ("related: [returns]", "related: [r]", []),
        ("      touchpoint: tp\n", "      touchpoint: t\n", []),
    ],
)
def test_completion_offers_the_kinds_the_field_names(before: str, after: str, expected: list[str]):
    text = TEXT.replace(before, after)
    snap = snapshot(text)
    typed = after.rstrip("\n").rstrip("}")
    at = offset_of(text, typed, len(typed))
    assert labels(features.completion(snap, at)) == expected


def test_references_and_definition_of_a_touchpoint_include_kpi_measures():
    snap = snapshot(TEXT)
    at = offset_of(TEXT, "- id: views", len("- id: v"))
    found = features.references(snap, at, include_declaration=False)
    lines = [r["range"]["start"]["line"] + 1 for r in found]
    assert lines == [11, 15]
    (definition,) = features.definition(snap, offset_of(TEXT, "from: views", len("from: v")))
    assert definition["range"]["start"]["line"] + 1 == 18


def test_rename_from_a_measure_renames_the_touchpoint_and_every_reference():
    snap = snapshot(TEXT)
    edit = features.rename(snap, offset_of(TEXT, "{reach: views}", len("{reach: vi")), "sees")
    edits = edit["changes"][URI]
    assert sorted(e["range"]["start"]["line"] + 1 for e in edits) == [11, 15, 18]
    assert {e["newText"] for e in edits} == {"sees"}


def test_hover_on_a_measure_reference_says_what_it_names():
    snap = snapshot(TEXT)
    shown = features.hover(snap, offset_of(TEXT, "to: browse", len("to: b")))
    assert shown is not None
    assert "**stage** `browse`: Browse (line 7)" in shown["contents"]["value"]
    assert "named by 1 reference" in shown["contents"]["value"]
