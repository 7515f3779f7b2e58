"""The project's configuration: `.journeymap.yaml` or `[tool.journeymap]`, then command-line flags.

One `Project` is loaded by the command line and handed to everything that
reads maps, so every command sees the same rules, the same `exclude` and
the same limits. The file is looked for in the current folder and its
parents, up to the repository root. Every rule name is checked here, so a
typo in CI configuration is an error (exit 2) with the list of valid names,
never a rule silently not run.
"""

from __future__ import annotations

import dataclasses
import datetime
import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeymap.defaults import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT
from journeymap.errors import ConfigProblem
from journeymap.findings import Severity

CONFIG_NAMES = (".journeymap.yaml", ".journeymap.yml")
KEYS = ("select", "ignore", "severity", "rules", "exclude", "strict", "render", "data", "theme", "measure")
# `render:` limits for Graphviz and WeasyPrint, with the smallest and largest values that make sense
RENDER_LIMITS = {"timeout": (1, 10**9), "memory": (64, 2**30)}  # seconds for one picture; MB
# `measure:` limits for the engine of `journeymap measure`: MB of memory, threads
MEASURE_LIMITS = {"memory": (64, 2**30), "threads": (1, 1024)}


@dataclass(frozen=True)
class RuleSettings:
    """Which lint rules run, at which severity, with which options."""

    enabled: frozenset[str]
    severity: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderLimits:
    """Time and memory one picture may take; None where the configuration says nothing."""

    timeout: float | None = None
    memory_mb: float | None = None

    def resolved(self, timeout: float | None = None, memory_mb: float | None = None) -> tuple[float, int]:
        """(seconds, bytes): a flag wins over the configuration, which wins over the default."""
        seconds = timeout if timeout is not None else self.timeout if self.timeout is not None else DEFAULT_TIMEOUT
        megabytes = memory_mb if memory_mb is not None else self.memory_mb
        return seconds, int(megabytes * 2**20) if megabytes is not None else DEFAULT_MEMORY_BYTES


@dataclass(frozen=True)
class MeasureLimits:
    """The engine's memory (MB) and threads for `journeymap measure`; None where the
    configuration says nothing (the measure flags win over these)."""

    memory_mb: int | None = None
    threads: int | None = None


@dataclass(frozen=True)
class ThemeChoice:
    """The configuration's `theme:`: a base theme ("light" or "dark"), and for a brand theme the
    colours and font put over it. Checked when a picture is drawn (render.theme.theme_of)."""

    base: str = "light"
    colours: tuple[tuple[str, str], ...] = ()
    font: str = ""


@dataclass(frozen=True)
class Project:
    """Everything a command needs to know about the repository it runs in.

    `root` is the folder of the configuration file (the current folder when
    there is none): `exclude` patterns match paths relative to it as well as
    paths as given. `lint=False` checks schema and references only; `today`
    pins the date for date rules (tests).
    """

    rules: RuleSettings
    exclude: tuple[str, ...] = ()
    strict: bool = False
    render: RenderLimits = RenderLimits()
    theme: ThemeChoice = ThemeChoice()
    source: str | None = None
    root: str = "."
    max_bytes: int = DEFAULT_MAX_BYTES
    lint: bool = True
    today: datetime.date | None = None
    # `data:` as written: where `journeymap measure` finds events and surveys when a map has no
    # `data` section of its own (paths relative to `root`); the measure command checks it
    data: Mapping[str, Any] = field(default_factory=dict)
    measure: MeasureLimits = MeasureLimits()
    # measures snapshots (`validate --measures`), by the id of the map they measured (or its
    # path, for a map without an id): the rules that judge a map against data read them
    measures: Mapping[str, Any] = field(default_factory=dict)

    def measures_for(self, journey: Any) -> Any:
        """The snapshot of this map, if one was given."""
        return self.measures.get(journey.id) or self.measures.get(journey.file)

    def with_options(self, **changes: Any) -> Project:
        return dataclasses.replace(self, **changes)

    def excludes(self, path: str) -> bool:
        """Whether `exclude` keeps this path from being read."""
        if not self.exclude:
            return False
        norm = os.path.normpath(path)
        candidates = {path, norm}
        if not os.path.isabs(norm) or os.path.isabs(self.root):
            relative = os.path.relpath(os.path.abspath(norm), os.path.abspath(self.root))
            if not relative.startswith(".."):
                candidates.add(relative)
        return any(fnmatch.fnmatch(c, pattern) for c in candidates for pattern in self.exclude)


