"""Helpers for tests that start, signal and kill real crawl processes.

A generated column (benchmarks.sitegen) served from memory on 127.0.0.1
(benchmarks.siteserver), an instance that crawls it, `leadwatch` started as a real
process, and the process tree under it read from /proc.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import REPO

# benchmarks/ is not an installed package; its site generator and server are used here
# as they are by `make bench`.
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from benchmarks.sitegen import Site, generate  # noqa: E402
from benchmarks.siteserver import MemorySite  # noqa: E402

WAIT_S = 60.0
SOURCE = "column"


@contextmanager
def served_column(root: Path, articles: int) -> Iterator[tuple[Site, MemorySite]]:
    site = generate(root, articles=articles)
    with MemorySite(site.root) as server:
        yield site, server


def column_instance(directory: Path, site: Site, server: MemorySite, extra: str = "") -> Instance:
    """An instance whose one source is the generated column."""
    sources = f"""
[[sources]]
name = "{SOURCE}"
kind = "municipal"
start_urls = ["{server.url}{site.start_path}"]
max_pages = {site.list_pages}
download_delay = 0
verified = true
"""
    inst = write_instance(directory, sources)
    if extra:
        inst.config.write_text(inst.config.read_text("utf-8") + extra, encoding="utf-8")
    return inst


def article_urls(site: Site, server: MemorySite) -> set[str]:
    return {
        f"{server.url}/{path.relative_to(site.root).as_posix()}"
        for path in (site.root / "doc").rglob("*.shtml")
    }


def stored(inst: Instance) -> list[str]:
    """Every stored article URL (with repeats, if there were any)."""
    if not inst.db.exists():
        return []
    try:
        with sqlite3.connect(inst.db, timeout=10) as db:
            return [url for (url,) in db.execute("select url from articles")]
    except sqlite3.OperationalError:  # no table yet
        return []


def runs(inst: Instance) -> list[tuple]:
    """(id, status, message, pid) of every run, oldest first."""
    with sqlite3.connect(inst.db, timeout=10) as db:
        return db.execute("select id, status, message, pid from crawl_runs order by id").fetchall()


def leadwatch(inst: Instance, *args: str, new_group: bool = False) -> subprocess.Popen[str]:
    """`leadwatch ARGS` as a process of its own (in a new process group if asked)."""
    env = {k: v for k, v in os.environ.items() if k != "LEADWATCH_DATABASE_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), *args],
        cwd=inst.dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=new_group,
    )


def children(pid: int) -> list[int]:
    """Live (not zombie) child processes of ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        out += kids
        todo += kids
    return out


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def environ(pid: int) -> dict[str, str]:
    data = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in data.split(b"\0") if b"=" in item)
    return {k.decode(): v.decode(errors="replace") for k, v in pairs}


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT_S) -> object:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return value


def crawl_jobs(parent: int) -> list[int]:
    """The crawl jobs (``python -m crawler.crawl.job``) under process ``parent``."""
    return [p for p in descendants(parent) if "crawler.crawl.job" in cmdline(p)]


def crawl_processes(parent: int) -> tuple[int, int]:
    """(crawl job, article worker) under a `leadwatch crawl` process, once both run (the
    job is a child of its fork server, crawler.crawl.forkserver, under ``parent``)."""

    def found() -> tuple[int, int] | None:
        jobs = crawl_jobs(parent)
        workers = [p for j in jobs for p in children(j) if "crawler.crawl.worker" in cmdline(p)]
        return (jobs[0], workers[0]) if jobs and workers else None

    return wait_for(found, "the crawl job and its article worker")  # type: ignore[return-value]


def reap(proc: subprocess.Popen[str]) -> None:
    """Kill ``proc`` if it still runs, and close its pipes (no ResourceWarning later)."""
    if proc.poll() is None:
        proc.kill()
    proc.communicate()
