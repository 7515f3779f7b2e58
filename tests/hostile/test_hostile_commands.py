"""Every command on hostile input: never a crash, a hang, a traceback, a leak or a half-written file.

The corpus maps (see test_hostile_validate.py) go through validate, render,
diff, export and site; hostile Mermaid diagrams through `import mermaid`;
inputs too big to keep in git (30,000 levels of nesting, 50 MB, 10,000
stages, 10,000-character names) are generated at test time; and folders are
walked that hold symlink loops, links to a secret outside the tree and to
/dev/zero, a FIFO, a broken link and a file that cannot be read.

A map at fault exits 1, and each finding is one line that names the file, line
and column; a file that cannot be read at all exits 2 with one line that names
it. Most cases run in-process for speed; the cases that could crash the
interpreter or block on a read run in a real process, with a timeout that only
detects hangs.
"""

from __future__ import annotations

import builtins
import csv
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from journeymap.io import sources
from journeymap.render.html import PAGE_SCRIPT
from tests.conftest import analysis_of, have, needs_dot, run_cli
from tests.hostile.corpus import CORPUS, MAPS

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

HANG_SECONDS = 120  # a hang detector only: every case takes well under a few seconds
SIZE_LIMIT = "larger than the 10,485,760-byte limit"

BROKEN = sorted(name for name, (code, _) in MAPS.items() if code)
# the persona photo of `injection` climbs out of the map's folder: formats that show photos refuse it
PHOTO_REFUSED, PHOTO_FORMATS = {"injection"}, {"html", "poster"}
# text that every picture of an acceptable map must show, unchanged
KEPT = {"bom-crlf": "BOM and CRLF", "emoji-rtl-combining": "🛒", "injection": "evil.test",
        "markup-text": "<b>bold</b>"}
VALIDATE_FORMATS = ("text", "json", "github", "sarif", "junit")
RENDER_FORMATS = ("svg", "png", "pdf", "dot", "poster", "html", "mermaid")
# elements that would run, fetch or link something if map text ever became markup
ACTIVE_TAGS = {"script", "iframe", "img", "image", "object", "embed", "link", "a", "base", "form", "foreignobject"}
SECRET = "TOKEN=do-not-leak"
TINY = """journeymap: 1
id: tiny
title: Tiny
stages:
  - id: only
    name: Only
    touchpoints:
      - id: step
        name: Step
"""



def corpus(name: str) -> Path:
    return CORPUS / f"{name}.journey.yaml"


def test_the_table_names_every_corpus_map():
    assert {p.name.removesuffix(".journey.yaml") for p in CORPUS.glob("*.journey.yaml")} == set(MAPS)


@functools.cache
def first_finding(name: str) -> tuple[int, int, str]:
    """Line, column and message of the first error `validate` reports, which every command must repeat."""
    path = corpus(name)
    analysis = analysis_of(path.read_bytes(), str(path), lint=False)
    first = next(f for f in analysis.findings if f.severity.value == "error")
    return first.line, first.column, first.message


def journeymap(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "journeymap", *args], capture_output=True, timeout=HANG_SECONDS,
        env={**os.environ, "NO_COLOR": "1"}, check=False,
    )
    # a negative code is a signal (a segfault): never what a user should see
    assert done.returncode >= 0, f"killed by signal {-done.returncode}"
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def assert_sane(stdout: str, stderr: str) -> None:
    """No traceback, no terminal escape, and every message one bounded line."""
    assert "Traceback" not in stdout + stderr
    assert "\x1b" not in stdout + stderr
    assert all(len(line) < 600 for line in stderr.splitlines()), stderr[:2000]


def assert_finding_line(text: str, path: Path | str, name: str) -> None:
    line, column, message = first_finding(name)
    rule = MAPS[name][1]
    wanted = f"{path}:{line}:{column}: error [{rule}] {message}"
    assert wanted in text.splitlines(), f"expected {wanted!r} in:\n{text[:2000]}"


def output_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "a":
            self.links.extend(value or "" for name, value in attrs if name == "href")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed_html(page: str) -> _Markup:
    markup = _Markup()
    markup.feed(page)
    return markup


def assert_safe_svg(data: bytes, kept: str | None) -> None:
    root = ET.fromstring(data)  # well-formed XML: a control character would already break this
    tags = {element.tag.rsplit("}", 1)[-1].lower() for element in root.iter()}
    assert not tags & ACTIVE_TAGS
    values = [v for element in root.iter() for v in element.attrib.values()]
    assert not any("javascript:" in v or "file:" in v for v in values)
    if kept:
        assert kept in "".join(root.itertext())


