"""The lanes of a journey map kept as a spreadsheet grid, and how their cells are read.

Teams lay a journey map out as a grid: stages across the top, one row per lane
(touchpoints, feelings, pain points, ...). Their row labels vary ("Doing",
"Emotions", "Frustrations") and so do their feelings (numbers on two scales,
words, faces). This module is the one place that knows those words; the sheet
importer and exporter both read it, so a sheet journeymap writes reads back
with no guesses.

Each reading that is not the canonical one returns a note, which the importer
shows as a warning: a team sees every guess made about its sheet.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache


class Lane(StrEnum):
    """A row of the grid, named after what it becomes in the map."""

    touchpoints = "touchpoints"
    actions = "actions"
    thoughts = "thoughts"
    feelings = "feelings"
    channels = "channels"
    pain_points = "pain points"
    opportunities = "opportunities"
    backstage = "backstage"
    support = "support"
    kpis = "kpis"
    goal = "goal"
    notes = "notes"


# the row labels journeymap writes, in the order it writes them; reading them back is no guess
LABELS: dict[Lane, str] = {
    Lane.touchpoints: "Touchpoints",
    Lane.actions: "Actions",
    Lane.thoughts: "Thoughts",
    Lane.feelings: "Feelings",
    Lane.channels: "Channels",
    Lane.pain_points: "Pain points",
    Lane.opportunities: "Opportunities",
    Lane.backstage: "Backstage",
    Lane.support: "Support",
    Lane.kpis: "KPIs",
    Lane.goal: "Goal",
    Lane.notes: "Notes",
}
STAGE_LABEL = "Stage"

# lanes whose items belong to one touchpoint each; the others belong to the stage
PER_TOUCHPOINT = (
    Lane.actions, Lane.thoughts, Lane.feelings, Lane.channels, Lane.pain_points,
    Lane.opportunities, Lane.backstage, Lane.support,
)
PER_STAGE = (Lane.kpis, Lane.goal, Lane.notes)

# the words teams put in the label column for each lane (compared without case, plural or punctuation)
_SYNONYMS: dict[Lane, tuple[str, ...]] = {
    Lane.touchpoints: ("touchpoint", "touch point", "interaction", "moment", "moments of truth"),
    Lane.actions: ("action", "doing", "step", "activity", "task", "does", "what they do", "user action",
                   "customer action", "behaviour", "behavior"),
    Lane.thoughts: ("thought", "thinking", "think", "question", "quote", "says", "saying", "what they think"),
    Lane.feelings: ("feeling", "emotion", "emotional journey", "mood", "sentiment", "feel", "feels",
                    "how they feel", "satisfaction", "experience"),
    Lane.channels: ("channel", "medium", "media", "device", "where"),
    Lane.pain_points: ("pain point", "pain", "painpoint", "frustration", "problem", "issue", "barrier",
                       "pain point & frustration", "pains"),
    Lane.opportunities: ("opportunity", "idea", "improvement", "how might we", "solution", "recommendation"),
    Lane.backstage: ("backstage", "back stage", "backstage action", "behind the scene", "employee action",
                     "staff action"),
    Lane.support: ("support", "support process", "system", "tool", "supporting system"),
    Lane.kpis: ("kpi", "metric", "measure", "success metric", "kpis metric"),
    Lane.goal: ("goal", "customer goal", "need", "expectation", "objective"),
    Lane.notes: ("note", "description", "comment"),
}
MISSPELT = 30  # labels longer than this are not compared for misspellings
_STAGE_WORDS = ("stage", "phase", "journey stage", "journey phase", "stages")


def _words(label: str) -> str:
    """Lower case, no accents, punctuation or emoji, single spaces, each word without a plural s."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9&]+", folded)
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


@cache
def _table() -> dict[str, Lane]:
    table: dict[str, Lane] = {}
    for lane, words in _SYNONYMS.items():
        for word in (LABELS[lane], *words):
            table.setdefault(_words(word), lane)
    return table


