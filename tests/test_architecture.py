"""The architecture as contracts: the layering in pyproject.toml holds, and covers every module."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "journeymap"
COMMAND_LINE = {"journeymap.cli", "journeymap.commands", "journeymap.__main__"}


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_every_import_layering_contract_is_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"Contracts: {len(contracts())} kept, 0 broken." in done.stdout


def test_the_core_contract_names_every_module_but_the_command_line():
    """A new module left out of the list would be free to import the command line."""
    top_level = {
        f"journeymap.{path.stem if path.is_file() else path.name}"
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    core = next(c for c in contracts() if c["forbidden_modules"] == ["journeymap.cli", "journeymap.commands"])
    assert set(core["source_modules"]) == top_level - COMMAND_LINE  # type: ignore[arg-type]


def test_no_module_reaches_into_another_modules_private_names():
    """The diff, the site and every other module compose the renderers through their public
    names (marks, page extras), never `dot._Builder` or `from x import _y`."""
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "check", "--select", "SLF001,PLC2701", "--preview", "--output-format", "concise", "src", "tests"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]


def test_the_names_that_meant_several_things_mean_one():
    """`Snapshot` was a measure run, a git side and an open editor map; `Rule` and `Problem` a lint
    rule and something else; `portfolio` three modules. Each now names one thing (docs/architecture.md)."""
    import ast
    from collections import defaultdict

    classes: dict[str, list[str]] = defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in ("Snapshot", "Rule", "Problem"):
                classes[node.name].append(str(path.relative_to(PACKAGE)))
    assert {name: where for name, where in classes.items() if len(where) > 1} == {}
    assert [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("portfolio.py")] == ["portfolio.py"]


def test_no_module_imports_itself_round_a_circle():
    """Import circles hide as imports inside functions until one is moved; every import counts here,
    those for type checking too (grimp reads them all)."""
    import grimp

    graph = grimp.build_graph("journeymap", include_external_packages=False)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert circles == []


# What may be imported inside a function (marked for ruff's PLC0415), and why: libraries that take a
# noticeable part of a second to import and that few runs need, the journeymap modules that import
# them at their top, one renderer a format (render.pictures draws one format a run) and a command
# option's own modules (validate --fix, --measures). Everything else is imported at a module's top.
HEAVY_LIBRARIES = ("weasyprint", "duckdb", "pyspark", "watchfiles", "openpyxl", "psycopg", "sqlglot", "jsonschema",
                   "jsonschema_rs", "rich", "pyphen", "multiprocessing", "concurrent.futures",
                   # a few milliseconds every start would pay; only `[tool.journeymap]` configurations use it
                   "tomllib")
WHEN_USED = ("journeymap.render.fetch", "journeymap.render.weasy", "journeymap.render.mermaid",
             "journeymap.render.hierarchy", "journeymap.render.html", "journeymap.render.confine",
             "journeymap.render.poster", "journeymap.render.logo",
             "journeymap.measure.duckdb_engine", "journeymap.measure.spark_engine",
             "journeymap.measure.postgres_engine",
             "journeymap.measures", "journeymap.commands.fix", "journeymap.edit.fixes",
             # lint's side, loaded by the runs that lint or name rules: a picture is drawn without it
             "journeymap.lint.rules", "journeymap.lint.engine", "journeymap.portfolio")


def _allowed(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in (*HEAVY_LIBRARIES, *WHEN_USED))


def test_imports_inside_functions_are_only_the_heavy_ones_and_those_used_by_one_format_or_option():
    """ruff's PLC0415 flags every import inside a function; a noqa comment marks the ones above, and
    this test holds each such import to that list."""
    import ast

    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    modules = [alias.name for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    base = inner.module or ""
                    modules = [base if not base.endswith("render") else f"{base}.{inner.names[0].name}"]
                else:
                    continue
                if not all(_allowed(m) for m in modules):
                    wrong.append(f"{path.relative_to(PACKAGE)}:{inner.lineno}: {lines[inner.lineno - 1].strip()}")
    assert wrong == []


_LOADED_BY_RENDER = """
import sys
sys.argv = ["journeymap", "render", sys.argv[1], "--format", "svg", "--out", sys.argv[2]]
from journeymap.cli import main
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_drawing_a_diagram_loads_no_lint_rules_and_nothing_only_other_commands_need(tmp_path):
    """Start-up is most of what `render --format svg` adds to Graphviz on a small map: a diagram
    is drawn without the lint rules, the progress bar's rich, the measures, the page and poster
    modules and the TOML parser (no configuration names a rule here)."""
    example = ROOT / "examples" / "online-shop.journey.yaml"
    run = subprocess.run([sys.executable, "-c", _LOADED_BY_RENDER, str(example), str(tmp_path / "x.svg")],
                         capture_output=True, text=True, check=True, cwd=tmp_path)
    loaded = set(run.stdout.split())
    assert "journeymap.render.dot" in loaded  # it did draw
    unwanted = {"journeymap.lint.rules", "journeymap.lint.engine", "journeymap.portfolio", "journeymap.measures",
                "journeymap.render.html", "journeymap.render.poster", "journeymap.render.grid",
                "journeymap.render.hierarchy", "journeymap.render.logo", "rich", "tomllib", "html.entities",
                "jsonschema", "weasyprint"}
    assert unwanted & loaded == set()
    assert {m for m in loaded if m.startswith("journeymap.commands.")} == {"journeymap.commands.common",
                                                                           "journeymap.commands.render"}
