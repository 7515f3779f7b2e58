"""Formats journeymap translates to and from: Mermaid journey diagrams and spreadsheet grids in;
CSV, spreadsheet grids (.xlsx, CSV) out."""

# what `journeymap export --format` writes: csv (csv_out), xlsx and csv-grid (sheet_out)
EXPORT_FORMATS = ("csv", "xlsx", "csv-grid")
