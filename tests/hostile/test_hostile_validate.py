"""`journeymap validate` on hostile input: never a crash, a hang, a traceback or a leak.

Each corpus file states what it tests in its name; the expected exit code says
whether the map is at fault (1) or acceptable (0). Big inputs are generated at
test time rather than kept in git.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import run_cli
from tests.hostile.corpus import MAPS, corpus_files

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

HANG_SECONDS = 60  # a hang detector only: each case takes milliseconds
FORMATS = ("text", "json", "github", "sarif", "junit")


def journeymap(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journeymap", *args],
        input=stdin.decode() if stdin else None, capture_output=True, text=True, timeout=HANG_SECONDS,
        env={**os.environ, "NO_COLOR": "1"}, check=False,
    )


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name.removesuffix(".journey.yaml"))
def test_corpus_in_a_real_process(path):
    code, rule = MAPS[path.name.removesuffix(".journey.yaml")]
    proc = journeymap("validate", "--no-lint", str(path))
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "\x1b" not in proc.stdout
    if rule:
        [finding] = [line for line in proc.stdout.splitlines() if " error [" in line]
        assert f"error [{rule}]" in finding
        assert finding.startswith(f"{path}:")
        assert len(finding) < 400


@pytest.mark.parametrize("fmt", FORMATS)
def test_corpus_in_every_format(fmt):
    for path in corpus_files():
        code, rule = MAPS[path.name.removesuffix(".journey.yaml")]
        run = run_cli("validate", "--no-lint", "--format", fmt, str(path))
        assert run.exit_code == code, (path.name, run.stdout, run.stderr)
        assert "Traceback" not in run.stdout + run.stderr
        if rule:
            assert rule in run.stdout
        if fmt == "github":
            assert all(line.startswith("::") for line in run.stdout.splitlines())
        if fmt in ("json", "sarif"):
            json.loads(run.stdout)


def test_fifty_megabytes_hit_the_size_limit(tmp_path):
    big = tmp_path / "big.journey.yaml"
    with big.open("wb") as handle:
        handle.write(b"journeymap: 1\ntitle: big\ndescription: ")
        handle.write(b"x" * (50 * 1024 * 1024))
    proc = journeymap("validate", str(big))
    assert proc.returncode == 1
    assert "larger than the 10,485,760-byte limit" in proc.stdout
    assert "--max-bytes" in proc.stdout


def test_ten_thousand_stages_validate(tmp_path):
    stages = "".join(f"  - id: s{i}\n    name: Stage {i}\n" for i in range(10_000))
    path = tmp_path / "wide.journey.yaml"
    path.write_text("journeymap: 1\ntitle: Wide\nstages:\n" + stages)
    proc = journeymap("validate", "--no-lint", str(path))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip() == "All clean: 1 map checked, no findings."


def test_injection_text_never_reaches_github_commands_raw(tmp_path):
    bad = tmp_path / "inj.journey.yaml"
    bad.write_text('journeymap: 1\ntitle: T\nstages:\n  - id: "x\\n::error::pwned"\n    name: N\n')
    proc = journeymap("validate", "--no-lint", "--format", "github", str(bad))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines)
    assert not any(line.startswith("::error::pwned") for line in lines)
