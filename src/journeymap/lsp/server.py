"""The server: open maps, the message loop, debounced diagnostics, and the requests it answers.

One reader thread turns standard input into messages on a queue; the main thread handles them
one at a time, so no two analyses of a file ever race. An edit starts (or restarts) a short
timer per file; when it runs out, a "diagnose" item joins the queue, so a burst of keystrokes
costs one analysis. Requests are answered from the file's text as the editor last sent it,
analysed again only when it changed since. A handler that fails answers with an error and the
server goes on: one broken file never stops it.
"""

from __future__ import annotations

import gc
import os
import queue
import re
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlparse

from journeymap import __version__
from journeymap.analysis import Analysis
from journeymap.config import CONFIG_NAMES, Flags, Lookup, Project, default_project, is_config_name, problem_in
from journeymap.defaults import DEFAULT_MAX_BYTES
from journeymap.edit.spans import Lines
from journeymap.errors import JourneymapError
from journeymap.io.sources import is_library_name
from journeymap.libraries import DiskLibraries, Library, Located
from journeymap.load import Document
from journeymap.lsp import features
from journeymap.lsp.positions import Converter, chosen_encoding
from journeymap.lsp.rpc import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    REQUEST_FAILED,
    SERVER_NOT_INITIALIZED,
    BadFrame,
    Connection,
    Reader,
    RpcError,
    message_limit,
)
from journeymap.pipeline import analyse_bytes, analyse_edit
from journeymap.strings import short

# the files open maps depend on besides themselves: read again when they change on disk
WATCHED = "**/{.journeymap.yaml,.journeymap.yml,pyproject.toml,*.library.yaml,*.library.yml}"
DEFAULT_DEBOUNCE = 0.05  # seconds of quiet after a keystroke before a map is analysed again
_DIAGNOSE = "$/journeymap/diagnose"
_COLLECT_EVERY = 200  # analyses between two full garbage collections


@dataclass
class OpenMap:
    uri: str
    path: str
    text: str
    version: int
    snapshot: features.MapVersion | None = None  # of `text`; None once the text changed
    good: Any = None  # the last Document that parsed
    last: Analysis | None = None  # of the version before
    timer: threading.Timer | None = None


