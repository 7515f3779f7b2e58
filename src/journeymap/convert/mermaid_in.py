"""Mermaid `journey` diagrams -> journey maps.

Section -> stage, task -> touchpoint, score s (1..5) -> emotion s - 3, actors ->
personas, or the touchpoint's support when they name a system ("App Banque": see
convert.actors). Diagrams written by hand are messy, so this accepts what Mermaid
accepts (any indentation, no space after `:`, keywords in any case, `%%`
comments, `accTitle`/`accDescr`, entity codes such as `#59;`, a Markdown code
fence around it) and, wherever Mermaid itself would quietly lose or bend
something, says so in a warning rather than guessing in silence.

What the map format cannot hold is refused with the line it is on: control
characters (typed, or written as entity codes such as `#27;`) and titles or
names longer than the format allows. Warnings quote diagram text bounded and
with control characters escaped, so a diagram cannot write to the terminal.
"""

from __future__ import annotations

import difflib
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeymap.convert.actors import is_system, opposites
from journeymap.convert.finish import Conversion, finish
from journeymap.defaults import DEFAULT_MAX_BYTES
from journeymap.errors import JourneymapError, UsageProblem
from journeymap.io.sources import Target, read_target
from journeymap.schema_values import EMOTION_MAX, EMOTION_MIN, NAME_MAX, TITLE_MAX
from journeymap.strings import CONTROL, one_line, short
from journeymap.strings import slug as slugify

_ENTITY = re.compile(r"#(\d+|[a-zA-Z]+);")
_FENCE = re.compile(r"^\s*(```|~~~)")
# the characters the map format's text pattern refuses (schemas/journeymap.schema.json)
# comparing every pair of actors grows with the square of their number; past this many, only
# names equal but for case and a plural s are reported
FUZZY_ACTORS = 200
MAX_ACTOR_WARNINGS = 20


class NotAJourney(JourneymapError):
    """The input is not a Mermaid journey diagram (exit 2)."""


class BadScores(JourneymapError):
    """Scores outside 1..5 without --rescale (exit 1: the diagram is at fault)."""


class BadText(JourneymapError):
    """Text the map format cannot hold: a control character, an overlong name (exit 1)."""


def _checked(text: str, what: str, where: str, limit: int | None = NAME_MAX) -> str:
    bad = CONTROL.search(text)
    if bad:
        raise BadText(f"{where}: the {what} holds a control character (U+{ord(bad.group()):04X}); remove it")
    if limit is not None and len(text) > limit:
        raise BadText(f"{where}: the {what} is {len(text):,} characters long; a map allows {limit}: shorten it")
    return text


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
    front_title = ""
    if lines and lines[0][1] == "---":
        front_title, lines = _front_matter(source, lines, name)
        if not lines:
            raise NotAJourney(f"{name}: nothing follows the front matter; expected a Mermaid diagram starting "
                              "with `journey` after it")
    if not lines:
        raise NotAJourney(f"{name}: the file is empty; expected a Mermaid diagram starting with `journey`")
    first_line, first = lines[0]
    if first.lower() != "journey" and not first.lower().startswith("journey "):
        shown = short(first, 40)
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
        where = f"{name}:{number}"
        if in_descr:
            if line.startswith("}"):
                in_descr = False
                description = " ".join(descr_lines)
            else:
                descr_lines.append(_checked(_decode(line), "description", where, None))
            continue
        if lower.startswith("title ") or lower == "title":
            title = _checked(_decode(line[5:]), "title", where, TITLE_MAX)
        elif lower.startswith("acctitle"):
            title = title or _checked(_decode(line.split(":", 1)[1] if ":" in line else ""), "title", where, TITLE_MAX)
        elif lower.startswith("accdescr"):
            rest = line[8:].strip()
            if rest.startswith("{"):
                in_descr = True
                descr_lines = [_checked(_decode(rest[1:]), "description", where, None)] if rest[1:].strip() else []
            else:
                text = _decode(rest[1:] if rest.startswith(":") else rest)
                description = _checked(text, "description", where, None)
        elif lower.startswith("section ") or lower == "section":
            section = unnumbered(_checked(_decode(line[7:]), "section name", where))
            sections.append(_Section(number, section))
        else:
            if not sections:
                sections.append(_Section(number, "Journey"))
            sections[-1].tasks.append(_task(number, line, name, warnings))
    if in_descr:
        warnings.append(f"{name}: `accDescr {{` is never closed with `}}`; the description runs to the end")
        description = " ".join(descr_lines)
    return title or front_title, description, sections, warnings