def assert_safe_html(page: str, kept: str | None, allowed: frozenset[str] = frozenset()) -> None:
    # the page's own script (keys, zoom to fit), the same on every page and hashed into its
    # Content-Security-Policy, is journeymap's: no map text is in it, and no other script may be
    page = page.replace(f"<script>{PAGE_SCRIPT}</script>", "")
    markup = parsed_html(page)
    # the page's own links, from its overview to its stage headers, are fragments journeymap made
    own = frozenset({"a"}) if all(re.fullmatch(r"#stage-\d+", link) for link in markup.links) else frozenset()
    assert not (markup.tags & ACTIVE_TAGS) - allowed - own
    assert "<b>bold</b>" not in page and "<script>alert" not in page
    if kept:
        assert kept in "".join(markup.text)


def assert_safe_picture(fmt: str, data: bytes, name: str) -> None:
    kept = KEPT.get(name)
    if fmt == "svg":
        assert_safe_svg(data, kept)
    elif fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif fmt in ("pdf", "poster"):
        assert data.startswith(b"%PDF-")
        if fmt == "poster" and kept and have("pdftotext"):
            shown = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True,
                                   timeout=HANG_SECONDS).stdout.decode()
            assert kept in shown
    elif fmt == "dot":
        text = data.decode()
        assert "<b>bold" not in text
        # an injected statement would start a line of its own
        assert not re.search(r"^\s*(evil|n9|injected)\b", text, re.M)
    elif fmt == "html":
        assert_safe_html(data.decode(), kept)
    elif fmt == "mermaid":
        lines = [line.strip() for line in data.decode().splitlines()]
        # every acceptable corpus map has one stage: a name that broke out would add a line of its own
        assert sum(1 for line in lines if line.startswith("section ")) == 1
        assert sum(1 for line in lines if line.startswith("title ")) == 1
        assert "<b>" not in data.decode()


