"""A snapshot for people: text for the terminal, Markdown for pull requests and wikis, a
self-contained HTML page. All three are drawn from the same sections, so they say the same.

Every text that comes from the map or the data (titles, ids, event names, segment values)
is escaped for the output's language.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from journeymap.diff.present.markdown import md_text, md_words
from journeymap.diff.present.text import safe
from journeymap.measures import KpiValue, MeasuresSnapshot, StageMeasure, snapshot_json

SURVIVOR_NOTE = (
    "Survey answers come mostly from customers who got this far and chose to answer, so scores "
    "lean towards those who stayed (survivor bias)."
)


@dataclass
class Cell:
    """One table cell: `text` is either data (escaped) or our own words."""

    text: str
    ours: bool = False


@dataclass
class Section:
    title: str
    header: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[list[Cell]] = field(default_factory=list)  # lines of mixed data and our words


def count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


def emotion(value: float | None) -> str:
    """An assumed emotion (a whole number) as +1, a measured one as +1.3."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:+d}" if value else "0"
    return f"{value:+.1f}" if round(value, 1) else "0.0"


def kpi_value(k: KpiValue) -> str:
    if k.value is None:
        return "no data"
    if k.unit == "share":
        return percent(k.value)
    if k.unit == "seconds":
        return duration(k.value)
    return f"{k.value:.2f}"


_STATUS = {"met": "met", "off-target": "OFF TARGET", "no-target": "no numeric target", "no-data": "no data"}


def sections(s: MeasuresSnapshot) -> list[Section]:
    out = [_overview(s), _funnel(s), _stages("Stages", s.stages), _touchpoints(s)]
    if s.kpis:
        out.append(_kpis(s))
    if s.surveys is not None:
        out.append(_surveys(s))
    out += _misses(s)
    if s.every:
        out += _periods(s)
    for seg in s.segments:
        label = "(no value)" if seg.value is None else seg.value
        out.append(Section(
            f"Segment {s.by} = {label}: {seg.entrants:,} entrants",
            ["stage", "users", "of previous", "of first", "moved on", "dropped"],
            [[Cell(f.stage), Cell(count(f.users), True), Cell(percent(f.of_previous), True),
              Cell(percent(f.of_first), True), Cell(count(m.moved_on), True), Cell(count(m.dropped), True)]
             for f, m in zip(seg.funnel, seg.stages, strict=True)],
        ))
    return out


def _overview(s: MeasuresSnapshot) -> Section:
    notes = [
        [Cell("Map: ", True), Cell(s.map_title), Cell(" (", True), Cell(s.map_path), Cell(")", True)],
        [Cell("Events: ", True), Cell(s.events_source),
         Cell(f" — {s.rows_read:,} rows, {s.events_in_range:,} in range, {s.mapped_events:,} mapped to "
              f"touchpoints; {s.entrants:,} users entered the journey (engine: {s.engine})", True)],
    ]
    if s.since or s.until:
        notes.append([Cell(f"Period: {s.since or 'start'} to {s.until or 'end'}", True)])
    if s.window_seconds:
        notes.append([Cell(f"Funnel window: {duration(s.window_seconds)} from entering the first stage", True)])
    return Section("journeymap measure", notes=notes)


def _funnel(s: MeasuresSnapshot) -> Section:
    return Section(
        "Funnel, in the map's order",
        ["stage", "users", "of previous", "of first"],
        [[Cell(f.stage), Cell(count(f.users), True), Cell(percent(f.of_previous), True),
          Cell(percent(f.of_first), True)] for f in s.funnel],
    )


def _stages(title: str, stages: list[StageMeasure]) -> Section:
    return Section(
        title,
        ["stage", "entered", "moved on", "dropped", "median to next", "p90 to next"],
        [[Cell(m.id), Cell(count(m.entered), True), Cell(count(m.moved_on), True), Cell(count(m.dropped), True),
          Cell(duration(m.median_seconds_to_next), True), Cell(duration(m.p90_seconds_to_next), True)]
         for m in stages],
    )


def _touchpoints(s: MeasuresSnapshot) -> Section:
    rows = []
    for t in s.touchpoints:
        survey = s.survey(t.id)
        rows.append([Cell(t.id), Cell(t.stage), Cell(count(t.users), True), Cell(count(t.events), True),
                     Cell(percent(t.share), True), Cell(emotion(t.assumed_emotion), True),
                     Cell(emotion(survey.measured_emotion) if survey else "—", True)])
    return Section(
        "Touchpoints",
        ["touchpoint", "stage", "users", "events", "of entrants", "assumed emotion", "measured emotion"],
        rows,
    )