@cache
def _any_word() -> re.Pattern[str]:
    """Every lane word in one pattern, longest first, so a search finds the first word a label
    holds in one pass over it."""
    words = sorted(_table(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")


@dataclass(frozen=True)
class Reading:
    """What a row label was read as; `guess` is True unless it is the lane's own name."""

    lane: Lane
    guess: bool


@lru_cache(maxsize=4096)
def lane_of(label: str) -> Reading | None:
    """The lane a row label names, or None. Case and plural never make a guess; synonyms,
    labels that contain a lane's word ("Customer actions") and misspellings do."""
    key = _words(label)
    if not key:
        return None
    table = _table()
    if key in table:
        lane = table[key]
        return Reading(lane, key != _words(LABELS[lane]))
    # the first lane word the label contains ("Pain points & frustrations", "Thoughts & feelings")
    found = _any_word().search(key)
    if found:
        return Reading(table[found.group(1)], True)
    if len(key) > MISSPELT:  # a long text is content, not a misspelt label
        return None
    close = difflib.get_close_matches(key, list(table), n=1, cutoff=0.85)
    return Reading(table[close[0]], True) if close else None


def names_a_lane(label: str) -> bool:
    """Whether a label is a lane's name or synonym as it stands (no containment, no misspelling)."""
    return _words(label) in _table()


def is_stage_label(label: str) -> bool:
    """Whether a label in the label column marks the row of stage names ("Stage", "Phases")."""
    return _words(label) in {_words(w) for w in _STAGE_WORDS}


# --- cells and items ---------------------------------------------------------------------------

_BULLET = re.compile(r"^(?:[-*•◦▪·‣–]|\d{1,2}[.)])\s+")
_INLINE_BULLET = re.compile(r"\s*•\s*")
_DASH_BULLETS = re.compile(r"\s+-\s+")


def items(cell: str) -> list[str]:
    """The items a cell holds: one a line, or one a bullet ("- ", "• ", "1. "), bullets and
    blank lines dropped."""
    out: list[str] = []
    for raw in cell.split("\n"):
        line = raw.strip()
        if not line:
            continue
        # bullets run inline too ("• Search • Compare"); "- " only when the line starts with one,
        # so that "Sign in - or not" stays one item
        if "•" in line:
            parts = _INLINE_BULLET.split(line)
        elif line.startswith("- "):
            parts = _DASH_BULLETS.split(line[2:])
        else:
            parts = [line]
        for part in parts:
            text = _BULLET.sub("", part.strip(), count=1).strip()
            if text:
                out.append(text)
    return out


# --- feelings ------------------------------------------------------------------------------------

# the faces and words teams use for feelings, on the map's -2..+2 scale
_FACES: dict[str, int] = {
    "😍": 2, "🤩": 2, "🥰": 2, "😁": 2, "😄": 2, "😆": 2, "🥳": 2, "❤": 2, "💚": 2,
    "😀": 1, "😃": 1, "😊": 1, "🙂": 1, "☺": 1, "😌": 1, "👍": 1, "✅": 1,
    "😐": 0, "😑": 0, "😶": 0, "🤔": 0, "🤷": 0, "😬": 0,
    "🙁": -1, "☹": -1, "😕": -1, "😟": -1, "😞": -1, "😒": -1, "😔": -1, "😣": -1, "😖": -1, "👎": -1,
    "😢": -1, "😥": -1, "😓": -1, "😰": -1,
    "😡": -2, "😠": -2, "🤬": -2, "😤": -2, "😭": -2, "😩": -2, "😫": -2, "💔": -2, "❌": -2,
}
_TEXT_FACES: dict[str, int] = {
    ":d": 2, ":-d": 2, ":)": 1, ":-)": 1, "(:": 1, ":|": 0, ":-|": 0, ":(": -1, ":-(": -1, "):": -1,
    ":'(": -2, ">:(": -2,
}
_WORDS: dict[str, int] = {
    "very positive": 2, "very happy": 2, "delighted": 2, "great": 2, "excellent": 2, "amazing": 2,
    "excited": 2, "love": 2, "thrilled": 2, "fantastic": 2, "very good": 2,
    "positive": 1, "good": 1, "happy": 1, "pleased": 1, "satisfied": 1, "relieved": 1, "confident": 1,
    "glad": 1, "high": 1, "hopeful": 1, "content": 1, "curious": 1, "interested": 1,
    "neutral": 0, "ok": 0, "okay": 0, "fine": 0, "meh": 0, "indifferent": 0, "mixed": 0, "so so": 0,
    "average": 0, "calm": 0, "unsure": 0, "medium": 0,
    "negative": -1, "bad": -1, "sad": -1, "unhappy": -1, "annoyed": -1, "confused": -1, "worried": -1,
    "anxious": -1, "low": -1, "poor": -1, "disappointed": -1, "frustrated": -1, "impatient": -1,
    "stressed": -1, "bored": -1, "uncertain": -1, "nervous": -1, "irritated": -1,
    "very negative": -2, "very unhappy": -2, "angry": -2, "furious": -2, "terrible": -2, "awful": -2,
    "hate": -2, "horrible": -2, "very bad": -2, "desperate": -2, "upset": -2, "very frustrated": -2,
}
# the canonical words: reading them is no guess
CANONICAL_WORDS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive"}


@dataclass(frozen=True)
class Feeling:
    """A feeling cell item read as a number on the item's own scale (`raw`), or as an emotion
    already (`emotion`), with what the reading was (`how`, empty when it was no guess)."""

    text: str
    raw: float | None = None
    emotion: int | None = None
    how: str = ""


_NUMBER = re.compile(r"^[+\-−]?\d+(?:[.,]\d+)?$")


def read_feeling(text: str) -> Feeling:
    """One item of a feelings cell: a number (kept raw: the row decides its scale), a face, or
    a word. An item it cannot read has neither `raw` nor `emotion`."""
    plain = text.strip().replace("\ufe0f", "")
    if _NUMBER.match(plain):
        return Feeling(text, raw=float(plain.replace("−", "-").replace(",", ".")))
    for char in plain:
        if char in _FACES:
            return Feeling(text, emotion=_FACES[char], how=f"face {char}")
    lowered = " ".join(plain.lower().split())
    if lowered in _TEXT_FACES:
        return Feeling(text, emotion=_TEXT_FACES[lowered], how="face")
    words = " ".join(re.findall(r"[a-z]+", lowered))
    if words in _WORDS:
        value = _WORDS[words]
        return Feeling(text, emotion=value, how="" if CANONICAL_WORDS[value] == words else "word")
    for word in words.split():
        if word in _WORDS:
            return Feeling(text, emotion=_WORDS[word], how=f"word '{word}'")
    return Feeling(text)


@dataclass(frozen=True)
class Scale:
    """The scale a row's numbers are on, and how a number on it becomes -2..+2."""

    low: int
    high: int
    name: str

    def emotion(self, value: float, bottom: int, top: int) -> int:
        middle = (self.low + self.high) / 2
        reach = (self.high - self.low) / 2 or 1
        return max(bottom, min(top, round(top * (value - middle) / reach)))


def scale_of(numbers: list[float], bottom: int, top: int) -> Scale | None:
    """The scale a row of feelings uses: the map's own (`bottom`..`top`, e.g. -2..+2) when every
    number fits it, else 1..5, 1..7 or 1..10 (the smallest that holds them); None when none does."""
    if not numbers or all(bottom <= n <= top for n in numbers):
        return Scale(bottom, top, f"{bottom}..{top:+d}")
    if min(numbers) < 0:
        return None
    low = 0 if min(numbers) < 1 else 1
    for high in (5, 7, 10):
        if max(numbers) <= high:
            return Scale(low, high, f"{low}..{high}")
    return None
