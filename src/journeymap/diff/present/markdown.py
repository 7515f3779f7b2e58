"""The diff as a pull-request comment (GitHub-flavoured Markdown).

A summary line and a table (one row a changed map), then one `<details>`
block a map with its changes grouped by stage, and the lint delta.

Map text is untrusted, and a comment is rendered for everyone who opens the
pull request. So every piece of it is escaped for where it lands: in
Markdown, HTML's special characters become entities and every other ASCII
punctuation character is backslash-escaped, so it cannot open a link, an
image, emphasis, a table cell or an autolink (`https\\://`, `www\\.`); in the
raw HTML of a `<summary>`, it is HTML-escaped. In both, a zero-width space
follows `@` and `#`, so `@someone` notifies nobody and `#12` links no issue.
Output is capped well below GitHub's comment size limit.
"""

from __future__ import annotations

import re
import string

from journeymap.diff.present.text import safe
from journeymap.diff.present.words import (
    Counts,
    Line,
    change_phrases,
    counts,
    lint_line,
    plural,
    sections,
    summary,
)
from journeymap.diff.records import DiffReport, Entity, LintChange, LintKind, MapDiff, Status
from journeymap.findings import Severity

MAX_CHARS = 60_000  # GitHub refuses comments over 65,536 characters
MAX_LINES_PER_MAP = 400
_ZWSP = "&#8203;"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MARKDOWN = {c: "\\" + c for c in string.punctuation}
_MARKDOWN.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "@": "@" + _ZWSP, "#": "\\#" + _ZWSP})
# our own words need only what Markdown would act on escaped
_PLAIN = {c: "\\" + c for c in "\\`*_[]|~!"}
_PLAIN.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "@" + _ZWSP, "#": "\\#" + _ZWSP})
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "@": "@" + _ZWSP, "#": "#" + _ZWSP}
# `https://` and `www.` get a zero-width space inside, so no autolinker sees an address
_ADDRESS = re.compile(r"(?i)(:|\bwww)(//|\.)")
_SIGNS = {"added": "➕", "removed": "➖", "changed": "✏️", "good": "✅", "bad": "⚠️"}
_STATUS = {
    Status.MODIFIED: "changed", Status.RENAMED: "renamed", Status.ADDED: "added", Status.DELETED: "deleted",
    Status.NOT_COMPARED: "⚠️ not compared", Status.UNCHANGED: "unchanged",
}


def md_text(text: object) -> str:
    """Text that Markdown shows as it is: no links, images, HTML, emphasis, mentions or table cells."""
    return "".join(_MARKDOWN.get(c, c) for c in safe(" ".join(str(text).split())))


def md_words(text: str) -> str:
    """Our own words (never map text), with the few characters Markdown acts on escaped."""
    return "".join(_PLAIN.get(c, c) for c in text)


def html_text(text: object) -> str:
    """Text for raw HTML (a `<summary>`), with mentions, issue references and web addresses defused."""
    escaped = "".join(_HTML.get(c, c) for c in safe(" ".join(str(text).split())))
    return _ADDRESS.sub(lambda m: m.group(1) + _ZWSP + m.group(2), escaped)


def code(text: str) -> str:
    """An id in a code span when it is a plain slug (cannot hold a backtick or pipe), else escaped text."""
    return f"`{text}`" if _SLUG.match(text) else md_text(text)


def present(report: DiffReport, *, color: bool = False) -> str:
    out = ["### Journey map changes", ""]
    out.append(f"{code_or_text(report.old_label)} → {code_or_text(report.new_label)}: {md_words(summary(report))}")
    changed = [m for m in report.maps if m.status is not Status.UNCHANGED]
    if changed:
        out += ["", "| Map | Status | Changes | Pain points | Lint |", "| --- | --- | --- | --- | --- |"]
        out += [_row(m) for m in changed]
    size = sum(len(line) + 1 for line in out)
    left_out = 0
    for diff in changed:
        block = _details(diff)
        block_size = sum(len(line) + 1 for line in block)
        if size + block_size > MAX_CHARS:
            left_out += 1
            continue
        out += ["", *block]
        size += block_size
    if left_out:
        out += ["", f"_{md_words(plural(left_out, 'more map'))} changed; the comment would be too long to show "
                    "them. Run `journeymap diff` locally for the full list._"]
    if report.notes:
        out += ["", "<details><summary>Files not compared</summary>", ""]
        out += [f"- {md_text(note.path)}: {md_text(note.message)}" for note in report.notes]
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def code_or_text(label: str) -> str:
    return f"`{label}`" if label and "`" not in label and safe(label) == label and "|" not in label else md_text(label)


