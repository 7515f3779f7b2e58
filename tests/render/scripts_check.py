"""Reading a poster back to see that its glyphs are drawn: fonts used, and boxes where a glyph is missing."""

from __future__ import annotations

import io
import subprocess

import pypdf
from PIL import Image

DPI = 150


def embedded_font_names(pdf: bytes) -> set[str]:
    """Names of the fonts a PDF embeds, without the subset prefix (`ABCDEF+`), e.g. 'Noto-Sans-Arabic'."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for key in fonts:
            font = fonts[key].get_object()
            names.add(str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def missing_glyph_boxes(pdf: bytes) -> list[tuple[int, int, int, int]]:
    """Hollow rectangles (the .notdef glyph fonts draw for a character they lack) in the line of the
    first page's largest text (the poster's title), rasterised at 150 dpi: (left, right, top, bottom)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    lines: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            lines.append((abs(size * cm[3]), cm[5] + tm[5] * cm[3]))

    page.extract_text(visitor_text=visit)
    size, baseline = max(lines)
    k = DPI / 72
    top = int((float(page.mediabox.height) - baseline - size * 1.1) * k)
    command = ["pdftoppm", "-r", str(DPI), "-gray", "-f", "1", "-l", "1", "-y", str(top),
               "-H", str(int(size * 1.5 * k)), "-W", str(int(float(page.mediabox.width) * k * 0.5)),
               "-png", "-singlefile", "-"]
    png = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    ink = [[pixels[x, y] < 140 for y in range(height)] for x in range(width)]
    return [box for box in _glyph_boxes(ink, width, height) if _hollow(ink, box, min_height=size * k * 0.5)]


def _glyph_boxes(ink: list[list[bool]], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Boxes around each run of columns holding ink (a glyph, or glyphs that touch)."""
    boxes, start = [], None
    for x in range(width + 1):
        inked = x < width and any(ink[x])
        if inked and start is None:
            start = x
        elif not inked and start is not None:
            rows = [y for y in range(height) if any(ink[c][y] for c in range(start, x))]
            boxes.append((start, x, rows[0], rows[-1] + 1))
            start = None
    return boxes


def _hollow(ink: list[list[bool]], box: tuple[int, int, int, int], min_height: float) -> bool:
    left, right, top, bottom = box
    wide, tall = right - left, bottom - top
    if wide < 4 or tall < min_height:
        return False

    def share(cells: list[bool]) -> float:
        return sum(cells) / len(cells)

    edges = [
        share([ink[left][y] or ink[left + 1][y] for y in range(top, bottom)]),
        share([ink[right - 1][y] or ink[right - 2][y] for y in range(top, bottom)]),
        share([ink[x][top] or ink[x][top + 1] for x in range(left, right)]),
        share([ink[x][bottom - 1] or ink[x][bottom - 2] for x in range(left, right)]),
    ]
    middle = range(top + tall // 4, bottom - tall // 4)
    inside = [ink[x][y] for x in range(left + wide // 4, right - wide // 4) for y in middle]
    return min(edges) > 0.85 and bool(inside) and share(inside) < 0.1
