"""No data path a map or configuration can write makes an engine open a file outside the
repository, or under .git: paths are generated from the pieces attacks are made of, against a
repository full of links that lead out, bracketed decoys and link loops."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from journeymap.errors import UsageProblem
from journeymap.io.sources import inside
from journeymap.measure.duckdb_engine import DuckDBEngine
from journeymap.measure.files import ENGINE_PATTERN, Naming, data_files

# the full suite only (`make test`): a few hundred engines are started
pytestmark = pytest.mark.slow

SECRET = "SECRET_TOKEN=ghp_never-read"
PIECES = ["[", "]", "*", "?", "**", "..", "/", ".git", ".", "l", "p", "[l]", "[p]", "data", "config",
          "events.csv", "passwd", "etc", "a"]
KINDS = ("outside the repository", "under .git", "as a pattern", "matches no file", "no such file",
         "not a regular file", "more than", "longer than")
EVENTS = "user_id,event_name,occurred_at\nu1,visit,2026-01-01T00:00:00Z\n"


def build(top: Path) -> Path:
    """A repository (returned, resolved) beside a folder of secrets, with every kind of trap."""
    outside = top / "outside"
    (outside / "etc").mkdir(parents=True)
    for name in ("p", "events.csv", "config", "etc/passwd"):
        (outside / name).write_text(f"{SECRET},user_id\n{SECRET},u1\n")
    repo = top / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "config").write_text(f"[core]\n{SECRET}\n")
    (repo / ".git" / "events.csv").write_text(f"{SECRET}\n")
    (repo / "data" / "sub").mkdir(parents=True)
    (repo / "[l]" / "etc").mkdir(parents=True)
    for decoy in ("data/events.csv", "data/[p]", "data/sub/events.csv", "[l]/etc/passwd", "events.csv"):
        (repo / decoy).write_text(EVENTS)
    links = {"l": outside, "data/p": outside / "p", "data/a": Path("."), "data/b": Path(".."),
             "data/git": repo / ".git", "data/config": repo / ".git" / "config", "root": Path("/"),
             "data/sub/up": Path("../../..")}
    for name, to in links.items():
        (repo / name).symlink_to(to)
    return repo.resolve()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("paths"))


# folder and file names the repository holds, and the patterns that reach them
NAMES = ["data", "l", "[l]", "[[]l]", "[[]p]", "p", "*", "**", "?", "..", ".", ".git", "etc", "passwd",
         "events.csv", "config", "a", "b", "sub", "up", "git", "root", "*.csv", "e*", "[e]vents.csv", "[p]", "*/"]
# paths that name something in the repository (or through it), then disguised a character at a time
EXISTING = ["data/events.csv", "data/[p]", "data/p", "data/sub/events.csv", "[l]/etc/passwd", "events.csv", "l/p",
            "l/etc/passwd", ".git/config", "data/config", "data/git/config", "data/a/events.csv", "data/b/events.csv",
            "root/etc/passwd", "data/sub/up/outside/p", "data/../events.csv", "./data/./events.csv"]
DISGUISES = ["", "", "", "", "?", "*", "[]", "**"]


def disguised(path: str, ways: list[str]) -> str:
    out = []
    for ch, way in zip(path, ways, strict=False):
        if ch == "/":
            out.append("/**/" if way == "**" else "/")
        elif way in ("?", "*"):
            out.append(way)
        elif way == "[]":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return "".join(out)


paths = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=7).map("".join),
    st.tuples(st.sampled_from(["", "/"]), st.lists(st.sampled_from(NAMES), min_size=1, max_size=4))
    .map(lambda t: t[0] + "/".join(t[1])),
    st.sampled_from(EXISTING).flatmap(
        lambda p: st.lists(st.sampled_from(DISGUISES), min_size=len(p), max_size=len(p)).map(
            lambda ways: disguised(p, ways))),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=paths, from_data=st.booleans())
def test_no_data_path_opens_a_file_outside_the_repository_or_under_git(repo: Path, path: str, from_data: bool) -> None:
    # a map in data/ (its paths climb out of data/ first), or the configuration at the root
    base, path = (repo / "data", "../" + path) if from_data else (repo, path)
    try:
        files = data_files(Naming(path, str(base), str(repo), "event log"), max_seconds=2)
    except UsageProblem as refused:
        assert SECRET not in str(refused)
        event(next((k for k in KINDS if k in str(refused)), "other"))
        return
    for file in files:
        assert os.path.isabs(file) and os.path.realpath(file) == file
        assert inside(file, str(repo)), file
        assert ".git" not in Path(file).relative_to(repo).parts, file
        assert not any(ch in ENGINE_PATTERN for ch in file), file
    event("read by the engine")
    engine = DuckDBEngine(files)
    try:
        engine.load("raw", files, "csv")
        rows = engine.rows("SELECT * FROM raw")
    finally:
        engine.close()
    assert SECRET not in repr(rows)
