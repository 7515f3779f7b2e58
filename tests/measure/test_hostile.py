"""`journeymap measure` on a stranger's pull request: the map, the configuration and the event
log are hostile. Each test builds a repository in a temporary folder (real symbolic links,
bracketed names, link loops, a `.git/config` holding a token) with a secret outside it, and
checks that the secret shows up nowhere: not on stdout or stderr, not in a file written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journeymap.errors import JourneymapError, UsageProblem
from journeymap.measure import classify
from journeymap.measure.duckdb_engine import DuckDBEngine
from journeymap.measure.engine import Limits
from journeymap.measure.files import Naming, data_files
from tests.conftest import run_cli
from tests.measure.helpers import journey_at

SECRET = "SECRET_TOKEN=ghp_do-not-print-me"
TOKEN = "x-access-token:ghs_checkout-token-never-shown"
EVENTS = "user_id,event_name,occurred_at\nu1,visit,2026-01-01T00:00:00Z\nu1,buy,2026-01-02T00:00:00Z\n"
COLUMNS = "{user: user_id, event: event_name, time: occurred_at}"


def journey_text(path: str, columns: str = COLUMNS, extra: str = "") -> str:
    data = f"data:\n  events:\n    path: {json.dumps(path)}\n    format: csv\n    columns: {columns}\n{extra}"
    return (
        "journeymap: 1\ntitle: Hostile\n" + data + "stages:\n"
        "  - id: look\n    name: Look\n    touchpoints:\n      - id: visit\n        name: Visit\n"
        "        signals: [visit]\n"
        "  - id: buy\n    name: Buy\n    touchpoints:\n      - id: buys\n        name: Buys\n        signals: [buy]\n"
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with a CI token in .git/config, beside an outside folder of secrets."""
    outside = tmp_path / "outside"
    (outside / "etc").mkdir(parents=True)
    for secret in (outside / "p", outside / "etc" / "passwd", outside / "events.csv"):
        secret.write_text(f"{SECRET},user_id\n{SECRET},u1\n")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text(f'[core]\n\tbare = false\n[remote "origin"]\n\turl = https://{TOKEN}@x\n')
    (root / "data").mkdir()
    (root / "data" / "events.csv").write_text(EVENTS)
    return root


def measure(root: Path, path: str, *args: str, columns: str = COLUMNS) -> tuple[int, str]:
    """Run measure on a map naming `path`; exit code and everything it printed or wrote."""
    target = root / "hostile.journey.yaml"
    target.write_text(journey_text(path, columns))
    out = root / "out.json"
    run = run_cli("measure", str(target), "--format", "json", "--out", str(out), *args)
    written = out.read_text() if out.exists() else ""
    everything = run.stdout + run.stderr + written
    assert "Traceback" not in everything
    assert SECRET not in everything and "ghp_" not in everything
    assert TOKEN not in everything and "ghs_" not in everything
    return run.exit_code, run.stderr


def only_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_bracketed_file_beside_a_link_out_is_refused_not_expanded_again(repo: Path) -> None:
    (repo / "data" / "[p]").write_text(EVENTS)  # harmless, literally named [p]
    (repo / "data" / "p").symlink_to(repo.parent / "outside" / "p")
    code, stderr = measure(repo, "data/[[]p]")
    assert code == 2
    assert "holds one of * ? [ ] { } \\, which the engines read as a pattern" in only_line(stderr)
    # naming the secret's header as the columns changes nothing: the file is never opened
    code, stderr = measure(repo, "data/[[]p]", columns=f"{{user: user_id, event: '{SECRET}', time: user_id}}")
    assert code == 2 and "read as a pattern" in only_line(stderr)


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_a_bracketed_folder_with_a_decoy_and_a_link_to_the_root_is_refused(repo: Path, engine: str) -> None:
    (repo / "[l]" / "etc").mkdir(parents=True)
    (repo / "[l]" / "etc" / "passwd").write_text(EVENTS)
    (repo / "l").symlink_to(repo.parent / "outside")
    code, stderr = measure(repo, "[[]l]/etc/passwd", "--engine", engine)
    assert code == 2
    assert "'[[]l]/etc/passwd': the file's path holds one of" in only_line(stderr)


