"""The web page and the site pass an automated accessibility audit (axe-core, in headless Chromium)
with no serious or critical violation.

axe-core and playwright-core come from npm, installed once into a cache folder outside the
repository (`$JOURNEYMAP_TEST_CACHE`, default `~/.cache/journeymap-tests`); Playwright drives
Debian's Chromium and downloads no browser of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_cli
from tests.render.helpers import GROCERY, RENDER_FIXTURES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NPM = shutil.which("npm")
HERE = Path(__file__).resolve().parent

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed here; `make test` installs it"),
    pytest.mark.skipif(NPM is None, reason="npm is not installed here; `make test` installs it"),
]


@pytest.fixture(scope="module")
def node_modules() -> Path:
    cache = Path(os.environ.get("JOURNEYMAP_TEST_CACHE", Path.home() / ".cache" / "journeymap-tests")) / "node"
    modules = cache / "node_modules"
    if not (modules / "axe-core" / "axe.min.js").exists() or not (modules / "playwright-core").exists():
        cache.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
        subprocess.run(
            [str(NPM), "install", "--no-audit", "--no-fund", "--silent", "axe-core@4", "playwright-core@1"],
            cwd=cache, env=env, check=True, timeout=600,
        )
    return modules


def audit(modules: Path, pages: list[Path]) -> dict[str, list[dict[str, object]]]:
    env = {**os.environ, "NODE_PATH": str(modules), "CHROMIUM": str(CHROMIUM)}
    done = subprocess.run(
        ["node", str(HERE / "axe_audit.js"), str(modules / "axe-core" / "axe.min.js"), *(p.as_uri() for p in pages)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def serious(results: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    return {
        url: [v for v in found if v["impact"] in ("serious", "critical")]
        for url, found in results.items()
        if any(v["impact"] in ("serious", "critical") for v in found)
    }


def test_pages_and_site_have_no_serious_accessibility_violation(node_modules, tmp_path):
    pages = []
    for source in (GROCERY, RENDER_FIXTURES / "scripts.journey.yaml", EXAMPLES / "passport-renewal.journey.yaml"):
        page = tmp_path / f"{source.name}.html"
        run = run_cli("render", str(source), "-f", "html", "-o", str(page))
        assert run.exit_code == 0, run.stderr
        pages.append(page)
    dark = tmp_path / "dark.html"
    assert run_cli("render", str(GROCERY), "-f", "html", "--theme", "dark", "-o", str(dark)).exit_code == 0
    pages.append(dark)
    site = tmp_path / "site"
    run = run_cli("site", str(EXAMPLES), "--out", str(site))
    assert run.exit_code == 0, run.stderr
    pages += [site / "index.html", *sorted((site / "maps").glob("*.html"))[:1]]
    results = audit(node_modules, pages)
    assert set(results) == {p.as_uri() for p in pages}  # every page was audited
    assert serious(results) == {}, json.dumps(serious(results), indent=1)


def test_the_audit_does_see_a_serious_violation(node_modules, tmp_path):
    # an image without alt text and grey-on-white text: the audit must flag them, or it proves nothing
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#bbb">faint</p></main></body></html>',
        encoding="utf-8",
    )
    found = serious(audit(node_modules, [page]))
    ids = {v["id"] for v in found.get(page.as_uri(), [])}
    assert {"image-alt", "color-contrast"} <= ids
