"""A brand logo (`logo:` under the configuration's `theme:`): an SVG or PNG of the repository,
embedded as a data: URL on the poster, the page and the site; refused, with one line saying what
to do, when it is outside the repository, a web address, or an SVG that could run or fetch."""

from __future__ import annotations

import base64
import subprocess

import pytest

from journeymap.render.logo import logo_url
from tests.conftest import run_cli
from tests.render.helpers import GROCERY

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
       b'<rect width="120" height="40" fill="#7a1fa2"/></svg>')
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/rE8nWQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def repo(tmp_path):
    """A repository with a map, a configuration naming a logo, and the logo."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "brand").mkdir()
    (root / "brand" / "logo.svg").write_bytes(SVG)
    (root / "maps").mkdir()
    (root / "maps" / "g.journey.yaml").write_bytes(GROCERY.read_bytes())
    return root


def configure(root, logo: str) -> None:
    (root / ".journeymap.yaml").write_text(f'theme: {{base: light, stage: "#7a1fa2", logo: "{logo}"}}\n',
                                           encoding="utf-8")


def test_the_logo_is_embedded_in_the_page_and_the_site(repo):
    configure(repo, "brand/logo.svg")
    url = "data:image/svg+xml;base64," + base64.b64encode(SVG).decode()
    page = repo / "out.html"
    run = run_cli("render", str(repo / "maps" / "g.journey.yaml"), "-f", "html", "-o", str(page))
    assert run.exit_code == 0, run.stderr
    assert f'<img class="logo" src="{url}" alt="Logo">' in page.read_text()
    site = repo / "site"
    run = run_cli("site", str(repo / "maps"), "--out", str(site))
    assert run.exit_code == 0, run.stderr
    for name in ("index.html", "portfolio.html"):
        text = (site / name).read_text()
        assert f'src="{url}"' in text and "img-src data:" in text, name


def test_a_png_logo_reaches_the_poster(repo, tmp_path):
    (repo / "brand" / "logo.png").write_bytes(PNG)
    configure(repo, "brand/logo.png")
    poster = repo / "poster.pdf"
    run = run_cli("render", str(repo / "maps" / "g.journey.yaml"), "-f", "poster", "-o", str(poster))
    assert run.exit_code == 0, run.stderr
    images = subprocess.run(["pdfimages", "-list", str(poster)], capture_output=True, text=True, check=True).stdout
    assert any(line.split()[3:5] == ["1", "1"] for line in images.splitlines()[2:])  # the 1×1 logo is drawn


@pytest.mark.parametrize(
    ("logo", "says"),
    [
        ("../outside.svg", "is outside the repository"),
        ("/etc/hostname", "is an absolute path"),
        ("https://example.com/logo.svg", "is a web address; journeymap never fetches"),
        ("brand/missing.svg", "does not exist"),
        ("maps/g.journey.yaml", "is not an SVG or PNG picture"),
    ],
)
def test_a_logo_that_cannot_be_used_stops_with_one_line_and_exit_2(repo, logo, says):
    (repo.parent / "outside.svg").write_bytes(SVG)
    configure(repo, logo)
    run = run_cli("render", str(repo / "maps" / "g.journey.yaml"), "-f", "html", "-o", str(repo / "x.html"))
    assert run.exit_code == 2
    assert says in run.stderr and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert not (repo / "x.html").exists()


def test_a_symlink_out_of_the_repository_is_refused(repo):
    (repo.parent / "outside.svg").write_bytes(SVG)
    (repo / "brand" / "link.svg").symlink_to(repo.parent / "outside.svg")
    with pytest.raises(Exception, match="is outside the repository"):
        logo_url("brand/link.svg", str(repo))


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="https://example.com/x.png"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://example.com/x)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    ],
)
def test_an_svg_that_could_run_or_fetch_is_refused(repo, svg):
    (repo / "brand" / "bad.svg").write_bytes(svg)
    with pytest.raises(Exception, match="holds a script or refers to another file or address"):
        logo_url("brand/bad.svg", str(repo))


def test_an_svg_with_references_inside_itself_is_kept(repo):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
           b'<rect fill="url(#g)" width="9" height="9"/><use href="#g"/></svg>')
    (repo / "brand" / "inside.svg").write_bytes(svg)
    assert logo_url("brand/inside.svg", str(repo)).startswith("data:image/svg+xml;base64,")
