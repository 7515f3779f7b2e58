"""Graphviz diagrams: the DOT source, built here as text, and `dot` run safely.

Layout: one cluster per stage, left to right in journey order. Each stage
starts with an invisible cap node; the caps share a rank and are chained in
order, and no edge joins two stages but that chain, so `dot`'s crossing
minimisation has nothing to gain by moving a stage: the map's order is kept
in every layout, and the frames' tops line up (the caps are all alike).
Inside a stage the touchpoints form one straight column, each filled with its
emotion and showing its channel and score; its pain points sit beside it in
the same row as notes with a severity strip, and the opportunities beside
the pain point they address, with owner and status. A map of one stage is
laid out across instead: touchpoints left to right, notes below them. The
title, personas, owner and a legend form the graph's label.

An opportunity that addresses pain points in other stages is drawn once, at
the first; the others are not joined by an edge, which would cross the
stages between (and let `dot` reorder them to shorten it): both ends carry a
shared label instead, the opportunity's number ("O3") on the opportunity and
"addressed by O3 · stage 1" on each pain point it addresses elsewhere.

Safety: node ids are generated (`t1`, `p1`, `o1`), never map text; map text
only ever appears inside HTML-like labels, escaped by `text.dot_html`; no
URL, tooltip, image or font attribute is ever taken from a map.

Layout time: Graphviz's time explodes with edges between clusters (FACTS).
Ours are only the stage-to-stage flow, one a stage. `dot` runs with a timeout
and memory and CPU limits, and with file loading disabled.

Even so, a map can defeat the layout (FACTS: "trouble in init_rank", runs of
minutes). `dot_source(journey, simple=True)` is the fallback `draw` draws
then: the same stages, touchpoints, pain points and opportunities, but no edge
that crosses a stage (each stage stands on its own, in order), each
opportunity linked only to the first pain point it addresses, straight lines,
and Graphviz's own iteration limits on ranking and crossing minimisation, so
its time stays close to linear in the number of nodes.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from journeymap.errors import JourneymapError
from journeymap.model import Journey, Kpi, Opportunity, PainPoint, Stage, Touchpoint
from journeymap.render import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT, RenderError
from journeymap.render.confine import limit_resources, stopped_by_signal
from journeymap.render.palette import (
    EMOTION,
    INK,
    MUTED,
    RULE,
    UNKNOWN_EMOTION,
    emotion_score,
    emotion_swatch,
    severity_swatch,
    status_swatch,
)
from journeymap.render.text import FONT_CHAIN, clean, display_width, dot_html, html_text, wrapped
from journeymap.render.theme import DEFAULT as DEFAULT_THEME
from journeymap.render.theme import Theme
from journeymap.strings import short

INSTALL_HINT = "sudo apt-get install graphviz"
# a comma-separated list reaches Pango as a fallback chain (see text.FONT_CHAIN)
FONT = ",".join(FONT_CHAIN)
_OPPORTUNITY_FILL = "#e6f4f1"
_OPPORTUNITY_LINE = "#0f766e"
_NOTE_FILL = "#fffaf0"


class GraphvizMissing(JourneymapError):
    """`dot` is not installed (exit 2): the message says how to install it."""


# Graphviz's knobs for bounded layout work: few network-simplex iterations, a short
# crossing-minimisation search, no second crossing pass, and straight edges
SIMPLE_LAYOUT = "nslimit=2, nslimit1=2, mclimit=0.2, searchsize=20, remincross=false, splines=line, "


STAGE, TOUCHPOINT, PAIN_POINT, OPPORTUNITY = "stage", "touchpoint", "pain point", "opportunity"


@dataclass(frozen=True)
class Mark:
    """How a picture built on the diagram (the visual diff) singles out one entity, without
    editing the DOT text: `attributes` (DOT, written by journeymap, never map text) come after
    the node's or stage cluster's own, so they win; `note` (plain text, escaped here) is added
    as the last line of the node's label, in `note_color`."""

    attributes: str = ""
    note: str = ""
    note_color: str = INK


Marks = Mapping[tuple[str, str], Mark]  # (STAGE | TOUCHPOINT | PAIN_POINT | OPPORTUNITY, id) -> mark


