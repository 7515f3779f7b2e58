"""A map whose text attacks every output language, rendered in every format: its text shows up as
text, nothing is fetched, no file is read, and every output still parses."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdf
import pytest

from journeymap.batch import output_name
from journeymap.io.sources import Target
from journeymap.render import FORMATS
from journeymap.render.html import PAGE_SCRIPT
from tests.conftest import have, run_cli
from tests.render.helpers import (
    SVG_NS,
    hostile_map,
    parse_mermaid_journey,
    pdf_text,
    recording_server,
    squeezed,
    svg_text,
)

# hostile input through every renderer: the full `make test`, not the fast lane
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not have("dot"), reason="Graphviz (dot) is not installed; `make test` installs it"),
]
ATTACKS = [
    "<script>alert('title')</script>",
    "<img src=file:///etc/passwd>",
    "@import url(http://127.0.0.1:",
    '"]; evil [label="x',
    "javascript:alert(1)",
    '<x>]; injected [image="/etc/hostname"]; n9 [label=<y>',
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[dict[str, bytes], list[str], int]:
    """Every format of the hostile map, and the requests the local server saw meanwhile."""
    folder = tmp_path_factory.mktemp("hostile")
    outputs = {}
    with recording_server() as (port, requests):
        path = hostile_map(folder, port)
        for fmt in FORMATS:
            out = folder / output_name(Target(str(path)), fmt)
            run = run_cli("render", str(path), "--format", fmt, "--out", str(out))
            assert run.exit_code == 0, (fmt, run.stderr)
            outputs[fmt] = out.read_bytes()
    return outputs, list(requests), port


def test_nothing_was_fetched(rendered):
    _, requests, _ = rendered
    assert requests == []


def test_svg_parses_and_shows_the_attacks_as_text(rendered):
    outputs, _, port = rendered
    root = ET.fromstring(outputs["svg"])
    for forbidden in ("script", "image", "a", "foreignObject", "use"):
        assert not list(root.iter(f"{SVG_NS}{forbidden}")), forbidden
    for element in root.iter():
        assert not any(v.strip().lower().startswith("javascript:") for v in element.attrib.values())
    text = squeezed(svg_text(outputs["svg"]))
    for attack in ATTACKS:
        assert squeezed(attack.replace("127.0.0.1:", f"127.0.0.1:{port}")) in text, attack


def test_diagram_png_and_pdf_are_drawn(rendered):
    outputs, _, _ = rendered
    assert outputs["png"].startswith(b"\x89PNG\r\n\x1a\n")
    text = squeezed(pdf_text(outputs["pdf"]))
    assert squeezed("<script>alert('title')</script>") in text


def test_poster_prints_the_attacks_as_text_and_embeds_no_file(rendered):
    outputs, _, port = rendered
    reader = pypdf.PdfReader(io.BytesIO(outputs["poster"]))
    assert dict(reader.attachments) == {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert "/URI" not in str(annotation.get_object().get("/A", {}))
    text = pdf_text(outputs["poster"])
    assert "root:x:0:0" not in text
    for attack in ATTACKS:
        assert squeezed(attack.replace("127.0.0.1:", f"127.0.0.1:{port}")) in squeezed(text), attack


def test_page_escapes_the_attacks(rendered):
    outputs, _, _ = rendered
    html = outputs["html"].decode()
    # the one script is journeymap's own, word for word; no map text becomes a script
    assert html.count("<script") == 1 and f"<script>{PAGE_SCRIPT}</script>" in html
    assert "<script" not in html.replace(f"<script>{PAGE_SCRIPT}</script>", "").lower().replace("&lt;script", "")
    assert "&lt;img src=file:///etc/passwd&gt;" in html
    assert "&quot;]; evil [label=&quot;x" in html


def test_dot_source_keeps_the_attacks_inside_labels(rendered):
    outputs, _, _ = rendered
    source = outputs["dot"].decode()
    assert '"]; evil' not in source and "injected [image" not in source


def test_mermaid_reads_back_the_attacks_unchanged(rendered):
    outputs, _, _ = rendered
    diagram = parse_mermaid_journey(outputs["mermaid"].decode())
    assert diagram["title"] == "<script>alert('title')</script> & \"quotes\" \\N \\G"
    first = diagram["sections"][0]["tasks"][0]
    assert first["name"] == "<script>alert('touchpoint')</script>"
    assert first["actors"] == ['Mallory"]; evil [label="x']




@pytest.mark.parametrize("photo", ["../../etc/passwd", "http://127.0.0.1:PORT/face.png"])
def test_hostile_photo_is_refused_by_poster_and_page_and_unused_elsewhere(tmp_path, photo):
    with recording_server() as (port, requests):
        path = hostile_map(tmp_path, port)
        named = photo.replace("PORT", str(port))
        text = path.read_text(encoding="utf-8").replace(
            "    name: \"Trent, the #1 admin; really: yes\"",
            f"    name: \"Trent, the #1 admin; really: yes\"\n    photo: \"{named}\"",
        )
        path.write_text(text, encoding="utf-8")
        codes = {}
        for fmt in FORMATS:
            out = tmp_path / output_name(Target(str(path)), fmt)
            run = run_cli("render", str(path), "--format", fmt, "--out", str(out))
            codes[fmt] = run.exit_code
            if run.exit_code:
                assert f"persona 'trent': photo '{named}'" in run.stderr
                assert not out.exists()
    assert codes == {"svg": 0, "png": 0, "pdf": 0, "dot": 0, "poster": 1, "html": 1, "mermaid": 0}
    assert requests == []
    ET.fromstring((tmp_path / "hostile.svg").read_bytes())
    assert "root:x:0:0" not in (tmp_path / "hostile.svg").read_text()
