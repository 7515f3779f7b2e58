"""Broken and hostile maps never make the server fail a request or stop: every request on every
line of them is answered with a result or a clear error, never an internal error."""

from __future__ import annotations

import json
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


# --- malformed messages: each is answered or passed over, and the next request is still answered

SHOP = (Path(__file__).parent.parent / "fixtures" / "lsp" / "shop.journey.yaml").read_text(encoding="utf-8")


def _framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _raw(client: Client, data: bytes) -> None:
    assert client.process.stdin is not None
    client.process.stdin.write(data)
    client.process.stdin.flush()


def _message(fields: dict[str, object]) -> bytes:
    return json.dumps({"jsonrpc": "2.0", **fields}).encode("utf-8")


HOVER = "textDocument/hover"
# name: (body, the id of the error answer (None: JSON-RPC's null), its code); no code: passed over unanswered
MALFORMED: dict[str, tuple[bytes, str | None, int | None]] = {
    "200,000 nested arrays": (b"[" * 200_000, None, -32700),
    "100,000 nested objects": (b'{"a":' * 100_000, None, -32700),
    "nesting inside a request's params": (b'{"jsonrpc":"2.0","id":"d","method":"%s","params":%s%s}'
                                          % (HOVER.encode(), b"[" * 5000, b"]" * 5000), None, -32700),
    "not UTF-8": (b'{"jsonrpc":"2.0","id":"u","method":"%s","params":{"x":"\xff\xfe"}}' % HOVER.encode(), None, -32700),
    "not JSON": (b"{not json", None, -32700),
    "cut-off JSON": (b'{"jsonrpc":"2.0","id":"c","method":', None, -32700),
    "an empty body": (b"", None, -32700),
    "a 5,000-digit number": (b'{"jsonrpc":"2.0","id":"n","method":"x","params":{"a":%s}}' % (b"9" * 5000),
                             None, -32700),
    "an array": (b'[{"jsonrpc":"2.0","id":"a","method":"shutdown"}]', None, -32600),
    "a number": (b"42", None, -32600),
    "a string": (b'"initialize"', None, -32600),
    "null": (b"null", None, -32600),
    "an id that is an object": (_message({"id": {"x": 1}, "method": HOVER, "params": {}}), None, -32600),
    "an id that is true": (_message({"id": True, "method": "shutdown"}), None, -32600),
    "an id that is a fraction": (_message({"id": 1.5, "method": HOVER}), None, -32600),
    "a method that is a number": (_message({"id": "m", "method": 12}), "m", -32600),
    "no method": (_message({"id": "nm", "params": {}}), "nm", -32600),
    "params that are a string": (_message({"id": "p", "method": HOVER, "params": "x"}), "p", -32602),
    "params that are a list": (_message({"id": "l", "method": HOVER, "params": [1, 2]}), "l", -32602),
    "a textDocument that is a number": (_message({"id": "t", "method": HOVER,
                                                  "params": {"textDocument": 5, "position": "x"}}), "t", -32602),
    "a uri that is a list": (_message({"id": "u", "method": HOVER, "params": {"textDocument": {"uri": []}}}),
                             "u", -32602),
    "a position of strings": (_message({"id": "s", "method": HOVER, "params": {
        "textDocument": {"uri": "file:///x.journey.yaml"}, "position": {"line": "1", "character": 0}}}), "s", -32602),
    "a negative position": (_message({"id": "n", "method": HOVER, "params": {
        "textDocument": {"uri": "file:///x.journey.yaml"}, "position": {"line": -1, "character": 0}}}), "n", -32602),
    "a range that is a string": (_message({"id": "r", "method": "textDocument/codeAction", "params": {
        "textDocument": {"uri": "file:///x.journey.yaml"}, "range": "all"}}), "r", -32602),
    "a didChange with a textDocument of null": (_message({"method": "textDocument/didChange",
                                                          "params": {"textDocument": None}}), None, None),
    "a method name of 100,000 characters": (_message({"id": "long", "method": "x" * 100_000}), "long", -32601),
    "a notification with params that are a number": (_message({"method": "textDocument/didOpen", "params": 7}),
                                                       None, None),
    "neither method nor id": (_message({"params": {}}), None, None),
}


