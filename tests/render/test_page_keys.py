"""The web page in a real browser: the grid fills the window, "Fit the whole map" zooms it to fit,
and the arrow keys move the focus between touchpoints and stages, drawn with a visible outline."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import EXAMPLES, run_cli
from tests.render.test_accessibility import CHROMIUM, HERE, node_modules, pytestmark  # noqa: F401

SHORT = """\
journeymap: 1
id: short
title: A short map
stages:
  - id: one
    name: One
    touchpoints:
      - {id: a, name: First touchpoint, emotion: 1}
      - {id: b, name: Second touchpoint, emotion: -1}
  - id: two
    name: Two
    touchpoints:
      - {id: c, name: Third touchpoint, emotion: 0}
"""


def drive(modules, page) -> dict:
    env = {**os.environ, "NODE_PATH": str(modules), "CHROMIUM": str(CHROMIUM)}
    done = subprocess.run(["node", str(HERE / "page_keys.js"), page.as_uri()], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_arrow_keys_move_between_touchpoints_and_stages_with_a_visible_focus(node_modules, tmp_path):  # noqa: F811
    page = tmp_path / "shop.html"
    assert run_cli("render", str(EXAMPLES / "online-shop.journey.yaml"), "-f", "html", "-o", str(page)).exit_code == 0
    found = drive(node_modules, page)
    assert found["errors"] == []  # the script ran under the page's policy
    names = [(step["stage"], step["text"]) for step in found["steps"].values()]
    assert names == [
        (False, "Sees a styled kitchen in a short video"),
        (False, "Lands on the kitchen collection page"),
        (False, "Reads reviews and looks at customer photos"),
        (True, "Compare"),  # up: the touchpoint's own stage
        (True, "Decide"),  # right along the stage row
        (False, "Sees delivery cost and dates in the basket"),  # down: the stage's first touchpoint
        (False, "Looks for a referral code to share"),  # End
        (False, "Posts a photo of the new kitchen"),
        (False, "Sees a styled kitchen in a short video"),  # Home
    ]
    # one stop for Tab (a roving tabindex), and the focus is drawn
    assert all(step["tabindex"] == "0" and step["outline"].startswith("solid") for step in found["steps"].values())
    assert found["before"]["tabbable"] == 1
    # a long map: wider than the window until fitted, then within it
    assert found["before"]["grid"] > found["before"]["box"]
    assert found["fitted"]["grid"] <= found["fitted"]["box"] + 1
    assert found["fitted"]["height"] <= found["fitted"]["windowHeight"]
    assert max(found["before"]["offsets"]) <= 2 and max(found["fitted"]["offsets"]) <= 2


def test_a_short_maps_grid_fills_the_width(node_modules, tmp_path):  # noqa: F811
    source = tmp_path / "short.journey.yaml"
    source.write_text(SHORT, encoding="utf-8")
    page = tmp_path / "short.html"
    assert run_cli("render", str(source), "-f", "html", "-o", str(page)).exit_code == 0
    sizes = drive(node_modules, page)["before"]
    assert abs(sizes["grid"] - sizes["box"]) <= 2, sizes
    # the emotion curve widens with it: as wide as its lane, each point over its touchpoint's column
    assert abs(sizes["curve"] - sizes["curveCell"]) <= 2, sizes
    assert len(sizes["offsets"]) == 3 and max(sizes["offsets"]) <= 2, sizes
