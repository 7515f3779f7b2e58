"""KPIs that say which way is better (`better: lower` for abandonment or waiting time): the poster's
and page's bar, the words beside it, the diagram's stage label, and `measure`'s verdict judge the
current value that way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeymap.model import Kpi
from journeymap.render.grid import kpi_bar, kpi_verdict
from journeymap.render.html import html_page
from journeymap.render.palette import KPI_FILL
from tests.conftest import EXAMPLES, journey_from_text, needs_dot, run_cli
from tests.render.helpers import squeezed, svg_text

MAP = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: decide
    name: Decide
    kpis:
      - {{name: Basket abandonment, target: "55%", current: "68%"{better}}}
      - {{name: Conversion, target: "4%", current: "5%"}}
    touchpoints:
      - {{id: basket, name: Basket, emotion: -1}}
"""


def _page(better: str) -> str:
    return html_page(journey_from_text(MAP.format(better=better)), None)


def test_lower_is_better_reads_a_value_above_target_as_off_target():
    page = _page(", better: lower")
    abandonment = page.split("Basket abandonment", 1)[1].split('class="kpi"', 1)[0]
    assert "target 55% or lower" in abandonment
    assert '<span class="verdict off-target">off target</span>' in abandonment
    assert f'fill="{KPI_FILL["off"]}"' in abandonment
    # a KPI that says nothing is better higher: 5% against 4% is on target
    conversion = page.split("Conversion", 1)[1]
    assert '<span class="verdict on-target">on target</span>' in conversion


def test_without_better_the_same_numbers_read_the_other_way():
    abandonment = _page("").split("Basket abandonment", 1)[1].split('class="kpi"', 1)[0]
    assert "or lower" not in abandonment and "on target" in abandonment


numbers = st.integers(min_value=0, max_value=10_000)


@given(numbers, numbers)
def test_the_two_directions_disagree_unless_current_equals_target(now, goal):
    higher = kpi_verdict(f"{now}%", f"{goal}%")
    lower = kpi_verdict(f"{now}%", f"{goal}%", lower_is_better=True)
    assert {higher, lower} == ({"on"} if now == goal else {"on", "off"})
    # the bar's fill says the same as the words
    bar = kpi_bar(f"{now}%", f"{goal}%", lower_is_better=True)
    if bar:
        assert f'fill="{KPI_FILL[lower]}"' in bar


def test_values_in_different_units_make_no_claim():
    assert kpi_verdict("68%", "55 s") == "" and kpi_bar("68%", "55 s") == ""


def test_measure_judges_a_lower_is_better_kpi_by_the_map():
    from journeymap.measure.compute import _judged  # noqa: PLC2701 - the one place a KPI is judged

    kpi = Kpi("Basket abandonment", ("stages", 0, "kpis", 0), target="55%", better="lower")
    assert _judged("decide", kpi, "conversion", 0.68, "share").status == "off-target"
    assert _judged("decide", kpi, "conversion", 0.50, "share").status == "met"
    plain = Kpi("Conversion", ("stages", 0, "kpis", 1), target="55%")
    assert _judged("decide", plain, "conversion", 0.68, "share").status == "met"


def test_the_schema_accepts_only_higher_or_lower(tmp_path):
    bad = tmp_path / "bad.journey.yaml"
    bad.write_text(MAP.format(better=", better: smaller"), encoding="utf-8")
    run = run_cli("validate", str(bad))
    assert run.exit_code == 1 and "better" in run.stdout
    example = run_cli("validate", str(EXAMPLES / "online-shop.journey.yaml"))
    assert example.exit_code == 0, example.stdout


def test_a_diff_says_when_a_kpi_changes_which_way_is_better(tmp_path):
    old, new = tmp_path / "old.journey.yaml", tmp_path / "new.journey.yaml"
    old.write_text(MAP.format(better=""), encoding="utf-8")
    new.write_text(MAP.format(better=", better: lower"), encoding="utf-8")
    run = run_cli("diff", str(old), str(new))
    assert "KPI Basket abandonment — better: (none) → “lower”" in run.stdout


