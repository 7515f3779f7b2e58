"""Map text made safe and tidy before it reaches any output language.

Map text is untrusted. Every renderer takes it through `clean` (strings.clean: one
line, no control characters, nothing XML cannot carry) and then through the escaper of
its own language: `html_text` for HTML, SVG and XML, `dot_html` for Graphviz's
HTML-like labels. Nothing a map says is ever used as markup, an id, a URL or a
file name.
"""

from __future__ import annotations

import textwrap
import unicodedata

from journeymap.strings import MINUS, clean, signed

__all__ = [
    "MINUS", "clean", "direction_attrs", "display_width", "dot_html", "html_text", "isolated", "shortened",
    "signed", "wrapped",
]

# One font chain for every output, so every script a map may hold has a font: Noto Sans (Latin,
# Greek, Cyrillic), Noto Sans CJK JP (Japanese, Chinese, Korean), Noto Sans Arabic and Hebrew
# (shaped by HarfBuzz), DejaVu Sans for what Noto lacks. Noto Color Emoji is deliberately not
# named: listed, it takes over digits and spaces (it has glyphs for them); fontconfig falls
# back to it for emoji by itself. The fonts come from scripts/system-deps.sh.
FONT_CHAIN = ("Noto Sans", "Noto Sans CJK JP", "Noto Sans Arabic", "Noto Sans Hebrew", "DejaVu Sans")
# the one monospaced font: web addresses of sources, shown as text on the page
MONO_FONT = "DejaVu Sans Mono"

# what html.escape(text, quote=True) replaces, with the same entities; as a table, so a diagram
# does not import the html package (whose table of every named entity is built at import)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def html_text(text: object) -> str:
    """Text for HTML, SVG or XML content and quoted attribute values."""
    return clean(text).translate(_ESCAPES)


def dot_html(text: object) -> str:
    """Text for a Graphviz HTML-like label.

    Graphviz still expands escapes such as `\\N` (node name) and `\\G` inside
    HTML-like labels, even when the backslash is written as an entity, so
    backslashes are doubled before the XML escaping. Right-to-left text is isolated
    (see `isolated`) after a left-to-right mark, so Pango cannot reorder the label around it.

    Graphviz hands a label to expat one piece of text at a time, and expat holds
    back a trailing `]` or `]]` (it could begin `]]>`): a piece that is nothing
    but brackets is then a syntax error, or silently missing from the picture.
    Such a piece is written as entities, which Graphviz draws as brackets.
    """
    line = clean(text)
    shown = isolated(line)
    if shown is not line:
        # Pango takes a label's direction from its first strong letter and does not skip isolates:
        # a left-to-right mark before the isolate keeps "2 · <Arabic name>" reading left to right
        shown = "\u200e" + shown
    escaped = shown.replace("\\", "\\\\").translate(_ESCAPES)
    return escaped if escaped.strip("]") else escaped.replace("]", "&#93;")


def display_width(text: str) -> int:
    """Columns `text` takes on screen: wide and full-width characters (CJK) count two, combining
    marks and joiners none, everything else one."""
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufe0f\u2068\u2069":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrapped(text: object, width: int, max_lines: int | None = None) -> list[str]:
    """Clean text broken into lines at most `width` columns wide (see `display_width`; long words
    are split). Text in scripts without spaces (Japanese, Chinese) breaks between characters.

    With `max_lines`, the last kept line ends with an ellipsis when text was cut.
    """
    line = clean(text)
    if len(line) <= width and (line.isascii() or display_width(line) <= width):
        return [line]  # most labels: textwrap is the slowest part of writing a big diagram
    if line.isascii():
        lines = textwrap.wrap(line, width, break_on_hyphens=True) or [""]
    else:
        lines = _wrapped_by_width(line, width)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "…"
    return lines


# wide characters (first and last code point of each range): a line may break before or after one
_WIDE = ((0x1100, 0x115F), (0x2E80, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
         (0xFF00, 0xFF60), (0xFFE0, 0xFFE6))


def _is_wide(char: str) -> bool:
    code = ord(char)
    return any(first <= code <= last for first, last in _WIDE)


def _tokens(line: str) -> list[str]:
    """`line` cut into runs of white space, single wide characters, and runs of anything else.
    Written out rather than as a regular expression: the character classes of these ranges took
    longer to compile (about 10 ms) than drawing a small diagram, and every label with an arrow or
    an accent in it asked for them."""
    tokens: list[str] = []
    start, kind = 0, ""
    for at, char in enumerate(line):
        now = "space" if char.isspace() else "wide" if _is_wide(char) else "word"
        if at and (now != kind or now == "wide"):
            tokens.append(line[start:at])
            start = at
        kind = now
    if line:
        tokens.append(line[start:])
    return tokens


def _wrapped_by_width(line: str, width: int) -> list[str]:
    """Greedy wrapping by display width: breaks at spaces and around wide characters; a run wider
    than a whole line is split by width."""
    lines: list[str] = []
    current, used = "", 0
    for token in _tokens(line):
        if token.isspace():
            if current:
                current, used = current + " ", used + 1
            continue
        size = display_width(token)
        if used + size > width and current.strip():
            lines.append(current.rstrip())
            current, used = "", 0
        while size > width:  # a word longer than a line
            cut, taken = 0, 0
            while cut < len(token) and taken + _char_width(token[cut]) <= max(1, width - used):
                taken += _char_width(token[cut])
                cut += 1
            cut = max(cut, 1)
            lines.append((current + token[:cut]).rstrip())
            token, current, used = token[cut:], "", 0
            size = display_width(token)
        current, used = current + token, used + size
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def text_direction(text: str) -> str:
    """"rtl" when the first letter with a strong direction is Arabic or Hebrew (the rule browsers
    and Pango use for a paragraph), else "ltr"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def direction_attrs(text: object) -> str:
    """HTML attributes for an element holding `text`: ` dir="rtl" lang="ar"` (or "he") for
    right-to-left text, so it is laid out and aligned right to left, and styles can tell it apart
    (Arabic has no italic: a slanted Arabic quote falls back to a font without its letter forms);
    empty for everything else."""
    line = clean(text)
    if line.isascii() or text_direction(line) == "ltr":
        return ""
    first = next(c for c in line if unicodedata.bidirectional(c) in ("R", "AL"))
    return f' dir="rtl" lang="{"ar" if unicodedata.bidirectional(first) == "AL" else "he"}"'


def isolated(text: str) -> str:
    """`text` between first-strong isolates (U+2068 … U+2069) when it holds right-to-left
    letters: map text mixing Arabic and Latin then keeps its own order and cannot reorder the
    label around it (a stage number, a separator)."""
    if text.isascii() or not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    return f"\u2068{text}\u2069"


def shortened(text: object, limit: int) -> str:
    line = clean(text)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
