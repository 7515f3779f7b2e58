"""No map, file name or log can make journeymap print a GitHub workflow command.

CI runs journeymap on strangers' pull requests, and the runner reads a line starting with `::`
(after whitespace) or holding `##[` as a command: `::add-mask::`, `::error::`, `##[error]`.
Everything printed goes through `strings.inert`; these tests feed hostile text to every command
that prints and read what came out."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeymap.strings import inert

COMMAND_LINE = re.compile(r"^[ \t\f\v]*::", re.MULTILINE)


def commands_in(text: str) -> list[str]:
    return [*COMMAND_LINE.findall(text), *re.findall(r"##\[", text)]


@given(st.text(alphabet=st.sampled_from([":", "#", "[", " ", "\t", "\n", "a", "%", "\u2060"]), max_size=40))
def test_no_command_survives_in_any_text(text):
    assert commands_in(inert(text)) == []


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=":#[]\\\"\n a\u2060", max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(":#[a", max_size=5), inner, max_size=4),
    max_leaves=12,
))
def test_json_stays_the_same_data(value):
    for indent in (None, 2):
        text = json.dumps(value, indent=indent, ensure_ascii=False)
        made = inert(text)
        assert json.loads(made) == value
        assert commands_in(made) == []


def test_markup_uses_character_references_and_text_an_invisible_joiner():
    assert inert("<p>\n::add-mask::x ##[error]y</p>") == "<p>\n&#58;:add-mask::x &#35;#[error]y</p>"
    assert inert("  ::add-mask::2026\nx ##[error]y") == "  :\u2060:add-mask::2026\nx ##\u2060[error]y"
    assert inert("std::vector and # headings") == "std::vector and # headings"  # nothing to break: same


HOSTILE_MAP = """\
journeymap: 1
id: hostile
title: "Checkout ##[error]forged"
description: |
  Notes from the workshop
  ::add-mask::2026
  ::error file=x::forged
stages:
  - id: only
    name: "::warning::stage"
    touchpoints:
      - id: visit
        name: "Visits ##[group]the site"
        channel: webb
        thoughts: ["::add-mask::secret"]
channels:
  - id: web
    name: Web
    kind: digital
"""

NAME = "##[error]forged.journey.yaml"


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / NAME
    path.write_text(HOSTILE_MAP, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_validate_prints_no_command_of_the_map(cli, hostile, fmt):
    run = cli("validate", str(hostile), "--format", fmt)
    assert run.exit_code == 1  # the channel reference is broken: the finding is still reported
    out = run.stdout
    if fmt == "github":
        # the annotations themselves are commands, on purpose; nothing of the map starts another
        assert all(line.startswith("::error ") or line.startswith("::warning ") or line.startswith("::notice ")
                   for line in out.splitlines())
        assert "##[" not in out
    else:
        assert commands_in(out) == []
    assert commands_in(run.stderr) == []
    if fmt == "json":
        data = json.loads(out)
        assert "##[error]forged" in json.dumps(data, ensure_ascii=False)  # the same text, escaped only


def test_fix_diff_and_show_print_no_command(cli, hostile, tmp_path):
    fixed = cli("fix", str(hostile), "--diff")
    assert "+        channel: web" in fixed.stdout  # the did-you-mean fix is shown
    assert commands_in(fixed.stdout + fixed.stderr) == []
    shown = cli("show", str(hostile))
    assert commands_in(shown.stdout + shown.stderr) == []


def test_diff_prints_no_command(cli, hostile, tmp_path):
    old = tmp_path / "old.journey.yaml"
    old.write_text(HOSTILE_MAP.replace("Checkout ##[error]forged", "Checkout"), encoding="utf-8")
    for fmt in ("text", "json", "markdown"):
        run = cli("diff", str(old), str(hostile), "--format", fmt)
        assert "forged" in run.stdout
        assert commands_in(run.stdout + run.stderr) == [], fmt


def test_mermaid_import_prints_no_command(cli, tmp_path):
    source = tmp_path / "j.mmd"
    source.write_text("journey\n  title ::add-mask::x\n  section ##[error]y\n    ::error::z: 3: Me\n", encoding="utf-8")
    run = cli("import", "mermaid", str(source))
    assert run.exit_code == 0, run.stderr
    assert "add-mask" in run.stdout
    assert commands_in(run.stdout + run.stderr) == []


def test_measure_prints_no_command_of_the_event_log(cli, tmp_path, monkeypatch):
    """Event names reach measure's list of unmapped events: a log from a pull request must not
    be able to mask a word in the CI log or forge an annotation."""
    (tmp_path / ".git").mkdir()  # the repository measure reads inside
    (tmp_path / "events.csv").write_text(
        "user_id,event,time\n"
        "u1,view,2026-01-01T10:00:00\n"
        "u1,::add-mask::2026,2026-01-01T10:01:00\n"
        "u2,x ##[error]forged,2026-01-01T10:02:00\n"
        "u2,view,2026-01-01T10:03:00\n",
        encoding="utf-8",
    )
    (tmp_path / "m.journey.yaml").write_text(
        "journeymap: 1\nid: m\ntitle: Shop\n"
        "data:\n  events:\n    path: events.csv\n    columns: {user: user_id, event: event, time: time}\n"
        "stages:\n  - id: s\n    name: S\n    touchpoints:\n      - {id: t, name: T, signals: [view]}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "markdown", "json", "html"):
        run = cli("measure", "m.journey.yaml", "--format", fmt)
        assert run.exit_code == 0, run.stderr
        assert "mask" in run.stdout and "forged" in run.stdout  # still shown, as text (Markdown escapes the -)
        assert commands_in(run.stdout + run.stderr) == [], fmt
        if fmt == "json":
            assert "x ##[error]forged" in json.dumps(json.loads(run.stdout), ensure_ascii=False)
