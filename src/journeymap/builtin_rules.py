"""The built-in checks that run before lint: reading, YAML, schema and references.

They have ids like lint rules so that every finding can be looked up with
`journeymap rules ID`, filtered in CI and shown with help text in SARIF.
"""

from __future__ import annotations

from journeymap.findings import RuleInfo, Severity

YAML_SYNTAX = RuleInfo(
    id="JM001",
    name="yaml-syntax",
    severity=Severity.ERROR,
    summary="The file is not well-formed YAML.",
    rationale="Nothing else can be checked until the file parses.",
    fix="Fix the YAML at the line and column shown; indent with spaces, never tabs.",
)
DUPLICATE_KEY = RuleInfo(
    id="JM002",
    name="duplicate-key",
    severity=Severity.ERROR,
    summary="A mapping names the same key twice.",
    rationale="YAML parsers silently keep the last value, so the first one is lost without a word.",
    fix="Remove one of the two keys, or merge their values.",
)
FORBIDDEN_TAG = RuleInfo(
    id="JM003",
    name="forbidden-tag",
    severity=Severity.ERROR,
    summary="A YAML tag asks for something other than plain data.",
    rationale="Tags such as !!python/object can run code in some loaders; a map is plain data.",
    fix="Remove the tag; write the value as plain text, a number, a list or a mapping.",
)
YAML_LIMITS = RuleInfo(
    id="JM004",
    name="yaml-limits",
    severity=Severity.ERROR,
    summary="The file is too large, too deeply nested or expands too far through aliases.",
    rationale="Such files are attacks or accidents; reading them would hang or crash CI.",
    fix="Write the values out instead of nesting aliases; keep maps under the size limit.",
)
NOT_A_MAP = RuleInfo(
    id="JM005",
    name="not-a-journey-map",
    severity=Severity.ERROR,
    summary="The file is empty, binary, holds several documents or is not a mapping.",
    rationale="A journey map is exactly one YAML document whose top level is a mapping.",
    fix="Start from `journeymap init FILE`; keep one map a file.",
)
ENCODING = RuleInfo(
    id="JM006",
    name="encoding",
    severity=Severity.ERROR,
    summary="The file is not valid UTF-8.",
    rationale="Maps are shared across tools and machines; UTF-8 is the one encoding all of them read.",
    fix="Re-save the file as UTF-8 (most editors: 'Save with encoding').",
)
SCHEMA = RuleInfo(
    id="JM010",
    name="schema",
    severity=Severity.ERROR,
    summary="A value does not fit the journey map format.",
    rationale="Every tool that reads maps relies on the format in schemas/journeymap.schema.json.",
    fix="Change the value as the message says; `journeymap schema` prints the whole format.",
)
DUPLICATE_ID = RuleInfo(
    id="JM020",
    name="duplicate-id",
    severity=Severity.ERROR,
    summary="Two things of the same kind share an id.",
    rationale="References, diffs and renders find things by id; a shared id makes them ambiguous.",
    fix="Give one of them a new id and update the references to it.",
)
UNKNOWN_REFERENCE = RuleInfo(
    id="JM021",
    name="unknown-reference",
    severity=Severity.ERROR,
    summary="A reference names an id that the map does not define.",
    rationale="A broken reference silently drops a channel, persona, source or pain point.",
    fix="Use the id shown in the hint, or define the missing item.",
)
LIBRARY_USE = RuleInfo(
    id="JM022",
    name="library-use",
    severity=Severity.ERROR,
    summary="A `use:` entry names a library that cannot be used.",
    rationale="The map takes personas, channels, sources and opportunities from its libraries; a missing, "
    "broken, circular or out-of-repository library silently drops them, or would read files the map has no "
    "business reading.",
    fix="Name a *.library.yaml file inside the repository, relative to the map's folder; fix the library at the "
    "position the message gives; break the cycle of libraries that use each other.",
)
LIBRARY_CONFLICT = RuleInfo(
    id="JM023",
    name="library-conflict",
    severity=Severity.ERROR,
    summary="The map and a library, or two libraries, define the same id differently.",
    rationale="An id must mean one thing; with two definitions, which persona or channel a touchpoint names "
    "would depend on the order of `use:` entries.",
    fix="Remove the map's own definition and use the library's, or give one of them a new id.",
)

CORE_RULES: tuple[RuleInfo, ...] = (
    YAML_SYNTAX,
    DUPLICATE_KEY,
    FORBIDDEN_TAG,
    YAML_LIMITS,
    NOT_A_MAP,
    ENCODING,
    SCHEMA,
    DUPLICATE_ID,
    UNKNOWN_REFERENCE,
    LIBRARY_USE,
    LIBRARY_CONFLICT,
)
