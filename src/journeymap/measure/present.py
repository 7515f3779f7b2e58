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
from journeymap.measures import (
    BackStep,
    Conformance,
    ConvertBucket,
    Deviation,
    EventShare,
    FunnelStep,
    KpiValue,
    MeasuresSnapshot,
    PeriodConversion,
    Segment,
    StageMeasure,
    StagePeriods,
    SurveyScore,
    TouchpointMeasure,
    UnmappedEvent,
    duration,
    percent,
    snapshot_json,
)
from journeymap.render.csp import policy
from journeymap.strings import signed

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
    footnotes: list[str] = field(default_factory=list)  # what the section's numbers mean, after its table
    # HTML only, after the table: a chart of the table's numbers, as SVG markup made by this module
    # (every text in it escaped); the table says the same for text and Markdown
    chart: str = ""


def count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def interval(low: float | None, high: float | None, as_percent: bool = True) -> str:
    if low is None or high is None:
        return "—"
    if as_percent:
        return f"{low * 100:.1f}–{high * 100:.1f}%"
    return f"{emotion(low)} to {emotion(high)}"


def p_value(p: float | None) -> str:
    if p is None:
        return "—"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def emotion(value: float | None) -> str:
    """An assumed emotion (a whole number) as +1, a measured one as +1.3."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return signed(value, 0)
    return signed(value)


def kpi_value(k: KpiValue) -> str:
    return k.shown()


_STATUS = {"met": "met", "off-target": "OFF TARGET", "no-target": "no numeric target", "no-data": "no data"}


def sections(s: MeasuresSnapshot) -> list[Section]:
    defs = s.definitions
    surveyed = {x.touchpoint: x for x in s.surveys.touchpoints} if s.surveys else {}
    out = [_overview(s), _funnel("Funnel, in the map's order", s.funnel, defs, s.unmatched_exclusions),
           *_funnel_details(s.funnel, defs), _stages("Stages", s.stages, defs),
           _touchpoints("Touchpoints", s.touchpoints, surveyed, defs)]
    if s.kpis:
        out.append(_kpis(s))
    if s.surveys is not None:
        out.append(_surveys(s))
    share = f"{s.unmapped_total / s.events_in_range * 100:.1f}%" if s.events_in_range else "—"
    out.append(_unmapped(f"Events no touchpoint claims: {s.unmapped_total:,} ({share} of events)",
                         s.unmapped_events, defs))
    out.append(_back_steps("Back-steps against the map's order", s.back_steps, s.back_steps_counted(),
                           s.back_step_kinds, s.transitions, _missing(s), defs))
    if s.conformance is not None:
        out += _conformance(s.conformance)
    if s.every:
        out += _periods("", s.every, s.periods, defs)
    for seg in s.segments:
        out += _segment(s, seg, defs)
    return out


def _foot(defs: dict[str, str], *keys: str) -> list[str]:
    """The definitions of these numbers, as footnotes (a snapshot from before them has none)."""
    return [f"{key.replace('_', ' ')}: {defs[key]}" for key in keys if key in defs]


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
    return Section("journeymap measure", notes=notes, footnotes=_foot(s.definitions, "entrants"))


def _funnel(title: str, funnel: list[FunnelStep], defs: dict[str, str], unmatched: list[str] | None = None
            ) -> Section:
    """The steps; with the whole log's details (drops, time to convert) when the snapshot has them."""
    detailed = any(f.dropped is not None for f in funnel)
    header = ["stage", "users", "of previous", "of first"]
    if detailed:
        header += ["optional", "dropped", "median to convert", "p75", "p95"]
    rows = []
    for f in funnel:
        row = [Cell(f.stage), Cell(count(f.users), True), Cell(percent(f.of_previous), True),
               Cell(percent(f.of_first), True)]
        if detailed:
            row += [Cell("optional" if f.optional else "", True), Cell(count(f.dropped), True),
                    Cell(duration(f.median_seconds), True), Cell(duration(f.p75_seconds), True),
                    Cell(duration(f.p95_seconds), True)]
        rows.append(row)
    notes = [[Cell("Exclusion events that match no unmapped event in the log: ", True), Cell(", ".join(unmatched))]
             ] if unmatched else []
    keys = ("funnel", "window", "order", "exclusions", "funnel_dropped", "time_to_convert") if detailed \
        else ("funnel", "window")
    return Section(title, header, rows, notes, footnotes=_foot(defs, *keys))


