"""The language server and the files a map depends on: the configuration that holds for it and the
libraries it uses. Editing either, in the editor or on disk, judges the open maps again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.lsp.client import Client
from tests.lsp.test_libraries import codes

SHOP = (FIXTURES / "lsp" / "shop.journey.yaml").read_text(encoding="utf-8")  # one finding: JM106
LIBRARY = "journeymap: 1\npersonas:\n  - {id: busy-parent, name: Busy parent, goals: [Save time]}\n"
USER = """journeymap: 1
title: Checkout
use: [people.library.yaml]
stages:
  - id: pay
    name: Pay
    touchpoints:
      - {id: pays, name: Pays by card, personas: [busy-parent]}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "shop.journey.yaml").write_text(SHOP, encoding="utf-8")
    (tmp_path / "maps" / ".journeymap.yaml").write_text("strict: false\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(repo: Path) -> Iterator[Client]:
    started = Client(repo)
    yield started
    assert started.close() == 0


def test_typing_in_the_configuration_judges_the_open_maps_by_it_before_it_is_saved(repo: Path, client: Client):
    shop = (repo / "maps" / "shop.journey.yaml").as_uri()
    config = repo / "maps" / ".journeymap.yaml"
    assert codes(client.open(shop, SHOP)) == ["JM106"]
    assert client.open(config.as_uri(), "strict: false\n") == []
    client.change(config.as_uri(), "ignore: [JM1]\n", 2)
    assert client.diagnostics(config.as_uri(), 2) == []
    assert client.diagnostics(shop) == []
    assert config.read_text(encoding="utf-8") == "strict: false\n"  # nothing written


def test_a_broken_configuration_is_reported_on_itself_with_a_suggestion(repo: Path, client: Client):
    config = (repo / "maps" / ".journeymap.yaml").as_uri()
    found = client.open(config, "strict: true\nselect: [stage-without-kpis]\n")
    assert len(found) == 1
    assert found[0]["severity"] == 1
    assert found[0]["message"] == (
        "select: unknown rule 'stage-without-kpis'; did you mean 'stage-without-kpi'? "
        "(`journeymap rules` lists every rule)"
    )
    client.change(config, "strict: true\nselect: [JM1\n", 2)
    broken = client.diagnostics(config, 2)
    assert [(d["range"]["start"]["line"], d["message"]) for d in broken] == [
        (2, "invalid YAML in the configuration")
    ]


def test_a_configuration_changed_on_disk_judges_the_open_maps_again(repo: Path, client: Client):
    shop = (repo / "maps" / "shop.journey.yaml").as_uri()
    assert codes(client.open(shop, SHOP)) == ["JM106"]
    (repo / "maps" / ".journeymap.yaml").write_text("severity: {missing-phase: error}\n", encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": (repo / "maps" / ".journeymap.yaml").as_uri(), "type": 2}]})
    assert [(d["code"], d["severity"]) for d in client.diagnostics(shop)] == [("JM106", 1)]


@pytest.mark.parametrize("how", ["saved in the editor", "changed on disk"])
def test_a_library_saved_or_changed_on_disk_judges_the_maps_that_use_it_again(repo: Path, client: Client, how: str):
    library = repo / "maps" / "people.library.yaml"
    library.write_text(LIBRARY, encoding="utf-8")
    user = (repo / "maps" / "checkout.journey.yaml").as_uri()
    assert "JM021" not in codes(client.open(user, USER))
    library.write_text(LIBRARY.replace("busy-parent", "parent"), encoding="utf-8")
    if how == "saved in the editor":
        client.notify("textDocument/didSave", {"textDocument": {"uri": library.as_uri()}})
    else:
        client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": library.as_uri(), "type": 2}]})
    assert "JM021" in codes(client.diagnostics(user))


@pytest.mark.parametrize("can", [True, False])
def test_the_server_asks_an_editor_that_can_to_watch_configurations_and_libraries(repo: Path, can: bool):
    client = Client(repo, workspace={"didChangeWatchedFiles": {"dynamicRegistration": can}})
    try:
        client.open((repo / "maps" / "shop.journey.yaml").as_uri(), SHOP)  # the registration comes before
        asked = [m for m in client.notifications if m.get("method") == "client/registerCapability"]
        if not can:
            assert asked == []
            return
        assert len(asked) == 1
        client.send({"id": asked[0]["id"], "result": None})  # the editor agrees; the server goes on
        (registration,) = asked[0]["params"]["registrations"]
        assert registration["method"] == "workspace/didChangeWatchedFiles"
        (watcher,) = registration["registerOptions"]["watchers"]
        inside = watcher["globPattern"].removeprefix("**/{").removesuffix("}").split(",")
        assert inside == [".journeymap.yaml", ".journeymap.yml", "pyproject.toml", "*.library.yaml", "*.library.yml"]
        assert client.result("textDocument/documentSymbol", {"textDocument": {"uri": (repo / "maps" /
                                                             "shop.journey.yaml").as_uri()}})
    finally:
        assert client.close() == 0
