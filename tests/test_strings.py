"""Text put into pictures and pages: one line, nothing its format cannot carry, no stray spaces."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.strings import CONTROL, clean, one_line


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Pays \uffff", "Pays"),  # a dropped character leaves no dangling space (Mermaid strips it)
        ("Pays \x00 by card", "Pays by card"),
        ("\ufffe Pays", "Pays"),
        ("Pays\x0bby card", "Pays by card"),  # a vertical tab is a space, not nothing
        ("Pays\n  by\tcard", "Pays by card"),
        (None, ""),
    ],
)
def test_clean_drops_what_outputs_cannot_carry_and_folds_the_spaces_left(text, shown):
    assert clean(text) == shown


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.sampled_from(["opp-0 is 'idea'", " lead", "trail ", "two  spaces", "a\u00a0b", "x\u2028y", "\x85z"]))
def test_one_line_returns_plain_text_as_it_is_and_folds_the_rest(text: str) -> None:
    folded = " ".join(text.split())
    expected = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", folded)
    assert one_line(text) == expected
    assert "\n" not in one_line(text) and "  " not in one_line(text)
