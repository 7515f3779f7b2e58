"""Starter maps for `journeymap init`, shipped inside the package."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from journeymap.errors import JourneymapError, OutputError
from journeymap.io.atomic import write_atomic
from journeymap.io.sources import repository_root
from journeymap.schema import SCHEMA_ID, schema_text

_SUFFIX = ".journey.yaml"
_SCHEMA_LINE = "# yaml-language-server: $schema="


class TemplateProblem(JourneymapError):
    pass


def _folder() -> resources.abc.Traversable:
    return resources.files("journeymap").joinpath("starters")


def available() -> dict[str, str]:
    """Template name -> one-line summary (its `# template:` comment)."""
    out = {}
    for entry in sorted(_folder().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(_SUFFIX):
            name = entry.name[: -len(_SUFFIX)]
            out[name] = _summary(entry.read_text(encoding="utf-8"), name)
    return out


def _summary(text: str, name: str) -> str:
    for line in text.splitlines()[:5]:
        if line.startswith("# template:"):
            return line.split(":", 1)[1].strip()
    return "A commented starter map." if name == "starter" else name


def template_text(name: str) -> str:
    names = available()
    if name not in names:
        raise TemplateProblem(f"no template '{name}'; choose one of: {', '.join(names)}")
    return _folder().joinpath(name + _SUFFIX).read_text(encoding="utf-8")


def schema_reference(target: Path) -> str:
    """A relative path to schemas/journeymap.schema.json when the map sits in a repository that has
    one (editors then work offline), else the schema's published id."""
    found = _repository_schema(target)
    return Path(os.path.relpath(found, target.resolve().parent)).as_posix() if found else SCHEMA_ID


def _repository_schema(target: Path) -> Path | None:
    here = target.resolve().parent
    for folder in (here, *here.parents):
        candidate = folder / "schemas" / "journeymap.schema.json"
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            break
    return None


def offline_schema(target: Path) -> Path | None:
    """Make sure the repository holding `target` has schemas/journeymap.schema.json, so the map's
    `$schema` line can be a relative path that editors read offline: write it when missing, at the
    repository's root (or beside the map outside a repository). Returns the file written, if any.
    The published id is a name, not a place editors can fetch the schema from."""

    if _repository_schema(target) is not None:
        return None
    schema = Path(repository_root(str(target.parent))) / "schemas" / "journeymap.schema.json"
    try:
        schema.parent.mkdir(exist_ok=True)
        write_atomic(schema, schema_text(), overwrite=False)
    except (OSError, OutputError) as exc:
        raise TemplateProblem(f"cannot write the schema for editors to {schema}: {exc}") from None
    return schema


def write_new_map(target: Path, name: str = "starter") -> Path | None:
    """Write the template to `target`; never overwrite anything. Its `$schema` line points at the
    repository's copy of the schema, written first when missing (returned then)."""
    text = template_text(name)
    if not target.parent.is_dir():
        raise TemplateProblem(f"{target.parent}: no such folder")
    if target.exists():
        raise TemplateProblem(f"{target} already exists; journeymap init never overwrites a file")
    written = offline_schema(target)
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(_SCHEMA_LINE):
        lines[0] = f"{_SCHEMA_LINE}{schema_reference(target)}\n"
    content = "".join(lines)
    try:
        write_atomic(target, content, overwrite=False)
    except FileExistsError:
        raise TemplateProblem(f"{target} already exists; journeymap init never overwrites a file") from None
    except OutputError as exc:
        if not target.parent.is_dir():
            raise TemplateProblem(f"{target.parent}: no such folder") from None
        raise TemplateProblem(str(exc)) from None
    return written
