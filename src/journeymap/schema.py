"""The packaged JSON schema, and schema errors turned into findings people can act on.

Valid maps take the fast road: a compiled jsonschema-rs validator answers
`is_valid` in a fraction of a millisecond. Only a map that fails it pays for the
pure-Python jsonschema validator (imported then, not at start-up), whose error
objects say which keyword failed and with what, so each error can be put in
words at the line and column of the offending node. Messages never embed
`str(error)`: it holds a repr of the whole instance, which is unbounded.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeymap import builtin_rules
from journeymap.findings import Finding
from journeymap.load import Document, Path_
from journeymap.schema_values import ID_PATTERN
from journeymap.strings import one_line as _one_line
from journeymap.strings import short as _short
from journeymap.strings import slug

if TYPE_CHECKING:
    from jsonschema import ValidationError

SCHEMA_ID = "https://journeymap.dev/schemas/journeymap.schema.json"
_TEXT_PATTERN_HINT = "contains a control character (such as a NUL or escape); remove it"
_ID_PATTERN = ID_PATTERN


def schema_text() -> str:
    # read beside this module: journeymap is installed as files, and importlib.resources' readers
    # would add their imports to the start of every command
    return (Path(__file__).parent / "data" / "journeymap.schema.json").read_text(encoding="utf-8")


@functools.cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@functools.cache
def _fast_validator() -> Any:
    import jsonschema_rs  # noqa: PLC0415

    return jsonschema_rs.validator_for(schema(), validate_formats=True)


@functools.cache
def _full_validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker  # noqa: PLC0415

    return Draft202012Validator(schema(), format_checker=FormatChecker())


def node_at(path: Path_) -> dict[str, Any]:
    """The schema of the value at `path` (its `$ref`s followed), or {} where the format says
    nothing; editors take a field's description and allowed values from it."""
    node = _resolved(schema())
    for part in path:
        if isinstance(part, int):
            node = _resolved(node.get("items", {}))
        else:
            node = _resolved(node.get("properties", {}).get(part, {}))
        if not node:
            return {}
    return node


def _resolved(node: Any) -> dict[str, Any]:
    """`node` with its `$ref` merged in (the node's own title and description win)."""
    if not isinstance(node, dict):
        return {}
    while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
        target = schema()["$defs"].get(node["$ref"].rsplit("/", 1)[-1], {})
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    resolved: dict[str, Any] = node
    return resolved


def expects_text(path: Path_) -> bool:
    """Whether the format wants text at `path` (and not also a number or true/false)."""
    kind = node_at(path).get("type")
    return kind == "string"


def warm_up() -> None:
    """Compile the fast validator now, e.g. before forking workers that would each compile it."""
    _fast_validator()


def schema_findings(doc: Document) -> list[Finding]:
    """Every way the map breaks the schema, sorted by position; [] for a valid map."""
    if _fast_validator().is_valid(doc.data):
        return []
    findings = [_finding(doc, error) for error in _leaf_errors(_full_validator().iter_errors(doc.data))]
    if not findings:  # the two validators disagree (a format only one checks): still refuse the map
        findings = [_rs_finding(doc, error) for error in _fast_validator().iter_errors(doc.data)]
    return sorted(findings, key=Finding.sort_key)


def _leaf_errors(errors: Any) -> list[ValidationError]:
    """anyOf/oneOf errors are replaced by their most relevant cause."""
    from jsonschema.exceptions import best_match  # noqa: PLC0415

    leaves = []
    seen = set()
    for error in errors:
        leaf = best_match(error.context) if error.context else error
        # one message a value: '01/10/2026' breaks both `pattern` and `format`, say it once
        kind = leaf.validator if leaf.validator in ("required", "additionalProperties") else "value"
        key = (tuple(leaf.absolute_path), kind)
        if key not in seen:
            seen.add(key)
            leaves.append(leaf)
    return leaves


def _rs_finding(doc: Document, error: Any) -> Finding:
    path = tuple(error.instance_path)
    line, column = doc.position(path)
    message = _one_line(getattr(error, "message", "does not fit the schema"))[:300]
    return _make(doc, (line, column), f"{describe_path(path)}: {message}", path)