_FRONT_TITLE = re.compile(r"title:\s*(.*)$")


def _front_matter(source: str, lines: list[tuple[int, str]], name: str) -> tuple[str, list[tuple[int, str]]]:
    """The `title:` of a front matter block (`---` ... `---` before `journey`, where Mermaid 10
    takes a diagram's title and configuration), and the lines after it. Only a key at the
    block's top level is the title: one indented under `config:` is not."""
    end = next((i for i, (_, line) in enumerate(lines[1:], start=1) if line == "---"), None)
    if end is None:
        raise NotAJourney(f"{name}:{lines[0][0]}: the front matter that starts with `---` is never closed "
                          "with `---`; close it before `journey`")
    raw = source.splitlines()
    title = ""
    for number, _ in lines[1:end]:
        found = _FRONT_TITLE.match(raw[number - 1])
        if found:
            text = found.group(1).strip()
            if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                text = text[1:-1]
            title = _checked(_decode(text), "title", f"{name}:{number}", TITLE_MAX)
    return title, lines[end + 1:]


# "1. La galère", "2) Pay", "Step 3 - Leave", "04 · Return": journeymap numbers stages itself
_NUMBERED = re.compile(r"^(?:(?:step|stage|phase|section)\s*)?\d{1,3}\s*(?:[.):·\-–—]\s*|\s+(?=\D))", re.IGNORECASE)


def unnumbered(section: str) -> str:
    """The section name without a leading number: the stage gets its number from its place, and
    "1. Arrive" would show as "1 · 1. Arrive"."""
    rest = _NUMBERED.sub("", section, count=1).strip()
    return rest or section


def _task(number: int, line: str, name: str, warnings: list[str]) -> _Task:
    where = f"{name}:{number}"
    parts = line.split(":")
    task_name = _checked(_decode(parts[0]), "task name", where)
    if len(parts) < 2:
        warnings.append(f"{where}: warning: task '{task_name}' has no score; it gets no emotion")
        return _Task(number, task_name, None, [])
    raw_score = parts[1].strip()
    score: float | None
    try:
        score = float(raw_score)
        if not math.isfinite(score):  # `nan` and `inf` parse as floats but are no score
            raise ValueError(raw_score)
    except ValueError:
        warnings.append(f"{where}: warning: score '{short(raw_score)}' of '{task_name}' is not a number; "
                        "it gets no emotion")
        score = None
    else:
        if score != int(score):
            warnings.append(f"{where}: warning: score {raw_score} of '{task_name}' is not a whole number; "
                            f"rounded to {round(score)}")
    actors: list[str] = []
    if len(parts) > 2:
        for actor in parts[2].split(","):
            actor_name = _checked(_decode(actor), "actor name", where)
            if actor_name:
                actors.append(actor_name)
            else:
                warnings.append(f"{where}: warning: an empty actor name in '{task_name}' is ignored")
    extra = ":".join(parts[3:]).strip()
    if extra:
        warnings.append(f"{where}: warning: '{task_name}' has extra `:` fields ('{short(extra, 40)}'), which "
                        "Mermaid ignores; kept in the touchpoint's description")
    return _Task(number, task_name, score, actors, _checked(_decode(extra), "extra field", where, None))


@dataclass(frozen=True)
class Rescale:
    """How scores outside Mermaid's 1..5 become emotions: `range` maps the lowest score to -2 and
    the highest to +2; with `midpoint`, that score becomes 0 and the score farthest from it ±2, so
    a scale's middle stays neutral (scores 4..9 on a 1..10 scale: midpoint 5.5)."""

    low: float
    high: float
    midpoint: float | None = None

    def emotion(self, score: float) -> int:
        if self.midpoint is not None:
            reach = max(abs(self.high - self.midpoint), abs(self.low - self.midpoint)) or 1.0
            return max(EMOTION_MIN, min(EMOTION_MAX, round(EMOTION_MAX * (score - self.midpoint) / reach)))
        if self.high <= self.low:
            return 0
        # halved, so that the difference of two scores near the float limit cannot overflow
        spread = EMOTION_MAX - EMOTION_MIN
        return round(EMOTION_MIN + spread * ((score / 2 - self.low / 2) / (self.high / 2 - self.low / 2)))


def _emotion(score: float | None, rescale: Rescale | None) -> int | None:
    if score is None:
        return None
    if rescale is not None:
        return rescale.emotion(score)
    return round(score) - 3


def _signed(emotion: int) -> str:
    return f"+{emotion}" if emotion > 0 else ("−" + str(-emotion) if emotion < 0 else "0")


