"""The project's configuration: `.journeymap.yaml` or `[tool.journeymap]`, then command-line flags.

Configuration is found per map, as ruff and ESLint find theirs: the nearest `.journeymap.yaml`
(or `pyproject.toml` with `[tool.journeymap]`) from the map's own folder up to the repository
root. So a map is judged the same whichever folder a command runs in, and the same in the
editor as in CI. `--config FILE` names one file for every map instead.

The command line loads one `Project` (the configuration of the current folder, with the
flags) and hands it down; `Project.for_file(path)` is the project that holds for one map,
with the same flags and command options on top. A `Lookup` remembers which configuration
holds in each folder it was asked about, so a run over 1,000 maps reads each configuration
file once. Every rule selector is checked here against the one rule registry
(`lint.registry`), so a typo in CI configuration is an error (exit 2) with a did-you-mean,
never a rule silently not run. A configuration that names no rule leaves the choice to lint
(every lint rule), so the registry's table is built only by a run that names or runs rules.
"""

from __future__ import annotations

import dataclasses
import datetime
import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from journeymap.defaults import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT
from journeymap.errors import ConfigProblem
from journeymap.findings import Severity
from journeymap.io.sources import STDIN, repository_root
from journeymap.lint import registry
from journeymap.lint.registry import lint_rule_ids
from journeymap.lint.settings import RuleSettings

if TYPE_CHECKING:
    from journeymap.measures import MeasuresByMap, MeasuresSnapshot
    from journeymap.model import Journey

CONFIG_NAMES = (".journeymap.yaml", ".journeymap.yml")
KEYS = ("select", "ignore", "severity", "rules", "exclude", "strict", "render", "data", "theme", "measure", "baseline",
        "docs_url")
# `render:` limits for Graphviz and WeasyPrint, with the smallest and largest values that make sense
RENDER_LIMITS = {"timeout": (1, 10**9), "memory": (64, 2**30)}  # seconds for one picture; MB
# `measure:` limits for the engine of `journeymap measure`: MB of memory, threads
MEASURE_LIMITS = {"memory": (64, 2**30), "threads": (1, 1024)}


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
    colours, font and logo (a path relative to the configuration file's folder, `root`) put over
    it. Checked when a picture is drawn (render.theme.theme_of, render.logo.logo_url)."""

    base: str = "light"
    colours: tuple[tuple[str, str], ...] = ()
    font: str = ""
    logo: str = ""
    root: str = "."


@dataclass(frozen=True)
class Flags:
    """The rule flags of one command line (`--select`, `--ignore`, `--strict`): put on top of
    whichever configuration holds for a map."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False


@dataclass(frozen=True)
class Project:
    """Everything a command needs to know about the repository it runs in.

    `root` is the folder of the configuration file (the repository root, or
    the current folder, when there is none): `exclude` patterns match paths
    relative to it. `lint=False` checks schema and references only; `today`
    pins the date for date rules (tests). `lookup`, when set, finds the
    configuration of each map's own folder (`for_file`); without it (`--config`,
    tests, `default_project`) this project holds for every map.
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
    # measures snapshots (`validate --measures`): the rules that judge a map against data read them
    measures: MeasuresByMap | None = None
    flags: Flags = Flags()
    lookup: Lookup | None = field(default=None, compare=False, repr=False)
    # `baseline:` (the file of findings held back, resolved against `root`) and `docs_url:` (where
    # each rule's documentation is, with {id}, {name} or {anchor}); see the block at the end
    baseline: str | None = None
    docs_url: str | None = None
    # a baseline is read or written in this run (`--baseline`, `--write-baseline`): findings are named
    # by stable node while each map's data is at hand
    names_findings: bool = False

    def for_file(self, path: str) -> Project:
        """The project that holds for this file: the configuration found from its own folder up,
        with this run's flags and options (size limit, lint, date, measures) on top. Itself for
        standard input, with `--config`, or when the file's folder has the same configuration."""
        if self.lookup is None or path == STDIN:
            return self
        return self._adopt(self.lookup.project_in(os.path.dirname(os.path.abspath(path))))

    def for_folder(self, folder: str) -> Project:
        """The project that holds in this folder (as `for_file` for a file inside it)."""
        if self.lookup is None:
            return self
        return self._adopt(self.lookup.project_in(os.path.abspath(folder)))

    def _adopt(self, found: Project) -> Project:
        if found.source == self.source:
            return self
        return dataclasses.replace(
            found, max_bytes=self.max_bytes, lint=self.lint, today=self.today, measures=self.measures
        )

    def measures_for(self, journey: Journey) -> MeasuresSnapshot | None:
        """The snapshot of this map, if one was given."""
        return self.measures.for_map(journey.id, journey.file) if self.measures else None

    def with_options(self, **changes: Any) -> Project:
        return dataclasses.replace(self, **changes)

    def excludes(self, path: str) -> bool:
        """Whether the `exclude` of the configuration that holds for this path keeps it from being
        read. Patterns match the path relative to that configuration file's folder, so they mean
        the same files whichever folder a command runs in; a path outside that folder (possible
        with `--config`) is matched as given."""
        own = self.for_file(path)
        if not own.exclude:
            return False
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(own.root))
        candidate = (os.path.normpath(path) if relative.startswith("..") else relative).replace(os.sep, "/")
        return any(fnmatch.fnmatch(candidate, pattern) for pattern in own.exclude)


