"""Small text helpers for messages: one line, bounded, no control characters.

Map text is untrusted: a message that quotes it must not carry a terminal escape
sequence or a newline into a CI log, nor run to megabytes.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: object) -> str:
    """Whitespace folded to single spaces, control characters shown as \\xNN."""
    folded = " ".join(str(text).split())
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", folded)


def short(text: object, limit: int = 60) -> str:
    line = one_line(text)
    return line if len(line) <= limit else line[: limit - 1] + "…"
