"""Formats journeymap translates to and from: Mermaid journey diagrams in, CSV out."""

# what `journeymap export --format` writes (csv_out)
EXPORT_FORMATS = ("csv",)
