"""What the render tests share: fixture paths, reading outputs back, a recording HTTP server."""

from __future__ import annotations

import importlib.util
import io
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

from journeymap.model import Journey
from tests.conftest import EXAMPLES, FIXTURES, ROOT, journey_from_text

RENDER_FIXTURES = FIXTURES / "render"
GROCERY = RENDER_FIXTURES / "grocery.journey.yaml"
HOSTILE_TEMPLATE = RENDER_FIXTURES / "hostile" / "hostile.journey.yaml"
SVG_NS = "{http://www.w3.org/2000/svg}"


def journey_of(path: Path) -> Journey:
    return journey_from_text(path.read_bytes(), str(path))


def maps_with_goldens() -> list[Path]:
    """Every example map, and the grocery fixture, whose DOT and Mermaid are kept as golden files."""
    return [*sorted(EXAMPLES.glob("*.journey.yaml")), GROCERY]


def squeezed(text: str) -> str:
    """Text without any whitespace: line wrapping in a picture cannot break a comparison."""
    return "".join(text.split())


def svg_text(svg: bytes) -> str:
    """All text drawn in an SVG (which must be well-formed XML), one space between pieces."""
    root = ET.fromstring(svg)
    return " ".join(t for element in root.iter(f"{SVG_NS}text") for t in element.itertext())


def pdf_text(pdf: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def bench_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_generated_map(folder: Path, stages: int, per_stage: int, name: str = "big.journey.yaml") -> Path:
    path = folder / name
    path.write_text(bench_generator().generate_map(0, stages, per_stage), encoding="utf-8")
    return path


def hostile_map(folder: Path, port: int, name: str = "hostile.journey.yaml") -> Path:
    """The hostile fixture, its URLs pointing at the recording server on `port`."""
    path = folder / name
    path.write_text(HOSTILE_TEMPLATE.read_text(encoding="utf-8").replace("$PORT", str(port)), encoding="utf-8")
    return path


@contextmanager
def recording_server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server that records every request path; yields (port, requests)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


# -- Mermaid, read back the way Mermaid reads it --------------------------------------------------

_ENTITY = re.compile(r"#(\d+);")


def parse_mermaid_journey(text: str) -> dict[str, object]:
    """A small reader for Mermaid `journey` diagrams that follows Mermaid's own lexer
    (packages/mermaid/src/diagrams/user-journey/parser/journey.jison): entity codes are set aside
    first (as Mermaid's encodeEntities does), `#` starts a comment, `%%` lines are comments,
    `title`, `section` and tasks `name: score: actor, actor` are read with the same character
    classes, and entity codes are decoded in the results."""
    lines = [line.strip() for line in text.splitlines()]
    assert lines and lines[0] == "journey", "a journey diagram starts with 'journey'"
    title = ""
    sections: list[dict[str, object]] = []
    for raw in lines[1:]:
        line = _ENTITY.sub(lambda m: f"\x00{m.group(1)}\x01", raw)  # Mermaid's encodeEntities
        if not line or line.startswith("%%"):
            continue
        assert "#" not in line, f"a raw '#' starts a comment in Mermaid: {raw!r}"
        assert ";" not in line, f"a raw ';' ends a statement in Mermaid: {raw!r}"
        if re.match(r"(?i)title\s", line):
            title = _decoded(line[6:])
            continue
        if re.match(r"(?i)section\s", line):
            assert ":" not in line, f"a section name cannot hold ':': {raw!r}"
            sections.append({"name": _decoded(line[8:]), "tasks": []})
            continue
        assert not re.match(r"(?i)(journey|title|section|acc)", line), f"a task starts with a keyword: {raw!r}"
        name, colon, data = line.partition(":")
        assert colon, f"a task needs ': score': {raw!r}"
        pieces = data.split(":")
        assert len(pieces) in (1, 2), f"a raw ':' inside a task: {raw!r}"
        score = int(pieces[0].strip())
        actors = [_decoded(a) for a in pieces[1].split(",")] if len(pieces) == 2 else []
        assert sections, "a task outside any section"
        tasks = sections[-1]["tasks"]
        assert isinstance(tasks, list)
        tasks.append({"name": _decoded(name), "score": score, "actors": actors})
    return {"title": title, "sections": sections}


def _decoded(text: str) -> str:
    return re.sub("\x00(\\d+)\x01", lambda m: chr(int(m.group(1))), text).strip()
