"""The PDF poster: paper size, what it says, how wide maps are paged, photos, and what it may read."""

from __future__ import annotations

import io
import os

import pypdf
import pytest

from journeymap.render import RenderError
from journeymap.render.grid import Grid
from journeymap.render.poster import plan_poster, poster_pdf
from tests.conftest import run_cli
from tests.render.helpers import (
    GROCERY,
    RENDER_FIXTURES,
    journey_of,
    pdf_text,
    recording_server,
    squeezed,
    write_generated_map,
)

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

MM = 72 / 25.4
PHOTO_MAP = RENDER_FIXTURES / "photo" / "with-photo.journey.yaml"


@pytest.fixture(scope="module")
def grocery_poster(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("poster") / "grocery.poster.pdf"
    run = run_cli("render", str(GROCERY), "--format", "poster", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    assert run.stderr == f"Wrote {out}\n"
    return out.read_bytes()


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [(round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM)) for p in reader.pages]


def test_default_poster_is_a3_landscape_on_the_pages_the_plan_took(grocery_poster):
    pages = len(plan_poster(Grid(journey_of(GROCERY)), "A3").pages)
    assert page_sizes_mm(grocery_poster) == [(420, 297)] * pages


def test_poster_text_holds_every_stage_pain_point_and_opportunity(grocery_poster):
    journey = journey_of(GROCERY)
    text = squeezed(pdf_text(grocery_poster))
    expected = [
        journey.title,
        *(s.name for s in journey.stages),
        *(s.goal for s in journey.stages),
        *(t.name for t in journey.touchpoints()),
        *(p.description for p in journey.pain_points()),
        *(o.description for o in journey.opportunities),
        *(o.owner for o in journey.opportunities),
        *(p.name for p in journey.personas),
        *(k.name for s in journey.stages for k in s.kpis),
    ]
    missing = [item for item in expected if squeezed(item) not in text]
    assert missing == []
    for lane in ("TOUCHPOINTS", "CHANNEL", "THINKING", "FEELING", "PAINPOINTS", "OPPORTUNITIES", "KPIS",
                 "BACKSTAGE", "SUPPORT"):
        assert lane in text
    pages = len(plan_poster(Grid(journey_of(GROCERY)), "A3").pages)
    assert "CRITICAL" in text and "INPROGRESS" in text and f"Page1of{pages}" in text


def descriptor(font: pypdf.generic.DictionaryObject) -> pypdf.generic.DictionaryObject:
    if "/FontDescriptor" not in font:  # a composite (Type0) font keeps it in its descendant
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def test_poster_fonts_are_embedded(grocery_poster):
    reader = pypdf.PdfReader(io.BytesIO(grocery_poster))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [descriptor(fonts[name].get_object()) for name in fonts]
    assert descriptors and all("/FontFile2" in d or "/FontFile3" in d or "/FontFile" in d for d in descriptors)
    assert any("DejaVu" in str(d["/FontName"]) for d in descriptors)


def test_poster_is_a_tagged_pdf_with_its_language_and_title(grocery_poster):
    reader = pypdf.PdfReader(io.BytesIO(grocery_poster))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root  # PDF/UA-1: screen readers follow the structure, not the drawing
    assert reader.metadata.title == journey_of(GROCERY).title
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712


@pytest.mark.parametrize(
    ("args", "size"),
    [(["--page", "A4", "--portrait"], (210, 297)), (["--page", "letter"], (279, 216)), (["--page", "a0"], (1189, 841))],
)
def test_page_size_and_orientation_follow_the_options(tmp_path, args, size):
    out = tmp_path / "p.pdf"
    run = run_cli("render", str(GROCERY), "-f", "poster", "-o", str(out), *args)
    assert run.exit_code == 0, run.stderr
    assert set(page_sizes_mm(out.read_bytes())) == {size}


def test_wide_map_is_split_at_stage_boundaries_with_lanes_repeated(tmp_path):
    path = write_generated_map(tmp_path, stages=8, per_stage=5)
    plan = plan_poster(Grid(journey_of(path)), "A3")
    assert len(plan.pages) > 1
    assert all(first % 5 == 0 for first, _ in plan.pages)  # every page starts with a stage
    pdf = poster_pdf(journey_of(path), tmp_path, page="A3")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(plan.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = squeezed(page.extract_text())
        assert "TOUCHPOINTS" in text and "PAINPOINTS" in text and "OPPORTUNITIES" in text
        if number > 1:
            assert f"Part{number}of{len(plan.pages)}" in text
    # an A0 sheet sets the type twice as large, and still holds more columns a page than A3
    a0 = plan_poster(Grid(journey_of(path)), "A0")
    assert a0.type.body == 2 * plan.type.body
    assert len(a0.pages) <= len(plan.pages)


def test_every_page_of_a_full_map_fills_its_sheet_with_its_lanes(tmp_path):
    """Lane heights are set on each row's label cell alone (the cells share their styles across
    pages): the rows still take them, so on every page the last lane ends near the sheet's foot."""
    path = write_generated_map(tmp_path, stages=8, per_stage=5)
    plan = plan_poster(Grid(journey_of(path)), "A3")
    reader = pypdf.PdfReader(io.BytesIO(poster_pdf(journey_of(path), tmp_path, page="A3")))
    assert len(reader.pages) == len(plan.pages) > 1
    for page in reader.pages:
        # the height of the sheet down to the label of its last lane (KPIs), as a share of the sheet
        found: list[float] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object, height: float = float(page.mediabox.height),
                  found: list[float] = found) -> None:
            if text.strip() == "KPIS":
                found.append(1 - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5]) / height)

        page.extract_text(visitor_text=visit)
        assert len(found) == 1 and found[0] > 0.8, found


