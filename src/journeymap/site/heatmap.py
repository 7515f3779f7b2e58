"""The site's heatmap page (`portfolio.html`): pain points and emotions by phase across maps; who owns what.

One page, `portfolio.html`, beside the index. The heatmap counts each map's
pain points by the phase of their stage, split into open and addressed (a
pain point is addressed only when every opportunity for it is done:
`model.is_resolved`), shaded by the worst open severity. The emotion table
gives each map's average emotion a phase. Filters (owner, open only, lowest
severity shown) are a few lines of inline script allowed by the page's
Content-Security-Policy hash; printing drops the filters and keeps the tables
whole.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journeymap.model import Journey, is_resolved
from journeymap.render.csp import policy
from journeymap.render.palette import ADDRESSED, EMOTION, SEVERITY, emotion_score
from journeymap.render.text import direction_attrs, html_text, signed
from journeymap.render.theme import DEFAULT, LOGO_CSS, Theme, logo_html, site_css
from journeymap.schema_values import PHASES, SEVERITIES, STATUSES

if TYPE_CHECKING:
    from journeymap.site.entries import Entry

NO_PHASE = "no phase"
COLUMNS = (*PHASES, NO_PHASE)
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class Cell:
    """The pain points of one map in one phase."""

    open: Counter[str] = field(default_factory=Counter)  # by severity
    addressed: int = 0

    @property
    def worst(self) -> str:
        """The most severe open pain point's severity, or "" when none is open."""
        return max(self.open, key=_RANK.__getitem__) if self.open else ""


@dataclass
class MapRow:
    entry: Entry
    journey: Journey
    pains: dict[str, Cell]
    emotions: dict[str, float]  # phase -> average emotion

    @property
    def owner(self) -> str:
        return self.journey.owner or "no owner"


def map_rows(entries: list[Entry]) -> list[MapRow]:
    """One row a valid map, in the catalog's order."""
    rows = []
    for entry in entries:
        journey = entry.journey
        if journey is None or entry.refused:
            continue
        addressing = journey.addressing()
        pains: dict[str, Cell] = defaultdict(Cell)
        felt: dict[str, list[int]] = defaultdict(list)
        for stage in journey.stages:
            phase = stage.phase or NO_PHASE
            for t in stage.touchpoints:
                if t.emotion is not None:
                    felt[phase].append(t.emotion)
                for pain in t.pain_points:
                    if is_resolved(addressing.get(pain.id)):
                        pains[phase].addressed += 1
                    else:
                        pains[phase].open[pain.severity] += 1
        emotions = {phase: sum(values) / len(values) for phase, values in felt.items()}
        rows.append(MapRow(entry, journey, dict(pains), emotions))
    return rows


def owners(rows: list[MapRow]) -> dict[str, tuple[list[MapRow], Counter[str]]]:
    """Owner -> (the maps they keep, the opportunities they own by status), by name."""
    out: dict[str, tuple[list[MapRow], Counter[str]]] = {}
    for row in rows:
        out.setdefault(row.owner, ([], Counter()))[0].append(row)
        for o in row.journey.opportunities:
            out.setdefault(o.owner or "no owner", ([], Counter()))[1][o.status] += 1
    return dict(sorted(out.items()))


def _palette_css() -> str:
    """The heatmap's colours, from the palettes every picture uses (render/palette.py): the poster's
    severity colours, the diverging RdYlBu emotion scale (never red against green)."""
    rules = [f".h-{s}{{background:{w.fill};color:{w.ink}}}" for s, w in SEVERITY.items()]
    rules += [f".e{_score_class(e)}{{background:{w.fill};color:{w.ink}}}" for e, w in EMOTION.items()]
    rules.append(f".h-addressed{{background:{ADDRESSED.fill};color:{ADDRESSED.ink}}}")
    return "".join(rules)


def _score_class(emotion: int) -> str:
    return str(emotion)


