"""Kills and signals at any moment of a real crawl: every article is stored exactly once
in the end, a dead run never blocks the next crawl, and SIGTERM stops a crawl cleanly.

A generated column of 90 articles (benchmarks.sitegen) is served on 127.0.0.1; the
crawls are real `leadwatch crawl` / `leadwatch schedule run` processes. The moments of
the kills come from a seeded random generator, so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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

ARTICLES = 90
SEED = 20261204


@pytest.fixture(scope="module")
def column(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    with served_column(tmp_path_factory.mktemp("column"), ARTICLES) as served:
        yield served


def assert_all_stored_once(inst, site, server) -> None:  # noqa: ANN001
    urls = stored(inst)
    assert len(urls) == len(set(urls)), "an article was stored twice"
    missing = article_urls(site, server) - set(urls)
    assert not missing, f"{len(missing)} articles never stored, e.g. {sorted(missing)[:3]}"
    assert len(urls) == ARTICLES


# --- the article worker killed at random moments -----------------------------------------


@pytest.mark.parametrize("trial", range(3))
def test_worker_killed_at_a_random_moment_loses_nothing(tmp_path: Path, column, trial: int):
    site, server = column
    rng = random.Random(SEED + trial)
    inst = column_instance(tmp_path, site, server)
    # The loopback site answers at once and the pipeline sends the worker one page while
    # it is idle, then the rest as the next batch: the kill falls in that batch, at a
    # random moment after the first page was stored (or before anything was).
    threshold = rng.choice((0, 1))
    parent = leadwatch(inst, "crawl", SOURCE)
    try:
        _, worker = crawl_processes(parent.pid)
        wait_for(lambda: len(stored(inst)) >= threshold, f"{threshold} stored articles")
        time.sleep(rng.uniform(0, 0.03))
        try:
            os.kill(worker, signal.SIGKILL)
        except ProcessLookupError:
            pytest.fail("the crawl ended before the kill: this trial tested nothing")
        out, err = parent.communicate(timeout=120)
    finally:
        reap(parent)
    assert parent.returncode == 0, out + err
    # the kill cost nothing: the pages the worker held were tried again, one by one
    assert_all_stored_once(inst, site, server)
    # and the next crawl (incremental: it stops paging early) keeps it so
    inst.run("crawl", SOURCE)
    assert_all_stored_once(inst, site, server)
    assert [status for _, status, _, _ in runs(inst)] == ["completed", "completed"]


# --- the whole crawl killed: the next crawl and the scheduler go ahead at once ----------


def start_and_kill_group(server, inst, at_least: int, *command: str) -> None:  # noqa: ANN001
    """Start ``command`` (a crawl of the column) in its own process group, SIGKILL the
    group once ``at_least`` articles are stored. The site holds its fourth list page
    meanwhile, so the kill falls mid-crawl however fast the crawl runs."""
    gate = server.gate("/yxzx/index_3.html")
    parent = leadwatch(inst, *(command or ("crawl", SOURCE)), new_group=True)
    try:
        job, worker = crawl_processes(parent.pid)
        wait_for(lambda: len(stored(inst)) >= at_least, f"{at_least} stored articles")
        os.killpg(parent.pid, signal.SIGKILL)
        parent.communicate(timeout=30)
        wait_for(lambda: not alive(job) and not alive(worker), "the crawl processes to die")
    finally:
        gate.set()
        reap(parent)
    ((_, status, _, _),) = runs(inst)
    assert status == "running"  # nobody could record anything


def test_after_a_group_kill_the_next_crawl_closes_the_dead_run_and_crawls_at_once(
    tmp_path: Path, column
):
    site, server = column
    inst = column_instance(tmp_path, site, server)
    start_and_kill_group(server, inst, 40)
    started = time.monotonic()
    result = inst.run("crawl", SOURCE, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert time.monotonic() - started < 60  # no waiting out crawl_timeout_s (1800 s)
    (dead, new) = runs(inst)
    assert dead[1] == "failed" and "abandoned: its process" in dead[2] and "is gone" in dead[2]
    assert new[1] == "completed"
    assert_all_stored_once(inst, site, server)


def test_schedule_run_killed_mid_crawl_crawls_at_once_when_restarted(tmp_path: Path, column):
    site, server = column
    schedule = "\n[schedule]\ncrawl_jitter_s = 0\ncrawl_every_minutes = 600\n"
    inst = column_instance(tmp_path, site, server, extra=schedule)
    start_and_kill_group(server, inst, 40, "schedule", "run")  # the whole service, SIGKILLed
    scheduler = leadwatch(inst, "schedule", "run")
    try:
        wait_for(lambda: [r for r in runs(inst) if r[1] == "completed"], "a completed crawl", 90)
        scheduler.send_signal(signal.SIGTERM)
        _, err = scheduler.communicate(timeout=60)
    finally:
        reap(scheduler)
    assert scheduler.returncode == 0, err[-3000:]
    (dead, new) = runs(inst)
    assert dead[1] == "failed" and "is gone" in dead[2], dead
    assert new[1] == "completed", new
    assert "marked 1 abandoned crawl run(s) failed" in err
    assert_all_stored_once(inst, site, server)


# --- SIGTERM to any one of our processes, from its first second -------------------------


def assert_stopped_cleanly(inst, parent, code: int | None) -> None:  # noqa: ANN001
    """Nothing left running, the run recorded as stopped, and the next crawl completes
    the column (a stopped run is no reference for the incremental early stop)."""
    assert wait_for(lambda: not descendants(parent.pid), "the crawl processes to end", 10)
    if code is not None:
        assert parent.returncode == code
    ((_, status, message, _),) = runs(inst)
    assert (status, message) == ("failed", "stopped (SIGTERM)")
    inst.run("crawl", SOURCE)
    assert [status for _, status, _, _ in runs(inst)] == ["failed", "completed"]


def reach(inst, moment: str, parent_pid: int) -> None:  # noqa: ANN001
    """Wait for a moment of the crawl: "start" (its run row exists: the crawl job is
    importing Scrapy), "setup" (the job and its article worker run) or "mid" (20
    articles are stored)."""
    wait_for(lambda: _has_run(inst), "the run row")
    if moment in ("setup", "mid"):
        crawl_processes(parent_pid)
    if moment == "mid":
        wait_for(lambda: len(stored(inst)) >= 20, "20 stored articles")


@pytest.mark.parametrize("moment", ["start", "mid"])
def test_sigterm_to_the_crawl_command_stops_the_crawl_cleanly(tmp_path: Path, column, moment):
    site, server = column
    inst = column_instance(tmp_path, site, server)
    parent = leadwatch(inst, "crawl", SOURCE)
    try:
        reach(inst, moment, parent.pid)
        started = time.monotonic()
        parent.send_signal(signal.SIGTERM)
        out, err = parent.communicate(timeout=90)
        took = time.monotonic() - started
    finally:
        reap(parent)
    assert took < 30, f"stopping took {took:.0f} s"
    assert "stopped (SIGTERM)" in out + err
    assert_stopped_cleanly(inst, parent, 128 + signal.SIGTERM)
    assert_all_stored_once(inst, site, server)


@pytest.mark.parametrize("moment", ["importing", "setup", "mid"])
def test_sigterm_to_the_crawl_job_alone_stops_the_crawl_cleanly(tmp_path: Path, column, moment):
    site, server = column
    inst = column_instance(tmp_path, site, server)
    parent = leadwatch(inst, "crawl", SOURCE)
    try:
        job = wait_for(
            lambda: next((p for p in descendants(parent.pid) if "crawl.job" in cmdline(p)), None),
            "the crawl job",
        )
        if moment != "importing":  # else at once: it is still importing Scrapy
            reach(inst, moment, parent.pid)
        os.kill(job, signal.SIGTERM)
        parent.communicate(timeout=90)
    finally:
        reap(parent)
    assert_stopped_cleanly(inst, parent, 1)
    assert_all_stored_once(inst, site, server)


def test_sigterm_to_the_process_group_stops_the_crawl_cleanly(tmp_path: Path, column):
    site, server = column
    inst = column_instance(tmp_path, site, server)
    parent = leadwatch(inst, "crawl", SOURCE, new_group=True)
    try:
        reach(inst, "mid", parent.pid)
        os.killpg(parent.pid, signal.SIGTERM)  # what a container stop or `kill -TERM -PGID` does
        parent.communicate(timeout=90)
    finally:
        reap(parent)
    assert_stopped_cleanly(inst, parent, 128 + signal.SIGTERM)
    assert_all_stored_once(inst, site, server)


def test_sigterm_to_the_scheduler_alone_stops_its_crawl_cleanly(tmp_path: Path, column):
    site, server = column
    schedule = "\n[schedule]\ncrawl_jitter_s = 0\ncrawl_every_minutes = 600\n"
    inst = column_instance(tmp_path, site, server, extra=schedule)
    scheduler = leadwatch(inst, "schedule", "run")
    try:
        reach(inst, "mid", scheduler.pid)
        started = time.monotonic()
        scheduler.send_signal(signal.SIGTERM)
        _, err = scheduler.communicate(timeout=90)
        took = time.monotonic() - started
    finally:
        reap(scheduler)
    assert took < 30, f"stopping took {took:.0f} s:\n{err[-3000:]}"
    assert scheduler.returncode == 0, err[-3000:]
    assert_stopped_cleanly(inst, scheduler, None)


def _has_run(inst) -> bool:  # noqa: ANN001
    try:
        return inst.db.exists() and bool(runs(inst))
    except Exception:  # the schema is being created
        return False
