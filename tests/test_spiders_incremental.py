"""A crawl killed half-way must not make the next run stop paging early and lose pages.

Stopping at a list page whose articles are all known is only safe when those articles
were known before the last *completed* run finished: a run killed half-way stores the
newest articles and never reaches the older pages behind them. Here a
real crawl is SIGKILLed after it stored the newest 100 articles of a column that grew by
160, while the older pages behind them were still unvisited.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.badserver import BadServer
from tests.helpers.crawlproc import children, crawl_jobs
from tests.helpers.instance import write_instance

pytestmark = pytest.mark.integration  # real crawls, servers or processes

PER_PAGE = 20
WAIT_S = 120


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or locked for a moment
        return -1


def _wait_for(condition, what: str) -> None:  # noqa: ANN001 - a small local predicate
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_killed_crawl_does_not_make_the_next_run_stop_early(tmp_path: Path):
    with BadServer() as server:
        server.grow_per_page = PER_PAGE
        server.grow_total = 40
        inst = write_instance(
            tmp_path,
            f"""
[[sources]]
name = "grow"
kind = "municipal"
start_urls = ["{server.url}/grow/index.html"]
max_pages = 20
download_delay = 0
[sources.selectors]
list_links = "ul.list li a"
""",
        )
        inst.run("crawl", "grow")  # run 1 completes: articles 1-40, two pages
        assert _count(inst.db) == 40

        # 160 new articles: pages 1-5 hold 200..101, page 6 onwards the older ones.
        server.grow_total = 200
        gate = server.gate("/grow/list_6.html")
        env = {k: v for k, v in os.environ.items() if k != "LEADWATCH_DATABASE_URL"}
        cli = [sys.executable, "-m", "crawler.cli", "--config", str(inst.config)]
        parent = subprocess.Popen(
            [*cli, "crawl", "grow"],
            cwd=inst.dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(lambda: server.requests("/grow/list_6.html"), "the crawl to reach page 6")
            _wait_for(lambda: _count(inst.db) == 140, "the newest 100 articles to be stored")
            (job,) = crawl_jobs(parent.pid)  # python -m crawler.crawl.job
            workers = children(job)
            os.kill(job, signal.SIGKILL)
            for pid in workers:  # its article worker, if it outlived the kill
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            out, _ = parent.communicate(timeout=WAIT_S)
        finally:
            gate.set()
            if parent.poll() is None:
                parent.kill()
        assert parent.returncode == 1, out
        killed = inst.runs()[0]
        assert killed["status"] == "failed" and "-9" in killed["message"], killed

        mark = len(server.requests())
        inst.run("crawl", "grow")  # run 3
        third = inst.runs()[0]
        assert third["status"] == "completed", third
        assert _count(inst.db) == 200, "articles 41-100 were lost"
        assert third["articles_new"] == 60
        lists = [p for p in server.paths()[mark:] if p.startswith("/grow/") and "/doc/" not in p]
        # pages 1-5 were stored by the killed run: known, but not settled, so paging went
        # on; page 9 (articles 40..21) was settled by run 1, so paging stopped there.
        assert lists == ["/grow/index.html"] + [f"/grow/list_{n}.html" for n in range(2, 10)]