def test_a_repository_folder_with_brackets_is_refused_from_the_configuration(tmp_path: Path) -> None:
    """No glob character in the path itself: the repository's own folder is `cfg[x]`, and
    `cfgx` beside it leads out."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "events.csv").write_text(f"{SECRET},user_id\n{SECRET},u1\n")
    root = tmp_path / "cfg[x]"
    (root / ".git").mkdir(parents=True)
    (root / "events.csv").write_text(EVENTS)
    (tmp_path / "cfgx").symlink_to(outside)
    (root / ".journeymap.yaml").write_text(f"data:\n  events:\n    path: events.csv\n    columns: {COLUMNS}\n")
    bare = root / "bare.journey.yaml"
    bare.write_text(journey_text("x").split("data:")[0] + "stages:" + journey_text("x").split("stages:")[1])
    run = run_cli("measure", str(bare), "--config", str(root / ".journeymap.yaml"))
    assert run.exit_code == 2
    assert SECRET not in run.stdout + run.stderr
    assert "event log 'events.csv': the file's path holds one of" in only_line(run.stderr)


@pytest.mark.parametrize(
    ("path", "says"),
    [
        (".git/config", "names a file under .git"),
        ("./.git/config", "names a file under .git"),
        ("data/../.GIT/config", "names a file under .git"),
        ("data/link", "leads to a file under .git"),
        ("*/config", "matches no file"),
        ("**/config", "matches no file"),
        (".*/config", "matches no file"),
    ],
)
def test_nothing_under_git_is_read(repo: Path, path: str, says: str) -> None:
    (repo / "data" / "link").symlink_to(repo / ".git" / "config")
    code, stderr = measure(repo, path, columns="{user: '[core]', event: '[core]', time: '[core]'}")
    assert code == 2
    assert says in only_line(stderr)


def test_link_loops_under_a_double_star_are_not_followed(repo: Path) -> None:
    (repo / "data" / "a").symlink_to(".")
    (repo / "data" / "b").symlink_to(".")
    started = time.monotonic()
    code, stderr = measure(repo, "data/**/events.csv")
    assert code == 0, stderr
    assert time.monotonic() - started < 20
    measured = json.loads((repo / "out.json").read_text())
    assert measured["rows_read"] == 2  # the one real file, read once


def test_a_link_to_the_root_is_not_walked(repo: Path) -> None:
    (repo / "l").symlink_to("/")
    (repo / "o").symlink_to(repo.parent / "outside")
    started = time.monotonic()
    code, stderr = measure(repo, "**/p")
    assert code == 2 and "'**/p' matches no file" in only_line(stderr)
    assert time.monotonic() - started < 20


def test_a_direct_link_out_and_dot_dot_are_still_refused(repo: Path) -> None:
    (repo / "data" / "out.csv").symlink_to(repo.parent / "outside" / "events.csv")
    absolute = str(repo.parent / "outside" / "events.csv")
    for path in ("data/out.csv", "../outside/events.csv", absolute, "/proc/self/environ"):
        code, stderr = measure(repo, path)
        assert code == 2 and "lies outside the repository" in only_line(stderr), path


def test_too_many_files_or_too_long_a_match_stop_with_the_path_and_the_cap(repo: Path) -> None:
    for index in range(12):
        (repo / "data" / f"part-{index:02}.csv").write_text(EVENTS)
    naming = Naming("data/part-*.csv", str(repo), str(repo), "event log")
    assert len(data_files(naming)) == 12
    too_many = r"event log 'data/part-\*\.csv' matches more than 10 files \(the limit is 10\)"
    with pytest.raises(UsageProblem, match=too_many):
        data_files(naming, max_files=10)
    with pytest.raises(UsageProblem, match=r"'data/part-\*\.csv' took longer than 0 s to match"):
        data_files(naming, max_seconds=0)


def test_a_fifo_is_never_opened(repo: Path) -> None:
    os.mkfifo(repo / "data" / "pipe.csv")
    code, stderr = measure(repo, "data/*.csv")
    assert code == 2 and "'data/*.csv' is not a regular file" in only_line(stderr)


# --- the engine, locked -------------------------------------------------------------------


def test_the_duckdb_engine_opens_its_files_and_nothing_else_and_cannot_be_unlocked(repo: Path) -> None:
    allowed = str(repo / "data" / "events.csv")
    engine = DuckDBEngine([allowed], Limits(memory_mb=300, threads=1))
    spill = engine.settings()["temp_directory"]
    try:
        assert engine.load("raw", [allowed], "csv") == {"user_id": "text", "event_name": "text", "occurred_at": "text"}
        outside = str(repo.parent / "outside" / "events.csv")
        for sql in (
            f"SELECT * FROM read_csv('{outside}')",
            f"SELECT * FROM read_text('{repo / '.git' / 'config'}')",
            "SET enable_external_access = true",
            "SET allowed_paths = ['/']",
            "INSTALL httpfs",
            f"COPY (SELECT 1) TO '{repo / 'written.csv'}'",
        ):
            with pytest.raises(JourneymapError) as caught:
                engine.rows(sql)
            assert SECRET not in str(caught.value) and TOKEN not in str(caught.value)
        assert not (repo / "written.csv").exists()
        settings = engine.settings()
        assert settings["allowed_paths"] == f"['{allowed}']"
        assert settings["enable_external_access"] == "False" and settings["lock_configuration"] == "True"
        assert settings["threads"] == "1" and settings["memory_limit"] == "286.1 MiB"
        assert os.path.isdir(spill)
    finally:
        engine.close()
    assert not os.path.exists(spill)  # the run's spill folder goes with it


def test_an_engine_never_closed_leaves_no_spill_folder_behind() -> None:
    """A caller that forgets close() (or a script that exits mid-run) must not leave a folder in the
    system's temp dir for every run."""
    code = ("from journeymap.measure.duckdb_engine import DuckDBEngine\n"
            "print(DuckDBEngine().settings()['temp_directory'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    spill = done.stdout.strip()
    assert done.returncode == 0 and spill, done.stderr
    assert not os.path.exists(spill)


def test_debug_prints_the_locked_settings_from_flags_and_configuration(repo: Path) -> None:
    (repo / ".journeymap.yaml").write_text("measure: {memory: 512, threads: 1}\n")
    target = repo / "ok.journey.yaml"
    target.write_text(journey_text("data/events.csv"))
    config = ["--config", str(repo / ".journeymap.yaml")]
    run = run_cli("measure", str(target), "--debug", *config)
    assert run.exit_code == 0, run.stderr
    said = run.stderr
    assert f"allowed_paths = ['{repo / 'data' / 'events.csv'}']" in said
    assert "enable_external_access = False" in said and "lock_configuration = True" in said
    assert "autoinstall_known_extensions = False" in said and "autoload_known_extensions = False" in said
    assert "memory_limit = 488.2 MiB" in said and "threads = 1" in said
    flagged = run_cli("measure", str(target), "--debug", "--threads", "2", "--memory", "256", *config)
    assert "memory_limit = 244.1 MiB" in flagged.stderr and "threads = 2" in flagged.stderr
    (repo / ".journeymap.yaml").write_text("measure: {threads: 0.5}\n")
    bad = run_cli("measure", str(target), *config)
    assert bad.exit_code == 2 and "measure.threads must be a whole number of threads of at least 1" in bad.stderr


# --- the size of the work --------------------------------------------------------------------


def star_journey(root: Path, signals: int) -> Path:
    lines = ["journeymap: 1", "title: Stars", "stages:", "  - id: s", "    name: S", "    touchpoints:"]
    for index in range(signals):
        lines += [f"      - id: t{index}", f"        name: T {index}", '        signals: ["*"]']
    target = root / "stars.journey.yaml"
    target.write_text("\n".join(lines) + "\n")
    return target


def test_the_query_does_not_grow_with_signals_times_event_names(repo: Path) -> None:
    journey = journey_at(star_journey(repo, 50))
    engine = DuckDBEngine()
    try:
        few = classify.classification(journey, [f"e{i}" for i in range(10)])
        many = classify.classification(journey, [f"e{i}" for i in range(20_000)])
        assert classify.touchpoint_sql(many, "c", {}, engine) == classify.touchpoint_sql(few, "c", {}, engine)
        assert len(many.rows) == 20_000 and {row[1] for row in many.rows} == {0}  # the first signal wins
    finally:
        engine.close()


def test_too_many_event_names_or_signals_is_one_line(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["user_id,event_name,occurred_at"] + [f"u1,e{i},2026-01-01T00:00:00Z" for i in range(30)]
    (repo / "data" / "events.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(classify, "MAX_NAMES", 20)
    code, stderr = measure(repo, "data/events.csv")
    assert code == 2
    assert "data/events.csv: column 'event_name' holds more than 20 distinct event names" in only_line(stderr)
    monkeypatch.setattr(classify, "MAX_SIGNALS", 1)
    code, stderr = measure(repo, "data/events.csv")
    assert code == 2 and "hostile.journey.yaml: 2 signals; journeymap matches at most 1 a map" in only_line(stderr)


# --- what used to be internal errors ---------------------------------------------------------


def test_a_header_only_log_is_an_empty_report_that_says_no_events(repo: Path) -> None:
    (repo / "data" / "events.csv").write_text("user_id,event_name,occurred_at\n")
    code, stderr = measure(repo, "data/events.csv")
    assert code == 0
    assert stderr.startswith("journeymap: warning: ")
    assert stderr.splitlines()[0].endswith("hostile.journey.yaml: no events: data/events.csv has no rows")
    assert "matches no event" not in stderr  # not once a signal: the log is empty
    measured = json.loads((repo / "out.json").read_text())
    assert measured["entrants"] == 0 and [f["users"] for f in measured["funnel"]] == [0, 0]


def test_a_log_no_signal_matches_is_an_empty_report_that_says_so(repo: Path) -> None:
    (repo / "data" / "events.csv").write_text("user_id,event_name,occurred_at\nu1,other,2026-01-01T00:00:00Z\n")
    code, stderr = measure(repo, "data/events.csv")
    assert code == 0
    assert "no event in data/events.csv matches any signal of the map" in stderr
    assert json.loads((repo / "out.json").read_text())["unmapped_events"][0]["event"] == "other"


@pytest.mark.parametrize("value", ["1" + "0" * 300, "-1" + "0" * 400])
def test_a_survey_scale_too_large_names_the_field(repo: Path, value: str) -> None:
    (repo / "data" / "surveys.csv").write_text("tp,score\nvisit,3\n")
    target = repo / "scale.journey.yaml"
    surveys = f"  surveys:\n    path: data/surveys.csv\n    scale: {{min: 0, max: {value}}}\n" \
              "    columns: {touchpoint: tp, score: score}\n"
    target.write_text(journey_text("data/events.csv", extra=surveys))
    run = run_cli("measure", str(target))
    assert run.exit_code == 2
    assert "data.surveys.scale.max must be a number between -1e+15 and 1e+15, not " in only_line(run.stderr)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace to see every file the process opens")
def test_a_real_run_opens_the_checked_files_and_nothing_outside_or_under_git(repo: Path, tmp_path: Path) -> None:
    """Every open(2) of a real `journeymap measure` process and its threads (DuckDB's own
    reads included), through a repository full of traps."""
    (repo / "data" / "a").symlink_to(".")
    (repo / "data" / "p").symlink_to(repo.parent / "outside" / "p")
    (repo / "data" / "git").symlink_to(repo / ".git")
    (repo / "l").symlink_to(repo.parent / "outside")
    target = repo / "traps.journey.yaml"
    target.write_text(journey_text("data/**/events.csv"))
    trace = tmp_path / "opens.log"
    run = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", str(trace),
         sys.executable, "-m", "journeymap", "measure", str(target), "--format", "json"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["rows_read"] == 2 and SECRET not in run.stdout + run.stderr
    opened = {os.path.realpath(m) for m in re.findall(r'open(?:at2?)?\((?:AT_FDCWD, )?"([^"]+)"', trace.read_text())}
    outside, git = str(repo.parent / "outside"), str(repo / ".git")
    assert not [p for p in opened if p.startswith((outside, git))]
    in_repo = {p for p in opened if p.startswith(str(repo) + os.sep)}
    assert str(repo / "data" / "events.csv") in in_repo  # DuckDB read it
    assert in_repo <= {str(target), str(repo / "data" / "events.csv"), str(repo / "data")}, in_repo
