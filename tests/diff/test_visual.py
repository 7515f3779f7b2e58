"""The visual diff (`--format svg|html`): the new map, drawn by the renderers, with the changes marked."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from journeymap.diff.compare import compare_files
from journeymap.diff.records import Entity, MapDiff
from journeymap.diff.visual import ADDED, CHANGED, REMOVED, diff_html, diff_svg, overlay
from journeymap.render.html import PAGE_SCRIPT
from tests.conftest import needs_dot, run_cli
from tests.diff.helpers import DIFF_FIXTURES, PINNED_LINT

BASE = DIFF_FIXTURES / "online-shop_base.journey.yaml"
REVISION = DIFF_FIXTURES / "online-shop_revision.journey.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def shop_diff(new_text: str | None = None) -> MapDiff:
    new = new_text.encode() if new_text is not None else REVISION.read_bytes()
    report = compare_files(("shop.journey.yaml", BASE.read_bytes()), ("shop.journey.yaml", new), PINNED_LINT)
    return report.maps[0]


def test_the_overlay_puts_removed_things_back_where_they_stood_and_marks_everything_once():
    old, new = shop_diff().journeys
    marked = overlay(old, new)
    delivery = next(s for s in marked.journey.stages if s.id == "delivery")
    assert [t.id for t in delivery.touchpoints] == ["tracks-parcel", "receives-parcel", "unboxes"]
    ghost = delivery.touchpoints[1]
    assert ghost.emotion is None  # the emotion curve shows the new journey only
    assert marked.marks == {
        (Entity.STAGE, "checkout"): CHANGED,
        (Entity.TOUCHPOINT, "creates-account"): CHANGED,
        (Entity.TOUCHPOINT, "receives-parcel"): REMOVED,
        (Entity.TOUCHPOINT, "tracks-parcel"): CHANGED,
        (Entity.TOUCHPOINT, "gets-care-email"): CHANGED,
        (Entity.PAIN_POINT, "wallet-fails-android"): ADDED,
        (Entity.PAIN_POINT, "wide-window"): CHANGED,
        (Entity.PAIN_POINT, "forced-account"): CHANGED,
        (Entity.OPPORTUNITY, "guest-checkout"): CHANGED,
        (Entity.OPPORTUNITY, "two-hour-window"): CHANGED,
        (Entity.OPPORTUNITY, "referral-on-receipt"): CHANGED,
    }
    assert marked.label(Entity.TOUCHPOINT, "tracks-parcel") == "changed: emotion −1 → −2"
    assert marked.label(Entity.TOUCHPOINT, "receives-parcel") == "removed: was 0"
    assert marked.label(Entity.TOUCHPOINT, "gets-care-email") == "changed: moved here"
    assert marked.label(Entity.PAIN_POINT, "forced-account") == "changed: resolved"


def test_an_added_map_is_all_new_and_a_deleted_one_all_ghosted():
    _, new = shop_diff().journeys
    assert new is not None
    added = overlay(None, new)
    assert set(added.marks.values()) == {ADDED}
    assert (Entity.TOUCHPOINT, "unboxes") in added.marks
    deleted = overlay(new, None)
    assert set(deleted.marks.values()) == {REMOVED}
    assert [s.id for s in deleted.journey.stages] == [s.id for s in new.stages]


def _node_groups(svg: bytes) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if g.get("class") in ("node", "cluster")]


def _group_with(groups: list[ET.Element], text: str) -> ET.Element:
    for group in groups:
        if text in " ".join(t for e in group.iter(f"{SVG}text") for t in e.itertext()):
            return group
    raise AssertionError(f"no node or cluster shows {text!r}")


def _text(group: ET.Element) -> str:
    return " ".join(t for e in group.iter(f"{SVG}text") for t in e.itertext())


def _strokes(group: ET.Element) -> set[str]:
    return {e.get("stroke", "") for e in group.iter() if e.get("stroke")}


@needs_dot
def test_svg_marks_each_change_on_the_node_it_is_about():
    groups = _node_groups(diff_svg(shop_diff(), "main", "guest-checkout"))
    removed = _group_with(groups, "Receives the parcel from the")
    assert "removed: was 0" in _text(removed)
    assert any(e.get("stroke-dasharray") for e in removed.iter())
    changed = _group_with(groups, "Follows the parcel by email")
    assert "changed: emotion −1 → −2" in _text(changed)
    assert "#8250df" in _strokes(changed)
    added = _group_with(groups, "The phone wallet payment")
    assert "added" in _text(added).split()
    assert "#1a7f37" in _strokes(added)
    untouched = _group_with(groups, "Sees a styled kitchen in")
    assert not {"#8250df", "#1a7f37"} & _strokes(untouched)
    assert "changed" not in _text(untouched) and "added" not in _text(untouched)


@needs_dot
def test_a_marked_diagram_dot_cannot_lay_out_is_drawn_simpler_with_its_marks(tmp_path, monkeypatch):
    from tests.render.test_limits import dot_that_only_lays_out_the_simple_graph

    monkeypatch.setenv("PATH", dot_that_only_lays_out_the_simple_graph(tmp_path))
    groups = _node_groups(diff_svg(shop_diff(), "main", "guest-checkout", timeout=1))
    assert "changed: emotion −1 → −2" in _text(_group_with(groups, "Follows the parcel by email"))
    assert "#1a7f37" in _strokes(_group_with(groups, "The phone wallet payment"))


@needs_dot
def test_svg_has_a_legend_under_the_title():
    root = ET.fromstring(diff_svg(shop_diff(), "main", "guest-checkout"))
    words = " ".join(t for e in root.iter(f"{SVG}text") for t in e.itertext())
    assert "Changes from main to guest-checkout:" in words
    assert "removed (ghosted)" in words


@needs_dot
def test_hostile_names_stay_text_in_the_svg():
    hostile = REVISION.read_text(encoding="utf-8").replace(
        "name: Follows the parcel by email updates", 'name: "</TD></TR></TABLE>> ]; x [label=<<img src=/etc/passwd>"'
    )
    svg = diff_svg(shop_diff(hostile), "<main>", "x&y")
    root = ET.fromstring(svg)  # well-formed
    assert not [e for e in root.iter() if e.tag.endswith("image")]
    drawn = "".join("".join(t for e in root.iter(f"{SVG}text") for t in e.itertext()).split())
    assert "</TD></TR></TABLE>>];x[label=<<imgsrc=/etc/passwd>" in drawn  # shown, wrapped, as text
    assert "Changesfrom<main>tox&y:" in drawn


def test_html_keeps_its_content_security_policy_true_to_its_stylesheet():
    page = diff_html(shop_diff(), "main", "guest-checkout", "1 map: 1 changed")
    css = re.search(r"<style>(.*?)</style>", page, re.S)
    assert css is not None and ".jm-mark" in css.group(1)
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode("utf-8")).digest()).decode("ascii")
    assert f"style-src 'sha256-{digest}'" in page
    assert page.count("<style>") == 1


def test_html_marks_touchpoints_with_badges_and_the_rest_with_prefixes():
    page = diff_html(shop_diff(), "main", "guest-checkout", "1 map: 1 changed")
    # once in the grid, once in the phone layout's cards
    assert page.count('<p class="jm-mark jm-removed">removed: was 0</p>') == 2
    assert page.count('<p class="jm-mark jm-changed">changed: emotion −1 → −2</p>') == 2
    assert "NEW · The phone wallet payment fails on older Android phones" in page
    assert "CHANGED · Offer guest checkout" in page
    assert "CHANGED · Checkout" in page
    assert '<p class="jm-legend"><b>Changes from main to guest-checkout:</b> 1 map: 1 changed' in page


def test_persona_photos_are_left_out_so_maps_from_git_draw_too():
    with_photo = REVISION.read_text(encoding="utf-8").replace(
        "  - id: gift-buyer\n", "  - id: gift-buyer\n    photo: ../../../../etc/passwd\n"
    )
    diff = shop_diff(with_photo)
    page = diff_html(diff, "main", "pr", "changed")
    assert "passwd" not in page
    assert overlay(*diff.journeys).journey.personas[1].photo == ""


def test_html_escapes_labels_and_map_text():
    hostile = REVISION.read_text(encoding="utf-8").replace(
        "name: Follows the parcel by email updates", 'name: "<script>alert(1)</script>"'
    )
    page = diff_html(shop_diff(hostile), "<b>main</b>", "pr", "<i>x</i>")
    assert "<script>" not in page.replace(f"<script>{PAGE_SCRIPT}</script>", "")  # only journeymap's own
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Changes from &lt;b&gt;main&lt;/b&gt; to pr:</b> &lt;i&gt;x&lt;/i&gt;" in page


# --- from the command line ----------------------------------------------------------------


@needs_dot
def test_svg_to_standard_output_for_one_map():
    run = run_cli("diff", str(BASE), str(REVISION), "--format", "svg")
    assert run.exit_code == 0
    root = ET.fromstring(run.stdout)
    assert root.tag == f"{SVG}svg"


def test_html_into_a_folder_for_several_maps(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    for folder, source in ((old, BASE), (new, REVISION)):
        (folder / "shop.journey.yaml").write_bytes(source.read_bytes())
        (folder / "copy.journey.yaml").write_bytes(source.read_bytes().replace(b"homeware-first-purchase",
                                                                              b"homeware-copy"))
    (old / "same.journey.yaml").write_bytes(BASE.read_bytes().replace(b"homeware-first-purchase", b"same"))
    (new / "same.journey.yaml").write_bytes(BASE.read_bytes().replace(b"homeware-first-purchase", b"same"))
    run = run_cli("diff", str(old), str(new), "--format", "html")
    assert run.exit_code == 2
    assert "2 maps changed; name a folder for their pictures with --out DIR" in run.stderr
    out = tmp_path / "pictures"
    run = run_cli("diff", str(old), str(new), "--format", "html", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["copy.diff.html", "shop.diff.html"]
    assert "Drew 2 changed maps into" in run.stderr
    assert "jm-mark" in (out / "shop.diff.html").read_text(encoding="utf-8")


def test_html_to_a_file_and_never_over_an_input(tmp_path: Path):
    target = tmp_path / "review.html"
    run = run_cli("diff", str(BASE), str(REVISION), "--format", "html", "--out", str(target))
    assert run.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    copy = tmp_path / "new.journey.yaml"
    copy.write_bytes(REVISION.read_bytes())
    run = run_cli("diff", str(BASE), str(copy), "--format", "html", "--out", str(copy))
    assert run.exit_code == 2
    assert "would write over an input map" in run.stderr
    assert copy.read_bytes() == REVISION.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "text", "--out", "x.txt"], "--out is for --format svg or html"),
        (["--format", "svg", "--git-external"], "the git diff driver prints text, markdown or json, not pictures"),
    ],
)
def test_picture_usage_problems(args, message):
    run = run_cli("diff", *args, str(BASE), str(REVISION))
    assert run.exit_code == 2
    assert message in run.stderr


def test_nothing_to_draw_says_so(tmp_path: Path):
    run = run_cli("diff", str(BASE), str(BASE), "--format", "html")
    assert run.exit_code == 0
    assert run.stdout == ""
    assert run.stderr == "Nothing to draw. No changes: 1 map compared.\n"
