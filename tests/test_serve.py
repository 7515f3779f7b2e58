"""The live preview: pages served on 127.0.0.1 over real HTTP, drawn again when a map is saved,
with the reload script allowed by its hash and nothing served but the drawn pages."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from journeymap.config import default_project
from journeymap.render.csp import source_hash
from journeymap.serve import HOST, RELOAD_SCRIPT, Preview
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
    assert '<a href="order.html">Ordering groceries</a>' in index
    status, page = _get(preview.url + "order.html")
    assert status == 200 and "Ordering groceries" in page
    assert 'data-version="1"' in page
    assert f"script-src {source_hash(RELOAD_SCRIPT)}" in page and "connect-src 'self'" in page
    assert f"<script>{RELOAD_SCRIPT}</script>" in page
    assert 'Part of</span><a href="delivery.html">' in page  # the hierarchy links work here too
    assert _get(preview.url + "__version") == (200, "1")


def test_nothing_but_drawn_pages_is_served(preview: Preview):
    for path in ("../../etc/passwd", "maps/order.journey.yaml", "order.journey.yaml", "%2e%2e/x", "nope.html"):
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
    assert process.returncode in (0, 130)


def test_a_map_whose_page_cannot_be_drawn_is_listed_with_the_reason(tmp_path: Path):
    (tmp_path / "m.journey.yaml").write_text(
        "journeymap: 1\ntitle: M\npersonas: [{id: p, name: P, photo: ../../secret.png}]\n"
    )
    running = Preview([str(tmp_path)], default_project(), port=0)
    running.serve_in_background()
    try:
        index = _get(running.url)[1]
        assert "outside the map&#x27;s folder" in index and 'href="m.html"' not in index
    finally:
        running.close()
