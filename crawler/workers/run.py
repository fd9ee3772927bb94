"""One `leadwatch worker` process: a crawl worker and a control worker on one loop.

Each is a procrastinate Worker with its own heartbeat: the crawl worker takes
``leadwatch.crawl`` jobs (``[workers] concurrency`` at once, each a crawl process of
its own), the control worker ticks and sends digests. SIGTERM or SIGINT: no new job is
taken, running crawls stop cleanly (their processes get SIGTERM; the run is recorded
"stopped (SIGTERM)", and the next tick gives the source to another worker), a digest
being sent finishes; then the process exits 0. A worker that is killed instead loses
its jobs to the others once it has been silent for ``stalled_after_s`` (see queue.py).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from procrastinate.schema import SchemaManager
from procrastinate.worker import Worker
from sqlalchemy import text

from crawler.config import Config
from crawler.store import Database
from crawler.store.advisory import holder
from crawler.workers.queue import (
    CONTROL_QUEUE,
    CRAWL_QUEUE,
    WorkerContext,
    build_app,
)

log = logging.getLogger("leadwatch.workers")

# How often an idle worker looks for a job whose lock came free (new jobs are announced
# by NOTIFY at once; a lock freed by a finished job is not).
POLL_S = 2.0


def ensure_schema(database: Database) -> None:
    """Create procrastinate's tables if this store has none yet (revision 0009 makes
    them when procrastinate was installed at upgrade time)."""
    with database.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(19541, 9)"))  # one creator
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            conn.connection.dbapi_connection.execute(SchemaManager.get_schema())
        conn.commit()


def _worker(ctx: WorkerContext, app: object, queue: str, concurrency: int) -> Worker:
    settings = ctx.config.workers
    return Worker(
        app,  # type: ignore[arg-type]
        queues=[queue],
        name=f"{queue}@{holder()}",
        concurrency=concurrency,
        install_signal_handlers=False,
        update_heartbeat_interval=settings.heartbeat_s,
        stalled_worker_timeout=settings.stalled_after_s,
        fetch_job_polling_interval=min(POLL_S, settings.heartbeat_s),
        delete_jobs="successful",
    )


async def _run(ctx: WorkerContext, concurrency: int) -> None:
    app = build_app(ctx)
    async with app.open_async():
        crawls = _worker(ctx, app, CRAWL_QUEUE, concurrency)
        control = _worker(ctx, app, CONTROL_QUEUE, 2)  # a tick beside a digest being sent
        loop = asyncio.get_running_loop()

        def on_signal(signum: int) -> None:
            if ctx.stop.is_set():
                return
            log.info("%s: no new jobs; stopping running crawls", signal.Signals(signum).name)
            ctx.stop.set()
            ctx.stopper.request_stop(signum)
            crawls.stop()
            control.stop()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal, signum)
        log.info("worker %s started: %d crawl(s) at once", holder(), concurrency)
        await asyncio.gather(crawls.run(), control.run())
    log.info("worker %s stopped", holder())


def run_worker(config: Config, database: Database, concurrency: int | None = None) -> int:
    """Run until SIGTERM/SIGINT; returns the exit status."""
    ensure_schema(database)
    ctx = WorkerContext(config, database)
    asyncio.run(_run(ctx, concurrency or config.workers.concurrency))
    return 0
