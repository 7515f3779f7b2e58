"""Property-based tests for rendering: whatever a valid map says, every output still parses and shows
the map's text as text.

Maps come from two sources: our JSON schema (through hypothesis-jsonschema, then repaired so that
every reference names an id that exists) and a strategy built here that favours text aimed at the
output languages: markup, DOT and Mermaid syntax, Graphviz escapes, right-to-left scripts and
combining marks. Every map is read back through journeymap's own validator before it is drawn, so
the renderers only ever see what `journeymap render` would hand them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from journeymap.model import Journey
from journeymap.render import RenderOptions
from journeymap.render.dot import run_dot
from journeymap.render.html import PAGE_SCRIPT
from journeymap.render.pictures import draw as picture_of
from journeymap.render.text import clean
from journeymap.schema import schema_text
from tests.conftest import analysis_of, have, needs_dot
from tests.render.helpers import SVG_NS, parse_mermaid_journey, squeezed

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

needs_pdftotext = pytest.mark.skipif(not have("pdftotext"), reason="poppler (pdftotext) is not installed")
OPTIONS = RenderOptions()
FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
DOT_RUNS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
POSTERS = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))

# -- text ------------------------------------------------------------------------------------------

# what the schema's `text` pattern refuses; everything else may appear in a map
_REFUSED = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
_REFUSED += "\u2028\u2029"
schema_chars = st.characters(exclude_categories=("Cs",), exclude_characters=_REFUSED)

HOSTILE_PIECES = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</style>", "<b>", "</td></tr></table>",
    "]]>", "-->", "<!--", "<![CDATA[", "&amp;", "&lt;", "&#60;", "&#x3c;", "&nbsp;", "&", "<", ">", '"', "'",
    "{}|", "{", "}", "|", "\\", "\\\\", "\\N", "\\G", "\\L", "\\E", "\\T", "\\H", "\\l", "\\n", "\\r",
    "::", ":", "%", "%%", "%%{init}%%", "#", ";", "#35;", "#59;", "`", "```", ",", "[", "]", "=",
    '"]; evil [label="x', "subgraph", "digraph", "node", "edge", "t1", "p1", "o1", "cluster_s1",
    "javascript:alert(1)", "http://127.0.0.1:9/x.css", "file:///etc/passwd", "url(x)", "@import",
    "title ", "section ", "journey ", "accTitle", "style ",
    "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u202e", "\u200f", "\u202d", "\u2066",
    "e\u0301", "\u0301", "Z\u0324\u0354\u0367\u0311\u0313", "\u0915\u094d\u0937", "\ufeff", "\u200b",
    "\u00a0", "\u3000", "\u00ad", "\ufffd", "\U0001f642", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u6f22\u5b57", "\ufb01", "\uffff", "\ufffe",
    " ", "  ", "\t", "\n", "\r\n",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(schema_chars, max_size=6)), max_size=6
).map("".join)
# Text for the poster's title check: letters, digits and punctuation that DejaVu Sans draws and
# pdftotext gives back unchanged, in scripts that read left to right and need no shaping.
printable_chars = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "<>&\"'`#;:%{}|\\[]()!?@*+=,./-_~^$"
    "äöüßéèçñÅØæœÉ€£αβγΩλжЖщЯ"
)
printable_title = st.lists(
    st.one_of(st.text(printable_chars, min_size=1, max_size=12), st.sampled_from(["<script>", "]]>", "-->", "\\N"])),
    min_size=1,
    max_size=6,
).map(" ".join)

# -- maps ------------------------------------------------------------------------------------------

plain_ids = st.from_regex(r"\A[a-z0-9]{1,5}(-[a-z0-9]{1,3}){0,2}\Z")
# ids a careless renderer could confuse with the node ids it generates itself
ids = st.one_of(plain_ids, st.sampled_from(["t1", "t2", "p1", "o1", "s1", "s1e", "node", "edge", "graph"]))


def unique_ids(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(ids, unique=True, min_size=count, max_size=count)


@st.composite
def hostile_maps(draw: st.DrawFn, text: st.SearchStrategy[str] = hostile_text) -> dict[str, Any]:
    """A valid map of up to four stages, each text field drawn from `text`."""

    def maybe(target: dict[str, Any], key: str, strategy: st.SearchStrategy[Any]) -> None:
        if draw(st.booleans()):
            target[key] = draw(strategy)

    def some(pool: list[str]) -> st.SearchStrategy[list[str]]:
        return st.lists(st.sampled_from(pool), unique=True, max_size=3) if pool else st.just([])

    data: dict[str, Any] = {"journeymap": 1, "title": draw(text)}
    maybe(data, "id", plain_ids)
    maybe(data, "description", text)
    maybe(data, "owner", text)
    maybe(data, "last_reviewed", st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"))
    maybe(data, "tags", st.lists(text, unique=True, max_size=3))
    personas = []
    for persona_id in draw(unique_ids(draw(st.integers(0, 3)))):
        persona: dict[str, Any] = {"id": persona_id, "name": draw(text)}
        for key in ("description", "quote"):
            maybe(persona, key, text)
        for key in ("goals", "frustrations"):
            maybe(persona, key, st.lists(text, max_size=2))
        personas.append(persona)
    channels = []
    for channel_id in draw(unique_ids(draw(st.integers(0, 3)))):
        channel: dict[str, Any] = {"id": channel_id, "name": draw(text)}
        maybe(channel, "kind", st.sampled_from(["digital", "physical", "human"]))
        channels.append(channel)
    sources = []
    for source_id in draw(unique_ids(draw(st.integers(0, 2)))):
        source: dict[str, Any] = {"id": source_id}
        maybe(source, "kind", st.sampled_from(["interview", "survey", "analytics", "other"]))
        maybe(source, "title", text)
        maybe(source, "url", text)
        sources.append(source)
    for key, items in (("personas", personas), ("channels", channels), ("sources", sources)):
        if items or draw(st.booleans()):
            data[key] = items
    persona_ids = [p["id"] for p in personas]
    channel_ids = [c["id"] for c in channels]
    source_ids = [s["id"] for s in sources]

    shape = draw(st.lists(st.integers(0, 3), max_size=4))
    stage_ids = draw(unique_ids(len(shape)))
    touchpoint_ids = iter(draw(unique_ids(sum(shape))))
    pain_counts = [draw(st.integers(0, 2)) for _ in range(sum(shape))]
    pain_ids = draw(unique_ids(sum(pain_counts)))
    pains = iter(pain_ids)
    counts = iter(pain_counts)
    stages = []
    for stage_id, size in zip(stage_ids, shape, strict=True):
        stage: dict[str, Any] = {"id": stage_id, "name": draw(text)}
        maybe(stage, "phase", st.sampled_from(["awareness", "consideration", "purchase", "usage", "advocacy"]))
        maybe(stage, "goal", text)
        maybe(stage, "description", text)
        kpi = st.fixed_dictionaries(
            {"name": text},
            optional={"target": st.one_of(text, st.integers(-10**6, 10**6)), "current": st.one_of(text, st.floats(
                -1e6, 1e6, allow_nan=False))},
        )
        maybe(stage, "kpis", st.lists(kpi, max_size=2))
        touchpoints = []
        for _ in range(size):
            touchpoint: dict[str, Any] = {"id": next(touchpoint_ids), "name": draw(text)}
            maybe(touchpoint, "description", text)
            if channel_ids:
                maybe(touchpoint, "channel", st.sampled_from(channel_ids))
            maybe(touchpoint, "personas", some(persona_ids))
            for key in ("actions", "thoughts", "backstage", "support"):
                maybe(touchpoint, key, st.lists(text, max_size=2))
            maybe(touchpoint, "emotion", st.integers(-2, 2))
            maybe(touchpoint, "evidence", some(source_ids))
            touchpoint_pains = []
            for _ in range(next(counts)):
                pain: dict[str, Any] = {"id": next(pains), "description": draw(text)}
                maybe(pain, "severity", st.sampled_from(["low", "medium", "high", "critical"]))
                maybe(pain, "evidence", some(source_ids))
                touchpoint_pains.append(pain)
            if touchpoint_pains or draw(st.booleans()):
                touchpoint["pain_points"] = touchpoint_pains
            touchpoints.append(touchpoint)
        if touchpoints or draw(st.booleans()):
            stage["touchpoints"] = touchpoints
        stages.append(stage)
    if stages or draw(st.booleans()):
        data["stages"] = stages
    opportunities = []
    for opportunity_id in draw(unique_ids(draw(st.integers(0, 3)))):
        opportunity: dict[str, Any] = {"id": opportunity_id, "description": draw(text)}
        maybe(opportunity, "addresses", some(pain_ids))
        maybe(opportunity, "owner", text)
        maybe(opportunity, "status", st.sampled_from(["idea", "planned", "in-progress", "done", "dropped"]))
        opportunities.append(opportunity)
    if opportunities:
        data["opportunities"] = opportunities
    return data


def repaired(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-valid map made reference-valid: ids unique within their kind, every reference
    pointing at an id that exists, no persona photos (a photo the map's folder lacks fails the
    render by design), and at most a few of everything so that layout stays quick."""
    data = json.loads(json.dumps(data))
    taken: dict[str, set[str]] = {}

    def unique(kind: str, item: dict[str, Any]) -> None:
        seen = taken.setdefault(kind, set())
        base, n = item["id"][:90], 1
        while item["id"] in seen:
            item["id"], n = f"{base}-{n}", n + 1
        seen.add(item["id"])

    def pointed(refs: list[str], pool: list[str]) -> list[str]:
        return list(dict.fromkeys(r if r in pool else pool[len(r) % len(pool)] for r in refs)) if pool else []

    for key in ("personas", "channels", "sources", "stages", "opportunities"):
        if key in data:
            data[key] = data[key][:4]
    for persona in data.get("personas", []):
        persona.pop("photo", None)
        unique("persona", persona)
    for kind in ("channel", "source", "stage"):
        for item in data.get(f"{kind}s", []):
            unique(kind, item)
    touchpoints = []
    for stage in data.get("stages", []):
        if "touchpoints" in stage:
            stage["touchpoints"] = stage["touchpoints"][:3]
        for touchpoint in stage.get("touchpoints", []):
            unique("touchpoint", touchpoint)
            touchpoints.append(touchpoint)
            if "pain_points" in touchpoint:
                touchpoint["pain_points"] = touchpoint["pain_points"][:2]
            for pain in touchpoint.get("pain_points", []):
                unique("pain point", pain)
    channels = [c["id"] for c in data.get("channels", [])]
    personas = [p["id"] for p in data.get("personas", [])]
    sources = [s["id"] for s in data.get("sources", [])]
    pain_ids = [p["id"] for t in touchpoints for p in t.get("pain_points", [])]
    for touchpoint in touchpoints:
        if "channel" in touchpoint:
            if channels:
                touchpoint["channel"] = pointed([touchpoint["channel"]], channels)[0]
            else:
                del touchpoint["channel"]
        for key, pool in (("personas", personas), ("evidence", sources)):
            if key in touchpoint:
                touchpoint[key] = pointed(touchpoint[key], pool)
        for pain in touchpoint.get("pain_points", []):
            if "evidence" in pain:
                pain["evidence"] = pointed(pain["evidence"], sources)
    for opportunity in data.get("opportunities", []):
        unique("opportunity", opportunity)
        if "addresses" in opportunity:
            opportunity["addresses"] = pointed(opportunity["addresses"], pain_ids)
    return data


