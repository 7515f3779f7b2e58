"""Broken and hostile maps never make the server fail a request or stop: every request on every
line of them is answered with a result or a clear error, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lsp.client import Client

BROKEN = {
    "list-root": "- id: a\n- id: b\n",
    "scalar-root": "just text\n",
    "stages-not-a-list": "journeymap: 1\ntitle: T\nstages: 5\nopportunities: {a: 1}\n",
    "items-not-mappings": "journeymap: 1\ntitle: T\nstages: [1, [2], null]\npersonas: [x]\nchannels: [{id: 3}]\n",
    "half-typed": "journeymap: 1\ntitle: T\nstages:\n  - id: s\n    touchpoints:\n      - id: t\n        channel:\n"
                  "        personas: [\n",
    "aliases": "journeymap: 1\ntitle: &t T\nchannels: [&c {id: web, name: W, kind: digital}]\nstages:\n"
               "  - id: s\n    name: *t\n    touchpoints: [{id: t, name: N, channel: web}]\n  - <<: *c\n",
    "tabs-and-controls": "journeymap: 1\ntitle: \"\\x1b[31m\"\nstages:\n\t- id: s\n",
    "unicode": "journeymap: 1\ntitle: 😀 ünïcode\nchannels: [{id: wéb, name: 😀, kind: digital}]\nstages:\n"
               "  - {id: s, name: S, touchpoints: [{id: t, name: N, channel: wéb}]}\n",
    "empty": "",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    started = Client(tmp_path_factory.mktemp("robust"))
    yield started
    assert started.close() == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_every_request_on_every_line_is_answered_without_an_internal_error(client: Client, name: str):
    uri = (Path("/nowhere") / f"{name}.journey.yaml").as_uri()
    text = BROKEN[name]
    diagnostics = client.open(uri, text)
    assert diagnostics or name == "unicode"
    lines = text.split("\n")
    for line, content in enumerate(lines):
        for character in sorted({0, len(content) // 2, len(content)}):
            position = client.at(uri, line, character)
            span = {"start": position["position"], "end": position["position"]}
            for method, params in (
                ("textDocument/completion", position),
                ("textDocument/hover", position),
                ("textDocument/definition", position),
                ("textDocument/references", {**position, "context": {"includeDeclaration": True}}),
                ("textDocument/prepareRename", position),
                ("textDocument/rename", {**position, "newName": "renamed"}),
                ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": span,
                                             "context": {"diagnostics": diagnostics}}),
                ("textDocument/documentSymbol", {"textDocument": {"uri": uri}}),
            ):
                response = client.request(method, params)
                assert response.get("error", {}).get("code") != -32603, (method, line, character, response)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []


def test_a_stream_that_is_not_lsp_ends_the_server_without_a_traceback(tmp_path: Path):
    client = Client(tmp_path)
    assert client.process.stdin is not None
    client.process.stdin.write(b"Content-Length: lots\r\n\r\n{}")
    client.process.stdin.flush()
    assert client.process.wait(timeout=10) == 1
    stderr = client.stderr()
    assert "bad Content-Length header" in stderr and "Traceback" not in stderr
    client.close()
