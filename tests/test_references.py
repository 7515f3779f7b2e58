"""Ids are unique within their kind; references resolve, with a hint for near misses."""

from __future__ import annotations

from journeymap.analysis import State
from tests.conftest import analysis_of

MAP = """journeymap: 1
title: T
personas:
  - id: busy-parent
    name: Busy parent
channels:
  - id: web
    name: Web
sources:
  - id: interviews
stages:
  - id: a
    name: A
    touchpoints:
      - id: t1
        name: T1
        channel: wbe
        personas: [busy-parent, student]
        evidence: [interviews]
        pain_points:
          - id: slow
            description: Slow
            evidence: [interveiws]
  - id: a
    name: B
opportunities:
  - id: faster
    description: Faster
    addresses: [slo]
"""


def test_references_and_duplicates_are_reported_where_they_are():
    result = analysis_of(MAP, "m.journey.yaml")
    got = [(f.line, f.column, f.rule_id, f.message) for f in result.findings]
    assert got == [
        (17, 18, "JM021", "'t1' names unknown channel 'wbe'; did you mean 'web'?"),
        (18, 33, "JM021", "'t1' names unknown persona 'student'; known: busy-parent"),
        (23, 24, "JM021", "'slow' names unknown source 'interveiws'; did you mean 'interviews'?"),
        (24, 9, "JM020", "stage id 'a' is already used at line 12; ids must be unique: rename one"),
        (29, 17, "JM021", "'faster' names unknown pain point 'slo'; did you mean 'slow'?"),
    ]
    assert result.state is State.INVALID


def test_same_id_in_different_kinds_is_fine():
    text = (
        "journeymap: 1\ntitle: T\nstages:\n  - id: x\n    name: X\n"
        "    touchpoints:\n      - id: x\n        name: X\n"
    )
    assert analysis_of(text, "m.journey.yaml", lint=False).findings == []


RETURNS = """journeymap: 1
title: T
stages:
  - id: discover
    name: Discover
    returns: [discover]
  - id: compare
    name: Compare
    returns: [discovr, decide]
  - id: decide
    name: Decide
    returns: [discover, compare]
"""


def test_a_return_names_an_earlier_stage():
    result = analysis_of(RETURNS, "m.journey.yaml", lint=False)
    got = [(f.line, f.column, f.rule_id, f.message) for f in result.findings]
    assert got == [
        (6, 15, "JM021", "stage 'discover' returns to 'discover', which is itself; a return names an earlier stage; "
         "the first stage has none"),
        (9, 15, "JM021", "'compare' names unknown stage 'discovr'; did you mean 'discover'?"),
        (9, 24, "JM021", "stage 'compare' returns to 'decide', which is a later stage; a return names an earlier "
         "stage; earlier stages: discover"),
    ]
    assert result.state is State.INVALID
    fixed = RETURNS.replace("    returns: [discover]\n", "", 1).replace("[discovr, decide]", "[discover]")
    assert analysis_of(fixed, "m.journey.yaml", lint=False).findings == []
