"""Loading and running WeasyPrint cheaply: no programs run to find its libraries, a library that
only such a search finds is still loaded, and the garbage collector's pace comes back."""

from __future__ import annotations

import contextlib
import ctypes.util
import gc
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeymap.render.weasy import imported, patient_collector

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search it avoids is Linux's")

# a fresh interpreter: counts the programs started while journeymap loads WeasyPrint, then prints a PDF
LOAD_AND_PRINT = textwrap.dedent("""
    import ctypes.util, sys
    started = []
    sys.addaudithook(lambda event, args: started.append(args[0]) if event == "subprocess.Popen" else None)
    from journeymap.render.weasy import HTML
    pdf = HTML(string="<p>Poster</p>").render().write_pdf(pdf_variant="pdf/ua-1")
    print(len(started), pdf[:5].decode(), ctypes.util.find_library("c") is not None)
""")


@linux_only
def test_loading_weasyprint_starts_no_program_and_leaves_the_library_search_working():
    # `import weasyprint` on its own runs ldconfig, gcc and ld 54 times to look for its libraries
    run = subprocess.run([sys.executable, "-c", LOAD_AND_PRINT], capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["0", "%PDF-", "True"]


@linux_only
def test_a_library_only_the_search_finds_is_loaded_the_usual_way(tmp_path, monkeypatch, capsys):
    # a stand-in for WeasyPrint on a system where only ldconfig's search finds a library: it fails the
    # way cffi does (printing WeasyPrint's installation help first), unless the search finds it
    (tmp_path / "stand_in_for_weasyprint.py").write_text(textwrap.dedent("""
        import ctypes.util
        if ctypes.util.find_library("c") is None:
            print("WeasyPrint could not import some external libraries")
            raise OSError("cannot load library 'c'")
        LOADED = True
    """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    search = ctypes.util.find_library
    module = imported("stand_in_for_weasyprint")
    assert module.LOADED
    assert capsys.readouterr().out == ""  # the first try's help text never reaches standard output
    assert ctypes.util.find_library is search
    monkeypatch.delitem(sys.modules, "stand_in_for_weasyprint")


@given(st.integers(min_value=1, max_value=10_000), st.booleans())
def test_the_collector_runs_less_often_inside_and_at_its_own_pace_after(threshold, fails):
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        with pytest.raises(ValueError) if fails else contextlib.nullcontext(), patient_collector():
            assert gc.get_threshold()[0] >= 50_000
            assert gc.get_threshold()[1:] == before[1:]
            if fails:
                raise ValueError("the layout failed")
        assert gc.get_threshold() == (threshold, *before[1:])
    finally:
        gc.set_threshold(*before)

