"""`journeymap rename FILE OLD NEW`: the id and every reference change; nothing else does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES

SHOP = FIXTURES / "lsp" / "shop.journey.yaml"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop.journey.yaml"
    shutil.copy(SHOP, target)
    return target


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]


def test_a_persona_is_renamed_with_every_reference(shop: Path, cli):
    before = shop.read_text(encoding="utf-8")
    run = cli("rename", str(shop), "parent", "busy-parent")
    assert run.exit_code == 0, run.stderr
    assert "Renamed persona 'parent' to 'busy-parent'" in run.stderr and "2 references" in run.stderr
    assert changed_lines(before, shop.read_text(encoding="utf-8")) == [
        ("  - id: parent", "  - id: busy-parent"),
        ("        personas: [parent, student]", "        personas: [busy-parent, student]"),
        ("        personas: [parent]", "        personas: [busy-parent]"),
    ]
    assert cli("validate", str(shop)).exit_code == 0


def test_a_pain_point_rename_follows_it_into_addresses(shop: Path, cli):
    assert cli("rename", str(shop), "surprise-fee", "late-fee").exit_code == 0
    text = shop.read_text(encoding="utf-8")
    assert "- id: late-fee" in text and "addresses: [late-fee]" in text and "surprise-fee" not in text


def test_a_stage_rename_follows_it_into_the_returns_of_later_stages(tmp_path: Path, cli):
    target = tmp_path / "m.journey.yaml"
    target.write_text("journeymap: 1\ntitle: T\nstages:\n  - id: browse\n    name: Browse\n"
                      "  - id: compare\n    name: Compare\n    returns: [browse]\n", encoding="utf-8")
    run = cli("rename", str(target), "browse", "discover")
    assert run.exit_code == 0, run.stderr
    text = target.read_text(encoding="utf-8")
    assert "- id: discover" in text and "returns: [discover]" in text and "browse" not in text
    assert "JM021" not in cli("validate", str(target)).stdout


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Busy Parent", "is not a valid id: use lowercase letters, digits and single hyphens (e.g. 'busy-parent')"),
        ("student", "the persona id 'student' is already taken (line 10); choose another"),
    ],
)
def test_a_bad_or_taken_new_id_is_refused_and_nothing_is_written(shop: Path, cli, new: str, message: str):
    before = shop.read_bytes()
    run = cli("rename", str(shop), "parent", new)
    assert run.exit_code == 1
    assert message in run.stderr and "Traceback" not in run.stderr
    assert shop.read_bytes() == before


def test_an_unknown_id_is_named(shop: Path, cli):
    run = cli("rename", str(shop), "nobody", "somebody")
    assert run.exit_code == 1 and "no id 'nobody' is defined" in run.stderr


def test_diff_shows_the_rename_and_writes_nothing(shop: Path, cli):
    before = shop.read_bytes()
    run = cli("rename", "--diff", str(shop), "web", "website")
    assert run.exit_code == 0
    assert "+  - {id: website, name: Website, kind: digital}" in run.stdout
    assert "+        channel: website" in run.stdout
    assert shop.read_bytes() == before


def test_a_file_past_the_size_limit_is_refused(shop: Path, cli):
    run = cli("rename", "--max-bytes", "100", str(shop), "web", "website")
    assert run.exit_code == 1 and "larger than the 100-byte limit" in run.stderr


def test_renaming_a_touchpoint_follows_it_into_kpi_measures(tmp_path: Path, cli):
    """The online-shop example: `pays` is named by three KPI measures; all of them follow."""
    shop = tmp_path / "online-shop.journey.yaml"
    shutil.copy(EXAMPLES / "online-shop.journey.yaml", shop)
    before = shop.read_text(encoding="utf-8")
    run = cli("rename", str(shop), "pays", "pays-now")
    assert run.exit_code == 0, run.stderr
    assert "Renamed touchpoint 'pays' to 'pays-now'" in run.stderr and "the id and 3 references" in run.stderr
    assert changed_lines(before, shop.read_text(encoding="utf-8")) == [
        ("        measure: {conversion: {from: creates-account, to: pays, within: 1d}}",
         "        measure: {conversion: {from: creates-account, to: pays-now, within: 1d}}"),
        ("        measure: {survey_score: pays}", "        measure: {survey_score: pays-now}"),
        ("      - id: pays", "      - id: pays-now"),
        ("        measure: {median_time: {from: pays, to: receives-parcel}}",
         "        measure: {median_time: {from: pays-now, to: receives-parcel}}"),
    ]
    validated = cli("validate", str(shop))
    assert validated.exit_code == 0 and "JM021" not in validated.stdout


STEPS = """\
journeymap: 1
title: Steps
stages:
  - id: buy
    name: Buy
    kpis:
      - {name: Reach, measure: {reach: buy}}
      - {name: Back, measure: {return_share: {touchpoint: pays}}}
    touchpoints:
      - {id: pays, name: Pays}
      - {id: checks, name: Checks}
"""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # `reach: buy` names the stage; a touchpoint `buy` would take it over
        (("checks", "buy"), "`reach` at line 7 names the stage 'buy', and would then name the touchpoint instead"),
        # a touchpoint `checks` exists: `reach: checks` would name it, not the renamed stage
        (("buy", "checks", "--kind", "stage"), "'checks' is the id of a touchpoint (line 11), and `reach` at line 7"),
    ],
)
def test_a_rename_that_would_change_what_a_measure_names_is_refused(tmp_path: Path, cli, args: tuple[str, ...],
                                                                   message: str):
    path = tmp_path / "steps.journey.yaml"
    path.write_text(STEPS, encoding="utf-8")
    run = cli("rename", str(path), *args)
    assert run.exit_code == 1 and message in run.stderr, run.stderr
    assert path.read_text(encoding="utf-8") == STEPS


def test_a_stage_and_a_touchpoint_may_share_an_id_and_each_renames_alone(tmp_path: Path, cli):
    path = tmp_path / "steps.journey.yaml"
    path.write_text(STEPS.replace("{id: checks,", "{id: buy,"), encoding="utf-8")
    run = cli("rename", str(path), "buy", "paid")
    assert run.exit_code == 1 and "is the id of a stage and a touchpoint; say which with --kind" in run.stderr
    run = cli("rename", str(path), "buy", "paid", "--kind", "touchpoint")
    assert run.exit_code == 0 and "the id and 1 reference" in run.stderr, run.stderr
    # the measure named the touchpoint (looked up before the stage), so it follows the touchpoint
    assert "measure: {reach: paid}" in path.read_text(encoding="utf-8")
    assert "  - id: buy\n" in path.read_text(encoding="utf-8")


def test_quoted_ids_stay_quoted(tmp_path: Path, cli):
    path = tmp_path / "steps.journey.yaml"
    path.write_text(STEPS.replace("{reach: buy}", "{reach: 'buy'}").replace("  - id: buy", '  - id: "buy"'))
    assert cli("rename", str(path), "buy", "purchase", "--kind", "stage").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "{reach: 'purchase'}" in text and '  - id: "purchase"' in text