def bucket_label(low: float | None, high: float | None) -> str:
    """A histogram bucket in words: under 1.0m, 1.0m–10.0m, 30.0d and more."""
    if low is None:
        return f"under {duration(high)}"
    if high is None:
        return f"{duration(low)} and more"
    return f"{duration(low)}–{duration(high)}"


def _bucket_labels(histogram: list[ConvertBucket]) -> list[str]:
    lows = [None, *(b.up_to_seconds for b in histogram[:-1])]
    return [bucket_label(low, b.up_to_seconds) for low, b in zip(lows, histogram, strict=True)]


def _funnel_details(funnel: list[FunnelStep], defs: dict[str, str]) -> list[Section]:
    """Time to convert as a histogram, then what users did before each step and after leaving."""
    timed = [f for f in funnel if f.histogram]
    out: list[Section] = []
    if timed:
        labels = _bucket_labels(timed[0].histogram)
        out.append(Section(
            "Time to convert into each step (users, by time from the step before)",
            ["step", *labels],
            [[Cell(f.stage), *(Cell(count(b.users), True) for b in f.histogram)] for f in timed],
            chart=histogram_svg(timed, labels),
        ))
    if any(f.before_events or f.before_none for f in funnel):
        out.append(Section(
            "Just before each step: the event users did last before reaching it",
            ["step", "event", "kind", "users", "of the step's users"],
            [row for f in funnel for row in _event_rows(f.stage, f.before_events, f.before_none, f.users)],
            footnotes=_foot(defs, "before_events"),
        ))
    if any(f.next_events or f.next_none for f in funnel):
        out.append(Section(
            "After leaving: what users who dropped at a step did next",
            ["step", "event", "kind", "users", "of those who dropped"],
            [row for f in funnel if f.dropped for row in _event_rows(f.stage, f.next_events, f.next_none, f.dropped)],
            footnotes=_foot(defs, "next_events"),
        ))
    return out


def _event_rows(stage: str, events: list[EventShare], none: int, whole: int | None) -> list[list[Cell]]:
    rows = [[Cell(stage), Cell(x.name), Cell(x.kind, True), Cell(count(x.users), True), Cell(percent(x.share), True)]
            for x in events]
    if none:
        rows.append([Cell(stage), Cell("(nothing)", True), Cell("", True), Cell(count(none), True),
                     Cell(percent(round(none / whole, 6) if whole else None), True)])
    return rows


# the histogram's drawing: one row of bars a step, each bar's height its share of the step's users
_BAR_W, _BAR_GAP, _CHART_H, _LABEL_W = 52, 8, 60, 150


def histogram_svg(steps: list[FunnelStep], labels: list[str]) -> str:
    """Inline SVG bars (no script, no style attribute, nothing fetched); every text escaped."""
    width = _LABEL_W + len(labels) * (_BAR_W + _BAR_GAP)
    row_h = _CHART_H + 8
    height = row_h * len(steps) + 34
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>Time to convert into each step</title>']
    for r, f in enumerate(steps):
        top = r * row_h
        total = sum(b.users for b in f.histogram)
        parts.append(f'<text x="0" y="{top + _CHART_H - 4}" font-size="12" fill="#222">'
                     f'{html.escape(f.stage)}</text>')
        for i, b in enumerate(f.histogram):
            share = b.users / total if total else 0.0
            bar = round(share * (_CHART_H - 4), 1)
            x = _LABEL_W + i * (_BAR_W + _BAR_GAP)
            parts.append(f'<rect x="{x}" y="{top + _CHART_H - bar}" width="{_BAR_W}" height="{bar}" fill="#4a6fa5">'
                         f'<title>{html.escape(f"{f.stage}: {labels[i]}: {b.users:,} users ({share:.1%})")}'
                         '</title></rect>')
        # the row's baseline: an empty bucket reads as nothing there, not as a missing bar
        parts.append(f'<line x1="{_LABEL_W}" x2="{width - _BAR_GAP}" y1="{top + _CHART_H}" y2="{top + _CHART_H}" '
                     'stroke="#999" stroke-width="1"/>')
    base = row_h * len(steps) + 12
    for i, label in enumerate(labels):
        middle = _LABEL_W + i * (_BAR_W + _BAR_GAP) + _BAR_W / 2
        parts.append(f'<text x="{middle}" y="{base}" font-size="10" fill="#444" text-anchor="middle">'
                     f'{html.escape(axis_label(label))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def axis_label(label: str) -> str:
    """A bucket's words made short enough to sit under its bar: "1.0m–10.0m" as "1–10m",
    "6.0h–1.0d" as "6h–1d", "under 1.0m" as "<1m", "30.0d and more" as "30d+"."""
    short = re.sub(r"(\d+)\.0(?=[smhd])", r"\1", label).replace("under ", "<").replace(" and more", "+")
    same = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd])–(\d+(?:\.\d+)?)\2", short)
    return f"{same[1]}–{same[3]}{same[2]}" if same else short


