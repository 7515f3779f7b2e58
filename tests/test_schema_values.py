"""The map format's value lists and limits have one owner: the schema, through
journeymap.schema_values; every other list of choices has one owner module.

A user who reads a phase, a severity or a limit in the schema (their editor shows it) meets the
same list in `--help`, in the rules' messages, in every picture and in the Mermaid import. These
tests fail when a copy drifts: the generated module against the schema, each command's fixed
choices against the module that owns them, and any source file that spells a schema list out
by hand.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from journeymap import convert, report, schema_values, vocabulary
from journeymap.cli import app
from journeymap.convert.mermaid_in import BadText, import_mermaid
from journeymap.diff import present as diff_present
from journeymap.diff import run as diff_run
from journeymap.diff import visual
from journeymap.measure import present as measure_present
from journeymap.measure import spec
from journeymap.render import FORMATS, PAGE_SIZES_MM, palette, terminal
from journeymap.schema import schema
from journeymap.site import heatmap, pages
from journeymap.strings import slug

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "src" / "journeymap").rglob("*.py")), *sorted((ROOT / "bench").rglob("*.py"))]

# (command, option) -> the owner's list its choices must equal
OWNERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("validate", "output_format"): tuple(report.FORMATS),
    ("render", "output_format"): tuple(FORMATS),
    ("render", "page"): tuple(PAGE_SIZES_MM),
    ("diff", "output_format"): (*diff_present.FORMATS, *visual.FORMATS),
    ("diff", "fail_on"): diff_run.FAIL_ON,
    ("measure", "output_format"): measure_present.FORMATS,
    ("measure", "every"): tuple(spec.EVERY),
    ("measure", "engine"): schema_values.ENGINES,
    ("measure", "order"): schema_values.FUNNEL_ORDERS,
    ("export", "output_format"): convert.EXPORT_FORMATS,
    # the command line writes the kinds of ids as one word each
    ("rename", "kind"): tuple(kind.option for kind in vocabulary.KINDS),
}
# lists that still keep a copy of their own, each held equal to its schema list here
# (measure's own modules: `spec.FORMATS` is the event and survey formats)
COPIES = {"src/journeymap/measure/spec.py": (lambda: spec.FORMATS, "DATA_FORMATS")}
SCHEMA_LISTS = {name: value for name, value in vars(schema_values).items()
                if name.isupper() and isinstance(value, tuple)}


def fixed_choices() -> Iterator[tuple[str, str, list[str]]]:
    group = typer.main.get_command(app)
    context = typer.Context(group)
    for name in group.list_commands(context):  # type: ignore[attr-defined]
        command = group.get_command(context, name)  # type: ignore[attr-defined]
        for param in command.params:
            if hasattr(param.type, "choices"):
                yield name, param.name, [str(choice) for choice in param.type.choices]


def test_the_generated_module_is_in_step_with_the_schema() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "schema_values.py"), "--check"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_the_schemas_folder_holds_the_packaged_schema() -> None:
    packaged = ROOT / "src" / "journeymap" / "data" / "journeymap.schema.json"
    assert (ROOT / "schemas" / "journeymap.schema.json").read_bytes() == packaged.read_bytes()


def test_the_value_lists_are_the_schemas_enums_in_its_order() -> None:
    loaded = schema()
    defs = loaded["$defs"]
    assert tuple(defs["stage"]["properties"]["phase"]["enum"]) == schema_values.PHASES
    assert tuple(defs["pain_point"]["properties"]["severity"]["enum"]) == schema_values.SEVERITIES
    assert tuple(defs["opportunity"]["properties"]["status"]["enum"]) == schema_values.STATUSES
    assert tuple(defs["channel"]["properties"]["kind"]["enum"]) == schema_values.CHANNEL_KINDS
    assert defs["touchpoint"]["properties"]["emotion"]["minimum"] == schema_values.EMOTION_MIN
    assert defs["touchpoint"]["properties"]["emotion"]["maximum"] == schema_values.EMOTION_MAX
    assert defs["stage"]["properties"]["name"]["maxLength"] == schema_values.NAME_MAX
    assert loaded["properties"]["title"]["maxLength"] == schema_values.TITLE_MAX


def test_every_enum_of_the_schema_has_its_constant() -> None:
    """A value list added to the schema shows up here until the module names it."""

    def enums(node: object) -> Iterator[tuple[str, ...]]:
        if isinstance(node, dict):
            if "enum" in node:
                yield tuple(node["enum"])
            for value in node.values():
                yield from enums(value)
        elif isinstance(node, list):
            for value in node:
                yield from enums(value)

    missing = {values for values in enums(schema()) if values not in SCHEMA_LISTS.values()}
    assert missing == set()


@pytest.mark.parametrize(("command", "option", "choices"), list(fixed_choices()),
                         ids=[f"{c}-{o}" for c, o, _ in fixed_choices()])
def test_every_fixed_choice_of_a_command_is_its_owners_list(command: str, option: str, choices: list[str]) -> None:
    assert (command, option) in OWNERS, (
        f"`journeymap {command}` offers fixed choices for {option}; name the module that owns them in OWNERS")
    assert choices == list(OWNERS[command, option])


def test_the_owners_table_names_only_options_that_exist() -> None:
    assert set(OWNERS) == {(command, option) for command, option, _ in fixed_choices()}


def test_the_pictures_have_a_look_for_every_value_of_the_format() -> None:
    emotions = set(range(schema_values.EMOTION_MIN, schema_values.EMOTION_MAX + 1))
    assert set(palette.SEVERITY) == set(schema_values.SEVERITIES)
    assert set(palette.STATUS) == set(schema_values.STATUSES)
    assert set(palette.EMOTION) == emotions
    assert set(terminal.MARKS) == set(terminal.SPARKS) == emotions
    assert tuple(reversed(schema_values.SEVERITIES)) == pages.SEVERITY_ORDER
    # the heatmap page: a colour for every severity and emotion, and its filter ranks every severity
    for severity in schema_values.SEVERITIES:
        assert f".h-{severity}{{" in heatmap.CSS
    for emotion in emotions:
        assert f".e{emotion}{{" in heatmap.CSS
    ranks = re.search(r"var ranks=(\{.*?\});", heatmap.SCRIPT)
    assert ranks is not None and list(json.loads(ranks.group(1))) == list(schema_values.SEVERITIES)


def literals_spelling_a_schema_list(source: str) -> Iterator[str]:
    """Tuple, list and set literals in `source` with three or more values of one schema list: a copy.
    (Two, such as the severe severities, are a choice among the values, not a copy of the list.)"""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            strings = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            for name, values in SCHEMA_LISTS.items():
                if len(values) >= 3 and len(strings & set(values)) >= 3:
                    yield f"line {node.lineno} spells out {name}; import it from journeymap.schema_values"


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name != "schema_values.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_spells_out_a_schema_list(path: Path) -> None:
    found = list(literals_spelling_a_schema_list(path.read_text(encoding="utf-8")))
    copy = COPIES.get(str(path.relative_to(ROOT)))
    if copy is not None:
        value, name = copy
        assert tuple(value()) == SCHEMA_LISTS[name]
        found = [f for f in found if not f.endswith(f"spells out {name}; import it from journeymap.schema_values")]
    assert found == []


def test_the_copy_finder_finds_a_copy_and_leaves_a_choice_alone() -> None:
    source = f"KINDS = {json.dumps(list(schema_values.CHANNEL_KINDS))}\nSEVERE = ('high', 'critical')\n"
    assert list(literals_spelling_a_schema_list(source)) == [
        "line 1 spells out CHANNEL_KINDS; import it from journeymap.schema_values"]


@given(st.text(max_size=3 * schema_values.ID_MAX))
def test_an_id_made_from_any_name_is_one_the_schema_accepts(name: str) -> None:
    made = slug(name)
    assert made == "" or (re.fullmatch(schema_values.ID_PATTERN, made) and len(made) <= schema_values.ID_MAX)


@pytest.mark.parametrize("what", ["title", "section", "task"])
def test_the_mermaid_import_allows_a_name_exactly_as_long_as_the_schema_does(what: str) -> None:
    def diagram(length: int) -> str:
        name = "n" * length
        title, section, task = (name if what == w else "x" for w in ("title", "section", "task"))
        return f"journey\ntitle {title}\nsection {section}\n  {task}: 3: Me\n"

    limit = schema_values.TITLE_MAX if what == "title" else schema_values.NAME_MAX
    imported = import_mermaid(diagram(limit))
    assert Draft202012Validator(schema()).is_valid(imported.data)
    with pytest.raises(BadText, match=f"a map allows {limit}: shorten it"):
        import_mermaid(diagram(limit + 1))
