"""The linter around the rules: configuration, flags, suppression comments, exit codes, docs."""

from __future__ import annotations

import json

import pytest
from tests.conftest import FIXTURES, ROOT, run_cli

from journeymap.config import load_project
from journeymap.lint import docs as rules_doc

BASE = (FIXTURES / "lint" / "clean.journey.yaml").read_text()
NO_KPI = BASE.replace('    kpis: [{name: Visits, target: "100", current: "80"}]\n', "")  # stage-without-kpi at 19:5
NO_OWNER_OPP = BASE.replace("    owner: checkout-team\n", "")  # opportunity-without-owner (warning) at 61:5


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository folder to run journeymap in, so configuration is found as in real use."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(run) -> list[dict]:
    return json.loads(run.stdout)


def test_default_run_reports_info_without_failing(project):
    (project / "m.journey.yaml").write_text(NO_KPI)
    run = run_cli("validate", "m.journey.yaml")
    assert run.exit_code == 0
    assert "m.journey.yaml:19:5: info [JM104] stage 'find' has no KPI" in run.stdout


def test_warnings_fail_only_with_strict(project):
    (project / "m.journey.yaml").write_text(NO_OWNER_OPP)
    assert run_cli("validate", "m.journey.yaml").exit_code == 0
    strict = run_cli("validate", "--strict", "m.journey.yaml")
    assert strict.exit_code == 1
    assert "warning [JM206]" in strict.stdout


def test_ignore_and_select_flags_by_name_or_id(project):
    (project / "m.journey.yaml").write_text(NO_OWNER_OPP)
    ignored = run_cli("validate", "--strict", "--ignore", "opportunity-without-owner", "--format", "json",
                      "m.journey.yaml")
    assert ignored.exit_code == 0
    assert "JM206" not in ignored.stdout
    only = run_cli("validate", "--select", "jm206", "--format", "json", "m.journey.yaml")
    assert {f["rule_id"] for f in findings(only)} == {"JM206"}


def test_unknown_rule_in_flags_exits_2_naming_it_and_where_the_list_is(project):
    (project / "m.journey.yaml").write_text(BASE)
    run = run_cli("validate", "--select", "no-such-rule", "m.journey.yaml")
    assert run.exit_code == 2
    assert "unknown rule 'no-such-rule'" in run.stderr and "`journeymap rules` lists every rule" in run.stderr
    assert run.stdout == ""


def test_config_file_selects_regrades_and_sets_options(project):
    (project / "m.journey.yaml").write_text(NO_KPI.replace("last_reviewed: 2026-10-01", "last_reviewed: 2026-01-01"))
    (project / ".journeymap.yaml").write_text(
        "ignore: [missing-phase]\nseverity: {stage-without-kpi: error}\nrules:\n  stale-map: {max_age_days: 3650}\n"
    )
    run = run_cli("validate", "--format", "json", "m.journey.yaml")
    assert run.exit_code == 1
    got = {(f["rule_name"], f["severity"]) for f in findings(run)}
    assert got == {("stage-without-kpi", "error")}


def test_config_in_pyproject_from_a_subfolder(project, monkeypatch):
    (project / "pyproject.toml").write_text('[tool.journeymap]\nignore = ["stage-without-kpi", "missing-phase"]\n')
    (project / "maps").mkdir()
    (project / "maps" / "m.journey.yaml").write_text(NO_KPI)
    monkeypatch.chdir(project / "maps")
    run = run_cli("validate", "m.journey.yaml")
    assert run.exit_code == 0
    assert run.stdout == "All clean: 1 map checked, no findings.\n"


def test_config_exclude(project):
    (project / "drafts").mkdir()
    (project / "drafts" / "wip.journey.yaml").write_text("journeymap: 1\n")
    (project / "m.journey.yaml").write_text(BASE)
    (project / ".journeymap.yaml").write_text('exclude: ["drafts/*"]\n')
    run = run_cli("validate", "--format", "json", ".")
    assert run.exit_code == 0
    assert "wip" not in run.stdout


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("select: [nope]\n", "unknown rule 'nope'"),
        ("severity: {stale-map: fatal}\n", "must be error, warning or info"),
        ("rules: {stale-map: {max_days: 3}}\n", "has no option 'max_days'; its options: max_age_days"),
        ("rules: {stale-map: {max_age_days: soon}}\n", "must be int"),
        ("rules: {unmapped-volume-drift: {max_share: yes}}\n", "must be a number, not True"),
        ("colour: red\n", "unknown key 'colour'"),
        ("select: [\n", "invalid YAML"),
    ],
)
def test_invalid_config_exits_2(project, config, words):
    (project / "m.journey.yaml").write_text(BASE)
    (project / ".journeymap.yaml").write_text(config)
    run = run_cli("validate", "m.journey.yaml")
    assert run.exit_code == 2
    assert words in run.stderr
    assert run.stderr.startswith("journeymap: error: ")


