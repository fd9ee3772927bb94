"""What the workers' tick finds due (crawler.workers.plan) and how often it ticks: pure
decisions on run rows and a config, no database or worker needed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.store.models import CrawlRun
from tests.helpers.instance import demo_sources, write_instance

pytest.importorskip("procrastinate", reason="in the postgres and test extras")

from crawler.workers.plan import crawl_due  # noqa: E402
from crawler.workers.queue import conninfo, no_stop_iteration, tick_cron  # noqa: E402

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


@pytest.fixture
def config(tmp_path: Path):  # noqa: ANN201
    inst = write_instance(tmp_path, demo_sources("http://127.0.0.1:9"))
    inst.config.write_text(
        inst.config.read_text("utf-8")
        + '\n[schedule]\ncrawl_every_minutes = 120\n[schedule.sources.demo-sdic]\ncron = "30 7,12 * * *"\n',
        encoding="utf-8",
    )
    return load_config(inst.config)


def run(status: str, minutes_ago: float, message: str = "") -> CrawlRun:
    return CrawlRun(status=status, started_at=NOW - timedelta(minutes=minutes_ago), message=message)


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (None, True),  # never crawled
        (run("completed", 119), False),  # within its interval
        (run("completed", 120), True),
        (
            run("running", 500),
            False,
        ),  # a crawl of it runs (a dead one is recovered, not re-planned)
        (run("failed", 10, "crawl process exited with 1"), False),  # failed on its own: waits
        (run("failed", 10, "stopped (SIGTERM)"), True),  # a drained machine's crawl: at once
        (run("failed", 1, "abandoned: the process that claimed it on a is gone"), True),
    ],
)
def test_an_interval_source_is_due_after_its_interval_or_an_interruption(config, last, due):  # noqa: ANN001
    assert crawl_due(config, last, "demo-yixing", NOW) is due


@pytest.mark.parametrize(
    ("minutes_ago", "due"),
    [(200, True), (151, True), (149, False), (5, False)],  # the 07:30 slot was 150 minutes ago
)
def test_a_cron_source_is_due_once_a_fire_time_passed_since_its_last_run(config, minutes_ago, due):  # noqa: ANN001
    assert crawl_due(config, run("completed", minutes_ago), "demo-sdic", NOW) is due


@pytest.mark.parametrize(
    ("seconds", "cron"),
    [
        (1, "*/1 * * * * *"),
        (7, "*/6 * * * * *"),
        (45, "*/30 * * * * *"),
        (60, "*/1 * * * *"),
        (300, "*/5 * * * *"),
        (7200, "*/30 * * * *"),
    ],
)
def test_the_tick_runs_on_a_cron_that_divides_its_period(seconds: int, cron: str):
    assert tick_cron(seconds) == cron


def test_the_queue_connects_with_the_store_url_password_and_all():
    url = "postgresql+psycopg://lw:s3cr%40t@10.0.0.5:5433/leadwatch?sslmode=require"
    assert conninfo(url) == "postgresql://lw:s3cr%40t@10.0.0.5:5433/leadwatch?sslmode=require"


@pytest.mark.parametrize("command", ["worker", "workers"])
def test_workers_need_postgresql_and_say_what_to_run_instead(tmp_path: Path, command: str):
    inst = write_instance(tmp_path, demo_sources("http://127.0.0.1:9"))
    result = inst.run(command, check=False)
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr and "schedule run" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stop_iteration_escaping_a_task_fails_the_job_instead_of_hanging_it():
    @no_stop_iteration
    def task(events: list[str]) -> str:
        return next(iter(events))  # the bug class: an empty list

    assert task(["visit"]) == "visit"

    async def as_a_worker_runs_it() -> str:  # a sync task runs in a thread
        return await asyncio.wait_for(asyncio.to_thread(task, []), timeout=5)

    with pytest.raises(RuntimeError, match="StopIteration escaped"):
        asyncio.run(as_a_worker_runs_it())
