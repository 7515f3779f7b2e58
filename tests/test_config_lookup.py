"""Configuration is found per map, from the map's own folder up: every working folder, every way of
naming the map, every output format and the language server give the same findings."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, needs_dot, run_cli
from tests.lsp.client import Client

BASE = (FIXTURES / "lint" / "clean.journey.yaml").read_text(encoding="utf-8")
# every stage without its KPI (stage-without-kpi, JM104) and an opportunity without an owner
# (opportunity-without-owner, JM206): a structure rule and a JM2xx rule, for the configurations to differ on
MAP = re.sub(r"    kpis: \[.*\]\n", "", BASE).replace("    owner: checkout-team\n", "")

Finding = tuple[str, int, int, str, str]  # absolute path, line, column, severity, rule id


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Maps under nested configurations, as a repository holds them:

    .journeymap.yaml          stage-without-kpi is an error
    z.journey.yaml
    maps/.journeymap.yaml     no JM2xx rules; stage-without-kpi a warning
    maps/x.journey.yaml
    maps/team/pyproject.toml  no JM1xx rules (the nearest configuration holds, alone)
    maps/team/y.journey.yaml
    other/                    an unrelated folder to run from
    """
    (tmp_path / ".git").mkdir()
    (tmp_path / ".journeymap.yaml").write_text("severity: {stage-without-kpi: error}\n", encoding="utf-8")
    team = tmp_path / "maps" / "team"
    team.mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "maps" / ".journeymap.yaml").write_text(
        "ignore: [JM2]\nseverity: {JM104: warning}\n", encoding="utf-8"
    )
    (team / "pyproject.toml").write_text('[tool.journeymap]\nignore = ["JM1"]\n', encoding="utf-8")
    for path in (tmp_path / "z.journey.yaml", tmp_path / "maps" / "x.journey.yaml", team / "y.journey.yaml"):
        path.write_text(MAP, encoding="utf-8")
    return tmp_path


MAPS = ("z.journey.yaml", "maps/x.journey.yaml", "maps/team/y.journey.yaml")
FOLDERS = (".", "maps", "maps/team", "other")


def validated(repo: Path, cwd: str, absolute: bool, fmt: str, monkeypatch: pytest.MonkeyPatch) -> set[Finding]:
    """validate of every map, run from `cwd`, the maps named relative to it or absolute."""
    here = repo / cwd
    monkeypatch.chdir(here)
    names = [str(repo / m) if absolute else os.path.relpath(repo / m, here) for m in MAPS]
    run = run_cli("validate", "--format", fmt, *names)
    assert run.exit_code == 1, run.stderr  # z's stage-without-kpi is an error by the root's configuration
    if fmt == "json":
        return {
            (str((here / f["path"]).resolve()), f["line"], f["column"], f["severity"], f["rule_id"])
            for f in json.loads(run.stdout)
        }
    found = set()
    for line in run.stdout.splitlines():
        hit = re.match(r"(.+?):(\d+):(\d+): (error|warning|info) \[(JM\d+)\]", line)
        if hit:
            found.add((str((here / hit[1]).resolve()), int(hit[2]), int(hit[3]), hit[4], hit[5]))
    return found


def by_file(found: set[Finding], repo: Path) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {m: set() for m in MAPS}
    for path, _, _, severity, rule in found:
        out[Path(path).relative_to(repo.resolve()).as_posix()].add((rule, severity))
    return out


def test_each_map_is_judged_by_the_nearest_configuration_above_it(repo, monkeypatch):
    rules = by_file(validated(repo, ".", False, "json", monkeypatch), repo)
    assert ("JM104", "error") in rules["z.journey.yaml"] and ("JM206", "warning") in rules["z.journey.yaml"]
    assert ("JM104", "warning") in rules["maps/x.journey.yaml"]
    assert not any(rule.startswith("JM2") for rule, _ in rules["maps/x.journey.yaml"])
    # the team's own configuration holds alone: maps/.journeymap.yaml does not add to it
    assert ("JM206", "warning") in rules["maps/team/y.journey.yaml"]
    assert not any(rule.startswith("JM1") for rule, _ in rules["maps/team/y.journey.yaml"])


def test_the_same_findings_from_every_folder_path_and_format_and_in_the_language_server(repo, monkeypatch):
    reference = validated(repo, ".", False, "json", monkeypatch)
    assert reference
    for cwd in FOLDERS:
        for absolute in (False, True):
            for fmt in ("json", "text"):
                assert validated(repo, cwd, absolute, fmt, monkeypatch) == reference, (cwd, absolute, fmt)

    severities = {1: "error", 2: "warning", 3: "info"}
    client = Client(repo / "other")  # started away from the maps, as an editor may start it
    try:
        served = set()
        for name in MAPS:
            path = repo / name
            for d in client.open(path.as_uri(), MAP):
                start = d["range"]["start"]
                served.add((str(path.resolve()), start["line"] + 1, start["character"] + 1,
                            severities[d["severity"]], d["code"]))
    finally:
        assert client.close() == 0
    assert served == reference


