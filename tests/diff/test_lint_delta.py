"""The lint delta: findings matched by rule and the entity they name, never by line number."""

from __future__ import annotations

from journeymap.config import default_project
from journeymap.diff.lint_delta import Subject, lint_delta, subject_of
from journeymap.diff.records import Entity, LintKind, Side
from journeymap.diff.sides import read_side
from journeymap.findings import Finding, Severity
from journeymap.load import load_text
from tests.conftest import analysis_of
from tests.diff.helpers import BASE, REVISION, TODAY, diff_texts, only_map

MAP = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: search
        name: Searches  # journeymap: ignore[made-up-rule]
        emotion: 0
      - id: pay
        name: Pays
        emotion: 1
"""
PADDING = "description: |\n" + "".join(f"  line {i}\n" for i in range(20))


def test_findings_that_only_moved_down_the_file_are_neither_introduced_nor_fixed():
    shifted = MAP.replace("title: Shop\n", "title: Shop\n" + PADDING)
    diff = only_map(diff_texts(MAP, shifted))
    assert diff.lint == []
    assert [c.field for c in diff.changes] == ["description"]


def test_a_finding_that_moves_to_another_entity_is_fixed_there_and_introduced_here():
    moved = MAP.replace("  # journeymap: ignore[made-up-rule]", "").replace(
        "name: Pays\n", "name: Pays  # journeymap: ignore[made-up-rule]\n"
    )
    lint = only_map(diff_texts(MAP, moved)).lint
    assert [(c.kind, c.rule_id, c.entity, c.id, c.line) for c in lint] == [
        (LintKind.INTRODUCED, "JM900", Entity.TOUCHPOINT, "pay", 12),
        (LintKind.FIXED, "JM900", Entity.TOUCHPOINT, "search", 9),
    ]


def test_findings_with_new_wording_about_the_same_thing_still_pair():
    doc, _ = load_text(MAP, "m.journey.yaml")
    assert doc is not None
    old = [Finding("m", 9, 9, Severity.WARNING, "JM403", "stale-map", "not reviewed for 181 days")]
    new = [Finding("m", 9, 9, Severity.WARNING, "JM403", "stale-map", "not reviewed for 200 days")]
    assert lint_delta(old, doc, new, doc) == []
    twice = [*new, Finding("m", 9, 9, Severity.WARNING, "JM403", "stale-map", "not reviewed for 181 days")]
    [extra] = lint_delta(old, doc, twice, doc)
    assert (extra.kind, extra.message) == (LintKind.INTRODUCED, "not reviewed for 200 days")


def test_a_findings_node_names_the_innermost_entity_and_its_field():
    doc, _ = load_text(REVISION.read_text(encoding="utf-8"), "r.journey.yaml")
    assert doc is not None
    data = doc.data
    stage = next(i for i, s in enumerate(data["stages"]) if s["id"] == "checkout")
    touchpoints = data["stages"][stage]["touchpoints"]
    at, pain = next((t, p) for t, tp in enumerate(touchpoints) for p, pp in enumerate(tp.get("pain_points", []))
                    if pp["id"] == "card-declined")
    severity = ("stages", stage, "touchpoints", at, "pain_points", pain, "severity")
    assert subject_of(data, severity) == Subject(Entity.PAIN_POINT, "card-declined", "checkout", "severity")
    kpi = next(k for k, v in enumerate(data["stages"][stage]["kpis"]) if v["name"] == "Checkout completion")
    assert subject_of(data, ("stages", stage, "kpis", kpi)) == Subject(Entity.KPI, "Checkout completion", "checkout",
                                                                      None)
    persona = next(i for i, p in enumerate(data["personas"]) if p["id"] == "gift-sender")
    assert subject_of(data, ("personas", persona)) == Subject(Entity.PERSONA, "gift-sender", None, None)
    assert subject_of(data, ("owner",)) == Subject(Entity.MAP, "grocery-first-order", None, "owner")


def test_a_comment_is_about_the_node_it_stands_beside():
    doc, _ = load_text(REVISION.read_text(encoding="utf-8"), "r.journey.yaml")
    assert doc is not None
    lines = doc.text.splitlines()
    severity_line = next(n for n, text in enumerate(lines, start=1) if text.strip() == "severity: high")
    node = doc.node_at(severity_line, 40)  # past the end of the value: where a comment would stand
    assert node[-1] == "severity"
    assert subject_of(doc.data, node).entity is Entity.PAIN_POINT


def test_every_finding_of_a_linted_map_carries_the_path_of_its_node():
    analysis = analysis_of(REVISION.read_bytes(), today=TODAY)
    assert analysis.linted and analysis.findings and analysis.document is not None
    for finding in analysis.findings:
        assert finding.node, finding.as_line()
        line, _ = analysis.document.position(finding.node)
        key_line, _ = analysis.document.key_position(finding.node)
        assert finding.line in (line, key_line), finding.as_line()


def test_the_default_rules_whatever_they_are_give_a_consistent_delta():
    project = default_project().with_options(today=TODAY)
    old = read_side(BASE.read_bytes(), "b.journey.yaml", Side.OLD, project)
    new = read_side(REVISION.read_bytes(), "r.journey.yaml", Side.NEW, project)
    assert old.linted and new.linted
    for side in (old, new):
        assert side.journey is not None and side.document is not None
        assert side.findings == analysis_of(side.raw, side.path, today=TODAY).findings
    delta = lint_delta(old.findings, old.document, new.findings, new.document)
    introduced = sum(c.kind is LintKind.INTRODUCED for c in delta)
    fixed = sum(c.kind is LintKind.FIXED for c in delta)
    assert introduced - fixed == len(new.findings) - len(old.findings)
    # every introduced finding is one the new side has, at its line
    at_new = {(f.rule_id, f.line, f.message) for f in new.findings}
    assert all((c.rule_id, c.line, c.message) in at_new for c in delta if c.kind is LintKind.INTRODUCED)
