"""Spans read off the text: exactly the scalar as written, or None when unsure."""

from __future__ import annotations

from journeymap.edit.spans import Edit, Lines, apply, disjoint, key_span, plain_or_quoted, scalar_span
from journeymap.load import load_text


def written(text: str, path: tuple[str | int, ...]) -> str | None:
    doc, findings = load_text(text, "t.journey.yaml")
    assert doc is not None, findings
    lines = Lines(text)
    span = scalar_span(doc, lines, path)
    return None if span is None else text[span[0]:span[1]]


def test_a_plain_scalar_ends_before_its_comment_and_trailing_spaces():
    assert written("channel: wbe    # typo\n", ("channel",)) == "wbe"


def test_quoted_scalars_keep_their_quotes_and_escapes():
    assert written('title: "A \\"quoted\\" title"  # c\n', ("title",)) == '"A \\"quoted\\" title"'
    assert written("title: 'it''s'\n", ("title",)) == "'it''s'"


def test_items_of_a_flow_list_and_values_of_a_flow_mapping():
    text = "personas: [busy-parent, student]\nchannel: {id: web, name: Web site}\n"
    assert written(text, ("personas", 1)) == "student"
    assert written(text, ("channel", "id")) == "web"
    assert written(text, ("channel", "name")) == "Web site"


def test_a_non_ascii_value_is_spanned_in_characters():
    assert written("name: Café Zoë # x\nid: é\n", ("id",)) == "é"


def test_block_scalars_and_multi_line_values_are_refused():
    assert written("description: |\n  two\n  lines\n", ("description",)) is None
    assert written("title: a title\n  that goes on\n", ("title",)) is None


def test_a_key_span_is_the_key_as_written():
    text = "stages:\n  - id: a\n    emotion: 1\n"
    doc, _ = load_text(text, "t")
    assert doc is not None
    span = key_span(doc, Lines(text), ("stages", 0, "emotion"))
    assert span is not None and text[span[0]:span[1]] == "emotion"


def test_edits_apply_by_position_and_overlapping_groups_wait():
    assert apply("abcdef", [Edit(4, 6, "XY"), Edit(0, 1, "")]) == "bcdXY"
    first, second, third = (Edit(0, 3, "x"),), (Edit(2, 4, "y"),), (Edit(5, 5, "z"),)
    assert disjoint([first, second, third]) == [first, third]


def test_text_that_yaml_would_misread_is_quoted():
    assert plain_or_quoted("busy-parent") == "busy-parent"
    assert plain_or_quoted("yes") == '"yes"'
    assert plain_or_quoted("a: b") == '"a: b"'