def default_project() -> Project:
    """No configuration file and no flags: the default rules."""
    return build_project({}, None)


def load_project(
    explicit: Path | None,
    cwd: Path,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    strict: bool = False,
) -> Project:
    """The configuration file named with `--config`, else the one found from `cwd` up, with the
    flags applied on top."""
    path = explicit if explicit is not None else find_config(cwd)
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read(path)
    root = str(path.resolve().parent) if path is not None else str(cwd)
    return build_project(raw, str(path) if path else None, select=select, ignore=ignore, strict=strict, root=root)


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


def build_project(
    raw: Mapping[str, Any],
    source: str | None,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    strict: bool = False,
    root: str = ".",
) -> Project:
    from journeymap.lint.rules import RULE_INFOS

    where = source or "the command line"
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise ConfigProblem(f"{where}: unknown key '{unknown[0]}'; valid keys: {', '.join(KEYS)}")
    by_key = _rule_keys()
    defaults = {info.id for info in RULE_INFOS}

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
    declared = {info.id: info.options for info in RULE_INFOS}
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

    limits = _limits("render", RENDER_LIMITS, _mapping(raw.get("render"), "render", where), where)
    engine = _limits("measure", MEASURE_LIMITS, _mapping(raw.get("measure"), "measure", where), where)
    return Project(
        rules=RuleSettings(frozenset(enabled), severity, options),
        exclude=tuple(_strings(raw.get("exclude"), "exclude", where)),
        strict=strict or bool(raw.get("strict", False)),
        render=RenderLimits(limits.get("timeout"), limits.get("memory")),
        theme=_theme(raw.get("theme"), where),
        source=source,
        root=root,
        data=_mapping(raw.get("data"), "data", where),
        measure=MeasureLimits(*(int(engine[k]) if k in engine else None for k in ("memory", "threads"))),
    )


def _theme(value: Any, where: str) -> ThemeChoice:
    """`theme: dark`, or `theme: {base: light, accent: "#0055aa", stage: "#003366", font: Inter}`."""
    if value is None:
        return ThemeChoice()
    if isinstance(value, str):
        return ThemeChoice(base=value)
    if not isinstance(value, Mapping):
        raise ConfigProblem(f"{where}: theme must be a name (light, dark) or a mapping of colours, not {value!r}")
    settings = {str(k): v for k, v in value.items()}
    base, font = settings.pop("base", "light"), settings.pop("font", "")
    if not isinstance(base, str) or not isinstance(font, str) or not all(isinstance(v, str) for v in settings.values()):
        raise ConfigProblem(f"{where}: theme values must be text (a base name, #rrggbb colours, a font name)")
    return ThemeChoice(base=base, colours=tuple(sorted(settings.items())), font=font)


def _limits(
    key: str, allowed: Mapping[str, tuple[int, int]], values: Mapping[str, Any], where: str
) -> dict[str, float]:
    limits = {}
    for name, value in values.items():
        if name not in allowed:
            raise ConfigProblem(f"{where}: {key} has no setting '{name}'; its settings: {', '.join(allowed)}")
        least, most = allowed[name]
        whole = name == "threads"
        number = isinstance(value, int if whole else int | float) and not isinstance(value, bool)
        if not number or not least <= value <= most:
            unit = {"timeout": "seconds", "threads": "threads"}.get(name, "MB")
            kind = "a whole number" if whole else "a number"
            bound = f"at most {most}" if isinstance(value, int | float) and value > most else f"at least {least}"
            raise ConfigProblem(f"{where}: {key}.{name} must be {kind} of {unit} of {bound}, not {value!r}")
        limits[name] = float(value)
    return limits


def _rule_keys() -> dict[str, str]:
    """Lower-case id or name -> rule id."""
    from journeymap.lint.rules import RULE_INFOS

    keys = {}
    for info in RULE_INFOS:
        keys[info.id.lower()] = info.id
        keys[info.name] = info.id
    return keys


def valid_names() -> str:
    from journeymap.lint.rules import RULE_INFOS

    return ", ".join(info.name for info in RULE_INFOS)


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