def test_a_folder_run_finds_each_maps_own_configuration_wherever_it_starts(repo, monkeypatch):
    monkeypatch.chdir(repo)
    from_root = run_cli("validate", "--format", "json", "maps")
    monkeypatch.chdir(repo / "maps" / "team")
    from_inside = run_cli("validate", "--format", "json", "..")
    assert from_root.exit_code == from_inside.exit_code == 0  # stage-without-kpi is a warning in maps/
    flat = {(Path(f["path"]).name, f["line"], f["rule_id"], f["severity"]) for f in json.loads(from_root.stdout)}
    assert flat == {
        (Path(f["path"]).name, f["line"], f["rule_id"], f["severity"]) for f in json.loads(from_inside.stdout)
    }
    assert {rule for name, _, rule, _ in flat if name == "y.journey.yaml"} & {"JM104"} == set()


def test_config_names_one_file_for_every_map(repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / "strict.yaml").write_text("select: [JM206]\n", encoding="utf-8")
    run = run_cli("validate", "--config", "strict.yaml", "--format", "json", *MAPS)
    assert {(Path(f["path"]).name, f["rule_id"]) for f in json.loads(run.stdout)} == {
        (Path(m).name, "JM206") for m in MAPS
    }


def test_exclude_is_relative_to_the_configuration_files_folder(repo, monkeypatch):
    (repo / "maps" / ".journeymap.yaml").write_text('exclude: ["drafts/**"]\n', encoding="utf-8")
    (repo / "maps" / "drafts").mkdir()
    (repo / "maps" / "drafts" / "w.journey.yaml").write_text(MAP, encoding="utf-8")
    (repo / "drafts").mkdir()  # the same pattern means nothing for the root's maps
    (repo / "drafts" / "v.journey.yaml").write_text(MAP, encoding="utf-8")
    for cwd, named_as in ((".", "."), ("maps", ".."), ("maps/drafts", "../.."), ("other", "..")):
        monkeypatch.chdir(repo / cwd)
        run = run_cli("validate", "--format", "json", named_as)
        read = {Path(f["path"]).name for f in json.loads(run.stdout)}
        assert read == {"v.journey.yaml", "x.journey.yaml", "y.journey.yaml", "z.journey.yaml"}, cwd