# ---- validate --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", VALIDATE_FORMATS)
def test_validate_reads_a_folder_of_hostile_maps_in_every_format(fmt):
    run = run_cli("validate", str(CORPUS), "--format", fmt)
    assert run.exit_code == 1
    assert_sane(run.stdout, run.stderr)
    if fmt == "text":
        for name in BROKEN:
            assert_finding_line(run.stdout, corpus(name), name)
    elif fmt == "json":
        findings = json.loads(run.stdout)
        located = {(f["path"], f["line"], f["column"], f["rule_id"]) for f in findings}
        for name in BROKEN:
            line, column, _ = first_finding(name)
            assert (str(corpus(name)), line, column, MAPS[name][1]) in located
    elif fmt == "github":
        lines = run.stdout.splitlines()
        # GitHub reads commands at line starts only: map text must never begin a line
        assert lines
        assert all(line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in lines)
    elif fmt == "sarif":
        results = json.loads(run.stdout)["runs"][0]["results"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert {corpus(name).as_uri() for name in BROKEN} <= uris
    else:
        suite = ET.fromstring(run.stdout)
        cases = {case.get("name"): case for case in suite.iter("testcase")}
        assert set(cases) == {str(corpus(name)) for name in MAPS}
        assert {name for name in MAPS if cases[str(corpus(name))].find("failure") is not None} == set(BROKEN)


# ---- render ----------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("fmt", RENDER_FORMATS)
@pytest.mark.parametrize("name", sorted(MAPS))
def test_render_skips_broken_maps_and_escapes_the_text_of_the_rest(tmp_path, name, fmt):
    out = tmp_path / "out"
    run = run_cli("render", str(corpus(name)), "--format", fmt, "--out", f"{out}/")
    assert_sane(run.stdout, run.stderr)
    if MAPS[name][0]:
        assert run.exit_code == 1
        assert_finding_line(run.stderr, corpus(name), name)
        assert f"journeymap: skipped {corpus(name)}: the map is not valid" in run.stderr
        assert output_files(out) == []
    elif name in PHOTO_REFUSED and fmt in PHOTO_FORMATS:
        assert run.exit_code == 1
        [refusal] = [line for line in run.stderr.splitlines() if "photo" in line]
        assert re.match(rf"journeymap: error: {re.escape(str(corpus(name)))}:\d+:\d+: persona 'p': "
                        r"photo '\.\./\.\./\.\./\.\./etc/passwd'", refusal), refusal
        assert "outside the map's folder" in refusal
        assert output_files(out) == []
    else:
        assert run.exit_code == 0, run.stderr
        [written] = output_files(out)
        assert_safe_picture(fmt, written.read_bytes(), name)


# ---- diff ------------------------------------------------------------------------------------

DIRECTIONS = ("hostile-is-new", "hostile-is-old")


def diff_sides(tmp_path: Path, name: str, direction: str) -> tuple[Path, Path, str]:
    good = tmp_path / "good.journey.yaml"
    good.write_text(TINY)
    if direction == "hostile-is-new":
        return good, corpus(name), "new"
    return corpus(name), good, "old"


@pytest.mark.parametrize("fmt", ("text", "markdown", "json"))
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("name", sorted(MAPS))
def test_diff_against_a_good_map_reports_the_broken_side_and_escapes_text(tmp_path, name, direction, fmt):
    old, new, side = diff_sides(tmp_path, name, direction)
    run = run_cli("diff", str(old), str(new), "--format", fmt)
    assert_sane(run.stdout, run.stderr)
    hostile = corpus(name)
    if name == "nul-byte":
        # binary files are skipped with a note (docs/diff.md), in every mode of the diff
        assert run.exit_code == 0
        assert "binary file" in run.stdout and "not compared" in run.stdout
    elif MAPS[name][0]:
        assert run.exit_code == 1
        line, column, _ = first_finding(name)
        if fmt == "json":
            [problem] = [p for m in json.loads(run.stdout)["maps"] for p in m["problems"]]
            assert (problem["side"], problem["path"], problem["line"], problem["column"]) == (
                side, str(hostile), line, column)
        elif fmt == "text":
            assert f"  ! {side} {hostile}:{line}:{column}: " in run.stdout
            assert "(not compared)" in run.stdout
        else:
            assert "not compared" in run.stdout
    else:
        assert run.exit_code == 0, run.stdout + run.stderr
        if fmt == "json":
            json.loads(run.stdout)
        elif fmt == "text":
            # bidirectional overrides would make a name read backwards in a terminal
            assert "\u202e" not in run.stdout
        else:
            rendered = MarkdownIt("commonmark", {"html": True}).render(run.stdout)
            # the presenter's own <b>, <details> and <summary> are fine; nothing from the map may add a tag
            assert not parsed_html(rendered).tags & ACTIVE_TAGS
            assert "<b>bold" not in run.stdout


@needs_dot
@pytest.mark.parametrize("fmt", ("svg", "html"))
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("name", sorted(MAPS))
def test_visual_diff_draws_acceptable_maps_escaped_and_nothing_for_broken_ones(tmp_path, name, direction, fmt):
    old, new, side = diff_sides(tmp_path, name, direction)
    out = tmp_path / "pictures"
    run = run_cli("diff", str(old), str(new), "--format", fmt, "--out", f"{out}/")
    assert_sane(run.stdout, run.stderr)
    if name == "nul-byte":
        assert run.exit_code == 0
        assert output_files(out) == []
    elif MAPS[name][0]:
        assert run.exit_code == 1
        line, column, _ = first_finding(name)
        assert f"journeymap: {side} {corpus(name)}:{line}:{column}: " in run.stderr
        assert "Nothing to draw." in run.stderr
        assert output_files(out) == []
    else:
        assert run.exit_code == 0, run.stderr
        [picture] = output_files(out)
        # the picture is of the new side: the old side's title is not on it
        kept = KEPT[name] if side == "new" else None
        if fmt == "svg":
            assert_safe_svg(picture.read_bytes(), kept)
        else:
            assert_safe_html(picture.read_text(), kept)


# ---- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MAPS))
def test_export_skips_broken_maps_and_defuses_spreadsheet_formulas(tmp_path, name):
    out = tmp_path / "rows.csv"
    run = run_cli("export", str(corpus(name)), "--format", "csv", "--out", str(out))
    assert_sane(run.stdout, run.stderr)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    if MAPS[name][0]:
        assert run.exit_code == 1
        assert_finding_line(run.stderr, corpus(name), name)
        assert f"journeymap: skipped {corpus(name)}: it is not a valid map" in run.stderr
        assert rows == []
    else:
        assert run.exit_code == 0, run.stderr
        cells = [cell for row in rows for cell in row.values()]
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    if name == "markup-text":
        described = {row["id"]: row["description"] for row in rows}
        assert described["formula"].startswith("'=HYPERLINK(")
        assert described["tab"] == "'\t=1+1 <b>bold</b>"
        assert {row["owner"] for row in rows if row["kind"] == "opportunity"} == {"'@SUM(A1) <b>bold</b>"}


# ---- site ------------------------------------------------------------------------------------


def test_site_lists_every_broken_map_and_escapes_the_text_of_the_rest(tmp_path):
    out = tmp_path / "site"
    run = run_cli("site", str(CORPUS), "--out", str(out))
    assert_sane(run.stdout, run.stderr)
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    for name in BROKEN:
        line, column, message = first_finding(name)
        assert f"journeymap: broken map listed on the index: {corpus(name)}:{line}:{column}: {message}" in lines
    # a page that cannot be drawn (the photo) makes its map broken, not the whole site half-written
    assert any(line.startswith(f"journeymap: broken map listed on the index: {corpus('injection')}: persona 'p'")
               for line in lines)
    assert f"{len(MAPS)} maps, {len(BROKEN) + 1} broken." in lines[-1]
    pages = sorted((out / "maps").glob("*.html"))
    assert len(pages) == len(MAPS)
    index = (out / "index.html").read_text()
    assert_safe_html(index, "<b>bold</b>", allowed=frozenset({"script", "a"}))  # its own search and links
    for page in pages:
        assert_safe_html(page.read_text(), None, allowed=frozenset({"a"}))


# ---- import mermaid --------------------------------------------------------------------------

# no `:` or `,`: in a task line they separate the name, the score and the actors
INJECTED = '<b>bold</b> <script>alert(1)</script> "]; evil [label=x] =1+1 @all [a](evil.test/a.css) ${x} {{x}}'


def _diagram(title: str = "T", section: str = "S", task: str = "Task", score: str = "5", actor: str = "Me") -> bytes:
    return f"journey\n  title {title}\n  section {section}\n    {task}: {score}: {actor}\n".encode()


# case -> (diagram, extra arguments, exit code, what stderr says)
MERMAID = {
    "binary": (lambda: bytes(range(256)) * 64, (), 2, "binary.mmd: not UTF-8 text"),
    "nul-byte": (lambda: _diagram(task="Ta\0sk"), (), 1,
                 "nul-byte.mmd:4: the task name holds a control character (U+0000)"),
    "latin1": (lambda: _diagram(title="Café").decode().encode("latin-1"), (), 2, "latin1.mmd: not UTF-8 text"),
    "escape-typed": (lambda: _diagram(section="\x1b[31mred"), (), 1,
                     "escape-typed.mmd:3: the section name holds a control character (U+001B)"),
    "escape-as-entity-code": (lambda: _diagram(title="#27;[31mred"), (), 1,
                              "escape-as-entity-code.mmd:2: the title holds a control character (U+001B)"),
    "huge-line": (lambda: _diagram(title="x" * 5_000_000), (), 1,
                  "huge-line.mmd:2: the title is 5,000,000 characters long; a map allows 200"),
    "huge-actor": (lambda: _diagram(actor="y" * 10_000), (), 1,
                   "huge-actor.mmd:4: the actor name is 10,000 characters long"),
    "over-the-size-limit": (lambda: _diagram() + b"%%" + b"z" * (10 * 1024 * 1024) + b"\n", (), 1,
                            f"over-the-size-limit.mmd: {SIZE_LIMIT}"),
    "escape-in-first-line": (lambda: b"\x1b]0;pwned\x07graph TD\n", (), 2,
                             "this is not a Mermaid journey diagram (it starts with '\\x1b]0;pwned\\x07graph TD')"),
    "nan-score": (lambda: _diagram(score="nan"), (), 0, "score 'nan' of 'Task' is not a number"),
    "infinite-score": (lambda: _diagram(score="1e999"), ("--rescale",), 0, "score '1e999' of 'Task' is not a number"),
    "bom-crlf": (lambda: b"\xef\xbb\xbf" + _diagram().replace(b"\n", b"\r\n"), (), 0, ""),
    "emoji-rtl-combining": (lambda: _diagram("😀 شراء أول طلب 🛒", "Z̸̢̛a̷l̶g̴o̵ é", "\u202eevil\u202c ✓", "4", "أحمد"),
                            (), 0, ""),
    "injection": (lambda: _diagram(INJECTED, INJECTED, INJECTED, "2", INJECTED), (), 0, ""),
    "ten-thousand-tasks": (lambda: b"journey\n  title Many\n  section S\n"
                           + "".join(f"    Task {i}: {i % 5 + 1}: Me\n" for i in range(10_000)).encode(), (), 0, ""),
    "two-thousand-actors": (lambda: b"journey\n  title Crowd\n  section S\n"
                            + "".join(f"    Task {i}: 3: Person {i}\n" for i in range(2_000)).encode(), (), 0,
                            "2,000 actors are too many to compare for spelling variants"),
}


@pytest.mark.parametrize("case", sorted(MERMAID))
def test_import_mermaid_refuses_what_a_map_cannot_hold_and_keeps_the_rest(tmp_path, case):
    make, extra, code, says = MERMAID[case]
    source = tmp_path / f"{case}.mmd"
    source.write_bytes(make())
    run = journeymap("import", "mermaid", str(source), *extra)  # its timeout is the hang detector
    assert_sane("", run.stderr)
    assert run.returncode == code, run.stderr[:2000]
    assert says in run.stderr
    if code:
        [message] = run.stderr.splitlines()
        assert message.startswith(f"journeymap: error: {source}")
        assert run.stdout == ""
        return
    assert len(run.stderr.splitlines()) <= 25  # warnings stay readable, however many actors
    imported = analysis_of(run.stdout, "imported.journey.yaml", lint=False)
    assert imported.valid, imported.findings[:3]
    data = yaml.safe_load(run.stdout)
    if case == "injection":
        assert data["title"] == INJECTED
        assert [s["name"] for s in data["stages"]] == [INJECTED]
        assert data["stages"][0]["touchpoints"][0]["name"] == INJECTED
    if case == "emoji-rtl-combining":
        assert data["title"] == "😀 شراء أول طلب 🛒"
        assert data["stages"][0]["touchpoints"][0]["name"] == "\u202eevil\u202c ✓"
        assert data["personas"][0]["name"] == "أحمد"
    if case == "bom-crlf":
        assert (data["title"], data["stages"][0]["name"]) == ("T", "S")
    if case == "ten-thousand-tasks":
        assert len(data["stages"][0]["touchpoints"]) == 10_000


def test_a_hostile_map_survives_the_round_trip_through_mermaid(tmp_path):
    run = run_cli("render", str(corpus("markup-text")), "--format", "mermaid")
    assert run.exit_code == 0
    diagram = tmp_path / "markup.mmd"
    diagram.write_text(run.stdout)
    back = run_cli("import", "mermaid", str(diagram))
    assert back.exit_code == 0, back.stderr
    data = yaml.safe_load(back.stdout)
    original = yaml.safe_load(corpus("markup-text").read_text())
    assert data["title"] == original["title"]
    assert [s["name"] for s in data["stages"]] == [s["name"] for s in original["stages"]]
    assert data["personas"][0]["name"] == original["personas"][0]["name"]


# ---- generated: deep nesting, 50 MB, 10,000 stages, 10,000-character names --------------------

DEEP = {
    "flow-sequences": "title: " + "[" * 30_000 + "]" * 30_000 + "\n",
    "flow-mappings": "title: " + "{a: " * 30_000 + "b" + "}" * 30_000 + "\n",
    "block-sequences": "title: T\nx:\n  " + "- " * 30_000 + "a\n",
}


@pytest.mark.parametrize("command", ("validate", "render", "export", "diff", "site"))
@pytest.mark.parametrize("shape", sorted(DEEP))
def test_thirty_thousand_levels_of_nesting_are_a_finding_not_a_crash(tmp_path, shape, command):
    # libyaml's C parser overflows the stack near 25,000 levels: only a real process shows a segfault
    maps = tmp_path / "maps"
    maps.mkdir()
    deep = maps / "deep.journey.yaml"
    deep.write_text("journeymap: 1\n" + DEEP[shape])
    good = tmp_path / "good.journey.yaml"
    good.write_text(TINY)
    args = {
        "validate": ["validate", str(deep)],
        "render": ["render", str(deep), "--format", "dot"],
        "export": ["export", str(deep)],
        "diff": ["diff", str(good), str(deep)],
        "site": ["site", str(maps), "--out", str(tmp_path / "site")],
    }[command]
    proc = journeymap(*args)
    assert_sane(proc.stdout, proc.stderr)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(rf"{re.escape(str(deep))}:\d+:\d+: .*nesting is deeper than 64 levels", proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def fifty_megabytes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    big = folder / "big.journey.yaml"
    with big.open("wb") as handle:
        handle.write(b"journeymap: 1\nid: big\ntitle: Big\nstages: []\ndescription: ")
        for _ in range(50):
            handle.write(b"x" * (1024 * 1024))
    return big


@pytest.mark.parametrize("command", ("validate", "render", "export", "diff", "site"))
def test_a_fifty_megabyte_map_hits_the_size_limit_in_every_command(tmp_path, fifty_megabytes, command):
    good = tmp_path / "good.journey.yaml"
    good.write_text(TINY)
    args = {
        "validate": ["validate", str(fifty_megabytes)],
        "render": ["render", str(fifty_megabytes), "--format", "dot"],
        "export": ["export", str(fifty_megabytes)],
        "diff": ["diff", str(good), str(fifty_megabytes)],
        "site": ["site", str(fifty_megabytes.parent), "--out", str(tmp_path / "site")],
    }[command]
    run = run_cli(*args)
    assert_sane(run.stdout, run.stderr)
    assert run.exit_code == 1
    assert f"{fifty_megabytes}:1:1: " in run.stdout + run.stderr
    assert SIZE_LIMIT in run.stdout + run.stderr


@pytest.mark.parametrize("command", ("validate", "export", "diff", "site"))
def test_max_bytes_lowers_the_limit_for_the_commands_that_take_it(tmp_path, command):
    maps = tmp_path / "maps"
    maps.mkdir()
    small = maps / "small.journey.yaml"
    small.write_text(TINY)
    args = {
        "validate": ["validate", str(small)],
        "export": ["export", str(small)],
        "diff": ["diff", str(small), str(small)],
        "site": ["site", str(maps), "--out", str(tmp_path / "site")],
    }[command]
    run = run_cli(*args, "--max-bytes", "100")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "larger than the 100-byte limit" in run.stdout + run.stderr


def test_max_bytes_raises_the_limit_so_a_big_map_is_read_in_full(fifty_megabytes):
    run = run_cli("validate", "--no-lint", "--max-bytes", str(60 * 1024 * 1024), str(fifty_megabytes))
    assert run.exit_code == 0, run.stdout
    assert "All clean" in run.stdout


def test_diff_never_calls_two_oversized_files_unchanged_when_they_differ_past_the_limit(tmp_path):
    # only max_bytes + 1 bytes of each side are read, so equal beginnings prove nothing
    head = TINY.replace("title: Tiny", "title: Tiny\ndescription: " + "d" * 200)
    old, new = tmp_path / "old.journey.yaml", tmp_path / "new.journey.yaml"
    old.write_text(head)
    new.write_text(head.replace("name: Step", "name: Another step"))
    for a, b in ((old, new), (old.parent, new.parent)):
        run = run_cli("diff", "--exit-code", "--max-bytes", "100", str(a), str(b))
        assert run.exit_code == 1
        assert "No changes" not in run.stdout
        assert "larger than the 100-byte limit; not compared" in run.stdout


@pytest.fixture(scope="module")
def ten_thousand_stages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wide") / "wide.journey.yaml"
    stages = "".join(f"  - id: s{i}\n    name: Stage {i}\n" for i in range(10_000))
    path.write_text("journeymap: 1\nid: wide\ntitle: Wide\nstages:\n" + stages)
    return path


@pytest.mark.parametrize(("fmt", "marker"), [("dot", "subgraph cluster_"), ("mermaid", "section Stage ")],
                         ids=["dot", "mermaid"])
def test_ten_thousand_stages_render_as_text_formats(ten_thousand_stages, fmt, marker):
    run = journeymap("render", str(ten_thousand_stages), "--format", fmt)  # its timeout is the hang detector
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(marker) == 10_000


def test_ten_thousand_stages_export_and_diff(ten_thousand_stages, tmp_path):
    export = run_cli("export", str(ten_thousand_stages))
    assert export.exit_code == 0
    assert len(export.stdout.splitlines()) == 1  # the header: no pain points, no opportunities
    good = tmp_path / "good.journey.yaml"
    good.write_text(TINY)
    diff = run_cli("diff", str(good), str(ten_thousand_stages), "--format", "json")
    assert diff.exit_code == 0
    assert json.loads(diff.stdout)["maps"][0]["status"] == "modified"


LONG = "x" * 10_000
# fields the format caps at a few hundred characters, each with a 10,000-character value
CAPPED = f"""journeymap: 1
id: long
title: {LONG}
owner: {LONG}
tags: [{LONG}]
personas:
  - id: p
    name: {LONG}
channels:
  - {{id: c, name: {LONG}, kind: digital}}
sources:
  - {{id: s, kind: interview, title: {LONG}}}
stages:
  - id: st
    name: {LONG}
    kpis: [{{name: {LONG}}}]
    touchpoints:
      - id: t
        name: {LONG}
        channel: c
opportunities:
  - {{id: o, description: d, owner: {LONG}}}
"""
# fields with no cap: one unbreakable 10,000-character word in each
UNCAPPED = f"""journeymap: 1
id: long
title: Long
description: {LONG}
personas:
  - {{id: p, name: P, description: {LONG}, quote: {LONG}, goals: [{LONG}], frustrations: [{LONG}]}}
stages:
  - id: st
    name: S
    goal: {LONG}
    touchpoints:
      - id: t
        name: T
        emotion: -1
        description: {LONG}
        actions: [{LONG}]
        thoughts: [{LONG}]
        backstage: [{LONG}]
        support: [{LONG}]
        pain_points:
          - {{id: pp, description: {LONG}, severity: high}}
opportunities:
  - {{id: o, description: {LONG}, addresses: [pp]}}
"""


def test_ten_thousand_character_names_are_one_short_finding_each(tmp_path):
    path = tmp_path / "long.journey.yaml"
    path.write_text(CAPPED)
    run = run_cli("validate", "--no-lint", str(path))
    assert run.exit_code == 1
    findings = [line for line in run.stdout.splitlines() if " error [JM010] " in line]
    assert len(findings) == CAPPED.count(LONG)
    assert all(re.match(rf"{re.escape(str(path))}:\d+:\d+: error \[JM010\] .*is 10,000 characters long", f)
               for f in findings)
    assert all(len(f) < 300 for f in findings)
    render = run_cli("render", str(path), "--format", "dot")
    assert render.exit_code == 1
    assert set(findings) <= set(render.stderr.splitlines())


@needs_dot
@pytest.mark.parametrize("fmt", ("svg", "dot", "html", "mermaid", "poster"))
def test_ten_thousand_character_words_render_in_bounded_time(tmp_path, fmt):
    # the poster breaks such words every 50 characters: WeasyPrint alone took 17 s to break them
    path = tmp_path / "long.journey.yaml"
    path.write_text(UNCAPPED)
    proc = journeymap("render", str(path), "--format", fmt, "--out", "-")  # its timeout is the hang detector
    assert proc.returncode == 0, proc.stderr
    if fmt == "poster":
        assert proc.stdout.startswith("%PDF-")
    if fmt == "svg":
        assert_safe_svg(proc.stdout.encode(), None)


# ---- walking folders -------------------------------------------------------------------------


def _symlink_loop(maps: Path) -> None:
    (maps / "sub").mkdir()
    (maps / "sub" / "loop").symlink_to("..")


# hostile entry -> (how to make it in the maps folder, exit code, what the message says)
ENTRIES = {
    "symlink-loop": (_symlink_loop, 0, None),
    "secret-outside": (lambda maps: (maps / "secret.journey.yaml").symlink_to("../secret.env"), 0, None),
    "dev-zero": (lambda maps: (maps / "zero.journey.yaml").symlink_to("/dev/zero"), 0, None),
    "folder-named-like-a-map": (lambda maps: (maps / "folder.journey.yaml").mkdir(), 0, None),
    "fifo": (lambda maps: os.mkfifo(maps / "fifo.journey.yaml"), 2,
             "fifo.journey.yaml: not a regular file; name a .journey.yaml file or a folder"),
    "broken-symlink": (lambda maps: (maps / "broken.journey.yaml").symlink_to("gone.journey.yaml"), 2,
                       "broken.journey.yaml: no such file (a broken symlink?)"),
    "symlink-to-itself": (lambda maps: (maps / "self.journey.yaml").symlink_to("self.journey.yaml"), 2,
                          "self.journey.yaml: cannot read: "),
    # a plain file here; `deny_reading` makes it unreadable
    "unreadable": (lambda maps: (maps / "unreadable.journey.yaml").write_text(TINY), 2,
                   "unreadable.journey.yaml: permission denied; check the file's permissions"),
}
WALK_COMMANDS = ("validate", "render", "export", "site", "diff")


def deny_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, who can read a file whatever its mode: so `unreadable.journey.yaml` is made
    unreadable by having the reader's `open` raise PermissionError for it, as the kernel would for
    a mode-000 file owned by someone else."""

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("unreadable.journey.yaml"):
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(sources, "open", guarded_open, raising=False)


def walk_tree(tmp_path: Path, *entries: str) -> Path:
    (tmp_path / "secret.env").write_text(SECRET + "\n")
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "good.journey.yaml").write_text(TINY)
    for entry in entries:
        ENTRIES[entry][0](maps)
    return maps


def walk_args(command: str, maps: Path, out: Path) -> list[str]:
    if command == "diff":
        before = maps.parent / "before"
        before.mkdir()
        shutil.copy(maps / "good.journey.yaml", before)
        return ["diff", str(before), str(maps)]
    return {
        "validate": ["validate", str(maps)],
        "render": ["render", str(maps), "--format", "dot", "--jobs", "1", "--out", str(out)],
        "export": ["export", str(maps), "--out", str(out / "rows.csv")],
        "site": ["site", str(maps), "--out", str(out)],
    }[command]


def assert_no_secret(out: Path, *texts: str) -> None:
    assert not any("do-not-leak" in text for text in texts)
    assert not any(b"do-not-leak" in f.read_bytes() for f in output_files(out))


@pytest.mark.parametrize("command", WALK_COMMANDS)
@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_walking_a_folder_never_follows_links_out_and_names_what_it_cannot_read(
    tmp_path, monkeypatch, entry, command
):
    maps = walk_tree(tmp_path, entry)
    deny_reading(monkeypatch)
    out = tmp_path / "out"
    if command == "export":
        out.mkdir()
    run = run_cli(*walk_args(command, maps, out))
    assert_sane(run.stdout, run.stderr)
    assert_no_secret(out, run.stdout, run.stderr)
    _, code, says = ENTRIES[entry]
    assert run.exit_code == code, run.stdout + run.stderr
    # the site lists what it cannot read as a broken map; the others say it as an error
    prefix = "journeymap: broken map listed on the index: " if command == "site" else "journeymap: error: "
    if says:
        [message] = [line for line in run.stderr.splitlines() if line.startswith(prefix)]
        assert message.startswith(f"{prefix}{maps}/{says}")
    else:
        assert run.stderr.count("journeymap: error") == 0
    # the good map beside the hostile entry is still read, and read once
    if command == "validate":
        assert run.stdout.count(f"{maps}/good.journey.yaml:3:1: warning [JM301]") == 1
    if command == "render":
        assert (out / "good.dot").exists()
    if command == "export":
        assert (out / "rows.csv").read_text(encoding="utf-8-sig").startswith("map,kind,id,")
    if command == "site":
        assert (out / "index.html").exists() and (out / "maps" / "tiny.html").exists()


def test_a_real_process_walks_a_folder_of_every_hostile_entry_without_blocking(tmp_path):
    # the FIFO would block a reader forever and /dev/zero never ends: only a real process shows a hang
    maps = walk_tree(tmp_path, *(e for e in ENTRIES if e != "unreadable"))
    out = tmp_path / "out"
    for args in (["validate", str(maps)], ["render", str(maps), "--format", "dot", "--out", str(out)]):
        proc = journeymap(*args)
        assert_sane(proc.stdout, proc.stderr)
        assert_no_secret(out, proc.stdout, proc.stderr)
        assert proc.returncode == 2
        named = sorted(line.removeprefix(f"journeymap: error: {maps}/").split(":")[0]
                       for line in proc.stderr.splitlines() if line.startswith("journeymap: error: "))
        assert named == ["broken.journey.yaml", "fifo.journey.yaml", "self.journey.yaml"]


@pytest.mark.parametrize("command", ("validate", "render", "export", "diff"))
@pytest.mark.parametrize("special", ("fifo", "dev-zero"))
def test_a_fifo_or_dev_zero_named_on_the_command_line_is_refused_without_reading(tmp_path, special, command):
    target = tmp_path / "special.journey.yaml"
    if special == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    good = tmp_path / "good.journey.yaml"
    good.write_text(TINY)
    args = {"validate": ["validate", str(target)], "render": ["render", str(target), "--format", "dot"],
            "export": ["export", str(target)], "diff": ["diff", str(good), str(target)]}[command]
    proc = journeymap(*args)
    assert_sane(proc.stdout, proc.stderr)
    assert proc.returncode == 2
    assert f"journeymap: error: {target}: not a regular file" in proc.stderr


def test_an_env_file_named_on_the_command_line_is_refused_without_echoing_its_lines(tmp_path):
    # a file named explicitly is always read (CONVENTIONS); KEY=value lines are one YAML value, so the
    # finding says what is wrong without quoting them (values of a YAML mapping would be quoted, short)
    secret = tmp_path / "secret.env"
    secret.write_text(SECRET + "\nAPI_KEY=do-not-leak-either\n")
    link = tmp_path / "maps.journey.yaml"
    link.symlink_to(secret)
    for args in (["validate", str(link)], ["validate", "--format", "json", str(link)],
                 ["render", str(link), "--format", "dot"], ["export", str(link)]):
        run = run_cli(*args)
        assert run.exit_code == 1
        assert "do-not-leak" not in run.stdout + run.stderr


# ---- a representative run of every command in a real process ------------------------------------


@needs_dot
def test_every_command_on_the_whole_corpus_in_a_real_process(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "tiny.journey.yaml").write_text(TINY)
    runs = {
        "validate": journeymap("validate", str(CORPUS)),
        "render": journeymap("render", str(CORPUS), "--format", "svg", "--out", str(tmp_path / "svg")),
        "export": journeymap("export", str(CORPUS)),
        "site": journeymap("site", str(CORPUS), "--out", str(tmp_path / "site")),
        "diff": journeymap("diff", str(good), str(CORPUS), "--format", "markdown"),
    }
    for command, proc in runs.items():
        assert_sane(proc.stdout, proc.stderr)
        assert proc.returncode == 1, (command, proc.stderr[-2000:])
    for name in BROKEN:
        assert_finding_line(runs["validate"].stdout, corpus(name), name)
        assert_finding_line(runs["render"].stderr, corpus(name), name)
    for svg in output_files(tmp_path / "svg"):
        assert_safe_svg(svg.read_bytes(), None)
    assert len(output_files(tmp_path / "svg")) == len(MAPS) - len(BROKEN)
