"""A small Language Server Protocol client for the tests: it starts `journeymap lsp` as an editor
would (a subprocess on a pipe) and speaks to it in framed JSON-RPC."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

JOURNEYMAP = Path(sys.executable).parent / "journeymap"


class Client:
    def __init__(
        self, cwd: Path, *args: str, encodings: tuple[str, ...] = ("utf-16",), workspace: dict[str, Any] | None = None
    ) -> None:
        self.process = subprocess.Popen(
            [str(JOURNEYMAP), "lsp", "--debounce", "20", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        capabilities: dict[str, Any] = {"general": {"positionEncodings": list(encodings)}}
        if workspace is not None:  # what an editor says it can do for the workspace
            capabilities["workspace"] = workspace
        self.initialized = self.request("initialize", {"processId": None, "capabilities": capabilities})
        self.notify("initialized", {})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line == b"\r\n":
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 20) -> dict[str, Any]:
        """The whole response (with `result` or `error`); notifications that come first are kept."""
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        while True:
            message = self._next(timeout)
            if message.get("id") == wanted and "method" not in message:
                return message
            self.notifications.append(message)

    def result(self, method: str, params: Any) -> Any:
        response = self.request(method, params)
        assert "error" not in response, response
        return response["result"]

    def _next(self, timeout: float) -> dict[str, Any]:
        message = self.messages.get(timeout=timeout)
        if message is None:
            raise AssertionError(f"the server stopped: {self.stderr()}")
        return message

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 20) -> list[dict[str, Any]]:
        """The next diagnostics published for `uri` (at `version`, if given)."""
        for index, message in enumerate(self.notifications):
            if _is_diagnostics(message, uri, version):
                del self.notifications[index]
                return list(message["params"]["diagnostics"])
        while True:
            message = self._next(timeout)
            if _is_diagnostics(message, uri, version):
                return list(message["params"]["diagnostics"])
            self.notifications.append(message)

    def open(self, uri: str, text: str, version: int = 1) -> list[dict[str, Any]]:
        document = {"uri": uri, "languageId": "yaml", "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return self.diagnostics(uri, version)

    def change(self, uri: str, text: str, version: int) -> None:
        changed = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
        self.notify("textDocument/didChange", changed)

    def at(self, uri: str, line: int, character: int, **more: Any) -> dict[str, Any]:
        return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}, **more}

    def stderr(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        assert self.process.stderr is not None
        return self.process.stderr.read().decode("utf-8", "replace")[-3000:]

    def close(self) -> int:
        if self.process.poll() is None:
            self.request("shutdown", None)
            self.notify("exit", None)
        try:
            return self.process.wait(timeout=10)
        finally:
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


def _is_diagnostics(message: dict[str, Any], uri: str, version: int | None) -> bool:
    if message.get("method") != "textDocument/publishDiagnostics":
        return False
    params = message["params"]
    return bool(params["uri"] == uri and (version is None or params.get("version") == version))
