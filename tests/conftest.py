"""Shared test helpers: run the real CLI in-process and find fixtures."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.analysis import Analysis
from journeymap.cli import app
from journeymap.config import default_project
from journeymap.model import Journey
from journeymap.pipeline import analyse_bytes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Run:
    """Invoke `journeymap ARGS...` in-process, as a user would from a shell."""
    result = CliRunner(env={"NO_COLOR": "1", **(env or {})}).invoke(app, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def fixture_path():
    def find(*parts: str) -> Path:
        path = FIXTURES.joinpath(*parts)
        assert path.exists(), f"missing fixture {path}"
        return path

    return find


@pytest.fixture
def write_map(tmp_path: Path):
    """Write YAML text to a *.journey.yaml file in a temporary folder and return its path."""

    def write(text: str, name: str = "map.journey.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def have(program: str) -> bool:
    return shutil.which(program) is not None


needs_dot = pytest.mark.skipif(not have("dot"), reason="Graphviz (dot) is not installed; `make test` installs it")


def analysis_of(text: str | bytes, path: str = "test.journey.yaml", **project: object) -> Analysis:
    """The pipeline's analysis of a map's text, with the default rules changed by `project` options
    (e.g. lint=False, today=...)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return analyse_bytes(raw, path, default_project().with_options(**project))


def journey_from_text(text: str | bytes, path: str = "test.journey.yaml") -> Journey:
    """A valid map's journey (the test fails, with the findings, if the map is not valid)."""
    analysis = analysis_of(text, path, lint=False)
    assert analysis.valid and analysis.journey is not None, [f.as_line() for f in analysis.findings]
    return analysis.journey