def _finding(doc: Document, error: ValidationError) -> Finding:
    path: Path_ = tuple(error.absolute_path)
    where = describe_path(path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    schema_node = error.schema if isinstance(error.schema, dict) else {}
    pos = doc.position(path)

    def said(message: str, node: Path_ = path) -> Finding:
        return _make(doc, pos, message, node)

    if keyword == "additionalProperties":
        extras = sorted(set(instance) - set(schema_node.get("properties", {})))
        name = extras[0] if extras else "?"
        pos = doc.key_position((*path, name))
        known = sorted(schema_node.get("properties", {}))
        hint = _did_you_mean(name, known)
        if not hint:
            hint = f"; allowed here: {', '.join(known)}"
        return said(f"{where}: unknown property '{_short(name)}'{hint}", (*path, name))
    if keyword == "required":
        missing = _quoted_name(error)
        return said(f"{where}: '{missing}' is required; add it")
    if keyword == "type":
        return said(f"{where}: {_type_message(instance, value)}")
    if keyword == "const":
        return said(f"{where}: must be {json.dumps(value)}, not {_show(instance)}")
    if keyword == "enum":
        hint = _did_you_mean(str(instance), [str(v) for v in value])
        choices = ", ".join(str(v) for v in value)
        return said(f"{where}: {_show(instance)} is not one of {choices}{hint}")
    if keyword in ("minimum", "maximum"):
        word = "below the minimum" if keyword == "minimum" else "above the maximum"
        return said(f"{where}: {_show(instance)} is {word} {value}{_range_hint(path, schema_node)}")
    if keyword == "pattern":
        if value == _ID_PATTERN:
            suggestion = slug(str(instance))
            example = f" (e.g. '{suggestion}')" if suggestion else ""
            return said(
                f"{where}: {_show(instance)} is not a valid id: use lowercase letters, digits and "
                f"single hyphens{example}",
            )
        if "\\u0000" in value:
            return said(f"{where}: {_TEXT_PATTERN_HINT}")
        return said(f"{where}: {_show(instance)} does not have the expected form")
    if keyword == "format":
        return said(f"{where}: {_show(instance)} is not a valid {value} (use YYYY-MM-DD)")
    if keyword == "maxLength":
        return said(f"{where}: is {len(instance):,} characters long; the limit is {value}: shorten it")
    if keyword == "minLength":
        return said(f"{where}: must not be empty")
    if keyword == "uniqueItems":
        return said(f"{where}: lists the same value twice; remove the repeat")
    if keyword == "minItems":
        return said(f"{where}: needs at least {value} item{'s' if value != 1 else ''}")
    if keyword == "not" and isinstance(value, dict) and value.get("properties", {}).get("optional") == {"const": True}:
        # `stages` prefixItems: the first stage may not be optional (measure's funnel starts there)
        stage_id = instance.get("id", "") if isinstance(instance, dict) else ""
        pos = doc.position((*path, "optional"))
        return said(f"stage '{_short(str(stage_id))}' is the first stage, where the funnel starts, so it cannot be "
                    "optional; remove `optional: true` or put an earlier stage first", (*path, "optional"))
    if keyword == "not" and isinstance(value, dict) and list(value) == ["required"]:
        # two keys that exclude each other (data.events: path or table)
        return said(f"{where}: give {' or '.join(value['required'])}, not both")
    return said(f"{where}: does not fit the schema ({keyword})")


def _make(doc: Document, pos: tuple[int, int], message: str, node: Path_ = ()) -> Finding:
    rule = builtin_rules.SCHEMA
    return Finding(doc.path, pos[0], pos[1], rule.severity, rule.id, rule.name, message, node)


def describe_path(path: Path_) -> str:
    """`('stages', 2, 'touchpoints', 0)` -> `stages[2].touchpoints[0]`; the root is `the map`."""
    if not path:
        return "the map"
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(_short(part))}]"
    return out


_JSON_TYPES = {
    "string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
    "object": "a mapping", "boolean": "true or false", "null": "empty",
}


