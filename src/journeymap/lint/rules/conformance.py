"""The map as a model of the journey, judged by a `journeymap measure` snapshot: map drift.

When the product changes and the map does not, customers' real paths stop following the
map's order; the snapshot's conformance (fitness, the paths the map does not explain) shows
it. Silent without a snapshot (`journeymap validate MAP --measures SNAPSHOT`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from journeymap.findings import RuleInfo, Severity
from journeymap.lint.rule import Context, JourneyRule, Problem
from journeymap.load import Path_
from journeymap.measures import Conformance, Deviation
from journeymap.model import Journey


def _fitness_floor(ctx: Context, options: Mapping[str, Any]) -> Iterable[Problem]:
    c = ctx.measures.conformance if ctx.measures is not None else None
    if c is None:
        return
    below = [f"{_pct(value)} of {what} fit the map, under the floor of {_pct(floor)} ({key})"
             for value, floor, what, key in ((c.fitness_users, float(options["min_users"]), "entrants", "min_users"),
                                             (c.fitness_transitions, float(options["min_transitions"]),
                                              "transitions", "min_transitions"))
             if value is not None and value < floor]
    if not below:
        return
    worst = c.worst_path()
    where, advice = _break(ctx.journey, c, worst)
    named = f"; the path the map explains least: {_described(worst)}" if worst is not None else ""
    yield Problem(where, "; ".join(below) + named + f"; {advice}")


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _described(d: Deviation) -> str:
    text = d.shown() + f" ({d.users:,} users"
    if d.excess_users is not None and d.peak is not None:
        where = " ".join(x for x in (d.peak.period, d.peak.segment) if x)
        text += f", {d.excess_users:+.1f} over its baseline" + (f" in {where}" if where else "")
    return text + ")"


def _break(journey: Journey, c: Conformance, worst: Deviation | None) -> tuple[Path_, str]:
    """Where the worst path first steps back against the map, and what to do about it."""
    order = {s.id: i for i, s in enumerate(journey.stages)}
    stage_of = {t.id: t.stage_id for t in journey.touchpoints()}
    stages = [stage_of.get(x, x) for x in worst.path] if worst is not None else []
    declared = {(a, b) for a, b in c.returns}
    for here, there in pairwise(stages):
        if here in order and there in order and order[there] < order[here] and (here, there) not in declared:
            stage = journey.stages[order[here]]
            return stage.path, (f"if customers are expected to go back from '{here}' to '{there}', add "
                                f"'{there}' to the `returns:` of stage '{here}'; otherwise update the map's stages "
                                "and signals to the product customers use now")
    return ("stages",), "update the map's stages and signals to the product customers use now"


FITNESS_FLOOR = JourneyRule(
    RuleInfo(
        id="JM605",
        name="fitness-floor",
        severity=Severity.ERROR,
        summary="Fewer customers follow the map's order than the configured floor.",
        rationale="A map whose order most customers do not follow has drifted from the product: decisions "
        "taken from it start from a journey nobody makes. Fitness measures the drift; a floor in CI stops a "
        "pull request that leaves the map behind.",
        fix="Declare the returns customers are expected to make (`returns:` on the stage they go back from), "
        "or redraw the stages and signals to the journey the log shows; the message names the path to look at.",
        options={"min_users": 0.8, "min_transitions": 0.0},
    ),
    _fitness_floor,
)

RULES = (FITNESS_FLOOR,)
