"""`journeymap diff OLD NEW` end to end: files, folders, bad input, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.diff.helpers import BASE, REVISION

MINIMAL = """\
journeymap: 1
id: {id}
title: {title}
stages:
  - id: only
    name: Only stage
    touchpoints:
      - id: visit
        name: Visits the site
        emotion: {emotion}
"""


def minimal(map_id: str = "shop", title: str = "Shop", emotion: int = 0) -> str:
    return MINIMAL.format(id=map_id, title=title, emotion=emotion)


def test_two_files_show_the_changes_grouped_by_stage_and_a_summary():
    run = run_cli("diff", str(BASE), str(REVISION))
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0].endswith("checkout_revision.journey.yaml (changed) First online grocery order")
    stage = lines.index("  Stage Checkout (checkout)")
    assert lines[stage + 1] == "    ~ KPI Checkout completion — current: 71% → 76%"
    assert "    ~ touchpoint Pays with a saved card or Apple Pay (pays) — actions: added “Fails 3-D Secure twice”; " \
           "emotion: +1 → −2 (−3)" in lines
    assert lines[-1].startswith("1 map: 1 changed; 16 changes; pain points: 2 resolved, 1 new; lint: ")
    assert run.stderr == ""


def test_identical_files_say_no_changes_and_exit_0(write_map):
    path = write_map(minimal())
    run = run_cli("diff", str(path), str(path), "--exit-code")
    assert (run.exit_code, run.stdout) == (0, "No changes: 1 map compared.\n")


def test_formatting_and_comments_only_are_not_changes(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    new = write_map("# reviewed, nothing to change\n" + minimal().replace("title: Shop", "title:   Shop"),
                    "new.journey.yaml")
    run = run_cli("diff", str(old), str(new), "--exit-code")
    assert run.exit_code == 0
    assert "no changes in meaning (formatting or comments only)" in run.stdout
    assert run.stdout.endswith("No changes: 1 map compared.\n")


def test_exit_code_flag_makes_differences_exit_1(write_map):
    old = write_map(minimal(emotion=1), "old.journey.yaml")
    new = write_map(minimal(emotion=-1), "new.journey.yaml")
    assert run_cli("diff", str(old), str(new)).exit_code == 0
    run = run_cli("diff", str(old), str(new), "--exit-code")
    assert run.exit_code == 1
    assert "~ touchpoint Visits the site (visit) — emotion: +1 → −1 (−2)" in run.stdout


def test_fail_on_new_errors_exits_1_only_when_the_change_introduces_an_error(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    # a stage without touchpoints is an error for the default rules, if they have such a rule;
    # a broken reference is an error whatever rules exist
    broken = minimal().replace("        emotion: 0", "        emotion: 0\n        channel: nowhere")
    new = write_map(broken, "new.journey.yaml")
    run = run_cli("diff", str(old), str(new), "--fail-on", "new-errors", "--format", "json")
    assert run.exit_code == 1
    data = json.loads(run.stdout)
    [introduced] = [f for f in data["maps"][0]["lint"] if f["kind"] == "introduced" and f["severity"] == "error"]
    assert introduced["rule_id"] == "JM021" and introduced["id"] == "visit" and introduced["field"] == "channel"
    # the other direction fixes the error: nothing new
    reverse = run_cli("diff", str(new), str(old), "--fail-on", "new-errors", "--format", "json")
    assert [f["kind"] for f in json.loads(reverse.stdout)["maps"][0]["lint"]] == ["fixed"]


def test_fail_on_new_errors_ignores_warnings(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    new = write_map(minimal().replace("title: Shop", "title: Shop  # journeymap: ignore[no-such-rule-x]"),
                    "new.journey.yaml")
    run = run_cli("diff", str(old), str(new), "--fail-on", "new-errors")
    assert run.exit_code == 0
    assert "+ warning JM900 unused-suppression: suppression names unknown rule 'no-such-rule-x'" in run.stdout


def test_a_broken_reference_on_the_new_side_is_reported_and_exits_1(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    new = write_map(minimal().replace("        emotion: 0", "        emotion: -2\n        channel: webb"),
                    "new.journey.yaml")
    run = run_cli("diff", str(old), str(new))
    assert run.exit_code == 1
    assert f"! new {new}:11:18: is not valid: 'visit' names unknown channel 'webb'; define it under channels" \
           in run.stdout
    # still compared: the reviewer sees the change as well as the problem
    assert "emotion: 0 → −2 (−2)" in run.stdout


def test_an_unparseable_side_is_reported_with_its_line_and_exits_1(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    new = write_map(minimal().replace("    name: Only stage", "    name: [Only stage"), "new.journey.yaml")
    run = run_cli("diff", str(old), str(new))
    assert run.exit_code == 1
    assert "(not compared)" in run.stdout
    assert f"! new {new}:7:" in run.stdout
    assert "cannot be read as a journey map: YAML syntax error: did not find expected ',' or ']'" in run.stdout
    assert run.stdout.endswith("1 map: 1 not compared.\n")


def test_a_schema_invalid_side_is_reported_and_exits_1(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    new = write_map(minimal(emotion=7), "new.journey.yaml")
    run = run_cli("diff", str(old), str(new))
    assert run.exit_code == 1
    assert f"! new {new}:10:18: is not a valid journey map: " in run.stdout


def test_duplicate_ids_are_reported_not_guessed(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    doubled = minimal() + "      - id: visit\n        name: Visits again\n"
    new = write_map(doubled, "new.journey.yaml")
    run = run_cli("diff", str(old), str(new))
    assert run.exit_code == 1
    assert (f"! new {new}:11:13: names an id twice, so it cannot be compared by id: touchpoint id 'visit' is "
            "already used at line 8; ids must be unique: rename one") in run.stdout
    assert "Visits again" not in run.stdout


def test_binary_and_non_map_files_are_skipped_with_a_note(tmp_path: Path):
    binary = tmp_path / "photo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    other = tmp_path / "config.yaml"
    other.write_text("name: not a map\n", encoding="utf-8")
    run = run_cli("diff", str(binary), str(other))
    assert run.exit_code == 0
    assert f"skipped {binary}: binary file, not a journey map; not compared" in run.stdout
    assert f"skipped {other}: not a journey map (it has no `journeymap:` key); not compared" in run.stdout


def test_one_side_from_standard_input(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    run = run_cli("diff", str(old), "-", input=minimal(emotion=2))
    assert run.exit_code == 0
    assert "emotion: 0 → +2 (+2)" in run.stdout


def test_oversized_side_is_reported_not_read(write_map):
    old = write_map(minimal(), "old.journey.yaml")
    new = write_map(minimal() + "#" * 2000 + "\n", "new.journey.yaml")
    run = run_cli("diff", str(old), str(new), "--max-bytes", "1000")
    assert run.exit_code == 1
    assert "larger than the 1,000-byte limit; not compared (see --max-bytes)" in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["only-one.journey.yaml"], "name two maps or two folders to compare"),
        (["missing-a.journey.yaml", "missing-b.journey.yaml"], "missing-a.journey.yaml: no such file or directory"),
        (["--to", "HEAD", "a", "b"], "--to REV2 needs --git REV"),
        (["-", "-"], "only one side can be read from standard input"),
    ],
)
def test_usage_problems_exit_2_with_one_line(args, message):
    run = run_cli("diff", *args)
    assert run.exit_code == 2
    assert run.stderr.startswith("journeymap: error: ") and message in run.stderr
    assert run.stderr.count("\n") == 1
    assert run.stdout == ""


def test_a_file_and_a_folder_cannot_be_compared(tmp_path: Path, write_map):
    path = write_map(minimal())
    run = run_cli("diff", str(path), str(tmp_path))
    assert run.exit_code == 2
    assert "compare a file with a file or a folder with a folder" in run.stderr


# --- folders ------------------------------------------------------------------------------


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        (folder / "team").mkdir(parents=True)
    return old, new


def test_folders_pair_maps_by_id_then_path_and_report_added_deleted_renamed(tmp_path: Path):
    old, new = _folders(tmp_path)
    (old / "same.journey.yaml").write_text(minimal("same"), encoding="utf-8")
    (new / "same.journey.yaml").write_text(minimal("same"), encoding="utf-8")
    (old / "checkout.journey.yaml").write_text(minimal("checkout", emotion=1), encoding="utf-8")
    (new / "team" / "pay.journey.yaml").write_text(minimal("checkout", emotion=-1), encoding="utf-8")
    (old / "gone.journey.yaml").write_text(minimal("gone"), encoding="utf-8")
    (new / "team" / "fresh.journey.yaml").write_text(minimal("fresh", "Fresh map"), encoding="utf-8")
    # no id: paired by path
    (old / "team" / "noid.journey.yaml").write_text(minimal("x").replace("id: x\n", ""), encoding="utf-8")
    (new / "team" / "noid.journey.yaml").write_text(minimal("x", "Renamed").replace("id: x\n", ""),
                                                    encoding="utf-8")
    run = run_cli("diff", str(old), str(new), "--format", "json")
    assert run.exit_code == 0
    data = json.loads(run.stdout)
    maps = {(m["old_path"], m["new_path"]): m for m in data["maps"]}
    assert maps[("checkout.journey.yaml", "team/pay.journey.yaml")]["status"] == "renamed"
    assert [c["delta"] for c in maps[("checkout.journey.yaml", "team/pay.journey.yaml")]["changes"]] == [-2]
    assert maps[("gone.journey.yaml", None)]["status"] == "deleted"
    assert maps[(None, "team/fresh.journey.yaml")]["status"] == "added"
    assert maps[("same.journey.yaml", "same.journey.yaml")]["status"] == "unchanged"
    assert maps[("team/noid.journey.yaml", "team/noid.journey.yaml")]["changes"][0]["new"] == "Renamed"
    # the lint part of the summary depends on the rules there are
    assert data["summary"].startswith("5 maps: 1 changed, 1 renamed, 1 added, 1 deleted, 1 unchanged; 2 changes")
    text = run_cli("diff", str(old), str(new)).stdout
    assert "checkout.journey.yaml → team/pay.journey.yaml (renamed)" in text
    assert "team/fresh.journey.yaml (added) Fresh map\n  + map added: 1 stage, 1 touchpoint" in text
    assert "same.journey.yaml" not in text  # unchanged maps are counted, not listed


def test_an_invalid_map_in_a_folder_does_not_stop_the_others(tmp_path: Path):
    old, new = _folders(tmp_path)
    for name in ("a", "b"):
        (old / f"{name}.journey.yaml").write_text(minimal(name), encoding="utf-8")
    (new / "a.journey.yaml").write_text("journeymap: 1\ntitle: [unclosed\n", encoding="utf-8")
    (new / "b.journey.yaml").write_text(minimal("b", emotion=2), encoding="utf-8")
    run = run_cli("diff", str(old), str(new))
    assert run.exit_code == 1
    assert "a.journey.yaml (not compared)" in run.stdout
    assert "~ touchpoint Visits the site (visit) — emotion: 0 → +2 (+2)" in run.stdout


def test_two_maps_sharing_an_id_are_paired_by_path_with_a_note(tmp_path: Path):
    old, new = _folders(tmp_path)
    (old / "a.journey.yaml").write_text(minimal("twin", emotion=0), encoding="utf-8")
    (new / "a.journey.yaml").write_text(minimal("twin", emotion=1), encoding="utf-8")
    (new / "b.journey.yaml").write_text(minimal("twin", emotion=2), encoding="utf-8")
    run = run_cli("diff", str(old), str(new))
    assert ("skipped a.journey.yaml: maps a.journey.yaml, b.journey.yaml in "
            f"{new} share the id 'twin'; paired by path") in run.stdout
    assert "a.journey.yaml (changed)" in run.stdout and "b.journey.yaml (added)" in run.stdout


def test_empty_folders_are_a_usage_problem(tmp_path: Path):
    old, new = _folders(tmp_path)
    run = run_cli("diff", str(old), str(new))
    assert run.exit_code == 2
    assert "no *.journey.yaml or *.journey.yml files in" in run.stderr


def test_markdown_format_from_the_command_line(tmp_path: Path):
    old, new = _folders(tmp_path)
    shutil.copy(BASE, old / "checkout.journey.yaml")
    shutil.copy(REVISION, new / "checkout.journey.yaml")
    run = run_cli("diff", str(old), str(new), "--format", "markdown")
    assert run.exit_code == 0
    assert run.stdout.startswith("### Journey map changes\n")
    assert "<summary><b>First online grocery order</b> (checkout.journey.yaml): 16 changes</summary>" in run.stdout
