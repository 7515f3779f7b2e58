"""Spreadsheets for the import tests, made the way spreadsheet programs write them.

openpyxl writes merged cells and formulas but no formula results, and stores a
carriage return as itself; Excel stores a formula's last result beside it and a
carriage return inside a cell as `_x000D_`. `patched` edits the saved XML to
match, so the tests read what teams' files really hold.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def workbook(path: Path, sheets: dict[str, dict[str, Any]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with the given cells ({"Sheet": {"A1": value}}) and merged ranges."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, cells in sheets.items():
        sheet = book.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
        for merged in (merges or {}).get(name, []):
            sheet.merge_cells(merged)
    book.save(path)
    return path


def patched(path: Path, edit: Callable[[str], str]) -> Path:
    """Rewrite every worksheet's XML with `edit`."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data)
    return path


def cache_results(path: Path, results: dict[str, str | int]) -> Path:
    """Store a result beside each formula, as a spreadsheet program does when it saves."""

    def edit(xml: str) -> str:
        for ref, value in results.items():
            kind = "" if isinstance(value, int) else ' t="str"'
            xml = re.sub(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>', rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v>',
                         xml)
        return xml

    return patched(path, edit)


def excel_line_ends(path: Path) -> Path:
    """Store line breaks inside cells as Excel does: a carriage return as `_x000D_`, then a new line."""
    return patched(path, lambda xml: xml.replace("\n", "_x000D_\n"))


TEAM_SHEET = {
    "A1": "Customer journey – Online grocery (v3, Q2 workshop)",
    "A2": "Persona: busy parent. Owner: CX team",
    # row 3 blank; the grid starts at B4, column A blank, each stage two columns wide and merged
    "B4": "Phase",
    "C4": "1. Discover", "E4": "2. Order", "G4": "3. Delivery",
    "B5": "Doing",
    "C5": "• Sees an ad on Instagram\n• Asks a friend", "E5": "- Builds a basket\n- Pays",
    "F5": "Books a delivery slot", "G5": "Waits at home", "H5": "Unpacks the bags",
    "B6": "Emotions",
    "C6": "😀", "E6": "🙂\n😡", "F6": "meh", "G6": "=AVERAGE(-1,-1)", "H6": "happy",
    "B7": "Thoughts",
    "C7": "Is delivery free?", "E7": "Why so many fees?", "G7": "Will it come on time?",
    "B8": "Pain points & frustrations",
    "E8": "- Delivery fee shown late (high)\n- Card declined", "G8": "Slot missed, no message",
    "B9": "Ideas",
    "E9": "Show the fee on the product page", "G9": "Text when the van is 30 minutes away",
    "B10": "KPIs",
    "C10": "Ad CTR (target: 2%, now: 1.4%)", "E10": "Checkout conversion",
    "B11": "Channels",
    "C11": "Instagram", "E11": "Mobile app", "G11": "Courier",
    # a blank row, then a legend a team keeps under the grid
    "B13": "Budget",
    "C13": "£200 – £400",
}
TEAM_MERGES = ["C4:D4", "E4:F4", "G4:H4"]


def team_workbook(path: Path) -> Path:
    """A journey grid the way teams make them: a title above, merged two-column stage headers,
    emoji, words and a formula for feelings, bullets, a row journeymap does not know, a second
    sheet of notes in front of it, line breaks stored as Excel stores them."""
    workbook(path, {"Read me": {"A1": "How to fill in this template", "A2": "One row a lane"},
                    "Journey": TEAM_SHEET}, {"Journey": TEAM_MERGES})
    cache_results(path, {"G6": -1})
    return excel_line_ends(path)
