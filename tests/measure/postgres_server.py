"""A real PostgreSQL server for the tests: Debian's postgresql package (scripts/system-deps.sh
--test installs it), a cluster made in a fresh folder, listening on 127.0.0.1 on a free port,
stopped and removed when the tests are done. PostgreSQL refuses to run as root, so as root
the cluster belongs to `nobody`."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    # Debian keeps the server's programs off PATH, one folder a major version
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available() -> bool:
    return all(_bin(n) for n in ("initdb", "pg_ctl"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server() -> Iterator[str]:
    """A running server; yields the URL of its database `postgres` (user journeymap, no password)."""
    folder = tempfile.mkdtemp(prefix="journeymap-pg-")
    data, port = os.path.join(folder, "data"), _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        os.chmod(folder, 0o700)
        as_user = ["runuser", "-u", "nobody", "--"]
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    assert initdb and pg_ctl
    run = {"check": True, "capture_output": True, "cwd": folder, "timeout": 120}
    subprocess.run([*as_user, initdb, "-D", data, "-U", "journeymap", "--auth=trust", "-E", "UTF8",
                    "--locale=C"], **run)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*as_user, pg_ctl, "-D", data, "-o", options, "-l", os.path.join(folder, "log"), "-w",
                    "start"], **run)
    try:
        yield f"postgresql://journeymap@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], capture_output=True,
                       cwd=folder, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
