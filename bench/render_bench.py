"""Render speed against the tools doing the drawing, measured in the same run.

- `render --format svg` of a 1,000-touchpoint map (50 stages of 20) inside one process:
  reading and validating the map, writing the DOT text, `dot` itself and naming the SVG's
  nodes, against `dot -Tsvg` alone on the same DOT text (target <= 1.3x);
- `render --format svg` of an example map as a whole command against `dot -Tsvg` as a whole
  command on the DOT that render emits (target: at most 0.15 s more). Both pay for starting
  their program; journeymap's start (Python, the command-line parser, the YAML and schema
  libraries) is most of the difference on a small map;
- the same two the other way round, for information: the example inside one process and the
  1,000-touchpoint map as a command;
- `render --format poster` against WeasyPrint alone on the HTML that render prints from
  (target <= 1.3x), and the poster's own time: an example and a typical generated map
  (8 stages of 5) well under 2 s, the 60-touchpoint map in three scripts under 5 s.

journeymap's modules are compiled to byte-code first, as they are in an installed package, so
that the whole-command figures do not count compiling journeymap's own source (Python skips
writing byte-code when PYTHONDONTWRITEBYTECODE is set, and would then compile it every run).

The svg figures are processor time (user and system, with the programs run), the best of a few
runs of each side in turn; wall-clock time is shown beside it. On an idle machine the two agree
(both sides run one thing at a time), but on a shared one the wall clock of the same run varies
two- to four-fold with the others' load, which would judge the machine rather than journeymap.
The poster figures are wall-clock time, the best of a few runs.

    python bench/render_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

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


SIXTY = ROOT / "tests" / "fixtures" / "render" / "sixty-touchpoints.journey.yaml"


class Took(NamedTuple):
    """Best of several runs: processor time (user and system, of this process and of the programs
    it ran) and wall-clock time, in seconds."""

    cpu: float
    wall: float


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def paired(ours: Callable[[], object], peer: Callable[[], object], repeat: int) -> tuple[Took, Took]:
    """Both, in turn, `repeat` times: the best of each, so a moment of load hurts neither side alone."""
    best = {0: [float("inf")] * 2, 1: [float("inf")] * 2}
    for _ in range(repeat):
        for side, work in enumerate((ours, peer)):
            cpu, started = _cpu(), time.perf_counter()
            work()
            wall, used = time.perf_counter() - started, _cpu() - cpu
            best[side] = [min(best[side][0], used), min(best[side][1], wall)]
    return Took(*best[0]), Took(*best[1])


def run(command: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def report_took(name: str, ours: Took, peer: Took, *, ratio: float | None = None, gap: float | None = None) -> bool:
    """A line like run.report's, judged on processor time: on a shared machine the wall clock of the
    same run varies two- to four-fold with the others' load, the processor time it needs hardly at
    all (shown too, in brackets). The target is a ratio, a time added to the peer's, or none."""
    if ratio is not None:
        figure, target, ok = f"ratio {ours.cpu / peer.cpu:6.2f}", f"<={ratio:g}x", ours.cpu <= ratio * peer.cpu
    elif gap is not None:
        figure, target, ok = f"+{ours.cpu - peer.cpu:5.3f}s    ", f"<=+{gap:g}s", ours.cpu - peer.cpu <= gap
    else:
        figure, target, ok = f"ratio {ours.cpu / peer.cpu:6.2f}", "-", True
    verdict = ("met" if ok else "MISSED") if target != "-" else "  "
    print(f"{name:<44} {ours.cpu:8.3f}s vs dot -Tsvg {peer.cpu:8.3f}s  {figure}  target {target:<8} {verdict} "
          f"(wall {ours.wall:.3f}s vs {peer.wall:.3f}s)")
    return ok


def compile_journeymap() -> None:
    """Byte-code for journeymap's own modules, which an installed package ships with."""
    import compileall

    import journeymap

    compileall.compile_dir(str(Path(journeymap.__file__).parent), quiet=1)


def example_map() -> Path:
    examples = sorted((ROOT / "examples").glob("*.journey.yaml"))
    return examples[0] if examples else ROOT / "tests" / "fixtures" / "render" / "grocery.journey.yaml"


def in_process_svg(path: Path, repeat: int) -> tuple[Took, Took]:
    """An svg drawn from the file's bytes (read, validate, DOT text, dot, naming the nodes), and
    `dot -Tsvg` alone on the same DOT text: the best of `repeat` runs of each, in turn."""
    from journeymap.config import default_project
    from journeymap.pipeline import analyse_bytes
    from journeymap.render import RenderOptions
    from journeymap.render.dot import dot_source
    from journeymap.render.pictures import draw

    project = default_project().with_options(lint=False)
    raw = path.read_bytes()
    journey = analyse_bytes(raw, str(path), project).journey
    assert journey is not None, f"{path} is not valid"
    source = dot_source(journey).encode()
    dot = shutil.which("dot") or "dot"

    def ours() -> None:
        drawn = analyse_bytes(raw, str(path), project).journey
        assert drawn is not None
        draw(drawn, "svg", RenderOptions(), path.parent)

    return paired(ours, lambda: subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, check=True),
                  repeat)


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
        compile_journeymap()
        print(f"render: example {example.relative_to(ROOT)}, a generated 1,000-touchpoint map, "
              f"a generated 40-touchpoint map, {SIXTY.relative_to(ROOT)}\n")

        dot_sources = {}
        for name, path in (("example", example), ("thousand", big)):
            dot_sources[name] = folder / f"{name}.dot"
            subprocess.run([journeymap, "render", str(path), "-f", "dot", "-o", str(dot_sources[name])],
                           check=True, capture_output=True)

        def commands(path: Path, source: Path) -> tuple[Took, Took]:
            return paired(run([journeymap, "render", str(path), "-f", "svg", "-o", str(folder / "ours.svg")]),
                          run([dot, "-Tsvg", str(source), "-o", str(folder / "peer.svg")]), args.repeat + 2)

        inside, alone = in_process_svg(big, args.repeat + 2)
        results.append(report_took("render svg, 1,000 touchpoints, in one process", inside, alone, ratio=1.3))
        ours, peer = commands(example, dot_sources["example"])
        results.append(report_took("render svg, example, as a command", ours, peer, gap=0.15))
        inside, alone = in_process_svg(example, args.repeat + 2)
        report_took("  for information: example, in one process", inside, alone)
        ours, peer = commands(big, dot_sources["thousand"])
        report_took("  for information: 1,000, as a command", ours, peer)
        print()

        posters = (("example", example, 2.0, "well under 2 s"),
                   ("typical (40 touchpoints)", typical, 2.0, "well under 2 s"),
                   ("60 touchpoints, three scripts", SIXTY, 5.0, "under 5 s"))
        for label, path, goal, said in posters:
            html = folder / f"{path.stem}.html"
            html.write_text(poster_html(path), encoding="utf-8")
            ours = timed([journeymap, "render", str(path), "-f", "poster", "-o", str(folder / "ours.pdf")],
                         args.repeat)
            peer = timed([sys.executable, "-c", WEASYPRINT_ALONE, str(html), str(folder / "peer.pdf")], args.repeat)
            results.append(report(f"render poster, {label}", ours, peer, "WeasyPrint", lambda r: r <= 1.3, "<=1.3x"))
            results.append(ours < goal)
            print(f"  poster ready in {ours:.2f} s (goal: {said}): {'met' if ours < goal else 'MISSED'}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