def _stages(title: str, stages: list[StageMeasure], defs: dict[str, str]) -> Section:
    return Section(
        title,
        ["stage", "entered", "moved on", "dropped", "median to next", "p90 to next"],
        [[Cell(m.id), Cell(count(m.entered), True), Cell(count(m.moved_on), True), Cell(count(m.dropped), True),
          Cell(duration(m.median_seconds_to_next), True), Cell(duration(m.p90_seconds_to_next), True)]
         for m in stages],
        footnotes=_foot(defs, "entered", "moved_on", "time_to_next"),
    )


def _measured(score: SurveyScore | None) -> str:
    """A measured emotion with its interval and number of answers: +0.4 (-0.1 to +0.9, 12 answers)."""
    if score is None:
        return "—"
    spread = interval(score.emotion_low, score.emotion_high, as_percent=False)
    within = f"{spread}, " if spread != "—" else ""
    return f"{emotion(score.measured_emotion)} ({within}{score.responses:,} answers)"


def _touchpoints(title: str, touchpoints: list[TouchpointMeasure], surveyed: dict[str, SurveyScore] | None,
                 defs: dict[str, str]) -> Section:
    """`surveyed` None: no measured emotion column (survey answers are not split by segment)."""
    rows = [[Cell(t.id), Cell(t.stage), Cell(count(t.users), True), Cell(count(t.events), True),
             Cell(percent(t.share), True), Cell(emotion(t.assumed_emotion), True)]
            + ([] if surveyed is None else [Cell(_measured(surveyed.get(t.id)), True)]) for t in touchpoints]
    header = ["touchpoint", "stage", "users", "events", "of entrants", "assumed emotion"]
    return Section(
        title,
        header + ([] if surveyed is None else ["measured emotion (95%)"]),
        rows,
        footnotes=_foot(defs, "touchpoint", *(["measured_emotion"] if surveyed else [])),
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
        ["touchpoint", "answers", "mean score", "measured emotion", "95% interval", "assumed emotion", "contradicts"],
        [[Cell(x.touchpoint), Cell(count(x.responses), True), Cell(f"{x.mean_score:.2f}", True),
          Cell(emotion(x.measured_emotion), True), Cell(interval(x.emotion_low, x.emotion_high, False), True),
          Cell(emotion(x.assumed_emotion), True), Cell("yes" if x.contradicts else "no", True)]
         for x in sv.touchpoints],
        notes,
        footnotes=_foot(s.definitions, "measured_emotion"),
    )


def _missing(s: MeasuresSnapshot) -> list[list[Cell]]:
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
    return notes


def _unmapped(title: str, listed: list[UnmappedEvent], defs: dict[str, str]) -> Section:
    return Section(
        title, ["event", "events", "users"],
        [[Cell(u.event), Cell(count(u.events), True), Cell(count(u.users), True)] for u in listed],
        footnotes=_foot(defs, "unmapped"),
    )


