"""`analyse_edit`, the editor's road: re-reading only the edited stage gives exactly what reading
the whole edited file gives."""

from __future__ import annotations

import random

import pytest

from journeymap.config import default_project
from journeymap.load import load_text, reloaded
from journeymap.pipeline import analyse_bytes, analyse_edit
from tests.conftest import EXAMPLES, FIXTURES

MAPS = [*sorted(EXAMPLES.glob("*.journey.yaml")), FIXTURES / "lint" / "clean.journey.yaml"]
SNIPPETS = ["x", " ", "\n", ": ", "- ", "#", "'", '"', "\t", "&a ", "*a", "<<: {}\n", "\n  - id: new\n",
            "\n    goal: again\n", "\n    name: twice\n", "emotion: 9\n", "[", "]", "{", "---\n", "2026-02-30"]


def edits(text: str, seed: int, count: int) -> list[str]:
    """Edits a person might make mid-typing: characters typed or deleted anywhere, lines added."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        at = rng.randrange(len(text))
        if rng.random() < 0.6:
            out.append(text[:at] + rng.choice(SNIPPETS) + text[at:])
        else:
            out.append(text[:at] + text[at + rng.randrange(1, 12):])
    return out


def same_either_way(path, count: int) -> int:
    """Analyse `count` edits of the map both ways and compare; how often the shortcut was taken."""
    project = default_project()
    text = path.read_text(encoding="utf-8")
    previous = analyse_bytes(text.encode("utf-8"), str(path), project)
    assert previous.document is not None
    shortcuts = 0
    for edited in edits(text, seed=len(text), count=count):
        raw = edited.encode("utf-8")
        fast, full = analyse_edit(previous, raw, project), analyse_bytes(raw, str(path), project)
        assert (fast.state, fast.findings) == (full.state, full.findings), edited
        if full.document is not None:
            assert fast.document is not None
            assert fast.document.data == full.document.data
            assert fast.document.positions == full.document.positions
            assert fast.document.key_positions == full.document.key_positions
        shortcuts += reloaded(previous.document, edited) is not None
    return shortcuts


def test_edits_of_a_map_analyse_the_same_whether_one_stage_or_the_whole_file_is_read():
    assert same_either_way(EXAMPLES / "online-shop.journey.yaml", 30) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_many_edits_of_every_example_analyse_the_same_either_way(path):
    assert same_either_way(path, 150) >= 15  # the shortcut is taken, or this test would prove nothing


def test_an_edit_that_adds_a_duplicate_key_in_a_stage_is_still_reported():
    text = (FIXTURES / "lint" / "clean.journey.yaml").read_text(encoding="utf-8")
    previous = analyse_bytes(text.encode("utf-8"), "m.journey.yaml", default_project())
    edited = text.replace("    goal: Pays easily\n", "    goal: Pays easily\n    goal: Pays twice\n")
    doc, _ = load_text(text, "m.journey.yaml")
    assert doc is not None and reloaded(doc, edited) is None
    analysis = analyse_edit(previous, edited.encode("utf-8"), default_project())
    assert analysis.has("JM002")


def test_an_edit_outside_the_stages_reads_the_whole_file():
    text = (FIXTURES / "lint" / "clean.journey.yaml").read_text(encoding="utf-8")
    doc, _ = load_text(text, "m.journey.yaml")
    assert doc is not None
    assert reloaded(doc, text.replace("title: Lint base map", "title: Lint base")) is None
    changed = reloaded(doc, text.replace("    goal: Pays easily\n", "    goal: Pays at once\n"))
    assert changed is not None and changed.data["stages"][1]["goal"] == "Pays at once"
