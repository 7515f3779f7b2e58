"""`journeymap measure`: the journey as customers walk it, computed from event logs and surveys.

The road: `spec` turns the map's and the project's `data` sections and the flags into a
`Spec` (which files, which columns, which options); `classify` decides which touchpoint each
event name belongs to; an engine (`duckdb_engine`, `spark_engine`) loads the files and runs
the SQL that `queries` writes; `compute` assembles the numbers into a `snapshot.MeasuresSnapshot`;
`present` writes it as text, Markdown, HTML or the versioned JSON snapshot.

Nothing here prints or exits; DuckDB and PySpark are imported only when an engine is made.
"""
