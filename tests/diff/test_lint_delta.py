"""The lint delta: findings matched by rule and the entity they name, never by line number."""

from __future__ import annotations

from journeymap.config import default_config
from journeymap.diff.lint_delta import Locator, Subject, lint_delta
from journeymap.diff.records import Entity, LintKind, Side
from journeymap.diff.sides import ReadOptions, default_options, read_side
from journeymap.findings import Finding, Severity
from journeymap.lint.engine import lint_findings
from journeymap.load import load_text
from journeymap.model import journey_from_document
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


def test_the_locator_names_the_innermost_entity_and_its_field():
    doc, _ = load_text(REVISION.read_text(encoding="utf-8"), "r.journey.yaml")
    assert doc is not None
    locator = Locator(doc)
    lines = doc.text.splitlines()
    line_of = {text.strip(): n for n, text in enumerate(lines, start=1)}
    # the severity line of card-declined, two lines below its id
    severity = line_of["- id: card-declined"] + 2
    assert lines[severity - 1].strip() == "severity: high"
    assert locator.subject(_at(severity, 23)) == Subject(Entity.PAIN_POINT, "card-declined", "checkout", "severity")
    kpi = line_of['- {name: Checkout completion, target: "80%", current: "76%"}']
    assert locator.subject(_at(kpi, 9)) == Subject(Entity.KPI, "Checkout completion", "checkout", None)
    assert locator.subject(_at(line_of["- id: gift-sender"], 5)) == Subject(Entity.PERSONA, "gift-sender", None, None)
    owner = lines.index("owner: checkout-team") + 1
    assert locator.subject(_at(owner, 1)) == Subject(Entity.MAP, "grocery-first-order", None, "owner")
    # a comment after a value belongs to the node before it
    assert locator.subject(_at(severity, 40)).id == "card-declined"


def _at(line: int, column: int) -> Finding:
    return Finding("r", line, column, Severity.INFO, "X", "x", "")


def test_the_default_rules_whatever_they_are_give_a_consistent_delta():
    options = default_options()
    options = ReadOptions(options.max_bytes, options.lint, TODAY)
    old = read_side(BASE.read_bytes(), "b.journey.yaml", Side.OLD, options)
    new = read_side(REVISION.read_bytes(), "r.journey.yaml", Side.NEW, options)
    assert old.linted and new.linted
    config = default_config()
    for side in (old, new):
        assert side.journey is not None and side.document is not None
        assert side.findings == lint_findings(side.document, journey_from_document(side.document), config, TODAY)
    delta = lint_delta(old.findings, old.document, new.findings, new.document)
    introduced = sum(c.kind is LintKind.INTRODUCED for c in delta)
    fixed = sum(c.kind is LintKind.FIXED for c in delta)
    assert introduced - fixed == len(new.findings) - len(old.findings)
    # every introduced finding is one the new side has, at its line
    at_new = {(f.rule_id, f.line, f.message) for f in new.findings}
    assert all((c.rule_id, c.line, c.message) in at_new for c in delta if c.kind is LintKind.INTRODUCED)
