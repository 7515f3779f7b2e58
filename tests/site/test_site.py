"""`journeymap site`: a catalog a whole organisation can browse, from file:// with no server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, FIXTURES, run_cli

SITE_MAPS = FIXTURES / "site"
CHROMIUM = shutil.which("chromium")


@pytest.fixture
def site(tmp_path) -> Path:
    out = tmp_path / "site"
    run = run_cli("site", str(SITE_MAPS), "--out", str(out))
    assert run.exit_code == 1, run.stderr  # one map is broken
    assert "broken map listed on the index" in run.stderr and "broken.journey.yaml:3:1" in run.stderr
    return out


def test_index_lists_every_map_with_its_health(site):
    index = (site / "index.html").read_text()
    assert "3 maps · 1 open pain point · 1 broken" in index
    checkout = re.search(r'<tr class="has-open".*?</tr>', index, re.S).group(0)
    assert 'href="maps/checkout.html"' in checkout
    assert "cx-team" in checkout and "2026-10-01" in checkout
    assert '<span class="sev high">1 high</span>' in checkout
    assert '<span class="chip on">onboarding</span>' in checkout and '<span class="chip">retention</span>' in checkout
    returns = re.search(r'<tr class="[^"]*" data-text="returns and refunds.*?</tr>', index, re.S).group(0)
    assert '<span class="none">none</span>' in returns  # its pain point's opportunity is done
    broken = re.search(r'<tr class="broken".*?</tr>', index, re.S).group(0)
    assert "Broken map" in broken and "YAML syntax error" in broken and "1 error" in broken


def test_pages_link_related_maps_and_list_findings(site):
    checkout = (site / "maps" / "checkout.html").read_text()
    returns = (site / "maps" / "returns.html").read_text()
    assert 'href="../index.html"' in checkout
    assert '<a href="returns.html">Returns and refunds</a>' in checkout
    assert '<a href="checkout.html">Checkout &lt;b&gt;&amp;&lt;/b&gt; payment</a> (links here)' in returns
    assert "JM106 missing-phase" in checkout
    assert (site / "maps" / "broken.html").exists()


def test_map_text_is_escaped_everywhere(site):
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert "<b>&</b>" not in text, page.name
    assert "Checkout &lt;b&gt;&amp;&lt;/b&gt; payment" in (site / "index.html").read_text()


def test_nothing_external(site):
    for page in site.rglob("*.html"):
        text = page.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")  # a namespace, not a request
        assert not re.search(r"(src|href)=\"(https?:)?//", text), page.name
        assert "http://" not in text and "https://" not in text, page.name
        assert "default-src 'none'" in text


def test_valid_folder_exits_0_and_never_writes_into_it(tmp_path):
    maps = tmp_path / "maps"
    shutil.copytree(EXAMPLES, maps)
    run = run_cli("site", str(maps), "--out", str(tmp_path / "site"))
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in maps.iterdir()) == sorted(p.name for p in EXAMPLES.iterdir())
    same = run_cli("site", str(maps), "--out", str(maps))
    assert same.exit_code == 2 and "folder of its own" in same.stderr
    missing = run_cli("site", str(tmp_path / "nope"), "--out", str(tmp_path / "x"))
    assert missing.exit_code == 2 and "not a folder" in missing.stderr


def test_a_file_that_cannot_be_read_is_a_broken_row_never_clean(tmp_path):
    maps = tmp_path / "maps"
    shutil.copytree(EXAMPLES, maps)
    os.mkfifo(maps / "pipe.journey.yaml")
    run = run_cli("site", str(maps), "--out", str(tmp_path / "site"))
    assert run.exit_code == 2  # as validate says of a file it cannot read
    assert (f"journeymap: broken map listed on the index: {maps / 'pipe.journey.yaml'}: not a regular file"
            in run.stderr)
    index = (tmp_path / "site" / "index.html").read_text()
    [row] = re.findall(r'<tr class="broken".*?</tr>', index)
    assert "pipe.journey.yaml" in row and "not a regular file" in row
    assert '<td class="lint"><span class="none">not read</span></td>' in row
    assert "clean" not in row
    assert len(re.findall(r"<tr class=\"(?!broken)", index)) == 3  # the readable maps are all listed


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    profile = tempfile.mkdtemp(prefix="journeymap-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.chromium
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it as root)")
def test_search_filters_rows_in_a_real_browser_without_console_errors(site):
    url = (site / "index.html").as_uri() + "#q=returns"
    proc = _chromium("--dump-dom", url)
    rows = re.findall(r"<tr class=[^>]*>", proc.stdout)
    assert len(rows) == 3
    visible = [r for r in rows if 'hidden=""' not in r]
    assert len(visible) == 1 and "returns and refunds" in visible[0]
    assert 'id="shown">1<' in proc.stdout
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console


@pytest.mark.chromium
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it as root)")
def test_index_screenshot_is_not_blank(site, tmp_path):
    from PIL import Image

    shot = tmp_path / "index.png"
    _chromium(f"--screenshot={shot}", "--window-size=1300,700", (site / "index.html").as_uri())
    image = Image.open(shot).convert("L")
    low, high = image.getextrema()
    assert high - low > 100, "the page rendered blank"


def test_a_pain_point_stays_open_until_every_opportunity_for_it_is_done(tmp_path):
    """The one rule (model.is_resolved), as the diff applies it: one done opportunity among
    several is not enough."""
    maps = tmp_path / "maps"
    maps.mkdir()
    text = (SITE_MAPS / "returns.journey.yaml").read_text()
    also = ("  - id: refund-faster\n    description: Refund within a day\n    addresses: [surprise-fee]\n"
            "    owner: finance\n    status: planned\n")
    (maps / "returns.journey.yaml").write_text(text.rstrip("\n") + "\n" + also)
    run = run_cli("site", str(maps), "--out", str(tmp_path / "site"))
    assert run.exit_code == 0, run.stderr
    index = (tmp_path / "site" / "index.html").read_text()
    assert "1 map · 1 open pain point" in index
    assert '<tr class="has-open"' in index


def test_site_shows_paths_relative_to_the_maps_never_the_machines_folders(tmp_path):
    out = tmp_path / "site"
    run = run_cli("site", str(EXAMPLES.resolve()), "--out", str(out))
    assert run.exit_code == 0, run.stderr
    index = (out / "index.html").read_text()
    assert str(EXAMPLES.resolve()) not in index
    assert '<span class="file">online-shop.journey.yaml</span>' in index
    page = next((out / "maps").glob("*.html")).read_text()
    assert str(EXAMPLES.resolve()) not in page
    assert page.index("← All journey maps") < page.index('<main class="page"')  # the way back, at the top
