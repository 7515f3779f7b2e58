"""Diff speed: two 1,000-touchpoint maps diffed, against the time to load them (target <= 1.3x).

One map is generated as `python bench/generate.py DIR --count 1 --stages 50 --per-stage 20`
makes it; the other is an edited copy (emotions changed, touchpoints renamed, moved, removed,
added and reordered, pain points added, opportunities advanced). In the same run, each
figure the best of a few:

- load: what the diff needs before it can compare, for both maps: parse, schema, the model,
  references (`journeymap.diff.sides.read_side` without lint);
- diff: the change records and the lint delta's pairing of findings (`map_diff` + `lint_delta`);
- for reference, the default lint rules on both maps (their cost is the rules', whatever
  the diff does) and a whole `compare_files` (load, lint, diff);
- then the diff at 250 to 4,000 touchpoints, to show it grows linearly.

    python bench/diff_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
TARGET = 1.3


def best(action: Callable[[], Any], repeat: int) -> float:
    fastest = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def generated(folder: Path, stages: int, per_stage: int) -> Path:
    """The map bench/generate.py writes, made by running it."""
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(folder), "--count", "1", "--stages", str(stages),
         "--per-stage", str(per_stage)],
        check=True,
    )
    return folder / "map-0000.journey.yaml"


def edited(text: str, seed: int = 7) -> str:
    """A copy of the map with a realistic spread of edits, about one touchpoint in ten touched."""
    rng = random.Random(seed)
    data = yaml.safe_load(text)
    stages = data["stages"]
    for number, touchpoint in enumerate(t for s in stages for t in s["touchpoints"]):
        if number % 20 == 0:
            touchpoint["emotion"] = rng.choice([e for e in range(-2, 3) if e != touchpoint["emotion"]])
        if number % 25 == 0:
            touchpoint["name"] += " (reworded)"
        if number % 30 == 0:
            touchpoint["actions"].append("Asks a colleague")
    for index in range(0, len(stages) - 1, 10):
        stages[index + 1]["touchpoints"].append(stages[index]["touchpoints"].pop(3))
    for stage in stages[5::10]:
        removable = [t for t in stage["touchpoints"] if not t.get("pain_points")]
        if removable:
            stage["touchpoints"].remove(removable[0])
    for index, stage in enumerate(stages[::5]):
        stage["touchpoints"].insert(1, {"id": f"added-{index}", "name": "New step", "emotion": -1,
                                        "pain_points": [{"id": f"added-pain-{index}", "description": "New pain",
                                                         "severity": "high"}]})
    for stage in stages[2::12]:
        stage["touchpoints"][0], stage["touchpoints"][1] = stage["touchpoints"][1], stage["touchpoints"][0]
    for opportunity in data["opportunities"][::15]:
        opportunity["status"] = "done"
    data["owner"] = "journey-team"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def measure(old_raw: bytes, new_raw: bytes, repeat: int) -> dict[str, float]:
    from journeymap.config import default_project
    from journeymap.diff.compare import compare_files
    from journeymap.diff.engine import map_diff
    from journeymap.diff.lint_delta import lint_delta
    from journeymap.diff.records import Side
    from journeymap.diff.sides import read_side

    linted = default_project()
    plain = linted.with_options(lint=False)

    def load() -> tuple[Any, Any]:
        return read_side(old_raw, "old.journey.yaml", Side.OLD, plain), read_side(new_raw, "new.journey.yaml",
                                                                               Side.NEW, plain)

    old, new = read_side(old_raw, "old", Side.OLD, linted), read_side(new_raw, "new", Side.NEW, linted)
    assert old.journey is not None and new.journey is not None, (old.problems, new.problems)

    def diff() -> None:
        map_diff(old.journey, new.journey, "old", "new")
        lint_delta(old.findings, old.document, new.findings, new.document)

    def lint() -> None:
        read_side(old_raw, "old", Side.OLD, linted)
        read_side(new_raw, "new", Side.NEW, linted)

    return {
        "load": best(load, repeat),
        "diff": best(diff, repeat),
        "load+lint": best(lint, repeat),
        "whole": best(lambda: compare_files(("old", old_raw), ("new", new_raw), linted), repeat),
        "changes": len(map_diff(old.journey, new.journey, "old", "new").changes),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the best counts (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journeymap-diff-bench-") as tmp:
        old_path = generated(Path(tmp), 50, 20)
        old_raw = old_path.read_bytes()
        new_raw = edited(old_raw.decode("utf-8")).encode("utf-8")
        (Path(tmp) / "edited.journey.yaml").write_bytes(new_raw)
        figures = measure(old_raw, new_raw, args.repeat)
    ratio = figures["diff"] / figures["load"]
    print(f"two maps of 1,000 touchpoints ({len(old_raw) / 1024:.0f} KB and {len(new_raw) / 1024:.0f} KB), "
          f"{figures['changes']:.0f} change records")
    print(f"  load both (parse, schema, model, references) {figures['load'] * 1000:8.1f} ms")
    print(f"  diff (records + lint delta pairing)          {figures['diff'] * 1000:8.1f} ms   "
          f"ratio {ratio:.2f}  target <= {TARGET}  {'met' if ratio <= TARGET else 'MISSED'}")
    print(f"  for reference: load + default lint rules     {figures['load+lint'] * 1000:8.1f} ms")
    print(f"  for reference: whole compare_files           {figures['whole'] * 1000:8.1f} ms")
    print("\ndiff time as the maps grow (it should double with the size):")
    from generate import generate_map

    previous = None
    for stages in (25, 50, 100, 200):
        raw = generate_map(0, stages, 10).encode("utf-8")
        size = measure(raw, edited(raw.decode("utf-8")).encode("utf-8"), args.repeat)
        growth = f"x{size['diff'] / previous:.2f}" if previous else ""
        print(f"  {stages * 10:5d} touchpoints: diff {size['diff'] * 1000:7.1f} ms, load {size['load'] * 1000:7.1f} ms"
              f"  {growth}")
        previous = size["diff"]
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