CSS = (
    """
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--card:#ffffff;--panel:#f0f4f8;--accent:#0f766e}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 "Noto Sans","Noto Sans CJK JP","Noto Sans Arabic",
"Noto Sans Hebrew","DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
.wrap{max-width:1280px;margin:0 auto;padding:24px}a{color:var(--accent)}
h1{margin:0 0 4px;font-size:26px}h2{font-size:18px;margin:28px 0 8px}.kicker{color:var(--accent);font-size:12px;
letter-spacing:.12em;text-transform:uppercase;font-weight:700}.back{color:var(--accent)}
.note{color:var(--muted);margin:4px 0 12px}
.tools{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:16px 0;padding:10px 12px;
background:var(--card);border:1px solid var(--line);border-radius:10px}.tools select{font:inherit;padding:4px 6px}
table.grid{border-collapse:separate;border-spacing:2px;width:100%;background:var(--card);border:1px solid var(--line);
border-radius:10px;padding:4px}
.grid th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);text-align:left;
padding:6px}.grid td{padding:6px;border-radius:6px;vertical-align:top;min-width:64px}
.grid td.map a{color:var(--ink);font-weight:700;text-decoration:none}.grid td.map a:hover{text-decoration:underline}
.grid td.map .who{display:block;color:var(--muted);font-size:11px}
.h-none{background:var(--panel);color:var(--muted)}
.cnt{font-weight:700;white-space:nowrap}.sub{display:block;font-size:11px;white-space:nowrap}
.grid td[dir=rtl],.map [dir=rtl]{text-align:right}
.legend{display:flex;gap:6px;flex-wrap:wrap;font-size:12px;margin:6px 0}.legend span{padding:2px 8px;
border-radius:6px}
.owners td,.owners th{padding:6px 10px;text-align:left}.owners{border-collapse:collapse;background:var(--card);
width:100%;border:1px solid var(--line)}.owners tr+tr td{border-top:1px solid var(--line)}
tr[hidden]{display:none}
@media print{body{background:#ffffff;font-size:11px}.tools,.back{display:none}.wrap{max-width:none;padding:0}
table{page-break-inside:auto}tr{page-break-inside:avoid}h2{page-break-after:avoid}
.grid td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""
    + _palette_css()
)

# Filters: rows by owner; cells shown by lowest severity; open only hides addressed counts.
SCRIPT = """
(function(){
var o=document.getElementById('owner'),s=document.getElementById('severity'),a=document.getElementById('open');
var ranks=RANKS;
function apply(){var who=o.value,min=ranks[s.value]||0,only=a.checked;
[].slice.call(document.querySelectorAll('tr[data-owner]')).forEach(function(r){
r.hidden=who!=='all'&&r.getAttribute('data-owner')!==who;});
[].slice.call(document.querySelectorAll('td[data-worst]')).forEach(function(c){
var w=c.getAttribute('data-worst'),open=w&&ranks[w]>=min,done=!only&&c.getAttribute('data-addressed')!=='0';
c.classList.toggle('dim',!(open||done));c.style.opacity=(open||done)?'1':'.25';});}
o.addEventListener('change',apply);s.addEventListener('change',apply);a.addEventListener('change',apply);apply();})();
""".replace("RANKS", json.dumps({s: rank for rank, s in enumerate(SEVERITIES)}, separators=(",", ":")))


def heatmap_page(entries: list[Entry], theme: Theme | None = None) -> str:
    """The portfolio page, in the site's theme (the same colours, fonts and logo as every page)."""
    look = theme or DEFAULT
    css = CSS + site_css(look) + (LOGO_CSS if look.logo else "")
    rows = map_rows(entries)
    rules = policy(styles=[css], scripts=[SCRIPT], images=bool(look.logo))
    everyone = owners(rows)
    owner_options = "".join(f'<option value="{html_text(name)}">{html_text(name)}</option>' for name in everyone)
    severity_options = "".join(f'<option value="{s}">{s} and above</option>' for s in SEVERITIES)
    open_total = sum(sum(c.open.values()) for r in rows for c in r.pains.values())
    addressed_total = sum(c.addressed for r in rows for c in r.pains.values())
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{rules}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>Journey maps · portfolio</title><style>{css}</style></head>\n"
        f'<body><div class="wrap">{logo_html(look)}<a class="back" href="index.html">← All journey maps</a>'
        '<div class="kicker">Journey portfolio</div><h1>Pain points and feelings across every journey</h1>'
        f'<p class="note">{len(rows)} map{"s" if len(rows) != 1 else ""} · {open_total} open pain point'
        f'{"s" if open_total != 1 else ""} · {addressed_total} addressed (every opportunity for it done)</p>'
        '<div class="tools"><label>Owner <select id="owner"><option value="all">everyone</option>'
        f'{owner_options}</select></label><label>Show <select id="severity">{severity_options}</select></label>'
        '<label><input id="open" type="checkbox"> open pain points only</label></div>'
        f"{_heatmap(rows)}{_emotions(rows)}{_owners(everyone)}"
        f"</div><script>{SCRIPT}</script></body></html>\n"
    )