def dot_source(
    journey: Journey,
    *,
    simple: bool = False,
    marks: Marks | None = None,
    header_rows: Sequence[str] = (),
    theme: Theme | None = None,
) -> str:
    """The DOT text of the diagram. Deterministic: the same map gives the same text. `simple`:
    the fallback layout with no edges between stages (see the module's docstring). `marks`
    restyle entities; `header_rows` are rows (DOT HTML-like `<TD>` content, escaped by the
    caller) added under the title, such as a legend of the marks. `theme` colours the paper,
    the stage boxes and the text around the nodes (the nodes keep their palettes)."""
    return _Builder(journey, simple, marks or {}, header_rows, theme).build()


@dataclass(frozen=True)
class Source:
    """DOT text and the ids it gave the map's entities, which `accessible_svg` needs to name the
    drawn nodes: kept together so that drawing a diagram builds its text once."""

    text: str
    ids: Mapping[tuple[str, str], str]


def diagram_source(journey: Journey, *, simple: bool = False, theme: Theme | None = None) -> Source:
    """`dot_source(journey, simple=simple, theme=theme)` with the ids it generated."""
    builder = _Builder(journey, simple, {}, (), theme)
    return Source(builder.build(), builder.ids)


class _Builder:
    def __init__(
        self,
        journey: Journey,
        simple: bool = False,
        marks: Marks | None = None,
        header_rows: Sequence[str] = (),
        theme: Theme | None = None,
    ) -> None:
        self.journey = journey
        self.theme = theme if theme is not None and theme != DEFAULT_THEME else None
        self.muted = self.theme.muted if self.theme else MUTED
        self.simple = simple
        self.marks = marks or {}
        self.header_rows = header_rows
        self.out: list[str] = []
        self.ids: dict[tuple[str, str], str] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self.stage_of_pain = {p.id: p.stage_id for p in journey.pain_points()}
        known = set(self.stage_of_pain)
        self.anchored: dict[str, list[Opportunity]] = defaultdict(list)
        self.unlinked: list[Opportunity] = []
        for opportunity in journey.opportunities:
            targets = [a for a in opportunity.addresses if a in known]
            if targets:
                self.anchored[targets[0]].append(opportunity)
            else:
                self.unlinked.append(opportunity)
        self.number_of_stage = {s.id: n for n, s in enumerate(journey.stages, start=1)}
        self.across = len(journey.stages) == 1  # one stage: touchpoints left to right, notes below
        self.links, self.not_drawn, self.elsewhere = self.other_links()
        self.group = ""  # the stage being written: its touchpoints' group
        self.details_rows: dict[tuple[str | None, int | None], str] = {}
        self.personas_rows: dict[tuple[str, ...], str] = {}

    def other_links(self) -> tuple[list[tuple[str, str]], dict[str, int], dict[str, list[Opportunity]]]:
        """Links from opportunities to the pain points they address beyond the first (which places
        them): (opportunity id, pain point id) pairs drawn as edges, inside one stage; per
        opportunity how many the simple layout leaves out; and per pain point the opportunities
        in other stages that address it, which get a shared label instead of an edge."""
        links: list[tuple[str, str]] = []
        not_drawn: dict[str, int] = defaultdict(int)
        elsewhere: dict[str, list[Opportunity]] = defaultdict(list)
        for opportunity in self.journey.opportunities:
            targets = [a for a in opportunity.addresses if a in self.stage_of_pain]
            for target in targets[1:]:
                if self.simple:  # the fallback draws each opportunity at its first pain point only
                    not_drawn[opportunity.id] += 1
                elif self.stage_of_pain[target] != self.stage_of_pain[targets[0]]:
                    if opportunity not in elsewhere[target]:
                        elsewhere[target].append(opportunity)
                else:
                    links.append((opportunity.id, target))
        return links, not_drawn, elsewhere

    def opportunity_number(self, opportunity: Opportunity) -> int:
        return self.journey.opportunities.index(opportunity) + 1

    def crosses_stages(self, opportunity: Opportunity) -> bool:
        return any(opportunity in found for found in self.elsewhere.values())

    @property
    def graph_ink(self) -> str:
        return f'fontcolor="{self.theme.ink}", ' if self.theme else ""

    @property
    def font(self) -> str:
        return f"{self.theme.font},{FONT}" if self.theme and self.theme.font else FONT

    def node_id(self, kind: str, key: str) -> str:
        """Generated ids: map ids are valid DOT ids, but map text never becomes DOT syntax."""
        if (kind, key) not in self.ids:
            self.counts[kind] += 1
            self.ids[(kind, key)] = f"{kind}{self.counts[kind]}"
        return self.ids[(kind, key)]

    def build(self) -> str:
        out = self.out
        out += [
            "// Journey map diagram written by journeymap. Render it with: dot -Tsvg FILE",
            "digraph journey {",
            f'  graph [charset="UTF-8", fontname="{self.font}", newrank=true, compound=true, '
            f'{SIMPLE_LAYOUT if self.simple else ""}'
            "nodesep=0.22, ranksep=0.28, "
            f'pad=0.35, bgcolor="{self.theme.paper if self.theme else "white"}", labelloc=t, labeljust=l, '
            f"{self.graph_ink}label=<{self.header()}>];",
            f'  node [fontname="{self.font}", fontsize=10, fontcolor="{INK}", shape=box, style="rounded,filled", '
            f'color="#52606d", penwidth=1, margin="0.14,0.07", width=2.1];',
            f'  edge [fontname="{self.font}", color="{self.muted}", arrowsize=0.7];',
        ]
        heads: list[str] = []
        firsts: list[str] = []
        shape = _LabelShape.of(self.journey.stages)
        for number, stage in enumerate(self.journey.stages, start=1):
            cap, first = self.stage(number, stage, shape)
            heads.append(cap)
            firsts.append(first)
        self.extra_links()
        self.continues(firsts)
        flow = self.flow_between_stages(heads)
        if self.unlinked:
            unlinked = self.unlinked_cluster()  # drawn even when the map has no stages
            if heads:
                flow.append(f"{heads[-1]} -> {unlinked} [style=invis];")
        if flow:
            out.append(f"  {{ rank=same; {' '.join(flow)} }}")
        out.append("}")
        return "\n".join(out) + "\n"

    # -- the header: title, personas, owner, legend --------------------------------------------

    def header(self) -> str:
        j = self.journey
        rows = [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="24"><B>{_lines(j.title, 60)}</B></FONT></TD></TR>']
        if j.description:
            description = _lines(j.description, 110, 3)
            rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="12">{description}</FONT></TD></TR>')
        facts = []
        if j.personas:
            facts.append("For: " + " · ".join(dot_html(p.name) for p in j.personas))
        if j.owner:
            facts.append(f"Owner: {dot_html(j.owner)}")
        if j.last_reviewed:
            facts.append(f"Last reviewed: {dot_html(j.last_reviewed)}")
        if facts:
            rows.append(
                f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="11" COLOR="{self.muted}">'
                f'{"     ".join(facts)}</FONT></TD></TR>'
            )
        rows.append(f'<TR><TD ALIGN="LEFT">{_legend(self.muted)}</TD></TR>')
        rows += (f'<TR><TD ALIGN="LEFT">{row}</TD></TR>' for row in self.header_rows)
        return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">{"".join(rows)}</TABLE>'

    # -- stages ------------------------------------------------------------------------------------

    def stage(self, number: int, stage: Stage, shape: _LabelShape) -> tuple[str, str]:
        """Write one stage's cluster; return its cap, the invisible node at its top that the stages'
        order hangs on, and its first visible node."""
        out = self.out
        cid = self.node_id("s", stage.id)
        out.append(f"  subgraph cluster_{cid} {{")
        out.append(
            f'    graph [label=<{_stage_label(number, stage, shape, self.muted)}>, labeljust=l, '
            f'style="rounded,filled", fillcolor="#f5f7fa", color="{RULE}", penwidth=1.2, margin=14];'
        )
        if self.theme:
            t = self.theme
            out.append(f'    graph [fillcolor="{t.panel}", color="{t.rule}", fontcolor="{t.ink}"];')
        mark = self.marks.get((STAGE, stage.id))
        if mark is not None and mark.attributes:
            out.append(f"    graph [{mark.attributes}];")
        # every cap is alike and they share a rank: the frames' tops line up whatever the first
        # touchpoints' heights, and the journey's arrows run between the caps
        cap = f"{cid}c"
        out.append(f'    {cap} [label="", shape=point, style=invis, width=0.01, height=0.01];')
        if not stage.touchpoints:
            empty = f"{cid}e"
            out.append(
                f'    {empty} [label=<<I>no touchpoints yet</I>>, style="rounded,dashed", color="{MUTED}", '
                f'fontcolor="{MUTED}"];'
            )
            out.append(f"    {cap} -> {empty} [style=invis];")
            out.append("  }")
            return cap, empty
        previous, below = cap, False
        self.group = cid
        row: list[str] = []
        for touchpoint in stage.touchpoints:
            tid = self.touchpoint(touchpoint)
            if self.across:
                # one stage: touchpoints left to right, each one's notes hanging below it
                row.append(tid)
                if previous != cap:
                    out.append(f"    {previous} -> {tid} [weight=8, penwidth=1.4];")
                else:
                    out.append(f"    {cap} -> {tid} [style=invis];")
            else:
                # straight down the column; a row further when the opportunities under the previous
                # touchpoint's pain points need it
                style = "style=invis" if previous == cap else "weight=8, penwidth=1.4"
                out.append(f"    {previous} -> {tid} [{style}, minlen={2 if below else 1}];")
            previous = tid
            pains = [self.pain_point(tid, pain) for pain in touchpoint.pain_points]
            below = any(self.anchored.get(p.id) for p in touchpoint.pain_points)
            if pains and not self.across:
                # the pain points beside their touchpoint, in its row: the column of touchpoints stays
                # straight, and each pain point's opportunities sit under it
                out.append(f"    {{ rank=same; {tid}; {'; '.join(pains)}; }}")
        if row:
            out.append(f"    {{ rank=same; {'; '.join(row)}; }}")
        out.append("  }")
        return cap, self.node_id("t", stage.touchpoints[0].id)

    def touchpoint(self, touchpoint: Touchpoint) -> str:
        """Write a touchpoint's node, in its stage's group: Graphviz keeps a group's edges straight,
        so the stage's touchpoints stay one column whatever hangs beside them."""
        tid = self.node_id("t", touchpoint.id)
        swatch = emotion_swatch(touchpoint.emotion)
        rows = [
            f'<TR><TD BALIGN="CENTER"><B>{_lines(touchpoint.name, 24)}</B></TD></TR>',
            self.details_row(touchpoint.channel, touchpoint.emotion),
        ]
        personas = self.personas_row(touchpoint.personas)
        if personas:
            rows.append(personas)
        style = '"rounded,filled,dashed"' if touchpoint.emotion is None else '"rounded,filled"'
        mark = self.marks.get((TOUCHPOINT, touchpoint.id))
        self.out.append(
            f'    {tid} [label=<{_table(rows + _note_rows(mark))}>, fillcolor="{swatch.fill}", '
            f'fontcolor="{swatch.ink}", style={style}, group={self.group}{_extra(mark)}];'
        )
        return tid

    # A map has a few channels, six feelings and a few persona groups, so most touchpoints repeat
    # the rows of another: each is wrapped and escaped once (it is most of the time spent on a node)

    def details_row(self, channel: str | None, emotion: int | None) -> str:
        key = (channel, emotion)
        if key not in self.details_rows:
            details = "<BR/>".join(dot_html(line) for line in _details(
                self.channel_name(channel), f"feeling {emotion_score(emotion)}", 34))
            self.details_rows[key] = f'<TR><TD><FONT POINT-SIZE="8">{details}</FONT></TD></TR>'
        return self.details_rows[key]

    def personas_row(self, persona_ids: Sequence[str]) -> str:
        key = tuple(persona_ids)
        if key not in self.personas_rows:
            personas = self.journey.persona_names(persona_ids)
            self.personas_rows[key] = (
                f'<TR><TD><FONT POINT-SIZE="8">for {_lines(personas, 32)}</FONT></TD></TR>' if personas else ""
            )
        return self.personas_rows[key]

    def pain_point(self, tid: str, pain: PainPoint) -> str:
        """Write a pain point and the opportunities it places; return the pain point's node id."""
        pid = self.node_id("p", pain.id)
        swatch = severity_swatch(pain.severity)
        rows = [
            f'<TR><TD ALIGN="LEFT" BGCOLOR="{swatch.fill}"><FONT POINT-SIZE="7" COLOR="{swatch.ink}">'
            f"<B> {swatch.word.upper()} </B></FONT></TD></TR>",
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{_lines(pain.description, 28, 7)}</TD></TR>',
        ]
        for opportunity in self.elsewhere.get(pain.id, []):
            first = next(a for a in opportunity.addresses if a in self.stage_of_pain)
            where = self.number_of_stage.get(self.stage_of_pain[first], 0)
            rows.append(
                f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{_OPPORTUNITY_LINE}"><B>'
                f"addressed by O{self.opportunity_number(opportunity)} · stage {where}</B></FONT></TD></TR>"
            )
        width = {"critical": 2.6, "high": 1.8}.get(pain.severity, 1.1)
        mark = self.marks.get((PAIN_POINT, pain.id))
        self.out.append(
            f'    {pid} [label=<{_table(rows + _note_rows(mark))}>, shape=note, style=filled, '
            f'fillcolor="{_NOTE_FILL}", color="{swatch.fill}", penwidth={width}, fontsize=9, width=1.9, '
            f'margin="0.08,0.05"{_extra(mark)}];'
        )
        self.out.append(f'    {tid} -> {pid} [style=dashed, arrowhead=none, color="{swatch.fill}", weight=2];')
        for opportunity in self.anchored.get(pain.id, []):
            oid = self.opportunity(opportunity)
            self.out.append(f'    {pid} -> {oid} [dir=back, color="{_OPPORTUNITY_LINE}", weight=2];')
        return pid

    def opportunity(self, opportunity: Opportunity) -> str:
        oid = self.node_id("o", opportunity.id)
        status = status_swatch(opportunity.status)
        owner = dot_html(opportunity.owner) or "no owner yet"  # an owner of only spaces is no owner
        description = _lines(opportunity.description, 28, 7)
        if opportunity.status == "dropped":  # as the poster shows it: kept for the record, struck through
            description = f"<S>{description}</S>"
        if self.crosses_stages(opportunity):  # the label its pain points in other stages point back to
            description = (f'<FONT COLOR="{_OPPORTUNITY_LINE}"><B>O{self.opportunity_number(opportunity)}</B></FONT> '
                           f"{description}")
        rows = [
            f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT">{description}</TD></TR>',
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{MUTED}">{owner}</FONT></TD>'
            f'<TD ALIGN="RIGHT" BGCOLOR="{status.fill}"><FONT POINT-SIZE="7" COLOR="{status.ink}">'
            f"<B> {status.word.upper()} </B></FONT></TD></TR>",
        ]
        missing = self.not_drawn.get(opportunity.id, 0)
        if missing:
            note = f"also addresses {missing} pain point{'s' if missing > 1 else ''} more (not drawn)"
            rows.append(
                f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="7" COLOR="{MUTED}">{note}</FONT></TD></TR>'
            )
        mark = self.marks.get((OPPORTUNITY, opportunity.id))
        self.out.append(
            f'    {oid} [label=<{_table(rows + _note_rows(mark, span=2))}>, shape=box, style="rounded,filled", '
            f'fillcolor="{_OPPORTUNITY_FILL}", color="{_OPPORTUNITY_LINE}", fontsize=9, width=1.9, '
            f'margin="0.08,0.05"{_extra(mark)}];'
        )
        return oid

    # -- edges between stages ---------------------------------------------------------------------

    def flow_between_stages(self, heads: list[str]) -> list[str]:
        """The stages' caps chained left to right in a shared rank (invisible), which is what keeps
        the stages in order. The journey's arrows are written apart (`continues`): a flat edge
        between two caps is not clipped at the frames by Graphviz."""
        return [f"{head} -> {next_head} [style=invis];" for head, next_head in itertools.pairwise(heads)]

    def continues(self, firsts: list[str]) -> None:
        """The journey continues from stage to stage: an arrow from each stage's frame to the
        next one's first node, clipped at both frames, so it spans the gap between two
        neighbours and crosses no other stage. None in the simpler layout."""
        if self.simple:
            return
        for (stage, _), (following, first) in itertools.pairwise(zip(self.journey.stages, firsts, strict=True)):
            tail_cluster, head_cluster = self.node_id("s", stage.id), self.node_id("s", following.id)
            self.out.append(
                f"  {self.node_id('s', stage.id)}c -> {first} [ltail=cluster_{tail_cluster}, "
                f"lhead=cluster_{head_cluster}, constraint=false, penwidth=1.4];"
            )

    def extra_links(self) -> None:
        for opportunity_id, pain_id in self.links:
            oid, pid = self.node_id("o", opportunity_id), self.node_id("p", pain_id)
            self.out.append(f'  {oid} -> {pid} [constraint=false, style=dashed, color="{_OPPORTUNITY_LINE}"];')

    def unlinked_cluster(self) -> str:
        self.out.append("  subgraph cluster_unlinked {")
        self.out.append(
            f'    graph [label=<<B>Opportunities</B><BR/><FONT POINT-SIZE="9" COLOR="{MUTED}">'
            f'not linked to a pain point</FONT>>, labeljust=l, style="rounded,dashed", color="{RULE}", margin=14];'
        )
        ids = [self.opportunity(o) for o in self.unlinked]
        for above, below in itertools.pairwise(ids):
            self.out.append(f"    {above} -> {below} [style=invis];")
        self.out.append("  }")
        return ids[0]

    # -- names ------------------------------------------------------------------------------------

    def channel_name(self, channel_id: str | None) -> str:
        if not channel_id:
            return "no channel"
        return next((c.name for c in self.journey.channels if c.id == channel_id), channel_id)


def _details(channel: str, score: str, width: int) -> list[str]:
    """The channel, then the score: on the channel's last line when both fit, else on a line of
    its own with its word ("feeling +1"), never the number alone."""
    lines = wrapped(channel, width) if channel else []
    if lines and display_width(f"{lines[-1]} · {score}") <= width:
        return [*lines[:-1], f"{lines[-1]} · {score}"]
    return [*lines, score]


def _lines(text: str, width: int, max_lines: int | None = None) -> str:
    # Graphviz refuses an empty <B></B> or <FONT></FONT>, and text that cleans away to nothing
    # (a title of spaces, say) would leave one: a space keeps the label valid and looks the same
    return "<BR/>".join(dot_html(line) for line in wrapped(text, width, max_lines)) or " "


def _note_rows(mark: Mark | None, span: int = 1) -> list[str]:
    """A mark's note as the label's last row, on white so it reads on any fill."""
    if mark is None or not mark.note:
        return []
    colspan = f' COLSPAN="{span}"' if span > 1 else ""
    words = "<BR/>".join(dot_html(line) for line in wrapped(mark.note, 34, 3))
    return [f'<TR><TD{colspan} ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="#ffffff">'
            f'<FONT POINT-SIZE="8" COLOR="{mark.note_color}"><B>{words}</B></FONT></TD></TR>']


def _extra(mark: Mark | None) -> str:
    return f", {mark.attributes}" if mark is not None and mark.attributes else ""


def _table(rows: list[str]) -> str:
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>'


@dataclass(frozen=True)
class _LabelShape:
    """How many lines every stage label has, so that all clusters' labels are as tall and the stages'
    first touchpoints, which share a rank, sit under cluster tops that line up."""

    name: int
    goal: int
    kpis: int

    @classmethod
    def of(cls, stages: list[Stage]) -> _LabelShape:
        if not stages:
            return cls(1, 0, 0)
        return cls(
            name=max(len(wrapped(s.name, _STAGE_NAME_WIDTH)) for s in stages),
            goal=max(len(wrapped(f"Goal: {s.goal}", _GOAL_WIDTH, 3)) if s.goal else 0 for s in stages),
            kpis=max(len(_kpi_lines(s)) for s in stages),
        )


_STAGE_NAME_WIDTH, _GOAL_WIDTH, _MAX_KPIS = 30, 36, 3
_KPI_WIDTH = _GOAL_WIDTH + 6


def _kpi_lines(stage: Stage) -> list[str]:
    lines = []
    for kpi in stage.kpis[:_MAX_KPIS]:
        said = _kpi_values(kpi)
        named = f"KPI: {kpi.name}"
        kept = wrapped(f"{named} ({said})" if said else named, _KPI_WIDTH, 2)
        if said and not kept[-1].endswith(f"({said})"):
            # the values stay together on one line ("(6.5% →" / "9%)" reads as two numbers), and a
            # long name gives way: the values, and which way is better, are what the line is for
            kept = [*wrapped(named, _KPI_WIDTH, 1), *wrapped(f"({said})", _KPI_WIDTH, 1)]
        lines += kept
    return lines


def _kpi_values(kpi: Kpi) -> str:
    """"68% → 55%": the current value, then the target. A KPI that is better lower says so in the
    words the poster and page use ("55% or lower"), which a reader needs no legend for: without
    them an arrow from 68% down to 55% could as well be a fall as a goal."""
    target = f"{kpi.target} or lower" if kpi.target and kpi.lower_is_better else kpi.target
    said = " → ".join(v for v in (kpi.current, target) if v)
    if kpi.lower_is_better and not kpi.target:
        said = ", ".join(v for v in (said, "lower is better") if v)
    return said


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _stage_label(number: int, stage: Stage, shape: _LabelShape, muted: str = MUTED) -> str:
    def padded(lines: list[str], count: int) -> str:
        return "<BR/>".join([dot_html(line) for line in lines] + [" "] * (count - len(lines)))

    name = padded(wrapped(stage.name, _STAGE_NAME_WIDTH), shape.name)
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="15"><B>{number} · {name}</B></FONT></TD></TR>']
    phase = dot_html(stage.phase.upper()) if stage.phase else " "
    rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{muted}">{phase}</FONT></TD></TR>')
    if shape.goal:
        goal = padded(wrapped(f"Goal: {stage.goal}", _GOAL_WIDTH, 3) if stage.goal else [], shape.goal)
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9">{goal}</FONT></TD></TR>')
    if shape.kpis:
        kpis = padded(_kpi_lines(stage), shape.kpis)
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{muted}">{kpis}</FONT></TD></TR>')
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>'


def _legend(muted: str = MUTED) -> str:
    cells = [f'<TD><FONT POINT-SIZE="9" COLOR="{muted}">Feeling </FONT></TD>']
    for emotion, swatch in [*EMOTION.items(), (None, UNKNOWN_EMOTION)]:
        cells.append(
            f'<TD BGCOLOR="{swatch.fill}" BORDER="1" COLOR="{RULE}"><FONT POINT-SIZE="9" COLOR="{swatch.ink}">'
            f" {emotion_score(emotion)} {swatch.word} </FONT></TD>"
        )
    cells.append(
        f'<TD>   </TD><TD BGCOLOR="{_NOTE_FILL}" BORDER="1" COLOR="{severity_swatch("high").fill}">'
        f'<FONT POINT-SIZE="9" COLOR="{INK}"> pain point (severity) </FONT></TD>'
        f'<TD> </TD><TD BGCOLOR="{_OPPORTUNITY_FILL}" BORDER="1" COLOR="{_OPPORTUNITY_LINE}">'
        f'<FONT POINT-SIZE="9" COLOR="{INK}"> opportunity (owner, status) </FONT></TD>'
        f'<TD><FONT POINT-SIZE="9" COLOR="{muted}">   → the journey continues</FONT></TD>'
    )
    return f'<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="3"><TR>{"".join(cells)}</TR></TABLE>'


# -- accessible SVG -----------------------------------------------------------------------------


_TITLE = re.compile(rb"<title>([^<]*)</title>")
_ROOT = re.compile(rb"<svg\b([^>]*)>")


def accessible_svg(svg: bytes, journey: Journey, ids: Mapping[tuple[str, str], str] | None = None) -> bytes:
    """The SVG Graphviz drew, made readable by assistive technology: the root is an image
    (`role="img"`) named by a `<title>` (the map's title) and described by a `<desc>` (what it
    holds); every node's and stage's `<title>`, which Graphviz fills with our generated ids
    ("t3"), names what it shows instead, and an edge's names its two ends. `ids` are those of
    the drawn source (`diagram_source`); without them the source is built again to learn them."""

    if ids is None:
        builder = _Builder(journey)
        builder.build()  # assigns the generated ids, in the same order as the drawn source
        ids = builder.ids
    names: dict[str, str] = {"journey": clean(journey.title)}
    for stage in journey.stages:
        names[f"cluster_{ids[('s', stage.id)]}"] = f"Stage: {clean(stage.name)}"
        for touchpoint in stage.touchpoints:
            feeling = emotion_swatch(touchpoint.emotion).word
            names[ids[("t", touchpoint.id)]] = f"Touchpoint: {clean(touchpoint.name)} (feeling {feeling})"
            for pain in touchpoint.pain_points:
                names[ids[("p", pain.id)]] = f"Pain point, {pain.severity}: {clean(pain.description)}"
    for opportunity in journey.opportunities:
        if ("o", opportunity.id) in ids:
            described = f"Opportunity, {opportunity.status}: {clean(opportunity.description)}"
            names[ids[("o", opportunity.id)]] = described
    # escaped once each, as UTF-8: a node's name is written into its own title and those of its
    # edges, and the SVG is rewritten as bytes (decoding and encoding it again took longer)
    shown = {key.encode(): html_text(name).encode() for key, name in names.items()}

    def titled(match: re.Match[bytes]) -> bytes:
        inner = match.group(1)
        if inner in shown:
            return b"<title>" + shown[inner] + b"</title>"
        ends = inner.split(b"&#45;&gt;")
        if len(ends) == 2 and ends[0] in shown and ends[1] in shown:
            return b"<title>" + shown[ends[0]] + " → ".encode() + shown[ends[1]] + b"</title>"
        return match.group(0)

    touchpoints = sum(len(s.touchpoints) for s in journey.stages)
    summary = (
        f"Customer journey map in {len(journey.stages)} stages, left to right, with {touchpoints} touchpoints, "
        f"{sum(1 for _ in journey.pain_points())} pain points and {len(journey.opportunities)} opportunities."
    )
    head = (
        f' role="img" aria-labelledby="journeymap-title journeymap-desc">'
        f'<title id="journeymap-title">{html_text(journey.title)}</title>'
        f'<desc id="journeymap-desc">{html_text(summary)}</desc>'
    ).encode()
    root = _ROOT.search(svg)
    if root is None:
        return _TITLE.sub(titled, svg)
    # the root's attributes, then the name and description, then the drawing with its titles named
    return b"".join((_TITLE.sub(titled, svg[:root.end(1)]), head, _TITLE.sub(titled, svg[root.end():])))


# -- running dot --------------------------------------------------------------------------------


def find_dot() -> str:
    """The path of Graphviz's `dot`, or GraphvizMissing with the command that installs it."""
    found = shutil.which("dot")
    if found is None:
        raise GraphvizMissing(f"Graphviz is not installed (no `dot` on PATH); install it with: {INSTALL_HINT}")
    return found


class LayoutFailed(RenderError):
    """`dot` ran but gave no picture: it failed, ran out of time or memory (the simpler layout may work)."""


def laid_out(source_of: Callable[[bool], str], fmt: str, *, timeout: float, memory: int) -> tuple[bytes, str | None]:
    """The diagram of `source_of(simple)`, and a note when only the simpler layout could be drawn.
    `source_of(False)` is tried first; when Graphviz cannot lay it out, `source_of(True)`."""
    try:
        return run_dot(source_of(False), fmt, timeout=timeout, memory=memory), None
    except LayoutFailed as failure:
        try:
            data = run_dot(source_of(True), fmt, timeout=timeout, memory=memory)
        except LayoutFailed as again:
            raise RenderError(f"the full and the simpler layout both failed: {again}") from None
        return data, f"{failure}; drew the simpler layout instead, without links between stages"


def run_dot(
    source: str, fmt: str, *, timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY_BYTES
) -> bytes:
    """Lay out and draw DOT text with `dot -T<fmt>`; LayoutFailed when dot fails, is killed or runs
    too long, RenderError when it cannot be started."""
    program = find_dot()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GV")}
    env["SERVER_NAME"] = "journeymap"  # Graphviz reads no image or file when SERVER_NAME is set

    def limit() -> None:
        limit_resources(timeout, memory)

    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            env=env,
            preexec_fn=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LayoutFailed(f"Graphviz took longer than {timeout:g} s to lay out the diagram and was stopped") from None
    except OSError as exc:
        raise RenderError(f"could not run Graphviz ({program}): {exc.strerror}") from None
    if done.returncode == -signal.SIGINT:  # Ctrl-C reached dot too: the run is interrupted, not failed
        raise KeyboardInterrupt
    if done.returncode != 0 or not done.stdout:
        raise LayoutFailed(_dot_failure(done.returncode, done.stderr, memory))
    return done.stdout


def _dot_failure(code: int, stderr: bytes, memory: int) -> str:
    said = short(stderr.decode("utf-8", "replace"), 160) if stderr.strip() else ""
    if code < 0:
        return stopped_by_signal("Graphviz", -code, memory) + (f" ({said})" if said else "")
    return f"Graphviz failed (exit {code})" + (f": {said}" if said else "")