def _back_steps(title: str, kinds: list[BackStep], total: int, count_kinds: int | None, transitions: int,
                notes: list[list[Cell]], defs: dict[str, str]) -> Section:
    if count_kinds is not None and count_kinds > len(kinds):
        # the headline counts every back-step; say so when the table does not list them all
        notes = [[Cell(f"Listed: the {len(kinds):,} largest of {count_kinds:,} kinds of back-step "
                       f"({count_kinds - len(kinds):,} left out, with "
                       f"{total - sum(b.transitions for b in kinds):,} back-steps)", True)], *notes]
    return Section(
        f"{title}: {total:,} of {transitions:,} transitions",
        ["from", "back to", "transitions", "users"],
        [[Cell(b.source), Cell(b.target), Cell(count(b.transitions), True), Cell(count(b.users), True)]
         for b in kinds],
        notes,
        footnotes=_foot(defs, "back_steps"),
    )


def _flag(p: PeriodConversion) -> str:
    if p.open:
        return "open"
    return "DROP" if p.sharp_drop else ""


def _periods(prefix: str, every: str, periods: list[StagePeriods], defs: dict[str, str]) -> list[Section]:
    out = []
    for sp in periods:
        out.append(Section(
            f"{prefix}Moved on from {sp.stage}, by {every}",
            [f"{every} from", "entered", "moved on", "conversion", "95% interval", "baseline", "baseline users",
             "p", "flag"],
            [[Cell(p.start, True), Cell(count(p.entered), True), Cell(count(p.moved_on), True),
              Cell(percent(p.conversion), True), Cell(interval(p.low, p.high), True), Cell(percent(p.baseline), True),
              Cell(count(p.baseline_entered) if p.baseline is not None else "—", True), Cell(p_value(p.p_value), True),
              Cell(_flag(p), True)] for p in sp.periods],
        ))
    if out:
        out[-1].footnotes = _foot(defs, "periods", "baseline", "drop")  # once, under the last stage's table
    return out


def _segment(s: MeasuresSnapshot, seg: Segment, defs: dict[str, str]) -> list[Section]:
    """Every section again for one segment, its stages first with their test against the rest."""
    label = "(no value)" if seg.value is None else seg.value
    prefix = f"[{s.by} = {label}] "
    tested = {d.stage: d for d in seg.differences}
    rows = []
    for m in seg.stages:
        d = tested.get(m.id)
        rows.append([
            Cell(m.id), Cell(count(m.entered), True), Cell(count(m.moved_on), True), Cell(count(m.dropped), True),
            Cell(percent(d.conversion) if d else "—", True), Cell(interval(d.low, d.high) if d else "—", True),
            Cell(percent(d.rest_conversion) if d else "—", True), Cell(p_value(d.p_value) if d else "—", True),
            Cell(d.differs.upper() if d and d.differs else "", True),
        ])
    out = [Section(
        f"Segment {s.by} = {label}: {seg.entrants:,} entrants",
        ["stage", "entered", "moved on", "dropped", "conversion", "95% interval", "other users", "p", "differs"],
        rows,
        footnotes=_foot(defs, "segments", "segment_difference"),
    )]
    if not seg.touchpoints:
        # a snapshot from before every section was split has the funnel alone
        return [*out, _funnel(f"{prefix}Funnel", seg.funnel, {})]
    share = f"{seg.unmapped_total / (seg.unmapped_total + sum(t.events for t in seg.touchpoints)) * 100:.1f}%" \
        if seg.unmapped_total else "0.0%"
    out += [
        _funnel(f"{prefix}Funnel", seg.funnel, {}),
        _touchpoints(f"{prefix}Touchpoints", seg.touchpoints, None, {}),
        _unmapped(f"{prefix}Events no touchpoint claims: {seg.unmapped_total:,} ({share} of its entrants' events)",
                  seg.unmapped_events, {}),
        _back_steps(f"{prefix}Back-steps against the map's order", seg.back_steps,
                    seg.back_step_total if seg.back_step_total is not None else 0, seg.back_step_kinds,
                    seg.transitions, [], {}),
    ]
    if s.every:
        out += _periods(prefix, s.every, seg.periods, {})
    return out


