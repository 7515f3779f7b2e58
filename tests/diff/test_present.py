"""What readers see: the Markdown comment (golden files, and hostile map text), the terminal text, the JSON.

Golden files are kept in tests/golden/diff/; refresh them on purpose with

    JOURNEYMAP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/diff/test_present.py

The lint delta in these files comes from the suppression rule only, so rules
added later do not change them; other tests use the default rules.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from journeymap.diff.compare import compare_files
from journeymap.diff.present import presenter
from journeymap.diff.present.markdown import MAX_CHARS, md_text
from journeymap.diff.records import DiffReport, Status
from tests.conftest import ROOT
from tests.diff.helpers import BASE, DIFF_FIXTURES, PINNED_LINT, REVISION, diff_texts

GOLDEN = ROOT / "tests" / "golden" / "diff"
UPDATE = os.environ.get("JOURNEYMAP_UPDATE_GOLDEN") == "1"
CASES = {
    # a pull request on the online-shop example: guest checkout shipped, delivery research updated
    "online-shop": ("online-shop_base.journey.yaml", "online-shop_revision.journey.yaml"),
    # the checkout map: a touchpoint removed, one moved, emotion at payment down by three, lint delta
    "checkout": ("checkout_base.journey.yaml", "checkout_revision.journey.yaml"),
}


def pull_request(case: str) -> DiffReport:
    """The case as a pull request shows it: one map path, the base branch against the head."""
    old, new = CASES[case]
    name = f"maps/{case}.journey.yaml"
    return compare_files(
        (name, (DIFF_FIXTURES / old).read_bytes()), (name, (DIFF_FIXTURES / new).read_bytes()), PINNED_LINT,
        "main", "guest-checkout",
    )


def render_markdown(text: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def _check_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {name}; create it with JOURNEYMAP_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), (
        f"the output for {name} changed; if that is intended, refresh tests/golden/diff/ with "
        "JOURNEYMAP_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_markdown_matches_its_golden_file(case: str):
    _check_golden(f"{case}.md", presenter("markdown")(pull_request(case)))


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_matches_its_golden_file(case: str):
    _check_golden(f"{case}.txt", presenter("text")(pull_request(case)))


def test_markdown_tells_a_reviewer_what_the_pull_request_did_without_the_yaml():
    html = render_markdown(presenter("markdown")(pull_request("online-shop")))
    text = re.sub(r"<[^>]+>", "", html)
    assert "1 map: 1 changed" in text
    assert "removed touchpoint Receives the parcel from the courier (receives-parcel)" in text
    assert "touchpoint Follows the parcel by email updates (tracks-parcel) — emotion: −1 → −2 (−1)" in text
    assert "moved touchpoint Gets a care tips email a week later (gets-care-email) from stage Living with it (use)" \
           " to Reorder (reorder)" in text
    assert "pain point Checkout forces account creation before payment (forced-account) resolved" in text
    assert "added pain point The phone wallet payment fails on older Android phones and the basket is emptied" in text
    assert "severity: high → critical" in text
    # one table row for the map, with its counts
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    assert len(rows) == 2
    assert "touchpoints: 1 removed, 3 changed" in rows[1]
    assert "1 resolved, 1 new" in rows[1]


def test_markdown_and_text_show_the_lint_delta_by_entity():
    report = pull_request("checkout")
    markdown = presenter("markdown")(report)
    assert "| 🟡 1 warning introduced, ✅ 1 fixed |" in markdown
    text = presenter("text")(report)
    assert ("+ warning JM900 unused-suppression: suppression names unknown rule 'checkout-copy'; `journeymap rules` "
            "lists them (pain point card-declined, new line 74)") in text
    assert "✓ fixed warning JM900 unused-suppression: suppression names unknown rule 'delivery-copy'" in text


# under the schema's 200-character limit for names and titles
HOSTILE_TEXT = (
    "Pay | now <img src=x onerror=alert(1)> <script>alert(2)</script> [click](https://evil.example/a) "
    "![p](https://evil.example/p.png) @octocat #123 www.evil.example **bold** `code` <!-- c --> &amp; \\"
)


def _hostile_pair() -> tuple[str, str]:
    old = BASE.read_text(encoding="utf-8")
    new = REVISION.read_text(encoding="utf-8")
    quoted = json.dumps(HOSTILE_TEXT)
    new = new.replace("name: Pays with a saved card or Apple Pay", f"name: {quoted}")
    new = new.replace("title: First online grocery order", f"title: {quoted}")
    new = new.replace("description: Let first-time customers pay as a guest", f"description: {quoted}")
    return old, new


def test_hostile_map_text_cannot_break_the_table_or_inject_html_links_images_or_mentions():
    old, new = _hostile_pair()
    report = diff_texts(old, new, names=("a|b.journey.yaml", "<b>x</b>.journey.yaml"))
    markdown = presenter("markdown")(report)
    html = render_markdown(markdown)
    # no element came from the map: only the ones the comment itself uses
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {"h3", "p", "code", "table", "thead", "tbody", "tr", "th", "td", "br", "b", "details", "summary",
                    "ul", "li", "strong"}, tags
    assert "<!--" not in html
    # the table keeps its five columns
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        assert len(re.findall(r"<t[hd]>", row)) == 5, row
    # nothing GitHub would autolink, and mentions and issue references are defused
    assert not re.search(r"(https?|ftp)://|www\.", markdown)
    assert "@octocat" not in markdown and "@&#8203;octocat" in markdown
    assert "#123" not in markdown and "#&#8203;123" in markdown
    # the text still reads as written
    assert "Pay | now &lt;img src=x onerror=alert(1)&gt;" in html
    assert "[click](https://evil.example/a)" in html
    assert "**bold** `code`" in html
    assert report.maps[0].status is Status.MODIFIED


def test_hostile_text_in_the_summary_element_is_html_escaped():
    old, new = _hostile_pair()
    markdown = presenter("markdown")(diff_texts(old, new))
    summary = re.search(r"<summary>(.*)</summary>", markdown)
    assert summary is not None
    assert "<img" not in summary.group(1) and "&lt;img src=x onerror=alert(1)&gt;" in summary.group(1)
    assert "@&#8203;octocat" in summary.group(1)


def test_md_text_escapes_every_markdown_construct():
    assert md_text("a|b") == "a\\|b"
    assert md_text("[x](y)") == "\\[x\\]\\(y\\)"
    assert md_text("<b>") == "&lt;b&gt;"
    assert md_text("line\nbreak") == "line break"
    # shown as the escape, never obeyed (the backslash is itself escaped for Markdown)
    assert md_text("\u202eevil") == "\\\\u202eevil"


def test_text_output_has_colours_on_a_terminal_and_none_when_piped():
    report = pull_request("checkout")
    plain = presenter("text")(report, color=False)
    coloured = presenter("text")(report, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_output_cannot_carry_terminal_escapes_or_reversed_text():
    # the schema refuses control characters in map text; file names and bidi overrides remain
    old = BASE.read_text(encoding="utf-8")
    new = old.replace("name: Pays by card", 'name: "Pays \\u202Eevil"')
    text = presenter("text")(diff_texts(old, new, names=("a.journey.yaml", "b\x1b[2J.journey.yaml")))
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "“Pays by card” → “Pays \\u202eevil”" in text
    assert "b\\x1b[2J.journey.yaml" in text


def test_json_output_is_the_documented_structure():
    data = json.loads(presenter("json")(pull_request("online-shop")))
    assert data["format"] == "journeymap-diff" and data["version"] == 1
    assert (data["old"], data["new"], data["differs"]) == ("main", "guest-checkout", True)
    assert data["counts"]["maps"]["modified"] == 1
    assert data["counts"]["pain_points_resolved"] == 1
    [one] = data["maps"]
    assert set(one) == {"status", "old_path", "new_path", "id", "title", "formatting_only", "changes", "lint",
                        "problems"}
    emotion = next(c for c in one["changes"] if c["id"] == "tracks-parcel")
    assert emotion == {
        "kind": "changed", "entity": "touchpoint", "id": "tracks-parcel", "name": "Follows the parcel by email updates",
        "stage": "delivery", "touchpoint": None, "field": "emotion", "old": -1, "new": -2, "delta": -1,
    }
    moved = next(c for c in one["changes"] if c["kind"] == "moved")
    assert (moved["id"], moved["old"], moved["new"]) == ("gets-care-email", "use", "reorder")


def test_the_json_structure_is_documented_key_by_key():
    docs = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    data = json.loads(presenter("json")(pull_request("checkout")))
    keys = set(data) | set(data["counts"]) | set(data["maps"][0]) | set(data["maps"][0]["changes"][0])
    keys |= set(data["maps"][0]["lint"][0])
    for key in keys:
        assert f"`{key}`" in docs, f"docs/diff.md does not document the JSON key {key!r}"


def test_markdown_stays_under_githubs_comment_limit_for_a_huge_change(tmp_path: Path):
    from bench.generate import generate_map

    old = generate_map(0, stages=50, per_stage=20)
    new = re.sub(r"emotion: (-?\d)", lambda m: f"emotion: {(int(m.group(1)) + 3) % 5 - 2}", old)
    new = new.replace("name: Stage", "name: Phase")
    report = diff_texts(old, new)
    assert len(report.maps[0].changes) > 1000
    markdown = presenter("markdown")(report)
    assert len(markdown) < MAX_CHARS + 5_000
    assert "more lines; run `journeymap diff` locally for all." in markdown
    assert markdown.rstrip().endswith("</details>")


def test_identical_maps_say_no_changes_in_every_format():
    raw = BASE.read_text(encoding="utf-8")
    report = diff_texts(raw, raw)
    assert report.maps[0].status is Status.UNCHANGED
    assert presenter("text")(report) == "No changes: 1 map compared.\n"
    assert "No changes: 1 map compared." in presenter("markdown")(report)
    assert json.loads(presenter("json")(report))["differs"] is False
