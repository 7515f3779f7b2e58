"""Where in the files a bad value stands, for a message that names file and row.

Only runs when a value could not be read, so it may read the files again slowly.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator, Sequence


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
        import duckdb

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
