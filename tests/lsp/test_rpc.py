"""The framing and parsing of messages, in-process: whatever bytes a message holds, reading it gives a
message or a clear error, and the next message is read as it was sent."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.lsp import rpc
from journeymap.lsp.rpc import (
    INVALID_REQUEST,
    MAX_DEPTH,
    PARSE_ERROR,
    Connection,
    Reader,
    RpcError,
    deeper_than,
    message_limit,
)
from journeymap.lsp.server import Server


def _framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _connection(data: bytes, chunk: int = 7, max_message: int = 10_000) -> Connection:
    """A connection reading `data` a few bytes at a time, as a pipe may hand it over."""
    stream = io.BytesIO(data)
    return Connection(Reader(lambda size: stream.read(min(size, chunk))), io.BytesIO(), max_message)


NEXT = {"jsonrpc": "2.0", "id": 1, "method": "shutdown"}


@settings(max_examples=300)
@given(body=st.binary(max_size=300) | st.sampled_from([b"[" * 5000, b'{"a":' * 3000, b"\xff", b"null", b"1e999"]))
def test_any_body_is_a_message_or_a_clear_error_and_the_next_one_is_read(body: bytes):
    connection = _connection(_framed(body) + _framed(json.dumps(NEXT).encode()))
    try:
        first = connection.read()
        assert isinstance(first, dict)
    except RpcError as exc:
        assert exc.code in (PARSE_ERROR, INVALID_REQUEST) and len(exc.message) < 300
    assert connection.read() == NEXT
    assert connection.read() is None


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


TRICKY = st.text(alphabet='[]{}"\\ax\n', max_size=8)  # brackets, quotes and backslashes inside strings
VALUES = st.recursive(st.none() | st.integers() | TRICKY,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY, inner, max_size=3),
                      max_leaves=40)


@settings(max_examples=300)
@given(value=VALUES, wrap=st.integers(0, 12), limit=st.integers(0, 12))
def test_the_depth_scan_agrees_with_the_parsed_depth(value: Any, wrap: int, limit: int):
    text = "[" * wrap + json.dumps(value) + "]" * wrap
    assert deeper_than(text.encode("utf-8"), limit) == (_depth(json.loads(text)) > limit)


def test_a_message_nested_deeper_than_the_limit_is_a_parse_error_and_one_at_it_is_read():
    at_limit = b'{"jsonrpc":"2.0","method":"x","params":{"a":%s}}' % (b"[" * (MAX_DEPTH - 2) + b"]" * (MAX_DEPTH - 2))
    assert _connection(_framed(at_limit), max_message=10**6).read() is not None
    over = at_limit.replace(b'"a":', b'"a":[', 1).replace(b"}}", b"]}}")
    with pytest.raises(RpcError, match=f"deeper than {MAX_DEPTH} levels"):
        _connection(_framed(over), max_message=10**6).read()


def test_a_message_over_the_limit_is_skipped_without_being_held_and_the_next_one_read():
    big = _framed(b"x" * 50_000)
    connection = _connection(big + _framed(json.dumps(NEXT).encode()), chunk=4096, max_message=1000)
    with pytest.raises(RpcError, match="50,000 bytes is over the 1,000-byte limit"):
        connection.read()
    assert len(connection.reader.buffer) <= 4096  # said before a byte of it was kept
    assert connection.read() == NEXT


def test_the_limit_fits_a_map_of_the_size_limit_with_every_byte_escaped():
    text = "\x01" * 10_000
    message = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                          "params": {"textDocument": {"uri": "file:///m.journey.yaml", "version": 1, "text": text}}})
    assert len(message) <= message_limit(10_000) and message_limit(10 * 2**20) == 61 * 2**20


def test_a_reader_that_fails_stops_the_server_with_a_line_not_a_deaf_server(capsys: pytest.CaptureFixture[str]):
    def broken(size: int) -> bytes:
        raise MemoryError("simulated")

    server = Server(Connection(Reader(broken), io.BytesIO()))
    assert server.serve() == 1  # returns: the loop was told the reader is gone
    assert "stopping: cannot read the next message: MemoryError: simulated" in capsys.readouterr().err


def test_were_the_scan_to_miss_a_deep_message_the_parsers_recursion_is_still_caught(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(rpc, "MAX_DEPTH", 10**9)  # the scan lets everything through
    with pytest.raises(RpcError) as caught:
        _connection(_framed(b"[" * 200_000), max_message=10**6).read()
    assert caught.value.code == PARSE_ERROR and "too deep" in caught.value.message