class Lookup:
    """Which configuration holds in each folder: the nearest configuration file from the folder
    up to the repository root. Every folder passed on the way is remembered, and every file is
    read once, so a run over many maps in few folders costs a few file checks."""

    def __init__(self, flags: Flags, unsaved: Callable[[Path], str | None] | None = None) -> None:
        self.flags = flags
        # an editor's text of a configuration file it has open, which holds before it is saved
        self.unsaved = unsaved
        self.found: dict[str, Path | None] = {}  # folder (absolute) -> its configuration file
        self.projects: dict[Path | None, Project] = {}  # configuration file -> its project

    def config_in(self, folder: str) -> Path | None:
        if folder in self.found:  # as asked: no need to resolve links again for every map in it
            return self.found[folder]
        passed: list[str] = [folder]
        here: Path | None = None
        at = Path(os.path.realpath(folder))
        while True:
            key = str(at)
            if key in self.found:
                here = self.found[key]
                break
            passed.append(key)
            here = _config_file_in(at)
            if here is not None or (at / ".git").exists() or at.parent == at:
                break
            at = at.parent
        for key in passed:
            self.found[key] = here
        return here

    def project_in(self, folder: str) -> Project:
        """The project of the configuration that holds in `folder`; ConfigProblem when that file
        is broken."""
        path = self.config_in(folder)
        if path not in self.projects:
            if path is None:
                loaded = _built({}, None, self.flags, repository_root(folder))
            else:
                text = self.unsaved(path) if self.unsaved is not None else None
                loaded = _built(_read(path, text), str(path), self.flags, str(path.parent))
            self.projects[path] = dataclasses.replace(loaded, lookup=self)
        return self.projects[path]


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
    """The configuration file named with `--config` (for every map), else the one found from
    `cwd` up, which finds each map's own (`Project.for_file`); the flags go on top."""
    flags = Flags(tuple(select or ()), tuple(ignore or ()), strict)
    if explicit is not None:
        return _built(_read(explicit), str(explicit), flags, str(explicit.resolve().parent))
    return Lookup(flags).project_in(str(cwd))


def problem_in(path: Path, text: str) -> ConfigProblem | None:
    """What is wrong with this text of a configuration file, if anything (for editors)."""
    try:
        build_project(_read(path, text), str(path))
    except ConfigProblem as exc:
        return exc
    return None


