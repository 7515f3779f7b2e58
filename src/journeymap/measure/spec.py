"""What a measure run reads and how: the `data` section (of the map, else the project's
configuration) with the command-line flags on top, every path resolved and confined."""

from __future__ import annotations

import datetime
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from journeymap.errors import ConfigProblem, UsageProblem
from journeymap.io.sources import repository_root
from journeymap.measure.files import Naming, data_files
from journeymap.model import DURATION_UNITS, Journey, duration_seconds
from journeymap.schema import schema_text
from journeymap.schema_values import FUNNEL_ORDERS
from journeymap.strings import short

FORMATS = ("csv", "parquet", "ndjson")
DATABASE_SCHEMES = ("postgresql://", "postgres://")
# a table or schema.table: names, not SQL (they are quoted as names all the same)
TABLE_NAME = r"[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?"
EVERY = {"day": 86400.0, "week": 604800.0}
ORDERS = FUNNEL_ORDERS
# exclusion events: as many patterns as a map may hold, each as long as the schema allows
MAX_EXCLUSIONS, MAX_EXCLUSION_LENGTH = 50, 200
SCALES = {"csat": (1.0, 5.0), "nps": (0.0, 10.0)}


@dataclass(frozen=True)
class EventSource:
    """An event log: its files (one format), and the column that holds each thing."""

    files: tuple[str, ...]
    format: str
    user: str
    event: str
    time: str
    session: str | None = None
    # attribute name (in signal filters and --by) -> the column it reads
    attributes: Mapping[str, str] = field(default_factory=dict)
    named: str = ""  # the path or glob as the user wrote it, for messages
    # a table in a PostgreSQL database instead of files (then `files` is empty): from --events only
    database: str | None = None
    table: str | None = None

    def column(self, attribute: str) -> str:
        return self.attributes.get(attribute, attribute)


@dataclass(frozen=True)
class SurveySource:
    files: tuple[str, ...]
    format: str
    touchpoint: str
    score: str
    user: str | None = None
    scale: tuple[float, float] = SCALES["csat"]
    scale_name: str = "csat"
    named: str = ""
    # a table in a PostgreSQL database instead of files (then `files` is empty), as for events
    database: str | None = None
    table: str | None = None


@dataclass(frozen=True)
class Options:
    """The flags of one run (None: not given)."""

    events: str | None = None
    surveys: str | None = None
    since: str | None = None
    until: str | None = None
    by: str | None = None
    window: str | None = None
    every: str | None = None
    engine: str | None = None
    database: str | None = None  # --database: the server of a data.events.table
    order: str | None = None  # --order: eventual | strict
    exclusions: tuple[str, ...] = ()  # --exclude, each time it is given
    step_events: bool | None = None  # --step-events


@dataclass(frozen=True)
class Spec:
    events: EventSource
    surveys: SurveySource | None
    engine: str = "duckdb"
    window_seconds: float | None = None
    every: str | None = None
    by: str | None = None
    since: float | None = None  # seconds since 1970, UTC
    until: float | None = None
    order: str = "eventual"  # the funnel's order (measure/funnels.py)
    exclusions: tuple[str, ...] = ()  # event names or patterns that take a user out of the funnel
    step_events: bool = False  # the events just before each funnel step and after leaving it

    def files(self) -> tuple[str, ...]:
        """Every file the run may open (the engine is allowed these and no other)."""
        return self.events.files + (self.surveys.files if self.surveys else ())

    def database(self) -> tuple[str, str] | None:
        """(URL, table) when the event log is a database table."""
        if self.events.database is None or self.events.table is None:
            return None
        return self.events.database, self.events.table


def spec_for(journey: Journey, project_data: Mapping[str, Any], project_root: str, options: Options) -> Spec:
    """The run's spec: the map's `data` wins over the project's, the flags over both."""
    map_folder = os.path.dirname(os.path.abspath(journey.file))
    if journey.data:
        data, base, where = journey.data, map_folder, f"{journey.file}: data"
    else:
        _check_config_data(project_data, project_root)
        data, base, where = dict(project_data), project_root, "the configuration's data"
    repo = repository_root(base)
    events_raw = data.get("events")
    if options.events is None and not events_raw:
        raise UsageProblem(
            f"{journey.file}: no event log: add a data.events section to the map or .journeymap.yaml, "
            "or pass --events FILE"
        )
    events = _events(events_raw or {}, options.events, base, repo, where, options.database)
    surveys_raw = data.get("surveys")
    surveys = None
    if options.surveys is not None or surveys_raw:
        surveys = _surveys(surveys_raw or {}, options.surveys, base, repo, where, options.database)
    window = options.window or data.get("window")
    if options.every is not None and options.every not in EVERY:
        raise UsageProblem(f"--every must be {' or '.join(EVERY)}, not '{options.every}'")
    engine = _engine(options.engine, data.get("engine"), events)
    order = options.order or data.get("order") or "eventual"
    if order not in ORDERS:
        raise UsageProblem(f"--order must be {' or '.join(ORDERS)}, not '{_short(str(order))}'")
    return Spec(
        events=events,
        surveys=surveys,
        engine=engine,
        window_seconds=_duration(window, "--window" if options.window else f"{where}.window") if window else None,
        every=options.every,
        by=options.by,
        since=_instant(options.since, "--since"),
        until=_instant(options.until, "--until"),
        order=order,
        exclusions=_exclusions(options.exclusions or tuple(data.get("exclusions") or ())),
        step_events=bool(options.step_events or data.get("step_events")),
    )


