"""The loader: positions, and every kind of bad YAML gets its own clear finding."""

from __future__ import annotations

import subprocess
import sys

import pytest

from journeymap.load import MAX_DEPTH, load_bytes, load_text


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def test_positions_are_one_based_line_and_column():
    doc, findings = load_text("journeymap: 1\ntitle: T\nstages:\n  - id: a\n    name: A\n", "m.yaml")
    assert findings == []
    assert doc.data["stages"][0]["name"] == "A"
    assert doc.position(("stages", 0, "name")) == (5, 11)
    assert doc.key_position(("stages", 0, "name")) == (5, 5)
    assert doc.position(("stages", 0)) == (4, 5)


def test_unknown_path_falls_back_to_nearest_parent():
    doc, _ = load_text("journeymap: 1\ntitle: T\nstages:\n  - id: a\n", "m.yaml")
    assert doc.position(("stages", 0, "touchpoints", 3)) == (4, 5)


def test_unquoted_dates_stay_iso_text():
    doc, findings = load_text("journeymap: 1\ntitle: T\nlast_reviewed: 2026-10-01\n", "m.yaml")
    assert findings == []
    assert doc.data["last_reviewed"] == "2026-10-01"


def test_impossible_date_is_reported_at_its_position():
    _, findings = load_text("journeymap: 1\ntitle: T\nlast_reviewed: 2026-13-45\n", "m.yaml")
    f = only(findings)
    assert (f.line, f.column, f.rule_id) == (3, 16, "JM010")
    assert "'2026-13-45' is not a real date" in f.message


def test_duplicate_keys_are_errors_naming_the_first():
    _, findings = load_text("journeymap: 1\ntitle: A\ntitle: B\n", "m.yaml")
    f = only(findings)
    assert (f.line, f.column, f.rule_id, f.severity.value) == (3, 1, "JM002", "error")
    assert "duplicate key 'title' (first at line 2)" in f.message


def test_one_and_true_keys_do_not_collapse():
    doc, findings = load_text("journeymap: 1\ntitle: T\nx: {1: a, true: b}\n", "m.yaml")
    assert findings == []
    assert doc.data["x"] == {"1": "a", "true": "b"}


def test_python_tag_is_refused_not_executed(tmp_path):
    marker = tmp_path / "ran"
    text = f"journeymap: 1\ntitle: !!python/object/apply:os.system ['touch {marker}']\n"
    doc, findings = load_text(text, "m.yaml")
    f = only(findings)
    assert doc is None
    assert (f.line, f.rule_id) == (2, "JM003")
    assert "not allowed" in f.message and "!!python/object/apply:os.system" in f.message
    assert not marker.exists()


def test_python_tag_on_scalar_is_refused():
    _, findings = load_text("journeymap: 1\ntitle: !!python/name:os.system x\n", "m.yaml")
    assert only(findings).rule_id == "JM003"


def test_aliases_are_allowed():
    doc, findings = load_text(
        "journeymap: 1\ntitle: T\ntags: &t [a, b]\nstages:\n  - id: s\n    name: S\n    kpis: []\nextra: *t\n",
        "m.yaml",
    )
    assert findings == []
    assert doc.data["extra"] == ["a", "b"]


def test_merge_keys_merge_and_explicit_keys_win():
    doc, findings = load_text("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n", "m.yaml")
    assert findings == []
    assert doc.data["x"] == {"a": 1, "b": 3}


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_stopped():
    doc, findings = load_text(_alias_bomb(), "bomb.yaml")
    f = only(findings)
    assert doc is None
    assert f.rule_id == "JM004"
    assert "alias bomb" in f.message
    assert f.line > 1


def test_alias_bomb_does_not_hang_validate(tmp_path):
    """In a real process with a deadline: a hang fails the test instead of stopping the suite."""
    bomb = tmp_path / "bomb.journey.yaml"
    bomb.write_text(_alias_bomb())
    done = subprocess.run([sys.executable, "-m", "journeymap", "validate", str(bomb)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "[JM004]" in done.stdout and "alias bomb" in done.stdout


def test_deep_nesting_is_refused_without_crashing():
    text = "x: " + "[" * 30_000 + "]" * 30_000 + "\n"
    _, findings = load_text(text, "deep.yaml")
    f = only(findings)
    assert f.rule_id == "JM004"
    assert f"deeper than {MAX_DEPTH} levels" in f.message


def test_deep_block_nesting_is_refused():
    text = "".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "v: 1\n"
    _, findings = load_text(text, "deep.yaml")
    assert only(findings).rule_id == "JM004"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("---\n", "holds no data"),
        ("- a\n- b\n", "the top level is a list"),
        ("just words\n", "the top level is a single value"),
        ("journeymap: 1\n---\njourneymap: 1\n", "several YAML documents"),
    ],
)
def test_not_a_map(text, expected):
    doc, findings = load_text(text, "m.yaml")
    f = only(findings)
    assert doc is None
    assert f.rule_id == "JM005"
    assert expected in f.message


def test_second_document_is_located():
    _, findings = load_text("journeymap: 1\n---\njourneymap: 1\n", "m.yaml")
    assert only(findings).line == 2


def test_tabs_for_indentation_get_a_plain_hint():
    _, findings = load_text("stages:\n\t- id: a\n", "m.yaml")
    f = only(findings)
    assert (f.line, f.rule_id) == (2, "JM001")
    assert "tab" in f.message and "spaces" in f.message


def test_syntax_error_has_line_and_column():
    _, findings = load_text("journeymap: 1\ntitle: [unclosed\nowner: x\n", "m.yaml")
    f = only(findings)
    assert f.rule_id == "JM001"
    assert f.line == 3
    assert f.message.startswith("YAML syntax error")


def test_binary_file():
    doc, findings = load_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "pic.journey.yaml")
    f = only(findings)
    assert doc is None and f.rule_id == "JM005"
    assert "binary file" in f.message


def test_non_utf8_names_line_and_column():
    _, findings = load_bytes(b"journeymap: 1\ntitle: Caf" + b"\xe9\n", "latin.yaml")
    f = only(findings)
    assert (f.line, f.column, f.rule_id) == (2, 11, "JM006")
    assert "0xe9" in f.message and "UTF-8" in f.message


def test_bom_and_crlf_are_fine():
    raw = "\ufeffjourneymap: 1\r\ntitle: Café ☕\r\n".encode()
    doc, findings = load_bytes(raw, "m.yaml")
    assert findings == []
    assert doc.data == {"journeymap": 1, "title": "Café ☕"}
    assert doc.position(("title",)) == (2, 8)


def test_lone_surrogate_escape_is_a_finding_not_a_crash():
    _, findings = load_text('journeymap: 1\ntitle: "\\ud800"\n', "m.yaml")
    assert only(findings).rule_id == "JM001"


def test_unknown_alias_is_a_syntax_finding():
    _, findings = load_text("journeymap: 1\ntitle: *nothing\n", "m.yaml")
    assert only(findings).rule_id == "JM001"
