"""A KPI's hand-typed target ("85%", "2d", "4.5") as a number on the measure's own unit."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^\s*([<>≤≥=]*)\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")
_UNITS = r"(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)"
_DURATION = re.compile(r"^\s*[<>≤≥=]*\s*(\d+(?:\.\d+)?)\s*" + _UNITS + r"\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def target_value(text: str, unit: str) -> float | None:
    """The target in the unit of the measured value (a share 0..1, seconds, a score); None
    when the text is no such target ("120 a month")."""
    if unit == "seconds":
        match = _DURATION.match(text)
        if not match:
            return None
        return float(match.group(1)) * _UNIT_SECONDS[match.group(2)[0]]
    match = _NUMBER.match(text)
    if not match:
        return None
    number = float(match.group(2))
    if unit == "share" and (match.group(3) or number > 1):
        return number / 100
    return number
