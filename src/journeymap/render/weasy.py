"""WeasyPrint for the poster: loaded without a search for its libraries, run with a patient
garbage collector. Every use of WeasyPrint goes through here.

Loading. WeasyPrint opens GObject, Pango, HarfBuzz and fontconfig under several names each,
Windows' first, Linux's later. For every name that is not a file, cffi asks
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc`, then `ld`: 54 programs
for one `import weasyprint`, about 0.13 s of processor time and 0.2-0.4 s of waiting, before each
library is opened under its Linux name (`libpango-1.0.so.0`), which the dynamic loader finds by
itself (LD_LIBRARY_PATH and the system's library cache). While WeasyPrint loads on Linux,
journeymap answers those questions "not found" at once, so each library is opened under that
name. Should that fail (a system where only the search finds a library), WeasyPrint is loaded
again the usual way.

Running. WeasyPrint keeps every box of a document alive until the PDF is written, so Python's
collector, run at its default pace (every 700 new objects), walks them again and again for
nothing: a 40-touchpoint poster set off 364 collections that freed 2,939 objects in all and took
0.2 s, a tenth of the poster's time. `patient_collector` makes it run every 50,000 new objects
instead; memory does not grow (the same peak of 173 MB), and the usual pace returns afterwards.
What is loaded with WeasyPrint stays until the process ends, so it is frozen (`gc.freeze`): no
collection walks it again, neither in a poster's confined child (a fork, which then copies fewer
of the parent's memory pages) nor at exit, where Python's last collections over a process holding
WeasyPrint took 0.1 s.

Imported only where a poster is made (loading WeasyPrint still takes about 0.3 s of processor time).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import gc
import importlib
import io
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from journeymap.collector import collecting_seldom

# objects allocated (net) between two collections of the youngest generation; Python's default is 700
_PATIENT_THRESHOLD = 50_000


def patient_collector() -> contextlib.AbstractContextManager[None]:
    """Python's garbage collector runs far less often inside the block (see the module's docstring)."""
    return collecting_seldom(_PATIENT_THRESHOLD)


@contextlib.contextmanager
def _libraries_by_name() -> Iterator[None]:
    """`ctypes.util.find_library` answers "not found" without running a program (Linux only: on
    other systems WeasyPrint's first names are the ones that work)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _not_searched(name: str) -> None:
    return None


def imported(module: str = "weasyprint") -> ModuleType:
    """`module` (WeasyPrint), imported with its libraries opened by name; if that fails, the usual way."""
    try:
        # WeasyPrint prints its installation help to standard output when a library is missing: on
        # this first try that is not yet known, and standard output may be the poster itself
        with patient_collector(), _libraries_by_name(), contextlib.redirect_stdout(io.StringIO()):
            return importlib.import_module(module)
    except OSError:
        return importlib.import_module(module)


weasyprint = imported()
gc.freeze()  # see the module's docstring: what is loaded now stays until the process ends
HTML: Any = weasyprint.HTML
URLFetcher: Any = weasyprint.urls.URLFetcher
URLFetcherResponse: Any = weasyprint.urls.URLFetcherResponse
