"""LSP positions (0-based line, character in UTF-16 code units unless agreed otherwise) and ours
(1-based line and column in characters)."""

from __future__ import annotations

from typing import Any

from journeymap.edit.spans import Lines

UTF16 = "utf-16"
UTF32 = "utf-32"


def chosen_encoding(capabilities: dict[str, Any]) -> str:
    """UTF-32 (plain characters, as our columns are) when the client offers it, else UTF-16, which
    every client supports."""
    offered = capabilities.get("general", {}).get("positionEncodings") or []
    return UTF32 if UTF32 in offered else UTF16


class Converter:
    def __init__(self, lines: Lines, encoding: str) -> None:
        self.lines = lines
        self.encoding = encoding

    def position(self, offset: int) -> dict[str, int]:
        line = self.lines.position(offset)[0]
        prefix = self.lines.text[self.lines.begin(line):offset]
        return {"line": line - 1, "character": _units(prefix, self.encoding)}

    def range(self, start: int, end: int) -> dict[str, dict[str, int]]:
        return {"start": self.position(start), "end": self.position(end)}

    def offset(self, position: dict[str, Any]) -> int:
        """The character offset of an LSP position; positions past a line's end stop at its end."""
        line = int(position.get("line", 0))
        wanted = int(position.get("character", 0))
        if line < 0:
            return 0
        if line >= self.lines.count:
            return len(self.lines.text)
        start = self.lines.begin(line + 1)
        text = self.lines.text[start:self.lines.starts[line] + len(self.lines.line_text(line + 1))]
        if self.encoding == UTF32:
            return start + min(max(wanted, 0), len(text))
        units = 0
        for index, char in enumerate(text):
            if units >= wanted:
                return start + index
            units += 2 if ord(char) > 0xFFFF else 1
        return start + len(text)


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32:
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
