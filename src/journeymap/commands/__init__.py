"""Command groups beyond validate: each module adds its commands to the app with `register(app)`.

They live apart from cli.py so that each command's arguments sit beside the
feature they drive, and so the modules stay light: heavy imports happen inside
the command functions.
"""

COMMAND_MODULES = ("render", "diff", "ecosystem", "site")
