"""The pre-commit hook, used for real through `pre-commit try-repo` in a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.conftest import EXAMPLES, FIXTURES, ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_hook_file_declares_journeymap_validate():
    [hook] = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "journeymap-validate"
    assert hook["entry"] == "journeymap validate"
    assert hook["language"] == "python"
    import re

    pattern = re.compile(hook["files"])
    assert pattern.search("maps/checkout.journey.yaml") and pattern.search("a.journey.yml")
    assert not pattern.search("maps/checkout.yaml")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo_passes_good_and_fails_bad_maps(tmp_path):
    # a snapshot of this checkout as a repository of its own: try-repo installs from its HEAD
    hook_repo = tmp_path / "journeymap"
    shutil.copytree(ROOT, hook_repo, ignore=shutil.ignore_patterns(
        ".venv", ".git", "out", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"))
    _git(hook_repo, "init", "-q")
    _git(hook_repo, "add", "-A")
    _git(hook_repo, "commit", "-q", "-m", "snapshot")

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(EXAMPLES / "online-shop.journey.yaml", project / "good.journey.yaml")
    shutil.copy(FIXTURES / "bad" / "duplicate-key.journey.yaml", project / "bad.journey.yaml")
    _git(project, "init", "-q")
    _git(project, "add", "-A")

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "journeymap-validate"]
    good = subprocess.run([*pre_commit, "--files", "good.journey.yaml"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    bad = subprocess.run([*pre_commit, "--files", "bad.journey.yaml"], cwd=project, env=env,
                         capture_output=True, text=True, timeout=900, check=False)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "bad.journey.yaml:3:1: error [JM002] duplicate key 'title'" in bad.stdout
