"""`journeymap export --format csv`: rows a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io

from tests.conftest import EXAMPLES, FIXTURES, run_cli

from journeymap.convert.csv_out import safe_cell


def parse(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_one_row_per_pain_point_and_opportunity():
    run = run_cli("export", str(EXAMPLES / "online-shop.journey.yaml"))
    assert run.exit_code == 0
    rows = parse(run.stdout)
    pains = [r for r in rows if r["kind"] == "pain point"]
    opportunities = [r for r in rows if r["kind"] == "opportunity"]
    assert len(pains) == 5 and len(opportunities) == 6
    fee = next(r for r in pains if r["id"] == "forced-account")
    assert (fee["stage"], fee["touchpoint"], fee["severity"], fee["addressed_by"]) == (
        "checkout", "creates-account", "critical", "guest-checkout")
    guest = next(r for r in opportunities if r["id"] == "guest-checkout")
    assert (guest["owner"], guest["status"], guest["addresses"], guest["stage"]) == (
        "checkout-team", "in-progress", "forced-account", "checkout")


def test_formula_injection_is_neutralised(tmp_path):
    path = tmp_path / "evil.journey.yaml"
    path.write_text(
        "journeymap: 1\ntitle: T\nstages:\n  - id: s\n    name: S\n    touchpoints:\n      - id: t\n        name: T\n"
        "        pain_points:\n          - id: p\n            description: '=HYPERLINK(\"http://evil.test\",\"x\")'\n"
        "opportunities:\n  - id: o\n    description: '@SUM(A1)'\n    owner: '+1-555'\n    addresses: [p]\n"
    )
    rows = parse(run_cli("export", str(path)).stdout)
    assert rows[0]["description"] == "'=HYPERLINK(\"http://evil.test\",\"x\")"
    assert rows[1]["description"] == "'@SUM(A1)"
    assert rows[1]["owner"] == "'+1-555"


def test_safe_cell():
    assert [safe_cell(v) for v in ("=1", "+1", "-1", "@x", "\t=1", "\r=1", "ok", "a=b")] == [
        "'=1", "'+1", "'-1", "'@x", "'\t=1", "'\r=1", "ok", "a=b"]


def test_export_to_a_file_and_skip_broken_maps(tmp_path):
    out = tmp_path / "backlog.csv"
    run = run_cli("export", str(EXAMPLES), str(FIXTURES / "bad" / "syntax.journey.yaml"), "--out", str(out))
    assert run.exit_code == 1
    assert "skipped" in run.stderr and "syntax.journey.yaml" in run.stderr
    rows = parse(out.read_text(encoding="utf-8"))
    assert {r["map"] for r in rows} == {"homeware-first-purchase", "saas-trial-to-advocacy", "passport-renewal"}
    assert [p.name for p in tmp_path.iterdir()] == ["backlog.csv"]
