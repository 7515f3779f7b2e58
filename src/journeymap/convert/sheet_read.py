"""Spreadsheet files -> tables of cell text, read defensively.

Sheets arrive from strangers' pull requests, so a file is checked before it is
parsed: its size, what it really is (a web page or an old .xls saved under
.xlsx), and for a workbook the size its zip unpacks to, so a zip bomb is
refused before openpyxl inflates it. Tables are capped in rows and columns: a
journey grid is a header row and a dozen lanes, and an event log of 50,000
rows is no grid to guess at.

CSV text is decoded as Excel writes it: UTF-8 with or without a byte-order
mark, UTF-16 ("Unicode text"), or, when it is not UTF-8, Windows-1252 (£ ’ –),
with a note saying so. openpyxl is imported only here, when a workbook is read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from xml.etree import ElementTree

from journeymap.errors import JourneymapError
from journeymap.strings import short

MAX_ROWS = 1000  # a journey grid has a header and a few dozen rows at most
MAX_COLUMNS = 1000  # 200 stages, five columns each
MAX_UNPACKED = 50 * 1024 * 1024  # what a workbook's zip may unpack to; a journey grid's is under 1 MiB
MAX_RATIO = 200  # unpacked / packed: real workbooks stay under about 20
MAX_MEMBERS = 10_000


class NotAGrid(JourneymapError):
    """The file cannot be read as a spreadsheet grid (exit 2): not a spreadsheet, empty, too big."""


Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


@dataclass
class Table:
    """One sheet: rows of cell text ("" for empty), its merged cells, notes about how it was read."""

    name: str
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how spreadsheets name columns, for messages."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"


def _what_it_is(raw: bytes) -> str:
    """A word for what a file that is not the expected kind looks like, or ""."""
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head:
        return "a web page (HTML)"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "an Excel 97-2003 workbook (.xls); save it as .xlsx from Excel"
    if raw.startswith(b"PK\x03\x04"):
        return "a zip file (an .xlsx workbook?)"
    if raw.startswith(b"%PDF"):
        return "a PDF"
    if head.startswith(b"<?xml"):
        return "an XML file"
    return ""


# --- CSV ------------------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            raise NotAGrid(f"{name}: starts like UTF-16 text but is not; save it as CSV UTF-8") from None
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        at = exc.start
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise NotAGrid(f"{name}: neither UTF-8 nor Windows-1252 text (byte {at}); save it as CSV UTF-8") from None
    return text, [f"{name}: not UTF-8 (byte {at:,}); read as Windows-1252, the encoding Excel uses for CSV on "
                  "Windows: check £, ’ and – came through, or save it as CSV UTF-8"]


def _delimiter(text: str) -> str:
    """The separator Excel used: a comma, or a semicolon where the comma is the decimal mark,
    or a tab; whichever splits the first lines most consistently."""
    sample = text[:20_000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv(raw: bytes, name: str) -> Table:
    """The rows of a CSV file; NotAGrid when it is no text table."""
    kind = _what_it_is(raw)
    if kind.startswith("a zip"):
        raise NotAGrid(f"{name}: this is an Excel workbook, not CSV; use `journeymap import xlsx {name}`")
    if kind:
        raise NotAGrid(f"{name}: this is {kind}, not CSV; export the sheet as CSV (or .xlsx) and import that")
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAGrid(f"{name}: a binary file, not CSV text")
    text, notes = _decode(raw, name)
    delimiter = _delimiter(text)
    if delimiter != ",":
        shown = "semicolons" if delimiter == ";" else "tabs"
        notes.append(f"{name}: note: columns separated by {shown}")
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([_unguarded(cell) for cell in row[: MAX_COLUMNS + 1]])
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise NotAGrid(f"{name}: not readable as CSV ({short(exc, 80)}); save it again from the spreadsheet") from None
    _check_size(rows, name)
    return Table(name, rows, notes)


_GUARDED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _unguarded(cell: str) -> str:
    """A cell without the apostrophe that CSV exports (journeymap's among them) put before text a
    spreadsheet would run as a formula."""
    return cell[1:] if cell.startswith(_GUARDED) else cell


def _check_size(rows: list[list[str]], name: str) -> None:
    if len(rows) > MAX_ROWS:
        raise NotAGrid(f"{name}: more than {MAX_ROWS:,} rows: this looks like a table of records (an event "
                       "log?), not a journey grid of stages across and lanes down")
    if any(len(r) > MAX_COLUMNS and any(c.strip() for c in r[MAX_COLUMNS:]) for r in rows):
        raise NotAGrid(f"{name}: more than {MAX_COLUMNS} columns: not a journey grid")


# --- XLSX -----------------------------------------------------------------------------------------


def _check_zip(raw: bytes, name: str) -> None:
    kind = _what_it_is(raw)
    if not raw.startswith(b"PK"):
        what = kind or "not an Excel workbook"
        raise NotAGrid(f"{name}: {'this is ' + what if kind else what}; save the sheet from your spreadsheet "
                       "program as .xlsx (or CSV) and import that")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotAGrid(f"{name}: a damaged or incomplete .xlsx (not a readable zip); save it again") from None
    if len(members) > MAX_MEMBERS:
        raise NotAGrid(f"{name}: {len(members):,} files inside: not a workbook journeymap will open")
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise NotAGrid(f"{name}: unpacks to {unpacked:,} bytes from {len(raw):,} ({unpacked // packed:,}x): "
                       "refused as a zip bomb; a journey grid is far smaller")
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise NotAGrid(f"{name}: a zip file but not an Excel workbook (no xl/workbook.xml)")


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """Excel stores some characters in a cell as `_xHHHH_` (a carriage return as `_x000D_`, an
    underscore before such a sequence as `_x005F_`); openpyxl leaves them as they are."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def _text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        if "%" in number_format:
            return f"{value * 100:g}%"
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return unescape(str(value))


def read_xlsx(raw: bytes, name: str) -> list[Table]:
    """Every sheet of a workbook as a table of the values Excel last showed (cached results of
    formulas); a formula with no saved result is noted. NotAGrid for anything but a workbook."""
    _check_zip(raw, name)
    import openpyxl  # the only place journeymap reads workbooks  # noqa: PLC0415

    try:
        values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) on broken files
        raise NotAGrid(f"{name}: not a readable .xlsx workbook ({type(exc).__name__}: {short(exc, 80)}); save "
                       "it again from your spreadsheet program") from None
    tables = []
    merged = _merged_cells(raw)
    try:
        for sheet_name in values.sheetnames:
            table = _sheet(values[sheet_name], formulas[sheet_name], f"{name} [{sheet_name}]", sheet_name)
            table.merges = merged.get(sheet_name, [])
            tables.append(table)
    except NotAGrid:
        raise
    except Exception as exc:
        raise NotAGrid(f"{name}: not a readable .xlsx workbook ({type(exc).__name__}: {short(exc, 80)})") from None
    finally:
        values.close()
        formulas.close()
    return tables


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _merged_cells(raw: bytes) -> dict[str, list[Merge]]:
    """The merged ranges of each sheet, by sheet name. openpyxl's streaming reader, which keeps a
    large sheet from filling memory, does not report them, so they are read from the sheet's XML
    (a linear scan); a workbook laid out otherwise simply has none."""

    out: dict[str, list[Merge]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
            for sheet in book.iter(f"{_MAIN}sheet"):
                target = targets.get(sheet.get(_REL_ID), "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                if part not in archive.namelist():
                    continue
                out[sheet.get("name", "")] = [
                    (int(r1) - 1, _column_index(c1), int(r2) - 1, _column_index(c2))
                    for c1, r1, c2, r2 in _MERGE.findall(archive.read(part))]
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return {}
    return out


def _sheet(values: object, formulas: object, where: str, sheet_name: str) -> Table:
    rows: list[list[str]] = []
    notes: list[str] = []
    if not hasattr(values, "iter_rows") or not hasattr(formulas, "iter_rows"):
        return Table(sheet_name, rows, [f"{where}: a chart sheet, not cells"])
    cached = values.iter_rows(max_col=MAX_COLUMNS + 1)
    written = formulas.iter_rows(max_col=MAX_COLUMNS + 1)
    for row_index, (row, raw_row) in enumerate(zip(cached, written, strict=False)):
        if row_index >= MAX_ROWS:
            rows.append(["x"])  # one past the limit: _check_size names it
            break
        texts = []
        for column, (cell, raw_cell) in enumerate(zip(row, raw_row, strict=False)):
            value = getattr(cell, "value", None)
            texts.append(_text(value, getattr(cell, "number_format", "") or ""))
            typed = getattr(raw_cell, "value", None)
            if value is None and isinstance(typed, str) and typed.startswith("="):
                notes.append(f"{where} {cell_name(row_index, column)}: warning: holds a formula "
                             f"({short(typed, 40)}) with no saved result, read as empty; open the file in "
                             "your spreadsheet program and save it, so its results are stored")
        rows.append(texts)
    _check_size(rows, where)
    return Table(sheet_name, rows, notes)
