"""Across the maps of a folder: what no single map can see (run by `journeymap.portfolio`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import PortfolioProblem, PortfolioRule
from journeymap.schema import did_you_mean

if TYPE_CHECKING:  # journeymap.portfolio runs these rules; importing it here would be circular
    from journeymap.lint.facts import Portfolio


def _persona_drift(portfolio: Portfolio, options: Mapping[str, Any]) -> Iterable[PortfolioProblem]:
    first: dict[str, tuple[str, str]] = {}  # persona id -> (fingerprint, where)
    for facts in portfolio.maps:
        for persona in facts.personas:
            known = first.get(persona.id)
            if known is None:
                first[persona.id] = (persona.fingerprint, persona.spot.where())
            elif known[0] != persona.fingerprint:
                yield PortfolioProblem(
                    persona.spot,
                    f"persona '{persona.id}' is defined differently at {known[1]}; define it once in a library "
                    "(*.library.yaml) that both maps `use:`, or give one of them another id",
                )


PERSONA_DRIFT = PortfolioRule(
    RuleInfo(
        id="JM501",
        name="persona-drift",
        severity=Severity.WARNING,
        summary="Two maps define the same persona id differently.",
        rationale="A persona is research about real people; when each map keeps its own copy, the copies drift "
        "and two teams design for two different 'busy parents' while believing they share one.",
        fix="Move the persona into a library file and `use:` it from both maps, or give the two personas "
        "different ids if they are different people.",
    ),
    _persona_drift,
)


def _duplicated_pain_point(portfolio: Portfolio, options: Mapping[str, Any]) -> Iterable[PortfolioProblem]:
    first: dict[str, tuple[str, str, str]] = {}  # normalised title -> (map path, pain id, where)
    for facts in portfolio.maps:
        for pain in facts.pain_points:
            if not pain.title:
                continue
            known = first.get(pain.title)
            if known is None:
                first[pain.title] = (facts.path, pain.id, pain.spot.where())
            elif known[0] != facts.path and known[1] != pain.id:
                yield PortfolioProblem(
                    pain.spot,
                    f"pain point '{pain.id}' ('{pain.text}') is also recorded as '{known[1]}' at {known[2]}; give "
                    f"both the same id so the portfolio counts one pain, felt in two journeys",
                )


DUPLICATED_PAIN_POINT = PortfolioRule(
    RuleInfo(
        id="JM502",
        name="duplicated-pain-point",
        severity=Severity.INFO,
        summary="Two maps record the same pain point under different ids.",
        rationale="The same pain felt in several journeys is a strong signal for prioritising; under two ids it "
        "is counted as two small problems, and fixed twice or not at all.",
        fix="Give the pain point the same id in every map that records it.",
    ),
    _duplicated_pain_point,
)


def _opportunity_status_drift(portfolio: Portfolio, options: Mapping[str, Any]) -> Iterable[PortfolioProblem]:
    first: dict[str, tuple[str, str, str]] = {}  # opportunity id -> (status, map path, where)
    for facts in portfolio.maps:
        for o in facts.opportunities:
            known = first.get(o.id)
            if known is None:
                first[o.id] = (o.status, facts.path, o.spot.where())
            elif known[1] != facts.path and known[0] != o.status:
                yield PortfolioProblem(
                    o.spot,
                    f"opportunity '{o.id}' is '{o.status}' here but '{known[0]}' at {known[2]}; one piece of work "
                    "has one status: keep it in a library both maps `use:`, or bring the statuses in line",
                )


OPPORTUNITY_STATUS_DRIFT = PortfolioRule(
    RuleInfo(
        id="JM503",
        name="opportunity-status-drift",
        severity=Severity.WARNING,
        summary="One opportunity, addressing pain points in several maps, has different statuses in them.",
        rationale="When the same piece of work is 'done' on one map and 'planned' on another, at least one map "
        "lies about whether its customers' pain is resolved.",
        fix="Keep the opportunity in one library that the maps `use:`, or update the stale status.",
    ),
    _opportunity_status_drift,
)


def _orphan_library(portfolio: Portfolio, options: Mapping[str, Any]) -> Iterable[PortfolioProblem]:
    used = {key for facts in portfolio.files for key in facts.uses}
    for library in portfolio.libraries:
        if library.key not in used:
            yield PortfolioProblem(
                library.spot,
                f"library {library.path} is used by no map in this run; `use:` it from the maps it was written "
                "for, or remove it",
            )


ORPHAN_LIBRARY = PortfolioRule(
    RuleInfo(
        id="JM504",
        name="orphan-library",
        severity=Severity.WARNING,
        summary="A library file is used by no map.",
        rationale="A library nobody uses is not checked against any journey; its personas drift out of date "
        "while looking authoritative.",
        fix="Add the library to the `use:` of the maps it serves, or delete it.",
    ),
    _orphan_library,
)


def _unknown_journey(portfolio: Portfolio, options: Mapping[str, Any]) -> Iterable[PortfolioProblem]:
    known = portfolio.by_id()
    for facts in portfolio.maps:
        for link in facts.links:
            if link.target not in known:
                hint = did_you_mean(link.target, sorted(known)) or "; check the id, or add that map"
                yield PortfolioProblem(link.spot, f"{link.what} links to map '{link.target}', which is not among "
                                                  f"the maps checked{hint}")


UNKNOWN_JOURNEY = PortfolioRule(
    RuleInfo(
        id="JM505",
        name="unknown-journey",
        severity=Severity.ERROR,
        summary="A stage or touchpoint links (`journey:`) to a map that does not exist.",
        rationale="A link down to a sub-journey that is not there sends readers nowhere and hides that the "
        "detail was never mapped.",
        fix="Use the `id` of an existing map, or map the sub-journey.",
    ),
    _unknown_journey,
)


def _circular_journeys(portfolio: Portfolio, options: Mapping[str, Any]) -> Iterable[PortfolioProblem]:
    known = portfolio.by_id()
    edges: dict[str, list[str]] = {}
    for map_id, facts in known.items():
        edges[map_id] = sorted({link.target for link in facts.links if link.target in known})
    for circle in cycles(edges):
        shown = " -> ".join([*circle, circle[0]])
        for at, map_id in enumerate(circle):
            after = circle[(at + 1) % len(circle)]
            link = next(link for link in known[map_id].links if link.target == after)
            yield PortfolioProblem(link.spot, f"{link.what} links to '{after}', which leads back here ({shown}); "
                                              "a sub-journey cannot contain the journey it is part of")


CIRCULAR_JOURNEYS = PortfolioRule(
    RuleInfo(
        id="JM506",
        name="circular-journeys",
        severity=Severity.ERROR,
        summary="Maps link to each other as sub-journeys in a circle.",
        rationale="A hierarchy of journeys goes from the whole to its parts; a circle means one of the links "
        "points the wrong way, and navigation up and down never ends.",
        fix="Remove the `journey:` link that points back up the hierarchy.",
    ),
    _circular_journeys,
)

def cycles(edges: dict[str, list[str]]) -> Iterator[list[str]]:
    """Every elementary cycle's nodes once (as found from its smallest node), for small graphs of
    map links: each `journey:` hierarchy is a handful of maps."""
    seen: set[frozenset[str]] = set()
    for start in sorted(edges):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in edges.get(node, []):
                if nxt == start:
                    key = frozenset(trail)
                    if key not in seen:
                        seen.add(key)
                        yield trail
                elif nxt not in trail and nxt > start and len(trail) < 50:
                    stack.append((nxt, [*trail, nxt]))


RULES = (
    PERSONA_DRIFT,
    DUPLICATED_PAIN_POINT,
    OPPORTUNITY_STATUS_DRIFT,
    ORPHAN_LIBRARY,
    UNKNOWN_JOURNEY,
    CIRCULAR_JOURNEYS,
)
