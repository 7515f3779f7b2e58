"""The catalog's pages: the index (search, filter, one row a map) and a page per map.

A map's page is its web page (`render.html`) with the catalog's navigation,
lint findings and related maps composed in through `PageExtras`. The index's
search and filter are a few lines of inline script allowed by the page's
Content-Security-Policy hash and nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from journeymap.findings import Finding, Severity
from journeymap.measures import MeasuresSnapshot
from journeymap.render.csp import policy
from journeymap.render.hierarchy import CSS, hierarchy_html, hierarchy_of
from journeymap.render.html import PageExtras, html_page
from journeymap.render.palette import FINDING, SEVERITY
from journeymap.render.text import direction_attrs, html_text
from journeymap.render.theme import DEFAULT, LOGO_CSS, Theme, logo_html, site_css
from journeymap.schema_values import PHASES, SEVERITIES

if TYPE_CHECKING:
    from journeymap.io.sources import Target
    from journeymap.model import Journey
    from journeymap.render.hierarchy import Hierarchy
    from journeymap.site.entries import Entry

SEVERITY_ORDER = tuple(reversed(SEVERITIES))  # the worst first


def _palette_css() -> str:
    """The index's badges in the palettes every picture uses (render/palette.py): the poster's
    severity colours; findings in the critical red, the medium severity's ink and the emotion
    scale's blue; "clean" in the accent (never red against green)."""
    rules = [f".sev.{s}{{background:{w.fill};color:{w.ink}}}" for s, w in SEVERITY.items()]
    rules.append(f".lint .e,.broken-tag{{color:{FINDING['error']};font-weight:700}}"
                 f".lint .w{{color:{FINDING['warning']};font-weight:700}}.lint .i{{color:{FINDING['info']}}}")
    return "".join(rules)


_SITE_CSS = (
    """
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--card:#ffffff;--panel:#f0f4f8;--accent:#0f766e}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 "Noto Sans",
"Noto Sans CJK JP","Noto Sans Arabic","Noto Sans Hebrew","DejaVu Sans",sans-serif;color:var(--ink);
background:var(--bg)}a{color:var(--accent)}
.wrap{max-width:1800px;margin:0 auto;padding:24px}
.site-head{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-end;justify-content:space-between}
.site-head h1{margin:0;font-size:28px}.kicker{color:var(--accent);font-size:12px;letter-spacing:.12em;
text-transform:uppercase;font-weight:700}
.tools{display:flex;gap:8px;flex-wrap:wrap}.tools input,.tools select{font:inherit;padding:8px 10px;
border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--ink);min-width:220px}
.summary{color:var(--muted);margin:8px 0 16px}
table.catalog{width:100%;border-collapse:separate;border-spacing:0;background:var(--card);border:1px solid var(--line);
border-radius:12px;overflow:hidden}
.catalog th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
background:var(--panel);padding:10px 12px}
.catalog td{padding:12px;border-top:1px solid var(--line);vertical-align:top}
.catalog td [dir=rtl]{text-align:right}
.catalog a{color:var(--ink);font-weight:700;text-decoration:none}.catalog a:hover{text-decoration:underline}
.file{display:block;color:var(--muted);font-size:12px}
.chips{display:flex;flex-wrap:wrap;gap:3px}.chip{font-size:11px;padding:1px 6px;border-radius:10px;
background:var(--panel);color:var(--muted)}.chip.on{background:var(--accent);color:#ffffff;font-weight:700}
.sev{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:4px;margin:0 3px 3px 0}
.lint{font-size:13px}.ok{color:var(--accent);font-weight:700}
tr.broken td{background:var(--panel)}
.why{color:var(--muted);font-size:12px;margin-top:4px}.date{white-space:nowrap}.none{color:var(--muted)}
.site-extra{margin:24px 0}.site-extra h2{font-size:18px;margin:16px 0 8px}
.site-extra ul{margin:0;padding-left:20px}.site-extra a{color:var(--accent)}
.back{display:inline-block;margin-bottom:8px;color:var(--accent)}.to-portfolio{color:var(--accent);font-weight:700}
.made{color:var(--muted);font-size:12px;margin-top:24px}
@media (max-width:760px){.catalog thead{display:none}.catalog tr{display:block;border-top:1px solid var(--line)}
.catalog td{display:block;border:0;padding:6px 12px}}
"""
    + _palette_css()
)

