"""The workers' queue: procrastinate's tasks, queues and locks over the shared PostgreSQL.

procrastinate (PostgreSQL only, MIT) is the only coordinator: no other server, and
nothing a worker keeps in memory matters when it dies.

- ``leadwatch.crawl`` (queue ``crawl``): one job per source, with the source as both
  its *queueing lock* (at most one job of it waiting, across all machines) and its
  *lock* (at most one running). The job runs the existing crawl child process
  (crawler.crawl.launch.crawl_source), whose claim on the source is a PostgreSQL
  advisory lock held by the worker's own session (crawler.store.advisory).
- ``leadwatch.digest`` (queue ``control``): one subscription's owed digest and due
  retries (alerts.digest.send_owed), locked per subscription; deliveries are claimed
  ``FOR UPDATE SKIP LOCKED`` inside.
- ``leadwatch.tick`` (queue ``control``): a periodic task, deferred once per period by
  the database whichever workers are up; it hands the jobs of workers that stopped
  sending heartbeats to others, then defers what crawler.workers.plan says is due.

The ``control`` queue has its own small worker in each process, so a tick or a digest
never waits behind long crawls.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

from procrastinate import App, PsycopgConnector, exceptions, jobs
from sqlalchemy.engine import make_url

from alerts.digest import send_owed
from crawler.config import Config
from crawler.crawl.launch import Stopper, crawl_source
from crawler.store import Database
from crawler.store.advisory import holder
from crawler.workers.plan import crawled_since, plan

log = logging.getLogger("leadwatch.workers")

CRAWL_QUEUE = "crawl"
CONTROL_QUEUE = "control"
CRAWL = "leadwatch.crawl"
DIGEST = "leadwatch.digest"
TICK = "leadwatch.tick"
WORKER_PREFIX = "leadwatch worker "  # application_name of a worker's sessions


@dataclass
class WorkerContext:
    """What the tasks of one worker process share."""

    config: Config
    database: Database
    stopper: Stopper = field(default_factory=Stopper)
    stop: threading.Event = field(default_factory=threading.Event)


def conninfo(url: str) -> str:
    """A libpq connection string from the store's SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def tick_cron(seconds: int) -> str:
    """A cron for a tick every ``seconds``: the largest divisor of 60 not above it, in
    seconds (6 fields), or whole minutes from 60 s on."""
    if seconds >= 60:
        minutes = max(m for m in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) if m <= seconds // 60)
        return f"*/{minutes} * * * *"
    step = max(d for d in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) if d <= seconds)
    return f"*/{step} * * * * *"


P = ParamSpec("P")
R = TypeVar("R")


def no_stop_iteration(task: Callable[P, R]) -> Callable[P, R]:
    """A StopIteration escaping a task that runs in a thread cannot be set on the future
    awaiting it (asyncio raises TypeError in a callback): the job would never end, and
    would hold its lock for good. Turned into an ordinary error, the job fails and says
    why."""

    @functools.wraps(task)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return task(*args, **kwargs)
        except StopIteration as error:
            raise RuntimeError(f"{task.__name__}: StopIteration escaped ({error!r})") from error

    return run


def build_app(ctx: WorkerContext) -> App:
    """The procrastinate App with leadwatch's tasks, bound to ``ctx``."""
    config, database = ctx.config, ctx.database
    app = App(
        connector=PsycopgConnector(
            conninfo=conninfo(database.url),
            kwargs={"application_name": f"{WORKER_PREFIX}{holder()}"},
            min_size=1,
            max_size=4,
        )
    )

    @app.task(name=CRAWL, queue=CRAWL_QUEUE)
    @no_stop_iteration
    def crawl(source: str, after_run: int = 0) -> str:
        if ctx.stop.is_set():
            return f"{source}: not started — this worker is stopping"
        if crawled_since(database, source, after_run):
            return f"{source}: crawled by another job since this one was planned"
        outcome = crawl_source(config, database, source, stopper=ctx.stopper)
        (log.info if outcome.ok or outcome.busy else log.warning)("crawl %s", outcome.summary())
        return outcome.summary()

    @app.task(name=DIGEST, queue=CONTROL_QUEUE)
    @no_stop_iteration
    def digest(subscription: str) -> str:
        sub = config.subscription(subscription)
        results = send_owed(config, database, sub, datetime.now(UTC), stop=ctx.stop)
        for result in results:
            (log.info if result.sent else log.warning)("digest %s", result.summary())
        return "; ".join(r.summary() for r in results) or f"{subscription}: nothing owed"

    @app.periodic(cron=tick_cron(config.schedule.tick_s), periodic_id="tick")
    @app.task(name=TICK, queue=CONTROL_QUEUE, queueing_lock="tick")
    async def tick(timestamp: int) -> str:
        recovered = await recover(app, config.workers.stalled_after_s)
        now = datetime.fromtimestamp(timestamp, UTC)
        waiting = await queued_crawls(app)
        due = await asyncio.to_thread(plan, config, database, now, waiting)
        crawls = [
            name
            for name in due.crawls
            if await defer_once(
                crawl, f"crawl:{name}", {"source": name, "after_run": due.after_run}
            )
        ]
        digests = [
            name
            for name in due.digests
            if await defer_once(digest, f"digest:{name}", {"subscription": name})
        ]
        summary = f"recovered {recovered}; deferred crawls {crawls}, digests {digests}"
        (log.info if recovered or crawls or digests else log.debug)("tick: %s", summary)
        return summary

    return app


async def queued_crawls(app: App) -> frozenset[str]:
    """Sources with a crawl job waiting: deferring another would only be refused."""
    rows = await app.connector.execute_query_all_async(
        "SELECT queueing_lock FROM procrastinate_jobs "
        "WHERE status = 'todo' AND queueing_lock LIKE 'crawl:%%'"
    )
    return frozenset(row["queueing_lock"].removeprefix("crawl:") for row in rows)


async def defer_once(task: object, lock: str, kwargs: dict) -> bool:
    """Defer ``task`` under ``lock`` (its lock and queueing lock); False when a job of
    that lock is waiting already."""
    try:
        await task.configure(lock=lock, queueing_lock=lock).defer_async(**kwargs)  # type: ignore[attr-defined]
    except exceptions.AlreadyEnqueued:
        return False
    return True


async def recover(app: App, stalled_after_s: float) -> int:
    """Put the jobs of workers silent for ``stalled_after_s`` back in the queue for
    others. A stalled job whose lock has another job waiting already is closed as
    failed instead: that one does the work."""
    count = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
        try:
            await app.job_manager.retry_job(job)
            log.warning("job %s (%s) of a silent worker handed to another", job.id, job.lock)
        except exceptions.ConnectorException:
            try:
                await app.job_manager.finish_job(job, status=jobs.Status.FAILED, delete_job=False)
            except exceptions.ConnectorException:  # another tick got to it first
                continue
            log.warning("job %s (%s) of a silent worker closed: one is waiting", job.id, job.lock)
        count += 1
    return count
