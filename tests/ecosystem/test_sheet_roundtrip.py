"""A map goes to a spreadsheet and back with what the grid holds unchanged (`export --format xlsx|csv-grid`,
then `import xlsx|csv`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import EXAMPLES, journey_from_text, run_cli

from journeymap.convert.mermaid_in import unnumbered
from journeymap.convert.sheet_out import layout
from journeymap.model import Journey


def journey_of(path: Path) -> Journey:
    return journey_from_text(path.read_bytes(), str(path))


def round_trip(source: Path, tmp: Path, kind: str) -> tuple[Journey, list[str]]:
    """The map `source` exported as `kind` and imported again, and what the import said."""
    sheet = tmp / f"grid.{'xlsx' if kind == 'xlsx' else 'csv'}"
    back = tmp / "back.journey.yaml"
    run = run_cli("export", str(source), "--format", kind, "--out", str(sheet))
    assert run.exit_code == 0, run.stderr
    run = run_cli("import", "xlsx" if kind == "xlsx" else "csv", str(sheet), "--out", str(back), "--force")
    assert run.exit_code == 0, run.stderr
    return journey_of(back), run.stderr.splitlines()


@pytest.mark.parametrize("kind", ["xlsx", "csv-grid"])
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.journey.yaml")))
def test_the_examples_come_back_with_the_same_grid(tmp_path, example, kind):
    original = journey_of(EXAMPLES / example)
    back, said = round_trip(EXAMPLES / example, tmp_path, kind)
    assert layout(back).rows == layout(original).rows
    assert [s.name for s in back.stages] == [s.name for s in original.stages]
    assert sum(1 for _ in back.pain_points()) == sum(1 for _ in original.pain_points())
    # journeymap's own sheet needs no guesses about its lanes or feelings
    assert not [line for line in said if "read as" in line and "opportunities" not in line], said


def test_the_workbook_holds_text_as_text_and_merges_stage_headers(tmp_path):
    from openpyxl import load_workbook

    source = tmp_path / "m.journey.yaml"
    source.write_text(
        "journeymap: 1\ntitle: Formulas\nstages:\n  - id: s\n    name: Pay\n    touchpoints:\n"
        "      - {id: a, name: '=HYPERLINK(\"http://evil.test\",\"x\")', emotion: -2}\n"
        "      - {id: b, name: '@SUM(A1)'}\n", encoding="utf-8")
    out = tmp_path / "m.xlsx"
    assert run_cli("export", str(source), "--format", "xlsx", "--out", str(out)).exit_code == 0
    sheet = load_workbook(out).active
    names = [c for c in sheet[4] if c.value and c.column > 1]
    assert [(c.value, c.data_type) for c in names] == [('=HYPERLINK("http://evil.test","x")', "s"), ("@SUM(A1)", "s")]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["B3:C3"]
    assert sheet["B5"].value == -2 and sheet["A5"].value == "Feelings"
    back, _ = round_trip(source, tmp_path, "xlsx")
    assert [tp.name for tp in back.stages[0].touchpoints] == ['=HYPERLINK("http://evil.test","x")', "@SUM(A1)"]
    back, _ = round_trip(source, tmp_path, "csv-grid")
    assert [tp.name for tp in back.stages[0].touchpoints] == ['=HYPERLINK("http://evil.test","x")', "@SUM(A1)"]


def test_export_refuses_what_it_cannot_write(tmp_path):
    run = run_cli("export", str(EXAMPLES / "online-shop.journey.yaml"), "--format", "xlsx")
    assert run.exit_code == 2 and "--out" in run.stderr
    run = run_cli("export", str(EXAMPLES), "--format", "csv-grid")
    assert run.exit_code == 2 and "one map" in run.stderr and not run.stdout
    out = tmp_path / "all.xlsx"
    assert run_cli("export", str(EXAMPLES), "--format", "xlsx", "--out", str(out)).exit_code == 0
    from openpyxl import load_workbook

    assert sorted(load_workbook(out).sheetnames) == ["homeware-first-purchase", "passport-renewal",
                                                     "saas-trial-to-advocacy"]


# --- generated maps ---------------------------------------------------------------------------------------------

# text the grid can hold: one line, starting with a letter (a leading "- ", "1." or "•" reads as a bullet), no
# parentheses (a trailing "(high)" is a severity, "(target: …)" a KPI's target)
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÉéñ£’–😀?!,.'&0123456789", min_size=1, max_size=8)
TEXT = st.builds(lambda first, rest: (first + " ".join(rest)).strip(),
                 st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZé"), st.lists(_WORD, max_size=4))
TEXTS = st.lists(TEXT, max_size=2)


@st.composite
def maps(draw: st.DrawFn) -> dict[str, Any]:
    channels = draw(st.lists(TEXT, max_size=2))
    pains: list[str] = []
    stages = []
    for s in range(draw(st.integers(1, 3))):
        touchpoints = []
        for t in range(draw(st.integers(0, 3))):
            tp: dict[str, Any] = {"id": f"t{s}-{t}", "name": draw(TEXT)}
            for lane in ("actions", "thoughts", "backstage", "support"):
                if values := draw(TEXTS):
                    tp[lane] = values
            if (emotion := draw(st.none() | st.integers(-2, 2))) is not None:
                tp["emotion"] = emotion
            if channels and draw(st.booleans()):
                tp["channel"] = f"c{draw(st.integers(0, len(channels) - 1))}"
            points = []
            for p in range(draw(st.integers(0, 2))):
                point = {"id": f"p{s}-{t}-{p}", "description": draw(TEXT)}
                if draw(st.booleans()):
                    point["severity"] = draw(st.sampled_from(["low", "medium", "high", "critical"]))
                points.append(point)
                pains.append(point["id"])
            if points:
                tp["pain_points"] = points
            touchpoints.append(tp)
        stage: dict[str, Any] = {"id": f"s{s}", "name": draw(TEXT.filter(lambda n: unnumbered(n) == n)),
                                 "touchpoints": touchpoints}
        kpis = [{"name": name, **draw(st.fixed_dictionaries({}, optional={"target": TEXT, "current": TEXT}))}
                for name in draw(TEXTS)]
        if kpis:
            stage["kpis"] = kpis
        for key in ("goal", "description"):
            if draw(st.booleans()):
                stage[key] = draw(TEXT)
        stages.append(stage)
    data: dict[str, Any] = {"journeymap": 1, "id": "generated", "title": draw(TEXT)}
    if draw(st.booleans()):
        data["description"] = draw(TEXT)
    if channels:
        data["channels"] = [{"id": f"c{i}", "name": name} for i, name in enumerate(channels)]
    data["stages"] = stages
    opportunities = []
    for o in range(draw(st.integers(0, 3))):
        addresses = draw(st.lists(st.sampled_from(pains), unique=True, max_size=2)) if pains else []
        opportunities.append({"id": f"o{o}", "description": draw(TEXT), "addresses": addresses})
    if opportunities:
        data["opportunities"] = opportunities
    return data


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["xlsx", "csv-grid"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=maps())
def test_a_generated_map_comes_back_with_the_same_grid(tmp_path, kind, data):
    source = tmp_path / "m.journey.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    original = journey_of(source)
    back, _ = round_trip(source, tmp_path, kind)
    assert layout(back).rows == layout(original).rows
    # and the sheet of the imported map is a fixed point: a second trip changes nothing
    again, _ = round_trip(tmp_path / "back.journey.yaml", tmp_path, kind)
    assert layout(again).rows == layout(back).rows
