"""Reporters: one module per output format, each turning results into text for stdout."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.baseline import Outcome


FORMATS = ("text", "json", "github", "sarif", "junit")


@dataclass(frozen=True)
class ReportContext:
    """What a run knows beyond its results: where rules are documented (the configuration's
    `docs_url`, None for docs/rules.md) and, with a baseline, which findings it holds back."""

    docs_url: str | None = None
    baseline: Outcome | None = None

    def shown(self, results: Sequence[Analysis]) -> list[Analysis]:
        """The results as the formats that show new findings only print them (text, github, junit)."""
        return self.baseline.only_new(results) if self.baseline is not None else list(results)


NO_CONTEXT = ReportContext()


class Reporter(Protocol):
    def __call__(self, results: Sequence[Analysis], *, color: bool = False,
                 context: ReportContext = NO_CONTEXT) -> str: ...


def reporter(name: str) -> Reporter:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"journeymap.report.{name}_format")
    report: Reporter = module.report
    return report