def _json_type(instance: Any) -> str:
    if instance is None:
        return "null"
    if isinstance(instance, bool):
        return "boolean"
    if isinstance(instance, int):
        return "integer"
    if isinstance(instance, float):
        return "number"
    if isinstance(instance, str):
        return "string"
    if isinstance(instance, list):
        return "array"
    return "object"


def _type_message(instance: Any, expected: Any) -> str:
    wanted = expected if isinstance(expected, list) else [expected]
    words = " or ".join(_JSON_TYPES.get(str(w), str(w)) for w in wanted)
    got = _json_type(instance)
    message = f"expected {words}, got {_JSON_TYPES.get(got, got)}"
    if got in ("array", "object", "null"):
        return message
    message += f" {_show(instance)}"
    if got == "boolean" and "string" in wanted:
        message += " (YAML reads an unquoted yes/no/on/off as true or false: put the text in quotes)"
    elif got == "null" and "string" in wanted:
        message += " (the value is empty: write it, or remove the key)"
    elif got in ("integer", "number") and "string" in wanted:
        message += " (put it in quotes to keep it as text)"
    return message


def _range_hint(path: Path_, schema_node: dict[str, Any]) -> str:
    low, high = schema_node.get("minimum"), schema_node.get("maximum")
    if low is None or high is None or not path:
        return ""
    name = str(path[-1]).replace("_", " ")

    def signed(n: Any) -> str:
        return f"+{n}" if low < 0 and n > 0 else str(n)

    return f" ({name} runs from {signed(low)} to {signed(high)})"


def _quoted_name(error: ValidationError) -> str:
    # jsonschema words this as "'name' is a required property"; the name is the first quoted part
    match = re.match(r"^'(.*)' is a required property", error.message)
    return match.group(1) if match else "a property"


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def did_you_mean(word: str, choices: list[str]) -> str:
    return _did_you_mean(word, choices)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return "'" + _short(value) + "'"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return _short(json.dumps(value, default=str))


LIBRARY_SCHEMA_ID = "https://journeymap.dev/schemas/journeymap.library.schema.json"
_LIBRARY_KEYS = ("journeymap", "id", "title", "description", "owner", "use", "personas", "channels", "sources",
                 "opportunities")


@functools.cache
def library_schema() -> dict[str, Any]:
    """The format of a library file, made from the map's schema so the two never drift apart: the
    same personas, channels, sources and opportunities, plus `use:`; no stages, no required title."""
    source = schema()
    properties = {key: source["properties"][key] for key in _LIBRARY_KEYS}
    properties["use"] = {
        **properties["use"],
        "description": "Other library files this library builds on, relative to its folder and inside the "
        "repository.",
    }
    properties["title"] = {**properties["title"], "description": "What the library holds, as people say it."}
    return {
        "$schema": source["$schema"],
        "$id": LIBRARY_SCHEMA_ID,
        "title": "journeymap library",
        "description": "Personas, channels, research sources and opportunities shared by several journey maps "
        "(a file named *.library.yaml); a map lists it under `use:` and names its ids as if it defined them. "
        "Format version 1.",
        "type": "object",
        "required": ["journeymap"],
        "additionalProperties": False,
        "properties": properties,
        "$defs": source["$defs"],
    }


def library_schema_text() -> str:
    return json.dumps(library_schema(), indent=2, ensure_ascii=False) + "\n"


@functools.cache
def _fast_library_validator() -> Any:
    import jsonschema_rs  # noqa: PLC0415

    return jsonschema_rs.validator_for(library_schema(), validate_formats=True)


@functools.cache
def _full_library_validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker  # noqa: PLC0415

    return Draft202012Validator(library_schema(), format_checker=FormatChecker())


def library_schema_findings(doc: Document) -> list[Finding]:
    """Every way a library file breaks the library schema, sorted by position; [] for a valid one."""
    if _fast_library_validator().is_valid(doc.data):
        return []
    errors = _leaf_errors(_full_library_validator().iter_errors(doc.data))
    findings = [_finding(doc, error) for error in errors]
    if not findings:
        findings = [_rs_finding(doc, error) for error in _fast_library_validator().iter_errors(doc.data)]
    return sorted(findings, key=Finding.sort_key)
