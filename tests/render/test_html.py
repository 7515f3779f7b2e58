"""The web page: self-contained, locked down by its Content-Security-Policy, and fine in a real browser."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from journeymap.render.csp import source_hash
from journeymap.render.html import PAGE_SCRIPT, html_page
from tests.conftest import run_cli
from tests.render.helpers import GROCERY, RENDER_FIXTURES, hostile_map, journey_of, squeezed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
URL_ATTRIBUTES = {"src", "href", "xlink:href", "action", "formaction", "data", "poster", "srcset", "background", "ping"}


class Page(HTMLParser):
    """Everything in a page that could make a browser load or run something."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.meta: dict[str, str] = {}
        self.text: list[str] = []
        self._in_style = self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in URL_ATTRIBUTES:
                self.urls.append(value or "")
            if name.startswith("on"):
                self.handlers.append(name)
            if name == "style":
                self.styles.append(value or "")
        if tag == "meta" and dict(attrs).get("http-equiv"):
            self.meta[str(dict(attrs)["http-equiv"])] = str(dict(attrs).get("content"))
        self._in_style = tag == "style"
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        elif self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def assert_self_contained(page: Page) -> None:
    assert not {"link", "iframe", "object", "embed", "base", "form"} & set(page.tags)
    # one script: journeymap's own (zoom to fit, arrow keys), word for word, allowed by its hash
    assert page.tags.count("script") == 1 and page.scripts == [PAGE_SCRIPT]
    assert source_hash(PAGE_SCRIPT) in page.meta["Content-Security-Policy"]
    assert all(url.startswith(("data:image/", "#")) for url in page.urls), page.urls
    assert page.handlers == []
    css = "".join(page.styles)
    assert "@import" not in css and "url(" not in css and "expression(" not in css


def test_page_loads_nothing_from_outside():
    text = html_page(journey_of(GROCERY), GROCERY.parent)
    page = Page(text)
    assert_self_contained(page)
    assert not re.search(r"(?i)\b(https?|ftp|file|javascript):", "".join(page.styles))


def test_content_security_policy_allows_only_the_page_own_stylesheet_and_script():
    text = html_page(journey_of(GROCERY), GROCERY.parent)
    page = Page(text)
    policy = page.meta["Content-Security-Policy"]
    style = re.search(r"<style>(.*?)</style>", text, re.DOTALL)
    assert style
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert policy == (
        f"default-src 'none'; style-src 'sha256-{digest}'; script-src {source_hash(PAGE_SCRIPT)}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    assert page.styles == [style.group(1)]  # one style element, no style attributes


def test_page_shows_the_whole_map_once_in_the_grid():
    journey = journey_of(GROCERY)
    text = html_page(journey, GROCERY.parent)
    grid = text[text.index('<div class="scroller">') : text.index('<div class="cards">')]
    visible = squeezed(" ".join(Page(grid).text))
    for item in [
        *(s.name for s in journey.stages),
        *(t.name for t in journey.touchpoints()),
        *(p.description for p in journey.pain_points()),
        *(o.description for o in journey.opportunities),
        "12 customer interviews, March 2026",  # evidence, in the touchpoint details
        "https://example.com/research/42",  # a source's link, shown as text only
    ]:
        assert squeezed(item) in visible, item
    assert grid.count("<details") == 12


def test_right_to_left_thoughts_and_quotes_are_marked_and_not_slanted():
    text = html_page(journey_of(RENDER_FIXTURES / "scripts.journey.yaml"), RENDER_FIXTURES)
    assert '<p class="thought" dir="rtl" lang="ar">لماذا هذا صعب؟</p>' in text
    assert '<p class="quote" dir="rtl" lang="he">אני רוצה להזמין מהר</p>' in text
    assert ".thought:lang(ar)" in text and "font-style: normal" in text
    assert '"Noto Sans", "Noto Sans CJK JP", "Noto Sans Arabic", "Noto Sans Hebrew", "DejaVu Sans"' in text


def test_overview_links_every_stage_and_shows_every_touchpoint_feeling():
    journey = journey_of(GROCERY)
    text = html_page(journey, GROCERY.parent)
    overview = text[text.index('<nav class="overview"') : text.index("</nav>", text.index('<nav class="overview"'))]
    links = re.findall(r'<a href="#(stage-\d+)">', overview)
    assert links == [f"stage-{i}" for i in range(1, len(journey.stages) + 1)]
    for anchor in links:  # each link lands on its stage's header, which takes keyboard focus
        assert f'id="{anchor}" tabindex="-1"' in text
    assert overview.count("<td class=") == len(list(journey.touchpoints()))
    for touchpoint in journey.touchpoints():
        assert f'<span class="sr-only"> {html.escape(touchpoint.name)}</span>' in overview
    assert ".grid thead th { position: sticky; top: 0;" in text  # stage headers stay in view


def test_persona_photo_is_inlined_as_a_data_url():
    path = RENDER_FIXTURES / "photo" / "with-photo.journey.yaml"
    page = Page(html_page(journey_of(path), path.parent))
    photo = (path.parent / "images" / "parent.png").read_bytes()
    pictures = [url for url in page.urls if not url.startswith("#")]  # the rest: the overview's stage links
    assert pictures == ["data:image/png;base64," + base64.b64encode(photo).decode()]


def test_hostile_text_is_escaped_and_nothing_external_appears(tmp_path):
    path = hostile_map(tmp_path, 9)
    run = run_cli("render", str(path), "-f", "html")
    assert run.exit_code == 0, run.stderr
    page = Page(run.stdout)
    assert_self_contained(page)
    text = " ".join(page.text)
    assert "<script>alert('touchpoint')</script>" in text
    assert "&lt;script&gt;alert(&#x27;touchpoint&#x27;)&lt;/script&gt;" in run.stdout
    assert '<a href="javascript:alert(1)">click</a>' in text
    assert "javascript:alert(document.cookie)" in text and 'href="javascript' not in run.stdout


def screenshot(page: Path, shot: Path, width: int, height: int, profile: Path) -> str:
    """Load the page in headless Chromium, save a screenshot, return what Chromium logged."""
    assert CHROMIUM
    done = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
            "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", f"--window-size={width},{height}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), done.stderr[-2000:]
    return done.stderr


def colours(shot: Path) -> int:
    from PIL import Image

    with Image.open(shot) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


@pytest.mark.chromium
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed here; `make test` installs Debian's chromium")
@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (390, 844)], ids=["laptop", "phone"])
@pytest.mark.parametrize("which", ["grocery", "hostile"])
def test_page_loads_in_chromium_without_console_errors(tmp_path, width, height, which):
    with_server = which == "hostile"
    from tests.render.helpers import recording_server

    with recording_server() as (port, requests):
        source = hostile_map(tmp_path, port) if with_server else GROCERY
        page = tmp_path / "page.html"
        run = run_cli("render", str(source), "-f", "html", "-o", str(page))
        assert run.exit_code == 0, run.stderr
        shot = tmp_path / "shot.png"
        log = screenshot(page, shot, width, height, tmp_path / "profile")
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == []  # a CSP violation, a blocked load or a script error would be logged here
    assert requests == []
    assert colours(shot) > 50  # a drawn page, not a blank one
