"""Text put into pictures and pages: one line, nothing its format cannot carry, no stray spaces."""

from __future__ import annotations

import pytest

from journeymap.strings import clean


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
