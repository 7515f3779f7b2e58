"""fix and rename know the ids a map takes from its libraries (`use:`), as validate does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

LIBRARY = "journeymap: 1\npersonas:\n  - {id: busy-parent, name: Busy parent, goals: [Save time]}\n" \
          "channels:\n  - {id: web, name: Website}\n"
MAP = """journeymap: 1
title: Checkout  # reviewed with the checkout team
last_reviewed: 2026-11-01
use: [shared/people.library.yaml]
stages:
  - id: pay
    name: Pay
    touchpoints:
      - id: pays
        name: Pays by card
        channel: wbe
        personas: [busy-parent]
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "people.library.yaml").write_text(LIBRARY, encoding="utf-8")
    (tmp_path / "checkout.journey.yaml").write_text(MAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fix_corrects_a_reference_to_a_channel_the_library_defines(repo: Path):
    result = run_cli("fix", "checkout.journey.yaml")
    assert result.exit_code == 0, (result.stdout + result.stderr)
    assert (repo / "checkout.journey.yaml").read_text(encoding="utf-8") == MAP.replace("channel: wbe", "channel: web")
    assert "JM021" not in run_cli("validate", "checkout.journey.yaml").stdout


def test_rename_of_a_library_id_in_one_map_is_refused_and_names_the_library(repo: Path):
    result = run_cli("rename", "checkout.journey.yaml", "busy-parent", "parent")
    assert result.exit_code == 1
    assert "'busy-parent' is defined in library shared/people.library.yaml" in (result.stdout + result.stderr)
    assert "rename it there" in (result.stdout + result.stderr)
    assert (repo / "checkout.journey.yaml").read_text(encoding="utf-8") == MAP
