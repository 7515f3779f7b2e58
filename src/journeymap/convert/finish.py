"""The last steps every import shares: the map as YAML, checked through the pipeline, written.

An importer builds the map as plain data; this turns it into the text of a
map, proves it valid the way `journeymap validate` would (an importer that
wrote an invalid map would be a bug, never the user's fault), and writes it
atomically, never over an existing file unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from journeymap.config import default_project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, UsageProblem
from journeymap.io.atomic import write_atomic
from journeymap.pipeline import analyse_bytes
from journeymap.schema import SCHEMA_ID
from journeymap.starters import schema_reference


def map_yaml(data: dict[str, Any], schema_ref: str) -> str:
    # the C dumper where libyaml is there: the pure-Python one takes seconds for a map of 500 touchpoints
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"# yaml-language-server: $schema={schema_ref}\n{body}"


@dataclass
class Conversion:
    """An import's result: the map's text (written to `out` when one was given) and what was
    said about the input; `refused` when the input itself is at fault (exit 1)."""

    text: str = ""
    warnings: list[str] = field(default_factory=list)
    stages: int = 0
    touchpoints: int = 0
    refused: str = ""

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.refused else EXIT_OK


def finish(
    data: dict[str, Any], warnings: list[str], out: Path | None, force: bool, source: str = "-"
) -> Conversion:
    """The map's text, checked valid, and written to `out` when given (atomically; an existing
    file only with `force`, and never the `source` it was imported from)."""
    if out is not None and source != "-" and _same_file(out, Path(source)):
        raise UsageProblem(f"{out} is the file being imported; name another --out")

    text = map_yaml(data, schema_reference(out) if out else SCHEMA_ID)
    check = analyse_bytes(text.encode(), str(out or "<import>"), default_project().with_options(lint=False))
    if not check.valid:  # our own output must always be a valid map
        raise RuntimeError(f"imported map is invalid: {check.findings[0].message}")
    stages = data.get("stages", [])
    done = Conversion(text, warnings, len(stages), sum(len(s.get("touchpoints", [])) for s in stages))
    if out is not None:
        try:
            write_atomic(out, text, overwrite=force)
        except FileExistsError:
            raise UsageProblem(f"{out} already exists; pass --force to overwrite it") from None
    return done


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False
