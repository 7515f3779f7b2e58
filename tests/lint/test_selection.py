"""Choosing rules: one registry of every rule, selectors by id, name or id prefix (as ruff's),
on the command line and in the configuration, and unknown selectors refused with a suggestion."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import FIXTURES, run_cli

from journeymap.builtin_rules import CORE_RULES
from journeymap.config import build_project
from journeymap.errors import ConfigProblem
from journeymap.lint import registry

BASE = (FIXTURES / "lint" / "clean.journey.yaml").read_text(encoding="utf-8")
# stage-without-kpi (JM104, info) and opportunity-without-owner (JM206, warning)
MAP = BASE.replace('    kpis: [{name: Visits, target: "100", current: "80"}]\n', "").replace(
    "    owner: checkout-team\n", ""
)
LINT_IDS = sorted(rule.id for rule in registry.lint_rules())


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "m.journey.yaml").write_text(MAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rule_ids(*flags: str) -> set[str]:
    run = run_cli("validate", "--format", "json", *flags, "m.journey.yaml")
    assert run.exit_code in (0, 1), run.stderr
    return {f["rule_id"] for f in json.loads(run.stdout)}


def test_the_registry_holds_every_rule_once_by_id_and_by_name():
    rules = registry.all_rules()
    assert len({r.id for r in rules}) == len({r.name for r in rules}) == len(rules)
    assert {r.id for r in CORE_RULES} <= {r.id for r in rules}
    for rule in rules:
        assert registry.find_rule(rule.id.lower()) is rule
        assert registry.find_rule(f" {rule.name} ") is rule


@given(st.sampled_from(["JM", *sorted({rule_id[:n] for rule_id in LINT_IDS for n in (3, 4, 5)})]))
def test_a_prefix_selects_exactly_the_lint_rules_whose_ids_start_with_it(prefix):
    chosen = registry.select(prefix.lower())
    assert not chosen.problem
    assert sorted(chosen.ids) == [rule_id for rule_id in LINT_IDS if rule_id.startswith(prefix)]


@given(st.sampled_from(LINT_IDS), st.sampled_from(LINT_IDS))
def test_select_then_ignore_by_prefix_is_set_difference(selected, ignored):
    built = build_project({"select": [selected[:4]], "ignore": [ignored[:5]]}, None)
    assert built.rules.enabled == {
        rule_id for rule_id in LINT_IDS if rule_id.startswith(selected[:4]) and not rule_id.startswith(ignored[:5])
    }


def test_prefixes_on_the_command_line(project):
    assert rule_ids() >= {"JM104", "JM206"}
    assert rule_ids("--select", "JM1") == {r for r in rule_ids() if r.startswith("JM1")} != set()
    assert "JM206" not in rule_ids("--ignore", "JM2")
    assert rule_ids("--select", "JM1,JM20", "--ignore", "JM106") == {"JM104", "JM206"}


def test_prefixes_in_the_configuration(project):
    (project / ".journeymap.yaml").write_text("select: [JM2]\nseverity: {JM206: error}\n", encoding="utf-8")
    run = run_cli("validate", "--format", "json", "m.journey.yaml")
    assert run.exit_code == 1
    assert {(f["rule_id"], f["severity"]) for f in json.loads(run.stdout)} == {("JM206", "error")}
    (project / ".journeymap.yaml").write_text("ignore: [jm1]\n", encoding="utf-8")
    assert not any(r.startswith("JM1") for r in rule_ids())


@pytest.mark.parametrize(
    ("where", "selector", "says"),
    [
        ("flag", "stage-without-kpis", "unknown rule 'stage-without-kpis'; did you mean 'stage-without-kpi'?"),
        ("flag", "JM1O4", "--select: unknown rule 'JM1O4'; did you mean 'JM104'?"),
        ("flag", "JM7", "--select: unknown rule 'JM7'"),
        ("flag", "JM0", "'JM0' names only built-in checks, which always run"),
        ("config", "yaml-syntax", "'yaml-syntax' is a built-in check (JM001), which always runs"),
        ("config", "stale-mpa", "select: unknown rule 'stale-mpa'; did you mean 'stale-map'?"),
    ],
)
def test_an_unknown_selector_exits_2_naming_it_with_a_suggestion(project, where, selector, says):
    if where == "config":
        (project / ".journeymap.yaml").write_text(f"select: [{selector}]\n", encoding="utf-8")
        run = run_cli("validate", "m.journey.yaml")
    else:
        run = run_cli("validate", "--select", selector, "m.journey.yaml")
    assert run.exit_code == 2
    assert says in run.stderr
    assert run.stderr.count("\n") == 1 and run.stdout == ""


def test_severity_and_options_name_one_rule():
    with pytest.raises(ConfigProblem, match="'JM1' names several rules; name one here"):
        build_project({"severity": {"JM1": "error"}}, "c.yaml")
    with pytest.raises(ConfigProblem, match="did you mean 'stale-map'"):
        build_project({"rules": {"stale-maps": {"max_age_days": 3}}}, "c.yaml")


def test_a_suppression_naming_a_built_in_check_says_it_cannot_silence_it(project):
    (project / "m.journey.yaml").write_text(MAP.replace("title: Lint base map", "title: Lint base map  "
                                                        "# journeymap: ignore[JM010]"), encoding="utf-8")
    run = run_cli("validate", "--format", "json", "m.journey.yaml")
    messages = [f["message"] for f in json.loads(run.stdout) if f["rule_id"] == "JM900"]
    assert messages == ["suppression names 'JM010', a built-in check that no comment silences; fix the map"]