def _conformance(c: Conformance) -> list[Section]:
    """Fitness, then the variants and back-steps the map does not explain, then skipped touchpoints."""
    notes = [[Cell(f"Fitness: {percent(c.fitness_users)} of entrants ({c.fitting_users:,} of {c.entrants:,}) "
                   f"only stay, move on or take a declared return; {percent(c.fitness_transitions)} of transitions "
                   f"({c.fitting_transitions:,} of {c.transitions:,}) do", True)]]
    if c.returns:
        notes.append([Cell("Declared returns: ", True), Cell(", ".join(f"{a} → {b}" for a, b in c.returns))])
    else:
        notes.append([Cell("Declared returns: none (a stage's `returns:` lists the earlier stages customers are "
                           "expected to go back to)", True)])
    ranked = any(d.excess_users is not None for d in (*c.variants, *c.back_steps))
    if ranked:
        notes.append([Cell("Ranked by excess users: users beyond what the rest of the log leads one to expect "
                           "in the period and segment where the path stands out most", True)])
    tail = ["excess users", "where most", "there vs elsewhere", "change on the period before"] if ranked else []
    return [
        Section("Conformance: how well the map describes the log", notes=notes),
        Section("Paths the map does not explain (stage sequences, repeats collapsed)",
                ["stages", "users", "of entrants", *tail],
                [[Cell(d.shown()), Cell(count(d.users), True), Cell(percent(d.share), True),
                  *(_excess_cells(d) if ranked else [])] for d in c.variants]),
        Section("Back-steps the map does not explain",
                ["from", "back to", "transitions", "users", *tail],
                [[Cell(d.path[0]), Cell(d.path[1]), Cell(count(d.transitions), True), Cell(count(d.users), True),
                  *(_excess_cells(d) if ranked else [])] for d in c.back_steps]),
        Section("Touchpoints users of their stage skip (those not marked optional)",
                ["touchpoint", "stage", "users who skip it", "of the stage's entrants"],
                [[Cell(x.touchpoint), Cell(x.stage), Cell(count(x.users), True), Cell(percent(x.share), True)]
                 for x in c.skipped]),
    ]


def _excess_cells(d: Deviation) -> list[Cell]:
    peak = d.peak
    if peak is None:
        return [Cell("—", True)] * 4
    where = " ".join(x for x in (peak.period, peak.segment) if x is not None)
    period = next((p for p in d.periods if p.start == peak.period), None)
    change = period.change if period is not None else None
    return [Cell(f"{peak.excess_users:+.1f}", True), Cell(where or "—"),
            Cell(f"{percent(peak.share)} vs {percent(peak.baseline)}", True),
            Cell("—" if change is None else f"{change * 100:+.1f} points", True)]


# --- the three formats ------------------------------------------------------------------
def _plain(cell: Cell) -> str:
    return cell.text if cell.ours else safe(" ".join(cell.text.split()))


def as_text(s: MeasuresSnapshot) -> str:
    return as_sections_text(sections(s))


def as_sections_text(all_sections: list[Section]) -> str:
    lines: list[str] = []
    for section in all_sections:
        # a segment's title holds a value from the data: nothing in it may act on the terminal
        lines.append(safe(section.title))
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
        lines += [f"  * {note}" for note in section.footnotes]
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
        if section.footnotes:
            lines += [f"- {md_words(note)}" for note in section.footnotes] + [""]
    return "\n".join(lines)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .6rem}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#f3f3f3}.drop{color:#b00020;font-weight:bold}.defs{color:#555;font-size:.85rem;margin-top:-1rem}"
    ".chart{margin:-.5rem 0 1.5rem}"
)


def as_html(s: MeasuresSnapshot) -> str:

    def cell(c: Cell, first: bool) -> str:
        text = html.escape(" ".join(c.text.split()), quote=True)
        cls = ' class="drop"' if c.text in ("DROP", "OFF TARGET", "yes", "LOWER", "HIGHER") and c.ours else ""
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
        if section.chart:
            body.append(f'<div class="chart">{section.chart}</div>')
        if section.footnotes:
            body.append('<ul class="defs">' + "".join(f"<li>{html.escape(n)}</li>" for n in section.footnotes)
                        + "</ul>")
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
