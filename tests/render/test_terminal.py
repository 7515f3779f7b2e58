"""`journeymap show`: a terminal preview that fits its width, is plain text off a terminal, and
prints hostile map text as written, never as markup or escape sequences."""

from __future__ import annotations

from journeymap.render.terminal import sparkline, terminal_preview
from tests.conftest import EXAMPLES, FIXTURES, journey_from_text

SHOP = EXAMPLES / "online-shop.journey.yaml"

HOSTILE = """\
journeymap: 1
id: hostile
title: "[bold red]Pwned[/bold red] [link=https://evil.example]click[/link]"
stages:
  - id: a
    name: "[blink]Stage[/blink]"
    touchpoints:
      - {id: t, name: "Name \\u202eeslaf\\u202c [/] :smile:", emotion: -2}
"""


def test_show_fits_80_columns_and_wraps_stages_to_rows(cli):
    run = cli("show", str(SHOP))
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "\x1b" not in run.stdout  # not a terminal: plain text
    # eight stages, three a row at 80 columns: three tables, each opened by an ASCII border
    assert sum(1 for line in lines if line.startswith("+---")) == 6
    assert "| Discover [awareness]" in run.stdout and "Refer a friend [advocacy]" in run.stdout


def test_show_marks_emotions_pain_points_and_counts(cli):
    run = cli("show", str(SHOP))
    out = run.stdout
    assert "|  + Sees a styled kitchen" in out  # emotion +1
    assert "++ Unboxes the order" in out  # +2
    assert "!1" in out  # a touchpoint with one pain point
    assert "Emotion  ▆▆▆▂▄▆▂▆▂▄█▆▆▆█▆▂" in out
    assert "Pain points: 5, 5 open (1 critical, 2 high, 2 medium) · Opportunities: 6 (1" in out


def test_a_narrow_width_gives_one_or_two_stages_a_row(cli):
    run = cli("show", str(SHOP), "--width", "50")
    assert max(len(line) for line in run.stdout.splitlines()) <= 50
    assert sum(1 for line in run.stdout.splitlines() if line.startswith("+---")) == 8  # 4 rows of 2


def test_hostile_text_is_printed_as_written():
    journey = journey_from_text(HOSTILE)
    for color in (False, True):
        out = terminal_preview(journey, 80, color=color)
        assert "[bold red]Pwned[/bold red]" in out and "[link=https://evil.example]click[/link]" in out
        assert "[blink]Stage[/blink]" in out
        assert "\u202e" not in out and "Name eslaf" in out  # no text-direction override
        assert ":smile:" in out  # no emoji codes either
        assert "\x1b]8;" not in out  # no hyperlink escape made from the text
    assert "\x1b" not in terminal_preview(journey, 80, color=False)
    assert "\x1b[" in terminal_preview(journey, 80, color=True)  # colour on a terminal


def test_sparkline_leaves_a_gap_where_no_emotion_is_given():
    journey = journey_from_text(
        "journeymap: 1\ntitle: T\nstages:\n  - id: a\n    name: A\n    touchpoints:\n"
        "      - {id: t1, name: T1, emotion: -2}\n      - {id: t2, name: T2}\n      - {id: t3, name: T3, emotion: 2}\n"
    )
    assert sparkline(journey) == "▁ █"


def test_show_refuses_a_broken_map_with_its_findings(cli, write_map):
    broken = write_map("journeymap: 1\ntitle: T\nstages:\n  - {id: a, name: A, phase: nowhere}\n")
    run = cli("show", str(broken))
    assert run.exit_code == 1
    assert f"{broken}:4:" in run.stderr and "not a valid map" in run.stderr
    assert cli("show", "missing.journey.yaml").exit_code == 2


def test_show_on_the_hostile_corpus_never_crashes_or_leaks_escapes(cli):
    from rich.cells import cell_len

    from tests.hostile.corpus import CORPUS, MAPS

    for name, (code, _) in MAPS.items():
        run = cli("show", str(CORPUS / f"{name}.journey.yaml"))
        assert run.exit_code == code, (name, run.stderr)
        assert "Traceback" not in run.stderr and "internal error" not in run.stderr, name
        assert "\x1b" not in run.stdout, name
        if code == 0:
            assert max(cell_len(line) for line in run.stdout.splitlines()) <= 80, name  # emoji are two wide
        else:
            assert "not a valid map" in run.stderr, name


def test_show_names_sub_journeys(cli):
    run = cli("show", str(FIXTURES / "portfolio" / "folder" / "delivery.journey.yaml"))
    assert "| Waits -> returns" in run.stdout
    assert "- Tracks the van !1 -> order" in run.stdout
