"""`journeymap lsp` driven as an editor drives it: a client on a pipe to the real command."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, run_cli
from tests.lsp.client import Client

SHOP = FIXTURES / "lsp" / "shop.journey.yaml"
TEXT = SHOP.read_text(encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(SHOP, tmp_path / "shop.journey.yaml")
    return tmp_path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """One server for the tests that need no flags of their own (each works on its own files),
    as an editor keeps one server for many maps."""
    started = Client(tmp_path_factory.mktemp("server"))
    yield started
    assert started.close() == 0


@pytest.fixture
def client(server: Client) -> Client:
    assert server.process.poll() is None, server.stderr()
    return server


def uri_of(folder: Path, name: str = "shop.journey.yaml") -> str:
    return (folder / name).as_uri()


def position_of(text: str, needle: str, occurrence: int = 0, inside: int = 0) -> tuple[int, int]:
    """0-based line and character of the start of `needle` (its n-th occurrence), plus `inside`."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    at += inside
    line = text.count("\n", 0, at)
    return line, at - (text.rfind("\n", 0, at) + 1)


def applied(text: str, edits: list[dict[str, Any]]) -> str:
    """The text with LSP text edits made (ASCII text: characters are UTF-16 units)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(pos: dict[str, int]) -> int:
        return starts[pos["line"]] + pos["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]):]
    return text


def test_the_server_starts_says_what_it_can_do_and_stops_cleanly(client: Client):
    capabilities = client.initialized["result"]["capabilities"]
    assert client.initialized["result"]["serverInfo"]["name"] == "journeymap"
    for feature in ("completionProvider", "definitionProvider", "referencesProvider", "renameProvider",
                    "hoverProvider", "codeActionProvider", "documentSymbolProvider"):
        assert capabilities[feature], feature


def test_diagnostics_on_open_are_validates_findings_with_the_same_ids_messages_and_severities(folder: Path,
                                                                                             client: Client):
    text = TEXT.replace("channel: courier", "channel: couier").replace("emotion: 1\n", "emotion: 5\n", 1)
    (folder / "shop.journey.yaml").write_text(text, encoding="utf-8")
    found = client.open(uri_of(folder), text)
    validated = json.loads(run_cli("validate", "--format", "json", str(folder / "shop.journey.yaml")).stdout)
    severities = {"error": 1, "warning": 2, "info": 3}
    assert [(d["code"], d["message"], d["severity"], d["range"]["start"]) for d in found] == [
        (f["rule_id"], f["message"], severities[f["severity"]], {"line": f["line"] - 1, "character": f["column"] - 1})
        for f in validated
    ]


def test_a_diagnostic_spans_exactly_the_value_at_fault(folder: Path, client: Client):
    text = TEXT.replace("channel: courier", "channel: couier  # typo")
    found = client.open(uri_of(folder), text)
    (typo,) = [d for d in found if d["code"] == "JM021"]
    line, character = position_of(text, "couier")
    assert typo["range"] == {"start": {"line": line, "character": character},
                             "end": {"line": line, "character": character + len("couier")}}
    assert "did you mean 'courier'?" in typo["message"]


def test_an_edit_is_diagnosed_again_and_a_fix_clears_the_finding(folder: Path, client: Client):
    uri = uri_of(folder)
    assert [d["code"] for d in client.open(uri, TEXT)] == ["JM106"]
    client.change(uri, TEXT.replace("channel: web\n", "channel: wbe\n", 1), 2)
    assert "JM021" in [d["code"] for d in client.diagnostics(uri, 2)]
    client.change(uri, TEXT, 3)
    assert [d["code"] for d in client.diagnostics(uri, 3)] == ["JM106"]


def test_incremental_changes_are_applied_where_the_editor_says(folder: Path, client: Client):
    """VS Code sends only the changed range (the server asks for incremental sync)."""
    uri = uri_of(folder)
    client.open(uri, TEXT)
    line, character = position_of(TEXT, "web\n")
    typo = {"range": {"start": {"line": line, "character": character + 1},
                      "end": {"line": line, "character": character + 2}}, "text": "b"}
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [typo]})
    (unknown,) = [d for d in client.diagnostics(uri, 2) if d["code"] == "JM021"]
    assert "'wbb'" in unknown["message"] and unknown["range"]["start"] == {"line": line, "character": character}
    back = {**typo, "text": "e"}
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [back]})
    assert [d["code"] for d in client.diagnostics(uri, 3)] == ["JM106"]


def test_the_projects_configuration_holds_as_for_validate(folder: Path):
    (folder / ".journeymap.yaml").write_text("ignore: [missing-phase]\nseverity: {no-evidence: error}\n")
    text = TEXT.replace("        evidence: [interviews]\n", "", 1)
    client = Client(folder)
    try:
        found = client.open(uri_of(folder), text)
    finally:
        assert client.close() == 0
    assert [(d["code"], d["severity"]) for d in found] == [("JM401", 1)]


def test_saving_the_configuration_judges_open_maps_by_it_again(folder: Path, client: Client):
    uri = uri_of(folder)
    assert [d["code"] for d in client.open(uri, TEXT)] == ["JM106"]
    config = folder / ".journeymap.yaml"
    config.write_text("ignore: [missing-phase]\n", encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    assert client.diagnostics(uri, 1) == []


def test_a_yaml_error_mid_edit_keeps_the_server_alive_and_other_maps_diagnosed(folder: Path, client: Client):
    shop, other = uri_of(folder), uri_of(folder, "other.journey.yaml")
    client.open(shop, TEXT)
    client.open(other, TEXT)
    broken = TEXT.replace("    goal: Finds the shop\n", "    goal: [Finds the shop\n")
    client.change(shop, broken, 2)
    (syntax,) = client.diagnostics(shop, 2)
    assert syntax["code"] == "JM001" and syntax["severity"] == 1
    client.change(other, TEXT.replace("channel: web\n", "channel: wbe\n", 1), 2)
    assert "JM021" in [d["code"] for d in client.diagnostics(other, 2)]
    # completion in the broken map still offers the ids of its last readable version
    line, character = position_of(broken, "channel: courier", inside=len("channel: "))
    items = client.result("textDocument/completion", client.at(shop, line, character))["items"]
    assert {"web", "courier"} <= {i["label"] for i in items}


def test_completion_offers_the_maps_ids_where_a_reference_goes(folder: Path, client: Client):
    uri = uri_of(folder)
    text = TEXT.replace("        channel: courier\n", "        channel: \n").replace(
        "        personas: [student]\n", "        personas: [student, ]\n        evidence:\n          - \n"
    )
    client.open(uri, text)

    def labels(needle: str, inside: int) -> list[str]:
        line, character = position_of(text, needle, inside=inside)
        return [i["label"] for i in client.result("textDocument/completion", client.at(uri, line, character))["items"]]

    assert labels("channel: \n", len("channel: ")) == ["web", "courier"]
    assert labels("personas: [student, ]", len("personas: [student, ")) == ["parent", "student"]
    assert labels("          - \n", len("          - ")) == ["interviews"]
    returning = TEXT.replace("  - id: buy\n    name: Buy\n", "  - id: buy\n    name: Buy\n    returns: [f]\n", 1)
    assert returning != TEXT
    client.change(uri, returning, 2)
    line, character = position_of(returning, "returns: [f]", inside=len("returns: [f"))
    items = client.result("textDocument/completion", client.at(uri, line, character))["items"]
    assert [i["label"] for i in items] == ["find", "buy", "receive"]  # validate refuses all but earlier ones
    client.change(uri, text, 3)
    assert labels("phase: awareness", len("phase: ")) == [
        "awareness", "consideration", "decision", "purchase", "onboarding", "usage", "retention", "advocacy"
    ]
    assert labels("severity: high", len("severity: ")) == ["low", "medium", "high", "critical"]
    assert labels("status: planned", len("status: ")) == ["idea", "planned", "in-progress", "done", "dropped"]
    assert labels("kind: digital", len("kind: ")) == ["digital", "physical", "human"]
    assert labels("kind: interview", len("kind: ")) == [
        "interview", "survey", "analytics", "support-tickets", "usability-test", "other"
    ]


def test_go_to_definition_and_find_references_of_an_id(folder: Path, client: Client):
    uri = uri_of(folder)
    client.open(uri, TEXT)
    line, character = position_of(TEXT, "channel: web", occurrence=1, inside=len("channel: w"))
    (definition,) = client.result("textDocument/definition", client.at(uri, line, character))
    assert definition["range"]["start"] == dict(zip(("line", "character"), position_of(TEXT, "web, name"), strict=True))
    found = client.result("textDocument/references",
                          client.at(uri, line, character, context={"includeDeclaration": True}))
    starts = [(r["range"]["start"]["line"], r["range"]["start"]["character"]) for r in found]
    assert starts == [position_of(TEXT, "web, name"), position_of(TEXT, "web\n", 0), position_of(TEXT, "web\n", 1)]


def test_rename_edits_the_id_and_every_reference_and_writes_nothing(folder: Path, client: Client):
    uri = uri_of(folder)
    client.open(uri, TEXT)
    line, character = position_of(TEXT, "parent, student")
    prepared = client.result("textDocument/prepareRename", client.at(uri, line, character))
    assert prepared["placeholder"] == "parent"
    edit = client.result("textDocument/rename", client.at(uri, line, character, newName="busy-parent"))
    renamed = applied(TEXT, edit["changes"][uri])
    shutil.copy(SHOP, folder / "cli.journey.yaml")
    assert run_cli("rename", str(folder / "cli.journey.yaml"), "parent", "busy-parent").exit_code == 0
    assert renamed == (folder / "cli.journey.yaml").read_text(encoding="utf-8")
    assert (folder / "shop.journey.yaml").read_text(encoding="utf-8") == TEXT


@pytest.mark.parametrize(
    ("new", "message"),
    [("Busy Parent", "'Busy Parent' is not a valid id"), ("student", "the persona id 'student' is already taken")],
)
def test_a_rename_to_a_bad_or_taken_id_is_a_clear_error(folder: Path, client: Client, new: str, message: str):
    uri = uri_of(folder)
    client.open(uri, TEXT)
    line, character = position_of(TEXT, "parent, student")
    response = client.request("textDocument/rename", client.at(uri, line, character, newName=new))
    assert response["error"]["code"] == -32803 and message in response["error"]["message"]
    assert (folder / "shop.journey.yaml").read_text(encoding="utf-8") == TEXT


def test_a_request_for_a_file_that_is_not_open_is_a_clear_error(folder: Path, client: Client):
    response = client.request("textDocument/hover", client.at(uri_of(folder, "nowhere.journey.yaml"), 0, 0))
    assert response["error"]["code"] == -32602
    assert "nowhere.journey.yaml" in response["error"]["message"] and "not open" in response["error"]["message"]


def test_a_file_past_the_size_limit_is_diagnosed_and_requests_on_it_refused(folder: Path):
    client = Client(folder, "--max-bytes", "1000")
    try:
        uri = uri_of(folder)
        (too_large,) = client.open(uri, TEXT)
        assert too_large["code"] == "JM004" and "1,000-byte limit" in too_large["message"]
        response = client.request("textDocument/rename", client.at(uri, 6, 9, newName="x"))
        assert response["error"]["code"] == -32803
        assert "larger than the 1,000-byte limit" in response["error"]["message"]
        assert (folder / "shop.journey.yaml").read_text(encoding="utf-8") == TEXT
    finally:
        assert client.close() == 0


def test_hover_shows_the_entity_a_reference_names_a_findings_rule_and_a_fields_description(folder: Path,
                                                                                           client: Client):
    uri = uri_of(folder)
    text = TEXT.replace("channel: courier", "channel: couier")
    client.open(uri, text)

    def hover(needle: str, inside: int = 1) -> str:
        line, character = position_of(text, needle, inside=inside)
        return str(client.result("textDocument/hover", client.at(uri, line, character))["contents"]["value"])

    assert hover("web\n").startswith("**channel** `web`: Website (line 14)")
    unknown = hover("couier")
    assert "**JM021 unknown-reference** (error)" in unknown and "*Why:* A broken reference" in unknown
    assert "**Emotion**" in hover("emotion: -1") and "very negative" in hover("emotion: -1").lower()


def test_code_actions_offer_the_fix_and_a_suppression_comment(folder: Path, client: Client):
    uri = uri_of(folder)
    text = TEXT.replace("channel: courier", "channel: couier").replace("        evidence: [interviews]\n", "", 1)
    diagnostics = client.open(uri, text)
    line, character = position_of(text, "couier")
    span = {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}
    (fix,) = client.result("textDocument/codeAction",
                           {"textDocument": {"uri": uri}, "range": span, "context": {"diagnostics": diagnostics}})
    assert fix["title"] == "Fix: change 'couier' to 'courier'" and fix["kind"] == "quickfix"
    assert fix["isPreferred"] is True  # safe: an editor's "fix all" may apply it
    assert applied(text, fix["edit"]["changes"][uri]) == text.replace("couier", "courier")

    fixed = text.replace("couier", "courier")
    client.change(uri, fixed, 2)
    (no_evidence,) = [d for d in client.diagnostics(uri, 2) if d["code"] == "JM401"]
    actions = client.result("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": no_evidence["range"],
                                                         "context": {"diagnostics": [no_evidence]}})
    (suppress,) = [a for a in actions if a["title"] == "Suppress no-evidence on this line"]
    suppressed = applied(fixed, suppress["edit"]["changes"][uri])
    assert "      - id: sees-ad  # journeymap: ignore[no-evidence]\n" in suppressed
    client.change(uri, suppressed, 3)
    assert "JM401" not in [d["code"] for d in client.diagnostics(uri, 3)]


def test_an_unsafe_fix_is_offered_but_never_preferred(folder: Path, client: Client):
    # 'webb' is close to both 'web' and 'webbsite': the closer one is a guess, offered as such
    text = TEXT.replace("channel: courier", "channel: webb").replace(
        "  - {id: web,", "  - {id: webbsite, name: Webbsite, kind: digital}\n  - {id: web,", 1)
    uri = uri_of(folder)
    diagnostics = client.open(uri, text)
    line, character = position_of(text, "channel: webb", inside=len("channel: "))
    span = {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}
    actions = client.result("textDocument/codeAction",
                            {"textDocument": {"uri": uri}, "range": span, "context": {"diagnostics": diagnostics}})
    fixes = [a for a in actions if a["title"].startswith("Fix")]
    assert len(fixes) == 1 and fixes[0]["isPreferred"] is False
    assert fixes[0]["title"].startswith("Fix (unsafe, changes the meaning): change 'webb' to 'web'")
    assert applied(text, fixes[0]["edit"]["changes"][uri]) == text.replace("channel: webb", "channel: web")


def test_the_outline_lists_stages_with_their_touchpoints(folder: Path, client: Client):
    uri = uri_of(folder)
    client.open(uri, TEXT)
    symbols = client.result("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    outline = [(s["name"], [c["name"] for c in s.get("children", [])]) for s in symbols]
    assert outline == [("Find", ["Sees an ad"]), ("Buy", ["Pays"]), ("Receive", ["Gets the parcel"]),
                       ("Show the fee early", [])]
    buy = symbols[1]
    assert buy["range"]["start"]["line"] < buy["children"][0]["range"]["start"]["line"] <= buy["range"]["end"]["line"]
    assert buy["children"][0]["children"][0]["name"] == "A fee appears at the end"


@pytest.mark.parametrize(("encoding", "shift"), [("utf-16", 2), ("utf-32", 1)])
def test_positions_count_in_the_encoding_agreed_on(folder: Path, encoding: str, shift: int):
    text = TEXT.replace("{id: web, name: Website, kind: digital}", "{id: web, name: Web 😀, kind: digitl}")
    client = Client(folder, encodings=(encoding,))
    try:
        assert client.initialized["result"]["capabilities"]["positionEncoding"] == encoding
        (bad_kind,) = [d for d in client.open(uri_of(folder), text) if d["code"] == "JM010"]
    finally:
        assert client.close() == 0
    line, character = position_of(text, "digitl")
    assert bad_kind["range"]["start"] == {"line": line, "character": character - 1 + shift}


def test_a_message_that_is_not_json_is_answered_and_the_server_goes_on(folder: Path, client: Client):
    body = b"{not json"
    assert client.process.stdin is not None
    client.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    client.process.stdin.flush()
    assert [d["code"] for d in client.open(uri_of(folder), TEXT)] == ["JM106"]
    assert any(m.get("error", {}).get("code") == -32700 for m in client.notifications)
