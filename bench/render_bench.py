"""Render speed as ratios against the tools doing the drawing, measured in the same run.

- `render --format svg` against `dot -Tsvg` on the DOT that render emits (target <= 1.3x),
  for an example map and a 1,000-touchpoint map (50 stages of 20);
- `render --format poster` against WeasyPrint alone on the HTML that render prints from
  (target <= 1.3x), for an example map and a typical generated map (8 stages of 5).

Both sides of a ratio are whole commands, each timed as the best of a few runs, so both
pay for starting their interpreter or program. For small maps the `journeymap` side is
dominated by that start (the same for every journeymap command), so a second line shows
the overhead inside one process: render_map() (validation, DOT, then dot itself) against
dot alone on the same source.

    python bench/render_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))
from generate import generate_map  # noqa: E402
from run import report, timed  # noqa: E402

WEASYPRINT_ALONE = """
import sys, weasyprint
weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""


def example_map() -> Path:
    examples = sorted((ROOT / "examples").glob("*.journey.yaml"))
    return examples[0] if examples else ROOT / "tests" / "fixtures" / "render" / "grocery.journey.yaml"


def in_process_svg(path: Path, repeat: int) -> tuple[float, float]:
    """Best times of an svg drawn from the file's bytes, and of `dot -Tsvg` on the same DOT."""
    from journeymap.config import default_project
    from journeymap.pipeline import analyse_bytes
    from journeymap.render import RenderOptions
    from journeymap.render.dot import dot_source
    from journeymap.render.pictures import draw

    project = default_project().with_options(lint=False)

    raw = path.read_bytes()
    ours = peer = float("inf")
    dot = shutil.which("dot") or "dot"
    for _ in range(repeat):
        started = time.perf_counter()
        journey = analyse_bytes(raw, str(path), project).journey
        assert journey is not None, f"{path} is not valid"
        draw(journey, "svg", RenderOptions(), path.parent)
        ours = min(ours, time.perf_counter() - started)
        source = dot_source(journey).encode()
        started = time.perf_counter()
        subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, check=True)
        peer = min(peer, time.perf_counter() - started)
    return ours, peer


def poster_html(path: Path) -> str:
    from journeymap.config import default_project
    from journeymap.pipeline import analyse_bytes
    from journeymap.render.poster import plan_poster, poster_grid
    from journeymap.render.poster import poster_html as html

    journey = analyse_bytes(path.read_bytes(), str(path), default_project().with_options(lint=False)).journey
    assert journey is not None, f"{path} is not valid"
    grid = poster_grid(journey)
    return html(grid, plan_poster(grid), {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (default 3)")
    args = parser.parse_args()
    journeymap = str(BIN / "journeymap")
    dot = shutil.which("dot")
    if dot is None:
        print("render bench: Graphviz (dot) is not installed; skipped")
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="journeymap-render-bench-") as tmp:
        folder = Path(tmp)
        big = folder / "thousand.journey.yaml"
        big.write_text(generate_map(0, stages=50, per_stage=20), encoding="utf-8")
        typical = folder / "typical.journey.yaml"
        typical.write_text(generate_map(1), encoding="utf-8")
        example = example_map()
        print(f"render: example {example.relative_to(ROOT)}, a generated 1,000-touchpoint map, "
              "a generated 40-touchpoint map\n")

        for label, path in (("example", example), ("1,000 touchpoints", big)):
            source = folder / f"{path.stem}.dot"
            subprocess.run([journeymap, "render", str(path), "-f", "dot", "-o", str(source)],
                           check=True, capture_output=True)
            ours = timed([journeymap, "render", str(path), "-f", "svg", "-o", str(folder / "ours.svg")], args.repeat)
            peer = timed([dot, "-Tsvg", str(source), "-o", str(folder / "peer.svg")], args.repeat)
            results.append(report(f"render svg, {label}", ours, peer, "dot -Tsvg", lambda r: r <= 1.3, "<=1.3x"))
            inside, alone = in_process_svg(path, args.repeat)
            report("  same, inside one process", inside, alone, "dot -Tsvg", lambda r: r <= 1.3, "<=1.3x")

        for label, path in (("example", example), ("typical (40 touchpoints)", typical)):
            html = folder / f"{path.stem}.html"
            html.write_text(poster_html(path), encoding="utf-8")
            ours = timed([journeymap, "render", str(path), "-f", "poster", "-o", str(folder / "ours.pdf")],
                         args.repeat)
            peer = timed([sys.executable, "-c", WEASYPRINT_ALONE, str(html), str(folder / "peer.pdf")], args.repeat)
            results.append(report(f"render poster, {label}", ours, peer, "WeasyPrint", lambda r: r <= 1.3, "<=1.3x"))
            results.append(ours < 2.0)
            print(f"  poster ready in {ours:.2f} s (goal: well under 2 s): {'met' if ours < 2.0 else 'MISSED'}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
