"""An event log in a PostgreSQL table gives exactly DuckDB's snapshot of the same rows, on a
real server the tests start (tests/measure/postgres_server.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from journeymap.errors import UsageProblem
from journeymap.measure import synthetic
from tests.measure import postgres_server
from tests.measure.helpers import Shop, shop
from tests.measure.test_conformance import returning_shop

psycopg = pytest.importorskip("psycopg", reason="psycopg is a dependency: pip install -e '.[dev]'")
if not postgres_server.available():
    pytest.skip("needs PostgreSQL's server (scripts/system-deps.sh --test installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def url():
    with postgres_server.server() as running:
        yield running


def load_csv(url: str, table: str, csv_file: Path, time_type: str = "text", types: dict[str, str] | None = None,
             ) -> None:
    """A CSV's rows as a table, as an export would land: every column text but the time (and `types`)."""
    with csv_file.open(encoding="utf-8") as handle:
        columns = handle.readline().strip().split(",")
    chosen = {"occurred_at": time_type, **(types or {})}
    with psycopg.connect(url, autocommit=True) as con:
        if "." in table:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
        listing = ", ".join(f'"{c}" {chosen.get(c, "text")}' for c in columns)
        con.execute(f"CREATE TABLE {table} ({listing})")
        with con.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write(csv_file.read_bytes())


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, url: str) -> Shop:
    made = shop(tmp_path_factory.mktemp("shop"), synthetic.Plan(users=300))
    # the log every column text, and once more with a real time type
    load_csv(url, "events", made.folder / "events.csv")
    load_csv(url, "analytics.typed_events", made.folder / "events.csv", "timestamptz")
    return made


def comparable(snapshot) -> dict:
    found = dataclasses.asdict(snapshot)
    for key in ("engine", "events_source"):
        found.pop(key)
    return found


@pytest.mark.parametrize("table", ["events", "analytics.typed_events"])
def test_a_table_gives_duckdb_s_snapshot_of_the_same_rows(small: Shop, url: str, table: str) -> None:
    options = {"every": "week", "by": "platform", "window": "5d"}
    duck = small.measured(**options)
    pg = small.measured(events=f"{url}?table={table}", **options)
    assert pg.engine == "postgres" and pg.events_source.startswith(f"table {table} in postgresql://")
    assert comparable(pg) == comparable(duck)
    assert duck.entrants > 0 and duck.back_steps and duck.periods and duck.segments


# the snapshot's sections that depend on --every and --by, each compared in every combination
GROUPINGS = [{}, {"every": "week"}, {"every": "day"}, {"by": "platform"}, {"every": "week", "by": "platform"}]


@pytest.fixture(scope="module")
def drifting(tmp_path_factory: pytest.TempPathFactory, url: str) -> dict[str, tuple[Shop, str]]:
    """Logs with a loop confined to one platform and two weeks (so paths rank by excess, not size),
    for the shop map as it is and with its return declared; each in a database whose text sorts
    as most servers' do (en-US, where 'a_b' < 'ab' < 'B'), not byte by byte as DuckDB's does. Ties
    in the lists are broken by name, so the names include case and punctuation that sort apart."""
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE DATABASE english TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
    english = url.rsplit("/", 1)[0] + "/english"
    plan = synthetic.Plan(users=400, confined_loop=(6, 3), confined_weeks=2,
                          platforms=("web", "iOS", "Android_tv"), confined_platform="iOS")
    made: dict[str, tuple[Shop, str]] = {}
    for name, maker in (("plain", shop), ("declared", returning_shop)):
        s = maker(tmp_path_factory.mktemp(name) / "shop", plan)
        events = s.folder / "events.csv"
        extra = [f"tie-{u},{event},2026-09-08T10:00:0{i}Z,web"
                 for u in range(3) for i, event in enumerate(("Zoom", "ab", "a_b", "B_c", "bc"))]
        events.write_text(events.read_text(encoding="utf-8") + "\n".join(extra) + "\n", encoding="utf-8")
        load_csv(english, f"drift_{name}", events)
        made[name] = (s, f"{english}?table=drift_{name}")
    return made


