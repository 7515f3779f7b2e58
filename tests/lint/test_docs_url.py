"""Every finding links to its rule's documentation: the anchor in docs/rules.md, or the configuration's
`docs_url`; SARIF, json and `journeymap rules ID` give the same address."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tests.conftest import ROOT

from journeymap.lint.docs import DOCS_URL, rule_url
from journeymap.lint.registry import all_rules, find_rule

MAP = "journeymap: 1\ntitle: T\nstages: []\n"  # JM101 empty-journey, at error severity


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_rule_links_to_a_heading_docs_rules_md_really_has():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = {github_anchor(line[3:]) for line in text.splitlines() if line.startswith("## ")}
    for rule in all_rules():
        url = rule_url(rule)
        assert url.startswith("https://github.com/journeymap/journeymap/blob/main/docs/rules.md#"), url
        assert url.split("#", 1)[1] in anchors, rule.id


def test_a_template_gets_the_rules_id_name_and_anchor():
    rule = find_rule("JM101")
    assert rule is not None
    assert rule_url(rule, "https://example.org/rules/{id}") == "https://example.org/rules/JM101"
    assert rule_url(rule, "https://wiki.example.org/{name}.html#{anchor}") == (
        "https://wiki.example.org/empty-journey.html#jm101-empty-journey"
    )
    assert rule_url(rule) == DOCS_URL.replace("{anchor}", "jm101-empty-journey")


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".journeymap.yaml").write_text('docs_url: "https://example.org/rules/{id}"\n', encoding="utf-8")
    (tmp_path / "t.journey.yaml").write_text(MAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_configurations_address_reaches_sarif_json_and_the_rules_command(configured: Path, cli):
    sarif = json.loads(cli("validate", "t.journey.yaml", "--format", "sarif").stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["JM101"]["helpUri"] == "https://example.org/rules/JM101"
    assert all(urlsplit(r["helpUri"]).netloc == "example.org" for r in rules.values())
    (finding,) = [f for f in json.loads(cli("validate", "t.journey.yaml", "--format", "json").stdout)
                  if f["rule_id"] == "JM101"]
    assert finding["url"] == "https://example.org/rules/JM101"
    assert "Documentation: https://example.org/rules/JM101" in cli("rules", "JM101").stdout
    listed = json.loads(cli("rules", "--format", "json").stdout)
    assert {r["url"] for r in listed} == {f"https://example.org/rules/{r.id}" for r in all_rules()}


def test_without_configuration_the_rules_command_shows_the_docs_anchor(cli):
    out = cli("rules", "stage-without-touchpoints").stdout
    assert "Documentation: https://github.com/journeymap/journeymap/blob/main/docs/rules.md#jm102-stage-without-" \
           "touchpoints" in out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"https://example.org/{id.__class__}"', "placeholder {id.__class__}"),
        ('"javascript:alert(1)"', "must be an http:// or https:// address"),
        ('"https://example.org/a b"', "without spaces"),
        ("[1]", "must be an http:// or https:// address"),
    ],
)
def test_a_bad_docs_url_is_a_configuration_error(configured: Path, cli, value: str, message: str):
    (configured / ".journeymap.yaml").write_text(f"docs_url: {value}\n", encoding="utf-8")
    run = cli("validate", "t.journey.yaml")
    assert run.exit_code == 2 and message in run.stderr and "Traceback" not in run.stderr
