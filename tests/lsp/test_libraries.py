"""The language server follows a map's `use:` libraries as validate does: their ids complete,
resolve and jump into the library file, and an edit of an open library re-judges its maps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lsp.client import Client
from tests.lsp.test_server import position_of

LIBRARY = """journeymap: 1
personas:
  - {id: busy-parent, name: Busy parent, goals: [Save time]}
channels:
  - {id: web, name: Website}
"""
MAP = """journeymap: 1
title: Checkout
use: [shared/people.library.yaml]
stages:
  - id: pay
    name: Pay
    touchpoints:
      - id: pays
        name: Pays by card
        channel: web
        personas: [busy-parent]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "people.library.yaml").write_text(LIBRARY, encoding="utf-8")
    (tmp_path / "checkout.journey.yaml").write_text(MAP, encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(repo: Path) -> Iterator[Client]:
    started = Client(repo)
    yield started
    assert started.close() == 0


def codes(diagnostics: list[dict]) -> list[str]:
    return [d["code"] for d in diagnostics]


def test_ids_from_a_library_are_known_completed_and_lead_into_the_library(repo: Path, client: Client):
    uri = (repo / "checkout.journey.yaml").as_uri()
    assert "JM021" not in codes(client.open(uri, MAP))

    typing = MAP.replace("personas: [busy-parent]", "personas: [busy-parent, ]")
    client.change(uri, typing, 2)
    client.diagnostics(uri, 2)
    line, character = position_of(typing, "busy-parent, ]", inside=len("busy-parent, "))
    items = client.result("textDocument/completion", client.at(uri, line, character))["items"]
    assert [i["label"] for i in items] == ["busy-parent"]
    assert "shared/people.library.yaml" in items[0]["detail"]

    client.change(uri, MAP, 3)
    client.diagnostics(uri, 3)
    line, character = position_of(MAP, "busy-parent]", inside=2)
    (target,) = client.result("textDocument/definition", client.at(uri, line, character))
    library = repo / "shared" / "people.library.yaml"
    assert target["uri"] == library.resolve().as_uri()
    start = target["range"]["start"]
    assert (start["line"], start["character"]) == position_of(LIBRARY, "busy-parent")

    hover = client.result("textDocument/hover", client.at(uri, line, character))["contents"]["value"]
    assert "Busy parent" in hover and "`shared/people.library.yaml`, line 3" in hover


def test_renaming_a_library_id_from_one_map_is_refused_and_nothing_written(repo: Path, client: Client):
    uri = (repo / "checkout.journey.yaml").as_uri()
    client.open(uri, MAP)
    line, character = position_of(MAP, "busy-parent]")
    answer = client.request("textDocument/rename", client.at(uri, line, character, newName="parent"))
    assert "defined in library shared/people.library.yaml" in answer["error"]["message"]
    assert (repo / "checkout.journey.yaml").read_text(encoding="utf-8") == MAP
    assert (repo / "shared" / "people.library.yaml").read_text(encoding="utf-8") == LIBRARY


def test_editing_an_open_library_rejudges_the_maps_that_use_it_before_it_is_saved(repo: Path, client: Client):
    uri = (repo / "checkout.journey.yaml").as_uri()
    library = (repo / "shared" / "people.library.yaml").as_uri()
    assert "JM021" not in codes(client.open(uri, MAP))
    client.open(library, LIBRARY)
    client.change(library, LIBRARY.replace("id: busy-parent", "id: parent"), 2)
    assert "JM021" in codes(client.diagnostics(uri))
    assert (repo / "shared" / "people.library.yaml").read_text(encoding="utf-8") == LIBRARY


def test_a_missing_library_is_a_diagnostic_at_the_use_entry(repo: Path, client: Client):
    uri = (repo / "checkout.journey.yaml").as_uri()
    text = MAP.replace("shared/people.library.yaml", "shared/nobody.library.yaml")
    (finding,) = [d for d in client.open(uri, text) if d["code"] == "JM022"]
    assert finding["range"]["start"]["line"] == 2
    assert "does not exist" in finding["message"]