def _row(diff: MapDiff) -> str:
    title = md_text(diff.title) if diff.title else ""
    where = md_text(diff.path)
    if diff.old_path and diff.new_path and diff.old_path != diff.new_path:
        where = f"{md_text(diff.old_path)} → {md_text(diff.new_path)}"
    name = f"**{title}**<br>{where}" if title else where
    c = counts([diff])
    if diff.status in (Status.ADDED, Status.DELETED):
        change_text = md_words(_whole_map_words(diff))
    else:
        change_text = md_words("; ".join(change_phrases(c))) or "—"
    return f"| {name} | {_STATUS[diff.status]} | {change_text} | {_pains(c)} | {_lint_cell(c)} |"


def _whole_map_words(diff: MapDiff) -> str:
    stages = len(diff.stage_order)
    touchpoints = len(diff.names.get(Entity.TOUCHPOINT.value, {}))
    return f"{plural(stages, 'stage')}, {plural(touchpoints, 'touchpoint')}"


def _pains(c: Counts) -> str:
    parts = []
    if c.resolved:
        parts.append(f"✅ {c.resolved} resolved")
    if c.added[Entity.PAIN_POINT]:
        parts.append(f"{c.added[Entity.PAIN_POINT]} new")
    if c.reopened:
        parts.append(f"⚠️ {c.reopened} reopened")
    return ", ".join(parts) or "—"


def _lint_cell(c: Counts) -> str:
    parts = []
    for severity, mark in ((Severity.ERROR, "🔴"), (Severity.WARNING, "🟡"), (Severity.INFO, "🔵")):
        n = c.introduced[severity]
        if n:
            word = plural(n, severity.value) if severity is not Severity.INFO else f"{n} info"
            text = f"{mark} {word} introduced"
            parts.append(f"**{text}**" if severity is Severity.ERROR else text)
    if c.fixed:
        parts.append(f"✅ {c.fixed} fixed")
    return ", ".join(parts) or "—"


def _lint_mark(change: LintChange) -> str:
    if change.kind is LintKind.FIXED:
        return "✅"
    return {Severity.ERROR: "🔴", Severity.WARNING: "🟡", Severity.INFO: "🔵"}[change.severity]


def _details(diff: MapDiff) -> list[str]:
    c = counts([diff])
    heading = html_text(diff.title or diff.path)
    if diff.title:
        heading = f"<b>{heading}</b> ({html_text(diff.path)})"
    what = _STATUS[diff.status] if diff.status is not Status.MODIFIED else plural(c.changes, "change")
    block = ["<details>", f"<summary>{heading}: {html_text(what)}</summary>", ""]
    body: list[str] = []
    for problem in diff.problems:
        body.append(
            f"- ⚠️ **{problem.side.value}** {md_text(problem.path)}:{problem.line}:{problem.column}: "
            f"{md_text(problem.message)}"
        )
    if diff.status in (Status.ADDED, Status.DELETED):
        body.append(f"- {_SIGNS['added' if diff.status is Status.ADDED else 'removed']} "
                    f"{md_words(f'map {diff.status.value}: ' + _whole_map_words(diff))}")
    for section in sections(diff):
        body += [*([""] if body else []), f"**{_segments(section.title)}**", ""]
        body += [f"- {_segments(line)}" for line in section.lines]
    if diff.lint:
        body += [*([""] if body else []), "**Lint**", ""]
        ordered = sorted(diff.lint, key=lambda c: (c.kind is LintKind.FIXED, c.severity.rank, c.line))
        body += [f"- {_segments(lint_line(change), _lint_mark(change))}" for change in ordered]
    if len(body) > MAX_LINES_PER_MAP:
        hidden = len(body) - MAX_LINES_PER_MAP
        body = [*body[:MAX_LINES_PER_MAP], "", f"_{hidden} more lines; run `journeymap diff` locally for all._"]
    return [*block, *body, "", "</details>"]


def _segments(line: Line, mark: str | None = None) -> str:
    """A line of segments: its sign as an emoji (or `mark`), ids as code, names in bold, the rest escaped."""
    first = mark or _SIGNS.get(line[0][0])
    rest = line[1:] if first else line
    return (first or "") + "".join(_styled(style, text) for style, text in rest)


def _styled(style: str, text: str) -> str:
    core_text = text.strip()
    if not core_text:
        return " " if text else ""
    if style == "id":
        core = code(core_text)
    elif style in ("name", "bad"):
        # <b>, not **: emphasis delimiters next to escaped punctuation may not be recognised
        core = f"<b>{md_text(core_text)}</b>"
    elif style == "plain":
        core = md_words(core_text)
    else:
        core = md_text(core_text)
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{core}{trail}"
