"""Properties of renaming and fixing, over the examples and generated maps.

- Renaming any id of any kind, with `journeymap rename`'s function or the language server's,
  gives a map with exactly the findings it had (the old id replaced by the new in messages), the
  count of references it reports is right, and renaming back gives the original bytes.
- `journeymap fix` changes no byte of a sound map.

Generated maps hold every kind of id and every field that names one (KPI measures, sub-journey
links and `related` included), written in block or flow style, with or without a byte-order mark
and CRLF line ends, with emoji in their text.
"""

from __future__ import annotations

import copy
import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from journeymap.config import default_project
from journeymap.edit.fixes import fixed_text
from journeymap.edit.rename import RenameProblem, rename_edits
from journeymap.edit.spans import Lines, apply
from journeymap.lsp import features
from journeymap.lsp.positions import UTF16, Converter
from journeymap.pipeline import Analysis, analyse_bytes
from journeymap.vocabulary import Kind, occurrences
from tests.conftest import EXAMPLES
from tests.edit.test_own_text import lsp_applied

pytestmark = pytest.mark.slow

TODAY = datetime.date(2026, 12, 1)
PROJECT = default_project().with_options(today=TODAY)
# each example analyses a map several times: shrinking a failure would take minutes, so it is left out
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])
EXAMPLE_TEXTS = {p.name: p.read_bytes() for p in sorted(EXAMPLES.glob("*.journey.yaml"))}

words = st.sampled_from(["Pays", "Browse 🛒", "Late fee 💸", "Waits", "Chat 🧑🏽‍💻", "Map 🗺️", "Ask"])


def slugs(prefix: str) -> st.SearchStrategy[str]:
    return st.from_regex(r"\A[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4})?\Z").map(lambda s: f"{prefix}{s}")


@st.composite
def generated_maps(draw: st.DrawFn) -> bytes:
    """A sound map with ids of every kind and references in every field that names one."""

    def ids(prefix: str, low: int, high: int) -> list[str]:
        return draw(st.lists(slugs(prefix), min_size=low, max_size=high, unique=True))

    def some(pool: list[str]) -> list[str]:
        return draw(st.lists(st.sampled_from(pool), unique=True, max_size=3)) if pool else []

    personas, channels, sources = ids("p", 0, 3), ids("c", 0, 3), ids("s", 0, 2)
    data: dict[str, Any] = {"journeymap": 1, "id": draw(slugs("m")), "title": draw(words), "owner": "team",
                            "last_reviewed": "2026-11-20"}
    if draw(st.booleans()):
        data["related"] = ids("r", 1, 2)
    data["personas"] = [{"id": i, "name": draw(words)} for i in personas]
    data["channels"] = [{"id": i, "name": draw(words), "kind": "digital"} for i in channels]
    data["sources"] = [{"id": i, "kind": "interview"} for i in sources]
    stage_ids = ids("st", 1, 3)
    # a touchpoint may share a stage's id: a KPI measure then names the touchpoint
    touchpoint_ids = draw(st.lists(st.one_of(slugs("t"), st.sampled_from(stage_ids)), min_size=1, max_size=5,
                                   unique=True))
    pain_ids = ids("x", 0, 3)
    stages = [{"id": i, "name": draw(words), "touchpoints": []} for i in stage_ids]
    for index, touchpoint_id in enumerate(touchpoint_ids):
        touchpoint: dict[str, Any] = {"id": touchpoint_id, "name": draw(words), "emotion": draw(st.integers(-2, 2))}
        if channels:
            touchpoint["channel"] = draw(st.sampled_from(channels))
        for key, pool in (("personas", personas), ("evidence", sources)):
            chosen = some(pool)
            if chosen:
                touchpoint[key] = chosen
        if draw(st.booleans()):
            touchpoint["journey"] = draw(slugs("r"))
        stages[index % len(stages)]["touchpoints"].append(touchpoint)
    for index, pain_id in enumerate(pain_ids):
        pain: dict[str, Any] = {"id": pain_id, "description": draw(words), "severity": "high"}
        if sources:
            pain["evidence"] = some(sources)
        touchpoint = stages[index % len(stages)]["touchpoints"][0] if stages[index % len(stages)]["touchpoints"] \
            else stages[0]["touchpoints"][0]
        touchpoint.setdefault("pain_points", []).append(pain)
    steps = [*touchpoint_ids, *stage_ids]
    for stage in stages:
        if draw(st.booleans()):
            stage["journey"] = draw(slugs("r"))
        measures = [
            {"reach": draw(st.sampled_from(steps))},
            {"conversion": {"from": draw(st.sampled_from(steps)), "to": draw(st.sampled_from(steps))}},
            {"median_time": {"from": draw(st.sampled_from(steps)), "to": draw(st.sampled_from(steps))}},
            {"return_share": {"touchpoint": draw(st.sampled_from(touchpoint_ids))}},
            {"survey_score": draw(st.sampled_from(touchpoint_ids))},
        ]
        chosen = draw(st.lists(st.sampled_from(measures), max_size=2))
        # copies: one dict written twice would be dumped as a YAML alias, which no rename edits by position
        stage["kpis"] = [{"name": f"KPI {n} {draw(words)}", "measure": copy.deepcopy(m)} for n, m in enumerate(chosen)]
    data["stages"] = stages
    live = [p for s in stages for t in s["touchpoints"] for p in t.get("pain_points", [])]
    data["opportunities"] = [
        {"id": i, "description": draw(words), "addresses": some([p["id"] for p in live])} for i in ids("o", 0, 2)
    ]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000,
                          default_flow_style=draw(st.sampled_from([False, None])))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


def sound(raw: bytes) -> Analysis:
    analysis = analyse_bytes(raw, "gen.journey.yaml", PROJECT)
    assume(analysis.valid)  # the generator aims at sound maps; this guards what it misses
    return analysis


