"""Shared libraries: `use:` resolves ids from library files, and every way it can go wrong is a
finding at the map's `use:` entry."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema

from journeymap.analysis import State
from journeymap.config import default_project
from journeymap.io.sources import Target
from journeymap.libraries import DiskLibraries
from journeymap.load import load_bytes
from journeymap.pipeline import analyse
from tests.conftest import FIXTURES, ROOT

LIBS = FIXTURES / "portfolio" / "libs"
ORDER = LIBS / "maps" / "order.journey.yaml"
BROKEN = LIBS / "maps" / "broken-uses.journey.yaml"


def _lines(run_stdout: str) -> list[str]:
    return [line for line in run_stdout.splitlines() if ": error [" in line or ": warning [" in line]


def test_a_map_names_library_ids_as_its_own(cli):
    run = cli("validate", str(ORDER))
    assert run.exit_code == 0, run.stdout
    # the persona, channels and source come from people.library.yaml through fees.library.yaml, and the
    # pain point is addressed by the library's opportunity: no broken reference, no unaddressed pain point
    assert "JM021" not in run.stdout and "unaddressed-pain-point" not in run.stdout
    # a library's items are never "defined but unused" in a map that uses only some of them
    assert "unused-" not in run.stdout


def test_the_journey_holds_library_items_with_their_origin():
    analysis = analyse(Target(str(ORDER)), default_project())
    assert analysis.valid
    journey = analysis.journey
    assert journey is not None
    assert [(p.id, p.origin.endswith("people.library.yaml")) for p in journey.personas] == [("busy-parent", True)]
    assert [o.id for o in journey.opportunities] == ["fee-up-front"]
    assert journey.open_pain_points()[0].id == "surprise-fee"  # planned, not done
    assert len(analysis.uses) == 2  # fees, and people through it


def test_every_unusable_entry_is_a_finding_at_its_use_entry(cli):
    run = cli("validate", "--no-lint", str(BROKEN))
    assert run.exit_code == 1
    found = _lines(run.stdout)
    name = str(BROKEN)
    expected = [
        (f"{name}:5:5: error [JM022]", "missing.library.yaml does not exist"),
        (f"{name}:6:5: error [JM022]", "outside.library.yaml is outside the repository"),
        (f"{name}:7:5: error [JM022]", "leads back to itself"),
        (f"{name}:8:5: error [JM022]", "broken.library.yaml:3:5: personas[0]: 'name' is required"),
        (f"{name}:9:5: error [JM022]", "not a library file"),
        (f"{name}:11:5: error [JM023]", "people.library.yaml:4:5; keep one definition"),
        (f"{name}:13:10: error [JM023]", "channel 'web' is defined differently in"),
    ]
    assert len(found) == len(expected), run.stdout
    for line, (start, words) in zip(found, expected, strict=True):
        assert line.startswith(start) and words in line, line
    assert "other-people.library.yaml:3:5" in found[5]  # the position inside the second library
    assert "people.library.yaml:8:5" in found[6]


def test_a_cycle_names_the_whole_circle(cli):
    run = cli("validate", str(LIBS / "shared" / "loop-a.library.yaml"))
    assert run.exit_code == 1
    assert "loop-a.library.yaml -> " in run.stdout and "loop-b.library.yaml -> " in run.stdout
    assert ":2:7: error [JM022]" in run.stdout


def test_a_library_given_to_validate_is_checked_as_a_library(cli):
    broken = LIBS / "shared" / "broken.library.yaml"
    run = cli("validate", str(broken))
    assert run.exit_code == 1
    assert f"{broken}:3:5: error [JM010] personas[0]: 'name' is required" in run.stdout
    good = analyse(Target(str(LIBS / "shared" / "fees.library.yaml")), default_project())
    assert good.state is State.VALID and good.kind == "library" and good.journey is None


def test_a_library_with_a_duplicate_id_or_map_keys_is_invalid(tmp_path: Path, cli):
    (tmp_path / ".git").mkdir()
    library = tmp_path / "dup.library.yaml"
    library.write_text("journeymap: 1\npersonas:\n  - {id: p, name: P}\n  - {id: p, name: Q}\nstages: []\n")
    run = cli("validate", str(library))
    assert run.exit_code == 1
    assert f"{library}:5:1: error [JM010] the map: unknown property 'stages'" in run.stdout


def test_a_symlink_out_of_the_repository_is_refused(tmp_path: Path, cli):
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    (repo / ".git").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "secret.library.yaml").write_text("journeymap: 1\n")
    (repo / "shared.library.yaml").symlink_to(elsewhere / "secret.library.yaml")
    the_map = repo / "m.journey.yaml"
    the_map.write_text("journeymap: 1\ntitle: M\nuse: [shared.library.yaml]\n")
    run = cli("validate", "--no-lint", str(the_map))
    assert run.exit_code == 1
    assert f"{the_map}:3:7: error [JM022]" in run.stdout and "outside the repository" in run.stdout


def test_without_git_the_root_is_the_maps_folder(tmp_path: Path, cli):
    (tmp_path / "people.library.yaml").write_text("journeymap: 1\npersonas: [{id: p, name: P}]\n")
    inner = tmp_path / "maps"
    inner.mkdir()
    the_map = inner / "m.journey.yaml"
    the_map.write_text("journeymap: 1\ntitle: M\nuse: [../people.library.yaml]\n")
    run = cli("validate", "--no-lint", str(the_map))
    # tmp_path is in no git repository, so the map's own folder is as far as it may reach
    assert run.exit_code == 1 and "outside the repository" in run.stdout


def test_a_library_is_parsed_once_and_again_only_when_it_changed(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    library = tmp_path / "people.library.yaml"
    library.write_text("journeymap: 1\npersonas: [{id: p, name: P}]\n")
    the_map = tmp_path / "m.journey.yaml"
    the_map.write_text("journeymap: 1\ntitle: M\nuse: [people.library.yaml]\n")
    doc, _ = load_bytes(the_map.read_bytes(), str(the_map))
    assert doc is not None
    reader = DiskLibraries()
    first = reader.resolve(doc, 10_000).libraries[0]
    assert reader.resolve(doc, 10_000).libraries[0] is first
    library.write_text("journeymap: 1\npersonas: [{id: p, name: Parent}]\n")
    changed = reader.resolve(doc, 10_000).libraries[0]
    assert changed is not first and changed.items.personas[0].name == "Parent"


def test_a_library_over_the_size_limit_is_a_finding(tmp_path: Path, cli):
    (tmp_path / ".git").mkdir()
    (tmp_path / "big.library.yaml").write_text("journeymap: 1\ntitle: " + "x" * 5000 + "\n")
    the_map = tmp_path / "m.journey.yaml"
    the_map.write_text("journeymap: 1\ntitle: M\nuse: [big.library.yaml]\n")
    run = cli("validate", "--no-lint", "--max-bytes", "1000", str(the_map))
    assert run.exit_code == 1 and "larger than the 1,000-byte limit" in run.stdout


def test_schema_library_prints_the_library_format(cli):
    run = cli("schema", "--library")
    assert run.exit_code == 0
    printed = json.loads(run.stdout)
    jsonschema.Draft202012Validator.check_schema(printed)
    assert "use" in printed["properties"] and "stages" not in printed["properties"]
    # the copy for editors is the same
    assert json.loads((ROOT / "schemas" / "journeymap.library.schema.json").read_text()) == printed
    # and the map format gains use: and journey:
    map_schema = json.loads(cli("schema").stdout)
    assert "use" in map_schema["properties"]
    assert "journey" in map_schema["$defs"]["touchpoint"]["properties"]


def test_render_and_export_follow_libraries(tmp_path: Path, cli):
    out = tmp_path / "backlog.csv"
    run = cli("export", str(ORDER), "--format", "csv", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    text = out.read_text()
    assert "fee-up-front" in text and "pricing-team" in text
    page = tmp_path / "order.html"
    run = cli("render", str(ORDER), "--format", "html", "--out", str(page))
    assert run.exit_code == 0, run.stderr
    html = page.read_text()
    assert "Busy parent" in html and "Website" in html


def test_hostile_library_files_are_findings_at_the_use_entry(tmp_path: Path, cli):
    from tests.hostile.corpus import CORPUS

    (tmp_path / ".git").mkdir()
    names = ["alias-bomb", "nul-byte", "python-tag", "latin1", "deep-flow"]
    for name in names:
        (tmp_path / f"{name}.library.yaml").write_bytes((CORPUS / f"{name}.journey.yaml").read_bytes())
    fifo = tmp_path / "fifo.library.yaml"
    os.mkfifo(fifo)
    uses = "".join(f"  - {name}.library.yaml\n" for name in [*names, "fifo"])
    the_map = tmp_path / "m.journey.yaml"
    the_map.write_text(f"journeymap: 1\ntitle: M\nuse:\n{uses}")
    run = cli("validate", "--no-lint", str(the_map))
    assert run.exit_code == 1 and "Traceback" not in run.stderr and "internal error" not in run.stderr
    found = [line for line in run.stdout.splitlines() if "[JM022]" in line]
    assert [line.split(": error")[0] for line in found] == [f"{the_map}:{4 + i}:5" for i in range(len(names) + 1)]
    assert all("is not valid" in line for line in found[:-1])
    assert "fifo.library.yaml is not a regular file" in found[-1]


def test_a_library_personas_photo_is_read_beside_the_library(tmp_path: Path, cli):
    (tmp_path / ".git").mkdir()
    shared = tmp_path / "shared"
    (shared / "images").mkdir(parents=True)
    photo = FIXTURES / "render" / "photo" / "images" / "parent.png"
    (shared / "images" / "parent.png").write_bytes(photo.read_bytes())
    (shared / "people.library.yaml").write_text(
        "journeymap: 1\npersonas:\n  - {id: parent, name: Parent, photo: images/parent.png}\n"
    )
    maps = tmp_path / "maps"
    maps.mkdir()
    the_map = maps / "m.journey.yaml"
    the_map.write_text("journeymap: 1\ntitle: M\nuse: [../shared/people.library.yaml]\n")
    page = tmp_path / "m.html"
    run = cli("render", str(the_map), "--format", "html", "--out", str(page))
    assert run.exit_code == 0, run.stderr
    assert 'src="data:image/png;base64,' in page.read_text()


def test_export_lists_a_library_opportunity_only_with_the_maps_pain_points(tmp_path: Path, cli):
    (tmp_path / ".git").mkdir()
    (tmp_path / "work.library.yaml").write_text(
        "journeymap: 1\nopportunities:\n  - {id: shared-fix, description: Fix both, addresses: [pain-a, pain-b], "
        "owner: platform, status: planned}\n"
    )
    for name in ("a", "b", "c"):
        pains = f"\n        pain_points: [{{id: pain-{name}, description: Hurts}}]" if name != "c" else ""
        (tmp_path / f"{name}.journey.yaml").write_text(
            f"journeymap: 1\nid: {name}\ntitle: {name.upper()}\nuse: [work.library.yaml]\nstages:\n  - id: s\n"
            f"    name: S\n    touchpoints:\n      - id: t\n        name: T{pains}\n"
        )
    out = tmp_path / "backlog.csv"
    run = cli("export", str(tmp_path), "--out", str(out))
    assert run.exit_code == 0, run.stderr
    rows = [line.split(",") for line in out.read_text().lstrip("\ufeff").splitlines() if ",opportunity," in line]
    assert [(r[0], r[2], r[9]) for r in rows] == [("a", "shared-fix", "pain-a"), ("b", "shared-fix", "pain-b")]


def test_a_library_opportunity_joins_only_maps_whose_pain_points_it_addresses(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "work.library.yaml").write_text(
        "journeymap: 1\nopportunities:\n  - {id: fix, description: Fix, addresses: [pain-a], owner: o}\n"
    )
    the_map = tmp_path / "b.journey.yaml"
    the_map.write_text("journeymap: 1\ntitle: B\nuse: [work.library.yaml]\n")
    journey = analyse(Target(str(the_map)), default_project()).journey
    assert journey is not None and journey.opportunities == []


def test_the_summary_counts_libraries_apart_from_maps(cli):
    run = cli("validate", str(LIBS / "shared" / "fees.library.yaml"))
    assert run.stdout.strip() == "All clean: 1 file (0 maps, 1 library) checked, no findings."
    run = cli("validate", "--no-lint", str(ORDER), str(LIBS / "shared" / "people.library.yaml"))
    assert run.stdout.strip().endswith("2 files (1 map, 1 library) checked, no findings.")
