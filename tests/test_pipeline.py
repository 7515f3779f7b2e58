"""`analyse_edit`, the editor's road: re-reading only the part of the map an edit touches gives
exactly what reading the whole edited file gives, for edits anywhere in a map."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.config import default_project
from journeymap.load import decode, load_text, reloaded
from journeymap.pipeline import Analysis, analyse_bytes, analyse_edit
from tests.conftest import EXAMPLES, FIXTURES

MAPS = [*sorted(EXAMPLES.glob("*.journey.yaml")), FIXTURES / "lint" / "clean.journey.yaml"]
CLEAN = FIXTURES / "lint" / "clean.journey.yaml"
SNIPPETS = ["x", " ", "\n", ": ", "- ", "#", "'", '"', "\t", "&a ", "*a", "<<: {}\n", "\n  - id: new\n",
            "\n    goal: again\n", "\n    name: twice\n", "emotion: 9\n", "[", "]", "{", "---\n", "2026-02-30",
            "\ufeff", "\r", "\r\n", "...\n", "%YAML 1.1\n", "\n- id: top\n", "title: again\n", "\u2028"]


def edits(text: str, seed: int, count: int) -> list[str]:
    """Edits a person might make mid-typing: characters typed or deleted anywhere, lines added,
    removed, copied elsewhere (list items among them) or indented otherwise."""
    rng = random.Random(seed)
    return [edit(text, rng) for _ in range(count)]


def edit(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text))
    kind = rng.random()
    if kind < 0.45:
        return text[:at] + rng.choice(SNIPPETS) + text[at:]
    if kind < 0.7:
        return text[:at] + text[at + rng.randrange(1, 12):]
    lines = text.splitlines(keepends=True)
    first = rng.randrange(len(lines))
    last = min(len(lines), first + rng.randrange(1, 8))
    block = lines[first:last]
    if kind < 0.8:  # lines removed: a field, an item, the end of one item and the start of the next
        return "".join(lines[:first] + lines[last:])
    if kind < 0.9:  # lines copied to another place: a list item added, or a stray one
        to = rng.randrange(len(lines) + 1)
        return "".join(lines[:to] + block + lines[to:])
    indent = rng.choice([" ", "  ", "-"])  # lines indented more, or less
    if rng.random() < 0.5:
        block = [indent + line for line in block]
    else:
        block = [line[1:] if line[:1] == " " else line for line in block]
    return "".join(lines[:first] + block + lines[last:])


def part_of(text: str, edited: str) -> str:
    """The top-level key whose lines hold the start of the edit ('header' for scalars above the lists)."""
    at = next((i for i, (a, b) in enumerate(zip(text, edited, strict=False)) if a != b), min(len(text), len(edited)))
    key = "header"
    for line in text[:at].splitlines():
        if line[:1].isalpha() and line.rstrip().endswith(":"):
            key = line.split(":")[0]
    return key


def assert_same(fast: Analysis, full: Analysis, edited: str) -> None:
    assert (fast.state, fast.findings) == (full.state, full.findings), edited
    if full.document is None:
        return
    assert fast.document is not None
    assert fast.document.data == full.document.data
    assert list(fast.document.data) == list(full.document.data)  # the order of keys, too
    assert fast.document.positions == full.document.positions
    assert fast.document.key_positions == full.document.key_positions
    assert fast.journey == full.journey


def same_either_way(text: str, seed: int, count: int, raw_of=lambda text: text.encode("utf-8")) -> Counter[str]:
    """Analyse `count` edits of the map both ways and compare; how often the shortcut was taken, by
    the part of the map the edit fell in."""
    project = default_project()
    path = "m.journey.yaml"
    previous = analyse_bytes(raw_of(text), path, project)
    assert previous.document is not None
    shortcuts: Counter[str] = Counter()
    for edited in edits(text, seed, count):
        raw = raw_of(edited)
        assert_same(analyse_edit(previous, raw, project), analyse_bytes(raw, path, project), edited)
        decoded = decode(raw, path)
        if isinstance(decoded, str) and reloaded(previous.document, decoded) is not None:
            shortcuts[part_of(text, edited)] += 1
    return shortcuts


def test_edits_of_a_map_analyse_the_same_whether_one_part_or_the_whole_file_is_read():
    shortcuts = same_either_way((EXAMPLES / "online-shop.journey.yaml").read_text(encoding="utf-8"), 1, 80)
    assert sum(shortcuts.values()) >= 15


@pytest.mark.slow
@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_many_edits_of_every_example_analyse_the_same_either_way(path):
    text = path.read_text(encoding="utf-8")
    shortcuts = same_either_way(text, len(text), 300)
    # the shortcut is taken in every part of the map, or this test would prove little
    assert {"header", "personas", "stages"} <= {part for part, n in shortcuts.items() if n >= 2}, shortcuts


@pytest.mark.slow
def test_edits_of_a_map_with_crlf_line_ends_and_a_byte_order_mark_analyse_the_same_either_way():
    text = CLEAN.read_text(encoding="utf-8")
    shortcuts = same_either_way(text.replace("\n", "\r\n"), 7, 200,
                                raw_of=lambda text: b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass"))
    assert sum(shortcuts.values()) >= 20, shortcuts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.integers(1, 12))
def test_a_run_of_edits_each_analysed_from_the_last_gives_what_reading_each_whole_gives(seed, steps):
    """As the server works: every analysis starts from the one of the version before."""
    project = default_project()
    rng = random.Random(seed)
    text = CLEAN.read_text(encoding="utf-8")
    previous = analyse_bytes(text.encode("utf-8"), "m.journey.yaml", project)
    for _ in range(steps):
        text = edit(text, rng)
        raw = text.encode("utf-8", "surrogatepass")
        fast = analyse_edit(previous, raw, project)
        assert_same(fast, analyse_bytes(raw, "m.journey.yaml", project), text)
        previous = fast


@pytest.mark.parametrize("before, after, part", [
    ("title: Lint base map\n", "title: Lint base\n", "title"),
    ("title: Lint base map\n", "title: Lint base map\ndescription: Added\n", "a new top-level key"),
    ("  - id: parent\n", "  - id: parents\n", "a persona"),
    ("    goal: Pays easily\n", "    goal: Pays at once\n", "a stage"),
    ("    status: planned\n", "    status: done\n", "an opportunity"),
])
def test_an_edit_in_any_part_of_the_map_is_read_alone(before, after, part):
    text = CLEAN.read_text(encoding="utf-8")
    doc, _ = load_text(text, "m.journey.yaml")
    assert doc is not None and before in text
    edited = text.replace(before, after, 1)
    fast = reloaded(doc, edited)
    full, _ = load_text(edited, "m.journey.yaml")
    assert fast is not None, part
    assert full is not None and (fast.data, fast.positions, fast.key_positions) == (
        full.data, full.positions, full.key_positions)


def test_a_list_item_added_or_removed_renumbers_the_items_after_it():
    text = CLEAN.read_text(encoding="utf-8")
    doc, _ = load_text(text, "m.journey.yaml")
    assert doc is not None
    start = text.index("  - id: parent\n")
    end = text.index("\n  - ", start + 1) + 1
    persona = text[start:end]
    for edited in (text[:start] + text[end:], text[:start] + persona.replace("parent", "other") + text[start:]):
        fast, (full, _) = reloaded(doc, edited), load_text(edited, "m.journey.yaml")
        assert fast is not None and full is not None
        assert len(fast.data["personas"]) != len(doc.data["personas"])
        assert (fast.data, fast.positions, fast.key_positions) == (full.data, full.positions, full.key_positions)


@pytest.mark.parametrize("before, after", [
    ("    goal: Pays easily\n", "    goal: Pays easily\n    goal: Pays twice\n"),  # a duplicate key
    ("title: Lint base map\n", "title: Lint base map\ntitle: Again\n"),  # a duplicate top-level key
    ("  - id: parent\n", "  - id: &p parent\n"),  # an anchor others could use
    ("  - id: parent\n", "---\n  - id: parent\n"),  # a second document
])
def test_an_edit_the_loader_must_see_whole_reads_the_whole_file(before, after):
    text = CLEAN.read_text(encoding="utf-8")
    doc, _ = load_text(text, "m.journey.yaml")
    assert doc is not None and before in text
    edited = text.replace(before, after, 1)
    assert reloaded(doc, edited) is None
    fast = analyse_edit(analyse_bytes(text.encode("utf-8"), "m.journey.yaml", default_project()),
                        edited.encode("utf-8"), default_project())
    assert_same(fast, analyse_bytes(edited.encode("utf-8"), "m.journey.yaml", default_project()), edited)
    assert fast.findings, "the loader's finding is reported"
