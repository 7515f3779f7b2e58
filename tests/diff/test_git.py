"""`journeymap diff --git` and the git diff driver, in real repositories with real commits."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from tests.conftest import have, run_cli
from tests.diff.helpers import BASE, REVISION, Repo

pytestmark = pytest.mark.skipif(not have("git"), reason="needs git")

OTHER = """\
journeymap: 1
id: returns
title: Returning a parcel
stages:
  - id: start
    name: Start a return
    touchpoints:
      - id: opens-form
        name: Opens the returns form
        emotion: -1
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """Two commits: the base maps, then a pull request that changes one, renames one and adds one."""
    repo = Repo(tmp_path / "repo")
    repo.write("maps/checkout.journey.yaml", BASE.read_text(encoding="utf-8"))
    repo.write("maps/returns.journey.yaml", OTHER)
    repo.write("README.md", "# Maps\n")
    repo.commit("Base maps")
    repo.write("maps/checkout.journey.yaml", REVISION.read_text(encoding="utf-8"))
    repo.git("mv", "maps/returns.journey.yaml", "maps/returns-and-refunds.journey.yaml")
    repo.write("maps/onboarding.journey.yaml", OTHER.replace("id: returns", "id: onboarding"))
    repo.commit("Guest checkout shipped; returns map renamed; onboarding map")
    monkeypatch.chdir(repo.root)
    return repo