@pytest.fixture(scope="module")
def steady(tmp_path_factory: pytest.TempPathFactory):
    """One server that is sent every malformed message in turn, with a map open to ask about after each."""
    folder = tmp_path_factory.mktemp("malformed")
    started = Client(folder)
    uri = (folder / "shop.journey.yaml").as_uri()
    started.open(uri, SHOP)
    yield started, uri
    assert started.close() == 0


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_message_is_answered_or_passed_over_and_the_next_request_answered(steady, name: str):
    client, uri = steady
    body, error_id, code = MALFORMED[name]
    client.notifications.clear()
    _raw(client, _framed(body))
    symbols = client.result("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols][:1] == ["Find"], client.stderr()
    errors = [m for m in client.notifications if "error" in m]
    if code is None:
        assert errors == []
    else:
        assert [(m["id"], m["error"]["code"]) for m in errors] == [(error_id, code)]
        assert len(errors[0]["error"]["message"]) < 300  # says what is wrong without quoting the message back


def test_a_message_over_the_size_limit_is_skipped_unread_and_the_server_goes_on(tmp_path: Path):
    client = Client(tmp_path, "--max-bytes", "1000")  # so the limit is 6 x 1,000 bytes + 1 MiB: 1,054,576
    try:
        uri = (tmp_path / "big.journey.yaml").as_uri()
        text = "# " + "x" * 1_100_000 + "\n" + SHOP
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        body = _message({"method": "textDocument/didOpen", "params": {"textDocument": document}})
        _raw(client, _framed(body))
        response = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        assert response["error"]["code"] == -32602 and "not open" in response["error"]["message"]
        (skipped,) = [m for m in client.notifications if "error" in m]
        assert skipped["id"] is None and skipped["error"]["code"] == -32600
        assert skipped["error"]["message"] == (f"a message of {len(body):,} bytes is over the 1,054,576-byte limit; "
                                               "it is skipped unread")
    finally:
        assert client.close() == 0


def test_blank_lines_between_messages_are_passed_over(tmp_path: Path):
    client = Client(tmp_path)
    _raw(client, b"\r\n\r\n\n")
    assert client.result("shutdown", None) is None
    assert client.close() == 0


@pytest.mark.parametrize(("frame", "said"), [
    (b"Content-Length: lots\r\n\r\n{}", "bad Content-Length header: 'lots'"),
    (b"Content-Length: -5\r\n\r\n{}", "bad Content-Length header: '-5'"),
    (b"Content-Length: 5_0\r\n\r\n{}", "bad Content-Length header: '5_0'"),
    (b"Content-Length: 99999999999999\r\n\r\n{}", "a Content-Length of 99,999,999,999,999 bytes is no message"),
    (b"Content-Type: application/json\r\n\r\n{}", "a message without a Content-Length header"),
])
def test_a_stream_that_cannot_be_resynchronised_ends_the_server_with_one_line(tmp_path: Path, frame: bytes, said: str):
    client = Client(tmp_path)
    _raw(client, frame)
    assert client.process.wait(timeout=10) == 1
    stderr = client.stderr()
    assert said in stderr and "Traceback" not in stderr
    assert stderr.strip().count("\n") == 0
    client.close()


def test_a_stream_cut_off_inside_a_message_ends_the_server_cleanly(tmp_path: Path):
    client = Client(tmp_path)
    _raw(client, b"Content-Length: 100\r\n\r\n{\"jsonrpc\":")
    assert client.process.stdin is not None
    client.process.stdin.close()
    assert client.process.wait(timeout=10) == 1  # no shutdown came first, as the protocol says
    assert "Traceback" not in client.stderr()
    client.close()
