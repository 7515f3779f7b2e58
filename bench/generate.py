"""Generate realistic journey maps for benchmarks (about 18 KB each).

Each map has 8 stages of 5 touchpoints, with personas, channels, sources,
pain points and opportunities, so validation, lint, render and diff are
measured on the shape of map teams actually keep.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from journeymap.schema_values import PHASES, SEVERITIES, STATUSES

CHANNELS = [("web", "Website", "digital"), ("mobile-app", "Mobile app", "digital"),
            ("email", "Email", "digital"), ("store", "Store", "physical"),
            ("call-centre", "Call centre", "human"), ("social", "Social media", "digital")]
WORDS = [
    "customer", "compares", "delivery", "options", "checks", "price", "reads", "reviews", "asks", "friend",
    "opens", "app", "signs", "account", "waits", "parcel", "support", "chat", "refund", "loyalty", "points",
    "recommends", "colleague", "renewal", "invoice", "onboarding", "tutorial", "setup", "team", "invite",
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def touchpoints_total(stages: int, per_stage: int) -> int:
    return stages * per_stage


def shared_lines(rng: random.Random) -> list[str]:
    """The personas, channels and sources: a map's own, or a library's."""
    lines = ["personas:"]
    for p in range(3):
        lines += [
            f"  - id: persona-{p}",
            f"    name: Persona {p}",
            f"    description: {sentence(rng, 10)}",
            f"    goals: [{sentence(rng, 3)}, {sentence(rng, 4)}]",
            f"    frustrations: [{sentence(rng, 4)}]",
        ]
    lines.append("channels:")
    for cid, name, kind in CHANNELS:
        lines += [f"  - id: {cid}", f"    name: {name}", f"    kind: {kind}"]
    lines += [
        "sources:",
        "  - id: interviews",
        "    kind: interview",
        "    title: Customer interviews",
        "  - id: analytics",
        "    kind: analytics",
        "    title: Product analytics",
    ]
    return lines


def library_name(group: int) -> str:
    return f"shared-{group}.library.yaml"


def generate_library(group: int, seed: int = 0) -> str:
    """Library `group`: the personas, channels and sources that maps of that group share."""
    lines = ["journeymap: 1", f"title: Shared research {group}", *shared_lines(random.Random(seed * 7 + group))]
    return "\n".join(lines) + "\n"


def generate_map(
    index: int, stages: int = 8, per_stage: int = 5, seed: int = 0, group: int | None = None, inline: bool = False,
) -> str:
    """Map `index`. With `group`, its personas, channels and sources are those of library `group`:
    named under `use:` from the folder `libraries/` beside the maps, or, with `inline`, written out
    in the map itself (the same map, without the library)."""
    rng = random.Random(seed * 100_003 + index)
    lines = [
        "journeymap: 1",
        f"id: bench-map-{index}",
        f"title: Benchmark journey {index}",
        f"description: {sentence(rng, 14)}",
        "owner: cx-research",
        "last_reviewed: 2026-10-01",
        "tags: [bench, generated]",
    ]
    if group is None:
        lines += shared_lines(rng)
    elif inline:
        lines += shared_lines(random.Random(seed * 7 + group))
    else:
        lines.append(f"use: [../libraries/{library_name(group)}]")
    lines.append("stages:")
    pain_ids: list[str] = []
    for s in range(stages):
        phase = PHASES[s % len(PHASES)]
        lines += [
            f"  - id: stage-{s}",
            f"    name: Stage {s} {phase}",
            f"    phase: {phase}",
            f"    goal: {sentence(rng, 5)}",
            "    kpis:",
            f"      - name: {sentence(rng, 3)}",
            f'        target: "{rng.randint(50, 99)}%"',
            f'        current: "{rng.randint(10, 80)}%"',
            "    touchpoints:",
        ]
        for t in range(per_stage):
            emotion = rng.randint(-2, 2)
            channel = CHANNELS[(s + t) % len(CHANNELS)][0]
            lines += [
                f"      - id: tp-{s}-{t}",
                f"        name: {sentence(rng, 3)}",
                f"        channel: {channel}",
                f"        personas: [persona-{t % 3}]",
                f"        actions: [{sentence(rng, 2)}, {sentence(rng, 2)}]",
                f'        thoughts: ["{sentence(rng, 3)}?"]',
                f"        emotion: {emotion}",
                "        evidence: [interviews, analytics]",
            ]
            if emotion <= -1 or t == 0:
                pid = f"pain-{s}-{t}"
                pain_ids.append(pid)
                lines += [
                    "        pain_points:",
                    f"          - id: {pid}",
                    f"            description: {sentence(rng, 5)}",
                    f"            severity: {rng.choice(SEVERITIES)}",
                    "            evidence: [interviews]",
                ]
    lines.append("opportunities:")
    for i, pid in enumerate(pain_ids):
        lines += [
            f"  - id: opp-{i}",
            f"    description: {sentence(rng, 5)}",
            f"    addresses: [{pid}]",
            "    owner: product-team",
            f"    status: {rng.choice(STATUSES[:4])}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--stages", type=int, default=8)
    parser.add_argument("--per-stage", type=int, default=5)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(args.count):
        text = generate_map(i, args.stages, args.per_stage)
        (args.out / f"map-{i:04d}.journey.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
