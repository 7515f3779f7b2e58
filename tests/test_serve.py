"""The live preview: pages served on 127.0.0.1 over real HTTP, drawn again when a map is saved,
with the reload script allowed by its hash and nothing served but the drawn pages."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from journeymap.config import default_project, load_project
from journeymap.render.csp import source_hash
from journeymap.render.html import PAGE_SCRIPT
from journeymap.render.theme import THEMES
from journeymap.serve import HOST, RELOAD_SCRIPT, Preview, page_link
from tests.conftest import FIXTURES

FOLDER = FIXTURES / "portfolio" / "folder"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


@pytest.fixture
def preview(tmp_path: Path):
    maps = tmp_path / "maps"
    shutil.copytree(FOLDER, maps)
    running = Preview([str(maps)], default_project(), port=0)
    running.serve_in_background()
    yield running
    running.close()


def test_pages_are_served_on_loopback_over_http(preview: Preview):
    assert preview.server.server_address[0] == HOST == "127.0.0.1"
    assert preview.port > 0
    status, index = _get(preview.url)
    assert status == 200
    assert '<a href="./order.html">Ordering groceries</a>' in index
    status, page = _get(preview.url + "order.html")
    assert status == 200 and "Ordering groceries" in page
    assert 'data-version="1"' in page
    assert f"script-src {source_hash(PAGE_SCRIPT)} {source_hash(RELOAD_SCRIPT)}" in page
    assert "connect-src 'self'" in page
    assert f"<script>{RELOAD_SCRIPT}</script>" in page
    assert 'Part of</span><a href="delivery.html">' in page  # the hierarchy links work here too
    assert _get(preview.url + "__version") == (200, "1")


def test_nothing_but_drawn_pages_is_served(preview: Preview):
    for path in ("../../etc/passwd", "maps/order.journey.yaml", "order.journey.yaml", "%2e%2e/x", "nope.html",
                 "..%2f..%2fetc%2fpasswd", "%2F..%2F..%2Fetc%2Fpasswd", "order.html%00", "./order.html"):
        assert _get(preview.url + path)[0] == 404


def test_a_saved_map_is_drawn_again_and_its_version_changes(preview: Preview, tmp_path: Path):
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)  # let the watcher start listening before the save
        order = tmp_path / "maps" / "order.journey.yaml"
        order.write_text(order.read_text().replace("title: Ordering groceries", "title: Ordering food"))
        version = "1"
        for _ in range(100):  # the watcher debounces, then draws again; wait for it (never a timing assertion)
            version = _get(preview.url + "__version")[1]
            if version != "1":
                break
            time.sleep(0.2)
        assert version == "2"
        assert _get(preview.url + "order.html")[0] == 200
        page = _get(preview.url + "order.html")[1]
        assert "Ordering food" in page and 'data-version="2"' in page
    finally:
        stop.set()
        watcher.join(timeout=10)


def test_a_broken_map_is_listed_with_its_first_finding(tmp_path: Path):
    broken = tmp_path / "broken.journey.yaml"
    broken.write_text("journeymap: 1\ntitle: B\nstages:\n  - {id: a, name: A, phase: nowhere}\n")
    running = Preview([str(tmp_path)], default_project(), port=0)
    running.serve_in_background()
    try:
        status, index = _get(running.url)
        assert status == 200 and "broken.journey.yaml:4:" in index and "nowhere" in index
        assert _get(running.url + "broken.html")[0] == 404
    finally:
        running.close()


def test_the_preview_is_drawn_in_the_configurations_theme(tmp_path: Path):
    maps = tmp_path / "maps"
    shutil.copytree(FOLDER, maps)
    config = tmp_path / ".journeymap.yaml"
    config.write_text('theme: {base: dark, accent: "#ffb000"}\n', encoding="utf-8")
    project = load_project(config, tmp_path)
    running = Preview([str(maps)], project, port=0)
    running.serve_in_background()
    try:
        dark = THEMES["dark"]
        index = running.drawing.pages["index.html"].decode("utf-8")
        assert f"background:{dark.paper}" in index and "color:#ffb000" in index
        page = next(p for name, p in running.drawing.pages.items() if name != "index.html").decode("utf-8")
        assert dark.paper in page and "#ffb000" in page
    finally:
        running.close()


def _wait_for(check, tries: int = 150) -> bool:
    for _ in range(tries):
        if check():
            return True
        time.sleep(0.2)
    return False


def test_render_watch_draws_again_on_save(tmp_path: Path):
    import signal
    import subprocess
    import sys

    maps = tmp_path / "maps"
    shutil.copytree(FOLDER, maps)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "journeymap", "render", str(maps), "--format", "html", "--out", str(out), "--watch"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        page = out / "order.html"
        assert _wait_for(lambda: page.exists() and "Ordering groceries" in page.read_text())
        time.sleep(1)  # the watcher starts after the first drawing
        order = maps / "order.journey.yaml"
        order.write_text(order.read_text().replace("title: Ordering groceries", "title: Ordering food"))
        assert _wait_for(lambda: "Ordering food" in page.read_text())
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Watching for changes" in (process.stderr.read() if process.stderr else "")


def test_the_serve_command_prints_its_loopback_address_and_stops_on_ctrl_c(tmp_path: Path):
    import re
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "journeymap", "serve", str(FOLDER), "--port", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"Previewing 2 map\(s\) at (http://127\.0\.0\.1:\d+/)", line)
        assert found, line
        status, index = _get(found.group(1))
        assert status == 200 and "Ordering groceries" in index
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 130  # stopped by Ctrl-C, not killed after the 20 s wait
    assert "journeymap: interrupted" in (process.stderr.read() if process.stderr else "")


def test_a_map_whose_page_cannot_be_drawn_is_listed_with_the_reason(tmp_path: Path):
    (tmp_path / "m.journey.yaml").write_text(
        "journeymap: 1\ntitle: M\npersonas: [{id: p, name: P, photo: ../../secret.png}]\n"
    )
    running = Preview([str(tmp_path)], default_project(), port=0)
    running.serve_in_background()
    try:
        index = _get(running.url)[1]
        assert "outside the map&#x27;s folder" in index and 'href="./m.html"' not in index
    finally:
        running.close()


# --- who the preview answers, and how long it waits

def _raw(port: int, request: bytes, wait: float = 10) -> bytes:
    """Everything the server sends back for `request`, sent as it is, until the server closes."""
    with socket.create_connection((HOST, port), timeout=wait) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def _split(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _ask(port: int, path: str = "/", host: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    line = f"{method} {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "")
    return _split(_raw(port, (line + "Connection: close\r\n\r\n").encode("latin-1")))


def _own_hosts(port: int) -> list[str]:
    return [f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LocalHost:{port}"]


def test_the_servers_own_names_are_answered(preview: Preview):
    for host in _own_hosts(preview.port):
        status, headers, body = _ask(preview.port, "/order.html", host)
        assert status == 200, host
        assert "Ordering groceries" in body.decode("utf-8")
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["x-content-type-options"] == "nosniff"
        assert "Content-Security-Policy" in body.decode("utf-8")


def test_a_request_naming_another_host_is_refused_and_reads_no_map(preview: Preview):
    port = preview.port
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"localhost:{port + 1}", f"127.0.0.1:{port}.evil",
                 f"127.0.0.1.evil.example:{port}", "", None):
        for path in ("/", "/order.html", "/__version"):
            status, headers, body = _ask(port, path, host)
            assert status == 403, (host, path)
            text = body.decode("utf-8")
            assert "Ordering groceries" not in text and "Delivery" not in text and "answers only" in text
            assert headers["content-type"] == "text/plain; charset=utf-8"
            assert headers["x-content-type-options"] == "nosniff"


def test_two_host_headers_are_refused(preview: Preview):
    own = f"127.0.0.1:{preview.port}"
    response = _raw(preview.port, f"GET / HTTP/1.1\r\nHost: {own}\r\nHost: evil.example\r\n\r\n".encode())
    assert _split(response)[0] == 403


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40))
def test_no_other_host_is_answered(preview: Preview, host: str):
    assume(host.lower() not in {h.lower() for h in _own_hosts(preview.port)})
    status, _, body = _ask(preview.port, "/order.html", host)
    assert status in (400, 403) and b"Ordering groceries" not in body


def test_head_gives_the_headers_of_get_and_no_body(preview: Preview):
    host = f"127.0.0.1:{preview.port}"
    for path, kind in (("/", "text/html"), ("/order.html", "text/html"), ("/__version", "text/plain")):
        got_status, got, page = _ask(preview.port, path, host)
        status, headers, body = _ask(preview.port, path, host, method="HEAD")
        assert status == got_status == 200 and body == b""
        assert headers["content-length"] == got["content-length"] == str(len(page))
        assert headers["content-type"] == f"{kind}; charset=utf-8"
        assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    assert _ask(preview.port, "/", "evil.example", method="HEAD")[::2] == (403, b"")


@pytest.fixture
def hurried(tmp_path: Path):
    """A preview that gives each request 1 second and serves 4 connections at once, to test both quickly."""
    maps = tmp_path / "maps"
    shutil.copytree(FOLDER, maps)
    running = Preview([str(maps)], default_project(), port=0, timeout=1.0, connections=4)
    running.serve_in_background()
    yield running
    running.close()


def _closed_after(connection: socket.socket) -> tuple[float, bytes]:
    """Seconds until the server closed the connection, and what it sent before."""
    started, received = time.monotonic(), b""
    while chunk := connection.recv(65536):
        received += chunk
    return time.monotonic() - started, received


def test_a_half_sent_request_is_closed_after_the_timeout(hurried: Preview):
    with socket.create_connection((HOST, hurried.port), timeout=15) as connection:
        connection.sendall(f"GET /order.html HTTP/1.1\r\nHost: 127.0.0.1:{hurried.port}\r\n".encode())
        waited, received = _closed_after(connection)
    assert 0.5 < waited < 10 and b"Ordering" not in received


def test_a_request_sent_a_byte_at_a_time_is_cut_off_at_the_same_deadline(hurried: Preview):
    request = f"GET /order.html HTTP/1.1\r\nHost: 127.0.0.1:{hurried.port}\r\nX-Slow: {'a' * 100}\r\n\r\n".encode()
    started = time.monotonic()
    with socket.create_connection((HOST, hurried.port), timeout=15) as connection:
        try:
            for byte in request:  # 0.1 s a byte: 13 s in all, far past the 1 s deadline
                connection.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            pass  # closed under our feet: what we wanted
        _, received = _closed_after(connection)
    assert time.monotonic() - started < 10 and b"Ordering" not in received


def _refused(connection: socket.socket) -> bool:
    connection.settimeout(0.5)  # a connection that is held (under the cap) has nothing to say yet
    try:
        answer = connection.recv(65536)
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return answer.startswith(b"HTTP/1.0 503 ") or answer == b""


def test_a_flood_of_idle_connections_costs_no_thread_each_and_the_preview_answers_after(hurried: Preview):
    before = threading.active_count()
    idle = [socket.create_connection((HOST, hurried.port), timeout=15) for _ in range(40)]
    try:
        for connection in idle:
            connection.sendall(b"GET / HTTP/1.1\r\n")
        time.sleep(0.3)
        assert threading.active_count() <= before + 4  # the cap, not one thread a socket
        assert sum(_refused(c) for c in idle) >= 36  # over the cap: told 503 (or closed) at once, not held
        for _ in range(50):  # the idle ones time out within a second or so; then a real request is answered
            try:
                status = _ask(hurried.port, "/", f"127.0.0.1:{hurried.port}")[0]
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200
    finally:
        for connection in idle:
            connection.close()


def test_a_file_named_like_a_script_url_gets_a_relative_quoted_link(tmp_path: Path):
    (tmp_path / "javascript:alert(1).journey.yaml").write_text((FOLDER / "order.journey.yaml").read_text())
    running = Preview([str(tmp_path)], default_project(), port=0)
    running.serve_in_background()
    try:
        index = _get(running.url)[1]
        assert '<a href="./javascript%3Aalert%281%29.html">Ordering groceries</a>' in index
        assert 'href="javascript' not in index
        status, page = _get(running.url + "javascript%3Aalert%281%29.html")  # the link leads to the page
        assert status == 200 and "Ordering groceries" in page
    finally:
        running.close()


@given(st.text(min_size=1, max_size=30))
def test_a_page_link_is_relative_whatever_the_file_name(name: str):
    link = page_link(name + ".html")
    parts = urllib.parse.urlsplit(link)
    assert link.startswith("./") and parts.scheme == parts.netloc == "" and "?" not in link and "#" not in link
    assert "/" not in link[2:] and urllib.parse.unquote(link[2:]) == name + ".html"
