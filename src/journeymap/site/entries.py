"""What the catalog is made of: one entry per map, and the site `build_site` made.

Apart from catalog.py (which builds them) so the pages that draw entries and the code that
builds them import these types one way."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from journeymap.analysis import Analysis, State
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, EXIT_TOOL
from journeymap.findings import Severity
from journeymap.io.sources import Target
from journeymap.model import Journey


@dataclass
class Entry:
    """One map as the catalog shows it."""

    target: Target
    page: str  # file name under maps/
    analysis: Analysis
    refused: str = ""  # why the page could not be drawn, or the file not read

    @property
    def journey(self) -> Journey | None:
        """The map, when it is valid."""
        return self.analysis.journey if self.analysis.valid else None

    @property
    def unreadable(self) -> bool:
        """The file could not be read at all (exit 2, as validate does)."""
        return self.analysis.state is State.UNREADABLE

    @property
    def broken(self) -> bool:
        return self.journey is None or bool(self.refused)

    @property
    def open_pains(self) -> Counter[str]:
        """Open pain points by severity (see `Journey.open_pain_points`)."""
        journey = self.journey
        return Counter(p.severity for p in journey.open_pain_points()) if journey else Counter()

    def count(self, severity: Severity) -> int:
        return self.analysis.count(severity)

    def first_problem(self) -> str:
        """Where and why the map is broken, in one line (`:line:col: message`, or `: reason`)."""
        if self.refused:
            return f": {self.refused}"
        first = self.analysis.findings[0] if self.analysis.findings else None
        return f":{first.line}:{first.column}: {first.message}" if first else ""


@dataclass
class Site:
    """What `build_site` made."""

    entries: list[Entry]

    @property
    def broken(self) -> list[Entry]:
        return [e for e in self.entries if e.broken]

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read, 1 when a map is broken, else 0."""
        if any(e.unreadable for e in self.entries):
            return EXIT_TOOL
        return EXIT_FINDINGS if self.broken else EXIT_OK
