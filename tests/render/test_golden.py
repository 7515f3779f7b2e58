"""Golden files: the DOT and Mermaid of every example, kept in tests/golden/ so that a pull request
shows how its change alters the pictures. Refresh them on purpose with

    JOURNEYMAP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/render/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from journeymap.batch import output_name
from journeymap.io.sources import Target
from journeymap.render import RenderOptions
from journeymap.render.pictures import draw
from tests.conftest import ROOT
from tests.render.helpers import journey_of, maps_with_goldens

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("JOURNEYMAP_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
@pytest.mark.parametrize("path", maps_with_goldens(), ids=lambda p: p.name)
def test_output_matches_its_golden_file(path: Path, fmt: str):
    text = draw(journey_of(path), fmt, RenderOptions(), path.parent).data.decode("utf-8")
    golden = GOLDEN / output_name(Target(str(path)), fmt)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    # a map without its golden file is a failure, not a skip: CI would never notice it
    assert golden.exists(), f"no golden file {golden.name}; create it with JOURNEYMAP_UPDATE_GOLDEN=1 and review it"
    assert text == golden.read_text(encoding="utf-8"), (
        f"the {fmt} of {path.name} changed; if that is intended, refresh tests/golden/ with "
        "JOURNEYMAP_UPDATE_GOLDEN=1 and review the diff"
    )


def test_golden_files_belong_to_a_map():
    """A golden file whose map was renamed or removed would silently stop being checked."""
    expected = {output_name(Target(str(p)), f) for p in maps_with_goldens() for f in ("dot", "mermaid")}
    stray = sorted(p.name for p in GOLDEN.iterdir() if p.is_file() and p.name not in expected)
    assert stray == [], f"golden files without a map: {stray}"
