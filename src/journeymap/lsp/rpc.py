"""JSON-RPC 2.0 messages framed as the Language Server Protocol frames them (`Content-Length`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

# error codes from JSON-RPC and the Language Server Protocol
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_NOT_INITIALIZED = -32002
REQUEST_FAILED = -32803

MAX_MESSAGE = 256 * 2**20  # a header asking for more is refused, never allocated


class RpcError(Exception):
    """An error to answer a request with: the client shows `message` to the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class BadFrame(Exception):
    """The byte stream is not LSP framing; the connection cannot go on."""


class Reader:
    """Buffered reading on top of a function that returns the next chunk of bytes (b"" at the end).

    The server reads standard input's file descriptor with `os.read` rather than through
    `sys.stdin.buffer`: a thread blocked inside a buffered reader holds its lock, and the
    interpreter aborts when it meets that lock on its way out.
    """

    def __init__(self, chunk: Callable[[int], bytes]) -> None:
        self.chunk = chunk
        self.buffer = bytearray()
        self.ended = False

    def _fill(self) -> bool:
        if self.ended:
            return False
        data = self.chunk(65536)
        if not data:
            self.ended = True
            return False
        self.buffer += data
        return True

    def readline(self, limit: int) -> bytes:
        while b"\n" not in self.buffer and len(self.buffer) < limit and self._fill():
            pass
        end = self.buffer.find(b"\n")
        end = min(limit, len(self.buffer)) if end < 0 else end + 1
        line = bytes(self.buffer[:end])
        del self.buffer[:end]
        return line

    def read(self, size: int) -> bytes:
        while len(self.buffer) < size and self._fill():
            pass
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


class Connection:
    """Reads messages from one stream and writes them to another; `send` may be called from any thread."""

    def __init__(self, reader: Reader, writer: BinaryIO) -> None:
        self.reader = reader
        self.writer = writer
        self.lock = threading.Lock()

    def read(self) -> dict[str, Any] | None:
        """The next message; None at the end of the stream. A body that is not JSON raises RpcError."""
        length = None
        while True:
            line = self.reader.readline(65536)
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii", "replace").partition(":")
            if name.strip().lower() == "content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    raise BadFrame(f"bad Content-Length header: {value.strip()[:40]!r}") from None
        if length is None or not 0 <= length <= MAX_MESSAGE:
            raise BadFrame("a message without a usable Content-Length header")
        body = self.reader.read(length)
        if len(body) < length:
            return None
        try:
            message = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise RpcError(PARSE_ERROR, f"the message is not JSON: {exc}") from None
        if not isinstance(message, dict):
            raise RpcError(INVALID_REQUEST, "a message must be a JSON object")
        return message

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self.lock:
            self.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.writer.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def respond(self, request_id: Any, result: Any) -> None:
        self.send({"id": request_id, "result": result})

    def fail(self, request_id: Any, error: RpcError) -> None:
        self.send({"id": request_id, "error": {"code": error.code, "message": error.message}})
