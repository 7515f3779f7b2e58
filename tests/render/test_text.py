"""Text helpers every renderer uses: wrapping by display width, direction and bidi isolation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.render.text import direction_attrs, display_width, dot_html, isolated, wrapped


def test_japanese_without_spaces_wraps_by_display_width():
    lines = wrapped("メニューを閲覧する長い名前のタッチポイントです", 10)
    assert len(lines) == 5
    assert all(display_width(line) <= 10 for line in lines)
    assert "".join(lines) == "メニューを閲覧する長い名前のタッチポイントです"


def test_ascii_wrapping_is_unchanged_and_breaks_at_spaces():
    assert wrapped("Checks the delivery fee before paying", 12) == ["Checks the", "delivery fee", "before", "paying"]


def test_mixed_text_breaks_at_spaces_and_keeps_a_zwj_emoji_whole():
    lines = wrapped("Collects ☕ and 👩\u200d💻 smiles 😀 then goes home", 12)
    assert "👩\u200d💻" in " ".join(lines)
    assert all(display_width(line) <= 12 for line in lines)
    assert " ".join(lines) == "Collects ☕ and 👩\u200d💻 smiles 😀 then goes home"


def test_accented_latin_words_are_not_split_mid_word():
    assert wrapped("Ünïcödé wörds that wrap", 8) == ["Ünïcödé", "wörds", "that", "wrap"]


def test_wide_characters_count_two_columns_and_joiners_none():
    assert display_width("注文") == 4
    assert display_width("abc") == 3
    assert display_width("e\u0301") == 1


def test_right_to_left_text_gets_its_direction_and_language():
    assert direction_attrs("لماذا هذا صعب؟") == ' dir="rtl" lang="ar"'
    assert direction_attrs("זה היה קל") == ' dir="rtl" lang="he"'
    assert direction_attrs("Order الطلب") == ""  # starts with Latin: a left-to-right paragraph
    assert direction_attrs("注文") == ""


def test_mixed_direction_text_is_isolated_in_diagram_labels():
    assert isolated("الطلب Order") == "\u2068الطلب Order\u2069"
    assert isolated("Checkout") == "Checkout"
    assert dot_html("الطلب <b>") == "\u200e\u2068الطلب &lt;b&gt;\u2069"  # LRM: Pango ignores isolates


_PIECES = st.sampled_from(["a", "Zoë", "checkout", "→", "68%", " ", "  ", "\u3000", "\u00a0", "メニュー", "閲", "한국",
                           "ｶﾀｶﾅ", "😀", "-", "supercalifragilistic"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join), st.integers(min_value=1, max_value=20))
def test_wrapping_keeps_every_character_and_fits_the_width(text, width):
    """Lines of mixed scripts: nothing lost or added but white space, no line wider than asked
    (a single character wider than the whole line stands alone), none starting with a space."""
    lines = wrapped(text, width)
    assert "".join("".join(lines).split()) == "".join(text.split())
    for line in lines:
        assert display_width(line) <= width or len(line) == 1
        assert not line[:1].isspace()


def test_wide_characters_break_apart_and_a_wide_space_breaks_like_a_space():
    assert wrapped("閲覧閲覧", 4) == ["閲覧", "閲覧"]
    assert wrapped("abc\u3000def", 3) == ["abc", "def"]
    assert wrapped("68% → 55% (lower is better)", 12) == ["68% → 55%", "(lower is", "better)"]


@given(st.text(max_size=40))
def test_html_text_escapes_exactly_as_the_standard_library(text):
    import html

    from journeymap.render.text import clean, html_text

    assert html_text(text) == html.escape(clean(text), quote=True)
