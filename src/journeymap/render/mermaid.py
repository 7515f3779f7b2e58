"""A Mermaid `journey` diagram, so a map shows natively in GitHub Markdown.

Stage → `section`, touchpoint → task, emotion e → score e + 3 (1..5),
personas → actors. A touchpoint without an emotion scores 3 (neutral); a
comment lists those, so nobody mistakes them for measured feelings.

Mermaid's journey grammar gives `#` (a comment), `;` (end of statement), `:`
(field separator) and, in actor lists, `,` a meaning, and drops lines that
start with `%%`. Map text therefore reaches it with those characters, and
`<`, `>`, `&` and backticks (which could close a Markdown code fence), written
as Mermaid entity codes (`#35;` for `#`): Mermaid turns them back into the
characters after parsing. A name that starts with a keyword (`title`,
`section`, `journey`, `acc…`) gets its first letter encoded too, or the
lexer would read the keyword.
"""

from __future__ import annotations

import re

from journeymap.model import Journey, Touchpoint
from journeymap.render.text import clean

_SPECIAL = re.compile(r"[#;:%<>&`]")
_SPECIAL_IN_ACTORS = re.compile(r"[#;:%<>&`,]")
_KEYWORD_START = re.compile(r"(?i)(journey|title|section|acc)")
INDENT = "    "


def mermaid_text(text: str, *, actor: bool = False) -> str:
    """Map text as Mermaid reads it back unchanged: special characters as entity codes."""
    line = clean(text)
    line = (_SPECIAL_IN_ACTORS if actor else _SPECIAL).sub(lambda m: f"#{ord(m.group())};", line)
    if _KEYWORD_START.match(line):
        line = f"#{ord(line[0])};{line[1:]}"
    return line


def score(emotion: int | None) -> int:
    return 3 if emotion is None else emotion + 3


def mermaid_source(journey: Journey) -> str:
    lines = ["journey", f"{INDENT}title {mermaid_text(journey.title) or journey.id or 'Journey'}"]
    unscored = [t.id for t in journey.touchpoints() if t.emotion is None]
    if unscored:
        # ids are [a-z0-9-] by the schema, so safe in a comment
        lines.append(f"{INDENT}%% no emotion recorded, shown as neutral (3): {', '.join(unscored)}")
    for stage in journey.stages:
        lines.append(f"{INDENT}section {mermaid_text(stage.name) or stage.id}")
        for touchpoint in stage.touchpoints:
            lines.append(f"{INDENT * 2}{_task(journey, touchpoint)}")
    return "\n".join(lines) + "\n"


def _task(journey: Journey, touchpoint: Touchpoint) -> str:
    name = mermaid_text(touchpoint.name) or touchpoint.id
    wanted = set(touchpoint.personas)
    actors = [
        mermaid_text(p.name, actor=True) or p.id
        for p in journey.personas
        if not wanted or p.id in wanted
    ]
    data = f"{score(touchpoint.emotion)}" + (f": {', '.join(actors)}" if actors else "")
    return f"{name}: {data}"
