"""Mermaid `journey` diagrams -> journey maps.

Section -> stage, task -> touchpoint, score s (1..5) -> emotion s - 3, actors ->
personas. Diagrams written by hand are messy, so this accepts what Mermaid
accepts (any indentation, no space after `:`, keywords in any case, `%%`
comments, `accTitle`/`accDescr`, entity codes such as `#59;`, a Markdown code
fence around it) and, wherever Mermaid itself would quietly lose or bend
something, says so in a warning rather than guessing in silence.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from typing import Any

from journeymap.errors import JourneymapError
from journeymap.schema import slugify

_ENTITY = re.compile(r"#(\d+|[a-zA-Z]+);")
_FENCE = re.compile(r"^\s*(```|~~~)")


class NotAJourney(JourneymapError):
    """The input is not a Mermaid journey diagram (exit 2)."""


class BadScores(JourneymapError):
    """Scores outside 1..5 without --rescale (exit 1: the diagram is at fault)."""


@dataclass
class _Task:
    line: int
    name: str
    score: float | None
    actors: list[str]
    extra: str = ""


@dataclass
class _Section:
    line: int
    name: str
    tasks: list[_Task] = field(default_factory=list)


@dataclass
class Imported:
    """The map as data (ready to dump), and the warnings to show."""

    data: dict[str, Any]
    warnings: list[str]


def _decode(text: str) -> str:
    def entity(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.isdigit():
            number = int(code)
            return chr(number) if 0 < number < 0x110000 and not 0xD800 <= number <= 0xDFFF else match.group(0)
        decoded = html.unescape(f"&{code};")
        return decoded if decoded != f"&{code};" else match.group(0)

    return _ENTITY.sub(entity, text).strip()


def _lines(source: str) -> list[tuple[int, str]]:
    """Numbered, stripped lines without comments, blank lines or a surrounding code fence."""
    out = []
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("%%") or _FENCE.match(line):
            continue
        out.append((number, line))
    return out


def parse(source: str, name: str = "diagram") -> tuple[str, str, list[_Section], list[str]]:
    """Title, description, sections and warnings; raises NotAJourney for anything else."""
    lines = _lines(source)
    if not lines:
        raise NotAJourney(f"{name}: the file is empty; expected a Mermaid diagram starting with `journey`")
    first_line, first = lines[0]
    if first.lower() != "journey" and not first.lower().startswith("journey "):
        shown = first[:40]
        raise NotAJourney(
            f"{name}:{first_line}: this is not a Mermaid journey diagram (it starts with '{shown}'); "
            "expected the first line to be `journey`"
        )
    title, description = "", ""
    sections: list[_Section] = []
    warnings: list[str] = []
    in_descr = False
    descr_lines: list[str] = []
    for number, line in lines[1:]:
        lower = line.lower()
        if in_descr:
            if line.startswith("}"):
                in_descr = False
                description = " ".join(descr_lines)
            else:
                descr_lines.append(_decode(line))
            continue
        if lower.startswith("title ") or lower == "title":
            title = _decode(line[5:])
        elif lower.startswith("acctitle"):
            title = title or _decode(line.split(":", 1)[1] if ":" in line else "")
        elif lower.startswith("accdescr"):
            rest = line[8:].strip()
            if rest.startswith("{"):
                in_descr, descr_lines = True, [_decode(rest[1:])] if rest[1:].strip() else []
            else:
                description = _decode(rest[1:] if rest.startswith(":") else rest)
        elif lower.startswith("section ") or lower == "section":
            sections.append(_Section(number, _decode(line[7:])))
        else:
            if not sections:
                sections.append(_Section(number, "Journey"))
            sections[-1].tasks.append(_task(number, line, name, warnings))
    if in_descr:
        warnings.append(f"{name}: `accDescr {{` is never closed with `}}`; the description runs to the end")
        description = " ".join(descr_lines)
    return title, description, sections, warnings


def _task(number: int, line: str, name: str, warnings: list[str]) -> _Task:
    where = f"{name}:{number}"
    parts = line.split(":")
    task_name = _decode(parts[0])
    if len(parts) < 2:
        warnings.append(f"{where}: warning: task '{task_name}' has no score; it gets no emotion")
        return _Task(number, task_name, None, [])
    raw_score = parts[1].strip()
    score: float | None
    try:
        score = float(raw_score)
    except ValueError:
        warnings.append(f"{where}: warning: score '{raw_score}' of '{task_name}' is not a number; it gets no emotion")
        score = None
    else:
        if score != int(score):
            warnings.append(f"{where}: warning: score {raw_score} of '{task_name}' is not a whole number; "
                            f"rounded to {round(score)}")
    actors: list[str] = []
    if len(parts) > 2:
        for actor in parts[2].split(","):
            actor_name = _decode(actor)
            if actor_name:
                actors.append(actor_name)
            else:
                warnings.append(f"{where}: warning: an empty actor name in '{task_name}' is ignored")
    extra = ":".join(parts[3:]).strip()
    if extra:
        warnings.append(f"{where}: warning: '{task_name}' has extra `:` fields ('{extra[:40]}'), which Mermaid "
                        "ignores; kept in the touchpoint's description")
    return _Task(number, task_name, score, actors, _decode(extra))


def _emotion(score: float | None, low: float, high: float, rescale: bool) -> int | None:
    if score is None:
        return None
    if rescale and high > low and (low < 1 or high > 5):
        return round(-2 + 4 * (score - low) / (high - low))
    return round(score) - 3


def _unique(base: str, fallback: str, taken: set[str]) -> str:
    slug = slugify(base) or fallback
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def import_mermaid(source: str, name: str = "diagram", *, rescale: bool = False) -> Imported:
    title, description, sections, warnings = parse(source, name)
    scores = [t.score for s in sections for t in s.tasks if t.score is not None]
    out_of_range = [t for s in sections for t in s.tasks if t.score is not None and not 1 <= t.score <= 5]
    if out_of_range and not rescale:
        first = out_of_range[0]
        raise BadScores(
            f"{name}:{first.line}: score {first.score:g} of '{first.name}' is outside Mermaid's 1..5 "
            f"({len(out_of_range)} such task{'s' if len(out_of_range) > 1 else ''}); fix the scores, or pass "
            "--rescale to map the diagram's range onto -2..+2"
        )
    low = min(scores, default=1.0)
    high = max(scores, default=5.0)
    if rescale and out_of_range:
        warnings.append(f"{name}: scores run from {low:g} to {high:g}; rescaled onto -2..+2")

    actor_names: list[str] = []
    for task in (t for s in sections for t in s.tasks):
        for actor in task.actors:
            if actor not in actor_names:
                actor_names.append(actor)
    warnings += _near_duplicates(actor_names, name)
    persona_ids: dict[str, str] = {}
    taken_personas: set[str] = set()
    for i, actor in enumerate(actor_names, start=1):
        persona_ids[actor] = _unique(actor, f"persona-{i}", taken_personas)

    stages: list[dict[str, Any]] = []
    stage_ids: set[str] = set()
    touchpoint_ids: set[str] = set()
    for i, section in enumerate(sections, start=1):
        touchpoints = []
        for j, task in enumerate(section.tasks, start=1):
            touchpoint: dict[str, Any] = {
                "id": _unique(task.name, f"touchpoint-{i}-{j}", touchpoint_ids),
                "name": task.name or f"Task {j}",
            }
            if task.extra:
                touchpoint["description"] = task.extra
            emotion = _emotion(task.score, low, high, rescale)
            if emotion is not None:
                touchpoint["emotion"] = emotion
            if task.actors:
                touchpoint["personas"] = [persona_ids[a] for a in dict.fromkeys(task.actors)]
            touchpoints.append(touchpoint)
        stages.append({
            "id": _unique(section.name, f"stage-{i}", stage_ids),
            "name": section.name or f"Section {i}",
            "touchpoints": touchpoints,
        })
    data: dict[str, Any] = {"journeymap": 1, "id": slugify(title) or "imported-journey",
                            "title": title or "Imported journey"}
    if description:
        data["description"] = description
    if actor_names:
        data["personas"] = [{"id": persona_ids[a], "name": a} for a in actor_names]
    data["stages"] = stages
    return Imported(data, warnings)


def _near_duplicates(names: list[str], source: str) -> list[str]:
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            x, y = a.lower().rstrip("s"), b.lower().rstrip("s")
            if x == y or difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.85:
                out.append(f"{source}: warning: actors '{a}' and '{b}' look like the same person; they become "
                           "two personas: merge them in the diagram if they are one")
    return out


def map_yaml(data: dict[str, Any], schema_ref: str) -> str:
    import yaml

    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return f"# yaml-language-server: $schema={schema_ref}\n{body}"