def _unique(base: str, fallback: str, taken: set[str]) -> str:
    slug = slugify(base) or fallback
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def import_mermaid(
    source: str, name: str = "diagram", *, rescale: bool = False, midpoint: float | None = None
) -> Imported:
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
    scale: Rescale | None = None
    if midpoint is not None or (rescale and out_of_range):
        scale = Rescale(low, high, midpoint)
        how = (f"score {midpoint:g} became neutral (0), the farthest from it ±2" if midpoint is not None
               else f"the lowest ({low:g}) became −2 and the highest ({high:g}) +2")
        each = ", ".join(f"{s:g} → {_signed(scale.emotion(s))}" for s in sorted(set(scores)))
        warnings.append(f"{name}: scores run from {low:g} to {high:g}; rescaled onto −2..+2: {how}. "
                        f"Each score became: {each}")
        if midpoint is None:
            middle = (low + high) / 2
            warnings.append(f"{name}: note: {low:g} now reads as very negative; if the diagram's scale has another "
                            f"middle (1..10: 5.5), pass --midpoint to keep it neutral (this range's middle is "
                            f"{middle:g})")

    actor_names: list[str] = []
    for task in (t for s in sections for t in s.tasks):
        for actor in task.actors:
            if actor not in actor_names:
                actor_names.append(actor)
    systems = [a for a in actor_names if is_system(a)]
    if systems:
        shown = ", ".join(f"'{short(a, 40)}'" for a in systems[:5]) + (" …" if len(systems) > 5 else "")
        warnings.append(f"{name}: note: {shown} {'look' if len(systems) > 1 else 'looks'} like a system, not a "
                        "person: listed under each touchpoint's support (systems and partners), not as a persona")
    actor_names = [a for a in actor_names if a not in systems]
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
            emotion = _emotion(task.score, scale)
            if emotion is not None:
                touchpoint["emotion"] = emotion
            people = [a for a in dict.fromkeys(task.actors) if a in persona_ids]
            if people:
                touchpoint["personas"] = [persona_ids[a] for a in people]
            used = [a for a in dict.fromkeys(task.actors) if a in systems]
            if used:
                touchpoint["support"] = used
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
    pairs: list[tuple[str, str]] = []
    if len(names) <= FUZZY_ACTORS:
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                x, y = a.lower().rstrip("s"), b.lower().rstrip("s")
                if x == y or (
                    difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.85 and not opposites(a, b)
                ):
                    pairs.append((a, b))
    else:
        first: dict[str, str] = {}
        for b in names:
            a = first.setdefault(b.lower().rstrip("s"), b)
            if a is not b:
                pairs.append((a, b))
    out = [f"{source}: warning: actors '{a}' and '{b}' look like the same person; they become "
           "two personas: merge them in the diagram if they are one" for a, b in pairs[:MAX_ACTOR_WARNINGS]]
    if len(pairs) > MAX_ACTOR_WARNINGS:
        out.append(f"{source}: warning: {len(pairs) - MAX_ACTOR_WARNINGS:,} more pairs of actors look like the "
                   "same person")
    if len(names) > FUZZY_ACTORS:
        out.append(f"{source}: warning: {len(names):,} actors are too many to compare for spelling variants; "
                   "only names that differ in case or a plural s were checked")
    return out




def convert_file(
    file: str, out: Path | None = None, *, rescale: bool = False, midpoint: float | None = None, force: bool = False
) -> Conversion:
    """Read a Mermaid diagram (a file, or `-` for standard input) and convert it into a map, written
    atomically to `out` (never over a file unless `force`). A diagram the format cannot hold is
    `refused`; a file that cannot be read, is not text or not a journey raises (exit 2)."""

    name = "<stdin>" if file == "-" else one_line(file)
    raw = read_target(Target(file), DEFAULT_MAX_BYTES)
    if len(raw) > DEFAULT_MAX_BYTES:
        # read_target stops one byte past the limit: converting the rest would lose it silently
        return Conversion(refused=f"{name}: larger than the {DEFAULT_MAX_BYTES:,}-byte limit; a Mermaid journey "
                          "diagram is far smaller")
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageProblem(f"{name}: not UTF-8 text; expected a Mermaid journey diagram") from None
    try:
        imported = import_mermaid(source, name, rescale=rescale or midpoint is not None, midpoint=midpoint)
    except (BadScores, BadText) as exc:
        return Conversion(refused=str(exc))
    return finish(imported.data, imported.warnings, out, force, file)
