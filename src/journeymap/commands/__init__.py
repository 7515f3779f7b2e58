"""The commands, one module each; each adds itself to a typer app with `register(app)`.

cli.py imports a command's module only when that command runs; `journeymap --help` lists them
in this order.
"""

# command name -> module in this package
COMMANDS = {
    "validate": "validate", "schema": "schema", "rules": "rules", "init": "init", "render": "render",
    "show": "show", "serve": "serve", "diff": "diff", "measure": "measure", "import": "importer",
    "export": "export", "site": "site", "fix": "fix", "rename": "rename", "lsp": "lsp",
}
