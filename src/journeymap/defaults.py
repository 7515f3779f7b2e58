"""The limits journeymap applies unless the configuration or a flag says otherwise.

Kept in a module of their own that imports nothing, so the command line's
options, the configuration and the renderers share them without importing
each other.
"""

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # map files larger than this are refused
DEFAULT_TIMEOUT = 120.0  # seconds Graphviz or WeasyPrint may take for one picture
DEFAULT_MEMORY_BYTES = 2 * 1024**3  # address space Graphviz or WeasyPrint may use
