"""The live preview (`journeymap serve`): maps drawn as HTML pages, served on 127.0.0.1 only, drawn
again when a file changes, and pages that reload themselves when they do.

Pages are held in memory and served by name from that table only, so no
request can reach a file (there is no path to traverse). The server binds to
the loopback address whatever it is asked: a preview of maps that may hold
unpublished research is for the person at this machine. Each page carries a
few lines of script (allowed by its hash, and allowed to ask this server
only) that ask `/__version` every second and reload the page when the maps
were drawn again.

Listening on loopback is not enough on its own. A web page on another site
can point its own host name at 127.0.0.1 (DNS rebinding) and then read this
server as if it were its own origin; the request then names that site in its
Host header, so only requests naming this server (`127.0.0.1:PORT`,
`localhost:PORT`, `[::1]:PORT`) are answered, as Vite and webpack-dev-server
do. Each connection has a few seconds to send its whole request, and only so
many connections are served at once: idle or slow sockets cannot pile up
threads without bound.
"""

from __future__ import annotations

import io
import os
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from journeymap.analysis import State
from journeymap.config import Project
from journeymap.io.sources import discover
from journeymap.pipeline import analyse
from journeymap.render import RenderError
from journeymap.render.csp import policy
from journeymap.render.hierarchy import CSS, hierarchy_html, hierarchy_of
from journeymap.render.html import PageExtras, html_page
from journeymap.render.palette import FINDING
from journeymap.render.text import html_text
from journeymap.render.theme import DEFAULT, Theme, font_family, luminance, theme_from
from journeymap.strings import map_stem, one_line

HOST = "127.0.0.1"
VERSION_PATH = "/__version"
REQUEST_TIMEOUT = 3.0  # seconds a connection has to send its whole request (a browser needs milliseconds)
MAX_CONNECTIONS = 32  # served at once; a browser opens six a site, so more is a flood: refused at once
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

# Asks the server for the drawing's version; reloads when it is not the one the page was drawn at.
RELOAD_SCRIPT = """
(function(){var v=document.documentElement.getAttribute('data-version');
setInterval(function(){fetch('/__version',{cache:'no-store'}).then(function(r){return r.text();})
.then(function(t){if(t&&v&&t!==v){location.reload();}}).catch(function(){});},1000);})();
"""



def index_css(theme: Theme) -> str:
    """The index's look from the one design table (render/theme.py, render/palette.py), as the
    site's catalog has it: on light paper the page is the theme's panel, on dark its paper; the
    theme's ink, muted ink and accent; the one font chain (a brand font first); a broken map in
    the findings' error red, or on dark paper in the theme's own ink."""
    dark = luminance(theme.paper) < 0.4
    background = theme.paper if dark else theme.panel
    broken = theme.ink if dark else FINDING["error"]
    return (
        f"body{{margin:0;font:15px/1.5 {font_family(theme)};color:{theme.ink};background:{background}}}"
        f".wrap{{max-width:900px;margin:0 auto;padding:24px}}h1{{font-size:24px}}"
        f"a{{color:{theme.accent};font-weight:700}}li{{margin:6px 0}}.bad{{color:{broken};font-weight:700}}"
        f".why{{display:block;color:{theme.muted};font-size:13px}}"
    )


@dataclass
class Drawing:
    """Every page of one drawing of the maps, by name, and its version."""

    version: int = 0
    pages: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    folders: set[str] = field(default_factory=set)  # what to watch: the maps' folders and their libraries'


def draw_pages(paths: Sequence[str], project: Project, version: int, theme: Theme = DEFAULT) -> Drawing:
    """Read every map the paths name through the pipeline and draw its page in `theme`; broken maps are
    listed on the index with their first finding."""

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
            text = html_page(journey, Path(path).resolve().parent, extras, theme)
        except RenderError as exc:  # listed as broken, with the reason, instead of a dead link
            listed = [(("", one_line(path), one_line(exc)) if p == page else (p, t, w)) for p, t, w in listed]
            continue
        drawing.pages[page] = _versioned(text, version)
    drawing.pages["index.html"] = _versioned(_index(listed, drawing.problems, theme), version)
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


