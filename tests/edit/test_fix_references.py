"""`journeymap fix` corrects a misspelt reference in every field that names an id, from the ids
of every kind the field may name (the vocabulary's)."""

from __future__ import annotations

from pathlib import Path

import pytest

MAP = """\
journeymap: 1
title: Steps
owner: team
last_reviewed: 2026-11-20
stages:
  - id: checkout
    name: Checkout
    kpis:
      - {name: Reach, measure: {reach: REF}}
    touchpoints:
      - {id: pays, name: Pays}
"""


@pytest.mark.parametrize(
    ("written", "fixed"),
    [("pay", "pays"), ("chekout", "checkout")],  # a touchpoint, and a stage: a measure's step may be either
)
def test_a_misspelt_measure_step_is_corrected_to_the_one_close_id(tmp_path: Path, cli, written: str, fixed: str):
    path = tmp_path / "steps.journey.yaml"
    path.write_text(MAP.replace("REF", written), encoding="utf-8")
    assert "did you mean" in cli("validate", str(path)).stdout
    run = cli("fix", str(path))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert path.read_text(encoding="utf-8") == MAP.replace("REF", fixed)


def test_a_survey_score_names_touchpoints_only(tmp_path: Path, cli):
    """`survey_score` names a touchpoint: a stage's id is no candidate, so nothing is guessed."""
    path = tmp_path / "steps.journey.yaml"
    text = MAP.replace("{reach: REF}", "{survey_score: checkou}")
    path.write_text(text, encoding="utf-8")
    run = cli("validate", str(path))
    assert "names unknown touchpoint 'checkou'; known: pays" in run.stdout
    assert cli("fix", str(path)).exit_code == 1
    assert path.read_text(encoding="utf-8") == text