def test_git_mode_compares_two_revisions_and_reports_added_and_renamed_maps(repo: Repo):
    run = run_cli("diff", "--git", "HEAD~1", "--to", "HEAD", "--format", "json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["old"], data["new"]) == ("HEAD~1", "HEAD")
    statuses = {(m["old_path"], m["new_path"]): m["status"] for m in data["maps"]}
    assert statuses == {
        ("maps/checkout.journey.yaml", "maps/checkout.journey.yaml"): "modified",
        ("maps/returns.journey.yaml", "maps/returns-and-refunds.journey.yaml"): "renamed",
        (None, "maps/onboarding.journey.yaml"): "added",
    }
    checkout = next(m for m in data["maps"] if m["status"] == "modified")
    [emotion] = [c for c in checkout["changes"] if c["field"] == "emotion" and c["kind"] == "changed"]
    assert (emotion["id"], emotion["old"], emotion["new"], emotion["delta"]) == ("pays", 1, -2, -3)


def test_git_mode_compares_a_revision_with_the_working_tree(repo: Repo):
    repo.write("maps/checkout.journey.yaml", REVISION.read_text(encoding="utf-8").replace("emotion: -2", "emotion: 0"))
    (repo.root / "maps" / "onboarding.journey.yaml").unlink()
    repo.write("maps/draft.journey.yaml", OTHER.replace("id: returns", "id: draft"))
    repo.write(".gitignore", "ignored/\n")
    repo.write("ignored/old.journey.yaml", OTHER.replace("id: returns", "id: ignored"))
    run = run_cli("diff", "--git", "HEAD")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "HEAD → working tree"
    assert "maps/checkout.journey.yaml (changed) First online grocery order" in lines
    assert "    ~ touchpoint Pays with a saved card or Apple Pay (pays) — emotion: −2 → 0 (+2)" in lines
    assert "maps/onboarding.journey.yaml (deleted) Returning a parcel" in lines
    assert "maps/draft.journey.yaml (added) Returning a parcel" in lines
    assert "ignored" not in run.stdout  # git ignores it, so does diff


def test_git_mode_limits_itself_to_the_paths_given(repo: Repo):
    run = run_cli("diff", "--git", "HEAD~1", "--to", "HEAD", "maps/checkout.journey.yaml")
    assert run.exit_code == 0
    assert "maps/checkout.journey.yaml (changed)" in run.stdout
    assert "returns" not in run.stdout and "onboarding" not in run.stdout
    assert run.stdout.endswith("1 map: 1 changed; 16 changes; pain points: 2 resolved, 1 new; lint: "
                               + run.stdout.rsplit("lint: ", 1)[1])


def test_git_mode_from_a_subfolder_takes_paths_relative_to_it(repo: Repo, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(repo.root / "maps")
    run = run_cli("diff", "--git", "HEAD~1", "--to", "HEAD", "checkout.journey.yaml", "--format", "json")
    assert run.exit_code == 0, run.stderr
    [one] = json.loads(run.stdout)["maps"]
    assert one["new_path"] == "maps/checkout.journey.yaml"


def test_git_mode_skips_binary_symlinked_and_non_map_files_with_a_note(repo: Repo):
    repo.write("maps/scan.journey.yaml", b"\x00\x01binary")
    (repo.root / "maps" / "link.journey.yaml").symlink_to("checkout.journey.yaml")
    repo.write("notes.yaml", "just: notes\n")
    repo.commit("A scanned map, a link, notes")
    run = run_cli("diff", "--git", "HEAD~2", "--to", "HEAD", ".", "notes.yaml")
    assert run.exit_code == 0, run.stderr
    assert "skipped maps/link.journey.yaml: symbolic link; not compared" in run.stdout
    assert "skipped maps/scan.journey.yaml: binary file, not a journey map; not compared" in run.stdout
    assert "skipped notes.yaml: not a journey map (it has no `journeymap:` key); not compared" in run.stdout


def test_git_mode_with_an_invalid_map_at_the_head_reports_it_and_the_rest(repo: Repo):
    repo.write("maps/returns-and-refunds.journey.yaml", OTHER + "  - id: start\n    name: Twice\n")
    repo.commit("Break the returns map")
    run = run_cli("diff", "--git", "HEAD~1", "--to", "HEAD")
    assert run.exit_code == 1
    assert "maps/returns-and-refunds.journey.yaml (not compared)" in run.stdout
    assert "names an id twice, so it cannot be compared by id: stage id 'start' is already used" in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--git", "no-such-branch"], "unknown revision 'no-such-branch': no such commit, branch or tag"),
        (["--git", "HEAD", "--to", "v9.9"], "unknown revision 'v9.9'"),
        (["--git", "--output=/tmp/x"], "'--output=/tmp/x' is not a revision"),
        (["--git", "HEAD", "no/such/folder"], "no journey maps in no/such/folder at HEAD or in the working tree"),
    ],
)
def test_git_mode_problems_exit_2_with_the_reason(repo: Repo, args, message):
    run = run_cli("diff", *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert run.stdout == ""


def test_git_mode_outside_a_repository_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    run = run_cli("diff", "--git", "HEAD")
    assert run.exit_code == 2
    assert "is not in a git repository (fatal: not a git repository" in run.stderr


# --- the external diff driver -----------------------------------------------------------


def _install_driver(repo: Repo) -> None:
    repo.write(".gitattributes", "*.journey.yaml diff=journeymap\n")
    command = f"{shlex.quote(sys.executable)} -m journeymap diff --git-external"
    repo.git("config", "diff.journeymap.command", command)


def test_git_diff_shows_the_semantic_diff_through_the_driver(repo: Repo):
    _install_driver(repo)
    result = repo.git("diff", "HEAD~1", "HEAD", "--", "maps/checkout.journey.yaml")
    lines = result.stdout.splitlines()
    assert lines[0] == "a/maps/checkout.journey.yaml → b/maps/checkout.journey.yaml"
    assert lines[1] == "maps/checkout.journey.yaml (changed) First online grocery order"
    assert "    ~ touchpoint Pays with a saved card or Apple Pay (pays) — actions: added “Fails 3-D Secure twice”; " \
           "emotion: +1 → −2 (−3)" in lines
    assert "@@" not in result.stdout  # no line diff: git used the driver
    plain = repo.git("diff", "--no-ext-diff", "HEAD~1", "HEAD", "--", "maps/checkout.journey.yaml")
    assert "@@" in plain.stdout


def test_the_driver_handles_added_deleted_and_renamed_files(repo: Repo):
    _install_driver(repo)
    result = repo.git("diff", "-M", "HEAD~1", "HEAD")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "maps/onboarding.journey.yaml (added) Returning a parcel\n  + map added: 1 stage, 1 touchpoint" in out
    assert "maps/returns.journey.yaml → maps/returns-and-refunds.journey.yaml (renamed)" in out
    (repo.root / "maps" / "onboarding.journey.yaml").unlink()
    deleted = repo.git("diff", "--", "maps/onboarding.journey.yaml").stdout
    assert "maps/onboarding.journey.yaml (deleted) Returning a parcel" in deleted


def test_the_driver_keeps_git_going_when_a_map_is_broken(repo: Repo):
    _install_driver(repo)
    repo.write("maps/checkout.journey.yaml", "journeymap: 1\ntitle: [broken\n")
    repo.write("maps/returns-and-refunds.journey.yaml", OTHER.replace("emotion: -1", "emotion: 2"))
    result = repo.git("diff", check=False)
    assert result.returncode == 0, result.stderr
    assert "maps/checkout.journey.yaml (not compared)" in result.stdout
    assert "cannot be read as a journey map: YAML syntax error" in result.stdout
    assert "emotion: −1 → +2 (+3)" in result.stdout


def test_the_driver_argument_count_is_checked():
    run = run_cli("diff", "--git-external", "a", "b")
    assert run.exit_code == 2
    assert "--git-external expects git's 7 arguments" in run.stderr
    unmerged = run_cli("diff", "--git-external", "maps/x.journey.yaml")
    assert unmerged.exit_code == 0
    assert "skipped maps/x.journey.yaml: unmerged: resolve the conflict, then diff again" in unmerged.stdout
