"""Every lint rule: a map that triggers it (rule id, line:column, message) and one that does not.

Cases start from tests/fixtures/lint/clean.journey.yaml, which no rule flags
but missing-phase, and change one thing in it.
"""

from __future__ import annotations

import datetime

import pytest
from tests.conftest import FIXTURES

from journeymap.config import build_project
from journeymap.pipeline import analyse_bytes

TODAY = datetime.date(2026, 11, 24)
BASE = (FIXTURES / "lint" / "clean.journey.yaml").read_text()


def lint(text: str, **config):
    project = build_project({"select": ["all"], **config}, None).with_options(today=TODAY)
    analysis = analyse_bytes(text.encode("utf-8"), "m.journey.yaml", project)
    assert analysis.valid, [f.as_line() for f in analysis.findings]
    return analysis.findings


def edit(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_base_map_is_clean_but_for_its_missing_phases():
    assert [f.rule_name for f in lint(BASE)] == ["missing-phase"]


STAGE_WITHOUT_TOUCHPOINTS = edit(
    "  - id: receive\n    name: Receive\n", "  - id: idle\n    name: Idle\n    goal: Waits\n"
    "    kpis: [{name: Wait, target: '1', current: '2'}]\n  - id: receive\n    name: Receive\n"
)

CASES = [
    ("empty-journey", "JM101", edit(BASE[BASE.index("stages:"):BASE.index("opportunities:")], "stages: []\n",
                                    edit("    addresses: [surprise-fee]\n", "")),
     (3, 1), "map 'lint-base' has no stages"),
    ("stage-without-touchpoints", "JM102", STAGE_WITHOUT_TOUCHPOINTS, (48, 5), "stage 'idle' has no touchpoints"),
    ("stage-without-goal", "JM103", edit("    goal: Finds the shop\n", ""), (19, 5),
     "stage 'find' has no goal"),
    ("stage-without-kpi", "JM104", edit('    kpis: [{name: Visits, target: "100", current: "80"}]\n', ""), (19, 5),
     "stage 'find' has no KPI"),
    ("journey-ends-at-purchase", "JM105", edit("    phase: onboarding\n", ""), (31, 5),
     "the journey ends at stage 'buy' (purchase)"),
    ("missing-phase", "JM106", BASE, (18, 1),
     "no stage covers the phases consideration, decision, usage, retention, advocacy"),
    ("phase-out-of-order", "JM107", edit("    phase: onboarding\n", "    phase: awareness\n"), (50, 12),
     "stage 'receive' (awareness) comes after a purchase stage"),
    ("duplicate-name", "JM108", edit("    name: Receive\n", "    name: buy \n"), (49, 11),
     "stages 'buy' and 'receive' are both named 'buy'"),
    ("touchpoint-without-emotion", "JM201", edit("        emotion: 1\n", ""), (25, 9),
     "touchpoint 'sees-ad' has no emotion"),
    ("dip-without-pain-point", "JM202", edit("        emotion: 1\n", "        emotion: -2\n"), (29, 18),
     "touchpoint 'sees-ad' feels negative (-2) but records no pain point"),
    ("emotional-cliff", "JM203", edit("        emotion: -1\n", "        emotion: -2\n"), (41, 18),
     "emotion falls from +1 at 'sees-ad' to -2 at 'pays'"),
    ("unaddressed-pain-point", "JM204", edit("    addresses: [surprise-fee]\n", "    addresses: []\n"), (44, 13),
     "high pain point 'surprise-fee' is not addressed by any opportunity"),
    ("only-dropped-opportunities", "JM205", edit("    status: planned\n", "    status: dropped\n"), (44, 13),
     "every opportunity for pain point 'surprise-fee' is dropped ('fee-up-front')"),
    ("opportunity-without-owner", "JM206", edit("    owner: checkout-team\n", ""), (61, 5),
     "opportunity 'fee-up-front' has no owner"),
    ("opportunity-without-pain-point", "JM207",
     edit("opportunities:\n", "opportunities:\n  - {id: chatbot, description: Add a chatbot, owner: x}\n"),
     (61, 5), "opportunity 'chatbot' addresses no pain point"),
    ("no-persona", "JM301", edit(BASE[BASE.index("personas:"):BASE.index("channels:")], "",
                                 BASE.replace("        personas: [parent, student]\n", "")
                                 .replace("        personas: [parent]\n", "")
                                 .replace("        personas: [student]\n", "")),
     (3, 1), "map 'lint-base' names no persona"),
    ("unused-persona", "JM302", edit("        personas: [student]\n", "        personas: [parent]\n",
                                     edit("        personas: [parent, student]\n", "        personas: [parent]\n")),
     (10, 5), "persona 'student' goes through no touchpoint"),
    ("persona-without-goals", "JM303", edit("    goals: [Spend little]\n", ""), (10, 5),
     "persona 'student' has no goals"),
    ("unused-channel", "JM304", edit("        channel: courier\n", "        channel: web\n"), (15, 5),
     "channel 'courier' is used by no touchpoint"),
    ("single-channel-journey", "JM305", edit("  - {id: courier, name: Courier, kind: human}\n", "",
                                             edit("        channel: courier\n", "        channel: web\n")),
     (17, 1), "every touchpoint happens in channel 'web'"),
    ("touchpoint-without-channel", "JM306", edit("        channel: courier\n", ""), (54, 9),
     "touchpoint 'gets-parcel' names no channel"),
    ("no-evidence", "JM401", edit("            evidence: [interviews]\n", ""), (44, 13),
     "pain point 'surprise-fee' cites no evidence"),
    ("unused-source", "JM402", edit("sources:\n", "sources:\n  - {id: old-survey, kind: survey}\n"), (17, 5),
     "source 'old-survey' is cited by nothing"),
    ("stale-map", "JM403", edit("last_reviewed: 2026-10-01", "last_reviewed: 2025-01-31"), (5, 16),
     "the map was last reviewed 662 days ago (2025-01-31), more than 180"),
    ("no-owner", "JM404", edit("owner: cx-team\n", ""), (3, 1), "the map has no owner"),
]


@pytest.mark.parametrize(("name", "rule_id", "text", "position", "message"), CASES, ids=[c[0] for c in CASES])
def test_rule_flags_the_node_at_fault(name, rule_id, text, position, message):
    found = [f for f in lint(text) if f.rule_name == name]
    assert len(found) == 1, [f.message for f in lint(text)]
    [f] = found
    assert f.rule_id == rule_id
    assert (f.line, f.column) == position
    assert message in f.message


@pytest.mark.parametrize("name", [c[0] for c in CASES if c[0] != "missing-phase"])
def test_rule_is_quiet_on_the_clean_map(name):
    assert not [f for f in lint(BASE) if f.rule_name == name]


def test_missing_phase_is_quiet_when_all_phases_are_there():
    phases = ["awareness", "consideration", "decision", "purchase", "onboarding", "usage", "retention", "advocacy"]
    stages = "".join(
        f"  - id: s{i}\n    name: S{i}\n    phase: {p}\n    touchpoints: [{{id: t{i}, name: T{i}}}]\n"
        for i, p in enumerate(phases)
    )
    findings = lint(f"journeymap: 1\ntitle: Full\nstages:\n{stages}")
    assert not [f for f in findings if f.rule_name == "missing-phase"]


def test_critical_unaddressed_pain_point_is_an_error_and_low_a_warning():
    text = edit("    addresses: [surprise-fee]\n", "    addresses: []\n")
    [high] = [f for f in lint(text) if f.rule_name == "unaddressed-pain-point"]
    assert high.severity.value == "error"
    [low] = [f for f in lint(edit("severity: high", "severity: low", text)) if f.rule_name == "unaddressed-pain-point"]
    assert low.severity.value == "warning"


def test_missing_last_reviewed_is_stale():
    [f] = [f for f in lint(edit("last_reviewed: 2026-10-01\n", "")) if f.rule_name == "stale-map"]
    assert (f.line, f.column) == (3, 1)
    assert "no `last_reviewed` date" in f.message


def test_stale_map_option():
    text = edit("last_reviewed: 2026-10-01", "last_reviewed: 2026-09-01")
    assert not [f for f in lint(text) if f.rule_name == "stale-map"]
    [f] = [f for f in lint(text, rules={"stale-map": {"max_age_days": 30}}) if f.rule_name == "stale-map"]
    assert "84 days ago" in f.message and "more than 30" in f.message


def test_emotional_cliff_drop_option():
    text = edit("        emotion: -1\n", "        emotion: -2\n")
    assert not [f for f in lint(text, rules={"emotional-cliff": {"drop": 4}}) if f.rule_name == "emotional-cliff"]
