"""`journeymap validate` as a user runs it: paths, exit codes, bad input, many files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, run_cli

BAD = FIXTURES / "bad"

VALID = (
    "journeymap: 1\ntitle: T\nstages:\n  - id: a\n    name: A\n    touchpoints:\n      - id: t\n        name: T\n"
)
INVALID = (
    "journeymap: 1\ntitle: T\nstages:\n  - id: a\n    name: A\n    touchpoints:\n      - id: t\n        emotion: 9\n"
)


@pytest.mark.parametrize(
    ("name", "rule", "line", "words"),
    [
        ("syntax", "JM001", 3, "YAML syntax error"),
        ("tabs", "JM001", 3, "tab"),
        ("duplicate-key", "JM002", 3, "duplicate key 'title'"),
        ("python-tag", "JM003", 2, "not allowed"),
        ("alias-bomb", "JM004", 6, "alias bomb"),
        ("empty", "JM005", 1, "the file is empty"),
        ("multi-document", "JM005", 3, "several YAML documents"),
        ("top-level-list", "JM005", 1, "the top level is a list"),
        ("binary", "JM005", 3, "binary file"),
        ("latin1", "JM006", 2, "not valid UTF-8"),
    ],
)
def test_bad_input_is_one_finding_with_position_and_exit_1(name, rule, line, words):
    path = BAD / f"{name}.journey.yaml"
    run = run_cli("validate", str(path))
    assert run.exit_code == 1, run.stderr
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"{path}:{line}:")
    assert f"error [{rule}]" in first and words in first
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout.count("error [") == 1


def test_clean_map_exits_0_with_summary(write_map):
    path = write_map(VALID)
    run = run_cli("validate", "--no-lint", str(path))
    assert run.exit_code == 0
    assert run.stdout == "All clean: 1 map checked, no findings.\n"


def test_invalid_map_exits_1(write_map):
    path = write_map(INVALID)
    run = run_cli("validate", "--no-lint", str(path))
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0] == f"{path}:7:9: error [JM010] stages[0].touchpoints[0]: 'name' is required; add it"
    assert lines[1].startswith(f"{path}:8:18: error [JM010] stages[0].touchpoints[0].emotion: 9 is above")
    assert lines[-1] == "Found 2 errors in 1 of 1 map."


def test_missing_file_exits_2_with_one_line(tmp_path):
    run = run_cli("validate", str(tmp_path / "nope.journey.yaml"))
    assert run.exit_code == 2
    assert run.stderr == f"journeymap: error: {tmp_path / 'nope.journey.yaml'}: no such file or directory\n"


def test_folder_without_maps_exits_2(tmp_path):
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    run = run_cli("validate", str(tmp_path))
    assert run.exit_code == 2
    assert "no *.journey.yaml or *.journey.yml files found" in run.stderr


def test_unreadable_file_exits_2(write_map, monkeypatch):
    path = write_map(VALID)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("journeymap.io.sources.open", denied, raising=False)
    run = run_cli("validate", str(path))
    assert run.exit_code == 2
    assert run.stderr == f"journeymap: error: {path}: permission denied; check the file's permissions\n"


def test_device_file_is_not_read():
    run = run_cli("validate", "/dev/zero")
    assert run.exit_code == 2
    assert "not a regular file" in run.stderr


def test_unknown_option_exits_2_with_usage():
    run = run_cli("validate", "--frobnicate", "x")
    assert run.exit_code == 2
    assert "Usage:" in run.stderr and "--frobnicate" in run.stderr


def test_stdin(tmp_path):
    run = run_cli("validate", "--no-lint", "-", input=INVALID)
    assert run.exit_code == 1
    assert run.stdout.startswith("-:7:9: error [JM010]")


def test_directory_walk_skips_hidden_folders_and_other_files(tmp_path):
    (tmp_path / "a.journey.yaml").write_text(VALID)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.journey.yml").write_text(INVALID)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.journey.yaml").write_text(INVALID)
    (tmp_path / "notes.yaml").write_text(INVALID)
    run = run_cli("validate", "--no-lint", "--format", "json", str(tmp_path))
    assert run.exit_code == 1
    paths = {item["path"] for item in json.loads(run.stdout)}
    assert paths == {str(tmp_path / "sub" / "b.journey.yml")}


def test_symlinks_out_of_the_tree_and_loops_are_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n")
    tree = tmp_path / "maps"
    tree.mkdir()
    (tree / "ok.journey.yaml").write_text(VALID)
    (tree / "leak.journey.yaml").symlink_to(secret)
    (tree / "zero.journey.yaml").symlink_to("/dev/zero")
    (tree / "loop").symlink_to(tree)
    run = run_cli("validate", "--no-lint", str(tree))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "hunter2" not in run.stdout + run.stderr
    assert run.stdout == "All clean: 1 map checked, no findings.\n"


def test_the_summary_never_says_all_clean_when_a_file_could_not_be_read(tmp_path):
    (tmp_path / "ok.journey.yaml").write_text(VALID)
    fifo = tmp_path / "pipe.journey.yaml"
    os.mkfifo(fifo)
    run = run_cli("validate", "--no-lint", str(tmp_path / "ok.journey.yaml"), str(fifo))
    assert run.exit_code == 2
    assert run.stdout == "1 map checked, no findings; 1 file could not be read (see above).\n"
    assert run.stderr == f"journeymap: error: {fifo}: not a regular file; name a .journey.yaml file or a folder\n"


def test_many_files_in_parallel_keep_input_order(tmp_path):
    for i in range(40):
        (tmp_path / f"m{i:02d}.journey.yaml").write_text(INVALID if i % 3 == 0 else VALID)
    serial = run_cli("validate", "--no-lint", "--jobs", "1", "--format", "json", str(tmp_path))
    parallel = run_cli("validate", "--no-lint", "--jobs", "2", "--format", "json", str(tmp_path))
    assert serial.exit_code == parallel.exit_code == 1
    assert serial.stdout == parallel.stdout
    paths = [item["path"] for item in json.loads(parallel.stdout)]
    assert paths == sorted(paths)
    assert len(paths) == 2 * 14


def test_size_limit_is_a_finding(write_map):
    path = write_map(VALID + "description: " + "x" * 5000 + "\n")
    run = run_cli("validate", "--max-bytes", "1000", str(path))
    assert run.exit_code == 1
    assert "larger than the 1,000-byte limit" in run.stdout


def test_no_traceback_without_debug_but_with_it(write_map, monkeypatch):
    path = write_map(VALID)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("journeymap.pipeline.load_bytes", broken)
    run = run_cli("validate", str(path))
    assert run.exit_code == 2
    assert run.stderr.startswith("journeymap: error: internal error: RuntimeError: boom")
    assert "--debug" in run.stderr
    with pytest.raises(RuntimeError):
        run_cli("validate", "--debug", str(path))


def test_real_process_entry_point(write_map):
    path = write_map(INVALID)
    proc = subprocess.run(
        [sys.executable, "-m", "journeymap", "validate", "--no-lint", str(path)],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False,
    )
    assert proc.returncode == 1
    assert "error [JM010]" in proc.stdout
    assert "\x1b[" not in proc.stdout


def test_colour_only_when_asked(write_map):
    path = write_map(INVALID)
    run = run_cli("validate", "--no-lint", str(path), env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in run.stdout


def test_the_default_size_limit_is_ten_megabytes_everywhere(write_map):
    from journeymap.config import default_project

    assert default_project().max_bytes == 10 * 1024 * 1024
    big = write_map("journeymap: 1\ntitle: T\ndescription: " + "x" * (10 * 1024 * 1024) + "\n")
    run = run_cli("validate", str(big))
    assert run.exit_code == 1 and "larger than the 10,485,760-byte limit" in run.stdout
