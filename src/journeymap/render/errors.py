"""The error of a picture that could not be drawn: apart, so every renderer (and the theme) can
raise it without importing the package that lists the formats."""

from __future__ import annotations

from journeymap.errors import JourneymapError


class RenderError(JourneymapError):
    """A map could not be drawn. `exit_code` 1: the map is at fault; 2: a tool failed. `node`: the
    path of the value at fault in the map's document, so the message can give its line and column."""

    def __init__(self, message: str, exit_code: int = 2, node: tuple[str | int, ...] | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.node = node
