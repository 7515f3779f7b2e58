"""The colours and words every picture uses for emotion, severity and status.

Emotion runs on ColorBrewer's 5-class RdYlBu, a diverging scheme that stays
distinguishable for the common kinds of colour blindness (no red against
green). Colour is never the only cue: every emotion also carries its score
(−2 … +2), every severity and status its word.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Swatch:
    fill: str
    ink: str  # text colour readable on `fill`
    word: str


EMOTION: dict[int, Swatch] = {
    -2: Swatch("#d7191c", "#ffffff", "very negative"),
    -1: Swatch("#fdae61", "#1f2933", "negative"),
    0: Swatch("#ffffbf", "#1f2933", "neutral"),
    1: Swatch("#abd9e9", "#1f2933", "positive"),
    2: Swatch("#2c7bb6", "#ffffff", "very positive"),
}
UNKNOWN_EMOTION = Swatch("#e4e7eb", "#3e4c59", "not recorded")

SEVERITY: dict[str, Swatch] = {
    "low": Swatch("#d9e2ec", "#243b53", "low"),
    "medium": Swatch("#f7c948", "#3d2c00", "medium"),
    "high": Swatch("#c2410c", "#ffffff", "high"),  # dark enough for white text (5:1, WCAG AA)
    "critical": Swatch("#8a1c1c", "#ffffff", "critical"),
}

STATUS: dict[str, Swatch] = {
    "idea": Swatch("#f0f4f8", "#334e68", "idea"),
    "planned": Swatch("#bcccdc", "#102a43", "planned"),
    "in-progress": Swatch("#486581", "#ffffff", "in progress"),
    "done": Swatch("#0f766e", "#ffffff", "done"),
    "dropped": Swatch("#e4e7eb", "#3e4c59", "dropped"),
}

INK = "#1f2933"
MUTED = "#52606d"
RULE = "#cbd2d9"

# A KPI bar's fill: the emotion scale's blue when the current value meets the target, the high
# severity's orange when it misses it (blue against orange stays apart for colour-blind readers),
# the track's grey when the two cannot be compared. The cell says "on/off target" in words too.
KPI_FILL = {"on": "#2c7bb6", "off": "#c2410c", "": "#486581"}
KPI_TRACK = "#e4e7eb"
# lint findings' words on the site: the critical severity's red, the medium severity's ink, the blue end
# of the emotion scale (each also says "error", "warning", "info" in words)
FINDING = {"error": "#8a1c1c", "warning": "#3d2c00", "info": "#2c7bb6"}
# a pain point every opportunity for which is done (the site's portfolio): the opportunity cards' tint
ADDRESSED = Swatch("#e6f4f1", "#1f2933", "addressed")
# the emotion customers report (a measures snapshot), drawn beside the assumed curve
MEASURED = "#c2410c"


def emotion_swatch(emotion: int | None) -> Swatch:
    return EMOTION.get(emotion, UNKNOWN_EMOTION) if emotion is not None else UNKNOWN_EMOTION


def emotion_score(emotion: int | None) -> str:
    """'+2', '−1' (a true minus sign), '0', or '?' when the emotion is not recorded."""
    if emotion is None:
        return "?"
    if emotion > 0:
        return f"+{emotion}"
    return f"\u2212{-emotion}" if emotion < 0 else "0"


def severity_swatch(severity: str) -> Swatch:
    return SEVERITY.get(severity, SEVERITY["medium"])


def status_swatch(status: str) -> Swatch:
    return STATUS.get(status, STATUS["idea"])


# The light design's supporting colours: surfaces, borders and the tints of cards, by what they do.
# Every colour a picture uses is in this module or in the theme table (render/theme.py): the test
# tests/render/test_design_system.py collects the colours of every output and holds them to it.
SUPPORT: dict[str, str] = {
    "page": "#f5f7fa",  # the web page's background, the site's
    "zebra": "#f7f9fb",  # every other stage's cells
    "blueprint": "#fafaf9",  # backstage and support cells
    "blueprint-label": "#f5f5f4",
    "hover": "#fffbea",  # a cell under the pointer
    "heading": "#102a43",  # titles on light paper; the shadows' colour
    "body": "#3e4c59",  # descriptions and actions
    "soft-line": "#bcccdc",
    "border": "#9aa5b1",  # dashed outlines: no channel, no emotion recorded, "… more"
    "stage-line": "#9fb3c8",  # the line between stages
    "lane-line": "#829ab1",
    "neutral-edge": "#e6e39a",  # the neutral emotion's edge, which its pale fill needs
    "neutral-border": "#d9d58c",
    "pain-medium": "#fffaf0",  # a pain card's tint by severity
    "pain-high": "#fff4ec",
    "pain-critical": "#fdeeee",
    "missing": "#a3161a",  # "no owner yet"
    "digital": "#e0e8f9", "digital-ink": "#2b4c7e",  # channel chips by kind
    "physical": "#f3e8d7", "physical-ink": "#6b4e16",
    "human": "#e3f1ec", "human-ink": "#1f5e4b",
    "other": "#eef2f6",
}
