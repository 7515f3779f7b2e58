"""The commands, one module each; each adds itself to the app with `register(app)`.

cli.py only assembles them, in the order `journeymap --help` lists them.
"""

COMMAND_MODULES = (
    "validate", "schema", "rules", "init", "render", "show", "serve", "diff", "measure", "importer", "export",
    "site", "fix", "rename", "lsp",
)
