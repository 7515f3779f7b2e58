"""The portfolio pass: cross-map rules when a folder is validated, with select, ignore, severity and
suppression comments working as for one map's rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

FOLDER = FIXTURES / "portfolio" / "folder"
ORDER = FOLDER / "order.journey.yaml"
DELIVERY = FOLDER / "delivery.journey.yaml"
LIBRARY = FOLDER / "people.library.yaml"


def _cross_map(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if "[JM5" in line]


def test_a_folder_run_reports_every_cross_map_rule_where_it_applies(cli):
    run = cli("validate", str(FOLDER))
    assert run.exit_code == 1  # an unknown and a circular sub-journey are errors
    assert _cross_map(run.stdout) == [
        f"{DELIVERY}:10:14: error [JM505] stage 'waits' links to map 'returns', which is not among the maps "
        "checked; check the id, or add that map",
        f"{DELIVERY}:14:18: error [JM506] touchpoint 'tracks' links to 'order', which leads back here "
        "(delivery -> order -> delivery); a sub-journey cannot contain the journey it is part of",
        f"{ORDER}:6:5: warning [JM501] persona 'parent' is defined differently at {DELIVERY}:6:5; define it once "
        "in a library (*.library.yaml) that both maps `use:`, or give one of them another id",
        f"{ORDER}:15:13: info [JM502] pain point 'late-fee' ('Delivery fee shown late') is also recorded as "
        f"'surprise-fee' at {DELIVERY}:17:13; give both the same id so the portfolio counts one pain, felt in "
        "two journeys",
        f"{ORDER}:18:14: error [JM506] stage 'delivery' links to 'delivery', which leads back here "
        "(delivery -> order -> delivery); a sub-journey cannot contain the journey it is part of",
        f"{ORDER}:22:5: warning [JM503] opportunity 'fee-up-front' is 'done' here but 'planned' at "
        f"{DELIVERY}:19:5; one piece of work has one status: keep it in a library both maps `use:`, or bring "
        "the statuses in line",
        f"{LIBRARY}:1:1: warning [JM504] library {LIBRARY} is used by no map in this run; `use:` it from the maps "
        "it was written for, or remove it",
    ]


def test_single_files_get_no_cross_map_findings(cli):
    run = cli("validate", str(ORDER), str(DELIVERY))
    assert _cross_map(run.stdout) == []


def test_select_ignore_and_severity_apply(cli, tmp_path: Path):
    run = cli("validate", str(FOLDER), "--select", "persona-drift")
    assert [line.split(" [")[1][:5] for line in _cross_map(run.stdout)] == ["JM501"]
    assert run.exit_code == 0
    run = cli("validate", str(FOLDER), "--ignore", "unknown-journey", "--ignore", "JM506")
    assert not any("JM505" in line or "JM506" in line for line in _cross_map(run.stdout))
    assert run.exit_code == 0
    config = tmp_path / "journeymap.yaml"
    config.write_text("select: [orphan-library]\nseverity: {orphan-library: error}\n")
    run = cli("validate", str(FOLDER), "--config", str(config))
    assert run.exit_code == 1 and f"{LIBRARY}:1:1: error [JM504]" in run.stdout


def test_suppression_comments_silence_cross_map_findings_and_are_never_unused(cli, tmp_path: Path):
    folder = tmp_path / "maps"
    shutil.copytree(FOLDER, folder)
    order = folder / "order.journey.yaml"
    text = order.read_text()
    text = text.replace("  - {id: parent, name: Busy parent, goals: [Save time]}",
                        "  - {id: parent, name: Busy parent, goals: [Save time]}  # journeymap: ignore[persona-drift]")
    order.write_text(text + "# journeymap: ignore-file[duplicated-pain-point, circular-journeys]\n")
    run = cli("validate", str(folder))
    found = [line for line in _cross_map(run.stdout) if line.startswith(str(order))]
    assert [line.split(" [")[1][:5] for line in found] == ["JM503"]
    # a single-file run cannot judge the cross-map rules, so it never calls those comments unused
    single = cli("validate", str(order))
    assert "unused-suppression" not in single.stdout and "JM900" not in single.stdout


@pytest.mark.parametrize("rule", ["JM501", "persona-drift", "circular-journeys", "orphan-library"])
def test_cross_map_rules_are_documented(cli, rule):
    run = cli("rules", rule)
    assert run.exit_code == 0
    assert "Why:" in run.stdout and "Flagged:" in run.stdout and "Clean:" in run.stdout


def test_a_library_used_through_another_or_broken_is_not_an_orphan(cli):
    run = cli("validate", str(FIXTURES / "portfolio" / "libs" / "maps"),
              str(FIXTURES / "portfolio" / "libs" / "shared"), "--select", "orphan-library")
    # people is used through fees; the broken and circular ones by a map that cannot use them, which
    # is a finding of its own, not an orphan
    assert _cross_map(run.stdout) == []
