"""GitHub Actions workflow commands, so findings show as annotations on the pull request.

Map text reaches these lines, and GitHub treats any stdout line starting with
`::` as a command; data and properties are escaped as the runner expects
(`%`, CR and LF in data; also `:` and `,` in properties), so a message can
never end its own line and start another command.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from journeymap.findings import Severity
from journeymap.strings import inert

if TYPE_CHECKING:
    from journeymap.analysis import Analysis

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    # after the runner's own escapes no line break is left, and `inert` breaks a `##[` inside
    return inert(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report(results: Sequence[Analysis], *, color: bool = False) -> str:
    lines = []
    for result in results:
        for f in result.findings:
            props = ",".join(
                [
                    f"file={escape_property(f.path)}",
                    f"line={f.line}",
                    f"col={f.column}",
                    f"title={escape_property(f'{f.rule_id} {f.rule_name}')}",
                ]
            )
            lines.append(f"::{_LEVEL[f.severity]} {props}::{escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)