@pytest.mark.parametrize("name", ["plain", "declared"])
@pytest.mark.parametrize("options", GROUPINGS, ids=lambda o: "+".join(o) or "whole")
def test_conformance_periods_and_segments_equal_duckdb_s(drifting, name: str, options: dict[str, str]) -> None:
    s, table = drifting[name]
    duck = s.measured(**options)
    pg = s.measured(events=table, **options)
    assert comparable(pg) == comparable(duck)
    c = duck.conformance
    assert c is not None and c.fitness_users is not None and c.fitness_transitions is not None
    assert c.variants and c.back_steps
    # the five names tied at 3 events each, in DuckDB's order (byte by byte): upper case first
    tied = [u.event for u in duck.unmapped_events if u.events == 3]
    assert tied == ["B_c", "Zoom", "a_b", "ab", "bc"]
    if options:
        assert all(d.peak is not None and d.excess_users is not None for d in c.back_steps)
    if "every" in options:
        assert duck.periods and c.back_steps[0].periods
    if "by" in options:
        assert {seg.value for seg in duck.segments} == {"web", "iOS", "Android_tv"}
        assert all(seg.funnel and seg.stages for seg in duck.segments)
        assert "every" not in options or all(seg.periods for seg in duck.segments)


def test_the_run_leaves_nothing_in_the_database(small: Shop, url: str) -> None:
    small.measured(events=f"{url}?table=events")
    with psycopg.connect(url) as con:
        tables = {r[0] for r in con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")}
    # (another test of the module may add a table of its own: public.odd)
    assert tables - {"public.odd"} == {"public.events", "analytics.typed_events"}


def test_the_command_measures_a_table_and_hides_the_password(small: Shop, url: str, cli) -> None:
    with_password = url.replace("journeymap@", "journeymap:s3cret@")
    result = cli("measure", str(small.map), "--events", f"{with_password}?table=events", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "s3cret" not in result.stdout + result.stderr
    assert '"engine": "postgres"' in result.stdout


def test_a_missing_table_or_an_unreachable_server_is_one_line_and_exit_2(small: Shop, url: str, cli) -> None:
    result = cli("measure", str(small.map), "--events", f"{url}?table=nowhere")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        'journeymap: error: cannot read table nowhere: relation "nowhere" does not exist']
    closed = url.rsplit(":", 1)[0] + ":1/postgres"
    result = cli("measure", str(small.map), "--events", f"{closed}?table=events")
    assert result.exit_code == 2 and result.stderr.startswith("journeymap: error: cannot connect to postgresql://")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_text_time_that_is_no_time_names_the_table_and_value(url: str, small: Shop, cli) -> None:
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE odd AS SELECT * FROM events")
        con.execute("UPDATE odd SET occurred_at = 'last tuesday' WHERE ctid = (SELECT min(ctid) FROM odd)")
    result = cli("measure", str(small.map), "--events", f"{url}?table=odd")
    assert result.exit_code == 2
    assert result.stderr.startswith("journeymap: error: table odd in postgresql://")
    assert "cannot read 'last tuesday' in column 'occurred_at' as a time" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("flag", [
    "postgresql://h/db", "postgresql://h/db?table=a;drop", "postgresql://h/db?table=a&table=b",
    'postgresql://h/db?table=a"b',
])
def test_a_database_url_must_name_one_plain_table(small: Shop, flag: str) -> None:
    with pytest.raises(UsageProblem, match=r"postgresql://HOST/DB\?table=NAME"):
        small.measured(events=flag)


@pytest.mark.parametrize("path", ["events.csv", "surveys.csv"])
def test_a_map_cannot_point_measure_at_a_database(small: Shop, url: str, cli, path: str) -> None:
    """A map's (or configuration's) path is always a file in the repository: a pull request that
    writes a database URL there, for the events or the surveys, gets no connection, only "matches
    no file"."""
    source = small.map.read_text(encoding="utf-8")
    hostile = small.folder / "hostile.journey.yaml"
    hostile.write_text(source.replace(f"path: {path}", f"path: '{url}?table=events'"), encoding="utf-8")
    result = cli("measure", str(hostile))
    assert result.exit_code == 2
    assert "matches no file" in result.stderr and result.stdout == ""
    with psycopg.connect(url) as con:
        (seen,) = con.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'journeymap measure'"
                              ).fetchone()
    assert seen == 0