class Server:
    def __init__(
        self, connection: Connection, debounce: float = DEFAULT_DEBOUNCE, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.connection = connection
        self.max_bytes = max_bytes
        self.debounce = debounce
        self.cwd = Path.cwd()
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.maps: dict[str, OpenMap] = {}
        self.libraries = EditorLibraries(self.maps)
        self.projects: dict[str, Project] = {}
        # which configuration holds in each folder, as the commands find it; open configuration
        # files count as the editor has them, saved or not
        self.lookup = Lookup(Flags(), self._unsaved)
        self.told: set[str] = set()  # configuration problems already shown (once each)
        self.encoding = "utf-16"
        self.can_watch = False
        self.initialized = False
        self.analysed = 0
        self.shutting_down = False
        self.requests: dict[str, Callable[[dict[str, Any]], Any]] = {
            "initialize": self.initialize,
            "shutdown": self.shutdown,
            "textDocument/completion": self.completion,
            "textDocument/definition": self.definition,
            "textDocument/references": self.references,
            "textDocument/prepareRename": self.prepare_rename,
            "textDocument/rename": self.rename,
            "textDocument/hover": self.hover,
            "textDocument/codeAction": self.code_action,
            "textDocument/documentSymbol": self.document_symbol,
        }
        self.notifications: dict[str, Callable[[dict[str, Any]], None]] = {
            "initialized": self.watch,
            "textDocument/didOpen": self.did_open,
            "textDocument/didChange": self.did_change,
            "textDocument/didClose": self.did_close,
            "textDocument/didSave": self.did_save,
            "workspace/didChangeWatchedFiles": lambda params: self.reconfigure(),
            _DIAGNOSE: self.diagnose,
        }

    # --- the loop

    def serve(self) -> int:
        """Handle messages until `exit`; 0 after a `shutdown` request, 1 otherwise (as the protocol says)."""
        reader = threading.Thread(target=self._read, name="journeymap-lsp-reader", daemon=True)
        reader.start()
        while True:
            message = self.inbox.get()
            if message is None or message.get("method") == "exit":
                break
            self.handle(message)
        for open_map in self.maps.values():
            if open_map.timer is not None:
                open_map.timer.cancel()
        return 0 if self.shutting_down else 1

    def _read(self) -> None:
        """Messages onto the inbox until the stream ends or cannot go on; then None, so the server stops.
        Whatever happens here ends in None: a reader that died quietly would leave a server that answers
        nothing and never exits."""
        try:
            while (message := self._next()) is not None:
                self.inbox.put(message)
        except (BadFrame, OSError) as exc:
            _log(f"journeymap lsp: stopping: {exc}")
        except Exception as exc:
            _log(f"journeymap lsp: stopping: cannot read the next message: {type(exc).__name__}: {exc}")
        finally:
            self.inbox.put(None)

    def _next(self) -> dict[str, Any] | None:
        """The next readable message; one that cannot be read is answered (its id cannot be known, so
        with none, as JSON-RPC says) and passed over."""
        while True:
            try:
                return self.connection.read()
            except RpcError as exc:
                _log(f"journeymap lsp: passed over a message: {exc.message}")
                self.connection.send({"id": None, "error": {"code": exc.code, "message": exc.message}})

    def handle(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        request_id = message.get("id")
        params = message.get("params")
        is_request = "id" in message
        problem = _misshapen(message)
        if problem is not None:
            _log(f"journeymap lsp: passed over a message: {problem.message}")
            if is_request and "result" not in message and "error" not in message:
                # an id of the wrong type is not one the client can match: answered without one
                self.connection.fail(request_id if _is_id(request_id) else None, problem)
            return
        if not isinstance(method, str):
            return  # a response to something we sent: nothing to do
        params = params or {}
        try:
            if is_request:
                handler = self.requests.get(method)
                if handler is None:
                    raise RpcError(METHOD_NOT_FOUND, f"journeymap lsp does not handle {short(method, 100)}")
                if not self.initialized and method != "initialize":
                    raise RpcError(SERVER_NOT_INITIALIZED, "the server has not been initialized")
                self.connection.respond(request_id, handler(params))
            else:
                notification = self.notifications.get(method)
                if notification is not None:
                    notification(params)
        except RpcError as exc:
            if is_request:
                self.connection.fail(request_id, exc)
            else:
                self.show(exc.message)
        except Exception as exc:
            _log(traceback.format_exc())
            error = RpcError(INTERNAL_ERROR, f"internal error in {method}: {type(exc).__name__}: {exc}")
            if is_request:
                self.connection.fail(request_id, error)
            else:
                self.show(error.message)

    def show(self, message: str, level: int = 1) -> None:
        self.connection.notify("window/showMessage", {"type": level, "message": f"journeymap: {message}"})

    # --- lifecycle

    def initialize(self, params: dict[str, Any]) -> dict[str, Any]:
        capabilities = params.get("capabilities") or {}
        self.encoding = chosen_encoding(capabilities)
        watching = ((capabilities.get("workspace") or {}).get("didChangeWatchedFiles") or {})
        self.can_watch = watching.get("dynamicRegistration") is True
        self.initialized = True
        return {
            "capabilities": {
                "positionEncoding": self.encoding,
                "textDocumentSync": {"openClose": True, "change": 2, "save": {"includeText": False}},
                "completionProvider": {"triggerCharacters": [" ", ",", "["]},
                "definitionProvider": True,
                "referencesProvider": True,
                "renameProvider": {"prepareProvider": True},
                "hoverProvider": True,
                "codeActionProvider": {"codeActionKinds": ["quickfix"]},
                "documentSymbolProvider": True,
            },
            "serverInfo": {"name": "journeymap", "version": __version__},
        }

    def watch(self, params: dict[str, Any]) -> None:
        """Ask the editor to report changes on disk to configuration files and libraries (a
        checkout, another program), which open maps may depend on; only after `initialized`,
        as the protocol allows, and only of an editor that can."""
        if not self.can_watch:
            return
        watcher = {"globPattern": WATCHED}
        registration = {"id": "journeymap-watch", "method": "workspace/didChangeWatchedFiles",
                        "registerOptions": {"watchers": [watcher]}}
        request = {"registrations": [registration]}
        self.connection.send({"id": "journeymap-watch", "method": "client/registerCapability", "params": request})

    def shutdown(self, params: dict[str, Any]) -> None:
        self.shutting_down = True

    # --- documents

    def did_open(self, params: dict[str, Any]) -> None:
        doc = params["textDocument"]
        uri = doc["uri"]
        self.maps[uri] = OpenMap(uri, _path(uri), doc.get("text", ""), int(doc.get("version", 0)))
        self.diagnose({"uri": uri})

    def did_change(self, params: dict[str, Any]) -> None:
        open_map = self._open(params["textDocument"]["uri"])
        for change in params.get("contentChanges", []):
            if "range" in change:
                # the last snapshot's lines are of this text until it changes: a big map's lines
                # are not counted again for every keystroke
                snap = open_map.snapshot
                convert = snap.convert if snap is not None else Converter(Lines(open_map.text), self.encoding)
                open_map.snapshot = None
                start = convert.offset(change["range"]["start"])
                end = convert.offset(change["range"]["end"])
                open_map.text = open_map.text[:start] + change["text"] + open_map.text[end:]
            else:
                open_map.text = change["text"]
        open_map.version = int(params["textDocument"].get("version", open_map.version + 1))
        open_map.snapshot = None
        self._schedule(open_map)
        if is_config_name(_name(open_map.path)):
            # every open map may be judged by this configuration: judge them by its new text
            self._forget_configuration()
            for other in self.maps.values():
                if other is not open_map:
                    other.snapshot = None
                    self._schedule(other)
        elif is_library_name(open_map.path):
            # the maps that use a library are judged by its text in the editor, saved or not
            for other in self.maps.values():
                if other is not open_map and other.last is not None and other.last.uses:
                    other.snapshot = None
                    self._schedule(other)

    def did_close(self, params: dict[str, Any]) -> None:
        open_map = self.maps.pop(params["textDocument"]["uri"], None)
        if open_map is not None:
            if open_map.timer is not None:
                open_map.timer.cancel()
            self.connection.notify("textDocument/publishDiagnostics", {"uri": open_map.uri, "diagnostics": []})

    def did_save(self, params: dict[str, Any]) -> None:
        name = _name(_path(params["textDocument"]["uri"]))
        if name in (*CONFIG_NAMES, "pyproject.toml") or is_library_name(name):
            self.reconfigure()

    def reconfigure(self) -> None:
        """The configuration or a library changed: read them again, and judge every open map by them."""
        self._forget_configuration()
        for uri in list(self.maps):
            self.maps[uri].snapshot = None
            self.diagnose({"uri": uri})

    def _schedule(self, open_map: OpenMap) -> None:
        if open_map.timer is not None:
            open_map.timer.cancel()
        timer = threading.Timer(self.debounce, self.inbox.put, [{"method": _DIAGNOSE, "params": {"uri": open_map.uri}}])
        timer.daemon = True
        open_map.timer = timer
        timer.start()

    def _forget_configuration(self) -> None:
        self.projects.clear()
        self.lookup = Lookup(Flags(), self._unsaved)
        self.told.clear()

    def _unsaved(self, path: Path) -> str | None:
        """The editor's text of a configuration file it has open."""
        wanted = os.path.realpath(path)
        for open_map in self.maps.values():
            if os.path.realpath(open_map.path) == wanted:
                return open_map.text
        return None

    def diagnose(self, params: dict[str, Any]) -> None:
        open_map = self.maps.get(params["uri"])
        if open_map is None:
            return  # closed before its timer ran out
        if is_config_name(_name(open_map.path)):
            found = _config_diagnostics(open_map)
        else:
            found = features.diagnostics(self.snapshot(open_map))
        self.connection.notify(
            "textDocument/publishDiagnostics", {"uri": open_map.uri, "version": open_map.version, "diagnostics": found}
        )
        self._settle()

    def _settle(self) -> None:
        """Keep the garbage collector off the maps the server holds.

        An open 1,000-touchpoint map is a few hundred thousand objects, kept alive from one edit
        to the next; left to itself, the collector scans them again and again while the next edit
        is analysed (half the time of an edit, measured). Frozen, they are skipped; they are
        acyclic, so reference counting still frees them once replaced. Now and then, the few
        cycles that were frozen too are collected, once.
        """
        self.analysed += 1
        if self.analysed % _COLLECT_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def snapshot(self, open_map: OpenMap) -> features.MapVersion:
        if open_map.snapshot is None:
            project = self.project(open_map.path)
            raw = open_map.text.encode("utf-8", "surrogatepass")
            last = open_map.last
            # an edit inside one stage re-reads only that stage (same result, a fraction of the time)
            if last is not None:
                analysis = analyse_edit(last, raw, project, self.libraries)
            else:
                analysis = analyse_bytes(raw, open_map.path, project, self.libraries)
            open_map.last = analysis
            if analysis.document is not None:
                open_map.good = analysis.document
            lines = Lines(open_map.text)
            open_map.snapshot = features.MapVersion(
                open_map.uri, open_map.text, open_map.version, analysis, open_map.good, lines,
                Converter(lines, self.encoding), self.used_libraries(open_map.good, project),
            )
        return open_map.snapshot

    def used_libraries(self, doc: Document | None, project: Project) -> tuple[Library, ...]:
        if doc is None or not doc.data.get("use"):
            return ()
        return tuple(self.libraries.resolve(doc, project.max_bytes).libraries)

    def project(self, path: str) -> Project:
        """The configuration that holds for a map: found from its folder up, as `validate` finds it."""
        folder = str(Path(path).parent) if path.startswith("/") else str(self.cwd)
        if folder not in self.projects:
            try:
                project = self.lookup.project_in(folder)
            except JourneymapError as exc:
                if str(exc) not in self.told:  # once, not at every keystroke in the configuration
                    self.told.add(str(exc))
                    self.show(f"{exc}; using the default rules")
                project = default_project()
            self.projects[folder] = project.with_options(max_bytes=self.max_bytes)
        return self.projects[folder]

    def _open(self, uri: Any) -> OpenMap:
        if not isinstance(uri, str) or uri not in self.maps:
            raise RpcError(INVALID_PARAMS, f"unknown document {str(uri)[:200]}: it is not open (send didOpen first)")
        return self.maps[uri]

    def _request(self, params: dict[str, Any], needs_position: bool = True) -> tuple[features.MapVersion, int]:
        """The snapshot a request is about, and the offset of its position."""
        open_map = self._open((params.get("textDocument") or {}).get("uri"))
        limit = self.project(open_map.path).max_bytes
        size = len(open_map.text.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise RpcError(
                REQUEST_FAILED,
                f"{open_map.path} is {size:,} bytes, larger than the {limit:,}-byte limit; split the map, "
                "or raise max_bytes",
            )
        snap = self.snapshot(open_map)
        offset = snap.convert.offset(params["position"]) if needs_position else 0
        return snap, offset

    # --- requests

    def completion(self, params: dict[str, Any]) -> dict[str, Any]:
        snap, offset = self._request(params)
        return {"isIncomplete": False, "items": features.completion(snap, offset)}

    def definition(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return features.definition(*self._request(params))

    def references(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        include = bool((params.get("context") or {}).get("includeDeclaration", True))
        return features.references(*self._request(params), include)

    def prepare_rename(self, params: dict[str, Any]) -> dict[str, Any]:
        return features.prepare_rename(*self._request(params))

    def rename(self, params: dict[str, Any]) -> dict[str, Any]:
        new = params.get("newName")
        if not isinstance(new, str):
            raise RpcError(INVALID_PARAMS, "rename needs newName")
        return features.rename(*self._request(params), new)

    def hover(self, params: dict[str, Any]) -> dict[str, Any] | None:
        return features.hover(*self._request(params))

    def code_action(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        snap, _ = self._request(params, needs_position=False)
        start = snap.convert.offset(params["range"]["start"])
        end = snap.convert.offset(params["range"]["end"])
        return features.code_actions(snap, start, end, self.project(_path(snap.uri)).today)

    def document_symbol(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        snap, _ = self._request(params, needs_position=False)
        return features.symbols(snap)


class EditorLibraries(DiskLibraries):
    """Libraries read from disk, except those open in the editor: their text as it stands there."""

    def __init__(self, maps: dict[str, OpenMap]) -> None:
        super().__init__()
        self.maps = maps

    def read(self, located: Located, max_bytes: int) -> bytes:
        for open_map in self.maps.values():
            if os.path.realpath(open_map.path) == located.key:
                return open_map.text.encode("utf-8", "surrogatepass")
        return super().read(located, max_bytes)


def _is_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _misshapen(message: dict[str, Any]) -> RpcError | None:
    """What is wrong with the shape of a message, if anything: a request or notification needs a method
    name, a request an integer or string id, params are an object, and the fields requests share have
    their types. A message that is wrong in the rest of its params is the handler's to refuse."""
    method = message.get("method")
    if "method" not in message:
        if "id" in message and ("result" in message or "error" in message):
            return None  # a response
        return RpcError(INVALID_REQUEST, "a message needs a method (or, as a response, an id and a result)")
    if not isinstance(method, str):
        return RpcError(INVALID_REQUEST, f"the method must be a string, not {type(method).__name__}")
    if "id" in message and not _is_id(message["id"]):
        return RpcError(INVALID_REQUEST, f"the id of {short(method, 100)} must be an integer or a string")
    params = message.get("params")
    if not isinstance(params, (dict, type(None))):
        return RpcError(INVALID_PARAMS, f"the params of {short(method, 100)} must be an object")
    problem = _misshapen_params(params or {})
    return None if problem is None else RpcError(INVALID_PARAMS, f"in the params of {short(method, 100)}: {problem}")


def _misshapen_params(params: dict[str, Any]) -> str | None:
    """What is wrong with the fields every request shares, if anything: the handlers can then take a
    document's uri and a position's numbers as given."""
    document = params.get("textDocument", {})
    if not isinstance(document, dict) or not isinstance(document.get("uri", ""), str):
        return "textDocument must be an object with a string uri"
    spots = [("position", params["position"])] if "position" in params else []
    if "range" in params:
        span = params["range"]
        if not isinstance(span, dict):
            return "range must be an object with a start and an end"
        spots += [("range start", span.get("start")), ("range end", span.get("end"))]
    for name, spot in spots:
        if not (isinstance(spot, dict) and all(_is_count(spot.get(key)) for key in ("line", "character"))):
            return f"{name} must be an object with a line and a character, numbers from 0"
    return None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _path(uri: str) -> str:
    """A file URI's path; other URIs (an unsaved buffer) stand for themselves."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _config_diagnostics(open_map: OpenMap) -> list[dict[str, Any]]:
    """A configuration file open in the editor: what is wrong with it, on the line it names (else
    the first line); nothing when it is sound."""
    problem = problem_in(Path(open_map.path), open_map.text)
    if problem is None:
        return []
    message = str(problem).removeprefix(open_map.path)
    line = column = 0
    where = re.match(r":(\d+):(\d+)", message)
    if where:
        line, column = int(where[1]) - 1, int(where[2]) - 1
        message = message[where.end():]
    lines = open_map.text.split("\n")
    end = len(lines[line]) if line < len(lines) else 0
    return [{
        "range": {"start": {"line": line, "character": min(column, end)}, "end": {"line": line, "character": end}},
        "severity": 1, "source": "journeymap", "message": message.removeprefix(":").strip(),
    }]


def _log(text: str) -> None:
    try:
        sys.stderr.write(text.rstrip("\n") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def serve(
    read: Callable[[int], bytes], writer: BinaryIO, debounce: float = DEFAULT_DEBOUNCE,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> int:
    """Serve until the client says `exit`; `read(n)` returns up to n bytes of input, b"" at its end."""
    return Server(Connection(Reader(read), writer, message_limit(max_bytes)), debounce, max_bytes).serve()