def _kpis(s: MeasuresSnapshot) -> Section:
    return Section(
        "KPIs",
        ["stage", "KPI", "measured", "target", "status"],
        [[Cell(k.stage), Cell(k.name), Cell(kpi_value(k), True), Cell(k.target or "—"),
          Cell(_STATUS[k.status], True)] for k in s.kpis],
    )


def _surveys(s: MeasuresSnapshot) -> Section:
    sv = s.surveys
    assert sv is not None
    notes = [[Cell(f"Mapping onto the map's -2..+2: {sv.mapping}. {SURVIVOR_NOTE}", True)]]
    for score in sv.touchpoints:
        if score.contradicts:
            notes.append([Cell("Contradiction: ", True), Cell(score.touchpoint),
                          Cell(f" — customers report {emotion(score.measured_emotion)}, the map assumes "
                               f"{emotion(score.assumed_emotion)} ({score.responses:,} answers)", True)])
    if sv.rows_skipped:
        notes.append([Cell(f"{sv.rows_skipped:,} answers skipped: no score, or outside the scale", True)])
    if sv.unknown_touchpoints:
        notes.append([Cell("Answers about touchpoints the map does not have: ", True),
                      Cell(", ".join(sv.unknown_touchpoints[:10]))])
    return Section(
        f"Surveys ({sv.scale})",
        ["touchpoint", "answers", "mean score", "measured emotion", "assumed emotion", "contradicts"],
        [[Cell(x.touchpoint), Cell(count(x.responses), True), Cell(f"{x.mean_score:.2f}", True),
          Cell(emotion(x.measured_emotion), True), Cell(emotion(x.assumed_emotion), True),
          Cell("yes" if x.contradicts else "no", True)] for x in sv.touchpoints],
        notes,
    )


def _misses(s: MeasuresSnapshot) -> list[Section]:
    out = []
    share = f"{s.unmapped_total / s.events_in_range * 100:.1f}%" if s.events_in_range else "—"
    out.append(Section(
        f"Events no touchpoint claims: {s.unmapped_total:,} ({share} of events)",
        ["event", "events", "users"],
        [[Cell(u.event), Cell(count(u.events), True), Cell(count(u.users), True)] for u in s.unmapped_events],
    ))
    notes = []
    if s.never_seen:
        notes.append([Cell("Touchpoints never seen in the data: ", True), Cell(", ".join(s.never_seen))])
    if s.without_signals:
        notes.append([Cell("Touchpoints without signals (not measured): ", True), Cell(", ".join(s.without_signals))])
    for u in s.unmatched_signals:
        close = u.get("did_you_mean")
        hint = [Cell("; did you mean ", True), Cell(close), Cell("?", True)] if close else []
        notes.append([Cell("Signal matches no event: ", True), Cell(u["signal"]), Cell(" (touchpoint ", True),
                      Cell(u["touchpoint"]), Cell(")", True), *hint])
    out.append(Section(
        f"Back-steps against the map's order: {sum(b.transitions for b in s.back_steps):,} of "
        f"{s.transitions:,} transitions",
        ["from", "back to", "transitions", "users"],
        [[Cell(b.source), Cell(b.target), Cell(count(b.transitions), True), Cell(count(b.users), True)]
         for b in s.back_steps],
        notes,
    ))
    return out


def _periods(s: MeasuresSnapshot) -> list[Section]:
    out = []
    for sp in s.periods:
        out.append(Section(
            f"Moved on from {sp.stage}, by {s.every}",
            [f"{s.every} from", "entered", "moved on", "conversion", "sharp drop"],
            [[Cell(p.start, True), Cell(count(p.entered), True), Cell(count(p.moved_on), True),
              Cell(percent(p.conversion), True), Cell("DROP" if p.sharp_drop else "", True)] for p in sp.periods],
        ))
    return out


# --- the three formats ------------------------------------------------------------------
def _plain(cell: Cell) -> str:
    return cell.text if cell.ours else safe(" ".join(cell.text.split()))


def as_text(s: MeasuresSnapshot) -> str:
    return as_sections_text(sections(s))


