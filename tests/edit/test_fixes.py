"""`journeymap fix` and `validate --fix`: only the broken values change; a second run changes nothing."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

from journeymap.config import default_project
from journeymap.edit.fixes import fixed_text
from tests.conftest import FIXTURES

FIXABLE = FIXTURES / "fix" / "fixable.journey.yaml"
TODAY = datetime.date(2026, 12, 1)
# line number in the fixture -> what it must read after the fix
EXPECTED_CHANGES = {
    8: "  - id: busy-parent          # written before ids were slugs",
    21: "    goal: Pays easily",
    26: "        channel: web         # typo",
    27: "        personas: [busy-parent]",
    30: '        thoughts: ["no"]',
    46: "          - busy-parent",
    53: "    addresses: [surprise-fee]",
}


def fixed(text: str, unsafe: bool = False, **options: object):
    project = default_project().with_options(today=TODAY, **options)
    return fixed_text(text.encode("utf-8"), "t.journey.yaml", project, unsafe)


@pytest.fixture
def fixable(tmp_path: Path) -> Path:
    target = tmp_path / "checkout.journey.yaml"
    shutil.copy(FIXABLE, target)
    return target


def test_fix_changes_only_the_broken_values_and_keeps_every_other_line_byte_for_byte():
    before = FIXABLE.read_text(encoding="utf-8").splitlines(keepends=True)
    result = fixed("".join(before), unsafe=True)
    after = result.after.splitlines(keepends=True)
    # one line added: last_reviewed, right after `owner:`
    assert after[5] == "last_reviewed: 2026-12-01\n"
    del after[5]
    assert len(after) == len(before)
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if number in EXPECTED_CHANGES:
            assert new == EXPECTED_CHANGES[number] + "\n", number
        else:
            assert new == old, f"line {number} changed: {old!r} -> {new!r}"
    assert result.analysis is not None and result.analysis.valid
    assert not [f for f in result.analysis.findings if f.severity.value == "error"]


def test_fixing_twice_changes_nothing():
    once = fixed(FIXABLE.read_text(encoding="utf-8"), unsafe=True)
    twice = fixed(once.after, unsafe=True)
    assert once.changed and not twice.changed and twice.applied == []


def with_second_channel(channel_id: str, reference: str) -> str:
    """The fixture with its ids already slugs, a channel `channel_id` beside 'web', and the
    touchpoint's `channel: wbe` written as `reference`."""
    courier = "  - {id: courier, name: Courier, kind: human}"
    return FIXABLE.read_text(encoding="utf-8").replace(
        courier, f"  - {{id: {channel_id}, name: Other, kind: digital}}\n{courier}"
    ).replace("channel: wbe", f"channel: {reference}").replace("Busy Parent", "busy-parent")


def test_a_reference_with_two_close_ids_is_left_for_a_person():
    text = with_second_channel("webs", "weba")
    result = fixed(text)
    assert "channel: weba" in result.after
    assert result.analysis is not None and result.analysis.has("JM021")


def test_a_bad_id_whose_slug_is_taken_is_not_changed():
    text = FIXABLE.read_text(encoding="utf-8").replace(
        "channels:", "  - id: busy-parent\n    name: Other\n    goals: [x]\nchannels:"
    )
    result = fixed(text, unsafe=True)
    assert "  - id: Busy Parent" in result.after
    assert "personas: [Busy Parent]" in result.after


def test_the_byte_order_mark_and_windows_line_ends_are_kept(tmp_path: Path, cli):
    target = tmp_path / "crlf.journey.yaml"
    raw = FIXABLE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8")
    target.write_bytes(b"\xef\xbb\xbf" + raw)
    run = cli("fix", "--unsafe-fixes", str(target))
    data = target.read_bytes()
    assert run.exit_code == 0, run.stderr
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"channel: web         # typo\r\n" in data and b"last_reviewed: " in data


def test_one_of_two_suppressed_rules_is_removed_from_the_comment():
    text = FIXABLE.read_text(encoding="utf-8").replace(
        "      - id: pays\n",
        "      - id: pays  # journeymap: ignore[no-evidence, stage-without-kpi]\n",
    ).replace("        evidence: [interviews]\n        thoughts", "        thoughts")
    result = fixed(text, unsafe=True)
    assert "      - id: pays  # journeymap: ignore[no-evidence]\n" in result.after
    assert result.analysis is not None and not result.analysis.has("JM401")


def test_a_map_without_owner_gets_last_reviewed_after_its_title():
    text = "journeymap: 1\ntitle: T  # keep\nstages:\n  - id: s\n    name: S\n"
    result = fixed(text, unsafe=True)
    assert result.after == text.replace("# keep\n", "# keep\nlast_reviewed: 2026-12-01\n")


def test_a_stale_date_is_never_moved_forward():
    text = "journeymap: 1\ntitle: T\nlast_reviewed: 2020-01-01\nstages: []\n"
    assert not fixed(text, unsafe=True).changed


def test_the_fix_command_writes_the_file_and_reports_what_it_did(fixable: Path, cli):
    run = cli("fix", "--unsafe-fixes", str(fixable))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "change 'wbe' to 'web'" in run.stderr and "Fixed 6 problems in 1 of 1 maps" in run.stderr
    assert "channel: web         # typo" in fixable.read_text(encoding="utf-8")
    assert "[JM106]" in run.stdout  # what is left, as validate prints it
    assert list(fixable.parent.iterdir()) == [fixable]  # no temporary file left behind


