"""A real PostgreSQL server for tests: started in a temp dir on 127.0.0.1, one database
per test (``Postgres.database``), stopped at the end.

Debian's postgresql package provides the server; PostgreSQL refuses to run as root, so
as root it runs as the ``postgres`` user. Without a server the tests skip (CI fails
instead: .ci/run installs one, and there a skip would hide a gap).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.helpers.net import free_port


def server_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the ``postgres`` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@dataclass
class Postgres:
    port: int
    root: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://leadwatch@127.0.0.1:{self.port}/{database}"

    def database(self, name: str) -> str:
        """A new, empty database ``name``; its SQLAlchemy URL."""
        admin = create_engine(self.url())
        try:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'create database "{name}"'))
        finally:
            admin.dispose()
        return self.url(name)


def require_server() -> Path:
    bin_dir = server_bin()
    if bin_dir is None:
        message = "PostgreSQL server not installed (Debian: apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return bin_dir


@contextmanager
def running_postgres(settings: tuple[str, ...] = ()) -> Iterator[Postgres]:
    """A PostgreSQL server for the duration of the block (``settings``: extra ``-c``
    options such as ``max_connections=200``)."""
    pytest.importorskip("psycopg", reason="psycopg is in the test extra: pip install -e '.[test]'")
    bin_dir = require_server()
    # Not under pytest's tmp dir: that is private to us, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="leadwatch-pg-"))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    port = free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "leadwatch"]
    subprocess.run(as_server_user([*initdb, "-E", "UTF8"]), **run)
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c timezone=Asia/Shanghai" + "".join(f" -c {s}" for s in settings)
    )
    pg_ctl = str(bin_dir / "pg_ctl")
    log = str(root / "log")
    subprocess.run(
        as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", log, "-w", "start"]), **run
    )
    server = Postgres(port, root)
    try:
        admin = create_engine(server.url())
        deadline = time.monotonic() + 30
        while True:
            try:
                with admin.connect() as conn:
                    conn.execute(text("select 1"))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        admin.dispose()
        yield server
    finally:
        subprocess.run(
            as_server_user([pg_ctl, "-D", str(data), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)
