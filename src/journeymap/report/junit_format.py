"""JUnit XML for GitLab and Jenkins: one test case a file, a failure per error finding (new ones only,
with a baseline)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from journeymap.findings import Finding, Severity
from journeymap.report import NO_CONTEXT, ReportContext
from journeymap.strings import C0, NON_XML, characters

if TYPE_CHECKING:
    from journeymap.analysis import Analysis

# XML 1.0 cannot carry most control characters, even escaped
_NOT_XML = characters(C0, NON_XML)


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def report(results: Sequence[Analysis], *, color: bool = False, context: ReportContext = NO_CONTEXT) -> str:
    results = context.shown(results)  # with a baseline, what it holds back fails no test case
    failures = sum(1 for r in results if r.count(Severity.ERROR) or r.problem)
    suites = ET.Element("testsuites", name="journeymap", tests=str(len(results)), failures=str(failures))
    suite = ET.SubElement(
        suites, "testsuite", name="journeymap validate", tests=str(len(results)), failures=str(failures)
    )
    for result in results:
        case = ET.SubElement(suite, "testcase", classname="journeymap", name=xml_text(result.path))
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if result.problem:
            ET.SubElement(case, "error", message=xml_text(result.problem), type="unreadable")
        elif errors:
            first = errors[0]
            failure = ET.SubElement(
                case, "failure", message=xml_text(f"{len(errors)} error(s); first: {first.message}"), type=first.rule_id
            )
            failure.text = xml_text("\n".join(_line(f) for f in result.findings))
        elif result.findings:
            out = ET.SubElement(case, "system-out")
            out.text = xml_text("\n".join(_line(f) for f in result.findings))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _line(f: Finding) -> str:
    return f.as_line(ascii_signs=True)  # read by CI servers: the message as JSON and SARIF have it
