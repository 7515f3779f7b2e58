"""`path:line:col: severity [rule-id] message`, one line a finding, then a summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from journeymap.baseline import BaselineState
from journeymap.findings import Severity
from journeymap.report import NO_CONTEXT, ReportContext
from journeymap.strings import one_line

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.baseline import Outcome

# ANSI select-graphic-rendition codes: a terminal's own colours, written directly (a terminal
# library would add tens of milliseconds to every start for three colours)
_STYLE = {Severity.ERROR: "1;31", Severity.WARNING: "33", Severity.INFO: "36"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def report(results: Sequence[Analysis], *, color: bool = False, context: ReportContext = NO_CONTEXT) -> str:
    lines: list[str] = []
    shown = context.shown(results)
    for result in shown:
        lines += (f.as_line() for f in result.findings)
    outcome = context.baseline
    if outcome is None:
        lines.append(summary(shown))
    else:
        lines += stale_lines(outcome)
        lines.append(summary(shown, new=True) + " " + held_back(outcome, results))
    text = "\n".join(lines) + "\n"
    return _colorize(text) if color else text


def stale_lines(outcome: Outcome) -> list[str]:
    """One line for each entry of the baseline whose findings are gone."""
    lines = []
    for stale in outcome.stale:
        times = f" ({stale.count} of them)" if stale.count > 1 else ""
        what = f"[{stale.key.rule}] at {stale.key.node}" if stale.key.node else f"[{stale.key.rule}]"
        lines.append(one_line(f"{stale.path}: fixed since the baseline: {what}{times}"))
    return lines


def held_back(outcome: Outcome, results: Sequence[Analysis]) -> str:
    """How many findings the baseline held back and how many of its entries are fixed, in words."""

    held = outcome.count(results, BaselineState.UNCHANGED)
    fixed = outcome.count(results, BaselineState.ABSENT)
    name = one_line(outcome.baseline)
    text = f"{_plural(held, 'older finding')} held back by the baseline {name}."
    if fixed:
        text += (f" {_plural(fixed, 'finding')} of the baseline {'is' if fixed == 1 else 'are'} fixed: "
                 f"`journeymap validate PATHS --write-baseline {name}` drops {'it' if fixed == 1 else 'them'}.")
    return text


def summary(results: Sequence[Analysis], *, new: bool = False) -> str:
    """One line over every map checked; files that could not be read at all (their errors are on
    stderr) are counted apart, so a run that exits 2 never reads "All clean". `new`: the findings
    are those a baseline did not hold back."""
    unread = sum(1 for r in results if r.problem)
    checked = [r for r in results if not r.problem]
    files = len(checked)
    counts = {s: sum(r.count(s) for r in checked) for s in Severity}
    failing = sum(1 for r in checked if r.findings)
    libraries = sum(1 for r in checked if r.kind == "library")
    if libraries:  # "3 files (2 maps, 1 library)": a library is not a map
        maps = files - libraries
        what = f"{_plural(maps, 'map')}, {libraries} {'library' if libraries == 1 else 'libraries'}"
        noun = f"{'file' if files == 1 else 'files'} ({what})"
    else:
        noun = "map" if files == 1 else "maps"
    tail = f"; {unread} {'file' if unread == 1 else 'files'} could not be read (see above)" if unread else ""
    if not any(counts.values()):
        verdict = "" if unread or new else "All clean: "  # stale baseline entries fail --strict
        return f"{verdict}{files} {noun} checked, no {'new ' if new else ''}findings{tail}."
    parts = [_plural(counts[s], f"new {s.value}" if new else s.value) for s in Severity if counts[s]]
    return f"Found {', '.join(parts)} in {failing} of {files} {noun}{tail}."


def _plural(n: int, word: str) -> str:
    if word.endswith("info"):
        return f"{n} {word}"
    return f"{n} {word}{'s' if n != 1 else ''}"


def _colorize(text: str) -> str:
    """The location in bold and the severity in its colour; summary lines in bold. Map text never
    carries an escape of its own here: findings quote it through `strings.one_line`."""
    out = []
    for line in text.splitlines(keepends=True):
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        for severity, code in _STYLE.items():
            marker = f": {severity.value} ["
            at = body.find(marker)
            if at >= 0:
                word_end = at + 2 + len(severity.value)
                out.append(f"{_BOLD}{body[:at]}{_RESET}{body[at:at + 2]}\x1b[{code}m{body[at + 2:word_end]}{_RESET}"
                           f"{body[word_end:]}{end}")
                break
        else:
            out.append(f"{_BOLD}{body}{_RESET}{end}" if body else end)
    return "".join(out)
