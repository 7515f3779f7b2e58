"""The site's heatmap page (portfolio.html): pain points and emotions by lifecycle phase across every map, and who
owns what; filterable by an inline script the policy allows by hash, printable."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from tests.conftest import FIXTURES, run_cli

from journeymap.render.csp import source_hash
from journeymap.site.heatmap import SCRIPT

MAPS = FIXTURES / "portfolio" / "site"
CHROMIUM = shutil.which("chromium")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    run = run_cli("site", str(MAPS), "--out", str(out))
    assert run.exit_code == 0, run.stderr
    return out


def _row(page: str, table: str, title_start: str) -> list[list[str]]:
    """The words of each phase cell of a map's row in one table."""
    section = page.split(f'<table class="grid {table}">')[1].split("</table>")[0]
    row = next(r for r in section.split("<tr") if title_start in r)
    return [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)][1:]


def test_the_heatmap_counts_open_and_addressed_pain_points_by_phase(site):
    page = (site / "portfolio.html").read_text()
    signup = _row(page, "heatmap", "Signing up")
    # awareness: vague-price addressed (its one opportunity is done); jargon still open (one of its two
    # opportunities is only planned); purchase: the critical card-fails has no opportunity
    assert signup[0] == ["1", "open", "1", "addressed"]
    assert signup[3] == ["1", "open", "0", "addressed"]
    support = _row(page, "heatmap", "Getting help")
    assert support[-1] == ["1", "open", "0", "addressed"]  # a stage without a phase
    # shading by the worst open severity; empty phases are marked as such
    assert 'class="h-low" data-worst="low" data-addressed="1"' in page
    assert 'class="h-critical" data-worst="critical"' in page
    assert "3 open pain points · 1 addressed" in page


def test_emotions_are_averaged_by_phase_and_across_maps(site):
    page = (site / "portfolio.html").read_text()
    assert _row(page, "emotions", "Signing up")[0] == ["0.0"]  # +1 and -1: no sign on zero
    assert _row(page, "emotions", "Signing up")[3] == ["\u22122.0"]  # a true minus, as on the poster
    assert _row(page, "emotions", "Getting help")[0] == ["+2.0"]
    assert _row(page, "emotions", "All maps")[0] == ["+1.0"]  # the mean of the maps' means


def test_owners_list_their_maps_and_opportunities(site):
    page = (site / "portfolio.html").read_text()
    owners = page.split('<table class="owners">')[1]
    assert re.search(r"<b>growth-team</b></td><td><a href=\"maps/signup.html\">Signing up &lt;script&gt;", owners)
    assert "<b>payments-team</b></td><td>—</td><td>1 planned</td>" in owners
    assert "<b>support-team</b>" in owners


def test_the_page_is_safe_filterable_and_printable(site):
    page = (site / "portfolio.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert policy and f"script-src {source_hash(SCRIPT)}" in policy.group(1)
    assert "default-src 'none'" in policy.group(1)
    assert "http://" not in page and "https://" not in page
    assert "@media print{" in page and ".tools,.back{display:none}" in page
    for control in ('id="owner"', 'id="severity"', 'id="open"', '<option value="growth-team">'):
        assert control in page
    index = (site / "index.html").read_text()
    assert '<a class="to-portfolio" href="portfolio.html">' in index


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    profile = tempfile.mkdtemp(prefix="journeymap-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.chromium
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it as root)")
def test_the_filter_script_runs_in_a_real_browser_without_errors(site, tmp_path):
    from PIL import Image

    proc = _chromium("--dump-dom", (site / "portfolio.html").as_uri())
    assert 'style="opacity: 1;"' in proc.stdout  # the script ran (the policy allowed it)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    shot = tmp_path / "portfolio.png"
    _chromium(f"--screenshot={shot}", "--window-size=1300,900", (site / "portfolio.html").as_uri())
    low, high = Image.open(shot).convert("L").getextrema()
    assert high - low > 100, "the page rendered blank"


def test_the_sites_lint_column_includes_cross_map_findings(tmp_path: Path):
    out = tmp_path / "site"
    run_cli("site", str(FIXTURES / "portfolio" / "folder"), "--out", str(out))
    delivery = (out / "maps" / "delivery.html").read_text()
    assert "JM505 unknown-journey" in delivery and "JM506 circular-journeys" in delivery
