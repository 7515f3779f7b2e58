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
from tests.conftest import FIXTURES, have

import journeymap

PROBE = r"""
import json, os, sys
events = []

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        events.append(["open", os.path.abspath(os.fsdecode(args[0]))])
    elif event.startswith("socket.") or event.startswith("http.") or event == "urllib.Request":
        events.append([event, repr(args)[:300]])

sys.addaudithook(hook)
from journeymap.cli import app
code = 2
try:
    code = app(sys.argv[2:], standalone_mode=False) or 0
except SystemExit as exc:
    code = exc.code
except Exception as exc:
    events.append(["raised", type(exc).__name__])
with open(sys.argv[1], "w") as handle:
    json.dump(events, handle)
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
@pytest.mark.parametrize("fmt", FORMATS)
def test_render_reads_only_its_map_folder_and_makes_no_connection(tmp_path, fmt):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=do-not-leak\n")
    map_dir = tmp_path / "maps"
    map_dir.mkdir()
    text = (FIXTURES / "render" / "hostile" / "hostile.journey.yaml").read_text().replace("$PORT", "9")
    # a persona photo that climbs out of the map's folder to the secret
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
    events = json.loads(log.read_text())
    assert not [e for e in events if e[0] != "open" and e[0] != "raised"], "a socket or HTTP call was made"
    opened = {e[1] for e in events if e[0] == "open"}
    assert str(secret) not in opened
    assert "/etc/passwd" not in opened and "/etc/hostname" not in opened
    roots = _allowed_roots(map_dir.resolve(), out_dir.resolve(), temp_dir.resolve(), work.resolve())
    outside = sorted(p for p in opened if not p.startswith(roots) and p != str(log))
    assert outside == [], f"opened outside the map folder and the output: {outside}"
    assert "do-not-leak" not in proc.stdout + proc.stderr
    if fmt in ("svg", "dot", "mermaid"):  # these never show photos, so the map still renders
        assert any(p.startswith(str(out_dir.resolve())) for p in opened), "nothing was written"
    else:
        assert proc.returncode == 1 and "photo" in proc.stderr
