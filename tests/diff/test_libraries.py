"""A change in a library shows in `diff` as a change to every map that uses it, with each side's
libraries read as they are on that side (a revision, the working tree, a folder)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, have, run_cli
from tests.diff.helpers import Repo

LIBS = FIXTURES / "portfolio" / "libs"


def _tree(root: Path) -> None:
    """The fixture maps and libraries, laid out as in the fixtures folder."""
    shutil.copytree(LIBS / "shared", root / "shared")
    (root / "maps").mkdir(parents=True)
    shutil.copy(LIBS / "maps" / "order.journey.yaml", root / "maps")
    (root / "maps" / "second.journey.yaml").write_text(
        (LIBS / "maps" / "order.journey.yaml").read_text().replace("id: order", "id: second")
    )


def _renamed_persona(root: Path) -> None:
    library = root / "shared" / "people.library.yaml"
    library.write_text(library.read_text().replace("name: Busy parent", "name: Parent on the go"))


def _statuses(stdout: str) -> dict[str, str]:
    return {m["new_path"]: m["status"] for m in json.loads(stdout)["maps"]}


@pytest.mark.skipif(not have("git"), reason="needs git")
def test_a_library_change_at_a_revision_changes_every_map_that_uses_it(tmp_path: Path, monkeypatch):
    repo = Repo(tmp_path / "repo")
    _tree(repo.root)
    repo.commit("Maps with a shared library")
    _renamed_persona(repo.root)
    monkeypatch.chdir(repo.root)
    # the working tree against the last commit: the map files themselves did not change
    run = run_cli("diff", "--git", "HEAD", "maps", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert _statuses(run.stdout) == {"maps/order.journey.yaml": "modified", "maps/second.journey.yaml": "modified"}
    changes = json.loads(run.stdout)["maps"][0]["changes"]
    assert [(c["entity"], c["id"], c["old"], c["new"]) for c in changes] == [
        ("persona", "busy-parent", "Busy parent", "Parent on the go"),
    ]
    # two revisions: each side reads the library blob at its own commit
    repo.commit("Rename the persona")
    run = run_cli("diff", "--git", "HEAD~1", "--to", "HEAD", "maps", "--format", "json")
    assert _statuses(run.stdout) == {"maps/order.journey.yaml": "modified", "maps/second.journey.yaml": "modified"}
    run = run_cli("diff", "--git", "HEAD", "--to", "HEAD", "maps", "--format", "json")
    assert set(_statuses(run.stdout).values()) == {"unchanged"}


def test_a_folder_diff_reads_each_sides_libraries_in_that_folder(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    _tree(old)
    _tree(new)
    run = run_cli("diff", str(old), str(new), "--format", "json")
    assert set(_statuses(run.stdout).values()) == {"unchanged"}
    _renamed_persona(new)
    run = run_cli("diff", str(old), str(new))
    assert run.exit_code == 0, run.stderr
    assert "maps/order.journey.yaml (changed)" in run.stdout and "maps/second.journey.yaml (changed)" in run.stdout
    assert "Parent on the go" in run.stdout


def test_a_map_written_as_json_still_follows_its_changed_library(tmp_path: Path):
    for side, name in (("old", "Busy parent"), ("new", "Parent on the go")):
        folder = tmp_path / side
        folder.mkdir()
        (folder / "people.library.yaml").write_text(f"journeymap: 1\npersonas: [{{id: p, name: {name}}}]\n")
        (folder / "m.journey.yaml").write_text('{"journeymap": 1, "id": "m", "title": "M", '
                                               '"use": ["people.library.yaml"]}\n')
    run = run_cli("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    assert _statuses(run.stdout) == {"m.journey.yaml": "modified"}


def test_diff_reports_a_changed_sub_journey_link(tmp_path: Path):
    order = (FIXTURES / "portfolio" / "folder" / "order.journey.yaml").read_text()
    old, new = tmp_path / "old.journey.yaml", tmp_path / "new.journey.yaml"
    old.write_text(order)
    new.write_text(order.replace("    journey: delivery", "    journey: delivery-day"))
    run = run_cli("diff", str(old), str(new))
    # a sub-journey link names a map's id, so it is shown as an id (like `related`), not quoted as text
    assert "~ stage Delivery (delivery) — journey: delivery → delivery-day" in run.stdout
