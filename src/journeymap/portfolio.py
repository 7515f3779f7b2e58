"""The portfolio pass: rules across every map and library of a folder run.

After each file went through the pipeline on its own, `check_paths` hands
what the cross-map rules need of each file (`MapFacts`: small, so worker
processes can send it back instead of whole documents) to
`portfolio_findings`, which runs the rules of `lint.rules.across_maps` with the
project's selection, severities and each file's suppression comments.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from journeymap.findings import Finding
from journeymap.lint.engine import silenced
from journeymap.lint.facts import Defined, Link, MapFacts, Pain, Portfolio
from journeymap.lint.rule import Spot
from journeymap.lint.rules import PORTFOLIO_RULES
from journeymap.lint.settings import RuleSettings
from journeymap.load import Document, Path_
from journeymap.model import Journey, own
from journeymap.strings import short

if TYPE_CHECKING:
    from journeymap.analysis import Analysis


def facts_of(analysis: Analysis) -> MapFacts | None:
    """The facts of an analysed file, or None when it was not even read as YAML."""
    doc = analysis.document
    if doc is None:
        return None
    key = os.path.realpath(analysis.path) if analysis.path != "-" else "-"
    facts = MapFacts(analysis.path, analysis.kind, key, uses=analysis.uses, silenced=silenced(doc.text))
    map_id = doc.data.get("id")
    if isinstance(map_id, str):
        facts.map_id = map_id
        facts.id_spot = _spot(doc, ("id",))
    title = doc.data.get("title")
    facts.title = title if isinstance(title, str) else ""
    if analysis.journey is not None:
        _journey_facts(facts, doc, analysis.journey)
    return facts


def _journey_facts(facts: MapFacts, doc: Document, journey: Journey) -> None:
    for persona in own(journey.personas):
        facts.personas.append(Defined(persona.id, _spot(doc, persona.path), _fingerprint(doc, persona.path)))
    for o in own(journey.opportunities):
        # no rule compares opportunities' whole definitions (their status drift is the status'),
        # and a map has many: their fingerprints were a third of a folder run's memory
        facts.opportunities.append(Defined(o.id, _spot(doc, o.path), "", o.status, tuple(o.addresses)))
    for pain in journey.pain_points():
        facts.pain_points.append(Pain(pain.id, normalised(pain.description), short(pain.description, 80),
                                      _spot(doc, pain.path)))
    for stage in journey.stages:
        if stage.journey:
            facts.links.append(Link(stage.journey, _spot(doc, (*stage.path, "journey")), f"stage '{stage.id}'"))
        for t in stage.touchpoints:
            if t.journey:
                facts.links.append(Link(t.journey, _spot(doc, (*t.path, "journey")), f"touchpoint '{t.id}'"))


_NOT_WORDS = re.compile(r"[^\w]+")
# one encoder for every fingerprint: `json.dumps` with options builds a new one at each call
_ENCODE = json.JSONEncoder(sort_keys=True, default=str).encode


def normalised(text: str) -> str:
    """Case, punctuation and spacing folded away: 'Fee shown late!' and 'fee  shown late' match."""
    return " ".join(_NOT_WORDS.sub(" ", text.casefold()).split())


def _spot(doc: Document, node: Path_) -> Spot:
    line, column = doc.position(node)
    return Spot(doc.path, line, column, node)


def _fingerprint(doc: Document, node: Path_) -> str:
    value: Any = doc.data
    for part in node:
        value = value[part]
    return _ENCODE(value)


def portfolio_findings(files: Sequence[MapFacts], config: RuleSettings) -> dict[str, list[Finding]]:
    """The cross-map rules' findings, by the path of the file each is in."""

    portfolio = Portfolio(list(files))
    holders = {f.path: f for f in files}
    out: dict[str, list[Finding]] = {}
    for rule in PORTFOLIO_RULES:
        info = rule.info
        if info.id not in config.enabled:
            continue
        options = {**info.options, **config.options.get(info.id, {})}
        severity = config.severity.get(info.id, info.severity)
        for problem in rule.check(portfolio, options):
            spot = problem.spot
            holder = holders.get(spot.path)
            if holder is not None and holder.silenced.covers(info.id, spot.line):
                continue
            out.setdefault(spot.path, []).append(
                Finding(spot.path, spot.line, spot.column, severity, info.id, info.name, problem.message, spot.node)
            )
    return out