def test_a_broken_nested_configuration_stops_the_run_naming_it(repo, monkeypatch):
    (repo / "maps" / ".journeymap.yaml").write_text("select: [stage-without-kpis]\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    run = run_cli("validate", "z.journey.yaml", "maps/x.journey.yaml")
    assert run.exit_code == 2
    assert "maps/.journeymap.yaml: select: unknown rule 'stage-without-kpis'; did you mean 'stage-without-kpi'?" in (
        run.stderr
    )
    assert "Traceback" not in run.stderr


def test_a_folder_of_many_maps_reads_each_configuration_once(repo, monkeypatch):
    from journeymap import config

    many = repo / "maps" / "many"
    many.mkdir()
    for n in range(200):
        (many / f"m{n}.journey.yaml").write_text(MAP, encoding="utf-8")
    reads: list[Path] = []
    real = config._read  # noqa: SLF001 (counting the reads of the one function that reads a file)

    def counted(path: Path, text: str | None = None) -> dict[str, object]:
        reads.append(path)
        return real(path, text)

    monkeypatch.setattr(config, "_read", counted)
    monkeypatch.chdir(repo)
    run = run_cli("validate", "--jobs", "1", "--format", "json", ".")
    assert run.exit_code == 1
    assert len(reads) == len(set(reads)) == 3  # the root's, maps/ and maps/team/: each once


def test_strict_in_a_maps_own_configuration_fails_the_run_on_its_warnings(repo, monkeypatch):
    monkeypatch.chdir(repo / "other")
    (repo / ".journeymap.yaml").write_text("ignore: [JM104]\n", encoding="utf-8")  # z: warnings only
    assert run_cli("validate", "../z.journey.yaml").exit_code == 0
    (repo / "maps" / "team" / "pyproject.toml").write_text('[tool.journeymap]\nstrict = true\n', encoding="utf-8")
    # y's own configuration is strict: its warnings fail the run, z's still do not
    assert run_cli("validate", "../z.journey.yaml", "../maps/team/y.journey.yaml").exit_code == 1
    assert run_cli("validate", "../z.journey.yaml").exit_code == 0


@needs_dot
def test_render_draws_each_map_in_the_theme_of_its_own_configuration(repo, monkeypatch):
    (repo / "maps" / ".journeymap.yaml").write_text("theme: dark\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    run = run_cli("render", ".", "-f", "dot", "-o", "out")
    assert run.exit_code == 0, run.stderr
    dark = 'bgcolor="#111827"'
    assert dark in (repo / "out" / "x.dot").read_text(encoding="utf-8")
    assert dark not in (repo / "out" / "z.dot").read_text(encoding="utf-8")
    assert dark not in (repo / "out" / "y.dot").read_text(encoding="utf-8")  # team's own configuration holds
    flag = run_cli("render", ".", "-f", "dot", "-o", "out2", "--theme", "light")
    assert flag.exit_code == 0 and dark not in (repo / "out2" / "x.dot").read_text(encoding="utf-8")


CONFIGS = st.one_of(
    st.none(),
    st.fixed_dictionaries({}, optional={
        "select": st.lists(st.sampled_from(["JM1", "JM2", "JM10", "stage-without-kpi", "all"]), min_size=1, max_size=2),
        "ignore": st.lists(st.sampled_from(["JM104", "JM2", "missing-phase", "JM106"]), max_size=2),
        "severity": st.dictionaries(st.sampled_from(["JM104", "opportunity-without-owner"]),
                                    st.sampled_from(["error", "warning", "info"]), max_size=2),
    }),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.tuples(CONFIGS, CONFIGS, CONFIGS))
def test_a_map_is_judged_as_if_its_nearest_configuration_were_named_with_config(repo, monkeypatch, configs):
    folders = (repo, repo / "maps", repo / "maps" / "team")
    for folder in folders:  # only .journeymap.yaml files this time
        for name in (".journeymap.yaml", "pyproject.toml"):
            (folder / name).unlink(missing_ok=True)
    for folder, chosen in zip(folders, configs, strict=True):
        if chosen is not None:
            (folder / ".journeymap.yaml").write_text(json.dumps(chosen), encoding="utf-8")
    for name in MAPS:
        path = repo / name
        nearest = next(
            (f / ".journeymap.yaml" for f in (path.parent, *path.parent.parents) if (f / ".journeymap.yaml").exists()),
            None,
        )
        monkeypatch.chdir(repo / "other")
        named = ["--config", str(nearest)] if nearest else []
        expected = run_cli("validate", "--format", "json", *named, str(path))
        for cwd, named_as in ((repo, name), (path.parent, path.name), (repo / "other", str(path))):
            monkeypatch.chdir(cwd)
            found = run_cli("validate", "--format", "json", named_as)
            assert found.exit_code == expected.exit_code, (name, cwd, found.stderr)
            assert [(f["line"], f["rule_id"], f["severity"]) for f in json.loads(found.stdout or "[]")] == [
                (f["line"], f["rule_id"], f["severity"]) for f in json.loads(expected.stdout or "[]")
            ]


def test_the_cross_map_pass_runs_by_the_first_folders_configuration_and_each_map_keeps_its_own_say(tmp_path,
                                                                                                  monkeypatch):
    (tmp_path / ".git").mkdir()
    team = tmp_path / "maps" / "team"
    team.mkdir(parents=True)
    (tmp_path / "maps" / "a.journey.yaml").write_text(BASE, encoding="utf-8")
    # the same persona id defined differently: persona-drift (JM501), reported in b
    drifted = BASE.replace("name: Busy parent", "name: Tired parent").replace("id: lint-base", "id: other-base")
    (team / "b.journey.yaml").write_text(drifted, encoding="utf-8")

    def drift(cwd: Path, folder: str) -> list[str]:
        monkeypatch.chdir(cwd)
        run = run_cli("validate", "--format", "json", folder)
        return [f"{Path(f['path']).name} {f['severity']}" for f in json.loads(run.stdout) if f["rule_id"] == "JM501"]

    assert drift(tmp_path, "maps") == ["b.journey.yaml warning"]
    # the folder named turns the rule off: not run, from any working folder
    (tmp_path / "maps" / ".journeymap.yaml").write_text("ignore: [persona-drift]\n", encoding="utf-8")
    assert drift(tmp_path, "maps") == drift(team, "..") == []
    # run, but the map it lands in re-grades it by its own configuration
    (tmp_path / "maps" / ".journeymap.yaml").unlink()
    (team / ".journeymap.yaml").write_text("severity: {JM501: error}\n", encoding="utf-8")
    assert drift(tmp_path, "maps") == drift(team, "..") == ["b.journey.yaml error"]
    # or does not show it at all
    (team / ".journeymap.yaml").write_text("ignore: [JM5]\n", encoding="utf-8")
    assert drift(tmp_path, "maps") == []


def test_the_site_takes_the_theme_of_the_folder_it_is_built_from(repo, monkeypatch):
    (repo / "maps" / ".journeymap.yaml").write_text("theme: dark\n", encoding="utf-8")
    monkeypatch.chdir(repo)  # the root's configuration has no theme
    run = run_cli("site", "maps", "--out", "site")
    assert run.exit_code == 0, run.stderr
    assert "--bg:#111827" in (repo / "site" / "index.html").read_text(encoding="utf-8")
