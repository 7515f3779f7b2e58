"""Files that are no journey grid: one clear line, exit 2, nothing written, never a traceback."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import run_cli
from tests.ecosystem.sheets import workbook


def refused(path: Path, kind: str, *args: str) -> str:
    out = path.parent / "out.journey.yaml"
    run = run_cli("import", kind, str(path), "--out", str(out), *args)
    assert run.exit_code == 2, run.stderr
    assert not out.exists() and not run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("journeymap: error: "), run.stderr
    assert "Traceback" not in run.stderr
    return lines[0]


def test_an_empty_sheet(tmp_path):
    path = workbook(tmp_path / "empty.xlsx", {"Sheet1": {}})
    assert "the sheet is empty" in refused(path, "xlsx")


def test_an_empty_csv(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    assert "empty" in refused(tmp_path / "empty.csv", "csv")


def test_a_web_page_named_xlsx(tmp_path):
    path = tmp_path / "journey.xlsx"
    path.write_text("<!DOCTYPE html><html><body>Sign in to see this file</body></html>", encoding="utf-8")
    line = refused(path, "xlsx")
    assert "a web page (HTML)" in line and ".xlsx" in line


def test_an_old_xls_and_a_damaged_zip(tmp_path):
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    assert "97-2003" in refused(old, "xlsx")
    good = workbook(tmp_path / "good.xlsx", {"S": {"A1": "Stage", "B1": "Pay", "A2": "Touchpoints", "B2": "Pays"}})
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:900])
    assert "damaged" in refused(cut, "xlsx")


def test_a_zip_that_is_no_workbook(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert "not an Excel workbook" in refused(path, "xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = workbook(tmp_path / "bomb.xlsx", {"S": {"A1": "Stage", "B1": "Pay", "A2": "Touchpoints", "B2": "Pays"}})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet9.xml", " " * (60 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    start = time.perf_counter()
    assert "zip bomb" in refused(path, "xlsx")
    assert time.perf_counter() - start < 5


@pytest.mark.slow
def test_an_event_log_of_50_000_rows_is_no_grid(tmp_path):
    path = tmp_path / "events.csv"
    lines = ["user_id,event,channel,timestamp"] + [
        f"u{i % 900},{('viewed', 'added_to_basket', 'paid')[i % 3]},web,2026-03-{1 + i % 28:02d}T10:00:00"
        for i in range(50_000)]
    path.write_text("\n".join(lines), encoding="utf-8")
    start = time.perf_counter()
    assert "table of records" in refused(path, "csv")
    assert time.perf_counter() - start < 5


def test_an_event_log_workbook_is_no_grid(tmp_path):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("events")
    sheet.append(["user_id", "event", "touchpoint", "timestamp"])
    for i in range(1200):
        sheet.append([f"u{i}", "viewed", "basket", "2026-03-01"])
    path = tmp_path / "events.xlsx"
    book.save(path)
    assert "table of records" in refused(path, "xlsx")


def test_a_table_with_no_lanes(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    assert "no lanes found" in refused(path, "csv")


def test_a_transposed_grid_says_to_transpose_it(tmp_path):
    path = tmp_path / "sideways.csv"
    path.write_text("Stage,Touchpoints,Feelings,Pain points\nDiscover,Sees ad,1,Too loud\n", encoding="utf-8")
    assert "transpose" in refused(path, "csv")


def test_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("Stage,Pay\nTouchpoints,Pays\n" + "Notes," + "x" * 5000 + "\n", encoding="utf-8")
    line = refused(path, "csv", "--max-bytes", "1000")
    assert "1,000-byte limit" in line and "--max-bytes" in line


def test_a_workbook_given_to_the_csv_import(tmp_path):
    path = workbook(tmp_path / "j.csv", {"S": {"A1": "Stage"}})
    assert "import xlsx" in refused(path, "csv")


def test_binary_noise(tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(256)) * 8)
    refused(path, "csv")


def test_missing_file_and_a_folder(tmp_path):
    refused(tmp_path / "nope.xlsx", "xlsx")
    (tmp_path / "dir.csv").mkdir()
    refused(tmp_path / "dir.csv", "csv")


def test_a_huge_csv_field(tmp_path):
    path = tmp_path / "field.csv"
    path.write_bytes(b'Stage,"' + b"x" * 300_000 + b'"\n')
    refused(path, "csv")


def test_debug_shows_the_traceback(tmp_path):
    path = tmp_path / "page.xlsx"
    path.write_bytes(b"<html></html>")
    from journeymap.convert.sheet_read import NotAGrid

    with pytest.raises(NotAGrid, match="web page"):
        run_cli("import", "xlsx", str(path), "--debug")


def test_export_of_nothing_valid(tmp_path):
    broken = tmp_path / "b.journey.yaml"
    broken.write_text("journeymap: 1\nstages: []\n", encoding="utf-8")
    out = tmp_path / "b.xlsx"
    run = run_cli("export", str(broken), "--format", "xlsx", "--out", str(out))
    assert run.exit_code == 1 and "skipped" in run.stderr and not out.exists()


def test_in_memory_bytes_are_all_that_is_read(tmp_path):
    # a workbook whose sheet XML declares an external entity: nothing outside is read, it is no grid or a plain one
    path = workbook(tmp_path / "x.xlsx", {"S": {"A1": "Stage", "B1": "Pay", "A2": "Touchpoints", "B2": "Pays"}})
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY s SYSTEM "file://{secret}">]>'
                        + text.replace("<t>Pays</t>", "<t>&s;</t>"))
                content = text.encode()
            target.writestr(info.filename, content)
    path.write_bytes(data.getvalue())
    out = tmp_path / "x.journey.yaml"
    run = run_cli("import", "xlsx", str(path), "--out", str(out))
    assert "Traceback" not in run.stderr and "TOPSECRET" not in run.stdout + run.stderr
    assert not out.exists() or "TOPSECRET" not in out.read_text(encoding="utf-8")


def test_the_import_never_writes_over_its_input(tmp_path):
    path = tmp_path / "j.csv"
    path.write_text("Stage,Pay\nTouchpoints,Pays\n", encoding="utf-8")
    run = run_cli("import", "csv", str(path), "--out", str(path), "--force")
    assert run.exit_code == 2 and "is the file being imported" in run.stderr
    assert path.read_text(encoding="utf-8") == "Stage,Pay\nTouchpoints,Pays\n"


# any table of cells: the import finds a grid and writes a valid map, or says there is none
_CELL = st.one_of(
    st.sampled_from(["", "", "", "Stage", "Touchpoints", "Doing", "Emotions", "Feelings", "Pain points", "Ideas",
                     "KPIs", "Channels", "Goal", "Notes", "Backstage", "Support", "Thinking", "Budget", "😀", "😡",
                     "meh", "3", "-2", "7", "12", "1.5", "- a\n- b", "• x • y", "(high)", "x (critical)",
                     "NPS (target: 40)", "=1+1", "'=2", "1. Discover", "\x1b[0m", "_x000D_", "a" * 250]),
    st.text(max_size=12),
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL, max_size=7), max_size=9))
def test_any_table_gives_a_valid_map_or_one_clear_refusal(rows):
    from journeymap.convert.finish import finish
    from journeymap.convert.sheet_in import import_grid
    from journeymap.convert.sheet_read import NotAGrid, Table

    try:
        data, warnings = import_grid(Table("t", rows), "t.csv", "Fallback")
    except NotAGrid as exc:
        assert str(exc).startswith("t.csv") and "\n" not in str(exc)
        return
    finish(data, warnings, None, False)  # raises if the map is not valid
    assert all("\n" not in w for w in warnings)
