"""The architecture as contracts: the layering in pyproject.toml holds, and covers every module."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

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