def as_sections_text(all_sections: list[Section]) -> str:
    lines: list[str] = []
    for section in all_sections:
        lines.append(_plain(Cell(section.title, True)) if section.title.startswith("journeymap") else section.title)
        for note in section.notes:
            lines.append("  " + "".join(_plain(c) for c in note))
        if section.header:
            table = [section.header] + [[_plain(c) for c in row] for row in section.rows]
            widths = [max(len(r[i]) for r in table) for i in range(len(section.header))]
            # our figures align right, names from the map and the data left
            left = [i == 0 or not section.rows or not section.rows[0][i].ours for i in range(len(widths))]
            for row in table:
                pairs = enumerate(zip(row, widths, strict=True))
                cells = [v.ljust(w) if left[i] else v.rjust(w) for i, (v, w) in pairs]
                lines.append("  " + "  ".join(cells).rstrip())
            if not section.rows:
                lines.append("  (none)")
        lines.append("")
    return "\n".join(lines)


def _md(cell: Cell) -> str:
    return md_words(cell.text) if cell.ours else md_text(cell.text)


def as_markdown(s: MeasuresSnapshot) -> str:
    return as_sections_markdown(sections(s), s.map_title)


def as_sections_markdown(all_sections: list[Section], map_title: str) -> str:
    lines: list[str] = []
    for number, section in enumerate(all_sections):
        title = md_words(section.title) if number else f"{md_words(section.title.removeprefix('journeymap '))}: " \
            f"{md_text(map_title)}"
        lines += [("## " if number == 0 else "### ") + title, ""]
        for note in section.notes:
            lines.append("".join(_md(c) for c in note) + "  ")
        if section.notes:
            lines.append("")
        if section.header:
            lines.append("| " + " | ".join(md_words(h) for h in section.header) + " |")
            left = [i == 0 or not section.rows or not section.rows[0][i].ours for i in range(len(section.header))]
            lines.append("|" + "|".join(" --- " if flush else " ---: " for flush in left) + "|")
            for row in section.rows:
                lines.append("| " + " | ".join(_md(c) for c in row) + " |")
            if not section.rows:
                lines.append("| " + " | ".join(["none"] + [""] * (len(section.header) - 1)) + " |")
            lines.append("")
    return "\n".join(lines)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .6rem}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#f3f3f3}.drop{color:#b00020;font-weight:bold}"
)


def as_html(s: MeasuresSnapshot) -> str:
    from journeymap.render.csp import policy

    def cell(c: Cell, first: bool) -> str:
        text = html.escape(" ".join(c.text.split()), quote=True)
        cls = ' class="drop"' if c.text in ("DROP", "OFF TARGET", "yes") and c.ours else ""
        cls = cls or ("" if first or not c.ours else ' class="n"')
        return f"<td{cls}>{text}</td>"

    body = []
    for number, section in enumerate(sections(s)):
        tag = "h1" if number == 0 else "h2"
        title = f"measure: {s.map_title}" if number == 0 else section.title
        body.append(f"<{tag}>{html.escape(title)}</{tag}>")
        for note in section.notes:
            # runs of white space collapse, but the spaces that join a note's pieces stay
            body.append("<p>" + "".join(html.escape(re.sub(r"\s+", " ", c.text)) for c in note) + "</p>")
        if section.header:
            body.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in section.header) + "</tr>")
            for row in section.rows:
                body.append("<tr>" + "".join(cell(c, i == 0) for i, c in enumerate(row)) + "</tr>")
            body.append("</table>")
    csp = policy(styles=[_STYLE], images=False)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{html.escape(csp)}\">"
        f"<title>{html.escape('measure: ' + s.map_title)}</title><style>{_STYLE}</style></head><body>\n"
        + "\n".join(body) + "\n</body></html>\n"
    )


def as_json(snapshots: list[MeasuresSnapshot]) -> str:
    """The versioned snapshot; a JSON list of them for several maps."""
    if len(snapshots) == 1:
        return snapshot_json(snapshots[0])
    return "[\n" + ",\n".join(snapshot_json(s).rstrip("\n") for s in snapshots) + "\n]\n"


_WRITERS = {"text": as_text, "markdown": as_markdown, "html": as_html}
# what `measure --format` offers
FORMATS = ("text", "json", "markdown", "html")


def formatted(snapshots: list[MeasuresSnapshot], fmt: str) -> str:
    """The snapshots of a run in one of FORMATS."""
    if fmt == "json":
        return as_json(snapshots)
    return "\n".join(_WRITERS[fmt](s) for s in snapshots)
