"""Journey hierarchy on pages: links down to sub-journeys and up to the maps a map is part of, for
maps of the same batch or site only, with map text escaped."""

from __future__ import annotations

from pathlib import Path

from journeymap.render.hierarchy import hierarchy_html, hierarchy_of
from tests.conftest import FIXTURES, journey_from_text

FOLDER = FIXTURES / "portfolio" / "folder"


def test_a_batch_of_pages_links_down_and_up(cli, tmp_path: Path):
    run = cli("render", str(FOLDER), "--format", "html", "--out", str(tmp_path))
    assert run.exit_code == 0, run.stderr
    order = (tmp_path / "order.html").read_text()
    delivery = (tmp_path / "delivery.html").read_text()
    # order's stage Delivery is told in detail by the delivery map: a link down, and one back up
    assert 'Sub-journeys</span>Delivery → <a href="delivery.html">Getting the delivery</a>' in order
    assert 'Part of</span><a href="order.html">Ordering groceries</a> (stage Delivery)' in delivery
    # a touchpoint's link, under its details; a map not in the batch is named, not linked
    assert '<div class="sub-journey">Told in detail: <a href="order.html">Ordering groceries</a></div>' in delivery
    assert "Waits → returns (not among these maps)" in delivery


def test_one_page_alone_links_nowhere(cli, tmp_path: Path):
    out = tmp_path / "order.html"
    run = cli("render", str(FOLDER / "order.journey.yaml"), "--format", "html", "--out", str(out))
    assert run.exit_code == 0
    assert 'class="hierarchy"' not in out.read_text()


def test_the_site_links_map_pages_the_same_way(cli, tmp_path: Path):
    run = cli("site", str(FOLDER), "--out", str(tmp_path / "site"))
    assert run.exit_code == 0, run.stderr
    delivery = (tmp_path / "site" / "maps" / "delivery.html").read_text()
    assert 'Part of</span><a href="order.html">Ordering groceries</a>' in delivery


def test_titles_and_names_are_escaped():
    parent = journey_from_text(
        "journeymap: 1\nid: top\ntitle: '<script>x</script>'\nstages:\n"
        "  - {id: s, name: '<b>S</b>', journey: child}\n"
    )
    child = journey_from_text("journeymap: 1\nid: child\ntitle: '\"quoted\" & <i>'\n")
    tree = hierarchy_of([(parent, "top.html"), (child, "a page.html")])
    down = hierarchy_html(parent, tree, "top.html").top
    up = hierarchy_html(child, tree, "a page.html").top
    assert "<b>" not in down and "&lt;b&gt;S&lt;/b&gt;" in down
    assert 'href="a%20page.html"' in down and "&quot;quoted&quot; &amp; &lt;i&gt;" in down
    assert "<script>" not in up and "&lt;script&gt;" in up
