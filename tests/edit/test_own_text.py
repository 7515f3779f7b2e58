"""Edits count on the document's own text: a byte-order mark, CRLF line ends and characters
outside the Basic Multilingual Plane (two UTF-16 units each) move nothing, whichever way the
edit is made: `journeymap fix`, `journeymap rename`, the language server's rename and its quick fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.lsp.client import Client

BOM = "\ufeff"
# the map's id is on the first line, right after the mark; emoji stand before the edited values
LINES = [
    "id: Emoji Shop",
    "journeymap: 1",
    "title: Shop 😀🛒",
    "owner: team 🐙",
    "last_reviewed: 2026-11-01",
    "channels: [{id: web, name: Web 🌐}]",
    "personas:",
    "  - {id: buyer, name: Buyer 🧑🏽‍💻}",
    "stages:",
    "  - id: buy",
    "    name: Buy 🛍️",
    "    kpis:",
    "      - {name: Pay rate 💳, measure: {reach: pays}}",
    "    touchpoints:",
    "      - {id: pays, name: Pays 💶, channel: webe, personas: [buyer], emotion: 1}",
    "      - {id: checks, name: Checks 📦, channel: web, personas: [buyer], emotion: 0}",
]
TEXT = BOM + "\r\n".join(LINES) + "\r\n"
FIXED = TEXT.replace("id: Emoji Shop", "id: emoji-shop").replace("channel: webe", "channel: web")


def lsp_applied(text: str, edits: list[dict[str, Any]]) -> str:
    """The text with LSP edits made, positions in UTF-16 units on the text as the editor holds it."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(pos: dict[str, int]) -> int:
        at, units = starts[pos["line"]], 0
        while units < pos["character"]:
            units += 2 if ord(text[at]) > 0xFFFF else 1
            at += 1
        return at

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]):]
    return text


def utf16_position(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    line = text.count("\n", 0, at)
    before = text[text.rfind("\n", 0, at) + 1:at]
    return line, len(before) + sum(1 for c in before if ord(c) > 0xFFFF)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "emoji.journey.yaml"
    path.write_bytes(TEXT.encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    started = Client(tmp_path_factory.mktemp("own-text"))
    yield started
    assert started.close() == 0


def test_fix_cli_keeps_the_mark_and_crlf_and_edits_exactly_the_values_at_fault(shop: Path):
    run = run_cli("fix", str(shop), "--unsafe-fixes")  # the slugged id is an unsafe fix
    assert run.exit_code == 0, run.stdout + run.stderr
    assert shop.read_bytes() == FIXED.encode("utf-8")
    assert run_cli("fix", str(shop), "--unsafe-fixes").exit_code == 0 and shop.read_bytes() == FIXED.encode("utf-8")


def test_rename_cli_keeps_the_mark_and_crlf_and_edits_exactly_the_ids(shop: Path):
    shop.write_bytes(FIXED.encode("utf-8"))
    run = run_cli("rename", str(shop), "buyer", "night-buyer")
    assert run.exit_code == 0, run.stderr
    assert "the id and 2 references" in run.stderr
    assert shop.read_bytes() == FIXED.replace("buyer,", "night-buyer,").replace("[buyer]", "[night-buyer]").encode()


def test_rename_cli_renames_the_maps_own_id_on_the_first_line(shop: Path):
    shop.write_bytes(FIXED.encode("utf-8"))
    run = run_cli("rename", str(shop), "emoji-shop", "shop")
    assert run.exit_code == 0, run.stderr
    assert shop.read_bytes() == FIXED.replace("id: emoji-shop", "id: shop").encode("utf-8")
    assert "Other maps that name it" in run.stderr


@pytest.mark.parametrize(("needle", "old", "new"), [("buyer,", "buyer", "night-buyer"), ("pays,", "pays", "pays-now"),
                                                    ("emoji-shop", "emoji-shop", "shop")])
def test_lsp_rename_edits_land_on_the_ids_as_the_editor_counts(shop: Path, server: Client, needle: str, old: str,
                                                              new: str):
    uri = shop.with_name(f"lsp-{old}.journey.yaml").as_uri()
    server.open(uri, FIXED)
    line, character = utf16_position(FIXED, needle)
    prepared = server.result("textDocument/prepareRename", server.at(uri, line, character + 1))
    assert prepared["placeholder"] == old
    assert lsp_applied(FIXED, [{"range": prepared["range"], "newText": new}]).count(new) >= 1
    edit = server.result("textDocument/rename", server.at(uri, line, character + 1, newName=new))
    renamed = lsp_applied(FIXED, edit["changes"][uri])
    shop.write_bytes(FIXED.encode("utf-8"))
    assert run_cli("rename", str(shop), old, new).exit_code == 0
    assert renamed == shop.read_bytes().decode("utf-8")
    assert renamed.startswith(BOM) and "\r\n" in renamed and old + "," not in renamed.replace(new, "")


@pytest.mark.parametrize(("needle", "title"), [
    ("webe", "Fix: change 'webe' to 'web'"),
    # a slug renames the id: offered, but as an unsafe fix (docs/fix.md)
    ("Emoji Shop", "Fix (unsafe, changes the meaning): change the id 'Emoji Shop' to 'emoji-shop'"),
])
def test_lsp_quick_fixes_land_on_the_value_as_the_editor_counts(shop: Path, server: Client, needle: str, title: str):
    uri = shop.with_name(f"fix-{needle[:4]}.journey.yaml").as_uri()
    text = TEXT if needle == "Emoji Shop" else TEXT.replace("id: Emoji Shop", "id: emoji-shop")
    diagnostics = server.open(uri, text)
    line, character = utf16_position(text, needle)
    (diagnostic,) = [d for d in diagnostics if d["range"]["start"] == {"line": line, "character": character}]
    actions = server.result("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diagnostic["range"],
                                                         "context": {"diagnostics": [diagnostic]}})
    (fix,) = [a for a in actions if a["title"] == title]
    fixed = lsp_applied(text, fix["edit"]["changes"][uri])
    expected = text.replace("webe", "web") if needle == "webe" else text.replace("Emoji Shop", "emoji-shop")
    assert fixed == expected
