// Starts `journeymap lsp` for journey maps, their libraries and the configuration; everything else
// is the server's.
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
    // libraries and the configuration are attached too: editing one judges the open maps that
    // depend on it again as you type, and the server reports what is wrong in them
    documentSelector: [
      { scheme: "file", language: "yaml", pattern: "**/*.journey.yaml" },
      { scheme: "file", language: "yaml", pattern: "**/*.journey.yml" },
      { scheme: "file", language: "yaml", pattern: "**/*.library.yaml" },
      { scheme: "file", language: "yaml", pattern: "**/*.library.yml" },
      { scheme: "file", language: "yaml", pattern: "**/.journeymap.yaml" },
      { scheme: "file", language: "yaml", pattern: "**/.journeymap.yml" },
    ],
    // no file watcher here: the server asks for the one it needs (configuration files and
    // libraries changed on disk), as it asks every editor that can watch files
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
