"""Presenters: one module per output format, each turning a DiffReport into text for stdout."""

from __future__ import annotations

import importlib
from typing import Protocol

from journeymap.diff.records import DiffReport

FORMATS = ("text", "markdown", "json")


class Presenter(Protocol):
    def __call__(self, report: DiffReport, *, color: bool = False) -> str: ...


def presenter(name: str) -> Presenter:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"journeymap.diff.present.{name}")
    present: Presenter = module.present
    return present
