"""The VS Code extension under editors/vscode: it starts `journeymap lsp`, and it packages with vsce."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, ROOT, have
from tests.lsp.client import Client

EXTENSION = ROOT / "editors" / "vscode"
# runs extension.js with stand-ins for the `vscode` and `vscode-languageclient` modules, and prints
# what it asked the language client to start
HARNESS = r"""
const Module = require("module");
const seen = {};
const stubs = {
  vscode: {
    workspace: {
      getConfiguration: () => ({ get: (key) => ({ path: "", args: [] })[key] }),
      createFileSystemWatcher: (glob) => ({ glob }),
    },
    window: { showErrorMessage: (m) => { seen.error = m; } },
  },
  "vscode-languageclient/node": {
    TransportKind: { stdio: 0 },
    LanguageClient: class {
      constructor(id, name, server, client) { Object.assign(seen, { id, name, server, client }); }
      start() { seen.started = true; return Promise.resolve(); }
      stop() { return Promise.resolve(); }
    },
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request in stubs ? stubs[request] : load.call(this, request, ...rest);
};
const extension = require(process.argv[2]);
extension.activate({ subscriptions: [] }).then(() => console.log(JSON.stringify(seen)));
"""


def manifest() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    return loaded


def test_the_manifest_starts_on_journey_maps_and_names_its_entry_point():
    data = manifest()
    assert "workspaceContains:**/*.journey.yaml" in data["activationEvents"]  # type: ignore[operator]
    assert (EXTENSION / str(data["main"])).is_file()
    assert "vscode-languageclient" in data["dependencies"]  # type: ignore[operator]


def activated(tmp_path: Path) -> dict[str, Any]:
    """What extension.js, activated, asked the language client to start and to watch."""
    (tmp_path / "harness.js").write_text(HARNESS, encoding="utf-8")
    done = subprocess.run(["node", str(tmp_path / "harness.js"), str(EXTENSION / "extension.js")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen


needs_node = pytest.mark.skipif(not have("node"), reason="Node.js is not installed; the extension runs on it")


@needs_node
def test_the_extension_starts_journeymap_lsp_and_the_server_it_starts_answers(tmp_path: Path):
    seen = activated(tmp_path)
    assert seen["started"] and seen["server"] == {"command": "journeymap", "args": ["lsp"], "transport": 0}
    patterns = [s["pattern"] for s in seen["client"]["documentSelector"]]
    assert patterns == ["**/*.journey.yaml", "**/*.journey.yml", "**/*.library.yaml", "**/*.library.yml",
                        "**/.journeymap.yaml", "**/.journeymap.yml"]
    # the language client adds --stdio for this transport: the server must take it
    client = Client(tmp_path, "--stdio")
    assert client.initialized["result"]["serverInfo"]["name"] == "journeymap"
    assert client.close() == 0


def test_the_extension_starts_for_a_workspace_with_only_libraries_or_configuration():
    events = manifest()["activationEvents"]
    for pattern in ("*.library.yaml", "*.library.yml", ".journeymap.yaml", ".journeymap.yml"):
        assert f"workspaceContains:**/{pattern}" in events  # type: ignore[operator]


@needs_node
def test_every_file_the_extension_attaches_is_one_the_server_judges(tmp_path: Path):
    seen = activated(tmp_path)
    # one watcher, the server's (tests/lsp/test_configuration.py): a second would read everything twice
    assert "synchronize" not in seen["client"]
    (tmp_path / ".git").mkdir()
    sound = {
        "journey": (FIXTURES / "lsp" / "shop.journey.yaml").read_text(encoding="utf-8"),
        "library": "journeymap: 1\npersonas:\n  - {id: parent, name: Parent, goals: [Save time]}\n",
        "journeymap": "ignore: [missing-phase]\n",  # the shop map's one finding
    }
    names = [s["pattern"].removeprefix("**/").replace("*", "sample") for s in seen["client"]["documentSelector"]]
    for name in names:
        (tmp_path / name).write_text(sound[name.split(".")[-2]], encoding="utf-8")
    client = Client(tmp_path)
    try:
        for name in names:
            # a sound file of each kind gets no diagnostics: none is judged as something it is not
            assert client.open((tmp_path / name).as_uri(), sound[name.split(".")[-2]]) == [], name
    finally:
        assert client.close() == 0


@pytest.mark.slow
@pytest.mark.skipif(not have("npm"), reason="npm is not installed; packaging the extension needs it "
                    "(scripts/system-deps.sh --test installs it)")
def test_the_extension_packages_with_vsce(tmp_path: Path):
    work = tmp_path / "vscode"
    shutil.copytree(EXTENSION, work, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    for command in (["npm", "ci", "--no-audit", "--no-fund"],
                    ["npm", "run", "package", "--", "--out", str(tmp_path / "journeymap.vsix")]):
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, f"{' '.join(command)}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    with zipfile.ZipFile(tmp_path / "journeymap.vsix") as vsix:
        names = {name if "node_modules" in name else name.lower() for name in vsix.namelist()}
        packaged = json.loads(vsix.read("extension/package.json"))
    assert {"extension/extension.js", "extension/readme.md", "extension/license.txt"} <= names
    assert "extension/node_modules/vscode-languageclient/package.json" in names
    assert not [n for n in names if "node_modules/@vscode/vsce/" in n]  # the packager is not shipped
    assert packaged["name"] == "journeymap" and packaged["main"] == "./extension.js"
