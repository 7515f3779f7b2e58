"""`journeymap init`: a new map that validates clean, never written over an existing file."""

from __future__ import annotations

from tests.conftest import run_cli


def test_init_writes_a_commented_map_that_validates_clean(tmp_path):
    target = tmp_path / "checkout.journey.yaml"
    run = run_cli("init", str(target))
    assert run.exit_code == 0
    text = target.read_text()
    # a relative path to a schema written beside it: editors read it offline
    assert text.startswith("# yaml-language-server: $schema=schemas/journeymap.schema.json\n")
    schema = tmp_path / "schemas" / "journeymap.schema.json"
    assert schema.read_text() == run_cli("schema").stdout
    assert f"Wrote {schema}" in run.stderr
    assert "# -2 very negative .. +2 very positive" in text
    check = run_cli("validate", str(target))
    assert check.exit_code == 0, check.stdout
    assert "Created" in run.stderr and "journeymap validate" in run.stderr


def test_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "keep.journey.yaml"
    target.write_text("mine\n")
    run = run_cli("init", str(target))
    assert run.exit_code == 2
    assert "already exists" in run.stderr and "never overwrites" in run.stderr
    assert target.read_text() == "mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.journey.yaml"]  # and no schema written either


def test_init_points_editors_at_the_repository_schema(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "journeymap.schema.json").write_text("{}")
    (tmp_path / "maps").mkdir()
    target = tmp_path / "maps" / "a.journey.yaml"
    assert run_cli("init", str(target)).exit_code == 0
    assert target.read_text().splitlines()[0] == "# yaml-language-server: $schema=../schemas/journeymap.schema.json"


def test_init_list_and_unknown_template(tmp_path):
    listing = run_cli("init", "--list")
    assert listing.exit_code == 0
    assert listing.stdout.startswith("starter") or "\nstarter " in listing.stdout
    run = run_cli("init", str(tmp_path / "x.journey.yaml"), "--template", "nope")
    assert run.exit_code == 2
    assert "no template 'nope'; choose one of:" in run.stderr
    assert not (tmp_path / "x.journey.yaml").exists()


def test_init_into_missing_folder_exits_2(tmp_path):
    run = run_cli("init", str(tmp_path / "no" / "such" / "x.journey.yaml"))
    assert run.exit_code == 2
    assert run.stderr.startswith("journeymap: error: ")


def test_every_template_starts_a_map_that_is_clean_even_in_strict_mode(tmp_path):
    listing = run_cli("init", "--list").stdout.splitlines()
    names = [line.split()[0] for line in listing]
    assert set(names) >= {"starter", "ecommerce", "b2b-saas", "service-blueprint", "employee-onboarding",
                          "healthcare-visit"}
    for name in names:
        target = tmp_path / f"{name}.journey.yaml"
        assert run_cli("init", str(target), "--template", name).exit_code == 0
        check = run_cli("validate", "--strict", str(target))
        assert check.exit_code == 0, (name, check.stdout)
        assert check.stdout.endswith("no findings.\n"), (name, check.stdout)


def test_service_blueprint_template_fills_the_blueprint_lanes(tmp_path):
    import yaml

    target = tmp_path / "sb.journey.yaml"
    run_cli("init", str(target), "--template", "service-blueprint")
    data = yaml.safe_load(target.read_text())
    touchpoints = [t for s in data["stages"] for t in s["touchpoints"]]
    assert touchpoints and all(t["backstage"] and t["support"] for t in touchpoints)


def test_init_in_a_repository_writes_the_schema_once_at_its_root(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "maps").mkdir()
    first = run_cli("init", str(tmp_path / "maps" / "a.journey.yaml"))
    assert first.exit_code == 0
    assert (tmp_path / "schemas" / "journeymap.schema.json").is_file()
    second = run_cli("init", str(tmp_path / "maps" / "b.journey.yaml"))
    assert "Wrote" not in second.stderr  # the repository has its schema now
    for name in ("a", "b"):
        line = (tmp_path / "maps" / f"{name}.journey.yaml").read_text().splitlines()[0]
        assert line == "# yaml-language-server: $schema=../schemas/journeymap.schema.json"


def test_schema_out_writes_the_schema_file(tmp_path):
    out = tmp_path / "journeymap.schema.json"
    run = run_cli("schema", "--out", str(out))
    assert run.exit_code == 0
    assert out.read_text() == run_cli("schema").stdout