def page_link(page: str) -> str:
    """A relative link to a page, every character but letters, digits and `_.-~` percent-quoted: a map
    file named `javascript:alert(1).journey.yaml` links to `./javascript%3Aalert%281%29.html`, which no
    browser can read as a scheme."""
    return "./" + quote(page, safe="")


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host headers a request for this server carries; a browser leaves out port 80."""
    names = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    return frozenset(names | set(LOOPBACK_NAMES) if port == 80 else names)


def _index(listed: list[tuple[str, str, str]], problems: list[str], theme: Theme) -> str:
    css = index_css(theme)
    rules = policy(styles=[css], scripts=[RELOAD_SCRIPT], images=False, same_origin=True)
    items = "".join(
        f'<li><a href="{html_text(page_link(page))}">{html_text(title)}</a></li>' if page
        else f'<li><span class="bad">{html_text(title)}</span><span class="why">{html_text(why)}</span></li>'
        for page, title, why in listed
    )
    notes = "".join(f'<li class="bad">{html_text(p)}</li>' for p in problems)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{rules}">'
        f"<title>journeymap preview</title><style>{css}</style></head><body><div class=\"wrap\">"
        f"<h1>Journey maps (live preview)</h1><ul>{items}{notes}</ul>"
        "<p>Pages are drawn again when a map is saved, and reload themselves.</p></div>"
        f"<script>{RELOAD_SCRIPT}</script></body></html>\n"
    )


class Preview:
    """The maps of `paths`, drawn now and again on `refresh()`, served on 127.0.0.1:`port` (0: a free
    port, see `port` once started); `timeout` seconds for each request, `connections` served at once."""

    def __init__(
        self, paths: Sequence[str], project: Project, port: int = 0,
        timeout: float = REQUEST_TIMEOUT, connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.paths = list(paths)
        self.project = project
        self._lock = threading.Lock()
        # the configuration's theme, as the site has it, read once: a logo removed while serving
        # does not stop the preview
        chosen = project.theme
        self.theme = theme_from(chosen.base, dict(chosen.colours), chosen.font, chosen.logo, chosen.root)
        self.drawing = draw_pages(self.paths, project, 1, self.theme)
        self.timeout = timeout
        preview = self

        class Handler(BaseHTTPRequestHandler):
            # the socket's own timeout: it bounds sending the answer to a client that stops reading
            timeout = preview.timeout

            def setup(self) -> None:
                super().setup()
                self.rfile = io.BufferedReader(_Deadline(self.connection, preview.timeout))

            def do_GET(self) -> None:  # the names http.server calls
                preview.answer(self)

            def do_HEAD(self) -> None:
                preview.answer(self, body=False)

            def log_message(self, format: str, *args: Any) -> None:
                return  # a request log on stderr would bury what the command says

        self.server = _Server((HOST, port), Handler, connections)
        self.hosts = allowed_hosts(self.port)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def refresh(self) -> Drawing:
        """Draw every map again (after a change); pages see the new version and reload."""
        drawing = draw_pages(self.paths, self.project, self.drawing.version + 1, self.theme)
        with self._lock:
            self.drawing = drawing
        return drawing

    def answer(self, request: BaseHTTPRequestHandler, body: bool = True) -> None:
        """Answer a GET (or, without its body, a HEAD) from the current drawing."""
        with self._lock:
            drawing = self.drawing
        status, kind, content = self._content(request, drawing)
        request.connection.settimeout(self.timeout)  # the answer gets its own time to be sent
        request.send_response(status)
        request.send_header("Content-Type", f"{kind}; charset=utf-8")
        request.send_header("Content-Length", str(len(content)))
        request.send_header("Cache-Control", "no-store")
        request.send_header("X-Content-Type-Options", "nosniff")
        request.end_headers()
        if body:
            request.wfile.write(content)

    def _content(self, request: BaseHTTPRequestHandler, drawing: Drawing) -> tuple[int, str, bytes]:
        hosts = request.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.hosts:
            # the page that sent this is not this server's (DNS rebinding, or a proxy): it reads nothing
            return 403, "text/plain", (
                f"journeymap serve answers only requests for {HOST}:{self.port} or localhost:{self.port}; "
                "open the address it printed\n"
            ).encode("ascii")
        path = request.path.split("?", 1)[0]
        if path == VERSION_PATH:
            return 200, "text/plain", str(drawing.version).encode("ascii")
        page = drawing.pages.get(unquote(path.lstrip("/")) or "index.html")  # links are percent-quoted
        if page is None:
            return 404, "text/plain", b"not found\n"
        return 200, "text/html", page

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.server.serve_forever, name="journeymap-preview", daemon=True)
        thread.start()
        return thread

    def watch(self, stop: threading.Event, on_change: Any = None) -> None:
        """Draw again whenever a map or library below the paths changes, until `stop` is set."""
        from watchfiles import watch  # noqa: PLC0415

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


class _Deadline(io.RawIOBase):
    """A connection's bytes, readable until a fixed moment: a client that sends its request a byte at a
    time is cut off as surely as one that sends nothing (a plain socket timeout restarts on every byte).
    http.server treats the TimeoutError as a timed-out request and closes the connection."""

    def __init__(self, connection: socket.socket, seconds: float) -> None:
        super().__init__()
        self.connection = connection
        self.until = time.monotonic() + seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.until - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not sent in time")
        self.connection.settimeout(left)
        return self.connection.recv_into(buffer)


class _Server(ThreadingHTTPServer):
    """One thread a connection, but no more than `limit` at once: beyond that a connection is told 503
    and closed at once, without reading it, so a flood of idle sockets costs no threads."""

    daemon_threads = True
    # connections the kernel keeps waiting for accept(); at the default 5, a burst of connections has
    # the kernel drop the rest, and each dropped one (a browser's too) tries again only a second later
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: Any, limit: int) -> None:
        self.slots = threading.BoundedSemaphore(limit)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()  # no thread started to give the slot back
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away or was too slow: nothing to say on the terminal
        super().handle_error(request, client_address)


BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"X-Content-Type-Options: nosniff\r\nRetry-After: 3\r\nConnection: close\r\n\r\n"
        b"journeymap serve is busy: too many open connections; try again\n")


def _refuse(request: socket.socket) -> None:
    """Say 503 to a connection over the limit without ever waiting on it (this runs on the thread that
    accepts every connection)."""
    try:
        request.setblocking(False)
        request.send(BUSY)
        request.recv(65536)  # what already came: closing on unread bytes would reset the 503 away
    except OSError:
        pass


def _relevant(path: str) -> bool:
    return path.endswith((".yaml", ".yml"))
