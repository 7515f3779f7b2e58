"""Rendering a hostile map opens no file outside the map's folder and the output, and no socket.

Each render runs in its own Python process with an audit hook (`sys.addaudithook`)
that records every `open` and every socket event before journeymap is imported;
hooks cannot be removed, so they stay out of the test process. Programs that
journeymap starts (Graphviz's `dot`) get a scrubbed environment and only our
generated DOT text; they are covered by the DOT escaping tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import journeymap
from tests.conftest import FIXTURES, have

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

# Events go straight to a file descriptor opened before the hook, one JSON line each: forked
# children (posters are drawn in one, under a time and memory limit) inherit both the hook and
# the descriptor, so their opens are recorded too.
PROBE = r"""
import json, os, sys

log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

def record(*event):
    os.write(log, (json.dumps(event) + "\n").encode())

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        record("open", os.path.abspath(os.fsdecode(args[0])), os.getpid())
    elif event.startswith("socket.") or event.startswith("http.") or event == "urllib.Request":
        record(event, repr(args)[:300], os.getpid())

sys.addaudithook(hook)
from journeymap.cli import app
code = 2
try:
    code = app(sys.argv[2:], standalone_mode=False) or 0
except SystemExit as exc:
    code = exc.code
except Exception as exc:
    record("raised", type(exc).__name__, os.getpid())
sys.exit(code)
"""

FORMATS = ("svg", "dot", "poster", "html", "mermaid")
SYSTEM_FILES = ("/etc/fonts/", "/etc/mime.types", "/etc/ld.so.cache", "/etc/localtime", "/dev/null",
                "/proc/", "/sys/", "/usr/share/", "/usr/lib/", "/lib/", "/usr/local/lib/", "/var/cache/fontconfig/")


def _allowed_roots(map_dir: Path, out_dir: Path, temp_dir: Path, work: Path) -> tuple[str, ...]:
    python_dirs = {sys.prefix, sys.base_prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]}
    package_dir = str(Path(journeymap.__file__).resolve().parent)
    return (
        str(map_dir) + "/", str(out_dir) + "/", str(temp_dir), package_dir + "/",
        str(work / "pyproject.toml"), str(work / ".journeymap.yaml"), str(work / ".journeymap.yml"),
        *(d + "/" for d in python_dirs), *SYSTEM_FILES,
    )


@pytest.mark.skipif(not have("dot"), reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize("photo_escapes", [True, False], ids=["photo-climbs-out", "no-photo"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_render_reads_only_its_map_folder_and_makes_no_connection(tmp_path, fmt, photo_escapes):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=do-not-leak\n")
    map_dir = tmp_path / "maps"
    map_dir.mkdir()
    text = (FIXTURES / "render" / "hostile" / "hostile.journey.yaml").read_text().replace("$PORT", "9")
    if photo_escapes:  # a persona photo that climbs out of the map's folder to the secret
        text = text.replace("  - id: mallory\n", "  - id: mallory\n    photo: ../secret.txt\n", 1)
        assert "photo: ../secret.txt" in text
    (map_dir / "hostile.journey.yaml").write_text(text + f"\n# {secret}\n")
    out_dir = tmp_path / "out"
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / ".git").mkdir()  # stops the configuration search here
    log = tmp_path / "events.json"
    env = {**os.environ, "TMPDIR": str(temp_dir), "NO_COLOR": "1", "HOME": str(work)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(log), "render", str(map_dir / "hostile.journey.yaml"),
         "--format", fmt, "--out", f"{out_dir}/"],
        cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert "Traceback" not in proc.stderr
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert not [e for e in events if e[0] != "open" and e[0] != "raised"], "a socket or HTTP call was made"
    opened = {e[1] for e in events if e[0] == "open"}
    assert str(secret) not in opened
    assert "/etc/passwd" not in opened and "/etc/hostname" not in opened
    roots = _allowed_roots(map_dir.resolve(), out_dir.resolve(), temp_dir.resolve(), work.resolve())
    outside = sorted(p for p in opened if not p.startswith(roots) and p != str(log))
    assert outside == [], f"opened outside the map folder and the output: {outside}"
    assert "do-not-leak" not in proc.stdout + proc.stderr
    if photo_escapes and fmt in ("poster", "html"):
        assert proc.returncode == 1 and "photo" in proc.stderr
        return
    assert proc.returncode == 0, proc.stderr
    assert any(p.startswith(str(out_dir.resolve())) for p in opened), "nothing was written"
    if fmt == "poster":  # drawn in a forked child: what WeasyPrint opened there is in the record too
        child_opens = [e for e in events if e[0] == "open" and e[2] != events[0][2]]
        assert any(e[1].endswith("poster.css") for e in child_opens), "the child was not audited"


def _audited(tmp_path: Path, args: list[str]) -> tuple[subprocess.CompletedProcess[str], list[list], tuple[str, ...]]:
    """Run `journeymap ARGS` under the audit hook from an empty working folder; its events and the
    roots it may open files under."""
    temp_dir, work = tmp_path / "tmp", tmp_path / "work"
    temp_dir.mkdir()
    work.mkdir()
    (work / ".git").mkdir()  # stops the configuration search here
    log = tmp_path / "events.json"
    env = {**os.environ, "TMPDIR": str(temp_dir), "NO_COLOR": "1", "HOME": str(work)}
    proc = subprocess.run([sys.executable, "-c", PROBE, str(log), *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    roots = _allowed_roots((tmp_path / "maps").resolve(), (tmp_path / "out").resolve(), temp_dir.resolve(),
                           work.resolve())
    return proc, events, (*roots, str(log))


@pytest.mark.skipif(not have("dot"), reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize("command", ["site", "diff-html", "diff-svg", "export", "validate-sarif"])
def test_every_command_that_draws_or_writes_stays_in_the_map_folder(tmp_path, command):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=do-not-leak\n")
    maps, out = tmp_path / "maps", tmp_path / "out"
    maps.mkdir()
    text = (FIXTURES / "render" / "hostile" / "hostile.journey.yaml").read_text().replace("$PORT", "9")
    (maps / "old.journey.yaml").write_text(text.replace("title:", "title: Before,", 1))
    (maps / "new.journey.yaml").write_text(text + f"\n# {secret}\n")
    old, new = str(maps / "old.journey.yaml"), str(maps / "new.journey.yaml")
    args = {
        "site": ["site", str(maps), "--out", str(out)],
        "diff-html": ["diff", old, new, "--format", "html", "--out", f"{out}/"],
        "diff-svg": ["diff", old, new, "--format", "svg", "--out", f"{out}/"],
        "export": ["export", str(maps), "--out", str(out / "rows.csv")],
        "validate-sarif": ["validate", str(maps), "--format", "sarif"],
    }[command]
    if command == "export":
        out.mkdir()
    proc, events, roots = _audited(tmp_path, args)
    assert "Traceback" not in proc.stderr
    assert [e for e in events if e[0] not in ("open", "raised")] == [], "a socket or HTTP call was made"
    opened = sorted({e[1] for e in events if e[0] == "open"})
    assert [p for p in opened if not p.startswith(roots)] == []
    assert str(secret) not in opened
    assert "do-not-leak" not in proc.stdout + proc.stderr
    if command != "validate-sarif":
        assert any(p.startswith(str(out.resolve())) for p in opened), proc.stderr