def test_a_stage_wider_than_a_page_continues_on_the_next(tmp_path):
    path = write_generated_map(tmp_path, stages=1, per_stage=30)
    plan = plan_poster(Grid(journey_of(path)), "A4")
    assert len(plan.pages) > 1
    text = pdf_text(poster_pdf(journey_of(path), tmp_path, page="A4"))
    assert "continued" in text


def test_long_text_is_cut_with_a_mark_and_kept_whole_in_the_text_layer(tmp_path, write_map):
    essay = " ".join(f"The courier could not find entrance {n} at night" for n in range(90))
    others = "".join(f"      - {{id: u{n}, name: U{n}}}\n" for n in range(7))
    path = write_map(
        "journeymap: 1\ntitle: Long text\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
        f"      - id: t\n        name: T\n        pain_points:\n          - {{id: p, description: {essay}}}\n"
        + others
    )
    plan = plan_poster(Grid(journey_of(path)), "A4")
    assert [key for key, (mark, _) in plan.cut.items() if mark == "cut"] == [("pains", 0)]  # never its neighbours
    assert plan.type.body == 7.5  # the sheet's type size: the long text did not shrink it
    pdf = poster_pdf(journey_of(path), path.parent, page="A4")
    assert page_sizes_mm(pdf) == [(297, 210)]
    text = squeezed(pdf_text(pdf))
    assert squeezed(essay) in text  # clipped on paper, whole in the text layer (search, copy)
    assert text.count("…more") == 1  # the visible mark
    shown = visible_text(pdf)
    assert "…more" in shown and squeezed(essay) not in shown  # whole lines shown, then the mark


def text_sizes(pdf: bytes) -> dict[str, set[float]]:
    """The sizes (pt) each piece of text is drawn at, by its text."""
    sizes: dict[str, set[float]] = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:

        def visit(text, cm, tm, font, size):
            if text.strip():
                sizes.setdefault(text.strip(), set()).add(round(abs(size * cm[3] * tm[3]), 1))

        page.extract_text(visitor_text=visit)
    return sizes


def test_type_scale_sets_every_touchpoint_name_alike_and_nothing_below_7_pt(tmp_path):
    path = write_generated_map(tmp_path, stages=8, per_stage=5)
    journey = journey_of(path)
    sizes = text_sizes(poster_pdf(journey, tmp_path, page="A3"))
    assert min(min(found) for found in sizes.values()) >= 7.0
    names = {size for t in journey.touchpoints() for text, found in sizes.items() if text == t.name for size in found}
    assert names == {9.5}  # the touchpoint role on A3, however long the name
    stage_names = {size for s in journey.stages for size in sizes.get(s.name, set())}
    assert stage_names == {11.5}


def ink_extent(pdf: bytes) -> list[tuple[float, float]]:
    """For each page: how far down (above the footer) and how far right there is ink, as shares."""
    import subprocess

    from PIL import Image

    shares = []
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for number in range(1, pages + 1):
        png = subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", str(number), "-l", str(number), "-png",
                              "-singlefile", "-"], input=pdf, capture_output=True, check=True).stdout
        image = Image.open(io.BytesIO(png)).convert("L")
        width, height = image.size
        body = image.crop((0, 0, width, int(height * 0.94))).point(lambda v: 255 if v < 235 else 0)
        _, _, right, bottom = body.getbbox() or (0, 0, 0, 0)
        shares.append((bottom / height, right / width))
    return shares


def test_every_page_fills_the_sheet(tmp_path):
    path = write_generated_map(tmp_path, stages=7, per_stage=4)  # pages of unequal length
    pdf = poster_pdf(journey_of(path), tmp_path, page="A3")
    extents = ink_extent(pdf)
    assert len(extents) >= 2
    for down, right in extents:
        assert down > 0.8 and right > 0.95, extents  # before: a blank third (0.62) on the last page


