"""GitHub Actions workflow commands, so findings show as annotations on the pull request.

Map text reaches these lines, and GitHub treats any stdout line starting with
`::` as a command; data and properties are escaped as the runner expects
(`%`, CR and LF in data; also `:` and `,` in properties), so a message can
never end its own line and start another command.

With a baseline, only new findings are annotated; one notice says how many the baseline held
back, and each of its entries that is fixed is a notice on the map it was in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from journeymap.findings import Severity
from journeymap.report import NO_CONTEXT, ReportContext
from journeymap.report.text_format import held_back
from journeymap.strings import inert

if TYPE_CHECKING:
    from journeymap.analysis import Analysis

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    # after the runner's own escapes no line break is left, and `inert` breaks a `##[` inside
    return inert(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report(results: Sequence[Analysis], *, color: bool = False, context: ReportContext = NO_CONTEXT) -> str:
    lines = []
    for result in context.shown(results):
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
    outcome = context.baseline
    if outcome is not None:
        for stale in outcome.stale:
            where = f" at {stale.key.node}" if stale.key.node else ""
            times = f" ({stale.count} of them)" if stale.count > 1 else ""
            title = escape_property(f"{stale.key.rule} fixed since the baseline")
            text = f"{stale.key.rule} {stale.rule_name}{where} is fixed{times}; write the baseline again to drop it"
            lines.append(f"::notice file={escape_property(stale.path)},title={title}::{escape_data(text)}")
        lines.append(f"::notice title=journeymap baseline::{escape_data(held_back(outcome, results))}")
    return "".join(line + "\n" for line in lines)
