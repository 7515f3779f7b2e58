"""One minus sign for people, ASCII for machines: text meant to be read (the text reporter, the
lines a command prints about a map, the diff's text and Markdown) writes negative numbers with
the true minus sign (U+2212) the pictures use; JSON, SARIF, GitHub annotations and JUnit keep the
hyphen-minus a parser expects."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import run_cli

from journeymap.strings import MINUS, true_minus

MAP = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: decide-2
    name: Decide
    touchpoints:
      - {{id: browse, name: Browses, emotion: {first}}}
      - {{id: basket, name: Basket, emotion: {second}}}
"""

# a hyphen-minus where a number is meant: at the start, after a space or bracket, before a digit
HYPHEN_NUMBER = re.compile(r"(?:^|[\s(\[])-\d", re.MULTILINE)


@pytest.fixture
def maps(tmp_path):
    old, new = tmp_path / "old.journey.yaml", tmp_path / "new.journey.yaml"
    old.write_text(MAP.format(first=1, second=-1), encoding="utf-8")
    new.write_text(MAP.format(first=1, second=-2), encoding="utf-8")
    broken = tmp_path / "broken.journey.yaml"
    broken.write_text(MAP.format(first=1, second=-5), encoding="utf-8")
    return old, new, broken


def _human_outputs(maps, tmp_path) -> dict[str, str]:
    old, new, broken = maps
    return {
        "validate text": run_cli("validate", str(new)).stdout,
        "validate text, broken": run_cli("validate", str(broken)).stdout,
        "render messages": run_cli("render", str(broken), "-f", "dot", "-o", str(tmp_path / "b.dot")).stderr,
        "diff text": run_cli("diff", str(old), str(new)).stdout,
        "diff markdown": run_cli("diff", str(old), str(new), "--format", "markdown").stdout,
    }


def test_text_for_people_writes_negative_numbers_with_the_true_minus(maps, tmp_path):
    for name, text in _human_outputs(maps, tmp_path).items():
        assert MINUS in text, f"{name} shows no negative number: {text}"
        assert not HYPHEN_NUMBER.search(text), f"{name} writes a hyphen for a minus: {text}"
    said = _human_outputs(maps, tmp_path)
    assert f"feels negative ({MINUS}2)" in said["validate text"]
    assert f"emotion runs from {MINUS}2 to +2" in said["validate text, broken"]
    assert f"emotion: {MINUS}1 → {MINUS}2 ({MINUS}1)" in said["diff text"]
    # ids, dates and ranges keep their hyphens
    assert "decide-2" in said["validate text"] + said["diff text"]


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "junit"])
def test_formats_read_by_machines_keep_the_ascii_sign(maps, fmt):
    _, new, broken = maps
    for path in (new, broken):
        text = run_cli("validate", str(path), "--format", fmt).stdout
        assert MINUS not in text, fmt
    assert "(-2)" in run_cli("validate", str(new), "--format", fmt).stdout


def test_diff_json_keeps_numbers_as_numbers(maps):
    old, new, _ = maps
    text = run_cli("diff", str(old), str(new), "--format", "json").stdout
    assert MINUS not in text and '"delta": -1' in text


@given(st.text(alphabet="-0123456789 abc().'/→:", max_size=30))
def test_only_signs_of_numbers_change(text):
    """Nothing but a hyphen before a digit changes, and never one inside a word, id, date, range,
    flag, quote or path."""
    changed = true_minus(text)
    assert len(changed) == len(text)
    for i, (before, after) in enumerate(zip(text, changed, strict=True)):
        if before != after:
            assert (before, after) == ("-", MINUS)
            assert text[i + 1].isdigit()
            assert i == 0 or text[i - 1] in " ():→"
    assert true_minus("step-2 2026-06-01 3-5 --max-bytes '-1' a/-1") == "step-2 2026-06-01 3-5 --max-bytes '-1' a/-1"