def test_persona_photo_from_the_map_folder_is_printed():
    pdf = poster_pdf(journey_of(PHOTO_MAP), PHOTO_MAP.parent)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages[0].images) == 1
    assert "Parent renewing for a child" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("photo", "says"),
    [
        ("../../../../etc/passwd", "is outside the map's folder"),
        ("/etc/passwd", "is an absolute path"),
        ("file:///etc/passwd", "is a web address"),
        ("http://127.0.0.1:PORT/face.png", "is a web address"),
        ("//127.0.0.1:PORT/face.png", "is a web address"),
        ("missing.png", "does not exist"),
        ("notes.txt", "is not a PNG, JPEG, GIF or WebP picture"),
        ("link.png", "is outside the map's folder"),
    ],
)
@pytest.mark.parametrize("fmt", ["poster", "html"])
def test_refused_persona_photos_fail_the_map_and_fetch_nothing(tmp_path, photo, says, fmt):
    (tmp_path / "notes.txt").write_text("not a picture", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-secret.png"
    outside.write_bytes((PHOTO_MAP.parent / "images" / "parent.png").read_bytes())
    os.symlink(outside, tmp_path / "link.png")
    with recording_server() as (port, requests):
        named = photo.replace("PORT", str(port))
        path = tmp_path / "m.journey.yaml"
        path.write_text(
            f'journeymap: 1\ntitle: T\npersonas:\n  - {{id: ann, name: Ann, photo: "{named}"}}\n', encoding="utf-8"
        )
        out = tmp_path / "out.pdf"
        run = run_cli("render", str(path), "-f", fmt, "-o", str(out))
    assert run.exit_code == 1
    column = path.read_text().splitlines()[3].index('"') + 1  # the photo's value, where the user fixes it
    assert f"journeymap: error: {path}:4:{column}: persona 'ann': photo '{named}' {says}" in run.stderr
    assert requests == [] and not out.exists()


def test_the_fetcher_refuses_everything_but_files_in_the_folder(tmp_path):
    from journeymap.render.fetch import FolderFetcher

    inside = tmp_path / "face.png"
    inside.write_bytes((PHOTO_MAP.parent / "images" / "parent.png").read_bytes())
    fetcher = FolderFetcher(tmp_path)
    assert fetcher.fetch(inside.as_uri()).read() == inside.read_bytes()
    with recording_server() as (port, requests):
        for url in (f"http://127.0.0.1:{port}/x.css", "file:///etc/passwd", f"{tmp_path.as_uri()}/../x",
                    "ftp://127.0.0.1/x", f"https://127.0.0.1:{port}/y"):
            with pytest.raises(ValueError, match="journeymap does not fetch"):
                fetcher.fetch(url)
    assert requests == []
    assert len(fetcher.blocked) == 5


def test_a_blocked_fetch_inside_svg_still_fails_the_poster(tmp_path, monkeypatch):
    """WeasyPrint swallows fetch errors inside SVG; the poster checks what the fetcher refused."""
    from journeymap.render import poster

    with recording_server() as (port, requests):
        sneaky = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:{port}/x.png"/></svg>'
        real_html = poster.poster_html
        monkeypatch.setattr(
            poster, "poster_html", lambda *a, **k: real_html(*a, **k).replace("</body>", sneaky + "</body>")
        )
        with pytest.raises(RenderError, match="not a file inside the map's folder; nothing was fetched") as caught:
            poster_pdf(journey_of(GROCERY), GROCERY.parent)
    assert caught.value.exit_code == 1
    assert requests == []


def test_unknown_page_size_is_a_usage_error():
    run = run_cli("render", str(GROCERY), "-f", "poster", "-o", "x.pdf", "--page", "B5")
    assert run.exit_code == 2
    assert "Invalid value for '--page'" in run.stderr


def test_over_long_words_get_invisible_break_points_in_text_only():
    from journeymap.render.poster import breakable

    word = "x" * 120
    body = f'<p title="{word}">{word} short words stay &amp; so do entities</p><td>{"&amp;" * 120}</td>'
    out = breakable(body)
    assert out.startswith(f'<p title="{word}">')  # attributes are never touched
    assert f">{'x' * 50}\u200b{'x' * 50}\u200b{'x' * 20} short words stay &amp; so do entities<" in out
    assert f"<td>{'&amp;' * 50}\u200b{'&amp;' * 50}\u200b{'&amp;' * 20}</td>" in out  # an entity is never split
    ordinary = "<p>A web address like https://example.com/checkout/basket?step=2 stays whole</p>"
    assert breakable(ordinary) == ordinary


def test_a_poster_of_ten_thousand_character_words_keeps_every_character(tmp_path):
    word = "ab" * 5_000
    path = tmp_path / "long.journey.yaml"
    path.write_text(
        "journeymap: 1\ntitle: Long\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
        f"      - id: t\n        name: T\n        description: {word}\n"
    )
    text = pdf_text(poster_pdf(journey_of(path), tmp_path, page="A3"))
    # the cell is cut (marked "… more"); its invisible copy holds the whole word in the text layer
    assert "".join(text.split()).replace("\u200b", "").count(word) >= 1
    assert "… more" in text


def visible_text(pdf: bytes) -> str:
    """The text a reader sees: without the 1 px invisible copy of cut cells."""
    pieces: list[str] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:

        def visit(text, cm, tm, font, size):
            if abs(size * cm[3] * tm[3]) > 2:
                pieces.append(text)

        page.extract_text(visitor_text=visit)
    return squeezed("".join(pieces))


SHEETS = ["A4", "A3", "A2", "A1", "A0"]


def test_type_grows_with_the_sheet_and_a0_body_is_twice_a3s():
    grid = Grid(journey_of(GROCERY))
    bodies = [plan_poster(grid, sheet).type.body for sheet in SHEETS]
    assert bodies == sorted(bodies) and len(set(bodies)) == len(bodies)
    assert bodies[-1] == 2 * bodies[1]
    assert plan_poster(grid, "letter").type == plan_poster(grid, "A4").type
    assert plan_poster(grid, "tabloid").type == plan_poster(grid, "A3").type


@pytest.mark.parametrize(("sheet", "name_pt"), [("A3", 9.5), ("A0", 19.0)])
def test_touchpoint_names_are_printed_at_the_sheets_size(tmp_path, sheet, name_pt):
    path = write_generated_map(tmp_path, stages=2, per_stage=3)
    journey = journey_of(path)
    sizes = text_sizes(poster_pdf(journey, tmp_path, page=sheet))
    names = {size for t in journey.touchpoints() for size in sizes.get(t.name, set()) if size > 2}
    assert names == {name_pt}


def test_empty_lanes_are_left_out_and_named_in_the_legend(tmp_path, write_map):
    path = write_map(
        "journeymap: 1\ntitle: First draft\nstages:\n"
        "  - id: a\n    name: Arrive\n    touchpoints:\n      - {id: t1, name: Opens the door, emotion: 1}\n"
        "      - {id: t2, name: Reads the sign, emotion: -1}\n"
        "  - id: b\n    name: Leave\n    touchpoints:\n      - {id: t3, name: Waves goodbye}\n"
    )
    grid = Grid(journey_of(path), leave_out_empty=True)
    assert [lane.key for lane in grid.lanes] == ["touchpoints", "emotion"]
    text = squeezed(pdf_text(poster_pdf(journey_of(path), path.parent)))
    for title in ("CHANNEL", "THINKING", "KPIS", "nochannel"):
        assert title not in text
    assert text.count("PAINPOINTS") == 1  # the legend's count, no lane
    assert "NOTONTHISMAPYET" in text
    assert "Channel,Thinking,Painpoints,Opportunities,KPIs:nothingrecorded" in text


def test_five_short_personas_all_show_and_short_names_never_hyphenate(tmp_path, write_map):
    names = ["Unauthenticated Users", "Magasin", "Grandmother", "Uncle", "Partner"]
    personas = "".join(f"  - {{id: p{n}, name: {name}}}\n" for n, name in enumerate(names))
    path = write_map(
        f"journeymap: 1\ntitle: Personas\npersonas:\n{personas}stages:\n"
        "  - id: a\n    name: A\n    touchpoints:\n      - {id: t1, name: Looks}\n"
    )
    text = pdf_text(poster_pdf(journey_of(path), path.parent))
    assert "more persona" not in text
    for name in names:
        assert name in text  # whole, on one line: no hyphen in a short word
    assert "Ma-" not in text and "Grand-" not in text


def test_long_touchpoint_names_never_hide_their_actions(tmp_path, write_map):
    long_name = "Compares delivery options across three competing supermarket websites late at night again"
    touchpoints = "".join(
        f"      - {{id: t{n}, name: {long_name} {n}, actions: [Opens tab {n}, Reads the fine print {n}]}}\n"
        for n in range(10)
    )
    path = write_map(f"journeymap: 1\ntitle: Names\nstages:\n  - id: s\n    name: S\n    touchpoints:\n{touchpoints}")
    pdf = poster_pdf(journey_of(path), path.parent, page="A3")
    shown = visible_text(pdf)
    for n in range(10):
        assert squeezed(f"Opens tab {n}") in shown and squeezed(f"Reads the fine print {n}") in shown
        assert squeezed(f"{long_name} {n}") not in shown  # held to three lines, ending in "…"
    assert squeezed(f"{long_name} 9") in squeezed(pdf_text(pdf))  # whole in the text layer