def _exclusions(given: tuple[str, ...]) -> tuple[str, ...]:
    """Exclusion event names or patterns, each once, in the order given."""
    if len(given) > MAX_EXCLUSIONS:
        raise UsageProblem(f"--exclude: at most {MAX_EXCLUSIONS} exclusion events, not {len(given)}")
    for pattern in given:
        if not isinstance(pattern, str) or not pattern.strip() or len(pattern) > MAX_EXCLUSION_LENGTH:
            raise UsageProblem(f"--exclude '{_short(str(pattern))}' is not an event name; give a name or a pattern "
                               f"of 1 to {MAX_EXCLUSION_LENGTH} characters, such as order_cancelled or 'refund_*'")
    return tuple(dict.fromkeys(given))


def _engine(flag: str | None, written: str | None, events: EventSource) -> str:
    """The engine: PostgreSQL itself for a table in a database, else the flag's, the data's or DuckDB."""
    if events.database is not None:
        if flag not in (None, "postgres"):
            raise UsageProblem(f"--engine {flag} cannot read a database table; leave --engine out")
        return "postgres"
    engine = flag or written or "duckdb"
    if engine not in ("duckdb", "spark"):
        raise UsageProblem(f"--engine must be duckdb or spark, not '{engine}'")
    return engine


def database_table(flag: str, option: str = "--events") -> tuple[str, str] | None:
    """(URL without `table`, table) for --events (or --surveys) postgresql://HOST/DB?table=NAME;
    None for a path.
    Only the command line is read this way: a map's or configuration's `path` is always a file,
    so a pull request cannot point measure at a database (docs/robustness.md, Measure)."""

    if not flag.startswith(DATABASE_SCHEMES):
        return None
    parts = urlsplit(flag)
    query = parse_qsl(parts.query, keep_blank_values=True)
    tables = [value for key, value in query if key == "table"]
    if len(tables) != 1 or not re.fullmatch(TABLE_NAME, tables[0]):
        raise UsageProblem(
            f"{option}: name the table of a database as postgresql://HOST/DB?table=NAME (or SCHEMA.NAME)"
        )
    rest = urlencode([(key, value) for key, value in query if key != "table"])
    return urlunsplit(parts._replace(query=rest)), tables[0]


DATABASE_ENV = "JOURNEYMAP_DATABASE_URL"


def _server(flag: str | None, where: str, section: str = "events") -> str:
    """The server of a table named in `data` (`section`: events or surveys): from --database or the
    environment, never from a file a pull request can change."""
    url = flag or os.environ.get(DATABASE_ENV)
    if not url:
        raise UsageProblem(
            f"{where}: data.{section}.table names a table in a database; give the database with --database "
            f"postgresql://HOST/DB or {DATABASE_ENV} (a map or configuration never names a server)"
        )
    if not url.startswith(DATABASE_SCHEMES):
        raise UsageProblem("--database must be a postgresql://HOST/DB URL")
    return url


def _check_config_data(data: Mapping[str, Any], root: str) -> None:
    """The configuration's `data` follows the same schema as a map's."""
    if not data:
        return

    import jsonschema  # noqa: PLC0415


    schema = json.loads(schema_text())
    sub = {"$defs": schema["$defs"], "$ref": "#/$defs/data"}
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(sub).iter_errors(dict(data)))
    if error is not None:
        at = ".".join(str(p) for p in error.absolute_path) or "data"
        raise ConfigProblem(f"{root}: the configuration's data.{at} is not valid: {error.message[:200]}")


def _files(pattern: str, base: str, repo: str | None, what: str) -> tuple[str, ...]:
    """The files a path or glob names (measure.files). Paths from a map or configuration (`repo`
    given) are relative to `base` and must stay inside `repo`; a path given on the command
    line is the user's own choice."""

    return data_files(Naming(pattern, base, repo, what))


