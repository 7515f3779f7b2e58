"""The live preview (`journeymap serve`): maps drawn as HTML pages, served on 127.0.0.1 only, drawn
again when a file changes, and pages that reload themselves when they do.

Pages are held in memory and served by name from that table only, so no
request can reach a file (there is no path to traverse). The server binds to
the loopback address whatever it is asked: a preview of maps that may hold
unpublished research is for the person at this machine. Each page carries a
few lines of script (allowed by its hash, and allowed to ask this server
only) that ask `/__version` every second and reload the page when the maps
were drawn again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from journeymap.config import Project
from journeymap.io.sources import discover
from journeymap.pipeline import State, analyse
from journeymap.render.csp import policy
from journeymap.render.text import html_text
from journeymap.strings import map_stem, one_line

HOST = "127.0.0.1"
VERSION_PATH = "/__version"

# Asks the server for the drawing's version; reloads when it is not the one the page was drawn at.
RELOAD_SCRIPT = """
(function(){var v=document.documentElement.getAttribute('data-version');
setInterval(function(){fetch('/__version',{cache:'no-store'}).then(function(r){return r.text();})
.then(function(t){if(t&&v&&t!==v){location.reload();}}).catch(function(){});},1000);})();
"""

_INDEX_CSS = """
body{margin:0;font:15px/1.5 "DejaVu Sans",system-ui,sans-serif;color:#1b2a3a;background:#f3f6f9}
.wrap{max-width:900px;margin:0 auto;padding:24px}h1{font-size:24px}a{color:#0f6e6e;font-weight:700}
li{margin:6px 0}.bad{color:#b00020}.why{display:block;color:#5b6b7b;font-size:13px}
"""


@dataclass
class Drawing:
    """Every page of one drawing of the maps, by name, and its version."""

    version: int = 0
    pages: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    folders: set[str] = field(default_factory=set)  # what to watch: the maps' folders and their libraries'


def draw_pages(paths: Sequence[str], project: Project, version: int) -> Drawing:
    """Read every map the paths name through the pipeline and draw its page; broken maps are listed on
    the index with their first finding."""
    from journeymap.render import RenderError
    from journeymap.render.hierarchy import CSS, hierarchy_html, hierarchy_of
    from journeymap.render.html import PageExtras, html_page

    found = discover(paths, project.excludes)
    drawing = Drawing(version, problems=list(found.problems))
    reading = project.with_options(lint=False)
    listed: list[tuple[str, str, str]] = []  # (page, title, why it is broken)
    journeys = []
    taken: set[str] = set()
    for given in paths:
        drawing.folders.add(os.path.abspath(given if os.path.isdir(given) else os.path.dirname(given) or "."))
    for target in found.targets:
        analysis = analyse(target, reading)
        drawing.folders.update(os.path.dirname(key) for key in analysis.uses if os.path.isabs(key))
        page = _page_name(target.path, taken)
        if analysis.state is State.UNREADABLE or analysis.journey is None or not analysis.valid:
            first = analysis.findings[0].as_line() if analysis.findings else analysis.problem
            listed.append(("", one_line(target.path), first or "not a valid map"))
            continue
        journeys.append((analysis.journey, page, target.path))
        listed.append((page, analysis.journey.title, ""))
    tree = hierarchy_of((j, p) for j, p, _ in journeys)
    for journey, page, path in journeys:
        nav = hierarchy_html(journey, tree, page)
        extras = PageExtras(css=CSS, top=nav.top, touchpoint_notes=nav.touchpoint_notes, script=RELOAD_SCRIPT,
                            same_origin=True)
        try:
            text = html_page(journey, Path(path).resolve().parent, extras)
        except RenderError as exc:  # listed as broken, with the reason, instead of a dead link
            listed = [(("", one_line(path), one_line(exc)) if p == page else (p, t, w)) for p, t, w in listed]
            continue
        drawing.pages[page] = _versioned(text, version)
    drawing.pages["index.html"] = _versioned(_index(listed, drawing.problems), version)
    return drawing


def _page_name(path: str, taken: set[str]) -> str:
    base = map_stem(path) or "map"
    name, n = f"{base}.html", 2
    while name in taken or name == "index.html":
        name, n = f"{base}-{n}.html", n + 1
    taken.add(name)
    return name


def _versioned(text: str, version: int) -> bytes:
    return text.replace('<html lang="en">', f'<html lang="en" data-version="{version}">', 1).encode("utf-8")


def _index(listed: list[tuple[str, str, str]], problems: list[str]) -> str:
    rules = policy(styles=[_INDEX_CSS], scripts=[RELOAD_SCRIPT], images=False, same_origin=True)
    items = "".join(
        f'<li><a href="{html_text(page)}">{html_text(title)}</a></li>' if page
        else f'<li><span class="bad">{html_text(title)}</span><span class="why">{html_text(why)}</span></li>'
        for page, title, why in listed
    )
    notes = "".join(f'<li class="bad">{html_text(p)}</li>' for p in problems)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{rules}">'
        f"<title>journeymap preview</title><style>{_INDEX_CSS}</style></head><body><div class=\"wrap\">"
        f"<h1>Journey maps (live preview)</h1><ul>{items}{notes}</ul>"
        "<p>Pages are drawn again when a map is saved, and reload themselves.</p></div>"
        f"<script>{RELOAD_SCRIPT}</script></body></html>\n"
    )


class Preview:
    """The maps of `paths`, drawn now and again on `refresh()`, served on 127.0.0.1:`port` (0: a free
    port, see `port` once started)."""

    def __init__(self, paths: Sequence[str], project: Project, port: int = 0) -> None:
        self.paths = list(paths)
        self.project = project
        self._lock = threading.Lock()
        self.drawing = draw_pages(self.paths, project, 1)
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                preview.answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                return  # a request log on stderr would bury what the command says

        self.server = ThreadingHTTPServer((HOST, port), Handler)
        self.server.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def refresh(self) -> Drawing:
        """Draw every map again (after a change); pages see the new version and reload."""
        drawing = draw_pages(self.paths, self.project, self.drawing.version + 1)
        with self._lock:
            self.drawing = drawing
        return drawing

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            drawing = self.drawing
        path = request.path.split("?", 1)[0]
        if path == VERSION_PATH:
            body, kind, status = str(drawing.version).encode("ascii"), "text/plain", 200
        else:
            name = path.lstrip("/") or "index.html"
            page = drawing.pages.get(name)
            if page is None:
                body, kind, status = b"not found\n", "text/plain", 404
            else:
                body, kind, status = page, "text/html", 200
        request.send_response(status)
        request.send_header("Content-Type", f"{kind}; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.send_header("X-Content-Type-Options", "nosniff")
        request.end_headers()
        request.wfile.write(body)

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.server.serve_forever, name="journeymap-preview", daemon=True)
        thread.start()
        return thread

    def watch(self, stop: threading.Event, on_change: Any = None) -> None:
        """Draw again whenever a map or library below the paths changes, until `stop` is set."""
        from watchfiles import watch

        # folders, not files: editors save by writing a new file and renaming it over the old one
        folders = sorted(f for f in self.drawing.folders if os.path.isdir(f))
        for changes in watch(*folders, stop_event=stop, debounce=200, raise_interrupt=False):
            if any(_relevant(path) for _, path in changes):
                drawing = self.refresh()
                if on_change is not None:
                    on_change(drawing)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _relevant(path: str) -> bool:
    return path.endswith((".yaml", ".yml"))
