"""Lint configuration: `.journeymap.yaml` or `[tool.journeymap]`, then command-line flags.

The file is looked for in the current folder and its parents, up to the
repository root. Every rule name is checked here, so a typo in CI config is an
error (exit 2) with the list of valid names, never a rule silently not run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeymap.errors import ConfigProblem
from journeymap.findings import Severity

CONFIG_NAMES = (".journeymap.yaml", ".journeymap.yml")
KEYS = ("select", "ignore", "severity", "rules", "exclude", "strict", "render")
# `render:` limits for Graphviz and WeasyPrint, with the smallest value that makes sense
RENDER_LIMITS = {"timeout": 1, "memory": 64}  # seconds for one picture; MB


@dataclass(frozen=True)
class LintConfig:
    enabled: frozenset[str]
    severity: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    strict: bool = False
    source: str | None = None
    render: Mapping[str, float] = field(default_factory=dict)  # see RENDER_LIMITS


def default_config() -> LintConfig:
    from journeymap.lint.rules import LINT_RULES

    return LintConfig(enabled=frozenset(r.info.id for r in LINT_RULES if r.default_enabled))


def load_config(
    explicit: Path | None,
    cwd: Path,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    strict: bool = False,
) -> LintConfig:
    path = explicit if explicit is not None else find_config(cwd)
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read(path)
    return build_config(raw, str(path) if path else None, select=select, ignore=ignore, strict=strict)


def find_config(start: Path) -> Path | None:
    here = start.resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.journeymap]" in _text(pyproject):
            return pyproject
        if (folder / ".git").exists():
            break
    return None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigProblem(f"{path}: cannot read the configuration: {exc}") from None


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigProblem(f"{path}: no such configuration file")
    text = _text(path)
    if path.name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigProblem(f"{path}: invalid TOML: {exc}") from None
        section = data.get("tool", {}).get("journeymap", {})
    else:
        import yaml

        try:
            section = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
            raise ConfigProblem(f"{path}{where}: invalid YAML in the configuration") from None
    if not isinstance(section, dict):
        raise ConfigProblem(f"{path}: the configuration must be a mapping with keys {', '.join(KEYS)}")
    return section


def build_config(
    raw: Mapping[str, Any],
    source: str | None,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    strict: bool = False,
) -> LintConfig:
    from journeymap.lint.rules import LINT_RULES

    where = source or "the command line"
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise ConfigProblem(f"{where}: unknown key '{unknown[0]}'; valid keys: {', '.join(KEYS)}")
    by_key = _rule_keys()
    defaults = {r.info.id for r in LINT_RULES if r.default_enabled}

    chosen = select if select else _strings(raw.get("select"), "select", where)
    enabled = _resolve(chosen, by_key, "--select" if select else f"{where}: select") if chosen else set(defaults)
    ignored = _strings(raw.get("ignore"), "ignore", where)
    enabled -= _resolve(ignored, by_key, f"{where}: ignore")
    enabled -= _resolve(ignore or [], by_key, "--ignore")

    severity: dict[str, Severity] = {}
    for key, level in _mapping(raw.get("severity"), "severity", where).items():
        rule_id = _one(key, by_key, f"{where}: severity")
        try:
            severity[rule_id] = Severity(str(level))
        except ValueError:
            raise ConfigProblem(
                f"{where}: severity of '{key}' must be error, warning or info, not '{level}'"
            ) from None

    options: dict[str, dict[str, Any]] = {}
    declared = {r.info.id: r.info.options for r in LINT_RULES}
    for key, values in _mapping(raw.get("rules"), "rules", where).items():
        rule_id = _one(key, by_key, f"{where}: rules")
        values = _mapping(values, f"rules.{key}", where)
        for name, value in values.items():
            if name not in declared[rule_id]:
                known = ", ".join(declared[rule_id]) or "none"
                raise ConfigProblem(f"{where}: rule '{key}' has no option '{name}'; its options: {known}")
            expected = type(declared[rule_id][name])
            if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
                raise ConfigProblem(
                    f"{where}: option '{name}' of '{key}' must be {expected.__name__}, not {value!r}"
                )
        options[rule_id] = dict(values)

    exclude = tuple(_strings(raw.get("exclude"), "exclude", where))
    return LintConfig(
        render=_render_limits(_mapping(raw.get("render"), "render", where), where),
        enabled=frozenset(enabled),
        severity=severity,
        options=options,
        exclude=exclude,
        strict=strict or bool(raw.get("strict", False)),
        source=source,
    )


def _render_limits(values: Mapping[str, Any], where: str) -> dict[str, float]:
    limits = {}
    for name, value in values.items():
        if name not in RENDER_LIMITS:
            raise ConfigProblem(f"{where}: render has no setting '{name}'; its settings: {', '.join(RENDER_LIMITS)}")
        least = RENDER_LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
            unit = "seconds" if name == "timeout" else "MB"
            raise ConfigProblem(f"{where}: render.{name} must be a number of {unit} of at least {least}, not {value!r}")
        limits[name] = float(value)
    return limits


def _rule_keys() -> dict[str, str]:
    """Lower-case id or name -> rule id."""
    from journeymap.lint.rules import LINT_RULES

    keys = {}
    for rule in LINT_RULES:
        keys[rule.info.id.lower()] = rule.info.id
        keys[rule.info.name] = rule.info.id
    return keys


def valid_names() -> str:
    from journeymap.lint.rules import LINT_RULES

    return ", ".join(r.info.name for r in LINT_RULES)


def _one(key: str, by_key: Mapping[str, str], where: str) -> str:
    rule_id = by_key.get(str(key).strip().lower())
    if rule_id is None:
        raise ConfigProblem(f"{where}: unknown rule '{key}'; valid rules: {valid_names()}")
    return rule_id


def _resolve(keys: Iterable[str], by_key: Mapping[str, str], where: str) -> set[str]:
    out: set[str] = set()
    for key in keys:
        for part in str(key).split(","):
            part = part.strip()
            if not part:
                continue
            if part.lower() == "all":
                out |= set(by_key.values())
            else:
                out.add(_one(part, by_key, where))
    return out


def _strings(value: Any, name: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigProblem(f"{where}: '{name}' must be a list of rule names")


def _mapping(value: Any, name: str, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise ConfigProblem(f"{where}: '{name}' must be a mapping")
