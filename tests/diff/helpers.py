"""What the diff tests share: maps from plain data, diffs of texts, and a temporary git repository."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from journeymap.config import Project, default_project
from journeymap.diff.compare import compare_files
from journeymap.diff.records import Change, DiffReport, MapDiff
from journeymap.lint.settings import RuleSettings
from journeymap.model import Journey
from tests.conftest import FIXTURES, journey_from_text

DIFF_FIXTURES = FIXTURES / "diff"
BASE = DIFF_FIXTURES / "checkout_base.journey.yaml"
REVISION = DIFF_FIXTURES / "checkout_revision.journey.yaml"
TODAY = datetime.date(2026, 12, 1)
# only the suppression rule, which the lint engine always has: tests that pin output stay
# the same whatever rules are added later
PINNED_LINT = Project(RuleSettings(frozenset({"JM900"})), today=TODAY)
NO_LINT = default_project().with_options(lint=False)


def journey(data: dict[str, Any]) -> Journey:
    """A valid journey from plain data (the test fails if the data is not a valid map)."""
    return journey_from_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def diff_texts(old: str | bytes, new: str | bytes, options: Project = PINNED_LINT,
               names: tuple[str, str] = ("old.journey.yaml", "new.journey.yaml")) -> DiffReport:
    def raw(text: str | bytes) -> bytes:
        return text.encode("utf-8") if isinstance(text, str) else text

    return compare_files((names[0], raw(old)), (names[1], raw(new)), options)


def only_map(report: DiffReport) -> MapDiff:
    assert len(report.maps) == 1, report
    return report.maps[0]


def facts(changes: list[Change]) -> list[tuple[str, str, str, str | None]]:
    """(kind, entity, id, field) of each change, sorted: what tests compare, without names."""
    return sorted((c.kind.value, c.entity.value, c.id, c.field) for c in changes)


class Repo:
    """A real git repository in a temporary folder, with commits made as a user would."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Journey Tester")
        self.git("config", "user.email", "tester@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.root), "NO_COLOR": "1"}
        return subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=check, env=env)

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").stdout.strip()
