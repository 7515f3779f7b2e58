"""Editing speed: `journeymap lsp` start-up and diagnostics after an edit, and `fix` against `validate`.

In the same run, each figure the best of a few:

- start: from starting `journeymap lsp` to its answer to `initialize` (target < 0.5 s), beside
  the start of `journeymap --version` for scale;
- diagnostics: from sending an edit (`didChange`, one line changed, as editors send it) of a
  1,000-touchpoint map to receiving its diagnostics, the median and the slowest of several edits
  in each part of the map (the header, a persona, a stage, an opportunity; target: median
  <= 150 ms), the default debounce included, beside the pipeline's analysis of such an edit in
  this process (`analyse_edit`, what the server runs) and of the whole edited text
  (`analyse_bytes`);
- fix: `journeymap fix` on 1,000 generated maps, one in ten with a typo in a reference, against
  `journeymap validate` on a copy of them (target <= 2x).

    python bench/lsp_bench.py [--repeat 5] [--edits 15] [--count 1000]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
JOURNEYMAP = str(BIN / "journeymap")
DEBOUNCE_MS = 50  # the default of `journeymap lsp`: the figure is what a user gets

sys.path.insert(0, str(HERE))
from generate import generate_map  # noqa: E402


class Server:
    """`journeymap lsp` on a pipe, spoken to in framed JSON-RPC."""

    def __init__(self, debounce_ms: int = DEBOUNCE_MS) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [JOURNEYMAP, "lsp", "--debounce", str(debounce_ms)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.send({"id": 0, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
        self.until(lambda m: m.get("id") == 0)
        self.start_time = time.perf_counter() - self.started
        self.send({"method": "initialized", "params": {}})

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def until(self, wanted: Any) -> dict[str, Any]:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                raise RuntimeError("journeymap lsp stopped")
            message: dict[str, Any] = json.loads(stream.read(length))
            if wanted(message):
                return message

    def diagnosed(self, uri: str, version: int) -> dict[str, Any]:
        return self.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"].get("version") == version and m["params"]["uri"] == uri)

    def close(self) -> None:
        self.send({"id": 1, "method": "shutdown"})
        self.until(lambda m: m.get("id") == 1)
        self.send({"method": "exit"})
        self.process.wait(timeout=10)


def start_time(repeat: int) -> tuple[float, float]:
    """(server start to `initialize` answered, `journeymap --version`), best of `repeat`."""
    best = float("inf")
    for _ in range(repeat):
        server = Server()
        best = min(best, server.start_time)
        server.close()
    version = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([JOURNEYMAP, "--version"], stdout=subprocess.DEVNULL, check=True)
        version = min(version, time.perf_counter() - started)
    return best, version


# the part of the map each edit falls in, and how the lines the edit may change start: it adds a
# word to the middle one of them, a text, so the map stays valid and lint runs as it does mostly
PARTS = (
    ("header", "title: "),
    ("personas", "    name: Persona "),
    ("a stage", "        name: "),  # a touchpoint's
    ("opportunities", "    description: "),  # three personas have one too, hundreds of opportunities
)


class Latency(NamedTuple):
    part: str
    times: list[float]  # didChange to publishDiagnostics, seconds, one an edit
    edit_alone: float  # the pipeline's analyse_edit of one such edit in this process, best of a few

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def edit_latency(text: str, repeat: int) -> tuple[list[Latency], float, int]:
    """(didChange to diagnostics for `repeat` edits in each part of the map, analyse_bytes of the
    whole edited text alone, diagnostics count). Each edit changes one line as an editor sends it: a
    range and the new text; the edits accumulate, as typing does."""
    from journeymap.config import default_project
    from journeymap.pipeline import analyse_bytes, analyse_edit

    server = Server()
    uri = "file:///bench/map.journey.yaml"
    server.send({"method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
    server.diagnosed(uri, 1)
    project = default_project()
    version = 1
    count = 0
    results = []
    for part, line in PARTS:
        times = []
        texts = []
        offset = _middle_line(text, line)
        line = text[offset:text.index("\n", offset)]
        for i in range(repeat):
            version += 1
            old_line = line if i == 0 else f"{line} e{i - 1}"
            new_line = f"{line} e{i}"
            row = text.count("\n", 0, offset)
            column = offset - (text.rfind("\n", 0, offset) + 1)
            change = {"range": {"start": {"line": row, "character": column},
                                "end": {"line": row, "character": column + len(old_line)}}, "text": new_line}
            texts.append(text)
            text = text[:offset] + new_line + text[offset + len(old_line):]
            started = time.perf_counter()
            server.send({"method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
            message = server.diagnosed(uri, version)
            times.append(time.perf_counter() - started)
            count = len(message["params"]["diagnostics"])
        previous = analyse_bytes(texts[-1].encode("utf-8"), "/bench/map.journey.yaml", project)
        edited = text.encode("utf-8")
        edit_alone = min(_timed(partial(analyse_edit, previous, edited, project)) for _ in range(3))
        results.append(Latency(part, times, edit_alone))
    server.close()
    alone = min(_timed(partial(analyse_bytes, text.encode("utf-8"), "/bench/map.journey.yaml", project))
                for _ in range(3))
    return results, alone, count


def _middle_line(text: str, start: str) -> int:
    """The offset of the middle one of the lines that start so."""
    found = [m.start() for m in re.finditer("^" + re.escape(start), text, re.MULTILINE)]
    return found[len(found) // 2]


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def with_typos(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = generate_map(i)
        if i % 10 == 0:
            text = text.replace("channel: web\n", "channel: wbe\n", 1)
        (folder / f"map-{i:04d}.journey.yaml").write_text(text, encoding="utf-8")


def fix_against_validate(folder: Path, count: int) -> tuple[float, float]:
    """(`fix` on the maps, `validate` on a copy of the same maps)."""
    with_typos(folder / "fix", count)
    shutil.copytree(folder / "fix", folder / "validate")
    started = time.perf_counter()
    subprocess.run([JOURNEYMAP, "validate", str(folder / "validate")], stdout=subprocess.DEVNULL, check=False)
    validate = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([JOURNEYMAP, "fix", str(folder / "fix")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    fix = time.perf_counter() - started
    return fix, validate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--edits", type=int, default=15, help="edits in each part of the big map (default 15)")
    parser.add_argument("--count", type=int, default=1000, help="maps for fix against validate (default 1000)")
    args = parser.parse_args()
    results = []

    start, version = start_time(args.repeat)
    ok = start < 0.5
    results.append(ok)
    print(f"{'lsp start to initialize answered':<44} {start:8.3f}s  (journeymap --version {version:.3f}s)  "
          f"target <0.5s    {'met' if ok else 'MISSED'}")

    big = generate_map(0, 50, 20)
    latencies, alone, count = edit_latency(big, args.edits)
    print(f"diagnostics after an edit of a 1,000-touchpoint map ({args.edits} edits a part; debounce {DEBOUNCE_MS}ms "
          f"included; whole file alone {alone * 1000:.1f}ms; {count} findings)")
    for latency in latencies:
        ok = latency.median <= 0.150
        results.append(ok)
        name = f"  an edit in {latency.part}"
        print(f"{name:<44} median {latency.median * 1000:6.1f}ms  max {max(latency.times) * 1000:6.1f}ms  "
              f"(analyse_edit {latency.edit_alone * 1000:.1f}ms)  target <=150ms  {'met' if ok else 'MISSED'}")

    with tempfile.TemporaryDirectory(prefix="journeymap-bench-fix-") as tmp:
        fix, validate = fix_against_validate(Path(tmp), args.count)
    ratio = fix / validate
    ok = ratio <= 2.0
    results.append(ok)
    print(f"{'fix DIR vs validate DIR':<44} {fix:8.3f}s vs validate {validate:8.3f}s  ratio {ratio:6.2f}  "
          f"target <=2.0x   {'met' if ok else 'MISSED'}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
