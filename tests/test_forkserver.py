"""Crawl jobs forked from the fork server (crawler.crawl.forkserver, crawler.crawl.forked).

Real crawls of a generated column on 127.0.0.1: one launcher reuses one server for all
its crawls; the forked path stores exactly what a fresh start stores; a killed server
costs its crawl (stopped cleanly, recorded) and nothing else: the next crawl starts a
new server and completes the column. The signal, crash and environment cases of the
forked processes are in tests/test_crawl_crashes.py and tests/test_child_env.py.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.crawl import forked
from crawler.crawl.launch import crawl_log_path, crawl_source
from crawler.store import Database
from tests.helpers.crawlproc import (
    SOURCE,
    alive,
    article_urls,
    cmdline,
    column_instance,
    crawl_processes,
    descendants,
    leadwatch,
    reap,
    runs,
    served_column,
    stored,
    wait_for,
)

pytestmark = pytest.mark.integration

ARTICLES = 60


@pytest.fixture(scope="module")
def column(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with served_column(tmp_path_factory.mktemp("column"), ARTICLES) as served:
        yield served


def _articles(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select url, title, body from articles order by url").fetchall()


def test_one_launcher_forks_every_crawl_from_one_server_and_stores_what_a_fresh_start_does(
    tmp_path: Path, column, monkeypatch: pytest.MonkeyPatch
):
    site, server = column
    stores = {}
    for mode in ("1", "0"):
        monkeypatch.setenv(forked.SWITCH_ENV, mode)
        if mode == "0":  # no server left over: one started now would be seen
            forked._close_server()
            monkeypatch.setattr(forked, "_server", None)
        (tmp_path / mode).mkdir()
        inst = column_instance(tmp_path / mode, site, server)
        config = load_config(inst.config)
        database = Database(config.database_url)
        servers = []
        for full in (False, True):  # a first crawl, then a full one (all fetched again)
            outcome = crawl_source(config, database, SOURCE, full=full)
            assert outcome.ok, outcome.summary()
            log = crawl_log_path(config, SOURCE, outcome.run.id).read_text("utf-8")
            assert "Spider closed (finished)" in log  # the job's output reached its log
            servers.append(forked._server.pid if forked._server else None)
        if mode == "1":  # one server, alive between crawls, forked both
            assert servers[0] is not None and servers == [servers[0]] * 2
            assert forked._server is not None and forked._server.alive
        else:  # switched off: no server started
            assert servers == [None, None]
        stores[mode] = _articles(inst.db)
        database.engine.dispose()
    assert len(stores["1"]) == ARTICLES
    assert stores["1"] == stores["0"]


def test_a_killed_fork_server_costs_its_crawl_only(tmp_path: Path, column):
    site, server = column
    inst = column_instance(tmp_path, site, server)
    gate = server.gate("/yxzx/index_2.html")  # the crawl waits here until the kill
    parent = leadwatch(inst, "crawl", SOURCE)
    try:
        job, worker = crawl_processes(parent.pid)
        (forkserver,) = [p for p in descendants(parent.pid) if "forkserver" in cmdline(p)]
        assert job in descendants(forkserver) and worker in descendants(job)
        wait_for(lambda: len(stored(inst)) >= 1, "a stored article")
        os.kill(forkserver, signal.SIGKILL)
        log = next((inst.dir / "data" / "logs").glob("crawl-*.log"))
        # the job sees its parent gone and stops cleanly (it keeps what it fetched)
        wait_for(lambda: "Received SIGTERM" in log.read_text("utf-8"), "the job to stop")
        gate.set()
        out, err = parent.communicate(timeout=60)
        wait_for(lambda: not alive(job) and not alive(worker), "the crawl processes to end")
    finally:
        gate.set()
        reap(parent)
    assert parent.returncode == 1, out + err
    ((_, status, message, _),) = runs(inst)
    assert (status, message) == ("failed", "stopped (SIGTERM)")
    inst.run("crawl", SOURCE)  # in this process: a server of its own
    urls = stored(inst)
    assert len(urls) == len(set(urls)) == ARTICLES
    assert set(urls) == article_urls(site, server)


def test_the_server_preloads_what_a_crawl_uses_and_not_what_it_switches_off():
    """Every component Scrapy's settings name is imported before the forks, except the
    extensions the settings switch off (telnet, the remote control and its aiohttp),
    which no crawl process imports at all."""
    probe = (
        "import sys\n"
        "from crawler.crawl.forkserver import preload\n"
        "preload()\n"
        "wanted = ('scrapy.core.downloader.handlers.http11', 'crawler.crawl.runs',\n"
        "          'crawler.crawl.pipeline', 'sqlalchemy.dialects.sqlite')\n"
        "print(all(m in sys.modules for m in wanted),\n"
        "      [m for m in ('aiohttp', 'scrapy.extensions.remote_control',\n"
        "                   'scrapy.extensions.telnet') if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split(None, 1) == ["True", "[]\n"], out.stdout + out.stderr
