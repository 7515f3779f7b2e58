// Starts `journeymap lsp` for *.journey.yaml files; everything else is the server's.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions(settings) {
  const command = settings.get("path") || "journeymap";
  const args = ["lsp", ...(settings.get("args") || [])];
  // TransportKind.stdio: the client adds --stdio, which `journeymap lsp` accepts
  return { command, args, transport: TransportKind.stdio };
}

function clientOptions() {
  return {
    documentSelector: [
      { scheme: "file", language: "yaml", pattern: "**/*.journey.yaml" },
      { scheme: "file", language: "yaml", pattern: "**/*.journey.yml" },
    ],
    synchronize: {
      // the server reads the project's configuration again when one of these changes
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{.journeymap.yaml,.journeymap.yml,pyproject.toml}"),
    },
  };
}

function activate(context) {
  const settings = vscode.workspace.getConfiguration("journeymap");
  client = new LanguageClient("journeymap", "journeymap", serverOptions(settings), clientOptions());
  context.subscriptions.push(client);
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `journeymap: could not start \`${settings.get("path") || "journeymap"} lsp\` (${error.message}). ` +
        "Install journeymap (pip install journeymap) or set journeymap.path.",
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverOptions, clientOptions };
