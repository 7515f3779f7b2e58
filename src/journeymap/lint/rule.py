"""What a lint rule is: metadata plus a pure check function.

A check looks at one valid journey and yields Problems (where, and what is
wrong). It never deals with configuration, severity overrides or suppression
comments: the engine does, so every rule stays a small pure function.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeymap.findings import RuleInfo, Severity
from journeymap.load import Document, Path_
from journeymap.model import Journey

if TYPE_CHECKING:
    from journeymap.measures import MeasuresSnapshot


@dataclass(frozen=True)
class Context:
    doc: Document
    journey: Journey
    today: datetime.date
    # what `journeymap measure` found for this map, when `validate --measures` names one:
    # the rules that judge a map against data need it
    measures: MeasuresSnapshot | None = None


@dataclass(frozen=True)
class Problem:
    """A rule's verdict on one node.

    `key` points the finding at a key (e.g. the `emotion` of a touchpoint)
    rather than at the node's value; `severity` overrides the rule's default for
    this one problem (a critical pain point nobody addresses is an error).
    """

    path: Path_
    message: str
    severity: Severity | None = None
    key: bool = False


Check = Callable[[Context, Mapping[str, Any]], Iterable[Problem]]


@dataclass(frozen=True)
class JourneyRule:
    """A rule over one valid journey (a `PortfolioRule` looks across the maps of a folder)."""

    info: RuleInfo
    check: Check


@dataclass(frozen=True, slots=True)
class Spot:
    """A node in one file of a portfolio, with its position (the portfolio pass has no documents)."""

    path: str
    line: int
    column: int
    node: Path_ = ()

    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class PortfolioProblem:
    """A cross-map rule's verdict on one node of one file."""

    spot: Spot
    message: str


PortfolioCheck = Callable[[Any, Mapping[str, Any]], Iterable[PortfolioProblem]]


@dataclass(frozen=True)
class PortfolioRule:
    """A rule over every map and library of a folder run (`journeymap.portfolio`), not one journey;
    its check is given the `Portfolio` and the rule's options."""

    info: RuleInfo
    check: PortfolioCheck