def is_config_name(name: str) -> bool:
    """Whether a file of this name is a `.journeymap.yaml` configuration file."""
    return name in CONFIG_NAMES


def _config_file_in(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            return folder / name
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "[tool.journeymap]" in _text(pyproject):
        return pyproject
    return None


def _built(raw: Mapping[str, Any], source: str | None, flags: Flags, root: str) -> Project:
    project = build_project(
        raw, source, select=flags.select, ignore=flags.ignore, strict=flags.strict, root=root
    )
    return dataclasses.replace(project, flags=flags)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigProblem(f"{path}: cannot read the configuration: {exc}") from None


def _read(path: Path, text: str | None = None) -> dict[str, Any]:
    """The configuration's keys, from `text` when given (an editor's unsaved version), else from
    the file."""
    if text is None:
        if not path.is_file():
            raise ConfigProblem(f"{path}: no such configuration file")
        text = _text(path)
    if path.name == "pyproject.toml":
        # only a configuration in pyproject.toml needs the TOML parser: other runs never load it
        import tomllib  # noqa: PLC0415

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigProblem(f"{path}: invalid TOML: {exc}") from None
        section = data.get("tool", {}).get("journeymap", {})
    else:
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

    where = source or "the command line"
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise ConfigProblem(f"{where}: unknown key '{unknown[0]}'; valid keys: {', '.join(KEYS)}")
    chosen = select if select else _strings(raw.get("select"), "select", where)
    ignored = _strings(raw.get("ignore"), "ignore", where)
    enabled: frozenset[str] | None = None  # every lint rule, looked up only when lint runs
    if chosen or ignored or ignore:
        picked = _resolve(chosen, "--select" if select else f"{where}: select") if chosen else set(lint_rule_ids())
        picked -= _resolve(ignored, f"{where}: ignore")
        picked -= _resolve(ignore or [], "--ignore")
        enabled = frozenset(picked)

    severity: dict[str, Severity] = {}
    for key, level in _mapping(raw.get("severity"), "severity", where).items():
        rule_id = _one(key, f"{where}: severity")
        try:
            severity[rule_id] = Severity(str(level))
        except ValueError:
            raise ConfigProblem(
                f"{where}: severity of '{key}' must be error, warning or info, not '{level}'"
            ) from None

    options: dict[str, dict[str, Any]] = {}
    for key, values in _mapping(raw.get("rules"), "rules", where).items():
        rule_id = _one(key, f"{where}: rules")
        declared = _declared_options(rule_id)
        values = _mapping(values, f"rules.{key}", where)
        for name, value in values.items():
            if name not in declared:
                known = ", ".join(declared) or "none"
                raise ConfigProblem(f"{where}: rule '{key}' has no option '{name}'; its options: {known}")
            values[name] = _option(value, declared[name], f"{where}: option '{name}' of '{key}'")
        options[rule_id] = dict(values)

    limits = _limits("render", RENDER_LIMITS, _mapping(raw.get("render"), "render", where), where)
    engine = _limits("measure", MEASURE_LIMITS, _mapping(raw.get("measure"), "measure", where), where)
    return Project(
        rules=RuleSettings(enabled, severity, options),
        exclude=tuple(_strings(raw.get("exclude"), "exclude", where)),
        strict=strict or bool(raw.get("strict", False)),
        render=RenderLimits(limits.get("timeout"), limits.get("memory")),
        theme=_theme(raw.get("theme"), where, root),
        source=source,
        root=root,
        data=_mapping(raw.get("data"), "data", where),
        baseline=_baseline(raw, where, root),
        docs_url=_docs_url(raw, where),
        measure=MeasureLimits(*(int(engine[k]) if k in engine else None for k in ("memory", "threads"))),
    )


def _theme(value: Any, where: str, root: str) -> ThemeChoice:
    """`theme: dark`, or `theme: {base: light, accent: "#0055aa", stage: "#003366", font: Inter,
    logo: brand/logo.svg}`."""
    if value is None:
        return ThemeChoice(root=root)
    if isinstance(value, str):
        return ThemeChoice(base=value, root=root)
    if not isinstance(value, Mapping):
        raise ConfigProblem(f"{where}: theme must be a name (light, dark) or a mapping of colours, not {value!r}")
    settings = {str(k): v for k, v in value.items()}
    base, font, logo = settings.pop("base", "light"), settings.pop("font", ""), settings.pop("logo", "")
    if not all(isinstance(v, str) for v in (base, font, logo, *settings.values())):
        raise ConfigProblem(f"{where}: theme values must be text (a base name, #rrggbb colours, a font name, "
                            "a logo's path)")
    return ThemeChoice(base=base, colours=tuple(sorted(settings.items())), font=font, logo=logo, root=root)


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


def _declared_options(rule_id: str) -> Mapping[str, Any]:
    """The options a lint rule declares, with their defaults."""
    rule = registry.find_rule(rule_id)
    return rule.options if rule is not None else {}


def _one(key: str, where: str) -> str:
    """The id of the one lint rule `key` names (an id or a name, as in `severity` and `rules`)."""

    rule = registry.find_rule(str(key))
    if rule is None or registry.is_builtin(rule.id):
        found = registry.select(str(key))
        problem = found.problem or f"'{key}' names several rules; name one here"
        raise ConfigProblem(f"{where}: {problem}")
    return rule.id


def _resolve(keys: Iterable[str], where: str) -> set[str]:
    """The lint rules the selectors name (`all`, ids, names, id prefixes such as `JM1`)."""

    out: set[str] = set()
    for key in keys:
        for part in str(key).split(","):
            part = part.strip()
            if not part:
                continue
            found = registry.select(part)
            if found.problem:
                raise ConfigProblem(f"{where}: {found.problem}")
            out |= found.ids
    return out


def _strings(value: Any, name: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigProblem(f"{where}: '{name}' must be a list of rule names")


def _option(value: Any, default: Any, where: str) -> Any:
    """A rule option's value, of its default's type: a whole number where a decimal is expected
    (`max_share: 1`) is the same number, never a bool for a number nor the other way round."""
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
        kind = "a number" if expected is float else expected.__name__
        raise ConfigProblem(f"{where} must be {kind}, not {value!r}")
    return value


def _mapping(value: Any, name: str, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise ConfigProblem(f"{where}: '{name}' must be a mapping")


# --- adopting journeymap in a repository with old findings: `baseline:` and `docs_url:`

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
DOCS_URL_PLACEHOLDERS = ("id", "name", "anchor")


def _baseline(raw: Mapping[str, Any], where: str, root: str) -> str | None:
    """`baseline: FILE`, relative to the configuration's folder (whether it may be read, inside the
    repository, is checked when it is read)."""
    baseline = raw.get("baseline")
    if baseline is None:
        return None
    if not isinstance(baseline, str) or not baseline.strip():
        raise ConfigProblem(f"{where}: baseline must be the path of a baseline file, not {baseline!r}")
    return os.path.join(root, baseline)


def _docs_url(raw: Mapping[str, Any], where: str) -> str | None:
    """`docs_url: "https://example.org/rules/{id}"`: an http(s) address with no spaces or control
    characters (it goes into SARIF's `helpUri`) and only the placeholders journeymap fills."""
    value = raw.get("docs_url")
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s\x00-\x1f\x7f]+", value):
        raise ConfigProblem(f"{where}: docs_url must be an http:// or https:// address without spaces, "
                            f"such as \"https://example.org/rules/{{id}}\", not {value!r}")
    for name in _PLACEHOLDER.findall(value):
        if name not in DOCS_URL_PLACEHOLDERS:
            raise ConfigProblem(f"{where}: docs_url has the placeholder {{{name}}}; use {{id}}, {{name}} or {{anchor}}")
    return value