def test_a_map_may_name_a_table_but_the_server_comes_from_the_command_line(
    small: Shop, url: str, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = small.map.read_text(encoding="utf-8")
    tabled = small.folder / "tabled.journey.yaml"
    tabled.write_text(source.replace("path: events.csv", "table: analytics.typed_events"), encoding="utf-8")
    monkeypatch.delenv("JOURNEYMAP_DATABASE_URL", raising=False)
    asked = cli("measure", str(tabled))
    assert asked.exit_code == 2
    assert asked.stderr.strip().splitlines() == [
        f"journeymap: error: {tabled}: data: data.events.table names a table in a database; give the database with "
        "--database postgresql://HOST/DB or JOURNEYMAP_DATABASE_URL (a map or configuration never names a server)"]
    by_flag = cli("measure", str(tabled), "--database", url, "--format", "json")
    assert by_flag.exit_code == 0, by_flag.stderr
    monkeypatch.setenv("JOURNEYMAP_DATABASE_URL", url)
    by_env = cli("measure", str(tabled), "--format", "json")
    assert by_env.stdout == by_flag.stdout
    direct = cli("measure", str(small.map), "--events", f"{url}?table=analytics.typed_events", "--format", "json")
    assert json.loads(by_env.stdout)["funnel"] == json.loads(direct.stdout)["funnel"]


def test_a_table_name_in_a_map_is_a_name_not_sql(small: Shop, url: str, cli) -> None:
    source = small.map.read_text(encoding="utf-8")
    hostile = small.folder / "injected.journey.yaml"
    hostile.write_text(source.replace("path: events.csv", "table: 'events; DROP TABLE events'"), encoding="utf-8")
    result = cli("validate", str(hostile))
    assert result.exit_code == 1 and "table" in result.stdout


def test_a_map_gives_path_or_table_never_both(small: Shop, cli) -> None:
    source = small.map.read_text(encoding="utf-8")
    both = small.folder / "both.journey.yaml"
    both.write_text(source.replace("path: events.csv", "path: events.csv\n    table: events"), encoding="utf-8")
    result = cli("validate", str(both))
    assert result.exit_code == 1
    assert "error [JM010] data.events: give path or table, not both" in result.stdout


def odd_answers(small: Shop) -> Path:
    """The shop's survey answers with every seventh score made odd: no number, empty, spaced."""
    lines = (small.folder / "surveys.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    score = header.split(",").index("csat")
    odd = []
    for number, row in enumerate(rows):
        fields = row.split(",")
        if number % 7 == 0:
            fields[score] = ["n/a", "", "4.5e0", " 3 ", "five"][number % 5]
        odd.append(",".join(fields))
    answers = small.folder / "odd-surveys.csv"
    answers.write_text("\n".join([header, *odd]) + "\n", encoding="utf-8")
    return answers


def test_survey_answers_that_are_no_number_are_skipped_as_duckdb_skips_them(small: Shop, url: str) -> None:
    """PostgreSQL has no try_cast: the translation guards each cast by the text's shape, so an
    'n/a' is skipped and counted, not a failed query."""
    answers = odd_answers(small)
    duck = small.measured(surveys=str(answers))
    pg = small.measured(events=f"{url}?table=events", surveys=str(answers))
    assert duck.surveys is not None and duck.surveys.rows_skipped > 0
    assert comparable(pg) == comparable(duck)


@pytest.mark.parametrize("text", ["12", "-3.5", ".5", "1e3", " 7 ", "n/a", "", "2026-01-31", "1.2.3", "e5"])
def test_a_guarded_cast_reads_a_number_exactly_when_duckdb_s_try_cast_does(url: str, text: str) -> None:
    import duckdb

    from journeymap.measure.portable import translated

    # from a column, as the measures cast (a constant would be folded before the guard is read)
    sql = "SELECT try_cast(v AS DOUBLE) FROM answers"
    duck = duckdb.connect()
    duck.execute("CREATE TABLE answers AS SELECT ?::VARCHAR AS v", [text])
    ((expected,),) = duck.execute(sql).fetchall()
    with psycopg.connect(url) as con:
        con.execute("CREATE TEMP TABLE answers (v text)")
        con.execute("INSERT INTO answers VALUES (%s)", [text])
        (found,) = con.execute(translated(sql, "postgres")).fetchone()
    assert found == expected


@pytest.fixture(scope="module")
def answers(small: Shop, url: str) -> dict[str, Path]:
    """The shop's survey answers, and the same with answers that are no number, each as a file and
    as a table: `csat` with text scores, `research.csat_typed` with integer ones (as a survey tool
    exports them), `odd_csat` with the odd file's."""
    odd = odd_answers(small)
    load_csv(url, "csat", small.folder / "surveys.csv")
    load_csv(url, "research.csat_typed", small.folder / "surveys.csv", types={"csat": "integer"})
    load_csv(url, "odd_csat", odd)
    return {"csat": small.folder / "surveys.csv", "research.csat_typed": small.folder / "surveys.csv",
            "odd_csat": odd}


@pytest.mark.parametrize("events", ["file", "table"])
@pytest.mark.parametrize("table", ["csat", "research.csat_typed", "odd_csat"])
def test_survey_answers_from_a_table_give_the_file_s_measured_emotion(
    small: Shop, url: str, answers: dict[str, Path], events: str, table: str
) -> None:
    """With the events in a file (DuckDB: the answers are copied in) or in the same database (a view:
    they stay there), answers read from a table are measured exactly as the same rows from a file."""
    log = {} if events == "file" else {"events": f"{url}?table=events"}
    from_file = small.measured(surveys=str(answers[table]), **log)
    from_table = small.measured(surveys=f"{url}?table={table}", **log)
    assert from_file.surveys is not None and from_file.surveys.touchpoints
    assert dataclasses.asdict(from_table) == dataclasses.asdict(from_file)
    assert (from_table.surveys.rows_skipped > 0) == (table == "odd_csat")
    if table != "odd_csat":  # (the planted contradiction is measured; the odd file loses answers to it)
        contradicted = {s.touchpoint for s in from_table.surveys.touchpoints if s.contradicts}
        assert small.truth.contradicted in contradicted


def test_a_map_names_a_survey_table_and_the_server_comes_from_the_command_line(
    small: Shop, url: str, answers: dict[str, Path], cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = small.map.read_text(encoding="utf-8")
    tabled = small.folder / "surveyed.journey.yaml"
    tabled.write_text(source.replace("path: surveys.csv", "table: research.csat_typed"), encoding="utf-8")
    monkeypatch.delenv("JOURNEYMAP_DATABASE_URL", raising=False)
    asked = cli("measure", str(tabled))
    assert asked.exit_code == 2
    assert asked.stderr.strip().splitlines() == [
        f"journeymap: error: {tabled}: data: data.surveys.table names a table in a database; give the database "
        "with --database postgresql://HOST/DB or JOURNEYMAP_DATABASE_URL (a map or configuration never names a "
        "server)"]
    with_password = url.replace("journeymap@", "journeymap:s3cret@")
    by_flag = cli("measure", str(tabled), "--database", with_password, "--format", "json")
    assert by_flag.exit_code == 0, by_flag.stderr
    assert "s3cret" not in by_flag.stdout + by_flag.stderr
    monkeypatch.setenv("JOURNEYMAP_DATABASE_URL", url)
    by_env = cli("measure", str(tabled), "--format", "json")
    from_file = cli("measure", str(small.map), "--format", "json")
    assert json.loads(by_env.stdout)["surveys"] == json.loads(by_flag.stdout)["surveys"]
    assert json.loads(by_env.stdout)["surveys"] == json.loads(from_file.stdout)["surveys"]


def test_a_survey_table_without_the_column_or_the_table_is_one_line_and_exit_2(small: Shop, url: str, answers,
                                                                               cli) -> None:
    renamed = small.folder / "renamed.journey.yaml"
    renamed.write_text(small.map.read_text(encoding="utf-8").replace("score: csat", "score: cast"), encoding="utf-8")
    result = cli("measure", str(renamed), "--surveys", f"{url}?table=csat")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"journeymap: error: table csat in {url}: no column 'cast' (the score column); did you mean 'csat'?"]
    # none of the columns it names: the first is named, nothing is half-read
    renamed.write_text(small.map.read_text(encoding="utf-8").replace("touchpoint: touchpoint_id", "touchpoint: tp")
                       .replace("score: csat", "score: cast").replace("user: respondent", "user: who"),
                       encoding="utf-8")
    result = cli("measure", str(renamed), "--surveys", f"{url}?table=csat")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[0].startswith(
        f"journeymap: error: table csat in {url}: no column 'tp' (the touchpoint column)")
    result = cli("measure", str(small.map), "--surveys", f"{url}?table=nowhere")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        'journeymap: error: cannot read table nowhere: relation "nowhere" does not exist']
