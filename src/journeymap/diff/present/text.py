"""The diff for a terminal: each map's changes grouped by stage, then a one-line summary.

Colours (through rich, only when asked for: on a terminal, without NO_COLOR)
never change the words, so piped output says the same thing in plain text.
Map text is made one line with control characters shown as escapes, so a
name cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

from journeymap.diff.present.words import Line, lint_line, sections, summary
from journeymap.diff.records import DiffReport, LintKind, MapDiff, Status
from journeymap.strings import BIDI, C0, C1, LINE_CONTROLS, SEPARATORS, characters

STYLES = {
    "name": "bold",
    "id": "cyan",
    "old": "red",
    "new": "green",
    "added": "green",
    "removed": "red",
    "changed": "yellow",
    "good": "green",
    "bad": "bold red",
    "dim": "dim",
}
# control characters, line breaks, and the bidirectional controls that make text read backwards
_UNSAFE = characters(LINE_CONTROLS, C0, C1, SEPARATORS, BIDI)


def safe(text: str) -> str:
    """Text shown as it is, except characters that would act on the terminal instead of being read."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def present(report: DiffReport, *, color: bool = False) -> str:
    lines: list[Line] = []
    shown = [m for m in report.maps if m.status is not Status.UNCHANGED or m.formatting_only]
    only = report.maps[0] if len(report.maps) == 1 else None
    if only is None or (only.old_path, only.new_path) != (report.old_label, report.new_label):
        lines.append([("dim", f"{report.old_label} → {report.new_label}")])
    for diff in shown:
        lines += map_lines(diff)
    for note in report.notes:
        lines.append([("dim", "skipped "), ("plain", note.path), ("dim", f": {note.message}")])
    lines.append([("name" if report.differs else "plain", summary(report))])
    return render(lines, color)


def map_lines(diff: MapDiff) -> list[Line]:
    out: list[Line] = [_header(diff)]
    if diff.status is Status.UNCHANGED:
        out.append([("plain", "  "), ("dim", "no changes in meaning (formatting or comments only)")])
    for problem in diff.problems:
        out.append([("plain", "  "), ("bad", "!"), ("plain", f" {problem.side.value} "),
                    ("plain", f"{problem.path}:{problem.line}:{problem.column}: "), ("plain", problem.message)])
    if diff.status in (Status.ADDED, Status.DELETED):
        out.append([("plain", "  "), *_whole_map(diff)])
    else:
        for section in sections(diff):
            out.append([("plain", "  "), *section.title])
            out += [[("plain", "    "), *line] for line in section.lines]
    if diff.lint:
        out.append([("plain", "  Lint")])
        ordered = sorted(diff.lint, key=lambda c: (c.kind is LintKind.FIXED, c.severity.rank, c.line))
        out += [[("plain", "    "), *lint_line(change)] for change in ordered]
    return out


def _header(diff: MapDiff) -> Line:
    where = diff.path
    if diff.old_path and diff.new_path and diff.old_path != diff.new_path:
        where = f"{diff.old_path} → {diff.new_path}"
    label = {
        Status.MODIFIED: "changed", Status.NOT_COMPARED: "not compared", Status.UNCHANGED: "unchanged",
    }.get(diff.status, diff.status.value)
    style = {Status.ADDED: "added", Status.DELETED: "removed", Status.NOT_COMPARED: "bad"}.get(diff.status, "changed")
    line: Line = [("name", where), ("plain", " "), (style, f"({label})")]
    if diff.title:
        line += [("plain", " "), ("dim", diff.title)]
    return line


def _whole_map(diff: MapDiff) -> Line:
    stages = len(diff.stage_order)
    touchpoints = len(diff.names.get("touchpoint", {}))
    verb = "added" if diff.status is Status.ADDED else "deleted"
    return [("added" if diff.status is Status.ADDED else "removed", "+" if verb == "added" else "-"),
            ("plain", f" map {verb}: {stages} stage{'s' if stages != 1 else ''}, "
                      f"{touchpoints} touchpoint{'s' if touchpoints != 1 else ''}")]


def render(lines: list[Line], color: bool) -> str:
    if not color:
        return "".join("".join(safe(text) for _, text in line) + "\n" for line in lines)

    console = Console(force_terminal=True, highlight=False, soft_wrap=True, width=10_000, emoji=False)
    out = Text()
    for line in lines:
        for style, text in line:
            out.append(safe(text), STYLES.get(style))
        out.append("\n")
    with console.capture() as capture:
        console.print(out, end="")
    return capture.get()