def _head(first: str) -> str:
    return f"<thead><tr><th>{first}</th>" + "".join(f"<th>{html_text(p)}</th>" for p in COLUMNS) + "</tr></thead>"


def _map_cell(row: MapRow) -> str:
    title = row.journey.title
    return (f'<td class="map"><a href="maps/{html_text(row.entry.page)}"{direction_attrs(title)}>{html_text(title)}</a>'
            f'<span class="who">{html_text(row.owner)}</span></td>')


def _heatmap(rows: list[MapRow]) -> str:
    legend = "".join(f'<span class="h-{s}">{s}</span>' for s in SEVERITIES)
    body = []
    for row in rows:
        cells = []
        for phase in COLUMNS:
            cell = row.pains.get(phase)
            if cell is None:
                cells.append('<td class="h-none" data-worst="" data-addressed="0">·</td>')
                continue
            worst = cell.worst
            css = f"h-{worst}" if worst else "h-addressed"
            n_open = sum(cell.open.values())
            detail = ", ".join(f"{cell.open[s]} {s}" for s in reversed(SEVERITIES) if cell.open[s])
            cells.append(
                f'<td class="{css}" data-worst="{worst}" data-addressed="{cell.addressed}" '
                f'title="{html_text(detail or "none open")}"><span class="cnt">{n_open} open</span>'
                f'<span class="sub">{cell.addressed} addressed</span></td>'
            )
        body.append(f'<tr data-owner="{html_text(row.owner)}">{_map_cell(row)}{"".join(cells)}</tr>')
    return (
        "<h2>Pain points by lifecycle phase</h2>"
        '<p class="note">Shaded by the worst open pain point, in the poster\'s severity colours; tinted when '
        "every one is addressed.</p>"
        f'<div class="legend">{legend}<span class="h-addressed">all addressed</span></div>'
        f'<table class="grid heatmap">{_head("Map")}<tbody>{"".join(body)}</tbody></table>'
    )


def _emotion_class(value: float) -> str:
    return "e" + _score_class(max(-2, min(2, round(value))))


def _emotion_legend() -> str:
    return "".join(f'<span class="e{_score_class(e)}">{emotion_score(e)} {w.word}</span>' for e, w in EMOTION.items())


def _emotions(rows: list[MapRow]) -> str:
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="{_emotion_class(row.emotions[p])}">{signed(row.emotions[p])}</td>' if p in row.emotions
            else '<td class="h-none">·</td>'
            for p in COLUMNS
        )
        body.append(f'<tr data-owner="{html_text(row.owner)}">{_map_cell(row)}{cells}</tr>')
    across = []
    for phase in COLUMNS:
        values = [r.emotions[phase] for r in rows if phase in r.emotions]
        if values:
            mean = sum(values) / len(values)
            across.append(f'<td class="{_emotion_class(mean)}"><b>{signed(mean)}</b></td>')
        else:
            across.append('<td class="h-none">·</td>')
    return (
        "<h2>Emotion by lifecycle phase</h2>"
        '<p class="note">Average emotion of each map\'s touchpoints in the phase, from −2 to +2.</p>'
        f'<div class="legend">{_emotion_legend()}</div>'
        f'<table class="grid emotions">{_head("Map")}<tbody>{"".join(body)}'
        f'<tr class="across"><td class="map"><b>All maps</b></td>{"".join(across)}</tr></tbody></table>'
    )


def _owners(everyone: dict[str, tuple[list[MapRow], Counter[str]]]) -> str:
    body = []
    for name, (maps, statuses) in everyone.items():
        links = ", ".join(f'<a href="maps/{html_text(r.entry.page)}"{direction_attrs(r.journey.title)}>'
                          f"{html_text(r.journey.title)}</a>" for r in maps)
        work = ", ".join(f"{statuses[s]} {s}" for s in STATUSES if statuses[s])
        body.append(f'<tr data-owner="{html_text(name)}"><td><b>{html_text(name)}</b></td>'
                    f"<td>{links or '—'}</td><td>{work or '—'}</td></tr>")
    return ("<h2>Who owns what</h2>"
            '<table class="owners"><thead><tr><th>Owner</th><th>Maps</th><th>Opportunities</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')
