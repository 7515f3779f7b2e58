"""Where in the files a bad value stands, for a message that names file and row.

Only runs when a value could not be read, so it may read the files again slowly.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator, Sequence

from journeymap.errors import JourneymapError


def row_of(files: Sequence[str], fmt: str, column: str, value: str) -> str:
    """'FILE, row N' (rows counted from 1 after a CSV header, lines for NDJSON) of the first
    row whose `column` holds `value`; the first file when it cannot be found."""
    for path in files:
        try:
            for number, found in _values(path, fmt, column):
                if found == value:
                    return f"{path}, row {number}"
        except (OSError, ValueError, csv.Error):
            continue
    return files[0]


def _open(path: str) -> io.TextIOBase:
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace", newline="")


def _values(path: str, fmt: str, column: str) -> Iterator[tuple[int, str]]:
    if fmt == "parquet":
        import duckdb  # noqa: PLC0415

        con = duckdb.connect()
        try:
            # this one checked file and nothing else, as in the run itself
            con.execute("SET allowed_paths = ?", [[path]])
            con.execute("SET enable_external_access = false")
            con.execute("SET autoload_known_extensions = false")
            con.execute("SET lock_configuration = true")
            quoted = '"' + column.replace('"', '""') + '"'
            rows = con.execute(
                f"SELECT file_row_number + 1, CAST({quoted} AS VARCHAR) FROM read_parquet(?, file_row_number = true)",
                [path],
            ).fetchall()
        finally:
            con.close()
        for number, found in rows:
            yield int(number), str(found)
        return
    with _open(path) as handle:
        if fmt == "csv":
            for number, row in enumerate(csv.DictReader(handle), start=1):
                yield number, str(row.get(column))
        else:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    record = json.loads(line)
                    if isinstance(record, dict) and column in record:
                        yield number, str(record[column])


def delimiter(path: str) -> str:
    """The field separator both engines are told (never sniffed, so they split rows alike): a
    tab for .tsv, else a comma."""
    return "\t" if path.lower().removesuffix(".gz").endswith(".tsv") else ","


def refuse_empty(files: Sequence[str]) -> None:
    """JourneymapError for a file of 0 bytes: it has no header, so no column can be found in it
    (DuckDB would invent one named column0; Spark none)."""


    for path in files:
        if os.path.getsize(path) == 0:
            raise JourneymapError(
                f"{path}: the file is empty (0 bytes); an event log needs at least a header row naming its columns"
            )


def damage(files: Sequence[str], fmt: str) -> str | None:
    """'FILE, row N (line L): what is wrong; what to do' for the first row of a CSV that no
    engine should read (a row with more or fewer fields than the header, damaged gzip data),
    None when every file reads cleanly. Both engines refuse such a file, each in its own words;
    this is the one message users see, whichever engine ran."""
    if fmt != "csv":
        return None
    for path in files:
        found = _csv_damage(path)
        if found:
            return found
    return None


def _csv_damage(path: str) -> str | None:

    row, line = 0, 1
    try:
        with _open_strict(path) as handle:
            reader = csv.reader(handle, delimiter=delimiter(path), strict=True)
            header = next(reader, None)
            if header is None:
                return None
            width = len(header)
            line = reader.line_num + 1
            for fields in reader:
                if not fields:  # a blank line is no row, for the engines as for row_of
                    line = reader.line_num + 1
                    continue
                row += 1
                if len(fields) != width:
                    return (
                        f"{path}, row {row} (line {line}): {len(fields)} field{'s' if len(fields) != 1 else ''} "
                        f"where the header has {width}; fix or remove the row"
                    )
                line = reader.line_num + 1
    except (OSError, EOFError, zlib.error) as exc:
        if not path.endswith(".gz"):
            return f"{path}, row {row + 1} (line {line}): cannot read it: {exc}"
        return (
            f"{path}, row {row + 1} (line {line}): the gzip data is damaged from here on ({_why(exc)}); "
            "compress the file again from its original"
        )
    except UnicodeDecodeError:
        return f"{path}, row {row + 1} (line {line}): not UTF-8 text; save the file as UTF-8"
    except csv.Error as exc:
        return f"{path}, row {row + 1} (line {line}): {exc}; fix the quoting of that row"
    return None


def _open_strict(path: str) -> io.TextIOBase:
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]