def _diagram_text(tmp_path, kpis: str) -> str:
    """Every word the SVG diagram draws for a stage with these KPIs, without white space (a label
    may wrap anywhere)."""
    path = tmp_path / "shop.journey.yaml"
    text = MAP.replace("""      - {{name: Basket abandonment, target: "55%", current: "68%"{better}}}
      - {{name: Conversion, target: "4%", current: "5%"}}
""", kpis)
    path.write_text(text.replace("{{", "{").replace("}}", "}"), encoding="utf-8")
    out = tmp_path / "shop.svg"
    run = run_cli("render", str(path), "--format", "svg", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    return squeezed(svg_text(out.read_bytes()))


@needs_dot
def test_the_diagram_says_a_lower_target_is_the_goal_and_leaves_other_kpis_alone(tmp_path):
    drawn = _diagram_text(tmp_path, """\
      - {name: Basket abandonment, target: "55%", current: "68%", better: lower}
      - {name: Conversion, target: "4%", current: "5%"}
      - {name: Waiting time, current: "12 min", better: lower}
""")
    assert squeezed("KPI: Basket abandonment (68% → 55% or lower)") in drawn
    assert squeezed("KPI: Conversion (5% → 4%)") in drawn
    assert squeezed("KPI: Waiting time (12 min, lower is better)") in drawn
    assert drawn.count("orlower") == 1 and drawn.count("lowerisbetter") == 1
    alone = _diagram_text(tmp_path, """\
      - {name: Returns, better: lower}
      - {name: Reach, better: higher}
""")
    assert squeezed("KPI: Returns (lower is better)") in alone and squeezed("KPI: Reach") in alone
    assert "better" not in alone.split("KPI:Reach", 1)[1]


@needs_dot
def test_a_long_kpi_name_gives_way_to_which_way_is_better(tmp_path):
    name = "Share of visitors who leave a full basket behind before paying for it"
    drawn = _diagram_text(tmp_path, f"""\
      - {{name: {name}, target: "55%", current: "68%", better: lower}}
""")
    assert squeezed("(68% → 55% or lower)") in drawn
    assert squeezed("KPI: Share of visitors") in drawn and "…" in drawn


@given(
    name=st.text(st.sampled_from("abcdefghij klmnopqrstuvwxyz"), min_size=1, max_size=90).filter(str.strip),
    current=st.sampled_from(["", "68%", "6.5%", "1,204 a week"]),
    target=st.sampled_from(["", "55%", "9%", "2 days"]),
    better=st.sampled_from([None, "lower", "higher"]),
)
def test_a_kpi_s_values_are_never_split_across_lines(name, current, target, better):
    """"(6.5% →" on one line and "9%)" on the next reads as two numbers: the values, with which
    way is better, are one line of the stage label whatever the name's length."""
    from journeymap.model import Stage
    from journeymap.render.dot import _kpi_lines, _kpi_values  # noqa: PLC2701 - the label's one source

    kpi = Kpi(name.strip(), ("stages", 0, "kpis", 0), target=target or None, current=current or None, better=better)
    lines = _kpi_lines(Stage(id="s", name="S", path=("stages", 0), kpis=[kpi]))
    said = _kpi_values(kpi)
    assert 1 <= len(lines) <= 2
    if said:
        assert lines[-1].endswith(f"({said})")


MEASURED_MAP = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: decide
    name: Decide
    kpis:
      - {name: Basket abandonment, target: "55%", current: "50%", better: lower}
      - {name: Time to pay, target: "2d"}
    touchpoints:
      - {id: basket, name: Basket, emotion: -1}
"""


def _measured_snapshot(folder):
    """A snapshot as `measure --format json` writes it, for the map above: abandonment measured
    at 68% (over its lower-is-better target, where the map's own 50% would be on it)."""
    import dataclasses

    from journeymap.measures import KpiValue, snapshot_json
    from tests.measure.test_snapshot import snapshot

    kpis = [KpiValue("decide", "Basket abandonment", "conversion", 0.68, "share", "55%", 0.55, "off-target"),
            KpiValue("decide", "Time to pay", "time", 924.0, "seconds", "2d", 172800.0, "met")]
    path = folder / "m.json"
    path.write_text(snapshot_json(dataclasses.replace(snapshot(), kpis=kpis)), encoding="utf-8")
    return path


def test_a_measured_kpi_is_shown_and_judged_on_the_page_instead_of_the_maps_value(tmp_path):
    (tmp_path / "shop.journey.yaml").write_text(MEASURED_MAP, encoding="utf-8")
    measures = _measured_snapshot(tmp_path)
    out = tmp_path / "shop.html"
    run = run_cli("render", str(tmp_path / "shop.journey.yaml"), "--format", "html", "--measures", str(measures),
                  "--out", str(out))
    assert run.exit_code == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    abandonment = page.split("Basket abandonment", 1)[1].split('class="kpi"', 1)[0]
    assert "<b>68.0%</b> measured" in abandonment and "50% in the map" in abandonment
    assert '<span class="verdict off-target">off target</span>' in abandonment
    assert f'fill="{KPI_FILL["off"]}"' in abandonment
    paying = page.split("Time to pay", 1)[1]
    assert "<b>15.4m</b> measured" in paying and '<span class="verdict on-target">on target</span>' in paying
    # without the snapshot, the map's own value is judged: 50% against 55% or lower is on target
    plain = run_cli("render", str(tmp_path / "shop.journey.yaml"), "--format", "html", "--out", str(out))
    assert plain.exit_code == 0
    alone = out.read_text(encoding="utf-8").split("Basket abandonment", 1)[1].split('class="kpi"', 1)[0]
    assert "measured" not in alone and '<span class="verdict on-target">on target</span>' in alone


@pytest.mark.slow
def test_the_poster_prints_the_measured_kpi(tmp_path):
    from tests.render.helpers import pdf_text

    (tmp_path / "shop.journey.yaml").write_text(MEASURED_MAP, encoding="utf-8")
    out = tmp_path / "shop.pdf"
    run = run_cli("render", str(tmp_path / "shop.journey.yaml"), "--format", "poster", "--measures",
                  str(_measured_snapshot(tmp_path)), "--out", str(out))
    assert run.exit_code == 0, run.stderr
    text = squeezed(pdf_text(out.read_bytes()))
    assert squeezed("68.0% measured · 50% in the map · target 55% or lower · ● off target") in text
    assert squeezed("Time to pay 15.4m measured · target 2d · ● on target") in text
