"""What journeymap knows about one file after the pipeline read it: its state, findings, document
and journey. The type apart from `pipeline`, which makes it, so the code that reports, draws or
passes on a result imports the type alone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from journeymap.findings import Finding, NodePath, Severity, stable_node
from journeymap.load import Document
from journeymap.model import Journey

if TYPE_CHECKING:  # only a folder run with lint keeps facts: a picture never loads the lint side
    from journeymap.lint.facts import MapFacts


class State(StrEnum):
    UNREADABLE = "unreadable"
    NOT_A_MAP = "not-a-map"
    INVALID = "invalid"
    VALID = "valid"


@dataclass
class Analysis:
    """One file read as far as it would go (see the module's docstring for the states)."""

    path: str
    state: State
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    journey: Journey | None = None
    problem: str = ""
    linted: bool = False
    kind: str = "map"  # or "library"
    uses: tuple[str, ...] = ()  # the resolved keys of the libraries it uses, directly or not
    facts: MapFacts | None = None  # what the portfolio pass needs of it, kept when slimmed
    # what a baseline matches findings by, kept when slimmed: the map's own id ("" without one; None
    # until known) and each finding's node named by ids (findings.stable_node)
    map_id: str | None = None
    stable_nodes: dict[NodePath, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.state is State.VALID

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def has(self, rule_id: str) -> bool:
        return any(f.rule_id == rule_id for f in self.findings)

    def slim(self, facts: MapFacts | None = None, *, name_nodes: bool = False) -> Analysis:
        """The same verdict without the document and the model, keeping `facts` (what the
        portfolio pass needs of them) when given. With `name_nodes` (a baseline is in use), the
        map's id and the stable nodes of its findings (and of the nodes the cross-map rules may add
        findings to) are kept too, named while the data is here: a baseline would otherwise read
        every file again. Without one they are not named: that was lint's largest share of a
        folder run."""
        facts = facts or self.facts
        map_id, stable = self.map_id, self.stable_nodes
        if map_id is None and name_nodes:  # not slimmed before: name the findings while the data is here
            data = self.document.data if self.document is not None else None
            own_id = data.get("id") if isinstance(data, dict) else None
            map_id = own_id if isinstance(own_id, str) else ""
            nodes = {f.node for f in self.findings} | (facts.nodes() if facts is not None else set())
            stable = {node: stable_node(data, node) for node in nodes}
        return dataclasses.replace(self, document=None, journey=None, facts=facts, map_id=map_id,
                                   stable_nodes=stable)
