"""Faults around the maps: a full disk, an output folder that cannot be written, Ctrl-C in a batch.

Each command that writes a file must fail in one line with exit 2 and leave neither a
half-written output nor a temporary file. The tests run as root in CI, where permission bits
do not stop a write, so an unwritable folder and a full disk are simulated in-process by making
the operating system call fail with the error it would give (EACCES, ENOSPC); where the tests
run as an ordinary user, a read-only folder is tried for real as well. Standard output on a
full disk is real: /dev/full fails every write with ENOSPC.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES, have, run_cli
from tests.render.helpers import bench_generator

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

SHOP = EXAMPLES / "online-shop.journey.yaml"
TRIAL = EXAMPLES / "b2b-saas-trial.journey.yaml"
HANG_SECONDS = 120


def writers(out: Path) -> dict[str, tuple[list[str], Path]]:
    """Every command that writes a file, with the file it writes."""
    good_mermaid = FIXTURES / "mermaid" / "messy.mmd"
    return {
        "render-file": (["render", str(SHOP), "--format", "mermaid", "--out", str(out / "shop.mmd")], out / "shop.mmd"),
        "render-batch": (["render", str(EXAMPLES), "--format", "html", "--out", str(out)], out / "online-shop.html"),
        "export": (["export", str(EXAMPLES), "--out", str(out / "backlog.csv")], out / "backlog.csv"),
        "import": (["import", "mermaid", str(good_mermaid), "--out", str(out / "day.journey.yaml")],
                   out / "day.journey.yaml"),
        "site": (["site", str(EXAMPLES), "--out", str(out / "site")], out / "site" / "index.html"),
        "diff-html": (["diff", str(SHOP), str(TRIAL), "--format", "html", "--out", str(out / "change.html")],
                      out / "change.html"),
        "init": (["init", str(out / "new.journey.yaml")], out / "new.journey.yaml"),
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def assert_one_line_failure(run, expected: str) -> None:
    assert run.exit_code == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stdout + run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("journeymap: error:")]
    assert errors, run.stderr
    assert expected in errors[0], errors[0]


@pytest.mark.parametrize("command", list(writers(Path("."))))
def test_a_full_disk_fails_in_one_line_and_leaves_no_file(tmp_path, monkeypatch, command):
    out = tmp_path / "out"
    out.mkdir()
    args, target = writers(out)[command]

    def disk_full(fd: int) -> None:  # the data was written to the temporary file; the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    run = run_cli(*args)
    assert_one_line_failure(run, "No space left on device")
    assert f"cannot write {target.parent}" in run.stderr or f"cannot write {target}" in run.stderr
    assert [name for name in leftovers(out) if name.endswith(".tmp") or name == target.name] == []


@pytest.mark.parametrize("command", list(writers(Path("."))))
def test_an_output_folder_that_cannot_be_written_fails_in_one_line(tmp_path, monkeypatch, command):
    out = tmp_path / "out"
    out.mkdir()
    args, _ = writers(out)[command]
    real_mkstemp = tempfile.mkstemp

    def refused(*a, **kw):
        if str(kw.get("dir", "")).startswith(str(out)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_mkstemp(*a, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    run = run_cli(*args)
    assert_one_line_failure(run, "Permission denied")
    assert leftovers(out) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; simulated in the test above")
def test_a_read_only_output_folder_for_real(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        run = run_cli("render", str(SHOP), "--format", "mermaid", "--out", str(out / "shop.mmd"))
    finally:
        out.chmod(0o700)
    assert_one_line_failure(run, "Permission denied")
    assert leftovers(out) == []


@pytest.mark.parametrize(
    "args",
    [
        ["render", str(EXAMPLES), "--format", "dot", "--out", "{file}/out"],
        ["site", str(EXAMPLES), "--out", "{file}/site"],
        ["export", str(EXAMPLES), "--out", "{file}/backlog.csv"],
        ["diff", str(SHOP), str(TRIAL), "--format", "svg", "--out", "{file}/pictures/"],
    ],
    ids=["render", "site", "export", "diff"],
)
def test_an_output_path_under_a_file_is_refused_in_one_line(tmp_path, args):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder\n")
    if args[0] == "diff" and not have("dot"):
        pytest.skip("Graphviz (dot) is not installed")
    run = run_cli(*(a.replace("{file}", str(blocker)) for a in args))
    assert run.exit_code == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert str(blocker) in run.stderr
    assert blocker.read_text() == "not a folder\n"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", str(EXAMPLES)],
        ["validate", str(EXAMPLES), "--format", "sarif"],
        ["render", str(SHOP), "--format", "mermaid"],
        ["export", str(EXAMPLES)],
        ["diff", str(SHOP), str(TRIAL), "--format", "markdown"],
        ["rules"],
        ["schema"],
        ["--help"],
        ["--version"],
    ],
    ids=lambda a: "-".join(x for x in a if not x.startswith("/"))[:40],
)
def test_standard_output_on_a_full_disk_is_one_line_and_exit_2(args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "journeymap", *args], stdout=full, stderr=subprocess.PIPE, text=True,
            timeout=HANG_SECONDS, env={**os.environ, "NO_COLOR": "1"}, check=False,
        )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "journeymap: error: cannot write to standard output: No space left on device\n"


# -- Ctrl-C ---------------------------------------------------------------------------------------


def many_maps(folder: Path, count: int) -> Path:
    folder.mkdir()
    generate = bench_generator().generate_map
    texts = [generate(i) for i in range(min(count, 8))]
    for i in range(count):
        (folder / f"m{i:04}.journey.yaml").write_text(texts[i % len(texts)])
    return folder


def interrupt_when(proc: subprocess.Popen[bytes], ready) -> tuple[str, str]:
    """Send Ctrl-C (SIGINT to the whole process group, as a terminal does) once `ready()` holds."""
    deadline = time.monotonic() + HANG_SECONDS
    while not ready():
        assert proc.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=HANG_SECONDS)
    return out.decode(), err.decode()


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "journeymap", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True, env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize("fmt,suffix,complete", [("poster", ".poster.pdf", b"%%EOF"), ("dot", ".dot", b"}\n")])
def test_ctrl_c_in_a_render_batch_stops_it_and_leaves_only_whole_files(tmp_path, fmt, suffix, complete):
    maps = many_maps(tmp_path / "maps", 40 if fmt == "poster" else 3000)
    out = tmp_path / "out"
    proc = start("render", str(maps), "--format", fmt, "--out", str(out), "--jobs", "2")
    # ready once a whole picture is there: a temporary file (".name.tmp") may be all there is at first
    _, err = interrupt_when(proc, lambda: out.is_dir() and any(p.name.endswith(suffix) for p in out.iterdir()))
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == "journeymap: interrupted"
    assert "Traceback" not in err
    written = leftovers(out)
    assert [name for name in written if not name.endswith(suffix)] == [], "a temporary file was left behind"
    assert 0 < len(written) < len(list(maps.iterdir())), "the batch was not stopped part way"
    for name in written:
        assert (out / name).read_bytes().rstrip(b"\n").endswith(complete.rstrip(b"\n")), name


def test_ctrl_c_in_a_parallel_validate_is_quiet(tmp_path):
    maps = many_maps(tmp_path / "maps", 3000)
    proc = start("validate", str(maps), "--jobs", "2")
    _, err = interrupt_when(proc, lambda: len(children(proc.pid)) >= 2)  # the workers are at it
    assert proc.returncode == 130, err
    assert err == "journeymap: interrupted\n"
