"""JSON-RPC 2.0 messages framed as the Language Server Protocol frames them (`Content-Length`).

Whatever comes in, reading either yields a message, or says why one was unreadable and goes on
to the next (the frame told where it ends), or, when the framing itself is lost and no next
message can be found, says so and ends. A message is refused before it is parsed when it is
larger than the limit (it is skipped without being held) or nested deeper than `MAX_DEPTH`
(Python's parser recurses, and dies, on 200,000 `[`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from itertools import accumulate
from typing import Any, BinaryIO

from journeymap.defaults import DEFAULT_MAX_BYTES

# error codes from JSON-RPC and the Language Server Protocol
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_NOT_INITIALIZED = -32002
REQUEST_FAILED = -32803

MAX_DEPTH = 100  # arrays and objects inside each other; an editor's messages use about ten
MAX_SKIP = 2**30  # a Content-Length above this is a broken stream, not a message to skip
_LENGTH = re.compile(r"[0-9]{1,19}")  # int() would also take "+5", " 5" and "5_0"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and -1 as signed bytes


def message_limit(max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The largest message read: one that carries a map of `max_bytes` fits even if every byte of it is
    escaped (`\\u0001`, six bytes), with a mebibyte for the rest; 61 MiB for the default 10 MiB maps."""
    return 6 * max_bytes + 2**20


MAX_MESSAGE = message_limit()


def deeper_than(body: bytes, limit: int) -> bool:
    """Whether JSON text nests arrays and objects more than `limit` deep, found without parsing it and
    at C speed for an ordinary message (a few bytes operations; a loop only over brackets outside strings)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cannot be deeper, strings or not
    # drop escapes (doubled backslashes first, so in `\\"` the quote still ends its string); then
    # every other piece between two quotes is a string's inside, whose brackets do not count
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[0::2])
    steps = outside.translate(_STEPS, _NOT_BRACKETS)
    return max(accumulate(memoryview(steps).cast("b")), default=0) > limit


class RpcError(Exception):
    """An error to answer a request with: the client shows `message` to the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class BadFrame(Exception):
    """The byte stream is not LSP framing; the connection cannot go on."""


def parse(body: bytes) -> dict[str, Any]:
    """One message from its body; RpcError (a parse error, or an invalid request) when it is not one."""
    if deeper_than(body, MAX_DEPTH):
        raise RpcError(PARSE_ERROR, f"the message nests arrays and objects deeper than {MAX_DEPTH} levels")
    try:
        message = json.loads(body)
    except RecursionError:  # deeper_than should have said so; never let it kill the reader
        raise RpcError(PARSE_ERROR, "the message nests too deep to read") from None
    except ValueError as exc:  # invalid JSON, and not UTF-8 (UnicodeDecodeError is a ValueError)
        raise RpcError(PARSE_ERROR, f"the message is not JSON: {str(exc)[:200]}") from None
    if not isinstance(message, dict):
        raise RpcError(INVALID_REQUEST, f"a message must be a JSON object, not {type(message).__name__}")
    return message


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

    def skip(self, size: int) -> int:
        """Pass over `size` bytes without holding them; how many there were before the end."""
        skipped = min(size, len(self.buffer))
        del self.buffer[:skipped]
        while skipped < size and not self.ended:
            data = self.chunk(min(65536, size - skipped))
            if not data:
                self.ended = True
            skipped += len(data)
        return skipped


class Connection:
    """Reads messages from one stream and writes them to another; `send` may be called from any thread."""

    def __init__(self, reader: Reader, writer: BinaryIO, max_message: int = MAX_MESSAGE) -> None:
        self.reader = reader
        self.writer = writer
        self.max_message = max_message
        self.lock = threading.Lock()
        self.unread = 0  # bytes of a message too large to read, passed over on the next read()

    def read(self) -> dict[str, Any] | None:
        """The next message; None at the end of the stream. A message that cannot be read raises RpcError
        (the next one can); a stream whose framing is lost raises BadFrame."""
        if self.unread:
            size, self.unread = self.unread, 0
            if self.reader.skip(size) < size:
                return None
        length = self._length()
        if length is None:
            return None
        if length > self.max_message:
            # said before it is skipped: a client that never sends those bytes is then not a silent wait
            self.unread = length
            raise RpcError(INVALID_REQUEST, f"a message of {length:,} bytes is over the {self.max_message:,}-byte "
                                            "limit; it is skipped unread")
        body = self.reader.read(length)
        if len(body) < length:
            return None
        return parse(body)

    def _length(self) -> int | None:
        """The Content-Length of the next message's headers; None at the end of the stream."""
        length, lines = None, 0
        while True:
            line = self.reader.readline(65536)
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                if lines:
                    break
                continue  # a blank line between two messages says nothing: pass over it
            lines += 1
            name, _, value = line.decode("ascii", "replace").partition(":")
            if name.strip().lower() == "content-length":
                if not _LENGTH.fullmatch(value.strip()):
                    raise BadFrame(f"bad Content-Length header: {value.strip()[:40]!r}")
                length = int(value)
                if length > MAX_SKIP:
                    raise BadFrame(f"a Content-Length of {length:,} bytes is no message an editor sends")
        if length is None:
            raise BadFrame("a message without a Content-Length header")
        return length

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
