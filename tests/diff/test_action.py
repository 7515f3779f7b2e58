"""The GitHub Action (action.yml): its scripts run here with bash, as a runner would run them,
in a repository with a base commit and a pull request's head."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, have
from tests.diff.helpers import Repo

pytestmark = pytest.mark.skipif(not (have("git") and have("bash")), reason="needs git and bash")
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
MAP = """\
journeymap: 1
id: shop
title: Shop
channels:
  - {id: web, name: Website, kind: digital}
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: visit
        name: Visits the site
        channel: web
        emotion: 0
"""


def step(name: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s["name"] == name)


def test_the_action_is_composite_and_never_pastes_inputs_into_scripts():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "fail-on", "diff", "python-version"}
    for s in ACTION["runs"]["steps"]:
        # `${{ inputs.x }}` inside a script would let a workflow's input run as shell code
        assert "${{" not in s.get("run", ""), s["name"]
    assert '"$GITHUB_ACTION_PATH"' in step("Install journeymap")["run"]
    assert "github.event_name == 'pull_request'" in step("Show what the pull request changed")["if"]


def _run(script: str, repo: Repo, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "NO_COLOR": "1",
        **env,
    }
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=repo.root, env=environment,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Repo, str]:
    """A base commit with a valid map; the head breaks a reference (an error whatever the lint rules)."""
    repo = Repo(tmp_path / "repo")
    repo.write("maps/shop.journey.yaml", MAP)
    base = repo.commit("Base")
    repo.write("maps/shop.journey.yaml", MAP.replace("channel: web", "channel: webb").replace("emotion: 0",
                                                                                            "emotion: -2"))
    repo.commit("Pull request")
    return repo, base


@pytest.mark.parametrize(("fail_on", "validate_exit", "diff_exit"), [
    ("errors", 1, 0), ("new-errors", 0, 1), ("never", 0, 0),
])
def test_fail_on_decides_which_step_fails(pull_request, tmp_path: Path, fail_on, validate_exit, diff_exit):
    repo, base = pull_request
    env = {"JM_PATHS": "maps", "JM_FAIL_ON": fail_on, "JM_BASE": base}
    validate = _run(step("Validate the maps")["run"], repo, tmp_path, **env)
    assert validate.returncode == validate_exit, validate.stderr
    assert re.search(r"^::error file=maps/shop.journey.yaml,line=12,col=18,", validate.stdout, re.M)
    diff = _run(step("Show what the pull request changed")["run"], repo, tmp_path, **env)
    assert diff.returncode == diff_exit, diff.stderr
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("### Journey map changes\n")
    assert "emotion: 0 → −2 (<b>−2</b>)" in summary
    if diff_exit:
        assert "::error title=journeymap::this pull request introduces 1 finding(s) at error severity" in diff.stdout


def test_a_bad_fail_on_value_stops_with_a_message(pull_request, tmp_path: Path):
    repo, base = pull_request
    run = _run(step("Validate the maps")["run"], repo, tmp_path, JM_PATHS="maps", JM_FAIL_ON="sometimes",
               JM_BASE=base)
    assert run.returncode == 2
    assert "fail-on must be errors, new-errors or never, not 'sometimes'" in run.stdout
