"""Reporters: one module per output format, each turning results into text for stdout."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from journeymap.analysis import Analysis


FORMATS = ("text", "json", "github", "sarif", "junit")


class Reporter(Protocol):
    def __call__(self, results: Sequence[Analysis], *, color: bool = False) -> str: ...


def reporter(name: str) -> Reporter:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"journeymap.report.{name}_format")
    report: Reporter = module.report
    return report