# Search box and filter: hides rows that don't match. `#q=text` in the address pre-fills the search.
_SCRIPT = """
(function(){
var q=document.getElementById('q'),f=document.getElementById('filter'),rows=[].slice.call(
document.querySelectorAll('tbody tr')),shown=document.getElementById('shown');
function apply(){var t=q.value.trim().toLowerCase(),k=f.value,n=0;rows.forEach(function(r){
var ok=(!t||r.getAttribute('data-text').indexOf(t)>=0)&&(k==='all'||r.classList.contains(k));
r.hidden=!ok;if(ok)n++;});shown.textContent=n;}
var m=/[#&]q=([^&]*)/.exec(location.hash);if(m){q.value=decodeURIComponent(m[1]);}
q.addEventListener('input',apply);f.addEventListener('change',apply);apply();})();
"""


def shown_paths(entries: list[Entry]) -> dict[int, str]:
    """Each entry's file as the catalog shows it: relative to the folder all the maps share, never
    an absolute path of the machine that built the site (it says nothing to readers, and tells
    strangers how that machine is laid out)."""
    paths = {id(e): e.target.path for e in entries if not e.target.is_stdin}
    if not paths:
        return {}
    # abspath, not resolve: a map may be a symlink (even a loop) and is shown where it was found
    folders = [os.path.dirname(os.path.abspath(p)) for p in paths.values()]
    base = os.path.commonpath(folders)
    return {key: Path(os.path.relpath(os.path.abspath(path), base)).as_posix() for key, path in paths.items()}


