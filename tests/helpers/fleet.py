"""Worker fleets for tests: many small columns on 127.0.0.1, an instance on a real
PostgreSQL, and `leadwatch worker` processes started, killed and stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import REPO

if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from benchmarks.fleetsite import Column  # noqa: E402


def column_sources(base_url: str, columns: list[Column], *, delay: float = 0) -> str:
    """sources.toml: one source per column, named ``colN``."""
    return "".join(
        f"""
[[sources]]
name = "col{i}"
kind = "municipal"
start_urls = ["{base_url}{column.start_path}"]
max_pages = {column.list_pages}
download_delay = {delay}
verified = true
"""
        for i, column in enumerate(columns)
    )


def fleet_instance(
    directory: Path,
    database_url: str,
    sources_toml: str,
    *,
    smtp_port: int = 25,
    subscriptions: str | None = None,
    extra: str = "",
) -> Instance:
    """An instance on ``database_url`` whose workers tick every second and give a silent
    worker's job to another after 2 s."""
    inst = write_instance(directory, sources_toml, smtp_port=smtp_port, subscriptions=subscriptions)
    config = inst.config.read_text("utf-8").replace("sqlite:///data/test.db", database_url)
    config += f"""
[schedule]
tick_s = 1
crawl_every_minutes = 30
crawl_jitter_s = 0

[workers]
heartbeat_s = 0.5
stalled_after_s = 2
{extra}
"""
    inst.config.write_text(config, encoding="utf-8")
    return inst


def start_worker(inst: Instance, log: Path) -> subprocess.Popen[bytes]:
    """`leadwatch worker` as a process of its own, its output in ``log``."""
    env = {k: v for k, v in os.environ.items() if k != "LEADWATCH_DATABASE_URL"}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "worker"],
            cwd=inst.dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop_workers(workers: list[subprocess.Popen[bytes]], timeout: float = 90) -> list[int]:
    """SIGTERM every worker still running, wait for each; their exit statuses."""
    for proc in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    codes = []
    for proc in workers:
        try:
            codes.append(proc.wait(timeout=timeout))
        except subprocess.TimeoutExpired:
            proc.kill()
            codes.append(proc.wait())
    return codes


def query(url: str, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def execute(url: str, sql: str, **params: object) -> None:
    """Run a statement on ``url`` and commit it."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def wait_until(condition: Callable[[], object], what: str, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(0.2)
    return value
