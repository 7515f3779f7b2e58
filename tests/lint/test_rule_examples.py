"""The examples in every rule's docs are real maps, and they do what the docs say.

`journeymap rules ID` and docs/rules.md show a "Flagged" and a "Clean" map for each
rule, read from its data file (src/journeymap/lint/rules/examples/ID.yaml). Each
"Flagged" example, written to a folder and validated with that rule selected, must
get a finding of that rule; each "Clean" one must be valid with no finding at all.
An example is one map, or, for the rules about libraries and across maps, several files,
each after a `# file: NAME` line.
A rule whose trigger cannot be written as map text (bytes that are not UTF-8, a file
over the size limit) is triggered by the TRIGGERS table instead, and a rule that no
example and no test case triggers fails the suite.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from tests.lint.test_measured import TRIGGERED as MEASURED_TRIGGERS
from tests.lint.test_rules import CASES

from journeymap.analysis import Analysis, State
from journeymap.builtin_rules import CORE_RULES
from journeymap.config import Project, build_project
from journeymap.findings import RuleInfo
from journeymap.lint.examples import RuleExamples, examples_of
from journeymap.lint.registry import all_rules
from journeymap.lint.rules import LINT_RULES, PORTFOLIO_RULES
from journeymap.pipeline import analyse_bytes, check_paths

# the examples' `last_reviewed` dates are recent as of this day
TODAY = datetime.date(2026, 11, 24)
LINT_IDS = {rule.info.id for rule in (*LINT_RULES, *PORTFOLIO_RULES)}
CORE_IDS = {rule.id for rule in CORE_RULES}

# rules whose trigger is data, not the map: a measures snapshot (tests/lint/test_measured.py
# measures a generated event log and triggers each of them at its line)
DATA_RULES = {"JM601", "JM602", "JM603", "JM604", "JM605", "JM606"}
# rules whose trigger is not map text: the bytes, and the project limits they break
TRIGGERS: dict[str, tuple[bytes, dict[str, int]]] = {
    "JM004": (b"journeymap: 1\ntitle: " + b"x" * 200 + b"\n", {"max_bytes": 100}),
    "JM006": (b"journeymap: 1\ntitle: Caf\xe9 checkout\n", {}),
}


def project_for(rule: RuleInfo, text: str) -> Project:
    """The rule alone, plus any rule the example's own suppression comments name (an unused
    suppression is only unused when the rule it silences runs)."""
    if rule.id not in LINT_IDS:
        return build_project({}, None).with_options(today=TODAY, lint=False)
    named = re.findall(r"journeymap: ignore(?:-file)?\[([a-z0-9, -]+)\]", text)
    extra = [key.strip() for group in named for key in group.split(",")]
    return build_project({"select": [rule.id, *extra]}, None).with_options(today=TODAY)


def files_of(example: str) -> dict[str, str]:
    parts = re.split(r"^# file: (\S+)\n", example, flags=re.M)
    if len(parts) == 1:
        return {"example.journey.yaml": example}
    assert parts[0] == "", "text before the first `# file:` line"
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def validated(example: str, rule: RuleInfo, folder: Path) -> list[Analysis]:
    for name, text in files_of(example).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return check_paths([str(folder)], project_for(rule, example)).analyses


def examples(which: str) -> list[RuleInfo]:
    return [rule for rule in all_rules() if getattr(examples_of(rule.id), which)]


@pytest.mark.parametrize("rule", [r for r in examples("flagged") if r.id not in DATA_RULES], ids=lambda r: r.name)
def test_flagged_example_gets_its_rule(rule: RuleInfo, tmp_path: Path) -> None:
    got = [f.rule_id for analysis in validated(examples_of(rule.id).flagged, rule, tmp_path) for f in analysis.findings]
    assert rule.id in got, f"`journeymap rules {rule.name}` shows a map it does not flag; it got {got}"


@pytest.mark.parametrize("rule", examples("clean"), ids=lambda r: r.name)
def test_clean_example_is_a_clean_map(rule: RuleInfo, tmp_path: Path) -> None:
    clean = examples_of(rule.id).clean
    analyses = validated(clean, rule, tmp_path)
    assert len(analyses) == len(files_of(clean))
    assert [f.as_line() for analysis in analyses for f in analysis.findings] == []
    assert {analysis.state for analysis in analyses} == {State.VALID}


@pytest.mark.parametrize("rule", [r for r in examples("flagged") if r.id in DATA_RULES], ids=lambda r: r.name)
def test_flagged_example_of_a_data_rule_is_a_sound_map_the_rule_leaves_alone_without_data(
    rule: RuleInfo, tmp_path: Path
) -> None:
    analyses = validated(examples_of(rule.id).flagged, rule, tmp_path)
    assert {analysis.state for analysis in analyses} == {State.VALID}
    assert [f.as_line() for analysis in analyses for f in analysis.findings] == []


@pytest.mark.parametrize("rule_id", sorted(TRIGGERS))
def test_rules_without_text_examples_are_triggered(rule_id: str) -> None:
    raw, limits = TRIGGERS[rule_id]
    project = build_project({}, None).with_options(**limits)
    analysis = analyse_bytes(raw, "example.journey.yaml", project)
    assert [f.rule_id for f in analysis.findings] == [rule_id]
    assert analysis.state is not State.VALID


def test_every_rule_has_a_case_that_triggers_it() -> None:
    triggered = {rule.id for rule in examples("flagged") if rule.id not in DATA_RULES} | set(TRIGGERS)
    triggered |= {case[1] for case in CASES} | set(MEASURED_TRIGGERS)
    missing = sorted(rule.id for rule in all_rules() if rule.id not in triggered)
    assert missing == [], f"rules that no example or test case triggers: {missing}"


def test_every_rule_shows_a_flagged_and_a_clean_map_unless_text_cannot_trigger_it() -> None:
    without = sorted(rule.id for rule in all_rules()
                     if not (examples_of(rule.id).flagged and examples_of(rule.id).clean) and rule.id not in TRIGGERS)
    assert without == []
    for rule in all_rules():
        ex = examples_of(rule.id)
        # not-a-journey-map's flagged example is, by design, not a map
        shown = (ex.clean,) if rule.name == "not-a-journey-map" else (ex.flagged, ex.clean)
        for text in filter(None, shown):
            for name, content in files_of(text).items():
                assert content.startswith(("journeymap: 1", "# journeymap:")), f"{rule.name}: {name} is not whole"


def test_every_rule_is_known_to_the_registry_once() -> None:
    ids = [rule.id for rule in all_rules()]
    assert len(ids) == len(set(ids))
    assert set(ids) == CORE_IDS | LINT_IDS


EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "journeymap" / "lint" / "rules" / "examples"


def test_every_examples_file_belongs_to_a_rule_and_holds_only_its_two_maps() -> None:
    known = {rule.id for rule in all_rules()}
    files = sorted(EXAMPLES.glob("*"))
    assert files and all(f.suffix == ".yaml" for f in files)
    assert sorted(f.stem for f in files if f.stem not in known) == []
    for file in files:
        assert set(examples_of(file.stem).__dict__) == {"flagged", "clean"}
        assert examples_of(file.stem) != RuleExamples(), f"{file.name} holds no example"


def test_examples_are_read_only_by_what_shows_them() -> None:
    """Checking a map never reads an examples file: validate pays nothing for the docs."""
    import subprocess
    import sys

    code = ("import sys; from journeymap.pipeline import analyse_bytes; from journeymap.config import default_project; "
            "analyse_bytes(b'journeymap: 1\\ntitle: T\\n', 'm.journey.yaml', default_project()); "
            "print('journeymap.lint.examples' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