def format_of(path: str, declared: str | None) -> str:
    if declared:
        return declared
    name = path.lower().removesuffix(".gz")
    if name.endswith(".parquet") or name.endswith(".pq"):
        return "parquet"
    if name.endswith((".ndjson", ".jsonl", ".json")):
        return "ndjson"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    raise UsageProblem(
        f"cannot tell the format of '{path}' from its name; name it with format: csv, parquet or ndjson"
    )


def _events(
    raw: Mapping[str, Any], flag: str | None, base: str, repo: str, where: str, server: str | None = None
) -> EventSource:
    columns = raw.get("columns") or {}
    missing = [c for c in ("user", "event", "time") if not columns.get(c)]
    if missing:
        raise UsageProblem(
            f"{where}: data.events.columns must name the {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''} of the event log (column names are never guessed)"
        )
    if flag is not None:
        database = database_table(flag)
    elif raw.get("table"):
        database = (_server(server, where), str(raw["table"]))
    else:
        database = None
    named = flag if flag is not None else str(raw.get("path") or raw.get("table"))
    if database is not None:
        url, table = database
        return EventSource(
            files=(), format="table", user=columns["user"], event=columns["event"], time=columns["time"],
            session=columns.get("session"), attributes=dict(columns.get("attributes") or {}),
            named=_table_named(url, table), database=url, table=table,
        )
    files = _files(named, os.getcwd() if flag is not None else base, None if flag is not None else repo, "event log")
    return EventSource(
        files=files,
        format=format_of(files[0], None if flag is not None else raw.get("format")),
        user=columns["user"],
        event=columns["event"],
        time=columns["time"],
        session=columns.get("session"),
        attributes=dict(columns.get("attributes") or {}),
        named=named,
    )


def _table_named(url: str, table: str) -> str:
    """`table NAME in postgresql://USER:***@HOST/DB`: a table as messages and the snapshot name it."""
    from journeymap.measure.postgres_engine import redacted  # noqa: PLC0415

    return f"table {table} in {redacted(url)}"


def _surveys(
    raw: Mapping[str, Any], flag: str | None, base: str, repo: str, where: str, server: str | None = None
) -> SurveySource:
    columns = raw.get("columns") or {}
    missing = [c for c in ("touchpoint", "score") if not columns.get(c)]
    if missing:
        raise UsageProblem(
            f"{where}: data.surveys.columns must name the {' and '.join(missing)} column of the survey answers"
        )
    if flag is not None:
        database = database_table(flag, "--surveys")
    elif raw.get("table"):
        database = (_server(server, where, "surveys"), str(raw["table"]))
    else:
        database = None
    if database is not None:
        url, table = database
        files: tuple[str, ...] = ()
        fmt, named = "table", _table_named(url, table)
    else:
        named = flag if flag is not None else str(raw["path"])
        files = _files(named, os.getcwd() if flag is not None else base, None if flag is not None else repo,
                       "survey file")
        fmt = format_of(files[0], None if flag is not None else raw.get("format"))
    scale = raw.get("scale", "csat")
    if isinstance(scale, Mapping):
        low, high = _score(scale["min"], "min", where), _score(scale["max"], "max", where)
        if not low < high:
            raise UsageProblem(f"{where}: data.surveys.scale: min must be below max")
        bounds, name = (low, high), f"{low:g}-{high:g}"
    else:
        bounds, name = SCALES[scale], scale
    return SurveySource(
        files=files,
        format=fmt,
        touchpoint=columns["touchpoint"],
        score=columns["score"],
        user=columns.get("user"),
        scale=bounds,
        scale_name=name,
        named=named,
        database=database[0] if database else None,
        table=database[1] if database else None,
    )


# a survey scale's ends stay where a double keeps whole scores exact
MAX_SCORE = 1e15


def _score(value: Any, end: str, where: str) -> float:
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        number = math.inf
    if not -MAX_SCORE <= number <= MAX_SCORE:
        raise UsageProblem(
            f"{where}: data.surveys.scale.{end} must be a number between -{MAX_SCORE:g} and {MAX_SCORE:g}, "
            f"not {_short(str(value))}"
        )
    return number


def _short(text: str) -> str:

    return short(text, 40)


def _duration(text: str, what: str) -> float:
    text = str(text).strip()
    if len(text) >= 2 and text[:-1].isdigit() and text[-1] in DURATION_UNITS:
        return duration_seconds(text)
    raise UsageProblem(f"{what} '{text}' is not a duration; write a number and a unit (s, m, h, d or w), e.g. 7d")


def _instant(text: str | None, what: str) -> float | None:
    if text is None:
        return None

    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"{what} '{text}' is not a date; write it as 2026-01-31 or 2026-01-31T08:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.timestamp()