def test_a_whole_number_is_a_decimal_option(project):
    """`max_share: 1` means 1.0: a team that writes whole numbers is not refused for it."""
    (project / ".journeymap.yaml").write_text("rules: {unmapped-volume-drift: {max_share: 1}}\n")
    options = load_project(None, project).rules.options["JM606"]
    assert options["max_share"] == 1.0 and isinstance(options["max_share"], float)


def test_inline_suppression_on_the_node_line(project):
    text = NO_KPI.replace("  - id: find\n", "  - id: find  # journeymap: ignore[stage-without-kpi]\n")
    (project / "m.journey.yaml").write_text(text)
    run = run_cli("validate", "--format", "json", "m.journey.yaml")
    assert not [f for f in findings(run) if f["rule_name"] in ("stage-without-kpi", "unused-suppression")]


def test_unused_and_unknown_suppressions_are_reported(project):
    text = BASE.replace("  - id: find\n", "  - id: find  # journeymap: ignore[stage-without-kpi, no-such]\n")
    (project / "m.journey.yaml").write_text(text)
    run = run_cli("validate", "--format", "json", "m.journey.yaml")
    unused = [(f["line"], f["message"]) for f in findings(run) if f["rule_name"] == "unused-suppression"]
    assert unused == [
        (19, "suppression names unknown rule 'no-such'; `journeymap rules` lists them"),
        (19, "suppression of 'stage-without-kpi' is unused: the rule finds nothing on this line; remove it"),
    ]


def test_file_suppression(project):
    text = "# journeymap: ignore-file[JM104, missing-phase]\n" + NO_KPI
    (project / "m.journey.yaml").write_text(text)
    run = run_cli("validate", "m.journey.yaml")
    assert run.stdout == "All clean: 1 map checked, no findings.\n"


def test_findings_reach_sarif_with_rule_metadata(project):
    (project / "m.journey.yaml").write_text(NO_OWNER_OPP)
    log = json.loads(run_cli("validate", "--format", "sarif", "m.journey.yaml").stdout)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["JM206"]["name"] == "opportunity-without-owner"
    assert "owner" in rules["JM206"]["help"]["text"]
    assert "JM206" in {r["ruleId"] for r in log["runs"][0]["results"]}


def test_rules_command_lists_and_explains():
    listing = run_cli("rules")
    assert listing.exit_code == 0
    line = next(x for x in listing.stdout.splitlines() if x.startswith("JM102"))
    assert "stage-without-touchpoints" in line and "error" in line
    for key in ("unaddressed-pain-point", "JM204", "jm204"):
        one = run_cli("rules", key)
        assert one.exit_code == 0
        assert one.stdout.startswith("JM204 unaddressed-pain-point (default severity: warning)")
        assert "Why:" in one.stdout and "How to fix:" in one.stdout and "Flagged:" in one.stdout
    unknown = run_cli("rules", "nope")
    assert unknown.exit_code == 2
    assert "no rule 'nope' (`journeymap rules` lists every rule)" in unknown.stderr
    typo = run_cli("rules", "yaml-syntx")  # built-in checks are explained too, so suggested too
    assert typo.exit_code == 2
    assert "no rule 'yaml-syntx'; did you mean 'yaml-syntax'?" in typo.stderr


def test_every_rule_is_documented():
    from journeymap.lint.examples import examples_of
    from journeymap.lint.registry import all_rules

    for rule in all_rules():
        assert rule.rationale and rule.fix and rule.summary, rule.id
    lint_rules = [r for r in all_rules() if r.id >= "JM100"]
    for rule in lint_rules:
        shown = examples_of(rule.id)
        assert shown.flagged and shown.clean, rule.id


def test_docs_rules_md_is_up_to_date():
    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == rules_doc.markdown_document(), "run `make docs` and commit docs/rules.md"
