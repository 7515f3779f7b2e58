"""The small things a command-line tool is expected to have."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from importlib import resources

from journeymap import __version__


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "journeymap", *args], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, check=False, timeout=60)


def test_version_through_python_dash_m():
    proc = _run("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"journeymap {__version__}\n"


def test_shell_completion_script():
    # the completion is for the shell journeymap runs in, found from its parent processes: run it
    # from bash, as a user would (`; true` keeps bash from replacing itself with the command)
    command = f"{shlex.quote(sys.executable)} -m journeymap --show-completion; true"
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, check=False, timeout=60)
    assert proc.stderr == ""
    assert "_journeymap_completion" in proc.stdout and "complete " in proc.stdout


def test_typed_package_ships_its_data():
    package = resources.files("journeymap")
    assert package.joinpath("py.typed").is_file()
    assert package.joinpath("data/journeymap.schema.json").is_file()
    assert package.joinpath("starters/starter.journey.yaml").is_file()


def test_no_arguments_shows_help_and_every_command():
    proc = _run()
    for command in ("validate", "rules", "render", "diff", "init", "schema", "import", "export"):
        assert command in proc.stdout + proc.stderr
