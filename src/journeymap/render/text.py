"""Map text made safe and tidy before it reaches any output language.

Map text is untrusted. Every renderer takes it through `clean` (strings.clean: one
line, no control characters, nothing XML cannot carry) and then through the escaper of
its own language: `html_text` for HTML, SVG and XML, `dot_html` for Graphviz's
HTML-like labels. Nothing a map says is ever used as markup, an id, a URL or a
file name.
"""

from __future__ import annotations

import html
import textwrap

from journeymap.strings import clean

__all__ = ["clean", "dot_html", "html_text", "shortened", "wrapped"]

def html_text(text: object) -> str:
    """Text for HTML, SVG or XML content and quoted attribute values."""
    return html.escape(clean(text), quote=True)


def dot_html(text: object) -> str:
    """Text for a Graphviz HTML-like label.

    Graphviz still expands escapes such as `\\N` (node name) and `\\G` inside
    HTML-like labels, even when the backslash is written as an entity, so
    backslashes are doubled before the XML escaping.

    Graphviz hands a label to expat one piece of text at a time, and expat holds
    back a trailing `]` or `]]` (it could begin `]]>`): a piece that is nothing
    but brackets is then a syntax error, or silently missing from the picture.
    Such a piece is written as entities, which Graphviz draws as brackets.
    """
    escaped = html.escape(clean(text).replace("\\", "\\\\"), quote=True)
    return escaped if escaped.strip("]") else escaped.replace("]", "&#93;")


def wrapped(text: object, width: int, max_lines: int | None = None) -> list[str]:
    """Clean text broken into lines of at most `width` characters (long words are split).

    With `max_lines`, the last kept line ends with an ellipsis when text was cut.
    """
    line = clean(text)
    if len(line) <= width:
        return [line]  # most labels: textwrap is the slowest part of writing a big diagram
    lines = textwrap.wrap(line, width, break_on_hyphens=True) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "…"
    return lines


def shortened(text: object, limit: int) -> str:
    line = clean(text)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