def index_page(entries: list[Entry], theme: Theme | None = None) -> str:
    look = theme or DEFAULT
    css = _SITE_CSS + site_css(look) + (LOGO_CSS if look.logo else "")
    rules = policy(styles=[css], scripts=[_SCRIPT], images=bool(look.logo))
    shown = shown_paths(entries)
    broken = sum(1 for e in entries if e.broken)
    open_total = sum(sum(e.open_pains.values()) for e in entries)
    rows = "\n".join(_row(e, shown.get(id(e), e.target.path)) for e in entries)
    summary = (f"{len(entries)} map{'s' if len(entries) != 1 else ''} · {open_total} open pain point"
               f"{'s' if open_total != 1 else ''}" + (f" · {broken} broken" if broken else "") +
               ' · showing <span id="shown">' + str(len(entries)) + "</span>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{rules}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>Journey maps · catalog</title><style>{css}</style></head>\n"
        f'<body><div class="wrap"><header class="site-head"><div>{logo_html(look)}'
        '<div class="kicker">Journey catalog</div>'
        "<h1>Every customer journey we map</h1></div>"
        '<div class="tools"><input id="q" type="search" placeholder="Search title, owner, tags…" '
        'aria-label="Search maps">'
        '<select id="filter" aria-label="Filter maps"><option value="all">All maps</option>'
        '<option value="has-errors">With lint errors</option><option value="has-open">With open pain points</option>'
        '<option value="is-clean">Lint-clean</option><option value="broken">Broken</option></select></div></header>'
        f'<p class="summary">{summary} · <a class="to-portfolio" href="portfolio.html">Portfolio view: pain points '
        "and emotions by phase across every map</a></p>"
        '<table class="catalog"><thead><tr><th>Map</th><th>Owner</th><th>Reviewed</th><th>Lifecycle coverage</th>'
        "<th>Open pain points</th><th>Lint</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody></table>"
        '<p class="made">Built by journeymap from the maps in this repository.</p></div>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def _row(entry: Entry, path: str) -> str:
    journey = entry.journey
    file_name = html_text(path)
    if journey is None or entry.refused:
        if entry.refused:
            why = f'<div class="why">{html_text(entry.refused)}</div>'
        else:
            first = entry.analysis.findings[:2]
            why = "".join(f'<div class="why">line {f.line}: {html_text(f.message)}</div>' for f in first)
        text = html_text(path.lower())
        return (f'<tr class="broken" data-text="{text}"><td><span class="broken-tag">Broken map</span>'
                f'<span class="file">{file_name}</span>{why}</td><td colspan="4" class="none">not shown: fix what '
                f'is said beside the file name, then rebuild</td><td class="lint">{_lint_counts(entry)}</td></tr>')
    classes = []
    if entry.count(Severity.ERROR):
        classes.append("has-errors")
    if sum(entry.open_pains.values()):
        classes.append("has-open")
    if not entry.analysis.findings:
        classes.append("is-clean")
    search = " ".join([journey.title, journey.id, journey.owner, *journey.tags, path]).lower()
    phases = journey.phases()
    chips = "".join(f'<span class="chip{" on" if p in phases else ""}">{p}</span>' for p in PHASES)
    pains = "".join(f'<span class="sev {s}">{entry.open_pains[s]} {s}</span>'
                    for s in SEVERITY_ORDER if entry.open_pains[s]) or '<span class="none">none</span>'
    return (
        f'<tr class="{" ".join(classes)}" data-text="{html_text(search)}">'
        f'<td><a href="maps/{entry.page}"{direction_attrs(journey.title)}>{html_text(journey.title)}</a>'
        f'<span class="file">{file_name}</span></td>'
        f"<td>{html_text(journey.owner) or '<span class=none>no owner</span>'}</td>"
        f"<td class=\"date\">{html_text(journey.last_reviewed or '') or '<span class=none>never</span>'}</td>"
        f'<td><div class="chips">{chips}</div></td><td>{pains}</td>'
        f'<td class="lint">{_lint_counts(entry)}</td></tr>'
    )


def _lint_counts(entry: Entry) -> str:
    if entry.unreadable:  # nothing was checked: "clean" would be a lie
        return '<span class="none">not read</span>'
    if not entry.analysis.findings:
        return '<span class="ok">clean</span>'
    parts = []
    for severity, css in ((Severity.ERROR, "e"), (Severity.WARNING, "w"), (Severity.INFO, "i")):
        n = entry.count(severity)
        if n:
            parts.append(f'<span class="{css}">{n} {severity.value}{"s" if n != 1 and severity.value != "info" else ""}'
                         "</span>")
    return " · ".join(parts)


def map_page(
    entry: Entry, by_id: dict[str, Entry], entries: list[Entry], tree: Hierarchy | None = None,
    theme: Theme | None = None, measured: MeasuresSnapshot | None = None,
) -> str:
    """A map's page; `tree` is the site's journey hierarchy (made from `entries` when not given);
    `measured`, the map's measures snapshot: its curve and funnel drawn as `render --measures`
    draws them, and a summary of what was measured."""
    journey = entry.journey
    if journey is None:
        return broken_page(entry)

    tree = tree or site_hierarchy(entries)
    nav = hierarchy_html(journey, tree, entry.page)
    top = '<nav class="site-nav" aria-label="Catalog"><a href="../index.html">← All journey maps</a></nav>'
    extras = PageExtras(
        css=_SITE_CSS_PAGE + CSS + _page_theme_css(theme), top=top + nav.top, touchpoint_notes=nav.touchpoint_notes,
        bottom=_extra_section(entry, journey, by_id, entries, measured),
        measured_emotions=measured.measured_emotions() if measured else {},
        measured_funnel=measured.funnel_shares() if measured else {},
    )
    return html_page(journey, _folder_of(entry.target), extras, theme)


def site_hierarchy(entries: list[Entry]) -> Hierarchy:
    return hierarchy_of((e.journey, e.page) for e in entries if e.journey is not None)


def _folder_of(target: Target) -> Path | None:
    return None if target.is_stdin else Path(target.path).resolve().parent


_SITE_CSS_PAGE = (
    """
.site-extra{margin:24px 0;padding:16px 20px;background:#ffffff;border:1px solid #d9e2ec;border-radius:12px}
.site-extra h2{font-size:17px;margin:12px 0 6px}.site-extra ul{margin:0;padding-left:20px}
.site-extra a{color:#0f766e}
.site-nav{display:block;margin:0 0 12px}.site-nav a{color:#0f766e;font-weight:700}
"""
    + f".site-extra .sev-error{{color:{FINDING['error']};font-weight:700}}"
    f".site-extra .sev-warning{{color:{FINDING['warning']};font-weight:700}}"
    f".site-extra .sev-info{{color:{FINDING['info']}}}\n"
)


def _page_theme_css(theme: Theme | None) -> str:
    """The catalog's additions to a map's page in the site's theme."""
    if theme is None or theme == DEFAULT:
        return ""
    return (f".site-extra{{background:{theme.panel};border-color:{theme.rule};color:{theme.ink}}}"
            f".site-extra a,.site-nav a{{color:{theme.accent}}}")


def _extra_section(
    entry: Entry, journey: Journey, by_id: dict[str, Entry], entries: list[Entry],
    measured: MeasuresSnapshot | None = None,
) -> str:
    parts = ['<section class="site-extra"><a class="site-nav" href="../index.html">← All journey maps</a>']
    if measured is not None:
        parts.append(_measured_section(measured))
    related = [by_id[r] for r in journey.related if r in by_id]
    linking = [e for e in entries if e.journey is not None and journey.id and journey.id in e.journey.related]
    if related or linking:
        parts.append("<h2>Related journeys</h2><ul>")
        for other in related:
            parts.append(f'<li><a href="{other.page}">{html_text(other.journey.title if other.journey else "")}'
                         "</a></li>")
        for other in linking:
            if other not in related and other is not entry:
                parts.append(f'<li><a href="{other.page}">{html_text(other.journey.title if other.journey else "")}'
                             "</a> (links here)</li>")
        parts.append("</ul>")
    missing = [r for r in journey.related if r not in by_id]
    if missing:
        parts.append(f"<p>Names maps not in this catalog: {html_text(', '.join(missing))}</p>")
    parts.append("<h2>Lint findings</h2>")
    parts.append(_findings_list(entry.analysis.findings) if entry.analysis.findings
                 else "<p>No findings: this map is lint-clean.</p>")
    parts.append("</section>")
    return "".join(parts)


def _measured_section(s: MeasuresSnapshot) -> str:
    """What the data says of the map: its source, entrants and funnel, in plain numbers."""
    period = " to ".join(p for p in (s.since, s.until) if p)
    rows = "".join(
        f"<tr><td>{html_text(f.stage)}</td><td>{f.users:,}</td>"
        f"<td>{'' if f.of_first is None else f'{f.of_first:.1%}'}</td></tr>"
        for f in s.funnel
    )
    return (
        '<h2>Measured</h2><p class="site-measured">'
        f"{s.entrants:,} users entered the journey in {html_text(s.events_source)}"
        f"{f' ({html_text(period)})' if period else ''}, measured with {html_text(s.engine)}.</p>"
        f'<table class="site-funnel"><thead><tr><th>stage</th><th>users</th><th>of the first stage</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _findings_list(findings: list[Finding]) -> str:
    items = "".join(
        f'<li><span class="sev-{f.severity.value}">{f.severity.value}</span> {html_text(f.rule_id)} '
        f"{html_text(f.rule_name)}: {html_text(f.message)} <small>(line {f.line})</small></li>"
        for f in findings
    )
    return f"<ul>{items}</ul>"


def broken_page(entry: Entry) -> str:
    rules = policy(styles=[_SITE_CSS], images=False)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{rules}">'
        f"<title>Broken map · {html_text(Path(entry.target.path).name)}</title><style>{_SITE_CSS}</style></head>"
        f'<body><div class="wrap"><a class="back" href="../index.html">← All journey maps</a>'
        f"<h1>Broken map</h1>{_why_broken(entry)}</div></body></html>\n"
    )


def _why_broken(entry: Entry) -> str:
    path = html_text(Path(entry.target.path).name)  # the machine's folders are no reader's business
    if entry.unreadable:
        return f"<p>{path} could not be read:</p><p>{html_text(entry.refused)}</p>"
    if entry.refused:
        return f"<p>The page of {path} could not be drawn:</p><p>{html_text(entry.refused)}</p>"
    return (f"<p>{path} could not be read as a journey map:</p>"
            f'<div class="site-extra">{_findings_list(entry.analysis.findings)}</div>')