def test_diff_shows_the_changes_and_writes_nothing(fixable: Path, cli):
    before = fixable.read_bytes()
    run = cli("fix", "--diff", "--unsafe-fixes", str(fixable))
    assert run.exit_code == 1
    assert "\n-        channel: wbe         # typo\n" in run.stdout
    assert "\n+        channel: web         # typo\n" in run.stdout
    assert fixable.read_bytes() == before
    assert "nothing written" in run.stderr


def test_validate_fix_reports_what_is_left_in_the_chosen_format(fixable: Path, cli):
    run = cli("validate", "--fix", "--unsafe-fixes", "--format", "json", str(fixable))
    assert run.exit_code == 0, run.stderr
    assert [f["rule_id"] for f in json.loads(run.stdout)] == ["JM106"]
    again = cli("validate", "--fix", "--diff", str(fixable))
    assert again.exit_code == 0 and again.stdout == ""


def test_diff_without_fix_is_a_usage_error(fixable: Path, cli):
    run = cli("validate", "--diff", str(fixable))
    assert run.exit_code == 2 and "add --fix" in run.stderr


def test_a_missing_file_is_named_and_nothing_is_written(tmp_path: Path, cli):
    run = cli("fix", str(tmp_path / "missing.journey.yaml"))
    assert run.exit_code == 2
    assert "missing.journey.yaml" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_broken_yaml_file_is_left_as_it_is(tmp_path: Path, cli):
    target = tmp_path / "broken.journey.yaml"
    target.write_text("journeymap: 1\ntitle: [unclosed\n", encoding="utf-8")
    run = cli("fix", str(target))
    assert run.exit_code == 1 and "[JM001]" in run.stdout
    assert target.read_text(encoding="utf-8") == "journeymap: 1\ntitle: [unclosed\n"


def test_standard_input_is_fixed_to_standard_output(cli):
    text = "journeymap: 1\ntitle: T  # t\nowner: x\nlast_reviewed: 2026-10-01\n"
    text += "stages:\n  - {id: s, name: S, goal: yes}\n"
    run = cli("fix", "-", input=text)
    assert run.stdout == text.replace("goal: yes", 'goal: "yes"')


def test_a_symbolic_link_is_not_written_through(tmp_path: Path, cli):
    outside = tmp_path / "outside.journey.yaml"
    shutil.copy(FIXABLE, outside)
    (tmp_path / "maps").mkdir()
    link = tmp_path / "maps" / "link.journey.yaml"
    link.symlink_to(outside)
    run = cli("fix", str(link))
    assert run.exit_code == 2 and "is a symbolic link; fix the file it points to" in run.stderr
    assert outside.read_bytes() == FIXABLE.read_bytes() and link.is_symlink()


# --- safe and unsafe fixes


def test_unsafe_fixes_are_held_back_counted_and_the_map_keeps_its_ids(fixable: Path, cli):
    run = cli("fix", str(fixable))
    after = fixable.read_text(encoding="utf-8")
    # the safe one is made: a no that means the text "no"
    assert 'thoughts: ["no"]' in after
    # renaming the persona's id would change what other maps and tools know it by: left as it is
    assert "  - id: Busy Parent" in after and "personas: [Busy Parent]" in after
    # and while an id breaks the schema, references are not checked: the typo waits too
    assert "channel: wbe" in after
    assert "Fixed 1 problem in 1 of 1 maps" in run.stderr
    assert "1 unsafe fix held back; --unsafe-fixes applies them" in run.stderr
    assert run.exit_code == 1 and "[JM010]" in run.stdout  # the bad id is still reported


def test_unsafe_fixes_applied_with_the_flag_leave_nothing_held_back(fixable: Path, cli):
    run = cli("fix", "--unsafe-fixes", str(fixable))
    after = fixable.read_text(encoding="utf-8")
    assert "  - id: busy-parent" in after and "last_reviewed: " in after
    assert "held back" not in run.stderr
    assert run.exit_code == 0, run.stdout + run.stderr


def test_diff_says_how_many_unsafe_fixes_it_leaves_out(fixable: Path, cli):
    run = cli("fix", "--diff", str(fixable))
    assert '+        thoughts: ["no"]' in run.stdout and "+  - id: busy-parent" not in run.stdout
    assert "1 unsafe fix held back; --unsafe-fixes applies them" in run.stderr
    run = cli("fix", "--diff", "--unsafe-fixes", str(fixable))
    assert "+  - id: busy-parent          # written before ids were slugs" in run.stdout
    assert "held back" not in run.stderr


def test_a_review_date_is_never_added_by_a_safe_fix():
    text = "journeymap: 1\ntitle: T\nowner: o\nstages:\n  - id: s\n    name: S\n"
    result = fixed(text)
    assert not result.changed
    assert result.held_back == ["add `last_reviewed: 2026-12-01` (the date of this fix)"]


def test_a_reference_with_two_close_ids_goes_to_the_closer_only_as_an_unsafe_fix():
    text = with_second_channel("webs", "weba")
    safe = fixed(text)
    assert "channel: weba" in safe.after
    assert "change 'weba' to 'web' (not 'webs')" in safe.held_back
    assert "channel: web " in fixed(text, unsafe=True).after


def test_two_ids_as_close_as_each_other_get_no_fix_at_all():
    result = fixed(with_second_channel("wbb", "wb"), unsafe=True)
    assert "channel: wb " in result.after  # 'web' and 'wbb' are equally close: no guess
    assert not any("'wb'" in title for title in result.held_back + result.applied)


def test_every_fix_in_docs_fix_md_names_its_level():
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "fix.md").read_text(encoding="utf-8")
    table = [line for line in doc.splitlines() if line.startswith("| `")]
    assert len(table) >= 6
    for row in table:
        assert "| safe |" in row or "| unsafe |" in row, row