maps = st.one_of(st.sampled_from(sorted(EXAMPLE_TEXTS.values())), generated_maps())


def said(analysis: Analysis, old: str = "", new: str = "") -> list[tuple[str, int, str]]:
    """The findings as a user reads them; with `old`, the id `old` read as `new` in messages."""
    word = re.compile(rf"(?<![a-z0-9-]){re.escape(old)}(?![a-z0-9-])") if old else None
    out = []
    for f in analysis.findings:
        message = word.sub(new, f.message) if word else f.message
        out.append((f.rule_id, f.line, message))
    return sorted(out)


def own_text(raw: bytes) -> str:
    return raw.decode("utf-8")


def renamed(raw: bytes, old: str, new: str, kind: Kind) -> tuple[bytes, int]:
    analysis = analyse_bytes(raw, "gen.journey.yaml", PROJECT)
    assert analysis.document is not None
    shared = analysis.journey.shared_ids() if analysis.journey else None
    renaming = rename_edits(analysis.document, old, new, kind, shared, own_text(raw))
    return apply(renaming.text, list(renaming.edits)).encode("utf-8"), renaming.references


def fresh_id(raw: bytes, draw: st.DataObject) -> str:
    new = draw.draw(slugs("new-"))
    assume(new.encode() not in raw)
    return new


def pick(analysis: Analysis, draw: st.DataObject) -> tuple[Kind, str]:
    assert analysis.document is not None
    found = occurrences(analysis.document.data)
    defined = [o for o in found if o.definition]
    chosen = draw.draw(st.sampled_from(defined))
    # an id two entities of one kind share is refused (which is which?); the generator never makes one
    assume(sum(1 for o in defined if o.kind is chosen.kind and o.id == chosen.id) == 1)
    return chosen.kind, chosen.id


@SETTINGS
@given(maps, st.data())
def test_renaming_any_id_keeps_every_finding_and_renaming_back_gives_the_same_bytes(raw: bytes, draw: st.DataObject):
    before = sound(raw)
    kind, old = pick(before, draw)
    new = fresh_id(raw, draw)
    after_raw, count = renamed(raw, old, new, kind)
    after = analyse_bytes(after_raw, "gen.journey.yaml", PROJECT)
    assert after.state == before.state
    shared = [o for o in occurrences(before.document.data) if o.definition and o.id == old]  # type: ignore[union-attr]
    if len(shared) == 1:
        assert said(after) == said(before, old, new)
    else:  # a stage and a touchpoint share the id: messages may name either, so only rule and line are compared
        assert [f[:2] for f in said(after)] == [f[:2] for f in said(before)]
    assert after_raw.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    assert after_raw.count(b"\r\n") == raw.count(b"\r\n")
    # the reported count: the values that changed, every one from the old id to the new, less the id itself
    changed = list(_changed(before.document.data, after.document.data))  # type: ignore[union-attr]
    assert set(changed) == {(old, new)} and count == len(changed) - 1
    back, back_count = renamed(after_raw, new, old, kind)
    assert back == raw and back_count == count


def _changed(before: Any, after: Any) -> Any:
    """The (before, after) pairs of the scalars that differ, in two data of the same shape."""
    if isinstance(before, dict):
        assert isinstance(after, dict) and list(before) == list(after)
        for key in before:
            yield from _changed(before[key], after[key])
    elif isinstance(before, list):
        assert isinstance(after, list) and len(before) == len(after)
        for was, now in zip(before, after, strict=True):
            yield from _changed(was, now)
    elif before != after:
        yield before, after


@SETTINGS
@given(maps, st.data())
def test_the_language_servers_rename_from_any_occurrence_is_the_commands(raw: bytes, draw: st.DataObject):
    analysis = sound(raw)
    kind, old = pick(analysis, draw)
    new = fresh_id(raw, draw)
    text = own_text(raw)
    lines = Lines(text)
    snap = features.MapVersion("file:///gen.journey.yaml", text, 1, analysis, analysis.document, lines,
                             Converter(lines, UTF16))
    assert analysis.document is not None
    spots = [o for o in occurrences(analysis.document.data) if o.kind is kind and o.id == old]
    spot = draw.draw(st.sampled_from(spots))
    line, column = analysis.document.positions[spot.path]
    offset = lines.offset(line, column) + draw.draw(st.integers(0, len(old)))
    edit = features.rename(snap, offset, new)
    expected, _ = renamed(raw, old, new, kind)
    assert lsp_applied(text, edit["changes"]["file:///gen.journey.yaml"]).encode("utf-8") == expected


@SETTINGS
@given(maps)
def test_fix_changes_no_byte_of_a_sound_map(raw: bytes):
    sound(raw)
    fixed = fixed_text(raw, "gen.journey.yaml", PROJECT)
    assert fixed.applied == []
    assert fixed.after.encode("utf-8") == raw


@pytest.mark.parametrize("name", sorted(EXAMPLE_TEXTS))
def test_every_id_of_every_example_renames_and_renames_back(name: str, tmp_path: Path):
    raw = EXAMPLE_TEXTS[name]
    before = analyse_bytes(raw, name, PROJECT)
    assert before.document is not None
    for o in occurrences(before.document.data):
        if not o.definition:
            continue
        try:
            after_raw, _ = renamed(raw, o.id, "zz-renamed", o.kind)
        except RenameProblem as exc:
            pytest.fail(f"{o.kind.name} {o.id}: {exc}")
        after = analyse_bytes(after_raw, name, PROJECT)
        assert said(after) == said(before, o.id, "zz-renamed"), f"{o.kind.name} {o.id}"
        assert renamed(after_raw, "zz-renamed", o.id, o.kind)[0] == raw