schema_maps = from_schema(json.loads(schema_text())).map(repaired)
maps = st.one_of(hostile_maps(), schema_maps)


def analysed(data: dict[str, Any]) -> Journey | None:
    """The map as `journeymap render` sees it, after the YAML round trip and validation."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    analysis = analysis_of(text, "gen.journey.yaml", lint=False)
    return analysis.journey if analysis.valid else None


def journey_from(data: dict[str, Any]) -> Journey:
    journey = analysed(data)
    assume(journey is not None)  # both strategies aim at valid maps; this guards what they miss
    assert journey is not None
    return journey


# -- DOT and the SVG dot draws from it -------------------------------------------------------------

SVG_XMLNS = "http://www.w3.org/2000/svg"
# everything dot draws a diagram with; a tag outside this set came from map text
SVG_TAGS = {"svg", "g", "title", "polygon", "polyline", "path", "ellipse", "text", "defs", "style"}


def svg_of(journey: Journey) -> ET.Element:
    """The diagram as a browser would get it: our DOT source laid out by `dot -Tsvg`, parsed as XML."""
    source = picture_of(journey, "dot", OPTIONS, None).data.decode("utf-8")
    return ET.fromstring(run_dot(source, "svg"))


def drawn_text(root: ET.Element) -> str:
    return " ".join(t for element in root.iter(f"{SVG_NS}text") for t in element.itertext())


@needs_dot
@DOT_RUNS
@given(maps)
def test_dot_draws_every_map_as_well_formed_svg_with_only_its_own_elements(data):
    root = svg_of(journey_from(data))
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert tags <= SVG_TAGS
    for element in root.iter():
        assert not [key for key in element.attrib if key.endswith("href") or key.lower().startswith("on")]
        for value in element.attrib.values():
            assert not value.strip().lower().startswith(("javascript:", "data:", "file:", "http:", "https:"))


@needs_dot
@DOT_RUNS
@given(maps)
@example({"journeymap": 1, "title": ""})
@example({"journeymap": 1, "title": "]", "stages": [
    {"id": "s", "name": "S", "touchpoints": [{"id": "t", "name": "]]"}]}
]})
def test_svg_shows_title_stage_touchpoint_and_channel_names_as_written(data):
    journey = journey_from(data)
    root = svg_of(journey)
    # right-to-left text is drawn after a left-to-right mark, between first-strong isolates (U+200E,
    # U+2068 … U+2069), which show nothing
    def unmarked(text: str) -> str:
        return squeezed(text).replace("\u200e", "").replace("\u2068", "").replace("\u2069", "")

    shown = unmarked(drawn_text(root))
    channels = {c.id: c.name for c in journey.channels}
    expected = [
        journey.title,
        *(s.name for s in journey.stages),
        *(t.name for t in journey.touchpoints()),
        *(channels[t.channel] for t in journey.touchpoints() if t.channel),
    ]
    assert [text for text in expected if unmarked(clean(text)) not in shown] == []


def drawn_lines(data: dict[str, Any]) -> list[str]:
    journey = analysed(data)
    assert journey is not None
    root = svg_of(journey)
    return ["".join(element.itertext()) for element in root.iter(f"{SVG_NS}text")]


@needs_dot
def test_text_of_nothing_but_brackets_is_drawn():
    # Graphviz refused `<B>]</B>` as a syntax error and silently dropped a wrapped line that was only `]`
    data = {
        "journeymap": 1,
        "title": "]",
        "stages": [{"id": "s", "name": "S", "touchpoints": [
            {"id": "a", "name": "]]"},
            {"id": "b", "name": "Checks the basket twice ]"},  # wraps at 24 characters: the second line is `]`
        ]}],
        "opportunities": [{"id": "o", "description": "Idea", "owner": "]"}],
    }
    lines = drawn_lines(data)
    assert lines.count("]") == 3 and lines.count("]]") == 1
    assert "Checks the basket twice" in lines


@needs_dot
def test_text_of_nothing_but_spaces_still_gives_a_diagram():
    # an empty <B></B> or <FONT></FONT> is a syntax error to Graphviz
    data = {
        "journeymap": 1,
        "title": "  ",
        "description": "\t",
        "stages": [{"id": "s", "name": " ", "touchpoints": [
            {"id": "t", "name": " ", "pain_points": [{"id": "p", "description": " "}]},
        ]}],
        "opportunities": [{"id": "o", "description": " ", "addresses": ["p"], "owner": "   "}],
    }
    assert "no owner yet" in drawn_lines(data)


@needs_dot
@DOT_RUNS
@given(maps)
def test_svg_has_one_node_per_touchpoint_pain_point_and_opportunity(data):
    journey = journey_from(data)
    root = svg_of(journey)
    nodes = [
        "".join(node.find(f"{SVG_NS}title").itertext())  # type: ignore[union-attr]
        for node in root.iter(f"{SVG_NS}g")
        if node.get("class") == "node"
    ]

    def count(kind: str) -> int:
        return sum(1 for name in nodes if re.fullmatch(rf"{kind}\d+", name))

    assert count("t") == sum(1 for _ in journey.touchpoints())
    assert count("p") == sum(1 for _ in journey.pain_points())
    assert count("o") == len(journey.opportunities)


@needs_dot
@FEW
@given(maps)
def test_png_and_pdf_diagrams_start_with_their_signatures(data):
    journey = journey_from(data)
    assert picture_of(journey, "png", OPTIONS, None).data.startswith(b"\x89PNG\r\n\x1a\n")
    assert picture_of(journey, "pdf", OPTIONS, None).data.startswith(b"%PDF-")


# -- Mermaid ---------------------------------------------------------------------------------------


@FAST
@given(maps)
def test_mermaid_reads_back_a_section_per_stage_and_a_task_per_touchpoint_with_its_actors(data):
    journey = journey_from(data)
    text = picture_of(journey, "mermaid", OPTIONS, None).data.decode("utf-8")
    assert text.startswith("journey\n") and "```" not in text
    diagram = parse_mermaid_journey(text)
    assert diagram["title"] == (clean(journey.title) or journey.id or "Journey")
    sections = diagram["sections"]
    assert isinstance(sections, list)
    assert [s["name"] for s in sections] == [clean(s.name) or s.id for s in journey.stages]
    for section, stage in zip(sections, journey.stages, strict=True):
        tasks = [(t["name"], t["score"], t["actors"]) for t in section["tasks"]]
        expected = [
            (
                clean(t.name) or t.id,
                3 if t.emotion is None else t.emotion + 3,
                [clean(p.name) or p.id for p in journey.personas if not t.personas or p.id in t.personas],
            )
            for t in stage.touchpoints
        ]
        assert tasks == expected
        assert all(1 <= score <= 5 for _, score, _ in tasks)


@FAST
@given(maps)
def test_mermaid_lines_are_only_journey_statements(data):
    text = picture_of(journey_from(data), "mermaid", OPTIONS, None).data.decode("utf-8")
    # entity codes such as `#35;` are how map text carries Mermaid's own characters: set them aside
    lines = [re.sub(r"#\d+;", "_", line) for line in text.splitlines()]
    statement = re.compile(r"    (title [^\n#;]+|%% [^\n]*|section [^\n#:;]+|    [^\n#:;]+: [1-5](: [^\n#:;]+)?)")
    assert lines[0] == "journey"
    assert [line for line in lines[1:] if not statement.fullmatch(line)] == []


# -- the web page ----------------------------------------------------------------------------------

# every element the page is built from; a start tag outside this set came from map text
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "aside", "article",
    "div", "p", "span", "b", "h1", "h2", "h3", "dl", "dt", "dd", "ul", "li", "details", "summary", "table",
    "colgroup", "col", "thead", "tbody", "tr", "th", "td", "svg", "rect", "line", "path", "circle", "text", "g",
    "nav", "a",  # the overview's links to the stage headers
    "button", "script",  # "Fit the whole map" and journeymap's one script (zoom, arrow keys)
}

PAGE_ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "class", "scope", "colspan", "title", "role", "aria-hidden",
    "aria-label", "xmlns", "width", "height", "viewbox", "preserveaspectratio", "x", "y", "x1", "x2", "y1", "y2",
    "cx", "cy", "r", "rx", "d", "fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap",
    "text-anchor", "font-size", "font-weight", "dir", "id", "tabindex", "href", "type", "aria-pressed", "hidden",
    "vector-effect", "overflow", "transform",  # the curve drawn as wide as its cell
}
PAGE_IDS = ("fit", "page-tools")  # the page's own tools, never map text


class PageReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.csp: list[str] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._open: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        found = dict(attrs)
        if tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(found.get("content") or "")
        self._open = tag

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "style":
            self.styles.append(data)
        elif self._open == "script":
            self.scripts.append(data)
        elif self._open == "title" and not self.title:
            self.title = data
        else:
            self.text.append(data)


@FAST
@given(maps)
def test_page_holds_only_its_own_elements_and_loads_nothing(data):
    page = PageReader(picture_of(journey_from(data), "html", OPTIONS, None).data.decode("utf-8"))
    assert page.tags <= PAGE_TAGS
    assert {name for name, _ in page.attributes} <= PAGE_ATTRIBUTES
    assert [name for name, _ in page.attributes if name.startswith("on")] == []
    urls = [value for name, value in page.attributes if name in ("src", "href", "xlink:href", "action", "srcset")]
    assert all(re.fullmatch(r"#stage-\d+", url) for url in urls)  # only its own stage anchors
    ids = [value for name, value in page.attributes if name == "id"]
    stage_ids = [i for i in ids if i not in PAGE_IDS]
    assert all(re.fullmatch(r"stage-\d+", i) for i in stage_ids) and sorted(urls) == sorted(f"#{i}" for i in stage_ids)
    assert page.scripts in ([PAGE_SCRIPT], [])  # only journeymap's own script, word for word
    assert [v for name, v in page.attributes if name == "style" or "url(" in v or "://" in v] == [SVG_XMLNS] * len(
        [name for name, _ in page.attributes if name == "xmlns"]
    )
    assert "url(" not in "".join(page.styles) and "@import" not in "".join(page.styles)


@FAST
@given(maps)
def test_page_policy_allows_only_the_page_own_stylesheet_and_script(data):
    page = PageReader(picture_of(journey_from(data), "html", OPTIONS, None).data.decode("utf-8"))
    assert len(page.csp) == 1 and len(page.styles) == 1
    digest = base64.b64encode(hashlib.sha256(page.styles[0].encode("utf-8")).digest()).decode("ascii")
    script = base64.b64encode(hashlib.sha256(PAGE_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    assert page.csp[0] == (
        f"default-src 'none'; style-src 'sha256-{digest}'; script-src 'sha256-{script}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


@FAST
@given(maps)
def test_page_shows_title_and_stage_names_as_text(data):
    journey = journey_from(data)
    page = PageReader(picture_of(journey, "html", OPTIONS, None).data.decode("utf-8"))
    assert page.title == f"{clean(journey.title)} · journey map"
    shown = squeezed("".join(page.text))
    assert squeezed(clean(journey.title)) in shown
    missing = [s.name for s in journey.stages if squeezed(clean(s.name)) not in shown]
    assert missing == []


# -- the poster ------------------------------------------------------------------------------------


def pdftotext(pdf: bytes) -> str:
    """The poster's text in the order it was printed: `-raw`, because pdftotext's default reading
    would join a line that ends in a hyphen to the next one and drop the hyphen."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "poster.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [shutil.which("pdftotext") or "pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
            capture_output=True, check=True, timeout=60,
        )
    return done.stdout.decode("utf-8")


def comparable(text: str) -> str:
    """Text as a reader compares it: compatibility forms folded (a ligature is its letters), no spaces,
    not even the zero-width ones the poster puts into over-long words."""
    return squeezed(unicodedata.normalize("NFKC", text)).replace("\u200b", "")


@needs_pdftotext
@POSTERS
@given(maps, printable_title)
def test_poster_is_a_pdf_that_prints_the_title(data, title):
    data["title"] = title
    journey = journey_from(data)
    pdf = picture_of(journey, "poster", OPTIONS, None).data
    assert pdf.startswith(b"%PDF-")
    text = pdftotext(pdf)
    assert comparable(title) in comparable(text)
    assert "root:x:0:0" not in text
